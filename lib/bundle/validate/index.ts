/**
 * Validation of Elastic Beanstalk bundle files: Dockerrun.aws.json v2 (ECS platform), v1 (single
 * container) and the production docker-compose.yml of the Docker platform — one module per
 * document, plus the parts they share (issues and paths, the generated schema validators, image and
 * role references, reporting, the position-keeping JSON parser that `import` shares).
 *
 * Pure: data in, issues out. Sources of every rule: docs/dockerrun-validation.md.
 */
export * from './issues';
export { isValidImageReference, isRoleArn } from './references';
export { validateDockerrunV2 } from './dockerrun-v2';
export { validateDockerrun, validateDockerrunV1 } from './dockerrun-v1';
export { validateProductionCompose } from './production-compose';
export type { ProductionComposeOptions } from './production-compose';
export { assertValidDockerrun, issuesToDetails, locate } from './report';
export type { AssertValidOptions } from './report';
export { parseJsonWithLocations } from './json-positions';
export type { LocatedJson } from './json-positions';
export { validateOutput } from './output';

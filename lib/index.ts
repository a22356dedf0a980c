/**
 * beanstack's programmatic API (what `require('beanstack')` gives). Re-exports only; loading it does
 * not load aws-cdk-lib. The CDK constructs are in `beanstack/dist/constructs`.
 */
export * from './errors';
export { loadProject, renderConfig } from './compose';
export type * from './compose/model';
export { composeToBundle } from './bundle';
export type * from './bundle/types';
export { validateDockerrun, validateDockerrunV1, validateDockerrunV2, validateProductionCompose } from './bundle/validate';
export { dockerrunToCompose } from './bundle/import';
export { nodeFileReader } from './io/node-reader';
export { writeBundle } from './io/write-bundle';

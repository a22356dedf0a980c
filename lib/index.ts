/**
 * beanstack's pure API (`import … from 'beanstack/lib'`; the package entry `beanstack` re-exports it
 * with the constructs). Re-exports only; loading it does not load aws-cdk-lib, and the CLI's
 * `config` and `dockerrun` never load the package entry.
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

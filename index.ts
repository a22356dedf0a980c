/**
 * The package entry: `import { BeanstackStack, ComposeApplication, Database, Network,
 * BeanstalkEnvironment } from 'beanstack'`. It loads aws-cdk-lib (a peer dependency).
 *
 * Other entries (package.json `exports`): `beanstack/app` — the CDK app that `beanstack app` runs
 * (`createBeanstackApp`, for a TypeScript app that extends the stack); `beanstack/lib` — the pure
 * stages (compose loader, bundle converter) without aws-cdk-lib.
 */
export * from './constructs';
export * from './lib';

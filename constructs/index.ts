export * from './stage';
export { physicalName } from './names';
export { regionFacts } from './region';
export { propsError, WARNING_PREFIX } from './props';
export * from './network';
export * from './database';
export * from './beanstalk-environment';
export * from './compose-application';
export * from './stack';

export * from './stage';
export * from './network';
export * from './database';
export * from './beanstalk-environment';
export * from './compose-application';
export * from './stack';

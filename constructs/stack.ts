import { Stack, StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { ComposeApplication, ComposeApplicationProps } from './compose-application';

export interface BeanstackStackProps extends StackProps, ComposeApplicationProps {}

/**
 * One stack per application and stage: a `ComposeApplication` (network, databases, secrets, images
 * and the Beanstalk environment) and its outputs. `cdk deploy` of this stack deploys everything.
 */
export class BeanstackStack extends Stack {
  /** The application: its bundle, warnings, environment, databases and images. */
  readonly application: ComposeApplication;

  constructor(scope: Construct, id: string, props: BeanstackStackProps = {}) {
    super(scope, id, {
      description: props.description ?? 'beanstack: a Docker Compose application on AWS Elastic Beanstalk',
      ...props,
    });
    this.application = new ComposeApplication(this, 'App', props);
  }
}

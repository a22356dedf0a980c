import { Fn, Stack, StackProps, Token } from 'aws-cdk-lib';
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

  /**
   * The availability zones of the VPC. When the app's context holds the zones of this account and
   * region (`availability-zones:account=…:region=…`, e.g. committed in cdk.context.json), those
   * names; otherwise the first two zones as CloudFormation resolves them at deploy time
   * (`Fn::GetAZs`), so `cdk synth` never needs a lookup, credentials or a network call.
   */
  get availabilityZones(): string[] {
    if (Token.isUnresolved(this.account) || Token.isUnresolved(this.region)) return super.availabilityZones;
    const cached = this.node.tryGetContext(`availability-zones:account=${this.account}:region=${this.region}`);
    if (Array.isArray(cached)) return super.availabilityZones;
    return [0, 1].map((i) => Fn.select(i, Fn.getAzs(this.region)));
  }
}

/**
 * The cross-prop rules of `ComposeApplication`, as a table: each a condition on the props (stage
 * defaulted) and the message that names the props and the fix. Checked in order before anything is
 * loaded or created; the first that holds is thrown.
 */
import { checkRules, PropsRule } from './props';
import type { DeploymentStage } from './stage';

/** Props that say how to load the compose files: alternatives to an already loaded `project`. */
export const LOAD_PROPS = ['composeFiles', 'workingDirectory', 'interpolationVariables', 'profiles'] as const;

/** The props the rules read. */
export interface ResolvedComposeApplicationProps {
  readonly stage: DeploymentStage;
  readonly hasProject: boolean;
  /** Which of `LOAD_PROPS` are set. */
  readonly loadProps: readonly string[];
  readonly instanceSubnets?: string;
  readonly certificateArn?: string;
  readonly allowHttp?: boolean;
  /** Whether the stage has a domain (x-beanstack.domain or `domain`): it brings its own certificate. */
  readonly hasDomain?: boolean;
}

/** The rules, in the order they are checked. */
export function composeApplicationRules(p: ResolvedComposeApplicationProps): PropsRule[] {
  const prod = p.stage === 'prod';
  const names = p.loadProps.map((n) => `\`${n}\``).join(', ');
  return [
    {
      // `project` used to win silently over the props that load one
      condition: p.hasProject && p.loadProps.length > 0,
      message: `\`project\` is an already loaded compose project, but ${names} ${p.loadProps.length === 1 ? 'says' : 'say'} how to load one; pass either \`project\` or ${LOAD_PROPS.map((n) => `\`${n}\``).join('/')}, not both`,
    },
    {
      condition: p.instanceSubnets === 'private' && !prod,
      message: '`instanceSubnets` \'private\' needs a load balancer, which the dev stage (one instance, reached through its Elastic IP) does not have; deploy the prod stage (-c stage=prod) or use public instance subnets (-c instanceSubnets=public)',
    },
    {
      condition: p.certificateArn !== undefined && !prod,
      message: '`certificateArn` needs a load balancer, which the dev stage (one instance) does not have; deploy the prod stage (-c stage=prod) or remove certificateArn',
    },
    {
      condition: prod && p.certificateArn === undefined && !p.hasDomain && !p.allowHttp,
      message: 'the prod stage serves HTTPS, but `certificateArn` is not set and the stage has no `domain`; give it its domain (x-beanstack.domain, or -c domain=shop.example.com -c hostedZoneId=Z… -c hostedZoneName=example.com: a certificate is created and validated by DNS; docs/domain.md), or pass an ACM certificate of your domain (-c certificateArn=arn:aws:acm:<region>:<account>:certificate/<id>), or set `allowHttp: true` (-c allowHttp=true) to serve plain HTTP knowingly',
    },
  ];
}

/** Throws the `propsError` of the first rule that the props break. */
export function validateComposeApplicationProps(p: ResolvedComposeApplicationProps): void {
  checkRules(composeApplicationRules(p));
}

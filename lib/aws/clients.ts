/**
 * The AWS SDK clients the checks use, built once per command with the same region, credentials,
 * retry and timeout settings. Checks only ever see `AwsClients`, so tests hand in clients whose
 * `send` is mocked (aws-sdk-client-mock) or which point at a local fake endpoint.
 */
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { EC2Client } from '@aws-sdk/client-ec2';
import { ElasticBeanstalkClient } from '@aws-sdk/client-elastic-beanstalk';
import { IAMClient } from '@aws-sdk/client-iam';
import { RDSClient } from '@aws-sdk/client-rds';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { Route53Client } from '@aws-sdk/client-route-53';
import { ServiceQuotasClient } from '@aws-sdk/client-service-quotas';
import { SSMClient } from '@aws-sdk/client-ssm';
import { STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';

export interface AwsClients {
  readonly region: string;
  readonly cloudformation: CloudFormationClient;
  readonly cloudwatch: CloudWatchClient;
  readonly ec2: EC2Client;
  readonly elasticbeanstalk: ElasticBeanstalkClient;
  readonly iam: IAMClient;
  readonly rds: RDSClient;
  readonly secretsmanager: SecretsManagerClient;
  /** Route 53 (a global service: one endpoint whatever the region). */
  readonly route53: Route53Client;
  readonly servicequotas: ServiceQuotasClient;
  readonly ssm: SSMClient;
  readonly sts: STSClient;
  /** Closes the HTTP connections of the clients created so far. */
  readonly destroy?: () => void;
}

export interface AwsClientOptions {
  /** Region of every regional client (the stack's region). */
  readonly region: string;
  /**
   * Credentials, or a provider of them.
   *
   * @default - the SDK's default provider chain
   */
  readonly credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /**
   * Attempts per call, the first included; throttling and transient errors are retried with
   * exponential backoff and jitter (the SDK's standard retry mode).
   *
   * @default 5
   */
  readonly maxAttempts?: number;
  /**
   * Time one attempt of a call may take, in milliseconds (connection included).
   *
   * @default 10000
   */
  readonly requestTimeoutMs?: number;
  /**
   * Send every call to this URL instead of the regional endpoint (tests: a fake endpoint on
   * 127.0.0.1).
   *
   * @default - the regional endpoint of each service
   */
  readonly endpoint?: string;
}

/** Builds the clients; each is created on first use, so a command pays only for what it calls. */
export function createAwsClients(options: AwsClientOptions): AwsClients {
  const requestTimeout = options.requestTimeoutMs ?? 10000;
  const config = {
    region: options.region,
    ...(options.credentials !== undefined ? { credentials: options.credentials } : {}),
    maxAttempts: options.maxAttempts ?? 5,
    retryMode: 'standard',
    requestHandler: {
      connectionTimeout: Math.min(requestTimeout, 5000),
      requestTimeout,
      throwOnRequestTimeout: true,
    },
    ...(options.endpoint !== undefined ? { endpoint: options.endpoint } : {}),
  } as const;
  const cache = new Map<string, unknown>();
  const lazy = <T>(key: string, make: () => T): T => {
    if (!cache.has(key)) cache.set(key, make());
    return cache.get(key) as T;
  };
  // IAM is a global service: its endpoint is not regional (the region only picks the partition).
  return {
    region: options.region,
    get cloudformation() { return lazy('cfn', () => new CloudFormationClient(config)); },
    get cloudwatch() { return lazy('cw', () => new CloudWatchClient(config)); },
    get ec2() { return lazy('ec2', () => new EC2Client(config)); },
    get elasticbeanstalk() { return lazy('eb', () => new ElasticBeanstalkClient(config)); },
    get iam() { return lazy('iam', () => new IAMClient(config)); },
    get rds() { return lazy('rds', () => new RDSClient(config)); },
    get secretsmanager() { return lazy('sm', () => new SecretsManagerClient(config)); },
    get route53() { return lazy('route53', () => new Route53Client(config)); },
    get servicequotas() { return lazy('sq', () => new ServiceQuotasClient(config)); },
    get ssm() { return lazy('ssm', () => new SSMClient(config)); },
    get sts() { return lazy('sts', () => new STSClient(config)); },
    destroy: () => {
      for (const client of cache.values()) (client as { destroy(): void }).destroy();
      cache.clear();
    },
  };
}

/**
 * Classifies errors thrown by AWS SDK v3 calls into what a user can act on: a missing permission
 * (and which one), bad or expired credentials, throttling that outlasted the retries, a timeout or a
 * network failure. Works on the error's `name`, `code` and `$metadata` only, so it needs no SDK import.
 */

/** Error names AWS services use for a denied call. */
const ACCESS_DENIED = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'UnauthorizedOperation',
  'UnauthorizedAccess',
  'AuthorizationError',
  'AuthorizationErrorException',
  'NotAuthorized',
]);

/** Error names of rejected or expired credentials. */
const BAD_CREDENTIALS = new Set([
  'AuthFailure',
  'ExpiredToken',
  'ExpiredTokenException',
  'InvalidClientTokenId',
  'UnrecognizedClientException',
  'SignatureDoesNotMatch',
  'InvalidAccessKeyId',
  'IncompleteSignature',
  'IncompleteSignatureException',
  'RequestExpired',
]);

/** Error names of throttling (the SDK retries them with backoff before they reach us). */
const THROTTLING = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'RequestThrottled',
  'RequestThrottledException',
  'RequestLimitExceeded',
  'TooManyRequestsException',
  'SlowDown',
  'BandwidthLimitExceeded',
  'ProvisionedThroughputExceededException',
]);

/** Node network error codes. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE']);

export type AwsErrorKind = 'access-denied' | 'credentials' | 'throttling' | 'timeout' | 'network' | 'service';

interface SdkErrorLike {
  readonly name?: string;
  readonly code?: string;
  readonly message?: string;
  readonly $metadata?: { readonly httpStatusCode?: number; readonly attempts?: number };
  readonly $fault?: string;
  readonly $retryable?: unknown;
}

/** The error name an SDK error carries (`name`, or `Code`/`code` for some protocols). */
export function errorName(e: unknown): string | undefined {
  if (typeof e !== 'object' || e === null) return undefined;
  const err = e as SdkErrorLike & { Code?: string };
  return err.name && err.name !== 'Error' ? err.name : (err.Code ?? err.code);
}

/** What kind of AWS failure `e` is, or undefined when it is not an AWS/network error. */
export function classifyAwsError(e: unknown): AwsErrorKind | undefined {
  if (typeof e !== 'object' || e === null) return undefined;
  const err = e as SdkErrorLike;
  const name = errorName(e) ?? '';
  if (ACCESS_DENIED.has(name)) return 'access-denied';
  if (BAD_CREDENTIALS.has(name) || name === 'CredentialsProviderError') return 'credentials';
  if (THROTTLING.has(name)) return 'throttling';
  if (name === 'TimeoutError' || name === 'AbortError' || err.code === 'ETIMEDOUT' || name === 'RequestTimeout' || name === 'RequestTimeoutException') {
    return 'timeout';
  }
  if ((err.code && NETWORK_CODES.has(err.code)) || NETWORK_CODES.has(name)) return 'network';
  if (err.$metadata !== undefined || err.$fault !== undefined) {
    return err.$metadata?.httpStatusCode === 403 ? 'access-denied' : 'service';
  }
  return undefined;
}

/**
 * The IAM action a denial message names (`... is not authorized to perform: ec2:DescribeVpcs ...`),
 * or undefined.
 */
export function deniedAction(message: string | undefined): string | undefined {
  if (!message) return undefined;
  const m = /perform:?\s+([a-z0-9-]+:[A-Za-z0-9*]+)/.exec(message);
  return m ? m[1] : undefined;
}

/** A user-facing explanation of an AWS error. */
export interface DescribedAwsError {
  readonly kind: AwsErrorKind;
  readonly message: string;
  readonly fix: string;
}

/**
 * Explains an AWS error. `permissions` are the IAM actions the failing code calls; a denial that does
 * not name its action lists them. Returns undefined for errors that are not AWS/network errors
 * (bugs), which callers should not swallow.
 */
export function describeAwsError(e: unknown, permissions: readonly string[] = []): DescribedAwsError | undefined {
  const kind = classifyAwsError(e);
  if (kind === undefined) return undefined;
  const err = e as SdkErrorLike;
  const name = errorName(e) ?? 'Error';
  const attempts = err.$metadata?.attempts;
  switch (kind) {
    case 'access-denied': {
      const action = deniedAction(err.message);
      const missing = action ? [action] : [...permissions];
      const list = missing.length > 0 ? missing.join(', ') : 'the permission of this call';
      return {
        kind,
        message: `access denied (${name}): missing permission ${list}`,
        fix: `allow ${list} for your identity (docs/iam/preflight-doctor-policy.json has every read-only permission beanstack needs)`,
      };
    }
    case 'credentials':
      return {
        kind,
        message: `the credentials were rejected (${name}: ${firstLine(err.message)})`,
        fix: 'refresh the credentials (aws sso login, or new access keys) and check AWS_PROFILE',
      };
    case 'throttling':
      return {
        kind,
        message: `AWS throttled the calls (${name})${attempts ? ` after ${attempts} attempts` : ''}`,
        fix: 'another tool is using the API quota of this account; wait a minute and run again',
      };
    case 'timeout':
      return {
        kind,
        message: `AWS did not answer in time (${firstLine(err.message) || name})`,
        fix: 'check the network (proxy, VPN, firewall) and run again, or raise --timeout',
      };
    case 'network':
      return {
        kind,
        message: `cannot reach AWS (${err.code ?? name}: ${firstLine(err.message)})`,
        fix: 'check the network connection, the proxy settings (HTTPS_PROXY) and the region name',
      };
    case 'service':
      return {
        kind,
        message: `AWS returned ${name}: ${firstLine(err.message)}`,
        fix: 'run again; if it persists, the message above says what AWS rejected',
      };
  }
}

function firstLine(text: string | undefined): string {
  return (text ?? '').split('\n')[0].trim();
}

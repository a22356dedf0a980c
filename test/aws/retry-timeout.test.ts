/**
 * Throttling with retry and per-call timeouts, through the real SDK middleware (retry strategy,
 * HTTP handler): aws-sdk-client-mock bypasses both, so these tests point the clients at a fake AWS
 * endpoint on 127.0.0.1 that answers with throttling errors or never answers.
 */
import * as http from 'http';
import type { AddressInfo } from 'net';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { runChecks } from '../../lib/aws/check';
import { createAwsClients, AwsClients } from '../../lib/aws/clients';
import { PREFLIGHT_CHECKS, preflightContext } from '../../lib/aws/preflight';
import { loadPlan } from './helpers';

interface FakeAws {
  readonly url: string;
  /** Requests received: the `Action` of each. */
  readonly actions: string[];
  /** Headers of each request. */
  readonly headers: http.IncomingHttpHeaders[];
  close(): Promise<void>;
}

type Responder = (action: string, n: number, res: http.ServerResponse) => void;

async function fakeAws(respond: Responder): Promise<FakeAws> {
  const actions: string[] = [];
  const headers: http.IncomingHttpHeaders[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => { body += c; });
    req.on('end', () => {
      const action = new URLSearchParams(body).get('Action') ?? '?';
      actions.push(action);
      headers.push(req.headers);
      respond(action, actions.filter((a) => a === action).length, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    actions,
    headers,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

const STS_THROTTLED = `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error>
  <RequestId>4f1b2c3d-0000-4000-8000-00000000aaaa</RequestId>
</ErrorResponse>`;

const STS_IDENTITY = `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <GetCallerIdentityResult>
    <Arn>arn:aws:iam::123456789012:user/dev</Arn>
    <UserId>AIDASAMPLEUSERID</UserId>
    <Account>123456789012</Account>
  </GetCallerIdentityResult>
  <ResponseMetadata><RequestId>01234567-89ab-cdef-0123-456789abcdef</RequestId></ResponseMetadata>
</GetCallerIdentityResponse>`;

const EC2_THROTTLED = `<?xml version="1.0" encoding="UTF-8"?>
<Response><Errors><Error><Code>RequestLimitExceeded</Code><Message>Request limit exceeded.</Message></Error></Errors><RequestID>5a6b7c8d-0000-4000-8000-00000000bbbb</RequestID></Response>`;

const EC2_OFFERINGS = `<?xml version="1.0" encoding="UTF-8"?>
<DescribeInstanceTypeOfferingsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
  <requestId>6b7c8d9e-0000-4000-8000-00000000cccc</requestId>
  <instanceTypeOfferingSet>
    <item><instanceType>t3.small</instanceType><locationType>availability-zone</locationType><location>eu-west-1a</location></item>
    <item><instanceType>t3.small</instanceType><locationType>availability-zone</locationType><location>eu-west-1b</location></item>
  </instanceTypeOfferingSet>
</DescribeInstanceTypeOfferingsResponse>`;

function clientsFor(fake: FakeAws, o: { maxAttempts: number; requestTimeoutMs?: number }): AwsClients {
  return createAwsClients({
    region: 'eu-west-1',
    credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' },
    endpoint: fake.url,
    maxAttempts: o.maxAttempts,
    requestTimeoutMs: o.requestTimeoutMs,
  });
}

const xml = (res: http.ServerResponse, status: number, body: string) => {
  res.writeHead(status, { 'content-type': 'text/xml', 'x-amzn-requestid': 'fake' });
  res.end(body);
};

let fake: FakeAws | undefined;
let clients: AwsClients | undefined;
afterEach(async () => {
  clients?.destroy?.();
  await fake?.close();
  fake = undefined;
  clients = undefined;
});

test('throttled calls are retried with backoff until they succeed', async () => {
  fake = await fakeAws((_action, n, res) => (n <= 2 ? xml(res, 400, STS_THROTTLED) : xml(res, 200, STS_IDENTITY)));
  clients = clientsFor(fake, { maxAttempts: 5 });
  const out = await clients.sts.send(new GetCallerIdentityCommand({}));
  expect(out.Account).toBe('123456789012');
  expect(out.$metadata.attempts).toBe(3);
  expect(fake.actions).toEqual(['GetCallerIdentity', 'GetCallerIdentity', 'GetCallerIdentity']);
  // the retries went through the SDK's retry strategy (it numbers each attempt)
  expect(fake.headers[2]['amz-sdk-request']).toMatch(/attempt=3; max=5/);
});

test('a check whose calls are throttled is retried and passes', async () => {
  fake = await fakeAws((action, n, res) => (n === 1 ? xml(res, 503, EC2_THROTTLED) : xml(res, 200, EC2_OFFERINGS)));
  clients = clientsFor(fake, { maxAttempts: 3 });
  const ctx = preflightContext(loadPlan('ecs-single'), clients, { account: '123456789012', arn: 'arn:aws:iam::123456789012:user/dev' }, 'eu-west-1');
  const [result] = await runChecks(PREFLIGHT_CHECKS.filter((c) => c.id === 'compute/instance-type-offered'), ctx);
  expect(result).toMatchObject({ status: 'pass', summary: 't3.small offered in eu-west-1a, eu-west-1b' });
  expect(fake.actions).toEqual(['DescribeInstanceTypeOfferings', 'DescribeInstanceTypeOfferings']);
});

test('throttling that outlasts the retries becomes a warning naming it, not a crash', async () => {
  fake = await fakeAws((_action, _n, res) => xml(res, 503, EC2_THROTTLED));
  clients = clientsFor(fake, { maxAttempts: 2 });
  const ctx = preflightContext(loadPlan('ecs-single'), clients, { account: '123456789012', arn: 'arn:aws:iam::123456789012:user/dev' }, 'eu-west-1');
  const [result] = await runChecks(PREFLIGHT_CHECKS.filter((c) => c.id === 'compute/instance-type-offered'), ctx);
  expect(result.status).toBe('warn');
  expect(result.summary).toBe('could not check: AWS throttled the calls (RequestLimitExceeded) after 2 attempts');
  expect(fake.actions).toHaveLength(2);
});

test('a stalled endpoint times out per call, and the check says so', async () => {
  // accepts the request and never answers
  fake = await fakeAws(() => undefined);
  clients = clientsFor(fake, { maxAttempts: 2, requestTimeoutMs: 300 });
  const ctx = preflightContext(loadPlan('ecs-single'), clients, { account: '123456789012', arn: 'arn:aws:iam::123456789012:user/dev' }, 'eu-west-1');
  const started = Date.now();
  const [result] = await runChecks(PREFLIGHT_CHECKS.filter((c) => c.id === 'compute/instance-type-offered'), ctx);
  const elapsed = Date.now() - started;
  expect(result.status).toBe('warn');
  expect(result.summary).toMatch(/^could not check: AWS did not answer in time/);
  expect(result.fix).toContain('--timeout');
  // two attempts of 300 ms plus one backoff, far below a hung CLI
  expect(fake.actions).toHaveLength(2);
  console.log(`a check against a hung CLI gave up after ${elapsed} ms`);
});

test('a check that runs past its own deadline is cut off', async () => {
  fake = await fakeAws(() => undefined);
  clients = clientsFor(fake, { maxAttempts: 1, requestTimeoutMs: 10000 });
  const ctx = preflightContext(loadPlan('ecs-single'), clients, { account: '123456789012', arn: 'arn:aws:iam::123456789012:user/dev' }, 'eu-west-1');
  const [result] = await runChecks(PREFLIGHT_CHECKS.filter((c) => c.id === 'compute/instance-type-offered'), ctx, { checkTimeoutMs: 200 });
  expect(result).toMatchObject({ status: 'warn', summary: 'could not check: did not finish within 0.2 s' });
});

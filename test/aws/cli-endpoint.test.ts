/**
 * The commands end to end through the real SDK stack (signing, protocols, retries, error parsing)
 * against a fake AWS on 127.0.0.1 (`BEANSTACK_AWS_ENDPOINT`): a principal that may only call
 * sts:GetCallerIdentity. Every service answers every other call with its own protocol's denial, and
 * every check must name the permission it lacks while the others still run.
 */
import * as fs from 'fs';
import * as http from 'http';
import type { AddressInfo } from 'net';
import * as os from 'os';
import * as path from 'path';
import { main } from '../../bin/cli';
import { FIXTURES } from './helpers';

const USER = 'arn:aws:iam::123456789012:user/readonly-dev';

/** IAM prefix of the service a SigV4 request was signed for. */
function serviceOf(req: http.IncomingMessage): string {
  const m = /Credential=[^/]+\/\d{8}\/[^/]+\/([^/]+)\/aws4_request/.exec(String(req.headers.authorization ?? ''));
  return m ? m[1] : '?';
}

const denial = (action: string) => `User: ${USER} is not authorized to perform: ${action} because no identity-based policy allows the ${action} action`;

function answer(req: http.IncomingMessage, body: string, res: http.ServerResponse, seen: string[]): void {
  const service = serviceOf(req);
  const target = req.headers['x-amz-target'];
  if (typeof target === 'string') {
    // awsJson protocols (SSM, Service Quotas): X-Amz-Target: AmazonSSM.GetParameter
    const action = `${service}:${target.split('.').pop()}`;
    seen.push(action);
    res.writeHead(400, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': 'fake' });
    res.end(JSON.stringify({ __type: 'AccessDeniedException', message: denial(action) }));
    return;
  }
  const name = new URLSearchParams(body).get('Action') ?? '?';
  const action = `${service}:${name}`;
  seen.push(action);
  if (action === 'sts:GetCallerIdentity') {
    res.writeHead(200, { 'content-type': 'text/xml' });
    res.end(`<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>${USER}</Arn><UserId>AIDAREADONLY</UserId><Account>123456789012</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></GetCallerIdentityResponse>`);
    return;
  }
  if (service === 'ec2') {
    res.writeHead(403, { 'content-type': 'text/xml' });
    res.end(`<?xml version="1.0" encoding="UTF-8"?><Response><Errors><Error><Code>UnauthorizedOperation</Code><Message>You are not authorized to perform this operation. ${denial(action)}</Message></Error></Errors><RequestID>r</RequestID></Response>`);
    return;
  }
  // awsQuery protocols (RDS, Elastic Beanstalk, CloudFormation, IAM)
  res.writeHead(403, { 'content-type': 'text/xml' });
  res.end(`<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>${denial(action)}</Message></Error><RequestId>r</RequestId></ErrorResponse>`);
}

let server: http.Server;
let url: string;
const seen: string[] = [];
const saved = { ...process.env };
let home: string;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => { body += c; });
    req.on('end', () => answer(req, body, res, seen));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'beanstack-aws-e2e-'));
  for (const k of Object.keys(process.env)) if (k.startsWith('AWS_')) delete process.env[k];
  Object.assign(process.env, {
    HOME: home,
    AWS_CONFIG_FILE: path.join(home, 'none'),
    AWS_SHARED_CREDENTIALS_FILE: path.join(home, 'none'),
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  });
});

afterAll(async () => {
  for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
  Object.assign(process.env, saved);
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  fs.rmSync(home, { recursive: true, force: true });
});

beforeEach(() => { seen.length = 0; });

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, {
    cwd: home,
    env: { ...process.env, BEANSTACK_AWS_ENDPOINT: url },
    stdout: (t) => { stdout += t; },
    stderr: (t) => { stderr += t; },
    isTty: false,
  });
  return { code, stdout, stderr };
}

test('preflight with read access to nothing: every check names its missing permission', async () => {
  const r = await cli(['preflight', '--app-dir', path.join(FIXTURES, 'ecs-single'), '--json']);
  expect(r.stderr).toBe('');
  const json = JSON.parse(r.stdout);
  const byId = Object.fromEntries(json.checks.map((c: { id: string; status: string; summary: string }) => [c.id, c]));
  expect(byId['account/identity'].status).toBe('pass');
  const expected: Record<string, string> = {
    'account/cdk-bootstrap': 'ssm:GetParameter',
    'compute/instance-type-offered': 'ec2:DescribeInstanceTypeOfferings',
    'database/engine-version': 'rds:DescribeDBEngineVersions',
    'database/instance-orderable': 'rds:DescribeOrderableDBInstanceOptions',
    'platform/platform-version': 'elasticbeanstalk:DescribePlatformVersion',
    'quotas/vpcs': 'servicequotas:GetServiceQuota',
    'names/existing-stack': 'cloudformation:DescribeStacks',
  };
  for (const [id, action] of Object.entries(expected)) {
    expect(byId[id].status).toBe('warn');
    expect(byId[id].summary).toContain(`missing permission ${action}`);
  }
  // nothing failed for lack of a permission: the checks could not run, and say so
  expect(r.code).toBe(0);
  expect(json.summary.fail).toBe(0);
  // each call went to the service it was signed for, through the real SDK stack
  expect(seen).toEqual(expect.arrayContaining(['sts:GetCallerIdentity', 'ssm:GetParameter', 'ec2:DescribeInstanceTypeOfferings', 'rds:DescribeDBEngineVersions', 'elasticbeanstalk:DescribePlatformVersion', 'cloudformation:DescribeStacks']));
});

test('doctor with read access to nothing: the same, grouped by resource', async () => {
  const r = await cli(['doctor', '--app-dir', path.join(FIXTURES, 'ecs-single')]);
  expect(r.stdout).toContain('  warn  stack/status                  could not check: access denied (AccessDenied): missing permission cloudformation:DescribeStacks');
  expect(r.stdout).toContain('next step: stack/status: allow cloudformation:DescribeStacks for your identity');
  expect(r.code).toBe(0);
});

test('--strict turns the checks that could not run into a failure', async () => {
  const r = await cli(['doctor', '--app-dir', path.join(FIXTURES, 'ecs-single'), '--strict']);
  expect(r.code).toBe(1);
});

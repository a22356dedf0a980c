/** Credentials, region and the installed CDK's bootstrap version. */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { credentialProvider, installedBootstrapVersion, resolveCredentials, resolveRegion, runCdk } from '../../lib/aws/session';
import { isUserError } from '../../lib/errors';

describe('credentials', () => {
  test('a provider that resolves is returned as is (refreshable)', async () => {
    let calls = 0;
    const provider = async () => { calls++; return { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'x', expiration: new Date(Date.now() + 3600e3) }; };
    const p = await credentialProvider({ provider });
    expect(p).toBe(provider);
    expect((await resolveCredentials({ provider })).accessKeyId).toBe('AKIAIOSFODNN7EXAMPLE');
    expect(calls).toBe(3); // one probe each, plus the resolve
  });
  test('a source that never answers is cut off with the list of ways to configure', async () => {
    const e = await resolveCredentials({ provider: () => new Promise(() => undefined), timeoutMs: 200 }).catch((x) => x);
    expect(isUserError(e)).toBe(true);
    expect(e.message).toBe('no AWS credentials found (no credential source answered within 0.2 s)');
    expect(e.details.map((d: { message: string }) => d.message).join('\n')).toContain('aws sso login');
  });
  test('an expired SSO session says to log in again', async () => {
    const provider = () => Promise.reject(new Error('The SSO session associated with this profile has expired or is otherwise invalid. To refresh this SSO session run aws sso login with the corresponding profile.'));
    const e = await resolveCredentials({ provider, profile: 'dev' }).catch((x) => x);
    expect(e.message).toMatch(/^the AWS SSO session has expired/);
    expect(e.fix).toBe('run aws sso login --profile dev and try again');
  });
});

describe('region', () => {
  test('the flag, then the stack, then the environment', async () => {
    expect(await resolveRegion({ flag: 'us-east-1', stackRegion: 'eu-west-1', env: { AWS_REGION: 'ap-south-1' } })).toBe('us-east-1');
    expect(await resolveRegion({ stackRegion: 'eu-west-1', env: { AWS_REGION: 'ap-south-1' } })).toBe('eu-west-1');
    expect(await resolveRegion({ env: { AWS_REGION: 'ap-south-1', AWS_DEFAULT_REGION: 'eu-north-1' } })).toBe('ap-south-1');
    expect(await resolveRegion({ env: { AWS_DEFAULT_REGION: 'eu-north-1' } })).toBe('eu-north-1');
  });
  test('a misspelt region is a user error', async () => {
    const e = await resolveRegion({ flag: 'eu-west', env: {} }).catch((x) => x);
    expect(e.code).toBe('aws/bad-region');
  });
});

test('the installed aws-cdk ships a bootstrap template with a version', () => {
  const v = installedBootstrapVersion();
  expect(typeof v).toBe('number');
  expect(v).toBeGreaterThanOrEqual(6);
});

test("the CDK CLI's output reaches the callbacks intact when a character's UTF-8 bytes straddle two chunks", async () => {
  // a project whose own aws-cdk CLI writes ✨ (3 bytes) and 😀 (4 bytes) each in two halves, 100 ms apart
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'beanstack-fake-cdk-'));
  fs.mkdirSync(path.join(dir, 'node_modules', 'aws-cdk', 'bin'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'node_modules', 'aws-cdk', 'package.json'), '{"name":"aws-cdk","version":"0.0.0"}');
  fs.writeFileSync(path.join(dir, 'node_modules', 'aws-cdk', 'bin', 'cdk'), [
    'const halves = (s, at) => { const b = Buffer.from(s); return [b.subarray(0, at), b.subarray(at)]; };',
    "const [a, b] = halves('✨ synth', 1); const [c, d] = halves('😀 done\\n', 2);",
    'process.stdout.write(a); process.stderr.write(c);',
    'setTimeout(() => { process.stdout.write(b); process.stderr.write(d); }, 100);',
  ].join('\n'));
  let out = '';
  let err = '';
  const code = await runCdk(['deploy'], { cwd: dir, env: process.env, stdout: (t) => (out += t), stderr: (t) => (err += t) });
  expect(code).toBe(0);
  expect(out).toBe('✨ synth');
  expect(err).toBe('😀 done\n');
});

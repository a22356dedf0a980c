/** The command table: which commands a run loads, and that --version and --help still work. */
import { main } from '../../bin/cli';
import { COMMAND_MODULES, commandsFor } from '../../bin/commands';
import { packageVersion } from '../../bin/package-info';

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { cwd: process.cwd(), env: {}, stdout: (t) => (out += t), stderr: (t) => (err += t), isTty: false, readStdin: async () => ({ data: Buffer.alloc(0), isTty: true }) });
  return { code, out, err };
}

test('a named command loads only its module; --version alone loads none; help and no command load all', () => {
  const all = Object.keys(COMMAND_MODULES).length;
  expect(commandsFor(['config', '-f', 'x.yaml'])).toHaveLength(1);
  expect(commandsFor(['--version'])).toHaveLength(0);
  expect(commandsFor(['-V'])).toHaveLength(0);
  expect(commandsFor(['--version', '--help'])).toHaveLength(all);
  expect(commandsFor(['--help'])).toHaveLength(all);
  expect(commandsFor([])).toHaveLength(all);
  expect(commandsFor(['nosuch'])).toHaveLength(all);
});

test('--version prints the version; --help still lists every command', async () => {
  for (const flag of ['--version', '-V']) expect(await run([flag])).toEqual({ code: 0, out: `${packageVersion()}\n`, err: '' });
  const help = await run(['--help']);
  expect(help.code).toBe(0);
  for (const name of Object.keys(COMMAND_MODULES)) expect(help.out).toMatch(new RegExp(`^  ${name}\\b`, 'm'));
});

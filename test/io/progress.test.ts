/**
 * The progress reporter (lib/io/progress.js), on a fake clock: quiet for short steps, named steps
 * with elapsed time, heartbeats in CI, a spinner redrawn in place on a terminal, failures marked.
 */
import { createProgress } from '../../lib/io/progress';

let clock = 0;
let out = '';
const write = (t: string): void => {
  out += t;
};

beforeEach(() => {
  jest.useFakeTimers();
  clock = 0;
  out = '';
});
afterEach(() => jest.useRealTimers());

/** A step that ends after `ms` of fake time. */
function wait(ms: number): Promise<string> {
  return new Promise((resolve) => setTimeout(() => resolve('done'), ms));
}

async function advance(ms: number): Promise<void> {
  for (let t = 0; t < ms; t += 100) {
    clock += 100;
    await jest.advanceTimersByTimeAsync(100);
  }
}

describe('plain lines (CI, pipes)', () => {
  const progress = () => createProgress({ write, tty: false, now: () => clock });

  it('prints nothing for a step shorter than 5 s', async () => {
    const p = progress().step('short', () => wait(2000));
    await advance(2100);
    await expect(p).resolves.toBe('done');
    expect(out).toBe('');
  });

  it('announces a long step after 5 s, beats every 30 s, and ends with its time', async () => {
    const p = progress().step('synthesizing base origin/main', () => wait(40000));
    await advance(40100);
    await p;
    expect(out.split('\n').filter(Boolean)).toEqual([
      expect.stringMatching(/^… synthesizing base origin\/main \(5\.\d s\)$/),
      expect.stringMatching(/^… synthesizing base origin\/main \(3\d s\)$/),
      expect.stringMatching(/^✓ synthesizing base origin\/main \(40 s\)$/),
    ]);
    expect(out).not.toMatch(/\r|\x1b/);
  });

  it('marks a failed step and passes the error on', async () => {
    const p = progress().step('npm ci', () => wait(6000).then(() => Promise.reject(new Error('boom'))));
    p.catch(() => undefined);
    await advance(6100);
    await expect(p).rejects.toThrow('boom');
    expect(out).toMatch(/^… npm ci \(5\.\d s\)\n✗ npm ci \(6\.0 s\)\n$/);
  });

  it('stepSync announces at once and ends with the time (no timer runs during synchronous work)', () => {
    const v = progress().stepSync('beanstack app: synth', () => {
      clock += 12000;
      return 42;
    });
    expect(v).toBe(42);
    expect(out).toBe('… beanstack app: synth\n✓ beanstack app: synth (12 s)\n');
  });
});

describe('terminal', () => {
  it('redraws one spinner line with every running step, then leaves one line per finished step', async () => {
    const progress = createProgress({ write, tty: true, now: () => clock });
    const a = progress.step('base: cdk synth', () => wait(3000));
    const b = progress.step('head: cdk synth', () => wait(4000));
    await advance(1000);
    expect(out).toMatch(/\r\x1b\[K[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] base: cdk synth \d\.\d s · head: cdk synth \d\.\d s$/);
    await advance(3100);
    await Promise.all([a, b]);
    const finals = out.split('\n').map((l) => l.split('\x1b[K').pop()!).filter((l) => l.startsWith('✓'));
    expect(finals).toEqual(['✓ base: cdk synth (3.0 s)', '✓ head: cdk synth (4.0 s)']);
    expect(out.endsWith('\n')).toBe(true);
  });
});

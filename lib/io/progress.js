'use strict';
/**
 * The one progress reporter of beanstack: named steps with their elapsed time for every wait that can
 * last more than a few seconds (`diff --base-ref`'s synths and installs, the build of `npm start`,
 * the CDK app's synth, …).
 *
 * - On a terminal: a spinner line with every running step and its elapsed seconds, redrawn in place;
 *   a step that took longer than `tty.showAfterMs` leaves one `✓ name (12.3 s)` line when it ends.
 * - Elsewhere (CI, pipes): quiet for short steps; a step still running after `plain.announceAfterMs`
 *   prints `… name (5 s)`, then a heartbeat every `plain.heartbeatMs`, and `✓ name (12.3 s)` at the end.
 *
 * Plain JavaScript (with JSDoc types) so that the build script can use it before anything is
 * compiled; TypeScript code imports it like any module. It writes only through `write`.
 */

/** @typedef {{ readonly name: string, readonly started: number, announced: boolean, lastBeat: number }} Step */

/**
 * @typedef {object} ProgressOptions
 * @property {(text: string) => void} write   where the lines go (stderr)
 * @property {boolean} tty                    whether `write` is a terminal (spinner) or not (plain lines)
 * @property {() => number} [now]             clock, ms (tests)
 * @property {number} [announceAfterMs]       plain output: first line after this long (default 5000)
 * @property {number} [heartbeatMs]           plain output: a line this often while a step runs (default 30000)
 * @property {number} [showAfterMs]           terminal: draw and keep steps that run longer than this (default 300)
 */

/**
 * @typedef {object} Progress
 * @property {<T>(name: string, work: () => Promise<T> | T, opts?: { immediate?: boolean }) => Promise<T>} step
 *   runs `work` as the named step; `immediate` announces it at once (for synchronous work, during which
 *   no timer can fire)
 * @property {<T>(name: string, work: () => T) => T} stepSync   runs synchronous `work` as the named step,
 *   announced at once (no timer fires during it) and ended with its time
 * @property {() => void} stop   clears the spinner (nothing else runs after it)
 */

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/** @param {number} ms */
function seconds(ms) {
  return ms < 10000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 1000)} s`;
}

/**
 * @param {ProgressOptions} options
 * @returns {Progress}
 */
function createProgress(options) {
  const now = options.now || (() => Date.now());
  const announceAfter = options.announceAfterMs === undefined ? 5000 : options.announceAfterMs;
  const heartbeat = options.heartbeatMs === undefined ? 30000 : options.heartbeatMs;
  const showAfter = options.showAfterMs === undefined ? 300 : options.showAfterMs;
  /** @type {Set<Step>} */
  const active = new Set();
  /** @type {ReturnType<typeof setInterval> | undefined} */
  let timer;
  let frame = 0;
  let drawn = false;

  const clearLine = () => {
    if (drawn) options.write('\r\x1b[K');
    drawn = false;
  };

  const tick = () => {
    const t = now();
    if (options.tty) {
      const shown = [...active].filter((s) => t - s.started >= showAfter);
      clearLine();
      if (shown.length > 0) {
        frame = (frame + 1) % FRAMES.length;
        options.write(`${FRAMES[frame]} ${shown.map((s) => `${s.name} ${seconds(t - s.started)}`).join(' · ')}`);
        drawn = true;
      }
      return;
    }
    for (const s of active) {
      if (!s.announced && t - s.started >= announceAfter) {
        s.announced = true;
        s.lastBeat = t;
        options.write(`… ${s.name} (${seconds(t - s.started)})\n`);
      } else if (s.announced && t - s.lastBeat >= heartbeat) {
        s.lastBeat = t;
        options.write(`… ${s.name} (${seconds(t - s.started)})\n`);
      }
    }
  };

  const ensureTimer = () => {
    if (timer !== undefined) return;
    timer = setInterval(tick, options.tty ? 100 : 1000);
    if (typeof timer.unref === 'function') timer.unref();
  };

  const stopTimerIfIdle = () => {
    if (active.size === 0 && timer !== undefined) {
      clearInterval(timer);
      timer = undefined;
    }
  };

  /** @param {Step} s @param {boolean} ok */
  const finish = (s, ok) => {
    active.delete(s);
    const took = now() - s.started;
    const show = options.tty ? took >= showAfter : s.announced || took >= announceAfter;
    if (options.tty) clearLine();
    if (show || (options.tty && s.announced)) options.write(`${ok ? '✓' : '✗'} ${s.name} (${seconds(took)})\n`);
    stopTimerIfIdle();
    if (options.tty && active.size > 0) tick();
  };

  return {
    step(name, work, opts) {
      const t = now();
      /** @type {Step} */
      const s = { name, started: t, announced: false, lastBeat: t };
      active.add(s);
      ensureTimer();
      if (opts && opts.immediate) {
        if (options.tty) {
          clearLine();
          options.write(`${FRAMES[frame]} ${[...active].map((a) => a.name).join(' · ')}`);
          drawn = true;
        } else {
          s.announced = true;
          options.write(`… ${name}\n`);
        }
      }
      let result;
      try {
        result = work();
      } catch (e) {
        finish(s, false);
        throw e;
      }
      return Promise.resolve(result).then(
        (v) => {
          finish(s, true);
          return v;
        },
        (e) => {
          finish(s, false);
          throw e;
        },
      );
    },
    stepSync(name, work) {
      const t = now();
      /** @type {Step} */
      const s = { name, started: t, announced: true, lastBeat: t };
      options.write(options.tty ? `${FRAMES[0]} ${name}` : `… ${name}\n`);
      drawn = options.tty;
      let ok = false;
      try {
        const v = work();
        ok = true;
        return v;
      } finally {
        if (options.tty) clearLine();
        options.write(`${ok ? '✓' : '✗'} ${s.name} (${seconds(now() - s.started)})\n`);
      }
    },
    stop() {
      active.clear();
      if (options.tty) clearLine();
      stopTimerIfIdle();
    },
  };
}

module.exports = { createProgress };

/**
 * Which stage a stack is: the `beanstack:stage` stack tag the beanstack app sets (and `beanstack:preset`
 * where the preset differs from the stage's name), which the cloud assembly's manifest holds. The
 * review and preflight read it from there, so they say which stage they look at without other input.
 *
 * Pure: the tags come in as data.
 */
import type { StackStage } from './types';

/**
 * The stage of a stack from its stack tags (the manifest's `properties.tags`), or undefined when it
 * has no `beanstack:stage` tag (a stack not made by the beanstack app). The preset is the
 * `beanstack:preset` tag, else the stage itself when it is `dev` or `prod`.
 */
export function stageOfTags(stack: string, tags: Readonly<Record<string, unknown>> | undefined): StackStage | undefined {
  const stage = tags?.['beanstack:stage'];
  if (typeof stage !== 'string' || stage.length === 0) return undefined;
  const tagged = tags?.['beanstack:preset'];
  const preset = typeof tagged === 'string' ? tagged : stage === 'dev' || stage === 'prod' ? stage : undefined;
  return { stack, stage, ...(preset ? { preset } : {}) };
}

/** One line: `stage staging (prod preset), stack shop-staging`. */
export function stageLine(s: StackStage): string {
  return `stage ${s.stage}${s.preset !== undefined && s.preset !== s.stage ? ` (${s.preset} preset)` : ''}, stack ${s.stack}`;
}

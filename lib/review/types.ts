/**
 * The review report: what `reviewAssemblies` returns, what `--format json` prints (schemaVersion 1),
 * and what the markdown and text renderers read.
 */

/**
 * Danger classes, most severe first; `routine` labels changes known to be safe. `downtime`: the deploy
 * restarts or replaces something that serves traffic (users see an outage while it runs).
 */
export type DangerClass = 'data-loss' | 'irreversible' | 'deploy-fails' | 'security' | 'downtime' | 'routine';

export const DANGER_CLASSES: readonly DangerClass[] = ['data-loss', 'irreversible', 'deploy-fails', 'security', 'downtime', 'routine'];

/** Human titles of the classes. */
export const CLASS_TITLES: Readonly<Record<DangerClass, string>> = {
  'data-loss': 'Data loss',
  irreversible: 'Irreversible',
  'deploy-fails': 'Deploy will fail',
  security: 'Security',
  downtime: 'Downtime',
  routine: 'Routine',
};

/** One classified observation about the change. */
export interface Note {
  readonly class: DangerClass;
  readonly stack: string;
  /** Logical id of the resource it is about, when it is about one. */
  readonly logicalId?: string;
  /** Construct path (or logical id when unknown). */
  readonly resource?: string;
  readonly resourceType?: string;
  /** One line: what changes. */
  readonly title: string;
  /** Plain-language reason: why it is in this class, what happens, what softens it. */
  readonly reason: string;
}

export type ResourceAction = 'add' | 'remove' | 'orphan' | 'update' | 'replace' | 'may-replace' | 'import';

export interface PropertyChange {
  /** Property name, or `DeletionPolicy` / `Metadata` / `DependsOn` … for other changes. */
  readonly name: string;
  readonly kind: 'property' | 'other';
  /** Rendered old / new values (secrets masked, long values shortened); absent when added / removed. */
  readonly old?: string;
  readonly new?: string;
  /** `replace`, `may-replace` or `update`. */
  readonly impact: 'replace' | 'may-replace' | 'update';
  /** Why it changed, when it is only an asset hash or a reference to a replaced resource. */
  readonly explanation?: string;
}

export interface ResourceChange {
  readonly logicalId: string;
  readonly path: string;
  readonly type: string;
  readonly action: ResourceAction;
  readonly properties: readonly PropertyChange[];
  /** True when every property change is an asset hash (the asset explains it). */
  readonly assetOnly: boolean;
}

export interface StackReview {
  readonly name: string;
  readonly status: 'added' | 'removed' | 'changed' | 'unchanged';
  readonly region?: string;
  readonly resources: readonly ResourceChange[];
  /** Parameter / output / condition / mapping changes: `Outputs.Foo: added` etc. */
  readonly other: readonly string[];
  /** IAM statement changes (`+`/`-` rows: effect, actions, resources, principals). */
  readonly iam: readonly string[];
  /** Security-group rule changes (`+`/`-` rows). */
  readonly securityGroups: readonly string[];
  readonly counts: { readonly add: number; readonly update: number; readonly replace: number; readonly remove: number };
}

export type EnvChange =
  | { readonly name: string; readonly change: 'added'; readonly value: string }
  | { readonly name: string; readonly change: 'removed'; readonly value: string }
  | { readonly name: string; readonly change: 'changed'; readonly old: string; readonly new: string };

export interface ContainerChange {
  readonly name: string;
  readonly change: 'added' | 'removed' | 'changed';
  /** Image change, with the service whose build changed (when the image is a built asset). */
  readonly image?: { readonly old?: string; readonly new?: string; readonly rebuilt?: string; readonly files?: readonly string[] };
  readonly environment: readonly EnvChange[];
  /** Other settings in compose terms: `ports: 80:80 → 8080:80`, `mem_limit: 128m → 256m`, `links: + api`. */
  readonly settings: readonly string[];
}

export interface BundleReview {
  readonly stack: string;
  /** Construct path of the application version / asset. */
  readonly resource: string;
  readonly format: 'dockerrun-v2' | 'dockerrun-v1' | 'compose' | 'unknown';
  readonly containers: readonly ContainerChange[];
  /** Bundle files added / removed / changed other than the main file. */
  readonly files: readonly string[];
  /** Top-level settings (volumes, executionRoleArn). */
  readonly settings: readonly string[];
}

export interface CostLine {
  readonly item: string;
  /** At the minimum instance count. */
  readonly monthly: number;
  /** At the maximum instance count, when the item scales (an Auto Scaling range). */
  readonly monthlyMax?: number;
  readonly quantity: string;
  /** Monthly cost without the sleep schedule, when the item sleeps (the cost guard). */
  readonly alwaysOn?: number;
}

export interface CostSide {
  readonly monthly: number;
  /** With every environment at its maximum instance count, when one scales. */
  readonly monthlyMax?: number;
  readonly lines: readonly CostLine[];
  /** Resources whose price is not in the table. */
  readonly unpriced: readonly string[];
  /** Monthly estimate without the sleep schedules, when something sleeps (`monthly` is with them). */
  readonly alwaysOn?: number;
}

export interface CostReport {
  readonly currency: 'USD';
  readonly base: CostSide;
  readonly head: CostSide;
  readonly delta: number;
  readonly pricesDate: string;
  readonly pricesSource: string;
  /** Regions of the stacks (the first one whose prices are known is used for stacks without one). */
  readonly regions: readonly string[];
  readonly assumptions: readonly string[];
}

export interface FindingChange {
  readonly rule: string;
  readonly plugin: string;
  readonly severity: string;
  readonly description: string;
  readonly resource: string;
}

/** The stage a stack belongs to (its `beanstack:stage` / `beanstack:preset` tags). */
export interface StackStage {
  readonly stack: string;
  readonly stage: string;
  /** `dev` or `prod`; absent when the stack does not say. */
  readonly preset?: string;
}

export interface ReviewReport {
  readonly schemaVersion: 1;
  /** One line, the same in every format. */
  readonly summary: string;
  readonly hasChanges: boolean;
  /** Classes present among the notes (routine excluded). */
  readonly classes: readonly DangerClass[];
  readonly notes: readonly Note[];
  readonly stacks: readonly StackReview[];
  readonly bundles: readonly BundleReview[];
  readonly findings: {
    readonly introduced: readonly FindingChange[];
    readonly resolved: readonly FindingChange[];
    /** False when one of the assemblies has no validation-report.json. */
    readonly compared: boolean;
  };
  readonly cost: CostReport;
  /** Mermaid flowchart of the head architecture. */
  readonly diagram: string;
  /** The stage of each stack that says which it is (head, else base): the header line of every rendering. */
  readonly stages?: readonly StackStage[];
  /** Free text about the inputs (`base: origin/main (abc1234)`). */
  readonly base?: string;
  readonly head?: string;
}

/**
 * What every planning step reads (the project, the target's capabilities, the x-beanstack fields,
 * what each Dockerfile says) and the state they build up together (variables the stack sets,
 * secrets, shipped files, volumes, images, planned containers).
 */
import type { ComposeProject, DependsOnCondition, FileReader } from '../../compose/model';
import type { ErrorDetail } from '../../errors';
import { byString } from '../../util/order';
import { Collector, servicePointer as sp } from '../collector';
import { dict, own } from '../dict';
import { TARGET_CAPABILITIES, TargetCapabilities } from '../keys';
import { fromOverrideFile, locate } from '../locations';
import { ProjectFiles } from '../project-files';
import type { BundleFile, BundleTarget, DatabaseEngine, DatabaseVariable, DatabaseVariableRole } from '../types';
import { DOCKERRUN_EXTENSION, DOCKERRUN_FIELDS_OF, parseProjectDockerrun, parseServiceDockerrun, ProjectDockerrun, ServiceDockerrun } from '../x-dockerrun';
import { parseProjectOverrides, parseServiceOverrides, ProjectOverrides, ServiceOverrides } from '../x-beanstack';
import { detectEngine, EnvironmentTemplates } from './database-facts';
import { isDevBuildTarget } from './dev-only';
import { BuildFacts, buildFacts } from './image-facts';
import { SecretBook } from './secrets';
import type { PlannedImage, PlannedPort, PlannedService } from './types';

export interface PlanOptions {
  /** @default 'ecs' */
  readonly target?: BundleTarget;
  /** Write compose healthchecks and depends_on conditions into Dockerrun (ecs). */
  readonly containerHealthChecks?: boolean;
  /** Image platform of built images; @default 'linux/amd64' */
  readonly imagePlatform?: string;
  /** Reads the project's files (Dockerfiles, config files, schema init scripts). */
  readonly reader?: FileReader;
}

/** A published port and the compose value it comes from. */
export interface PortMapping {
  readonly port: PlannedPort;
  readonly pointer?: string;
}


/** The variables other containers read from each replaced database, indexed by reader (lookups in constant time). */
export class DatabaseVariables {
  private readonly byDatabase = new Map<string, DatabaseVariable[]>();
  private readonly rolesOf = new Map<string, Set<DatabaseVariableRole>>();

  add(database: string, variable: DatabaseVariable): void {
    let list = this.byDatabase.get(database);
    if (!list) this.byDatabase.set(database, (list = []));
    list.push(variable);
    const key = `${database}\u0000${variable.service}`;
    let roles = this.rolesOf.get(key);
    if (!roles) this.rolesOf.set(key, (roles = new Set()));
    roles.add(variable.role);
  }

  /** The variables set from a database, in the order they were found. */
  of(database: string): readonly DatabaseVariable[] {
    return this.byDatabase.get(database) ?? [];
  }

  /** Whether a service reads a variable set from a database (with one of `roles`, when given). */
  reads(database: string, service: string, roles?: readonly DatabaseVariableRole[]): boolean {
    const held = this.rolesOf.get(`${database}\u0000${service}`);
    return held !== undefined && (roles === undefined || roles.some((r) => held.has(r)));
  }
}

export class PlanContext {
  readonly target: BundleTarget;
  readonly caps: TargetCapabilities;
  readonly c: Collector;
  readonly files: ProjectFiles;
  readonly top: ProjectOverrides;
  readonly overrides: Record<string, ServiceOverrides> = dict();
  /** `x-dockerrun` (top level, and by service when given). */
  readonly dockerrunTop?: ProjectDockerrun;
  readonly dockerrun: Record<string, ServiceDockerrun> = dict();
  /** Service names, sorted. */
  readonly serviceNames: readonly string[];
  /** What each built service's Dockerfile says (its base image, the files it copies). */
  readonly builds: Record<string, BuildFacts> = dict();
  /** The services' variables as written, where interpolation changed them. */
  readonly templates: EnvironmentTemplates;

  // ---- state the steps build up
  /** The variables of other containers the stack sets from each replaced database. */
  readonly dbVariables = new DatabaseVariables();
  readonly secrets: SecretBook;
  /** Variables with no value the stack sets as environment properties, by name → services. */
  readonly required = new Map<string, Set<string>>();
  /** Files of the bundle besides the main file, by bundle path. */
  readonly shipped = new Map<string, BundleFile>();
  readonly namedVolumes = new Set<string>();
  /** Instance-local directories standing in for data-directory bind mounts (reported where they are mounted). */
  readonly dataVolumes = new Set<string>();
  readonly networks = new Set<string>();
  readonly images: PlannedImage[] = [];
  readonly planned: Record<string, PlannedService> = dict();
  readonly portsBy: Record<string, PortMapping[]> = dict();
  /** Each planned container's dependencies (mutable: the schema init container is added after the services). */
  readonly dependsOnOf: Record<string, Record<string, DependsOnCondition>> = dict();

  constructor(readonly project: ComposeProject, readonly options: PlanOptions) {
    this.target = options.target ?? 'ecs';
    this.caps = TARGET_CAPABILITIES[this.target];
    this.c = new Collector(project);
    this.templates = new EnvironmentTemplates(project);
    const xProblems: ErrorDetail[] = [];
    this.top = parseProjectOverrides(project, xProblems);
    this.serviceNames = Object.keys(project.services).sort(byString);
    for (const s of this.serviceNames) this.overrides[s] = parseServiceOverrides(project, s, xProblems);
    for (const p of xProblems) this.c.problems.push({ code: 'bundle/x-beanstack', ...p });
    this.c.throwIfProblems('correct the x-beanstack fields as listed (docs/x-beanstack.md documents each one)');
    const dProblems: ErrorDetail[] = [];
    this.dockerrunTop = parseProjectDockerrun(project, dProblems);
    for (const s of this.serviceNames) {
      const d = parseServiceDockerrun(project, s, dProblems);
      if (d) this.dockerrun[s] = d;
      if (d && d.logSecretOptions.length > 0 && !project.services[s].logging?.driver) {
        dProblems.push({
          message: `services.${s}.x-dockerrun.logConfiguration.secretOptions: the secret options belong to a log driver, but services.${s} sets no logging.driver; add \`logging: { driver: ... }\` or remove the secret options`,
          location: locate(project, sp(s, DOCKERRUN_EXTENSION, 'logConfiguration')),
        });
      }
    }
    for (const p of dProblems) this.c.problems.push({ code: 'bundle/x-dockerrun', ...p });
    this.c.throwIfProblems('correct the x-dockerrun fields as listed (docs/import.md documents what they are read back as), or run `beanstack import` again');
    this.warnUnusedDockerrun();
    this.files = new ProjectFiles(options.reader, project.projectDirectory);
    for (const s of this.serviceNames) {
      const facts = buildFacts(project, s, this.overrides[s], this.files, this.buildTarget(s));
      if (facts) this.builds[s] = facts;
    }
    this.secrets = new SecretBook(this);
  }

  /** x-dockerrun fields this target does not write (v1 fields on ecs, v2 fields on single, all on docker) are reported. */
  private warnUnusedDockerrun(): void {
    const why = this.target === 'docker'
      ? 'docker-compose cannot run these Elastic Beanstalk / ECS settings, so they are left out of the production docker-compose.yml (secret references stay variables the environment sets)'
      : `Dockerrun ${this.target === 'ecs' ? 'v2 (--target ecs)' : 'v1 (--target single)'} has no such field`;
    const unused = (fields: readonly string[]) => fields.filter((f) => !(DOCKERRUN_FIELDS_OF[this.target] as readonly string[]).includes(f));
    const top = unused(this.dockerrunTop?.fields ?? []);
    if (top.length > 0) this.c.warn('bundle/x-dockerrun-unused', `x-dockerrun: ${top.join(', ')} ${top.length === 1 ? 'is' : 'are'} not written: ${why}`, undefined, `/${DOCKERRUN_EXTENSION}`);
    for (const s of Object.keys(this.dockerrun).sort(byString)) {
      const fields = unused(this.dockerrun[s].fields);
      if (fields.length > 0) this.c.warn('bundle/x-dockerrun-unused', `services.${s}.x-dockerrun: ${fields.join(', ')} ${fields.length === 1 ? 'is' : 'are'} not written: ${why}`, s, sp(s, DOCKERRUN_EXTENSION));
    }
  }

  /** The stage a service's image is built from: x-beanstack.target, else build.target unless it names a development stage. */
  buildTarget(s: string): string | undefined {
    const x = this.overrides[s];
    const b = this.project.services[s].build;
    if (x.target !== undefined) return x.target ?? undefined;
    if (b?.target === undefined) return undefined;
    return !isDevBuildTarget(b.target) || fromOverrideFile(this.project, sp(s, 'build', 'target')) ? b.target : undefined;
  }

  /** The image a service runs or is built from (`mysql:5.7` for `build: ./mysql` with `FROM mysql:5.7`). */
  imageOf(s: string): string | undefined {
    return own(this.builds, s)?.baseImage ?? this.project.services[s].image;
  }

  /** The database engine of a service's image, if it is a database's. */
  engineOf(s: string): DatabaseEngine | undefined {
    return detectEngine(own(this.builds, s)?.baseImage) ?? detectEngine(this.project.services[s].image);
  }

  /** Whether container health checks and start conditions are written for this target. */
  get healthchecksWritten(): boolean {
    return this.caps.healthchecks === 'native' || (this.caps.healthchecks === 'option' && this.options.containerHealthChecks === true);
  }
}

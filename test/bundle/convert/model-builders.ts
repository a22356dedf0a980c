/**
 * Hand-built compose models for unit tests (the loader's output shape, without the loader).
 */
import type { BuildConfig, ComposeProject, ServiceConfig } from '../../../lib/compose/model';

export const ROOT = '/proj';

type Mutable<T> = { -readonly [K in keyof T]?: T[K] };

export function build(context: string, extra: Mutable<BuildConfig> = {}): BuildConfig {
  return {
    context: context.startsWith('/') ? context : `${ROOT}/${context}`,
    args: {},
    platforms: [],
    labels: {},
    cacheFrom: [],
    cacheTo: [],
    tags: [],
    additionalContexts: {},
    secrets: [],
    ssh: [],
    extraHosts: {},
    other: {},
    ...extra,
  } as BuildConfig;
}

export function service(name: string, extra: Mutable<ServiceConfig> = {}): ServiceConfig {
  return {
    name,
    environment: {},
    envFiles: [],
    envFileValues: {},
    ports: [],
    expose: [],
    volumes: [],
    dependsOn: {},
    links: [],
    externalLinks: [],
    labels: {},
    secrets: [],
    configs: [],
    networks: { default: null },
    profiles: [],
    extraHosts: {},
    dns: [],
    dnsSearch: [],
    ulimits: {},
    capAdd: [],
    capDrop: [],
    sysctls: {},
    tmpfs: [],
    extensions: {},
    other: {},
    ...extra,
  } as ServiceConfig;
}

export function project(services: ServiceConfig[], extra: Mutable<ComposeProject> = {}): ComposeProject {
  return {
    name: 'proj',
    projectDirectory: ROOT,
    composeFiles: [`${ROOT}/compose.yaml`],
    services: Object.fromEntries(services.map((s) => [s.name, s])),
    disabledServices: [],
    networks: {},
    volumes: {},
    secrets: {},
    configs: {},
    extensions: {},
    activeProfiles: [],
    locations: {},
    ...extra,
  } as ComposeProject;
}

export const started = { condition: 'service_started' as const, restart: false, required: true };

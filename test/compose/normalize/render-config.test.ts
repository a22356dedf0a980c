import { parse } from 'yaml';
import type { ComposeProject } from '../../../lib/compose/model';
import { relativePath, renderConfig } from '../../../lib/compose/render-config';
import { sortDeep } from '../../../lib/util/sort-deep';
import { normalize, PROJECT } from './helpers';

function project(data: Record<string, unknown>): ComposeProject {
  const n = normalize(data).result;
  return {
    name: 'demo', projectDirectory: PROJECT, composeFiles: [`${PROJECT}/compose.yaml`], services: n.services, disabledServices: [],
    networks: n.networks, volumes: n.volumes, secrets: n.secrets, configs: n.configs, extensions: n.extensions, activeProfiles: [], locations: {},
  };
}

describe('relativePath', () => {
  it.each([
    ['/home/u/proj', '.'],
    ['/home/u/proj/web', './web'],
    ['/home/u/proj/a/b', './a/b'],
    ['/home/u/shared', '../shared'],
    ['/home/x/y', '../../x/y'],
    ['/srv/data', '/srv/data'],
    ['/var/run/docker.sock', '/var/run/docker.sock'],
    ['relative', 'relative'],
  ])('%p → %p', (p, expected) => expect(relativePath('/home/u/proj', p)).toBe(expected));
  it('keeps system paths absolute for a project right under /', () => {
    expect(relativePath('/proj', '/shared')).toBe('/shared');
  });
});

describe('renderConfig', () => {
  const p = project({
    services: {
      web: {
        build: { context: `${PROJECT}/web`, args: { B: '2', A: '1' } },
        environment: { Z: 'last', A: 'first', PRICE: '$5', FLAG: 'yes' },
        volumes: [`${PROJECT}/src:/app/src:ro`, 'data:/data'],
        healthcheck: { test: 'curl -f http://localhost', interval: '90s' },
        mem_limit: '1g',
        'x-beanstack': { public: true },
      },
      api: { image: 'api:1', command: 'node server.js' },
    },
    volumes: { data: null },
    secrets: { pw: { file: `${PROJECT}/pw.txt` } },
    'x-top': 1,
  });

  it('sorts every mapping, keeps lists in order, and ends with a newline', () => {
    const json = renderConfig(p, { format: 'json' });
    expect(json.endsWith('}\n')).toBe(true);
    const doc = JSON.parse(json);
    expect(Object.keys(doc)).toEqual(['name', 'networks', 'secrets', 'services', 'volumes', 'x-top']);
    expect(Object.keys(doc.services)).toEqual(['api', 'web']);
    expect(Object.keys(doc.services.web.environment)).toEqual(['A', 'FLAG', 'PRICE', 'Z']);
    expect(doc.services.web.volumes.map((v: { target: string }) => v.target)).toEqual(['/app/src', '/data']);
    expect(json).toBe(JSON.stringify(sortDeep(doc), null, 2) + '\n');
  });

  it('prints paths relative to the project, durations and sizes as compose writes them', () => {
    const doc = JSON.parse(renderConfig(p, { format: 'json' }));
    expect(doc.services.web.build).toEqual({ args: { A: '1', B: '2' }, context: './web' });
    expect(doc.services.web.volumes[0]).toEqual({ bind: { create_host_path: true }, read_only: true, source: './src', target: '/app/src', type: 'bind' });
    expect(doc.services.web.healthcheck).toEqual({ interval: '1m30s', test: ['CMD-SHELL', 'curl -f http://localhost'] });
    expect(doc.services.web.mem_limit).toBe(1073741824);
    expect(doc.secrets.pw.file).toBe('./pw.txt');
    expect(doc.services.api.command).toEqual(['node', 'server.js']);
    expect(doc.services.web['x-beanstack']).toEqual({ public: true });
  });

  it('escapes $ after interpolation, not without it', () => {
    expect(JSON.parse(renderConfig(p, { format: 'json' })).services.web.environment.PRICE).toBe('$$5');
    expect(JSON.parse(renderConfig(p, { format: 'json', interpolated: false })).services.web.environment.PRICE).toBe('$5');
  });

  it('writes YAML that a YAML 1.1 reader (docker-compose 1.x) reads to the same values', () => {
    const yaml = renderConfig(p, { format: 'yaml' });
    expect(yaml).toContain('FLAG: "yes"');
    expect(parse(yaml, { version: '1.1' })).toEqual(JSON.parse(renderConfig(p, { format: 'json' })));
    expect(parse(yaml)).toEqual(JSON.parse(renderConfig(p, { format: 'json' })));
  });

  it('is byte-identical for equal projects built in a different key order', () => {
    const q = project({
      'x-top': 1,
      secrets: { pw: { file: `${PROJECT}/pw.txt` } },
      volumes: { data: null },
      services: {
        api: { command: 'node server.js', image: 'api:1' },
        web: {
          'x-beanstack': { public: true },
          mem_limit: '1g',
          healthcheck: { interval: '90s', test: 'curl -f http://localhost' },
          volumes: [`${PROJECT}/src:/app/src:ro`, 'data:/data'],
          environment: { FLAG: 'yes', PRICE: '$5', A: 'first', Z: 'last' },
          build: { args: { A: '1', B: '2' }, context: `${PROJECT}/web` },
        },
      },
    });
    expect(renderConfig(q, { format: 'yaml' })).toBe(renderConfig(p, { format: 'yaml' }));
  });
});

import { simplify, AjvError } from '../../../lib/compose/schema';
import { suggest } from '../../../lib/util/suggest';
import { composeError, load } from './helpers';

const F = '/app/compose.yaml';
const fail = (body: string) => composeError(() => load({ [F]: body }));

describe('schema validation of each file', () => {
  test('an unknown service key suggests the closest one, at the key position', () => {
    const e = fail('services:\n  web:\n    image: nginx\n    prots:\n      - "80:80"\n');
    expect(e.code).toBe('compose/schema');
    expect(e.message).toBe('unknown key `prots` in service `web` (did you mean `ports`?)');
    expect(e.location).toEqual({ file: F, line: 4, column: 5 });
    expect(e.fix).toBe('rename `prots` to `ports`');
  });

  test('an unknown key without a close match lists the allowed keys and the x- escape', () => {
    const e = fail('services:\n  web:\n    image: nginx\n    zzzzzzzz: 1\n');
    expect(e.message).toBe('unknown key `zzzzzzzz` in service `web`');
    expect(e.fix).toContain('x-');
  });

  test('unknown top-level and nested keys name their container', () => {
    expect(fail('servics:\n  web:\n    image: x\n').message).toBe('unknown key `servics` at the top level (did you mean `services`?)');
    expect(fail('services:\n  web:\n    build:\n      contxt: .\n').message).toBe('unknown key `contxt` in `services.web.build` (did you mean `context`?)');
    expect(fail('volumes:\n  data:\n    drivr: local\n').message).toBe('unknown key `drivr` in volume `data` (did you mean `driver`?)');
  });

  test('a legacy (version 1) file gets one hint to move its services under `services:`', () => {
    const e = fail('web:\n  image: nginx\n  links: [db]\ndb:\n  build: ./db\nvolumes:\n  data: {}\n');
    expect(e.code).toBe('compose/legacy-format');
    expect(e.message).toBe('`web` and `db` at the top level are services written in the legacy (version 1) Compose format');
    expect(e.location).toEqual({ file: F, line: 1, column: 1 });
    expect(e.fix).toBe('move them under a top-level `services:` key: add a line `services:` above them and indent each service definition by two more spaces');
    // next to `services:` too, and with other unknown keys still reported
    const mixed = fail('services:\n  a:\n    image: a\nb:\n  image: b\nservics: {}\n');
    expect(mixed.details.map((d) => d.message)).toEqual([
      '`b` at the top level is a service written in the legacy (version 1) Compose format',
      'unknown key `servics` at the top level (did you mean `services`?)',
    ]);
  });

  test('a type error names the path, the expected and the actual type', () => {
    const e = fail('services:\n  web:\n    image: nginx\n    ports:\n      - true\n');
    expect(e.message).toBe('`services.web.ports[0]` must be a number, a string or a mapping, not the boolean `true`');
    expect(e.location).toEqual({ file: F, line: 5, column: 9 });
  });

  test('oneOf noise collapses to the alternative whose type matched', () => {
    const e = fail('services:\n  web:\n    image: nginx\n    ports:\n      - target: 80\n        publishd: 8080\n');
    expect(e.message).toBe('unknown key `publishd` in `services.web.ports[0]` (did you mean `published`?)');
    expect(e.location).toEqual({ file: F, line: 6, column: 9 });
  });

  test('environment as a scalar', () => {
    const e = fail('services:\n  web:\n    image: nginx\n    environment: FOO=bar\n');
    expect(e.message).toBe('`services.web.environment` must be a mapping or a sequence, not the string `FOO=bar`');
    expect(e.location).toEqual({ file: F, line: 4, column: 18 });
  });

  test('enum, required and duplicates', () => {
    expect(fail('services:\n  web:\n    image: x\n    cgroup: shared\n').message).toBe('`services.web.cgroup` must be one of `host` or `private`, not the string `shared`');
    expect(fail('services:\n  web:\n    build:\n      context: .\n      ssh: [default, default]\n').message).toBe(
      '`services.web.build.ssh` lists the string `default` more than once (items 0 and 1)',
    );
    const e = fail('services:\n  web:\n    image: x\n    depends_on:\n      db:\n        restart: true\n  db:\n    image: y\n');
    expect(e.message).toBe('`services.web.depends_on.db` is missing the required key `condition`');
  });

  test('exact duplicates of unique entries are removed before validation, as Compose does', () => {
    const d = load({ [F]: 'services:\n  web:\n    image: x\n    ports: ["80:80", "80:80"]\n    volumes: ["a:/data", "b:/data"]\nvolumes:\n  a: {}\n  b: {}\n' }).result.data;
    expect((d.services as Record<string, Record<string, unknown>>).web).toEqual({ image: 'x', ports: ['80:80'], volumes: ['b:/data'] });
  });

  test('invalid service names', () => {
    const e = fail('services:\n  "my web":\n    image: x\n');
    expect(e.message).toContain('invalid name `my web`');
    expect(e.location).toEqual({ file: F, line: 2, column: 3 });
  });

  test('several problems are reported together, sorted by position', () => {
    const e = fail('services:\n  web:\n    imag: x\n    ports: [true]\n  db:\n    image: [1]\n');
    expect(e.message).toBe(`${F} does not follow the Compose Specification (3 problems)`);
    expect(e.details.map((d) => `${d.location?.line}:${d.location?.column}`)).toEqual(['3:5', '4:13', '6:12']);
    expect(e.location).toEqual({ file: F, line: 3, column: 5 });
  });

  test('x- keys are allowed anywhere the schema allows extensions', () => {
    expect(() => load({ [F]: 'x-top: 1\nservices:\n  web:\n    image: x\n    x-meta: {a: 1}\n    build:\n      context: .\n      x-b: 1\n' })).not.toThrow();
  });

  test('the file that is wrong is named: an override file', () => {
    const e = composeError(() =>
      load({ [F]: 'services:\n  web:\n    image: x\n', '/app/override.yaml': 'services:\n  web:\n    restart: [always]\n' }, { files: ['compose.yaml', 'override.yaml'] }),
    );
    expect(e.location).toEqual({ file: '/app/override.yaml', line: 3, column: 14 });
  });

  test('a null that survives merging is reported at its position', () => {
    const e = fail('services:\n  web:\n    image: x\n    user:\n');
    expect(e.code).toBe('compose/schema');
    expect(e.message).toBe('`services.web.user` must be a string, not null');
    expect(e.location?.file).toBe(F);
    expect(e.location?.line).toBe(4);
  });
});

describe('simplify', () => {
  test('keeps the errors of the branch whose type matched', () => {
    const errors: AjvError[] = [
      { instancePath: '/a', schemaPath: '#/oneOf/0/type', keyword: 'type', params: { type: 'string' } },
      { instancePath: '/a/x', schemaPath: '#/oneOf/1/additionalProperties', keyword: 'additionalProperties', params: { additionalProperty: 'x' } },
      { instancePath: '/a', schemaPath: '#/oneOf', keyword: 'oneOf', params: { passingSchemas: null } },
    ];
    expect(simplify(errors).map((e) => e.keyword)).toEqual(['additionalProperties']);
  });

  test('merges the types when every branch failed on its type', () => {
    const errors: AjvError[] = [
      { instancePath: '/b', schemaPath: '#/x/type', keyword: 'type', params: { type: 'number' } },
      { instancePath: '/a', schemaPath: '#/oneOf/0/type', keyword: 'type', params: { type: 'string' } },
      { instancePath: '/a', schemaPath: '#/oneOf/1/type', keyword: 'type', params: { type: 'array' } },
      { instancePath: '/a', schemaPath: '#/oneOf', keyword: 'oneOf', params: { passingSchemas: null } },
    ];
    expect(simplify(errors)).toEqual([errors[0], { instancePath: '/a', schemaPath: '#/oneOf', keyword: 'type', params: { type: ['string', 'array'] } }]);
  });
});

describe('suggest', () => {
  test('close typos only', () => {
    expect(suggest('prots', ['ports', 'image'])).toBe('ports');
    expect(suggest('enviroment', ['environment', 'entrypoint'])).toBe('environment');
    expect(suggest('xyz', ['ports', 'image'])).toBeUndefined();
  });
});

/**
 * Fuzzer for `beanstack dockerrun` (not a jest test; run by hand after `npm run build`):
 *
 *   CORPUS=/path/to/awesome-compose SEED=1 ROUNDS=2 [INVALID=1] node scripts/fuzz-dockerrun.js
 *
 * Mutates every compose file of the corpus (odd service names such as toString/__proto__, port forms,
 * every volume type, list environment with bare KEYs, long-syntax secrets and configs, deploy.resources
 * variants, healthcheck forms, network_mode service:x, extends, profiles, dev settings, x-beanstack),
 * runs the built CLI in-process for --target ecs|docker|single and prints the outcomes by exit code.
 * A finding is: an exit code other than 0/2, a message calling itself a beanstack bug, an exit-2
 * message without a location or fix, a planted secret value in any output, or output that differs
 * between two identical runs. INVALID=1 also plants inputs that must be refused.
 */
const fs = require('fs');
const path = require('path');
const os = require('os');
const ROOT = path.resolve(__dirname, '..');
const YAML = require(path.join(ROOT, 'node_modules/yaml'));
const { main } = require(path.join(ROOT, 'dist/bin/cli.js'));

const CORPUS = process.env.CORPUS || path.join(ROOT, 'test/corpus/awesome-compose');
let seed = Number(process.env.SEED || 1);
const rnd = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; };
const pick = (a) => a[Math.floor(rnd() * a.length)];

const ODD_NAMES = ['toString', 'constructor', '__proto__', 'hasOwnProperty', 'valueOf', 'api.v1', 'Web_App', 'a-b', 'x'.repeat(70), '1st', 'db.primary', 'isPrototypeOf', 'propertyIsEnumerable', 'toLocaleString', '__defineGetter__'];

function renameServices(doc) {
  const names = Object.keys(doc.services || {});
  const map = new Map();
  const used = new Set();
  for (const n of names) {
    let m = pick(ODD_NAMES);
    while (used.has(m)) m = m + '2';
    used.add(m); map.set(n, m);
  }
  const re = (n) => map.get(n) ?? n;
  const services = {};
  for (const n of names) {
    const s = doc.services[n] || {};
    if (Array.isArray(s.depends_on)) s.depends_on = s.depends_on.map(re);
    else if (s.depends_on && typeof s.depends_on === 'object') s.depends_on = Object.fromEntries(Object.entries(s.depends_on).map(([k, v]) => [re(k), v]));
    if (Array.isArray(s.links)) s.links = s.links.map((l) => { const [a, b] = String(l).split(':'); return b ? `${re(a)}:${b}` : re(a); });
    if (Array.isArray(s.volumes_from)) s.volumes_from = s.volumes_from.map((v) => { const [a, ...r] = String(v).split(':'); return [re(a), ...r].join(':'); });
    if (typeof s.network_mode === 'string' && s.network_mode.startsWith('service:')) s.network_mode = 'service:' + re(s.network_mode.slice(8));
    if (s.extends && s.extends.service && !s.extends.file) s.extends.service = re(s.extends.service);
    Object.defineProperty(services, re(n), { value: s, enumerable: true, writable: true, configurable: true });
  }
  doc.services = services;
}

const MUTATIONS = {
  rename: renameServices,
  ports(doc, s) {
    s.ports = [...(s.ports || []), pick(['127.0.0.1:8080:80', '9000-9001:9000-9001', '53:53/udp', '8081:81/udp', '3000', '9229:9229', '[::1]:8083:83', '80:80', ...(process.env.INVALID ? ['8084:84/sctp', '22:22'] : [])]),
      pick([{ target: 85, published: '8085', host_ip: '0.0.0.0', protocol: 'udp', mode: 'host' }, { target: 86 }, { target: 87, published: 8087, app_protocol: 'http' }, '0.0.0.0:8088:88', ...(process.env.INVALID ? ['0.0.0.0:8088-8089:88-89'] : [])])];
  },
  volumes(doc, s) {
    s.volumes = [...(s.volumes || []), pick(['/app/node_modules', 'data:/data:ro', './conf:/etc/conf', '/var/run/docker.sock:/var/run/docker.sock', '~/x:/y', '.:/app', ...(process.env.INVALID ? ['./.env:/app/.env'] : [])]),
      pick([{ type: 'volume', source: 'data', target: '/vdata', volume: { nocopy: true } }, { type: 'bind', source: './conf', target: '/bconf', bind: { create_host_path: true } }, { type: 'tmpfs', target: '/tmp', tmpfs: { size: 1000 } }, { type: 'volume', target: '/anon' }, ...(process.env.INVALID ? [{ type: 'npipe', source: 'x', target: '/p' }, { type: 'image', source: 'alpine', target: '/img' }, { type: 'cluster', source: 'c', target: '/c' }] : [])])];
    doc.volumes = { ...(doc.volumes || {}), data: pick([{}, null, { external: true }, { driver: 'local', driver_opts: { type: 'none', o: 'bind', device: '/srv' } }]) };
  },
  envList(doc, s) {
    s.environment = ['KEY_ONLY', 'EMPTY=', 'A=1', 'URL=http://' + pick(Object.keys(doc.services)) + ':80', 'NODE_ENV=development', 'PASSWORD_FILE=/run/secrets/pw'];
  },
  secrets(doc, s) {
    doc.secrets = { ...(doc.secrets || {}), 'db-pass': { file: './pw.txt' }, api_key: { environment: 'API_KEY' }, ext: { external: true }, toString: { file: './pw.txt' } };
    s.secrets = [...(s.secrets || []), { source: 'db-pass', target: '/run/secrets/x', uid: '103', gid: '103', mode: 0o400 }, 'api_key', { source: 'ext' }, 'toString', { source: 'api_key', target: 'relative' }];
  },
  deploy(doc, s) {
    s.deploy = pick([{ resources: { limits: { cpus: '0.5', memory: '50M' }, reservations: { memory: '20M' } } }, { resources: { limits: { memory: '1g' }, reservations: { memory: '512m' } } }, ...(process.env.INVALID ? [{ resources: { limits: { memory: '1g' }, reservations: { memory: '2g' } } }, { resources: { limits: { memory: '1k' } } }, { resources: { reservations: { devices: [{ capabilities: ['gpu'] }] } } }] : []), { resources: { limits: { cpus: 2, pids: 10 } } }, { replicas: 3, restart_policy: { condition: 'none' } }, { mode: 'global' }, { resources: {} }]);
    if (rnd() < 0.3) s.mem_limit = pick(['512m', 1073741824, '6m', ...(process.env.INVALID ? ['5m'] : [])]);
    if (rnd() < 0.3) s.mem_reservation = pick(['6m', '256m']);
  },
  healthcheck(doc, s) {
    s.healthcheck = pick([{ disable: true }, { test: ['NONE'] }, { test: 'curl -f http://localhost/health || exit 1', interval: '1m30s', timeout: '90s', retries: 0, start_period: '1h' }, { test: ['CMD', 'true'], interval: '0s' }, { test: ['CMD-SHELL', 'exit 0'], start_interval: '1s' }]);
  },
  networkMode(doc, s, name) {
    const others = Object.keys(doc.services).filter((n) => n !== name);
    s.network_mode = others.length ? 'service:' + pick(others) : pick(['host', 'none', 'bridge']);
  },
  extends(doc, s, name) {
    const others = Object.keys(doc.services).filter((n) => n !== name && !doc.services[n].extends);
    if (others.length) s.extends = { service: pick(others) };
  },
  profiles(doc, s) {
    s.profiles = [pick(['debug', 'tools', 'prod'])];
  },
  devSettings(doc, s) {
    s.tty = true; s.stdin_open = true;
    if (s.build) s.build = typeof s.build === 'string' ? { context: s.build, target: pick(['dev', 'builder', 'production']) } : { ...s.build, target: pick(['dev', 'test', 'prod']) };
    s.command = pick(['npm run dev', 'sh -c "echo \'hi there\' && nodemon"', ['python', '-m', 'flask', 'run', '--reload'], 'echo $$HOME ${HOME}']);
    s.entrypoint = pick(['', ['/bin/sh', '-c'], '/entry.sh --flag']);
  },
  misc(doc, s) {
    s.ulimits = { nofile: { soft: 1024, hard: 2048 }, nproc: 65535, toString: 1 };
    s.logging = pick([{ driver: 'json-file', options: { 'max-size': '10m' } }, { driver: 'syslog' }, { driver: 'none' }, { options: { a: 'b' } }]);
    s.labels = pick([['a=b', 'constructor=x', 'flag'], { 'com.example': 'x', __proto__x: 'y' }]);
    s.extra_hosts = pick([['host.docker.internal:host-gateway', 'a:1.2.3.4'], { b: '::1' }]);
    s.dns = pick(['8.8.8.8', ['1.1.1.1']]);
    s.user = pick(['1000:1000', 'node', '0']);
    s.sysctls = pick([['net.core.somaxconn=1024'], { 'net.ipv4.ip_forward': 1 }]);
    s.cap_add = pick([['CHOWN'], ['SYS_PTRACE'], ...(process.env.INVALID ? [['NET_ADMIN'], ['ALL']] : [])]);
    s.stop_grace_period = pick(['1m', '10m', '0s']);
    s.hostname = pick(['my.host', 'toString']);
    s.privileged = rnd() < 0.5;
    s.working_dir = '/app';
    s.expose = ['3000', '4000-4001', '5000/udp'];
    s.init = true;
    s.read_only = true;
    s.restart = pick(['no', 'always', 'on-failure:3', 'unless-stopped']);
    if (!s.depends_on) s.depends_on = Object.fromEntries(Object.keys(doc.services).filter((n) => doc.services[n] !== s && !doc.services[n].depends_on).slice(0, 1).map((n) => [n, { condition: pick(['service_healthy', 'service_completed_successfully', 'service_started']) }]));
  },
  configs(doc, s) {
    doc.configs = { ...(doc.configs || {}), cfile: { file: './conf/app.conf' }, cinline: { content: 'a=1\n$${X}\n' }, cenv: { environment: 'API_KEY' }, toString: { file: './conf/app.conf' } };
    s.configs = [...(s.configs || []), 'cfile', { source: 'cinline', target: '/etc/inline.conf', mode: 0o444 }, 'cenv', { source: 'toString', target: 'rel.conf' }];
  },
  networking(doc, s, name) {
    doc.networks = { ...(doc.networks || {}), front: {}, back: { internal: true }, ext: { external: true }, constructor: {} };
    if (!s.network_mode) s.networks = pick([{ front: { aliases: ['alias.one', 'toString'] }, back: null }, ['ext', 'constructor'], { default: { aliases: ['x'] } }]);
    const others = Object.keys(doc.services).filter((n) => n !== name);
    if (others.length) { s.links = [pick(others) + ':lnk']; if (rnd() < 0.5) s.volumes_from = [pick(others) + ':ro']; }
    s.container_name = pick(['My.Container', 'toString', 'same-name']);
  },
  buildVariants(doc, s) {
    s.build = pick([{ context: '.', dockerfile: 'Dockerfile.dev', args: ['NODE_ENV=development', 'EMPTY', 'A=1'] }, { context: './sub', target: 'production', args: { toString: '1', __proto__: '2' } }, { context: '.', dockerfile_inline: 'FROM scratch' }, { context: 'https://github.com/x/y.git#main' }, './sub', { context: '.', platforms: ['linux/arm64'] }]);
    if (rnd() < 0.5) delete s.image;
    s.env_file = pick([['.env'], [{ path: './missing.env', required: false }], '.env']);
  },
  oddValues(doc, s) {
    s.command = pick([[], '', ['a b', 'c\'d', '$$X']]);
    s.entrypoint = pick([[], null, 'sh']);
    s.environment = pick([{ EMPTY: '', NUL: null, NUM: 1, BOOL: true, DB_PASSWORD: 'x' }, ['A', 'B='], {}]);
    s.logging = pick([{ driver: 'awslogs', options: { 'awslogs-group': 'g' } }, { driver: 'fluentd' }, { driver: 'local' }]);
    s.tmpfs = pick(['/run', ['/tmp:size=64m']]);
    s.shm_size = pick(['64m', 1024]);
    s.stop_signal = 'SIGINT';
    s.pid = pick(['host', null]); if (s.pid === null) delete s.pid;
    s.ipc = pick(['private', 'shareable']);
    s.security_opt = ['no-new-privileges:true'];
    s.cpus = pick([0.25, '1.5', 0]);
    s.cpu_shares = pick([512, 2]);
  },
  xbeanstack(doc, s, name) {
    s['x-beanstack'] = pick([{ memory: 512 }, { exclude: true }, { web: true }, { essential: false }, { database: 'mysql' }, { keep_ports: [9229] }, { host_port: 80, container_port: 3000 }, { one_shot: true }]);
    if (rnd() < 0.3) doc['x-beanstack'] = pick([{ web: name }, { database: false }, { exclude: [name] }, { database: 'toString' }, { web: 'constructor' }]);
  },
};

function ensureContexts(doc, dir) {
  for (const s of Object.values(doc.services || {})) {
    if (!s || !s.build) continue;
    const ctx = typeof s.build === 'string' ? s.build : s.build.context || '.';
    if (/^[a-z]+:\/\//.test(ctx) || ctx.startsWith('git@')) continue;
    const abs = path.resolve(dir, ctx);
    fs.mkdirSync(abs, { recursive: true });
    const df = typeof s.build === 'object' && s.build.dockerfile ? s.build.dockerfile : 'Dockerfile';
    const dfp = path.resolve(abs, df);
    if (!fs.existsSync(dfp)) { fs.mkdirSync(path.dirname(dfp), { recursive: true }); fs.writeFileSync(dfp, 'FROM scratch\n'); }
  }
  fs.mkdirSync(path.join(dir, 'conf'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'conf', 'app.conf'), 'x=1\n');
  fs.mkdirSync(path.join(dir, 'sub'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'sub', 'Dockerfile'), 'FROM scratch AS production\n');
  if (!fs.existsSync(path.join(dir, 'Dockerfile'))) fs.writeFileSync(path.join(dir, 'Dockerfile'), 'FROM scratch\n');
  if (!fs.existsSync(path.join(dir, 'Dockerfile.dev'))) fs.writeFileSync(path.join(dir, 'Dockerfile.dev'), 'FROM scratch\n');
  fs.writeFileSync(path.join(dir, 'pw.txt'), 'S3cr3tTok3nXYZ\n');
  if (!fs.existsSync(path.join(dir, '.env'))) fs.writeFileSync(path.join(dir, '.env'), 'X=1\n');
}

async function runCli(args, cwd) {
  let stdout = '', stderr = '';
  const ctx = { cwd, env: { HOME: '/home/tester', API_KEY: 'ApiK3yValueXYZ' }, stdout: (t) => { stdout += t; }, stderr: (t) => { stderr += t; }, isTty: false };
  let code;
  try { code = await main(['dockerrun', ...args], ctx); } catch (e) { code = 'throw'; stderr += String(e && e.stack); }
  return { code, stdout, stderr };
}

(async () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'r3fuzz-'));
  const dirs = fs.readdirSync(CORPUS).filter((d) => fs.statSync(path.join(CORPUS, d)).isDirectory()).sort();
  const stats = {};
  const findings = [];
  const unlocated = [];
  const errs = {};
  let n = 0;
  const rounds = Number(process.env.ROUNDS || 1);
  for (let round = 0; round < rounds; round++) for (const d of dirs) {
    const files = fs.readdirSync(path.join(CORPUS, d)).filter((f) => /^(docker-)?compose\.ya?ml$/.test(f));
    if (!files.length) continue;
    const base = YAML.parse(fs.readFileSync(path.join(CORPUS, d, files[0]), 'utf8'));
    const plans = [...Object.keys(MUTATIONS).map((m) => [m]), Object.keys(MUTATIONS), Object.keys(MUTATIONS).filter(() => rnd() < 0.5)];
    for (const plan of plans) {
      const doc = JSON.parse(JSON.stringify(base));
      if (!doc.services) continue;
      for (const m of plan) {
        if (m === 'rename') { renameServices(doc); continue; }
        const names = Object.keys(doc.services);
        const targets = plan.length === 1 ? names : names.filter(() => rnd() < 0.5);
        for (const name of (targets.length ? targets : [names[0]])) MUTATIONS[m](doc, doc.services[name] || (doc.services[name] = {}), name);
      }
      const dir = path.join(work, `c${n}`);
      fs.cpSync(path.join(CORPUS, d), dir, { recursive: true });
      ensureContexts(doc, dir);
      const text = YAML.stringify(doc);
      fs.writeFileSync(path.join(dir, files[0]), text);
      for (const target of ['ecs', 'docker', 'single']) {
        const extra = [];
        if (plan.includes('profiles') && rnd() < 0.5) extra.push('--profile', 'debug');
        if (plan.includes('healthcheck') && rnd() < 0.7) extra.push('--container-health-checks');
        if (rnd() < 0.3) extra.push('--image', `${pick(Object.keys(doc.services))}=123456789012.dkr.ecr.eu-west-1.amazonaws.com/x:1`);
        if (rnd() < 0.2) extra.push('--out', path.join(dir + '-out-' + target));
        const args = ['--target', target, '-q', ...extra];
        const r = await runCli(args, dir);
        n++;
        stats[r.code] = (stats[r.code] || 0) + 1;
        if (/S3cr3tTok3nXYZ|ApiK3yValueXYZ/.test(r.stdout + r.stderr)) findings.push({ dir, corpus: d, plan, args, stderr: 'SECRET LEAK in output' });
        const outDir = args.includes('--out') ? args[args.indexOf('--out') + 1] : undefined;
        if (outDir && fs.existsSync(outDir)) { const walk = (p) => fs.statSync(p).isDirectory() ? fs.readdirSync(p).flatMap((f) => walk(path.join(p, f))) : [p]; for (const f of walk(outDir)) if (/S3cr3tTok3nXYZ|ApiK3yValueXYZ/.test(fs.readFileSync(f, 'utf8'))) findings.push({ dir, corpus: d, plan, args, stderr: 'SECRET LEAK in ' + f }); }
        if (r.code === 0 && !outDir) { const again = await runCli(args, dir); if (again.stdout !== r.stdout) findings.push({ dir, corpus: d, plan, args, stderr: 'NONDETERMINISTIC output' }); }
        if ((r.code !== 0 && r.code !== 2) || /bug in beanstack/.test(r.stderr)) findings.push({ dir, corpus: d, plan, args, stderr: r.stderr.split('\n').slice(0, 4).join('\n') });
        if (r.code === 2) { const fl = r.stderr.split('\n').find((l, i) => i > 0 && /^\s+\S/.test(l) && !/fix:/.test(l)) || r.stderr.split('\n')[0]; const fl0 = fl.replace(/^error: [^ ]+ /, '').replace(/"[^"]*"/g,'""').replace(/\d+/g,'N').slice(0, 110); errs[fl0.replace(/^error: [^ ]+ /, '').replace(/"[^"]*"/g,'""').replace(/\d+/g,'N').trim().slice(0, 130)] = (errs[fl0.replace(/^error: [^ ]+ /, '').replace(/"[^"]*"/g,'""').replace(/\d+/g,'N').trim().slice(0, 130)] || 0) + 1; }
        if (r.code === 2 && (!/(:\d+:\d+|--[a-z-]+)/.test(r.stderr) || !/fix:/.test(r.stderr))) unlocated.push({ dir, corpus: d, plan, args, stderr: r.stderr.split('\n').slice(0, 3).join('\n') });
      }
    }
  }
  console.log(JSON.stringify({ runs: n, stats, work }, null, 1));
  const sig = new Map();
  for (const f of findings) { const k = f.stderr.split('\n').slice(0, 2).join(' ').replace(/c\d+/g, 'cN').slice(0, 200); if (!sig.has(k)) sig.set(k, { ...f, count: 0 }); sig.get(k).count++; }
  for (const [k, f] of sig) console.log('\n### BUG x' + f.count, f.dir, f.corpus, JSON.stringify(f.plan), f.args.join(' '), '\n' + f.stderr);
  const usig = new Map();
  for (const f of unlocated) { const k = f.stderr.replace(/c\d+/g, 'cN').replace(/"[^"]*"/g, '""').slice(0, 90); if (!usig.has(k)) usig.set(k, { ...f, count: 0 }); usig.get(k).count++; }
  for (const [k, v] of Object.entries(errs).sort((a, b) => b[1] - a[1]).slice(0, 60)) console.log(v, k);
  console.log('\n==== exit 2 without location or fix:', unlocated.length);
  for (const [k, f] of usig) console.log('\n--- x' + f.count, f.dir, JSON.stringify(f.plan), f.args.join(' '), '\n' + f.stderr);
  if (findings.length === 0 && unlocated.length === 0 && !process.env.KEEP) fs.rmSync(work, { recursive: true, force: true });
  process.exitCode = findings.length > 0 ? 1 : 0;
})();

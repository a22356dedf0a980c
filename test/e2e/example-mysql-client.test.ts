/**
 * The example API's MySQL client (examples/fullstack/api/src/mysql.js) against a scripted server on
 * 127.0.0.1 that speaks the MySQL protocol: caching_sha2_password (fast path, and full
 * authentication with the server's RSA key — what RDS MySQL 8.4 and mysql:8.4 use on plain TCP),
 * an auth switch to mysql_native_password (MariaDB), errors, result sets and escaping. The
 * end-to-end suite covers mysql_native_password against a real MariaDB.
 */
import { ChildProcess, spawn, spawnSync } from 'child_process';
import { createHash, generateKeyPairSync, privateDecrypt, constants } from 'crypto';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';

// eslint-disable-next-line @typescript-eslint/no-var-requires
const mysql = require(path.join(__dirname, '..', '..', 'examples', 'fullstack', 'api', 'src', 'mysql.js')) as {
  Connection: new (o: object) => { connect(): Promise<void>; query(sql: string, params?: unknown[]): Promise<{ rows?: Record<string, unknown>[]; affectedRows?: number; insertId?: number }>; close(): Promise<void> };
  format(sql: string, params: unknown[]): string;
};

const sha = (alg: string, ...parts: Buffer[]) => parts.reduce((h, p) => h.update(p), createHash(alg)).digest();
const xor = (a: Buffer, b: Buffer) => Buffer.from(a.map((x, i) => x ^ b[i % b.length]));

function packet(seq: number, payload: Buffer): Buffer {
  const h = Buffer.alloc(4);
  h.writeUIntLE(payload.length, 0, 3);
  h[3] = seq;
  return Buffer.concat([h, payload]);
}

function lenenc(s: string): Buffer {
  const b = Buffer.from(s);
  return Buffer.concat([Buffer.from([b.length]), b]);
}

const OK = Buffer.from([0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00]);
const EOF = Buffer.from([0xfe, 0x00, 0x00, 0x02, 0x00]);

interface ServerOptions {
  readonly plugin: 'caching_sha2_password' | 'mysql_native_password';
  readonly password: string;
  /** caching_sha2: whether the server has the password cached (fast path). */
  readonly cached?: boolean;
  /** Start with caching_sha2 and switch the client to mysql_native_password. */
  readonly switchTo?: 'mysql_native_password';
}

/** A scripted MySQL server: one connection, authentication as configured, then queries. */
function server(o: ServerOptions): Promise<{ port: number; queries: string[]; close: () => void }> {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
  const queries: string[] = [];
  const srv = net.createServer((sock) => {
    const scramble = Buffer.from('abcdefghijklmnopqrst');
    let buf = Buffer.alloc(0);
    let stage: 'response' | 'switch' | 'fullauth-request' | 'fullauth-secret' | 'command' = 'response';
    const initial = o.switchTo ? 'caching_sha2_password' : o.plugin;
    const hs = Buffer.concat([
      Buffer.from([10]), Buffer.from('8.4.0-test\0'), Buffer.from([1, 0, 0, 0]), scramble.subarray(0, 8), Buffer.from([0]),
      Buffer.from([0xff, 0xf7]), Buffer.from([45]), Buffer.from([2, 0]), Buffer.from([0xff, 0x81]), Buffer.from([21]), Buffer.alloc(10),
      scramble.subarray(8), Buffer.from([0]), Buffer.from(`${initial}\0`),
    ]);
    sock.write(packet(0, hs));
    const expectedFor = (plugin: string) => plugin === 'mysql_native_password'
      ? xor(sha('sha1', Buffer.from(o.password)), sha('sha1', scramble, sha('sha1', sha('sha1', Buffer.from(o.password)))))
      : xor(sha('sha256', Buffer.from(o.password)), sha('sha256', sha('sha256', sha('sha256', Buffer.from(o.password))), scramble));
    const deny = (seq: number) => sock.end(packet(seq, Buffer.concat([Buffer.from([0xff, 0x15, 0x04]), Buffer.from('#28000Access denied for user')])));
    sock.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      while (buf.length >= 4 && buf.length >= 4 + buf.readUIntLE(0, 3)) {
        const len = buf.readUIntLE(0, 3);
        const seq = buf[3];
        const p = buf.subarray(4, 4 + len);
        buf = buf.subarray(4 + len);
        if (stage === 'response') {
          let i = 32;
          i = p.indexOf(0, i) + 1; // user
          const authLen = p[i];
          const auth = p.subarray(i + 1, i + 1 + authLen);
          if (o.switchTo) {
            stage = 'switch';
            sock.write(packet(seq + 1, Buffer.concat([Buffer.from([0xfe]), Buffer.from(`${o.switchTo}\0`), scramble, Buffer.from([0])])));
          } else if (!auth.equals(expectedFor(o.plugin))) deny(seq + 1);
          else if (o.plugin === 'mysql_native_password') { sock.write(packet(seq + 1, OK)); stage = 'command'; }
          else if (o.cached) { sock.write(packet(seq + 1, Buffer.from([0x01, 0x03]))); sock.write(packet(seq + 2, OK)); stage = 'command'; }
          else { sock.write(packet(seq + 1, Buffer.from([0x01, 0x04]))); stage = 'fullauth-request'; }
        } else if (stage === 'switch') {
          if (!p.equals(expectedFor(o.switchTo!))) deny(seq + 1);
          else { sock.write(packet(seq + 1, OK)); stage = 'command'; }
        } else if (stage === 'fullauth-request') {
          expect(p).toEqual(Buffer.from([0x02]));
          sock.write(packet(seq + 1, Buffer.concat([Buffer.from([0x01]), Buffer.from(publicKey)])));
          stage = 'fullauth-secret';
        } else if (stage === 'fullauth-secret') {
          const secret = privateDecrypt({ key: privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING }, p);
          if (!xor(secret, scramble).equals(Buffer.from(`${o.password}\0`))) deny(seq + 1);
          else { sock.write(packet(seq + 1, OK)); stage = 'command'; }
        } else if (p[0] === 0x03) {
          const sql = p.subarray(1).toString('utf8');
          queries.push(sql);
          if (sql.startsWith('SELECT')) {
            const col = (name: string, type: number) => Buffer.concat([lenenc('def'), lenenc('db'), lenenc('t'), lenenc('t'), lenenc(name), lenenc(name), Buffer.from([0x0c, 45, 0, 11, 0, 0, 0, type, 0, 0, 0, 0, 0])]);
            const row = Buffer.concat([lenenc('7'), lenenc('héllo'), Buffer.from([0xfb])]);
            sock.write(Buffer.concat([
              packet(1, Buffer.from([3])), packet(2, col('id', 3)), packet(3, col('text', 253)), packet(4, col('note', 253)), packet(5, EOF), packet(6, row), packet(7, EOF),
            ]));
          } else {
            sock.write(packet(1, Buffer.from([0x00, 0x01, 0x2a, 0x02, 0x00, 0x00, 0x00])));
          }
        } else if (p[0] === 0x01) sock.end();
      }
    });
    sock.on('error', () => undefined);
  });
  return new Promise((resolve) => srv.listen(0, '127.0.0.1', () => resolve({ port: (srv.address() as net.AddressInfo).port, queries, close: () => srv.close() })));
}

async function roundTrip(o: ServerOptions, password = o.password): Promise<{ rows: unknown; insert: unknown; queries: string[] }> {
  const s = await server(o);
  const c = new mysql.Connection({ host: '127.0.0.1', port: s.port, user: 'app', password, database: 'messages' });
  try {
    await c.connect();
    const insert = await c.query('INSERT INTO messages (text) VALUES (?)', ["it's"]);
    const { rows } = await c.query('SELECT id, text, note FROM messages');
    await c.close();
    return { rows, insert, queries: s.queries };
  } finally {
    s.close();
  }
}

describe('the example API\'s MySQL client', () => {
  const expected = { rows: [{ id: 7, text: 'héllo', note: null }], insert: { affectedRows: 1, insertId: 42 } };

  test('caching_sha2_password, fast path', async () => {
    expect(await roundTrip({ plugin: 'caching_sha2_password', password: 'pw-1', cached: true })).toMatchObject(expected);
  });

  test('caching_sha2_password, full authentication with the server\'s RSA public key', async () => {
    const r = await roundTrip({ plugin: 'caching_sha2_password', password: 'Secr3t-Generated-Password' });
    expect(r).toMatchObject(expected);
    expect(r.queries).toEqual(["INSERT INTO messages (text) VALUES ('it\\'s')", 'SELECT id, text, note FROM messages']);
  });

  test('auth switch to mysql_native_password (MariaDB)', async () => {
    expect(await roundTrip({ plugin: 'caching_sha2_password', password: 'pw', switchTo: 'mysql_native_password' })).toMatchObject(expected);
  });

  test('a wrong password is an error with the server\'s message and code', async () => {
    await expect(roundTrip({ plugin: 'caching_sha2_password', password: 'right' }, 'wrong')).rejects.toMatchObject({ message: 'Access denied for user', code: 1045, sqlState: '28000' });
  });

  test('placeholders are escaped', () => {
    expect(mysql.format('SELECT ?, ?, ?, ?', ["a'b\\c\n", 3, null, true])).toBe("SELECT 'a\\'b\\\\c\\n', 3, NULL, TRUE");
    expect(() => mysql.format('SELECT ?', [])).toThrow(/not enough parameters/);
  });
});

/**
 * Against a real MariaDB server that requires TLS (`require_secure_transport`, as beanstack's RDS
 * parameter group sets it): the client upgrades to TLS after the server's greeting, and a client that
 * does not is refused. Uses Debian's mariadbd and openssl from the host, on 127.0.0.1.
 */
describe('the example API\'s MySQL client against a server that requires TLS', () => {
  const mariadbd = ['/usr/sbin/mariadbd', '/usr/bin/mariadbd'].find((p) => fs.existsSync(p));
  const run = mariadbd && fs.existsSync('/usr/bin/openssl') ? test : process.env.BEANSTACK_E2E === 'required' ? test : test.skip;
  let dir: string;
  let server: ChildProcess | undefined;
  afterAll(() => {
    server?.kill('SIGKILL');
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  run('TLS whenever the server offers it; a plain connection is refused', async () => {
    if (!mariadbd) throw new Error('mariadbd is missing (apt-get install mariadb-server)');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'beanstack-tls-'));
    const sh = (cmd: string, args: string[]) => {
      const r = spawnSync(cmd, args, { cwd: dir, encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr}`);
    };
    sh('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'key.pem', '-out', 'cert.pem', '-days', '1', '-subj', '/CN=localhost']);
    sh('mariadb-install-db', ['--no-defaults', `--datadir=${dir}/data`, `--user=${os.userInfo().username}`, '--auth-root-authentication-method=normal', '--skip-test-db']);
    const port = await new Promise<number>((resolve) => {
      const probe = net.createServer().listen(0, '127.0.0.1', () => {
        const p = (probe.address() as net.AddressInfo).port;
        probe.close(() => resolve(p));
      });
    });
    const init = path.join(dir, 'init.sql');
    fs.writeFileSync(init, "DELETE FROM mysql.global_priv WHERE User='';\nCREATE USER 'app'@'%' IDENTIFIED BY 'app-pw';\nCREATE DATABASE shop;\nGRANT ALL ON shop.* TO 'app'@'%';\n");
    server = spawn(mariadbd, ['--no-defaults', `--datadir=${dir}/data`, `--user=${os.userInfo().username}`, `--port=${port}`, '--bind-address=127.0.0.1',
      `--socket=${dir}/s.sock`, `--ssl-cert=${dir}/cert.pem`, `--ssl-key=${dir}/key.pem`, '--require-secure-transport=ON', `--init-file=${init}`, '--skip-name-resolve'], { stdio: 'ignore' });
    const connect = async (tls: string) => {
      const c = new mysql.Connection({ host: '127.0.0.1', port, user: 'app', password: 'app-pw', database: 'shop', tls });
      await c.connect();
      return c;
    };
    let c: Awaited<ReturnType<typeof connect>> | undefined;
    for (let i = 0; i < 60 && !c; i++) {
      try {
        c = await connect('preferred');
      } catch {
        await new Promise((r) => setTimeout(r, 500));
      }
    }
    if (!c) throw new Error('the TLS MariaDB server did not accept the client');
    const { rows } = await c.query("SHOW STATUS LIKE 'Ssl_cipher'");
    expect(String(rows![0].Value)).toMatch(/^TLS_|^ECDHE|AES/);
    await c.close();
    await expect(connect('off')).rejects.toThrow();
  }, 120000);
});

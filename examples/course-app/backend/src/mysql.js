// A small MySQL/MariaDB client (text protocol), written for this example so the API has no
// dependencies and its image builds offline. Supports the auth plugins RDS and the official images
// use: caching_sha2_password (MySQL 8 default; full authentication over plain TCP uses the server's
// RSA public key, over TLS the password itself) and mysql_native_password (MariaDB, older MySQL); auth
// switch requests; TLS whenever the server offers it (`tls: 'preferred'`, the default: Amazon RDS with
// require_secure_transport refuses plain connections), `'required'` or `'off'`, and a CA file to verify
// the server with (`ca`, e.g. the RDS CA bundle; without one the connection is encrypted but the
// server's certificate is not verified); queries with `?` placeholders escaped client-side; OK, ERR
// and text result sets.
//
// Real applications would use the `mysql2` package; this file exists to keep the example self-contained.
'use strict';
const net = require('node:net');
const tls = require('node:tls');
const fs = require('node:fs');
const crypto = require('node:crypto');

const CLIENT = {
  LONG_PASSWORD: 0x1,
  FOUND_ROWS: 0x2,
  LONG_FLAG: 0x4,
  CONNECT_WITH_DB: 0x8,
  PROTOCOL_41: 0x200,
  SSL: 0x800,
  TRANSACTIONS: 0x2000,
  SECURE_CONNECTION: 0x8000,
  MULTI_RESULTS: 0x20000,
  PLUGIN_AUTH: 0x80000,
  PLUGIN_AUTH_LENENC_CLIENT_DATA: 0x200000,
};
const UTF8MB4_GENERAL_CI = 45;
const MAX_PACKET = 0xffffff;
const NUMERIC_TYPES = new Set([1, 2, 3, 4, 5, 8, 9, 13]); // TINY SHORT LONG FLOAT DOUBLE LONGLONG INT24 YEAR

class MysqlError extends Error {
  constructor(message, code, sqlState) {
    super(message);
    this.name = 'MysqlError';
    this.code = code;
    this.sqlState = sqlState;
  }
}

/** Reads the fields of one packet payload. */
class Reader {
  constructor(buf) {
    this.buf = buf;
    this.pos = 0;
  }
  u8() { return this.buf[this.pos++]; }
  u16() { const v = this.buf.readUInt16LE(this.pos); this.pos += 2; return v; }
  u32() { const v = this.buf.readUInt32LE(this.pos); this.pos += 4; return v; }
  bytes(n) { const v = this.buf.subarray(this.pos, this.pos + n); this.pos += n; return v; }
  nulBytes() {
    const end = this.buf.indexOf(0, this.pos);
    const stop = end < 0 ? this.buf.length : end;
    const v = this.buf.subarray(this.pos, stop);
    this.pos = stop + 1;
    return v;
  }
  nulString() { return this.nulBytes().toString('utf8'); }
  rest() { return this.bytes(this.buf.length - this.pos); }
  lenencInt() {
    const first = this.u8();
    if (first < 0xfb) return first;
    if (first === 0xfb) return null;
    if (first === 0xfc) return this.u16();
    if (first === 0xfd) { const v = this.buf.readUIntLE(this.pos, 3); this.pos += 3; return v; }
    const v = Number(this.buf.readBigUInt64LE(this.pos));
    this.pos += 8;
    return v;
  }
  lenencString() {
    const n = this.lenencInt();
    return n === null ? null : this.bytes(n).toString('utf8');
  }
}

function lenencInt(n) {
  if (n < 0xfb) return Buffer.from([n]);
  if (n < 0x10000) { const b = Buffer.alloc(3); b[0] = 0xfc; b.writeUInt16LE(n, 1); return b; }
  if (n < 0x1000000) { const b = Buffer.alloc(4); b[0] = 0xfd; b.writeUIntLE(n, 1, 3); return b; }
  const b = Buffer.alloc(9); b[0] = 0xfe; b.writeBigUInt64LE(BigInt(n), 1); return b;
}

const sha1 = (...parts) => parts.reduce((h, p) => h.update(p), crypto.createHash('sha1')).digest();
const sha256 = (...parts) => parts.reduce((h, p) => h.update(p), crypto.createHash('sha256')).digest();
function xor(a, b) {
  const out = Buffer.alloc(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i] ^ b[i % b.length];
  return out;
}

/** The first auth response of a plugin for a password and the server's 20-byte scramble. */
function scramblePassword(plugin, password, scramble) {
  if (!password) return Buffer.alloc(0);
  const pw = Buffer.from(password, 'utf8');
  if (plugin === 'mysql_native_password') {
    const stage1 = sha1(pw);
    return xor(stage1, sha1(scramble, sha1(stage1)));
  }
  if (plugin === 'caching_sha2_password') {
    const stage1 = sha256(pw);
    return xor(stage1, sha256(sha256(stage1), scramble));
  }
  if (plugin === 'mysql_clear_password') return Buffer.concat([pw, Buffer.from([0])]);
  throw new MysqlError(`unsupported authentication plugin ${plugin}`, 'ER_NOT_SUPPORTED_AUTH_MODE');
}

/** Escapes a value for a SQL literal (NO_BACKSLASH_ESCAPES off, the server default). */
function escape(value) {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`cannot use ${value} as a SQL value`);
    return String(value);
  }
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (value instanceof Date) return escape(value.toISOString().slice(0, 23).replace('T', ' '));
  const map = { '\0': '\\0', '\b': '\\b', '\t': '\\t', '\n': '\\n', '\r': '\\r', '\x1a': '\\Z', '"': '\\"', "'": "\\'", '\\': '\\\\' };
  return "'" + String(value).replace(/[\0\b\t\n\r\x1a"'\\]/g, (c) => map[c]) + "'";
}

/** Replaces each `?` with the escaped parameter (placeholders inside quotes are not supported). */
function format(sql, params = []) {
  let i = 0;
  const out = sql.replace(/\?/g, () => {
    if (i >= params.length) throw new TypeError(`not enough parameters for: ${sql}`);
    return escape(params[i++]);
  });
  if (i !== params.length) throw new TypeError(`too many parameters for: ${sql}`);
  return out;
}

class Connection {
  /**
   * @param {{host: string, port?: number, user: string, password?: string, database?: string, connectTimeoutMs?: number, tls?: 'preferred' | 'required' | 'off', ca?: string}} options
   */
  constructor(options) {
    this.options = { port: 3306, password: '', connectTimeoutMs: 10000, tls: 'preferred', ...options };
    this.socket = null;
    this.buffer = Buffer.alloc(0);
    this.waiters = [];
    this.packets = [];
    this.failure = null;
    this.seq = 0;
    this.queue = Promise.resolve();
    this.closed = false;
  }

  /** Opens the connection and authenticates. */
  async connect() {
    const { host, port, connectTimeoutMs } = this.options;
    await new Promise((resolve, reject) => {
      const socket = net.connect({ host, port });
      const timer = setTimeout(() => socket.destroy(new MysqlError(`connect to ${host}:${port} timed out`, 'ETIMEDOUT')), connectTimeoutMs);
      socket.once('connect', () => { clearTimeout(timer); resolve(); });
      socket.once('error', (e) => { clearTimeout(timer); reject(e); });
      socket.setNoDelay(true);
      this.attach(socket);
    });
    await this.handshake();
  }

  attach(socket) {
    socket.on('data', (chunk) => this.onData(chunk));
    socket.on('error', (e) => this.fail(e));
    socket.on('close', () => { this.closed = true; this.fail(new MysqlError('connection closed by the server', 'PROTOCOL_CONNECTION_LOST')); });
    this.socket = socket;
  }

  /** Continues the connection over TLS (after the SSL request packet), as the protocol's SSL handshake does. */
  async startTls() {
    const plain = this.socket;
    plain.removeAllListeners('data');
    plain.removeAllListeners('close');
    const { host, ca } = this.options;
    const secure = tls.connect({ socket: plain, servername: net.isIP(host) ? undefined : host, ...(ca ? { ca: fs.readFileSync(ca) } : { rejectUnauthorized: false }) });
    await new Promise((resolve, reject) => {
      secure.once('secureConnect', resolve);
      secure.once('error', reject);
    });
    this.attach(secure);
    this.secure = true;
  }

  onData(chunk) {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    let partial = null;
    while (this.buffer.length >= 4) {
      const len = this.buffer.readUIntLE(0, 3);
      if (this.buffer.length < 4 + len) break;
      const seq = this.buffer[3];
      const payload = this.buffer.subarray(4, 4 + len);
      this.buffer = this.buffer.subarray(4 + len);
      this.seq = (seq + 1) & 0xff;
      partial = partial ? Buffer.concat([partial, payload]) : payload;
      if (len === MAX_PACKET) continue; // the payload continues in the next packet
      const packet = partial;
      partial = null;
      const waiter = this.waiters.shift();
      if (waiter) waiter.resolve(packet);
      else this.packets.push(packet);
    }
    if (partial) {
      this.fail(new MysqlError('packets larger than 16 MiB are not supported', 'PROTOCOL_PACKET_TOO_LARGE'));
      this.socket.destroy();
    }
  }

  fail(error) {
    if (!this.failure) this.failure = error;
    for (const w of this.waiters.splice(0)) w.reject(error);
  }

  read() {
    if (this.packets.length) return Promise.resolve(this.packets.shift());
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  write(payload) {
    if (payload.length >= MAX_PACKET) throw new MysqlError('statement too large', 'PROTOCOL_PACKET_TOO_LARGE');
    const header = Buffer.alloc(4);
    header.writeUIntLE(payload.length, 0, 3);
    header[3] = this.seq;
    this.seq = (this.seq + 1) & 0xff;
    this.socket.write(Buffer.concat([header, payload]));
  }

  static error(packet) {
    const r = new Reader(packet);
    r.u8();
    const code = r.u16();
    let sqlState;
    if (packet[r.pos] === 0x23) { r.u8(); sqlState = r.bytes(5).toString(); }
    return new MysqlError(r.rest().toString('utf8'), code, sqlState);
  }

  async handshake() {
    const r = new Reader(await this.read());
    if (r.buf[0] === 0xff) throw Connection.error(r.buf);
    const protocol = r.u8();
    if (protocol !== 10) throw new MysqlError(`unsupported protocol version ${protocol}`, 'PROTOCOL_VERSION');
    this.serverVersion = r.nulString();
    r.u32(); // connection id
    const part1 = r.bytes(8);
    r.u8();
    let caps = r.u16();
    r.u8(); // charset
    r.u16(); // status
    caps |= r.u16() << 16;
    const authLen = r.u8();
    r.bytes(10);
    const part2 = r.bytes(Math.max(13, authLen - 8)).subarray(0, 12);
    const plugin = caps & CLIENT.PLUGIN_AUTH ? r.nulString() : 'mysql_native_password';
    let scramble = Buffer.concat([part1, part2]);

    const { user, password, database } = this.options;
    const useTls = this.options.tls !== 'off' && (caps & CLIENT.SSL) !== 0;
    if (this.options.tls === 'required' && !useTls) throw new MysqlError('the server does not offer TLS, but tls is required', 'HANDSHAKE_NO_SSL_SUPPORT');
    const flags = CLIENT.LONG_PASSWORD | CLIENT.FOUND_ROWS | CLIENT.LONG_FLAG | CLIENT.PROTOCOL_41 | CLIENT.TRANSACTIONS |
      CLIENT.SECURE_CONNECTION | CLIENT.MULTI_RESULTS | CLIENT.PLUGIN_AUTH | CLIENT.PLUGIN_AUTH_LENENC_CLIENT_DATA |
      (database ? CLIENT.CONNECT_WITH_DB : 0) | (useTls ? CLIENT.SSL : 0);
    const auth = scramblePassword(plugin, password, scramble);
    const head = Buffer.alloc(32);
    head.writeUInt32LE(flags >>> 0, 0);
    head.writeUInt32LE(MAX_PACKET, 4);
    head[8] = UTF8MB4_GENERAL_CI;
    if (useTls) {
      this.write(head); // the SSL request: the same head, then TLS
      await this.startTls();
    }
    this.write(Buffer.concat([
      head,
      Buffer.from(user + '\0', 'utf8'),
      lenencInt(auth.length), auth,
      database ? Buffer.from(database + '\0', 'utf8') : Buffer.alloc(0),
      Buffer.from(plugin + '\0'),
    ]));

    let currentPlugin = plugin;
    for (;;) {
      const packet = await this.read();
      const kind = packet[0];
      if (kind === 0x00) return; // OK: authenticated
      if (kind === 0xff) throw Connection.error(packet);
      if (kind === 0xfe) { // auth switch request
        const sr = new Reader(packet);
        sr.u8();
        currentPlugin = sr.nulString();
        const data = sr.rest();
        scramble = data[data.length - 1] === 0 ? data.subarray(0, data.length - 1) : data;
        this.write(scramblePassword(currentPlugin, password, scramble));
        continue;
      }
      if (kind === 0x01 && currentPlugin === 'caching_sha2_password') {
        if (packet[1] === 0x03) continue; // fast auth succeeded; the OK packet follows
        if (packet[1] === 0x04 && this.secure) { // full authentication over TLS: the password itself
          this.write(Buffer.from((password || '') + '\0', 'utf8'));
          continue;
        }
        if (packet[1] === 0x04) { // full authentication: ask for the server's RSA public key
          this.write(Buffer.from([0x02]));
          const keyPacket = await this.read();
          if (keyPacket[0] === 0xff) throw Connection.error(keyPacket);
          const publicKey = keyPacket.subarray(1).toString('ascii');
          const secret = xor(Buffer.from((password || '') + '\0', 'utf8'), scramble);
          this.write(crypto.publicEncrypt({ key: publicKey, padding: crypto.constants.RSA_PKCS1_OAEP_PADDING }, secret));
          continue;
        }
      }
      throw new MysqlError(`unexpected packet 0x${kind.toString(16)} during authentication (${currentPlugin})`, 'PROTOCOL_AUTH');
    }
  }

  /**
   * Runs one statement. Resolves to `{ rows, fields }` for a result set and to
   * `{ affectedRows, insertId }` otherwise. Statements run one at a time in call order.
   */
  query(sql, params) {
    const run = () => this.runQuery(format(sql, params));
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => undefined);
    return result;
  }

  async runQuery(sql) {
    if (this.failure) throw this.failure;
    this.seq = 0;
    this.write(Buffer.concat([Buffer.from([0x03]), Buffer.from(sql, 'utf8')]));
    const first = await this.read();
    if (first[0] === 0xff) throw Connection.error(first);
    if (first[0] === 0x00) {
      const r = new Reader(first);
      r.u8();
      return { affectedRows: r.lenencInt(), insertId: r.lenencInt() };
    }
    if (first[0] === 0xfb) throw new MysqlError('LOAD DATA LOCAL INFILE is not supported', 'PROTOCOL_LOCAL_INFILE');
    const count = new Reader(first).lenencInt();
    const fields = [];
    for (let i = 0; i < count; i++) {
      const r = new Reader(await this.read());
      r.lenencString(); r.lenencString(); r.lenencString(); r.lenencString(); // catalog, schema, table, org_table
      const name = r.lenencString();
      r.lenencString(); // org_name
      r.lenencInt();
      r.u16(); // charset
      r.u32(); // length
      const type = r.u8();
      fields.push({ name, type });
    }
    const eof = await this.read();
    if (eof[0] !== 0xfe) throw new MysqlError('expected EOF after column definitions', 'PROTOCOL_SEQUENCE');
    const rows = [];
    for (;;) {
      const packet = await this.read();
      if (packet[0] === 0xfe && packet.length < 9) break;
      if (packet[0] === 0xff) throw Connection.error(packet);
      const r = new Reader(packet);
      const row = {};
      for (const f of fields) {
        const v = r.lenencString();
        row[f.name] = v !== null && NUMERIC_TYPES.has(f.type) ? Number(v) : v;
      }
      rows.push(row);
    }
    return { rows, fields };
  }

  /** Sends COM_QUIT and closes the socket. */
  async close() {
    if (!this.socket || this.closed) return;
    try {
      this.seq = 0;
      this.write(Buffer.from([0x01]));
    } catch {
      // already gone
    }
    this.socket.end();
    this.closed = true;
  }
}

module.exports = { Connection, MysqlError, escape, format, scramblePassword };

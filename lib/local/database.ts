/**
 * The RDS stand-in: a database container on the app's network, configured through the official
 * images' variables (MYSQL_* / POSTGRES_*), and the values the deployed environment injects into the
 * app (host, port, database, user, password under the same variable names the bundle reports).
 */
import { randomBytes } from 'crypto';
import * as net from 'net';
import type { DatabaseEngine, DatabaseReplacement } from '../bundle/types';
import { ContainerSpec, LABEL_CONTAINER, LocalError } from './engine';

/** Default images when neither `--db-image` nor the compose service names one. */
export const DEFAULT_DATABASE_IMAGES: Readonly<Record<DatabaseEngine, string>> = { mysql: 'mysql:8.4', mariadb: 'mariadb:11.4', postgres: 'postgres:16' };

export interface StandIn {
  readonly service: string;
  readonly engine: DatabaseEngine;
  readonly image: string;
  /** Container name. */
  readonly container: string;
  /** The host name the app receives (a network alias, not the compose service name). */
  readonly host: string;
  readonly port: number;
  readonly database: string;
  readonly user: string;
  readonly password: string;
}

/** A password like the ones Secrets Manager generates for RDS (letters and digits, no quoting trouble). */
export function generatePassword(length = 24): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  const bytes = randomBytes(length);
  let s = '';
  for (let i = 0; i < length; i++) s += alphabet[bytes[i] % alphabet.length];
  return s;
}

export interface StandInOptions {
  readonly project: string;
  /** Image per database service (`--db-image`), else the compose image, else the engine default. */
  readonly image?: string;
  readonly password?: string;
  readonly containerPrefix: string;
}

/** Plans the stand-in for one replaced database (the same defaults as the CDK Database construct: user and database `app`). */
export function planStandIn(db: DatabaseReplacement, options: StandInOptions): StandIn {
  const engine = db.engine;
  const user = db.username && db.username !== 'root' ? db.username : 'app';
  return {
    service: db.service,
    engine,
    image: options.image ?? db.image ?? DEFAULT_DATABASE_IMAGES[engine],
    container: `${options.containerPrefix}rds-${db.service.toLowerCase().replace(/[^a-z0-9_-]+/g, '-')}`,
    host: `${db.service.toLowerCase().replace(/[^a-z0-9-]+/g, '-')}.rds.beanstack.internal`,
    port: db.port,
    database: db.databaseName ?? 'app',
    user,
    password: options.password ?? generatePassword(),
  };
}

/** The container of a stand-in: the official image variables, the port published on the bind address for readiness probes. */
export function standInContainer(s: StandIn, network: string, bindAddress: string, labels: Readonly<Record<string, string>>): ContainerSpec {
  const env: Record<string, string> = s.engine === 'postgres'
    ? { POSTGRES_USER: s.user, POSTGRES_PASSWORD: s.password, POSTGRES_DB: s.database }
    : { MYSQL_ROOT_PASSWORD: generatePassword(), MYSQL_DATABASE: s.database, MYSQL_USER: s.user, MYSQL_PASSWORD: s.password };
  const internalPort = s.engine === 'postgres' ? 5432 : 3306;
  return {
    name: s.container,
    image: s.image,
    pullMissing: true,
    network,
    aliases: [s.host],
    env,
    // RDS listens on the port the app was given; the official images listen on the default port
    ...(s.port !== internalPort
      ? { command: s.engine === 'postgres' ? ['postgres', '-p', String(s.port)] : s.image.startsWith('mariadb') ? ['mariadbd', `--port=${s.port}`] : ['mysqld', `--port=${s.port}`] }
      : {}),
    ports: [{ hostIp: bindAddress, containerPort: s.port, protocol: 'tcp' }],
    labels: { ...labels, [LABEL_CONTAINER]: `database:${s.service}` },
  };
}

/** The value of each database variable of the bundle, by variable name (what the stack would set). */
export function databaseEnvironment(databases: readonly DatabaseReplacement[], standIns: readonly StandIn[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const db of databases) {
    const s = standIns.find((x) => x.service === db.service);
    if (!s) continue;
    for (const v of db.variables) {
      const scheme = s.engine === 'postgres' ? 'postgresql' : 'mysql';
      const value = {
        host: s.host,
        port: String(s.port),
        user: s.user,
        password: s.password,
        database: s.database,
        url: `${scheme}://${encodeURIComponent(s.user)}:${encodeURIComponent(s.password)}@${s.host}:${s.port}/${encodeURIComponent(s.database)}`,
      }[v.role];
      if (env[v.name] !== undefined && env[v.name] !== value) {
        throw new LocalError(`the variable ${v.name} is set from two databases`, { code: 'local/database-variable-clash', fix: 'give the variables of each database distinct names' });
      }
      env[v.name] = value;
    }
  }
  return env;
}

/**
 * Resolves when the database accepts connections on `host:port`: MySQL/MariaDB greet with a
 * protocol-10 handshake, PostgreSQL answers an SSLRequest with `S` or `N`. Connections accepted by
 * the port proxy before the server listens (closed without a greeting) do not count.
 */
export function probeDatabase(engine: DatabaseEngine, host: string, port: number, timeoutMs = 2000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    let settled = false;
    const done = (ok: boolean) => {
      if (settled) return;
      settled = true;
      socket.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    socket.on('error', () => done(false));
    socket.on('close', () => done(false));
    socket.on('connect', () => {
      if (engine === 'postgres') {
        const req = Buffer.alloc(8);
        req.writeUInt32BE(8, 0);
        req.writeUInt32BE(80877103, 4);
        socket.write(req);
      }
    });
    let buf = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      if (engine === 'postgres') {
        clearTimeout(timer);
        done(buf[0] === 0x53 || buf[0] === 0x4e);
      } else if (buf.length >= 5) {
        clearTimeout(timer);
        done(buf[4] === 10);
      }
    });
  });
}

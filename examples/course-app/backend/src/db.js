// The database access of the backend: one shared connection, opened on first use and reopened after
// it fails, so the backend keeps answering while the database (or its schema init) is still starting.
// Configuration comes from the MYSQL_* variables; in production beanstack sets them from Amazon RDS.
'use strict';
const { Connection } = require('./mysql');

function config(env = process.env) {
  const missing = ['MYSQL_HOST', 'MYSQL_USER', 'MYSQL_PASSWORD', 'MYSQL_DATABASE'].filter((n) => !env[n]);
  if (missing.length) throw new Error(`set ${missing.join(', ')} (the database connection settings)`);
  return {
    host: env.MYSQL_HOST,
    port: Number(env.MYSQL_PORT || 3306),
    user: env.MYSQL_USER,
    password: env.MYSQL_PASSWORD,
    database: env.MYSQL_DATABASE,
    // TLS whenever the server offers it (RDS requires it); MYSQL_SSL_CA verifies the server's certificate
    tls: env.MYSQL_TLS || 'preferred',
    ...(env.MYSQL_SSL_CA ? { ca: env.MYSQL_SSL_CA } : {}),
  };
}

let current = null;

async function connection() {
  if (current && !current.failure) return current;
  if (current) current.close().catch(() => undefined);
  const c = new Connection(config());
  current = c;
  try {
    await c.connect();
  } catch (e) {
    if (current === c) current = null;
    throw e;
  }
  return c;
}

async function query(sql, params) {
  const c = await connection();
  return c.query(sql, params);
}

async function close() {
  if (current) await current.close();
  current = null;
}

module.exports = { query, close, config };

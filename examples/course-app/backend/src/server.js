// The backend: GET /api/health, GET /api/values, POST /api/value {"value": "..."}. The table `lists`
// comes from mysql/sqls/initialize.sql (the schema init), not from this code.
'use strict';
const http = require('node:http');
const db = require('./db');

const port = Number(process.env.PORT || 5000);

function send(res, status, body) {
  const text = JSON.stringify(body) + '\n';
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function readJson(req, limit = 16 * 1024) {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks = [];
    req.on('data', (c) => {
      size += c.length;
      if (size > limit) { reject(Object.assign(new Error('request body too large'), { status: 413 })); req.destroy(); return; }
      chunks.push(c);
    });
    req.on('end', () => {
      try {
        resolve(chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : {});
      } catch {
        reject(Object.assign(new Error('request body is not valid JSON'), { status: 400 }));
      }
    });
    req.on('error', reject);
  });
}

async function handle(req, res) {
  const { pathname } = new URL(req.url, 'http://localhost');
  const route = `${req.method} ${pathname.replace(/\/+$/, '') || '/'}`;
  switch (route) {
    case 'GET /api/health':
      await db.query('SELECT 1 AS ok');
      return send(res, 200, { status: 'ok' });
    case 'GET /api/values': {
      const { rows } = await db.query('SELECT id, value FROM lists ORDER BY id');
      return send(res, 200, { values: rows });
    }
    case 'POST /api/value': {
      const body = await readJson(req);
      const value = typeof body.value === 'string' ? body.value.trim() : '';
      if (!value || value.length > 500) return send(res, 400, { error: 'value must be 1 to 500 characters' });
      const { insertId } = await db.query('INSERT INTO lists (value) VALUES (?)', [value]);
      return send(res, 201, { id: insertId, value });
    }
    default:
      return send(res, 404, { error: `no route for ${req.method} ${pathname}` });
  }
}

const server = http.createServer((req, res) => {
  handle(req, res).catch((e) => {
    console.error(`${req.method} ${req.url}: ${e.message}`);
    if (!res.headersSent) send(res, e.status || 503, { error: e.status ? e.message : `database: ${e.message}` });
  });
});

server.listen(port, '0.0.0.0', () => console.log(`backend listening on port ${port}`));

for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => {
    server.close();
    db.close().finally(() => process.exit(0));
  });
}

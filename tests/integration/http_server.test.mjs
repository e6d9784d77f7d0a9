// The HTTP layer: headers, errors as problem+json, limits, timeouts, graceful shutdown.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { Gatehouse, TIME_SCALE, expectProblem, sleep } from './support.mjs';

let gh;
before(async () => {
  gh = await new Gatehouse({
    server: { header_timeout_seconds: 1, idle_timeout_seconds: 2, body_timeout_seconds: 1 },
  }).start();
});
after(async () => {
  await gh.stop();
  gh.cleanup();
});

test('health answers with the security headers', async () => {
  const r = await gh.get('/healthz');
  assert.equal(r.status, 200);
  assert.deepEqual(r.body, { status: 'ok' });
  assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
  assert.equal(r.headers.get('referrer-policy'), 'no-referrer');
  assert.equal(r.headers.get('content-security-policy'), "default-src 'none'; frame-ancestors 'none'");
  assert.equal(r.headers.get('cache-control'), 'no-store');
  assert.match(r.headers.get('x-request-id'), /^[A-Za-z0-9_-]{8,}$/);
});

test('readyz reports database and cache', async () => {
  const r = await gh.get('/readyz');
  assert.equal(r.status, 200);
  assert.deepEqual(r.body, { status: 'ready', database: 'ok', cache: 'ok' });
});

test('a sane X-Request-Id is echoed, a hostile one replaced', async () => {
  let r = await gh.get('/healthz', { headers: { 'x-request-id': 'abc-123.DEF_4' } });
  assert.equal(r.headers.get('x-request-id'), 'abc-123.DEF_4');
  r = await gh.get('/healthz', { headers: { 'x-request-id': '<script>alert(1)</script>' } });
  assert.notEqual(r.headers.get('x-request-id'), '<script>alert(1)</script>');
  assert.match(r.headers.get('x-request-id'), /^[A-Za-z0-9_-]+$/);
});

test('unknown path is a 404 problem, wrong method a 405 problem with Allow', async () => {
  expectProblem(assert, await gh.get('/nope'), 404, 'not_found');
  const r = await gh.request('DELETE', '/v1/auth/login');
  expectProblem(assert, r, 405, 'method_not_allowed');
  assert.equal(r.headers.get('allow'), 'POST');
});

test('a 2 MB body is refused with 413', async () => {
  const r = await gh.request('POST', '/v1/auth/login', {
    body: JSON.stringify({ email: 'a@example.com', password: 'x'.repeat(2 * 1024 * 1024) }),
    headers: { 'content-type': 'application/json' },
  });
  expectProblem(assert, r, 413, 'payload_too_large');
  assert.equal((await gh.get('/healthz')).status, 200, 'the server still serves');
});

test('an oversized request head is refused, not served', async () => {
  const r = await gh.get('/healthz', { headers: { 'x-big': 'a'.repeat(64 * 1024) } });
  expectProblem(assert, r, 431, 'headers_too_large');
});

test('too many header fields or too long a target are refused', async () => {
  const headers = Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`x-field-${i}`, '1']));
  expectProblem(assert, await gh.get('/healthz', { headers }), 431, 'headers_too_large');
  expectProblem(assert, await gh.get(`/healthz?${'q'.repeat(9000)}`), 414, 'uri_too_long');
  assert.equal((await gh.get(`/healthz?${'q'.repeat(7000)}`)).status, 200);
  assert.equal((await gh.get('/healthz', { headers: Object.fromEntries(Object.entries(headers).slice(0, 80)) })).status, 200);
});

test('header values with line breaks cannot reach a response header', async () => {
  // fetch refuses to send CR/LF; a raw request shows the server's side of it.
  const socket = await rawConnection();
  let answer = '';
  socket.on('data', (d) => (answer += d));
  socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\nX-Request-Id: abc\rSet-Cookie: x=1\r\n\r\n');
  await closed(socket);
  assert.doesNotMatch(answer, /\r\nSet-Cookie/i);
});

test('a body trickling in slower than body_timeout is cut off', async () => {
  const elapsed = await drippedUntilClosed(
    'POST /v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{',
    ' ',
  );
  assert.ok(elapsed < 3000, `closed after ${elapsed} ms`);
});

test('connections past max_connections get 503 and are closed; freed slots serve again', async () => {
  const small = await new Gatehouse({ server: { max_connections: 3 } }).start();
  const held = [];
  try {
    for (let i = 0; i < 3; i++) {
      const s = await rawConnection(small.port);
      s.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');  // kept alive afterwards
      held.push(s);
    }
    await sleep(200);
    const extra = await rawConnection(small.port);
    let answer = '';
    extra.on('data', (d) => (answer += d));
    await new Promise((resolve) => extra.on('close', resolve));
    assert.match(answer, /^HTTP\/1\.1 503/);
    assert.match(answer, /Retry-After: 1/i);
    held.pop().destroy();
    await sleep(200);
    assert.equal((await small.get('/healthz')).status, 200);
  } finally {
    held.forEach((s) => s.destroy());
    await small.stop();
    small.cleanup();
  }
});

test('JWKS is public and cacheable', async () => {
  const r = await gh.get('/.well-known/jwks.json');
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /application\/jwk-set\+json/);
  assert.match(r.headers.get('cache-control'), /max-age=/);
  // One active key per asymmetric algorithm: EdDSA signs access tokens, RS256 (or what a
  // client asks for) ID tokens.
  assert.deepEqual(r.body.keys.map((k) => k.alg).sort(), ['ES256', 'EdDSA', 'RS256']);
  const byAlg = Object.fromEntries(r.body.keys.map((k) => [k.alg, k]));
  assert.equal(byAlg.EdDSA.kty, 'OKP');
  assert.equal(byAlg.EdDSA.crv, 'Ed25519');
  assert.equal(byAlg.ES256.kty, 'EC');
  assert.equal(byAlg.ES256.crv, 'P-256');
  assert.equal(byAlg.RS256.kty, 'RSA');
  assert.equal(byAlg.RS256.e, 'AQAB');
  assert.equal(Buffer.from(byAlg.RS256.n, 'base64url').length, 256, '2048-bit modulus');
  for (const key of r.body.keys) {
    assert.ok(key.kid);
    assert.equal(key.use, 'sig');
    for (const part of ['d', 'p', 'q', 'dp', 'dq', 'qi']) assert.equal(key[part], undefined, `no private ${part}`);
  }
  assert.equal(new Set(r.body.keys.map((k) => k.kid)).size, 3);
});

function rawConnection(port = gh.port) {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => resolve(socket));
    socket.on('error', reject);
  });
}

function closed(socket) {
  return new Promise((resolve) => {
    const started = Date.now();
    socket.on('close', () => resolve(Date.now() - started));
    socket.resume();
  });
}

// Sends `start`, then `drip` every 200 ms; resolves with how long the server let that go on.
async function drippedUntilClosed(start, drip) {
  const socket = await rawConnection();
  socket.write(start);
  const dripping = setInterval(() => socket.write(drip), 200);
  const elapsed = await closed(socket);
  clearInterval(dripping);
  return elapsed;
}

test('a request head trickling in slower than header_timeout is cut off (slowloris)', async () => {
  const elapsed = await drippedUntilClosed('GET /healthz HTTP/1.1\r\nHost: x\r\n', 'X-Slow: 1\r\n');
  assert.ok(elapsed < 3000, `closed after ${elapsed} ms`);
});

test('an idle keep-alive connection is closed after idle_timeout', async () => {
  const socket = await rawConnection();
  socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
  const elapsed = await closed(socket);
  assert.ok(elapsed >= 1500 && elapsed < 4000, `closed after ${elapsed} ms`);
});

// Regression: undici reused a pooled connection just as the server's idle timeout closed it,
// and the request failed ("fetch failed"); clients can only avoid that when told the timeout.
test('a kept-alive answer says how long the connection waits: Keep-Alive: timeout', async () => {
  const r = await gh.get('/healthz');
  assert.equal(r.headers.get('keep-alive'), 'timeout=2');
  const socket = await rawConnection();
  let answer = '';
  socket.on('data', (d) => (answer += d));
  socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
  await closed(socket);
  assert.match(answer, /^HTTP\/1\.1 200/);
  assert.doesNotMatch(answer, /keep-alive/i, 'a closing answer promises nothing');
});

test('keep-alive serves several requests on one connection', async () => {
  const socket = await rawConnection();
  let data = '';
  socket.on('data', (d) => (data += d));
  socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
  for (let i = 0; i < 50 && (data.match(/HTTP\/1.1 200/g) ?? []).length < 2; i++) await sleep(20);
  assert.equal((data.match(/HTTP\/1.1 200/g) ?? []).length, 2);
  socket.destroy();
});

test('garbage instead of HTTP gets a 400 and a closed connection', async () => {
  const socket = await rawConnection();
  let data = '';
  socket.on('data', (d) => (data += d));
  socket.write('\x00\x01NOT HTTP AT ALL\r\n\r\n');
  await closed(socket);
  assert.match(data, /^HTTP\/1.1 400/);
});

test('SIGTERM drains: the request in flight completes, then the process exits 0', async () => {
  const other = await new Gatehouse({ password_hash: { memlimit_kib: 65536, opslimit: 3 } }).start();
  try {
    // A login is slow (Argon2id); stop the server while it runs.
    const inflight = other.post('/v1/auth/login', { email: 'nobody@example.com', password: 'whatever-password' });
    await sleep(30);
    other.proc.kill('SIGTERM');
    const r = await inflight;
    expectProblem(assert, r, 401, 'invalid_credentials');
    const { code } = await other.exited;
    assert.equal(code, 0);
    await assert.rejects(fetch(`${other.url}/healthz`));
  } finally {
    other.cleanup();
  }
});

test('a login flood beyond the hashing queue gets 503 + Retry-After at once, and token checks keep working', async () => {
  const server = await new Gatehouse({
    password_hash: { threads: 1, queue_limit: 2, memlimit_kib: 65536, opslimit: 2 },
  }).start();
  try {
    const email = `flood-${Date.now()}@example.com`;
    const password = await server.createVerifiedUser(email);
    const { access_token } = await server.login(email, password);
    const flood = Array.from({ length: 20 }, () => server.post('/v1/auth/login', { email, password }));
    // While the hashing pool is saturated, a token check is still answered quickly.
    const started = Date.now();
    const me = await server.get('/v1/me', { token: access_token });
    const meMs = Date.now() - started;
    const results = await Promise.all(flood);
    assert.equal(me.status, 200);
    assert.ok(meMs < 250 * TIME_SCALE, `GET /v1/me took ${meMs} ms during the flood`);
    const refused = results.filter((r) => r.status === 503);
    assert.ok(refused.length >= 10, `${refused.length} of 20 refused`);
    for (const r of refused) {
      expectProblem(assert, r, 503, 'unavailable');
      assert.equal(r.headers.get('retry-after'), '1');
    }
    assert.ok(results.filter((r) => r.status === 200).length >= 1);
    assert.ok(results.every((r) => r.status === 200 || r.status === 503));
  } finally {
    await server.stop();
    server.cleanup();
  }
});

// HTTP/1.1 by RFC 9112 (message syntax and framing) and RFC 9110 (semantics), spoken over a
// raw socket: what a server MUST do, and the smuggling an ambiguous framing would allow.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { Gatehouse, sleep } from './support.mjs';

let gh;
let accessToken;
before(async () => {
  gh = await new Gatehouse().start();
  const email = `conformance-${Date.now()}@example.com`;
  const password = await gh.createVerifiedUser(email);
  ({ access_token: accessToken } = await gh.login(email, password));
});
after(async () => {
  await gh.stop();
  gh.cleanup();
});

// Sends `bytes`, collects what comes back until the server closes or is quiet for `quietMs`;
// returns the responses parsed from the stream and whether the connection was closed.
async function exchange(bytes, { quietMs = 400 } = {}) {
  const socket = net.connect(gh.port, '127.0.0.1');
  let raw = Buffer.alloc(0);
  let closed = false;
  let last = Date.now();
  socket.on('data', (d) => {
    raw = Buffer.concat([raw, d]);
    last = Date.now();
  });
  socket.on('close', () => (closed = true));
  socket.on('error', () => (closed = true));
  await new Promise((resolve) => socket.on('connect', resolve));
  socket.write(bytes);
  while (!closed && Date.now() - last < quietMs) await sleep(20);
  socket.destroy();
  return { responses: parseResponses(raw), closed, raw: raw.toString('latin1') };
}

// Splits a byte stream into responses; a HEAD answer is marked so its Content-Length is not
// read as content.
function parseResponses(raw, headAt = new Set()) {
  const out = [];
  let text = raw.toString('latin1');
  while (text.length) {
    const end = text.indexOf('\r\n\r\n');
    if (end < 0) break;
    const [statusLine, ...lines] = text.slice(0, end).split('\r\n');
    const headers = {};
    for (const line of lines) {
      const colon = line.indexOf(':');
      const name = line.slice(0, colon).toLowerCase();
      headers[name] = headers[name] ? `${headers[name]}, ${line.slice(colon + 1).trim()}` : line.slice(colon + 1).trim();
    }
    const status = Number(statusLine.split(' ')[1]);
    const length = headAt.has(out.length) || status < 200 || status === 204 ? 0 : Number(headers['content-length'] ?? 0);
    const body = text.slice(end + 4, end + 4 + length);
    out.push({ status, statusLine, headers, body, json: body.startsWith('{') ? JSON.parse(body) : null });
    text = text.slice(end + 4 + length);
  }
  return out;
}

const get = (path, extra = '') => `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n${extra}\r\n`;

function expectRefusedAndClosed(result, status, code) {
  assert.equal(result.responses.length, 1, `one answer only, got:\n${result.raw}`);
  const [r] = result.responses;
  assert.equal(r.status, status, result.raw);
  assert.equal(r.json.code, code);
  assert.match(r.headers['content-type'], /application\/problem\+json/);
  assert.equal(result.closed, true, 'the connection is closed');
}

test('Transfer-Encoding not ending in chunked is 400 and closed: its body never runs as a request (§6.3)', async () => {
  for (const te of ['gzip', 'chunked, gzip', 'identity', 'chunked, chunked', 'x-custom']) {
    const smuggled = get('/healthz');
    const result = await exchange(
      `POST /v1/auth/verify-email/resend HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n` +
        `Transfer-Encoding: ${te}\r\n\r\n${smuggled}`,
    );
    expectRefusedAndClosed(result, 400, 'invalid_request');
    assert.doesNotMatch(result.raw, /"status":"ok"/, `${te}: the body was not served as a request`);
  }
});

test('Transfer-Encoding split over two lines is judged as one list', async () => {
  const twice = await exchange(
    `POST /healthz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`,
  );
  expectRefusedAndClosed(twice, 400, 'invalid_request');
  const gzipThenChunked = await exchange(
    `POST /healthz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`,
  );
  expectRefusedAndClosed(gzipThenChunked, 501, 'not_implemented');
});

test('a coding other than chunked before chunked is 501 and closed', async () => {
  expectRefusedAndClosed(
    await exchange(`POST /healthz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n`),
    501,
    'not_implemented',
  );
});

test('Transfer-Encoding with Content-Length, or in HTTP/1.0, is 400 and closed (§6.1)', async () => {
  const both = await exchange(
    `POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`,
  );
  expectRefusedAndClosed(both, 400, 'invalid_request');
  const bothOtherOrder = await exchange(
    `POST /healthz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n`,
  );
  expectRefusedAndClosed(bothOtherOrder, 400, 'invalid_request');
  const gzipWithLength = await exchange(
    `POST /healthz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\nContent-Length: 5\r\n\r\nhello`,
  );
  expectRefusedAndClosed(gzipWithLength, 400, 'invalid_request');
  const http10 = await exchange(`POST /healthz HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`);
  expectRefusedAndClosed(http10, 400, 'invalid_request');
});

test('an invalid Content-Length is 400 and closed (§6.3)', async () => {
  for (const length of ['abc', '-1', '1, 2', '+5', '0x10', '']) {
    const result = await exchange(`POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: ${length}\r\n\r\nab`);
    expectRefusedAndClosed(result, 400, 'invalid_request');
  }
  // A list of one value repeated is that value (§6.3 item 5).
  const same = await exchange(
    `POST /v1/auth/verify-email/resend HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n` +
      `Content-Length: 2, 2\r\n\r\n{}${get('/healthz')}`,
  );
  assert.deepEqual(same.responses.map((r) => r.status), [422, 200]);
});

test('a chunked body is read, and its trailer fields never join the header (RFC 9110 §6.5.1)', async () => {
  const body = '{"email":"someone@example.com"}';
  const chunked = `${body.length.toString(16)};ext=1\r\n${body}\r\n0\r\n\r\n`;
  const ok = await exchange(
    `POST /v1/auth/verify-email/resend HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n` +
      `Transfer-Encoding: chunked\r\n\r\n${chunked}${get('/healthz')}`,
  );
  assert.deepEqual(ok.responses.map((r) => r.status), [202, 200], ok.raw);
  // The token in a trailer does not authenticate: the header had none.
  const trailer = await exchange(
    `GET /v1/me HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nAuthorization: Bearer ${accessToken}\r\n\r\n`,
  );
  assert.equal(trailer.responses[0].status, 401, trailer.raw);
  // The same token in the header does.
  const header = await exchange(get('/v1/me', `Authorization: Bearer ${accessToken}\r\n`));
  assert.equal(header.responses[0].status, 200);
});

test('HEAD is served for every GET route: same status and fields, no content, keep-alive in step (§9.3.2)', async () => {
  for (const path of ['/healthz', '/openapi.json', '/.well-known/jwks.json', '/nope']) {
    const getAnswer = (await exchange(get(path))).responses[0];
    const socket = await exchange(`HEAD ${path} HTTP/1.1\r\nHost: x\r\n\r\n${get('/healthz')}`);
    const responses = parseResponses(Buffer.from(socket.raw, 'latin1'), new Set([0]));
    assert.equal(responses.length, 2, `${path}: the next request is answered in step:\n${socket.raw}`);
    const [head, next] = responses;
    assert.equal(head.status, getAnswer.status, path);
    assert.equal(head.headers['content-length'], getAnswer.headers['content-length'], path);
    assert.equal(head.headers['content-type'], getAnswer.headers['content-type'], path);
    assert.equal(head.body, '', `${path}: no content`);
    assert.equal(next.status, 200);
    assert.deepEqual(next.json, { status: 'ok' });
  }
  const me = await exchange(`HEAD /v1/me HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${accessToken}\r\n\r\n`);
  assert.equal(me.responses[0].status, 200);
});

test('HEAD on a route without GET is 405 with Allow, and no content', async () => {
  const result = await exchange(`HEAD /v1/auth/login HTTP/1.1\r\nHost: x\r\n\r\n${get('/healthz')}`);
  const [head, next] = parseResponses(Buffer.from(result.raw, 'latin1'), new Set([0]));
  assert.equal(head.status, 405);
  assert.equal(head.headers.allow, 'POST');
  assert.equal(next.status, 200);
  const getRoute = await exchange(`DELETE /healthz HTTP/1.1\r\nHost: x\r\n\r\n`);
  assert.equal(getRoute.responses[0].headers.allow, 'GET, HEAD');
});

test('an HTTP/1.1 request needs exactly one valid Host (§3.2); HTTP/1.0 may omit it', async () => {
  expectRefusedAndClosed(await exchange(`GET /healthz HTTP/1.1\r\n\r\n`), 400, 'invalid_request');
  expectRefusedAndClosed(
    await exchange(`GET /healthz HTTP/1.1\r\nHost: a.example\r\nHost: b.example\r\n\r\n`),
    400,
    'invalid_request',
  );
  for (const host of ['a b', 'a/b', 'a@b', 'example.com:8o']) {
    expectRefusedAndClosed(await exchange(`GET /healthz HTTP/1.1\r\nHost: ${host}\r\n\r\n`), 400, 'invalid_request');
  }
  for (const host of ['example.com:8080', '[::1]:8080', '127.0.0.1']) {
    assert.equal((await exchange(`GET /healthz HTTP/1.1\r\nHost: ${host}\r\n\r\n`)).responses[0].status, 200, host);
  }
  const http10 = await exchange(`GET /healthz HTTP/1.0\r\n\r\n`);
  assert.equal(http10.responses[0].status, 200);
});

test('absolute-form targets are accepted (§3.2.2)', async () => {
  const result = await exchange(`GET http://auth.example.com/healthz HTTP/1.1\r\nHost: auth.example.com\r\n\r\n`);
  assert.equal(result.responses[0].status, 200);
  assert.deepEqual(result.responses[0].json, { status: 'ok' });
  const me = await exchange(
    `GET HTTPS://auth.example.com/v1/me?x=1 HTTP/1.1\r\nHost: auth.example.com\r\nAuthorization: Bearer ${accessToken}\r\n\r\n`,
  );
  assert.equal(me.responses[0].status, 200);
});

test('other request targets are 400; OPTIONS * describes the server', async () => {
  expectRefusedAndClosed(await exchange(`GET * HTTP/1.1\r\nHost: x\r\n\r\n`), 400, 'invalid_request');
  expectRefusedAndClosed(await exchange(`GET example.com:443 HTTP/1.1\r\nHost: x\r\n\r\n`), 400, 'invalid_request');
  const star = await exchange(`OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n`);
  assert.equal(star.responses[0].status, 204);
  assert.match(star.responses[0].headers.allow, /GET, HEAD, POST/);
  assert.equal(star.responses[0].headers['content-length'], undefined, 'no Content-Length on 204 (RFC 9110 §8.6)');
});

test('methods the server does not implement are 501; methods are case-sensitive (RFC 9110 §9.1)', async () => {
  for (const method of ['CONNECT', 'TRACE', 'get', 'BREW']) {
    const target = method === 'CONNECT' ? 'example.com:443' : '/healthz';
    const result = await exchange(`${method} ${target} HTTP/1.1\r\nHost: x\r\n\r\n`);
    expectRefusedAndClosed(result, method === 'CONNECT' ? 400 : 501, method === 'CONNECT' ? 'invalid_request' : 'not_implemented');
  }
});

test('HTTP versions other than 1.x are 505', async () => {
  for (const version of ['HTTP/2.0', 'HTTP/3.0', 'HTTP/0.9']) {
    expectRefusedAndClosed(
      await exchange(`GET /healthz ${version}\r\nHost: x\r\n\r\n`),
      505,
      'http_version_not_supported',
    );
  }
});

test('malformed request lines and fields are 400 and closed (§2.2, §3, §5)', async () => {
  const cases = {
    'two spaces in the request line': `GET  /healthz HTTP/1.1\r\nHost: x\r\n\r\n`,
    'whitespace before the colon': `GET /healthz HTTP/1.1\r\nHost : x\r\n\r\n`,
    'whitespace before the first field': `GET /healthz HTTP/1.1\r\n X: y\r\nHost: x\r\n\r\n`,
    'a bare CR': `GET /healthz HTTP/1.1\r\nHost: x\rX: y\r\n\r\n`,
    'bare LF line ends': `GET /healthz HTTP/1.1\nHost: x\n\n`,
    'a NUL in a value': `GET /healthz HTTP/1.1\r\nHost: x\r\nX: a\x00b\r\n\r\n`,
    'a field without a colon': `GET /healthz HTTP/1.1\r\nHost: x\r\nNoColon\r\n\r\n`,
    'a bad chunk size': `POST /healthz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n`,
  };
  for (const [name, bytes] of Object.entries(cases)) {
    const result = await exchange(bytes);
    assert.equal(result.responses.length, 1, `${name}: ${result.raw}`);
    assert.equal(result.responses[0].status, 400, name);
    assert.equal(result.closed, true, `${name}: closed`);
  }
});

test('an obs-fold continuation line is folded into its field, never read as a field of its own (§5.2)', async () => {
  // If the continuation were a field, this would authenticate.
  const result = await exchange(`GET /v1/me HTTP/1.1\r\nHost: x\r\nX-Note: a\r\n Authorization: Bearer ${accessToken}\r\n\r\n`);
  assert.equal(result.responses[0].status, 401);
});

test('empty lines before a request line are ignored (§2.2)', async () => {
  const result = await exchange(`\r\n\r\n${get('/healthz')}`);
  assert.equal(result.responses[0].status, 200);
});

test('pipelined requests are answered in order (§9.3)', async () => {
  const ids = ['first', 'second', 'third'];
  const result = await exchange(ids.map((id) => get('/healthz', `X-Request-Id: ${id}\r\n`)).join(''));
  assert.deepEqual(result.responses.map((r) => r.headers['x-request-id']), ids);
  assert.equal(result.closed, false, 'kept alive');
});

test('Connection: close and HTTP/1.0 close after the answer; HTTP/1.0 keep-alive stays open (§9.3, §9.6)', async () => {
  const close = await exchange(`${get('/healthz', 'Connection: close\r\n')}${get('/healthz')}`);
  assert.equal(close.responses.length, 1);
  assert.equal(close.responses[0].headers.connection, 'close');
  assert.equal(close.closed, true);
  const http10 = await exchange(`GET /healthz HTTP/1.0\r\n\r\n`);
  assert.equal(http10.closed, true);
  const keepAlive = await exchange(`GET /healthz HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET /healthz HTTP/1.0\r\nConnection: keep-alive\r\n\r\n`);
  assert.equal(keepAlive.responses.length, 2);
  assert.match(keepAlive.responses[0].headers.connection, /keep-alive/i);
  assert.equal(keepAlive.closed, false);
});

test('Expect: 100-continue gets 100 before the body is sent; other expectations are 417 (RFC 9110 §10.1.1)', async () => {
  const socket = net.connect(gh.port, '127.0.0.1');
  let raw = '';
  socket.on('data', (d) => (raw += d.toString('latin1')));
  await new Promise((resolve) => socket.on('connect', resolve));
  const body = '{"email":"someone@example.com"}';
  socket.write(
    `POST /v1/auth/verify-email/resend HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${body.length}\r\nExpect: 100-continue\r\n\r\n`,
  );
  for (let i = 0; i < 50 && !raw.includes('\r\n\r\n'); i++) await sleep(20);
  assert.match(raw, /^HTTP\/1\.1 100 Continue\r\n/);
  socket.write(body);
  for (let i = 0; i < 50 && !/HTTP\/1\.1 202/.test(raw); i++) await sleep(20);
  assert.match(raw, /HTTP\/1\.1 202/);
  socket.destroy();

  expectRefusedAndClosed(
    await exchange(`POST /healthz HTTP/1.1\r\nHost: x\r\nExpect: 200-ok\r\nContent-Length: 2\r\n\r\n{}`),
    417,
    'expectation_failed',
  );
  // HTTP/1.0: the expectation is ignored (no 100, no 417).
  const http10 = await exchange(`GET /healthz HTTP/1.0\r\nExpect: 100-continue\r\n\r\n`);
  assert.deepEqual(http10.responses.map((r) => r.status), [200]);
});

test('every answer has a current Date (RFC 9110 §6.6.1); 204 has no Content-Length (§8.6)', async () => {
  const result = await exchange(get('/healthz'));
  const date = Date.parse(result.responses[0].headers.date);
  assert.ok(Math.abs(date - Date.now()) < 5000, result.responses[0].headers.date);
  assert.match(result.responses[0].headers.date, /^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/);
  const refused = await exchange(`GET /healthz HTTP/1.1\r\n\r\n`);
  assert.ok(refused.responses[0].headers.date, 'refusals carry Date too');
  const email = `logout-${Date.now()}@example.com`;
  const { access_token } = await gh.login(email, await gh.createVerifiedUser(email));
  const logout = await exchange(
    `POST /v1/auth/logout HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${access_token}\r\nContent-Length: 0\r\n\r\n`,
  );
  assert.equal(logout.responses[0].status, 204);
  assert.equal(logout.responses[0].headers['content-length'], undefined);
});

test('token responses say Cache-Control: no-store and Pragma: no-cache (RFC 6749 §5.1)', async () => {
  const email = `pragma-${Date.now()}@example.com`;
  const password = await gh.createVerifiedUser(email);
  const r = await gh.post('/v1/auth/login', { email, password });
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('cache-control'), 'no-store');
  assert.equal(r.headers.get('pragma'), 'no-cache');
  const refreshed = await gh.post('/v1/auth/refresh', { refresh_token: r.body.refresh_token });
  assert.equal(refreshed.headers.get('cache-control'), 'no-store');
  assert.equal(refreshed.headers.get('pragma'), 'no-cache');
});

// Every endpoint against malformed, mistyped, missing, oversized and hostile input: a clear
// problem+json 4xx, never a 500, and nothing written to the database.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Gatehouse, expectProblem, uniqueEmail } from './support.mjs';

let gh;
let session;
before(async () => {
  gh = await new Gatehouse().start();
  const email = uniqueEmail();
  const password = await gh.createVerifiedUser(email);
  session = await gh.login(email, password);
});
after(async () => {
  await gh.stop();
  gh.cleanup();
});

// Row counts of every table, once queued mail (from earlier tests) has gone out.
async function rowCounts() {
  await gh.mailSent();
  const tables = ['users', 'sessions', 'one_time_tokens', 'outbox', 'signing_keys'];
  return tables.map((t) => `${t}: ${gh.sql(`SELECT COUNT(*) FROM ${t}`)}`).join(', ');
}

const LONG = 'x'.repeat(20000);
// A valid body per endpoint, and which of its fields are required.
const endpoints = {
  '/v1/auth/register': [{ email: 'new@example.com', password: 'a fine long password', name: 'N' }, ['email', 'password']],
  '/v1/auth/verify-email': [{ email: 'new@example.com', code: '123456' }, ['email', 'code']],
  '/v1/auth/verify-email/resend': [{ email: 'new@example.com' }, ['email']],
  '/v1/auth/login': [{ email: 'new@example.com', password: 'a fine long password', remember_me: true }, ['email', 'password']],
  '/v1/auth/refresh': [{ refresh_token: 'abc' }, ['refresh_token']],
};

async function send(path, body, contentType = 'application/json') {
  const headers = contentType ? { 'content-type': contentType } : {};
  return gh.request('POST', path, { body, headers });
}

function assertProblem(r, allowed, label) {
  assert.ok(allowed.includes(r.status), `${label}: got ${r.status} ${JSON.stringify(r.body)}`);
  assert.match(r.headers.get('content-type') ?? '', /application\/problem\+json/, label);
  assert.equal(r.body.status, r.status, label);
  assert.equal(typeof r.body.code, 'string', label);
}

test('bad bodies on every JSON endpoint are refused cleanly and change nothing', async () => {
  const before = await rowCounts();
  for (const [path, [valid, required]] of Object.entries(endpoints)) {
    const cases = [
      ['no content type', JSON.stringify(valid), null, [415]],
      ['text/plain', JSON.stringify(valid), 'text/plain', [415]],
      ['form encoded', 'email=a&password=b', 'application/x-www-form-urlencoded', [415]],
      ['malformed JSON', '{"email": ', 'application/json', [400]],
      ['empty body', '', 'application/json', [400]],
      ['JSON array', '[]', 'application/json', [400]],
      ['JSON string', '"hello"', 'application/json', [400]],
      ['JSON null', 'null', 'application/json', [400]],
      ['invalid UTF-8', Buffer.from([0x7b, 0x22, 0x65, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]), 'application/json', [400]],
      ['deep nesting', '['.repeat(200000), 'application/json', [400]],
      ['empty object', '{}', 'application/json', [422]],
    ];
    for (const key of Object.keys(valid)) {
      if (required.includes(key)) {
        const missing = { ...valid };
        delete missing[key];
        cases.push([`missing ${key}`, JSON.stringify(missing), 'application/json', [422]]);
      }
      for (const wrong of [42, true, [], {}, 1.5]) {
        if (typeof valid[key] === 'boolean' && typeof wrong === 'boolean') continue;
        cases.push([`${key} as ${JSON.stringify(wrong)}`, JSON.stringify({ ...valid, [key]: wrong }), 'application/json', [422]]);
      }
      if (typeof valid[key] === 'string') {
        cases.push([`over-long ${key}`, JSON.stringify({ ...valid, [key]: LONG }), 'application/json', [422]]);
      }
    }
    for (const [label, body, type, allowed] of cases) {
      assertProblem(await send(path, body, type), allowed, `${path} ${label}`);
    }
  }
  assert.equal(await rowCounts(), before, 'no row changed');
});

test('field rules: bad e-mail shapes, short and long passwords, control characters in names', async () => {
  const before = await rowCounts();
  const register = (body) => gh.post('/v1/auth/register', body);
  for (const email of ['', 'plain', '@example.com', 'a@', 'a@b', 'a b@example.com', 'a@@example.com', 'a@example..com', '<a>@example.com', 'a\r\nBcc: x@example.com', `${'a'.repeat(65)}@example.com`, `a@${'b'.repeat(250)}.com`]) {
    assertProblem(await register({ email, password: 'long enough password' }), [422], `email ${JSON.stringify(email)}`);
  }
  assertProblem(await register({ email: uniqueEmail(), password: 'short' }), [422], 'short password');
  const short = await register({ email: uniqueEmail(), password: '1234567' });
  assert.equal(short.body.code, 'weak_password');
  assert.match(short.body.detail, /at least 8/);
  assertProblem(await register({ email: uniqueEmail(), password: 'p'.repeat(129) }), [422], '129 characters');
  assertProblem(await register({ email: uniqueEmail(), password: 'long enough password', name: 'a\u0000b' }), [422], 'NUL in name');
  assertProblem(await register({ email: uniqueEmail(), password: 'long enough password', name: 'n'.repeat(201) }), [422], 'long name');
  assertProblem(await gh.post('/v1/auth/verify-email', { email: uniqueEmail(), code: '12ab56' }), [422], 'letters in code');
  assertProblem(await gh.post('/v1/auth/verify-email', { token: 'not a token!' }), [401], 'bad token chars');
  assertProblem(await gh.post('/v1/auth/verify-email', { token: '' }), [401, 422], 'empty token');
  assert.equal(await rowCounts(), before, 'no row changed');
});

test('any Unicode password of 8-128 characters is accepted (counted in characters, not bytes)', async () => {
  const email = uniqueEmail();
  const password = Array.from({ length: 128 }, (_, i) => String.fromCodePoint(0x1f400 + i)).join(''); // 512 bytes
  assert.equal((await gh.post('/v1/auth/register', { email, password })).status, 202);
  assert.equal((await gh.post('/v1/auth/register', { email: uniqueEmail(), password: 'Grüße aus Köln' })).status, 202);
  const repeated = await gh.post('/v1/auth/register', { email: uniqueEmail(), password: 'ü'.repeat(8) });
  expectProblem(assert, repeated, 422, 'weak_password');
});

test('authenticated endpoints refuse missing and malformed Authorization headers', async () => {
  const before = await rowCounts();
  for (const authorization of [undefined, '', 'Bearer', 'Bearer ', 'Basic dXNlcjpwYXNz', `Token ${session.access_token}`, 'Bearer \u00ff']) {
    const headers = authorization === undefined ? {} : { authorization };
    for (const [method, path] of [['GET', '/v1/me'], ['POST', '/v1/auth/logout']]) {
      const r = await gh.request(method, path, { headers });
      assertProblem(r, [401], `${method} ${path} with ${JSON.stringify(authorization)}`);
      assert.equal(r.body.code, 'invalid_token');
      assert.equal(r.headers.get('www-authenticate'), 'Bearer');
    }
  }
  assert.equal((await gh.get('/v1/me', { token: session.access_token })).status, 200);
  assert.equal(await rowCounts(), before, 'no row changed');
});

test('unknown fields are ignored', async () => {
  const r = await gh.post('/v1/auth/verify-email/resend', { email: uniqueEmail(), extra: { deep: [1, 2] } });
  assert.equal(r.status, 202);
});

test('hostile paths and methods get 404/405/400, never 500', async () => {
  for (const path of ['/v1/me/', '//v1/me', '/v1/auth/login%00', '/%2e%2e/etc/passwd', '/v1/' + 'a/'.repeat(500)]) {
    const r = await gh.get(path);
    assert.ok([400, 404, 405].includes(r.status), `${path}: ${r.status}`);
  }
  const r = await gh.request('PATCH', '/v1/me');
  assert.equal(r.status, 405);
  assert.equal(r.headers.get('allow'), 'DELETE, GET, HEAD');
});

// CORS for an explicit list of origins, and cookie mode with its CSRF defence, probed as a
// hostile page would (Origin and Cookie headers set by hand; browser.test.mjs does the same
// from a real browser).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Gatehouse, expectProblem, uniqueEmail } from './support.mjs';

const APP = 'https://app.example.com';
const EVIL = 'https://evil.example.net';
let gh;
before(async () => {
  gh = await new Gatehouse({ cors: { allowed_origins: `${APP}, http://localhost:5173` }, cookies: { enabled: true } }).start();
});
after(async () => {
  await gh.stop();
  gh.cleanup();
});

const preflight = (origin, method = 'POST', headers = 'content-type, x-csrf-token') =>
  gh.request('OPTIONS', '/v1/auth/login', {
    headers: { origin, 'access-control-request-method': method, 'access-control-request-headers': headers },
  });

// The Set-Cookie headers of a response, by cookie name.
function cookiesOf(response) {
  const jar = {};
  for (const line of response.headers.getSetCookie()) {
    const [pair, ...attributes] = line.split('; ');
    const eq = pair.indexOf('=');
    jar[pair.slice(0, eq)] = { value: pair.slice(eq + 1), attributes };
  }
  return jar;
}
const cookieHeader = (jar) => Object.entries(jar).map(([name, c]) => `${name}=${c.value}`).join('; ');

async function cookieLogin() {
  const email = uniqueEmail('cookie');
  const password = await gh.createVerifiedUser(email);
  const r = await gh.post('/v1/auth/login', { email, password }, { headers: { origin: APP } });
  assert.equal(r.status, 200);
  return { email, password, response: r, jar: cookiesOf(r) };
}

test('a preflight from an allowed origin gets the CORS headers; any other origin gets none', async () => {
  const ok = await preflight(APP);
  assert.equal(ok.status, 204);
  assert.equal(ok.headers.get('access-control-allow-origin'), APP);
  assert.equal(ok.headers.get('access-control-allow-credentials'), 'true');
  assert.match(ok.headers.get('access-control-allow-methods'), /POST/);
  assert.match(ok.headers.get('access-control-allow-headers'), /X-CSRF-Token/);
  assert.equal(ok.headers.get('access-control-max-age'), '600');
  assert.equal(ok.headers.get('vary'), 'Origin');
  assert.equal((await preflight('HTTP://LOCALHOST:5173')).headers.get('access-control-allow-origin'), 'HTTP://LOCALHOST:5173', 'scheme and host compare without case');

  for (const origin of [EVIL, 'null', `${APP}.evil.net`, 'https://app.example.com:8443', 'http://app.example.com']) {
    const refused = await preflight(origin);
    assert.equal(refused.status, 204, origin);
    assert.equal(refused.headers.get('access-control-allow-origin'), null, origin);
    assert.equal(refused.headers.get('access-control-allow-methods'), null, origin);
  }
});

test('responses name an allowed origin only, never *, and expose the headers a page needs', async () => {
  const allowed = await gh.get('/healthz', { headers: { origin: APP } });
  assert.equal(allowed.headers.get('access-control-allow-origin'), APP);
  assert.match(allowed.headers.get('access-control-expose-headers'), /Retry-After/);
  assert.match(allowed.headers.get('access-control-expose-headers'), /X-CSRF-Token/);
  const other = await gh.get('/healthz', { headers: { origin: EVIL } });
  assert.equal(other.headers.get('access-control-allow-origin'), null);
  assert.equal(other.headers.get('vary'), 'Origin');
  const problem = await gh.get('/v1/me', { headers: { origin: APP } });
  assert.equal(problem.status, 401);
  assert.equal(problem.headers.get('access-control-allow-origin'), APP, 'errors are readable too');
});

test('cookie mode: login sets __Host- cookies, Secure, HttpOnly and SameSite=Strict', async () => {
  const { response, jar } = await cookieLogin();
  assert.deepEqual(Object.keys(jar).sort(), ['__Host-gh_at', '__Host-gh_csrf', '__Host-gh_rt']);
  for (const [name, cookie] of Object.entries(jar)) {
    assert.ok(cookie.attributes.includes('Path=/'), `${name}: __Host- cookies must have Path=/`);
    assert.ok(cookie.attributes.includes('Secure'), name);
    assert.ok(cookie.attributes.includes('SameSite=Strict'), name);
    assert.ok(!cookie.attributes.some((a) => a.startsWith('Domain')), name);
    assert.equal(cookie.attributes.includes('HttpOnly'), name !== '__Host-gh_csrf', name);
  }
  assert.equal(jar['__Host-gh_at'].value, response.body.access_token);
  assert.equal(jar['__Host-gh_rt'].value, response.body.refresh_token);
  assert.ok(jar['__Host-gh_at'].attributes.includes('Max-Age=900'));
  assert.ok(jar['__Host-gh_rt'].attributes.includes('Max-Age=3600'));
  assert.equal(response.headers.get('x-csrf-token'), jar['__Host-gh_csrf'].value);
  assert.ok(jar['__Host-gh_csrf'].value.length >= 43, '256 bits');
});

test('cookie-authenticated reads work; writes need the CSRF token and an allowed Origin', async () => {
  const { jar } = await cookieLogin();
  const cookie = cookieHeader(jar);
  const csrf = jar['__Host-gh_csrf'].value;
  assert.equal((await gh.get('/v1/me', { headers: { cookie } })).status, 200, 'GET needs no CSRF token');

  const revoke = (headers) => gh.post('/v1/me/sessions/revoke', { session_ids: [] }, { headers: { cookie, ...headers } });
  expectProblem(assert, await revoke({}), 403, 'csrf_failed');
  expectProblem(assert, await revoke({ 'x-csrf-token': 'A'.repeat(43) }), 403, 'csrf_failed');
  expectProblem(assert, await revoke({ 'x-csrf-token': csrf.slice(0, -1) }), 403, 'csrf_failed');
  expectProblem(assert, await revoke({ 'x-csrf-token': csrf, origin: EVIL }), 403, 'csrf_failed');
  expectProblem(assert, await revoke({ 'x-csrf-token': csrf, origin: 'null' }), 403, 'csrf_failed');
  // An attacker who plants a token and a matching CSRF cookie still lacks the access cookie.
  const planted = `__Host-gh_csrf=${'B'.repeat(43)}`;
  expectProblem(assert, await gh.post('/v1/me/sessions/revoke', { session_ids: [] }, { headers: { cookie: planted, 'x-csrf-token': 'B'.repeat(43) } }), 401, 'invalid_token');

  assert.equal((await revoke({ 'x-csrf-token': csrf, origin: APP })).status, 200);
  assert.equal((await revoke({ 'x-csrf-token': csrf, origin: gh.url })).status, 200, 'the public URL is its own origin');
  assert.equal((await revoke({ 'x-csrf-token': csrf })).status, 200, 'no Origin (same-origin, older browsers)');
});

test('bearer requests are exempt from CSRF: a cross-site page cannot set Authorization', async () => {
  const { response } = await cookieLogin();
  const r = await gh.post('/v1/me/sessions/revoke', { session_ids: [] }, { token: response.body.access_token, headers: { origin: EVIL } });
  assert.equal(r.status, 200);
});

test('refresh by cookie: CSRF checked, cookies rotated, the old refresh cookie is reuse', async () => {
  const { jar } = await cookieLogin();
  const refresh = (cookieJar, headers = {}) =>
    gh.request('POST', '/v1/auth/refresh', { headers: { cookie: cookieHeader(cookieJar), ...headers } });
  expectProblem(assert, await refresh(jar), 403, 'csrf_failed');
  const rotated = await refresh(jar, { 'x-csrf-token': jar['__Host-gh_csrf'].value, origin: APP });
  assert.equal(rotated.status, 200, JSON.stringify(rotated.body));
  const fresh = cookiesOf(rotated);
  assert.notEqual(fresh['__Host-gh_rt'].value, jar['__Host-gh_rt'].value);
  assert.notEqual(fresh['__Host-gh_csrf'].value, jar['__Host-gh_csrf'].value, 'a new CSRF token with each pair');
  assert.equal((await gh.get('/v1/me', { headers: { cookie: cookieHeader(fresh) } })).status, 200);
  expectProblem(assert, await refresh(jar, { 'x-csrf-token': jar['__Host-gh_csrf'].value }), 401, 'token_reused');
});

test('logout by cookie revokes the session and expires the cookies', async () => {
  const { jar } = await cookieLogin();
  const cookie = cookieHeader(jar);
  expectProblem(assert, await gh.request('POST', '/v1/auth/logout', { headers: { cookie } }), 403, 'csrf_failed');
  const r = await gh.request('POST', '/v1/auth/logout', { headers: { cookie, 'x-csrf-token': jar['__Host-gh_csrf'].value } });
  assert.equal(r.status, 204);
  const cleared = cookiesOf(r);
  assert.deepEqual(Object.keys(cleared).sort(), ['__Host-gh_at', '__Host-gh_csrf', '__Host-gh_rt']);
  for (const c of Object.values(cleared)) {
    assert.equal(c.value, '');
    assert.ok(c.attributes.includes('Max-Age=0'));
  }
  expectProblem(assert, await gh.get('/v1/me', { headers: { cookie } }), 401, 'token_revoked');
});

test('without cookie mode, cookies are ignored and no CORS origin is allowed', async () => {
  const plain = await new Gatehouse().start();
  try {
    const email = uniqueEmail('plain');
    const password = await plain.createVerifiedUser(email);
    const r = await plain.post('/v1/auth/login', { email, password });
    assert.deepEqual(r.headers.getSetCookie(), []);
    expectProblem(assert, await plain.get('/v1/me', { headers: { cookie: `__Host-gh_at=${r.body.access_token}` } }), 401, 'invalid_token');
    assert.equal((await plain.get('/healthz', { headers: { origin: APP } })).headers.get('access-control-allow-origin'), null);
  } finally {
    await plain.stop();
    plain.cleanup();
  }
});

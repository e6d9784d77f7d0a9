// GET /v1/auth/check, directly and behind a real nginx `auth_request` protecting a static
// upstream: valid tokens pass with their identity, revoked ones are refused at once, and a
// client cannot choose the identity the upstream sees.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { Gatehouse, decodeJwt, expectProblem, freePort, uniqueEmail } from './support.mjs';
import { startNginx } from './nginx.mjs';

let gh;
let proxy;
before(async () => {
  // nginx runs on this machine: its forwarding headers are believed, and the site it protects
  // is a place a sign-in may return to.
  const proxyPort = await freePort();
  gh = await new Gatehouse({
    server: { trusted_proxies: '127.0.0.1' },
    ui: { allowed_return_urls: `http://127.0.0.1:${proxyPort}` },
    cookies: { enabled: true },
  }).start();
  proxy = await startNginx(gh.port, { proxyPort });
});
after(async () => {
  await proxy?.stop();
  await gh.stop();
  gh.cleanup();
});

async function signedIn(tag = 'check') {
  const email = uniqueEmail(tag);
  const pair = await gh.login(email, await gh.createVerifiedUser(email));
  return { ...pair, claims: decodeJwt(pair.access_token).payload };
}

const viaProxy = (token, headers = {}) =>
  fetch(`${proxy.url}/app/page?x=1`, { headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers } });

test('the check answers who the token authenticates, as headers and JSON', async () => {
  const { access_token, session_id, claims } = await signedIn();
  const r = await gh.get('/v1/auth/check', { token: access_token });
  assert.equal(r.status, 200);
  assert.deepEqual(r.body, { user_id: claims.sub, session_id, roles: ['user'], amr: ['pwd'] });
  assert.equal(r.headers.get('x-gatehouse-user-id'), claims.sub);
  assert.equal(r.headers.get('x-gatehouse-session-id'), session_id);
  assert.equal(r.headers.get('x-gatehouse-roles'), 'user');
  assert.equal(r.headers.get('x-gatehouse-amr'), 'pwd');
  assert.equal(r.headers.get('cache-control'), 'no-store');
  const head = await gh.request('HEAD', '/v1/auth/check', { token: access_token });
  assert.equal(head.status, 200);
  assert.equal(head.headers.get('x-gatehouse-user-id'), claims.sub);
});

test('an administrator is told apart by X-Gatehouse-Roles', async () => {
  const email = uniqueEmail('admin');
  const password = await gh.createAdmin(email);
  const { access_token } = await gh.login(email, password);
  const r = await gh.get('/v1/auth/check', { token: access_token });
  assert.equal(r.headers.get('x-gatehouse-roles'), 'admin');
  assert.deepEqual(r.body.roles, ['admin']);
});

test('a missing, malformed, forged or wrong-type token is 401 with WWW-Authenticate: Bearer', async () => {
  const { access_token, refresh_token } = await signedIn();
  const [header, payload, signature] = access_token.split('.');
  const flipped = signature[0] === 'A' ? `B${signature.slice(1)}` : `A${signature.slice(1)}`;
  const cases = {
    none: {},
    basic: { authorization: 'Basic dXNlcjpwYXNz' },
    'empty bearer': { authorization: 'Bearer ' },
    garbage: { authorization: 'Bearer not.a.token' },
    huge: { authorization: `Bearer ${'a'.repeat(7000)}` },
    'forged signature': { authorization: `Bearer ${header}.${payload}.${flipped}` },
    'alg none': {
      authorization: `Bearer ${Buffer.from(JSON.stringify({ alg: 'none', typ: 'at+jwt' })).toString('base64url')}.${payload}.`,
    },
    'refresh token': { authorization: `Bearer ${refresh_token}` },
  };
  for (const [name, headers] of Object.entries(cases)) {
    const r = await gh.get('/v1/auth/check', { headers });
    assert.equal(r.status, 401, name);
    assert.match(r.body.code, /^invalid_token$|^token_revoked$/, name);
    assert.equal(r.headers.get('www-authenticate'), 'Bearer', name);
    assert.equal(r.headers.get('x-gatehouse-user-id'), null, name);
  }
});

test('a rotated access token is reuse: 401 token_reused, and the session is revoked', async () => {
  const { access_token, refresh_token } = await signedIn('reuse');
  const rotated = await gh.post('/v1/auth/refresh', { refresh_token });
  assert.equal(rotated.status, 200);
  expectProblem(assert, await gh.get('/v1/auth/check', { token: access_token }), 401, 'token_reused');
  expectProblem(assert, await gh.get('/v1/auth/check', { token: rotated.body.access_token }), 401, 'token_revoked');
});

test('behind nginx: a valid token passes and its identity reaches the upstream', async () => {
  const { access_token, session_id, claims } = await signedIn('proxy');
  const r = await viaProxy(access_token);
  assert.equal(r.status, 200);
  assert.deepEqual(await r.json(), {
    'user-id': claims.sub,
    'session-id': session_id,
    roles: 'user',
    amr: 'pwd',
    path: '/app/page?x=1',
  });
});

test('behind nginx: no token or a bad one is refused at the proxy, with WWW-Authenticate', async () => {
  for (const token of [null, 'not.a.token']) {
    const r = await viaProxy(token);
    assert.equal(r.status, 401, String(token));
    assert.equal(r.headers.get('www-authenticate'), 'Bearer');
  }
});

test('behind nginx: a revoked session is refused at the proxy at once', async () => {
  const first = await signedIn('revoke');
  assert.equal((await viaProxy(first.access_token)).status, 200);
  assert.equal((await gh.post('/v1/auth/logout', {}, { token: first.access_token })).status, 204);
  assert.equal((await viaProxy(first.access_token)).status, 401, 'logged out: refused on the very next request');

  // Revoked from another session of the same user (the sessions page).
  const email = uniqueEmail('revoke-other');
  const password = await gh.createVerifiedUser(email);
  const laptop = await gh.login(email, password);
  const phone = await gh.login(email, password);
  assert.equal((await viaProxy(phone.access_token)).status, 200);
  const revoked = await gh.request('DELETE', `/v1/me/sessions/${phone.session_id}`, { token: laptop.access_token });
  assert.equal(revoked.status, 204);
  assert.equal((await viaProxy(phone.access_token)).status, 401);
  assert.equal((await viaProxy(laptop.access_token)).status, 200, 'the other session is untouched');
});

test('behind nginx: a client cannot inject the identity headers', async () => {
  const victim = await signedIn('victim');
  const attacker = await signedIn('attacker');
  const injected = {
    'x-gatehouse-user-id': victim.claims.sub,
    'x-gatehouse-session-id': victim.session_id,
    'x-gatehouse-roles': 'admin',
    'x-gatehouse-amr': 'pwd,otp,mfa',
  };
  const r = await viaProxy(attacker.access_token, injected);
  assert.equal(r.status, 200);
  const seen = await r.json();
  assert.equal(seen['user-id'], attacker.claims.sub);
  assert.equal(seen['session-id'], attacker.session_id);
  assert.equal(seen.roles, 'user');
  assert.equal(seen.amr, 'pwd');
  // Without a token the headers never reach the upstream at all.
  assert.equal((await viaProxy(null, injected)).status, 401);
});

test('in cookie mode the access cookie is checked too', async () => {
  const cookieServer = await new Gatehouse({ cookies: { enabled: true } }).start();
  try {
    const email = uniqueEmail('cookie');
    const password = await cookieServer.createVerifiedUser(email);
    const login = await cookieServer.post('/v1/auth/login', { email, password });
    assert.equal(login.status, 200);
    const accessCookie = login.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .find((c) => c.startsWith('__Host-gh_at='));
    assert.ok(accessCookie);
    const r = await cookieServer.get('/v1/auth/check', { headers: { cookie: accessCookie } });
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('x-gatehouse-session-id'), login.body.session_id);
    expectProblem(assert, await cookieServer.get('/v1/auth/check', { headers: { cookie: '__Host-gh_at=forged' } }), 401, 'invalid_token');
  } finally {
    await cookieServer.stop();
    cookieServer.cleanup();
  }
});

const HTML = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';
const signInFor = (url) => `${gh.url}/sign-in?return_to=${encodeURIComponent(url)}`;
// GET /v1/auth/check as a proxy sends it, redirects not followed.
const check = (server, headers) => fetch(`${server.url}/v1/auth/check`, { headers, redirect: 'manual' });

test('a browser without a session is sent to sign in and back; API clients and others are not', async () => {
  const forwarded = { 'x-forwarded-proto': 'http', 'x-forwarded-host': new URL(proxy.url).host, 'x-forwarded-uri': '/app/page?x=1' };
  const traefik = await check(gh, { accept: HTML, ...forwarded });
  assert.equal(traefik.status, 302, 'forward-auth proxies hand the redirect to the browser');
  assert.equal(traefik.headers.get('location'), signInFor(`${proxy.url}/app/page?x=1`));
  const nginx = await check(gh, { accept: HTML, 'x-original-url': `${proxy.url}/app` });
  assert.equal(nginx.status, 401, 'auth_request passes only 2xx, 401 and 403');
  assert.equal(nginx.headers.get('location'), signInFor(`${proxy.url}/app`));
  for (const headers of [
    { accept: 'application/json', ...forwarded },
    { accept: HTML, 'x-original-url': 'https://evil.example/phish' },
    { accept: HTML, 'x-original-url': `${proxy.url}.evil.example/` },
    { accept: HTML, ...forwarded, 'x-forwarded-host': 'evil.example' },
    { accept: HTML },
  ]) {
    const r = await check(gh, headers);
    assert.equal(r.status, 401, JSON.stringify(headers));
    assert.equal(r.headers.get('location'), null, JSON.stringify(headers));
    assert.equal(r.headers.get('www-authenticate'), 'Bearer');
  }
  const untrusted = await new Gatehouse({ ui: { allowed_return_urls: proxy.url } }).start();
  try {
    const r = await check(untrusted, { accept: HTML, 'x-original-url': `${proxy.url}/app` });
    assert.equal(r.status, 401);
    assert.equal(r.headers.get('location'), null, 'forwarding headers from an untrusted peer are ignored');
  } finally {
    await untrusted.stop();
    untrusted.cleanup();
  }
});

test('behind nginx: a browser is redirected to sign in; a client that wants no HTML gets the 401', async () => {
  const browser = await fetch(`${proxy.url}/app/page?x=1`, { headers: { accept: HTML }, redirect: 'manual' });
  assert.equal(browser.status, 302);
  assert.equal(browser.headers.get('location'), signInFor(`${proxy.url}/app/page?x=1`));
  const api = await fetch(`${proxy.url}/app/page`, { redirect: 'manual' });
  assert.equal(api.status, 401);
  assert.equal(api.headers.get('www-authenticate'), 'Bearer');
});

test('in Chromium: the protected page leads to sign-in and back to the page, signed in', async () => {
  const email = uniqueEmail('proxy');
  const password = await gh.createVerifiedUser(email);
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
  try {
    const page = await browser.newPage();
    await page.goto(`${proxy.url}/app/page?x=1`);
    assert.equal(page.url(), signInFor(`${proxy.url}/app/page?x=1`));
    await page.fill('#email', email);
    await page.fill('#password', password);
    await page.click('button[type=submit]');
    await page.waitForURL(`${proxy.url}/app/page?x=1`);
    const seen = JSON.parse(await page.textContent('body'));
    assert.equal(seen.path, '/app/page?x=1');
    const me = await gh.login(email, password);
    assert.equal(seen['user-id'], decodeJwt(me.access_token).payload.sub, 'the upstream knows who it is');
  } finally {
    await browser.close();
  }
});

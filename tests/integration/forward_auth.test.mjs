// GET /v1/auth/check, directly and behind a real nginx `auth_request` protecting a static
// upstream: valid tokens pass with their identity, revoked ones are refused at once, and a
// client cannot choose the identity the upstream sees.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Gatehouse, decodeJwt, expectProblem, uniqueEmail } from './support.mjs';
import { startNginx } from './nginx.mjs';

let gh;
let proxy;
before(async () => {
  gh = await new Gatehouse().start();
  proxy = await startNginx(gh.port);
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

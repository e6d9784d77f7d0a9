// The OpenID Connect endpoints as an attacker tries them: redirect URI variants, PKCE,
// replayed and stolen codes, mix-up, prompt=none, and bad input on every endpoint.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import * as oidc from 'openid-client';
import { Gatehouse, childEnv, uniqueEmail } from './support.mjs';
import { Visitor } from './visitor.mjs';

const BIN = process.env.TEST_GATEHOUSE_BIN;
const REDIRECT = 'https://app.example.com/callback';
let gh, confidential, publicClient, visitor;

function createClient(...args) {
  const r = spawnSync(BIN, ['client', 'create', ...args, '--config', gh.configPath], { encoding: 'utf8', env: childEnv() });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

before(async () => {
  gh = await new Gatehouse().start();
  confidential = createClient('--name', 'Confidential', '--redirect-uri', REDIRECT, '--first-party');
  publicClient = createClient('--name', 'Public', '--redirect-uri', REDIRECT, '--redirect-uri', 'http://127.0.0.1/cb', '--public', '--first-party');
  const email = uniqueEmail();
  const password = await gh.createVerifiedUser(email);
  visitor = new Visitor(gh);
  assert.equal((await visitor.signIn(email, password)).status, 303);
});

after(async () => {
  await gh.stop();
  gh.cleanup();
});

const verifier = 'v'.repeat(43) + crypto.randomBytes(8).toString('hex');
const challenge = crypto.createHash('sha256').update(verifier).digest('base64url');

function authorizeQuery(params) {
  return '/oauth2/authorize?' + new URLSearchParams({ response_type: 'code', scope: 'openid', ...params });
}

// A code for `client`, through the signed-in visitor.
async function codeFor(client, extra = {}) {
  const r = await visitor.get(authorizeQuery({ client_id: client.client_id, redirect_uri: REDIRECT, state: 'st',
    code_challenge: challenge, code_challenge_method: 'S256', ...extra }));
  assert.equal(r.status, 303, r.html.slice(0, 200));
  const location = new URL(r.location);
  assert.equal(location.origin + location.pathname, REDIRECT);
  return location.searchParams.get('code');
}

function token(form, { client = confidential, auth = 'basic', headers = {} } = {}) {
  const h = { 'content-type': 'application/x-www-form-urlencoded', ...headers };
  const body = { ...form };
  if (auth === 'basic') h.authorization = 'Basic ' + Buffer.from(`${encodeURIComponent(client.client_id)}:${encodeURIComponent(client.client_secret)}`).toString('base64');
  if (auth === 'post') Object.assign(body, { client_id: client.client_id, client_secret: client.client_secret });
  if (auth === 'none') body.client_id = client.client_id;
  return gh.request('POST', '/oauth2/token', { body: new URLSearchParams(body).toString(), headers: h });
}

function expectOAuthError(r, status, error) {
  assert.equal(r.status, status, JSON.stringify(r.body));
  assert.equal(r.body.error, error, JSON.stringify(r.body));
  assert.match(r.headers.get('content-type'), /application\/json/);
  assert.equal(r.headers.get('cache-control'), 'no-store');
}

test('redirect URI variants are refused on a page, never redirected to', async () => {
  for (const variant of [
    REDIRECT + '/', REDIRECT + '/extra', REDIRECT + 'x', REDIRECT + '?x=1', REDIRECT + '#frag',
    'https://user@app.example.com/callback', 'http://app.example.com/callback', 'https://APP.example.com/callback',
    'https://app.example.com/Callback', 'https://app.example.com:443/callback', 'https://app.example.com.evil.com/callback',
    'https://evil.example/callback', '//evil.example/callback', '/callback', 'javascript:alert(1)', '',
  ]) {
    const r = await visitor.get(authorizeQuery({ client_id: confidential.client_id, redirect_uri: variant, state: 'x' }));
    assert.equal(r.status, 400, variant);
    assert.equal(r.location, null, `no redirect for ${variant}`);
    assert.match(r.headers.get('content-type'), /text\/html/);
    assert.ok(!r.html.includes('evil.example'), 'the page does not echo it as a link');
  }
  // An unknown or missing client, or duplicated parameters: the same page.
  for (const query of [
    authorizeQuery({ client_id: 'nobody', redirect_uri: REDIRECT }),
    authorizeQuery({ redirect_uri: REDIRECT }),
    authorizeQuery({ client_id: confidential.client_id, redirect_uri: REDIRECT }) + `&redirect_uri=${encodeURIComponent('https://evil.example/')}`,
    authorizeQuery({ client_id: confidential.client_id, redirect_uri: REDIRECT }) + '&client_id=other',
    '/oauth2/authorize?%zz', '/oauth2/authorize',
  ]) {
    const r = await visitor.get(query);
    assert.equal(r.status, 400, query);
    assert.equal(r.location, null, query);
  }
});

test('loopback redirect URIs may change their port, nothing else', async () => {
  const base = { client_id: publicClient.client_id, state: 's', code_challenge: challenge, code_challenge_method: 'S256' };
  const ok = await visitor.get(authorizeQuery({ ...base, redirect_uri: 'http://127.0.0.1:53117/cb' }));
  assert.equal(ok.status, 303);
  assert.ok(ok.location.startsWith('http://127.0.0.1:53117/cb?code='));
  for (const variant of ['http://127.0.0.1:53117/cb2', 'http://localhost:53117/cb', 'http://127.0.0.2:53117/cb']) {
    const r = await visitor.get(authorizeQuery({ ...base, redirect_uri: variant }));
    assert.equal(r.status, 400, variant);
  }
});

test('errors after the redirect URI is known go back to it with error, the exact state and iss', async () => {
  const state = 'a b+c/=&é' + 'x'.repeat(100);
  for (const [params, error] of [
    [{ response_type: 'token' }, 'unsupported_response_type'],
    [{ response_type: 'code id_token' }, 'unsupported_response_type'],
    [{ response_type: '' }, 'invalid_request'],
    [{ scope: 'profile email' }, 'invalid_scope'],
    [{ code_challenge: challenge, code_challenge_method: 'plain' }, 'invalid_request'],
    [{ code_challenge: challenge }, 'invalid_request'],
    [{ code_challenge: 'short', code_challenge_method: 'S256' }, 'invalid_request'],
    [{ prompt: 'none login' }, 'invalid_request'],
    [{ prompt: 'bogus' }, 'invalid_request'],
    [{ max_age: '-1' }, 'invalid_request'],
    [{ max_age: 'soon' }, 'invalid_request'],
    [{ response_mode: 'fragment' }, 'invalid_request'],
    [{ request: 'eyJ...' }, 'request_not_supported'],
  ]) {
    const r = await visitor.get(authorizeQuery({ client_id: confidential.client_id, redirect_uri: REDIRECT, state, ...params }));
    assert.equal(r.status, 303, JSON.stringify(params));
    const location = new URL(r.location);
    assert.equal(location.origin + location.pathname, REDIRECT);
    assert.equal(location.searchParams.get('error'), error, JSON.stringify(params));
    assert.equal(location.searchParams.get('state'), state, 'state echoed exactly');
    assert.equal(location.searchParams.get('iss'), gh.url, 'RFC 9207: the issuer names itself');
    assert.equal(location.searchParams.get('code'), null);
  }
});

test('a public client without PKCE is refused', async () => {
  const r = await visitor.get(authorizeQuery({ client_id: publicClient.client_id, redirect_uri: REDIRECT, state: 's' }));
  assert.equal(new URL(r.location).searchParams.get('error'), 'invalid_request');
});

test('prompt=none without a session: login_required; with one: a code at once', async () => {
  const stranger = new Visitor(gh);
  const r = await stranger.get(authorizeQuery({ client_id: confidential.client_id, redirect_uri: REDIRECT, state: 'n', prompt: 'none' }));
  assert.equal(r.status, 303);
  const location = new URL(r.location);
  assert.equal(location.searchParams.get('error'), 'login_required');
  assert.equal(location.searchParams.get('state'), 'n');
  const signedIn = await visitor.get(authorizeQuery({ client_id: confidential.client_id, redirect_uri: REDIRECT, prompt: 'none' }));
  assert.ok(new URL(signedIn.location).searchParams.get('code'));
  // A third-party client nobody consented to: consent_required.
  const third = createClient('--name', 'Third', '--redirect-uri', REDIRECT);
  const consent = await visitor.get(authorizeQuery({ client_id: third.client_id, redirect_uri: REDIRECT, prompt: 'none' }));
  assert.equal(new URL(consent.location).searchParams.get('error'), 'consent_required');
  // prompt=login sends a signed-in person to the form again.
  const login = await visitor.get(authorizeQuery({ client_id: confidential.client_id, redirect_uri: REDIRECT, prompt: 'login' }));
  assert.equal(new URL(login.location, gh.url).pathname, '/sign-in');
  assert.match(login.location, /reauth=1/);
  const form = await visitor.get(login.location);
  assert.match(form.html, /action="\/sign-in"/, 'the form, though signed in');
});

test('PKCE: a missing or wrong verifier is invalid_grant, and burns the code', async () => {
  for (const code_verifier of [undefined, 'w'.repeat(43), verifier + 'x', 'short']) {
    const code = await codeFor(confidential);
    const form = { grant_type: 'authorization_code', code, redirect_uri: REDIRECT };
    if (code_verifier) form.code_verifier = code_verifier;
    expectOAuthError(await token(form), 400, 'invalid_grant');
    // The right verifier afterwards: the code is gone.
    expectOAuthError(await token({ ...form, code_verifier: verifier }), 400, 'invalid_grant');
  }
});

test('a code is single use: the second use fails and revokes what the first issued', async () => {
  const code = await codeFor(confidential);
  const form = { grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: verifier };
  const first = await token(form);
  assert.equal(first.status, 200, JSON.stringify(first.body));
  const userinfo = () => gh.get('/oauth2/userinfo', { token: first.body.access_token });
  assert.equal((await userinfo()).status, 200);
  expectOAuthError(await token(form), 400, 'invalid_grant');
  const after = await userinfo();
  assert.equal(after.status, 401, 'the first exchange\'s access token is revoked');
  assert.match(after.headers.get('www-authenticate'), /error="invalid_token"/);
});

test('concurrent exchanges of one code: exactly one wins', async () => {
  const code = await codeFor(confidential);
  const form = { grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: verifier };
  const answers = await Promise.all(Array.from({ length: 8 }, () => token(form)));
  assert.equal(answers.filter((r) => r.status === 200).length, 1, answers.map((r) => r.status).join());
  assert.ok(answers.every((r) => r.status === 200 || r.body.error === 'invalid_grant'));
});

test('a code used by another client, at another redirect URI, or after 60 s is refused', async () => {
  const other = createClient('--name', 'Other', '--redirect-uri', REDIRECT, '--first-party');
  let code = await codeFor(confidential);
  expectOAuthError(await token({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: verifier }, { client: other }), 400, 'invalid_grant');
  code = await codeFor(confidential);
  expectOAuthError(await token({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT + '/x', code_verifier: verifier }), 400, 'invalid_grant');
  code = await codeFor(confidential);
  gh.sql(`UPDATE oauth_codes SET expires_at = expires_at - 61 WHERE code_hash = '${crypto.createHash('sha256').update(code).digest('hex')}'`);
  expectOAuthError(await token({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: verifier }), 400, 'invalid_grant');
  expectOAuthError(await token({ grant_type: 'authorization_code', code: 'made-up', redirect_uri: REDIRECT }), 400, 'invalid_grant');
});

test('client authentication: wrong secrets are invalid_client with a challenge; two methods at once are refused', async () => {
  const code = await codeFor(confidential);
  const form = { grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: verifier };
  for (const [opts, status, error] of [
    [{ client: { ...confidential, client_secret: 'wrong' } }, 401, 'invalid_client'],
    [{ client: { ...confidential, client_secret: 'wrong' }, auth: 'post' }, 401, 'invalid_client'],
    [{ auth: 'none' }, 401, 'invalid_client'],
    [{ auth: 'nothing' }, 401, 'invalid_client'],
    [{ client: { client_id: 'nobody', client_secret: 'x' } }, 401, 'invalid_client'],
    [{ headers: { authorization: 'Basic !!!' }, auth: 'nothing' }, 401, 'invalid_client'],
    [{ headers: { authorization: 'Bearer abc' }, auth: 'nothing' }, 401, 'invalid_client'],
  ]) {
    const r = await token(form, opts);
    expectOAuthError(r, status, error);
    assert.match(r.headers.get('www-authenticate'), /^Basic /);
  }
  const both = await token({ ...form, client_secret: confidential.client_secret });
  expectOAuthError(both, 400, 'invalid_request');
  // A public client presenting a secret is not authenticated either.
  expectOAuthError(await token(form, { client: { ...publicClient, client_secret: 'x' }, auth: 'post' }), 401, 'invalid_client');
});

test('bad input to the token endpoint: RFC 6749 errors, never a 500', async () => {
  const basic = 'Basic ' + Buffer.from(`${confidential.client_id}:${confidential.client_secret}`).toString('base64');
  for (const [body, type, error] of [
    ['grant_type=authorization_code', 'application/json', 'invalid_request'],
    ['{"grant_type":"authorization_code"}', 'application/json', 'invalid_request'],
    ['grant_type=password&username=a&password=b', undefined, 'unsupported_grant_type'],
    ['grant_type=implicit', undefined, 'unsupported_grant_type'],
    ['grant_type=client_credentials', undefined, 'unauthorized_client'],
    ['', undefined, 'invalid_request'],
    ['grant_type=authorization_code&grant_type=refresh_token', undefined, 'invalid_request'],
    ['grant_type=authorization_code', undefined, 'invalid_request'],
    ['grant_type=refresh_token', undefined, 'invalid_request'],
    ['grant_type=refresh_token&refresh_token=abc', undefined, 'invalid_grant'],
    ['grant_type=authorization_code&code=%zz', undefined, 'invalid_request'],
    [`grant_type=authorization_code&code=${'a'.repeat(5000)}&redirect_uri=x`, undefined, 'invalid_grant'],
  ]) {
    const r = await gh.request('POST', '/oauth2/token', { body, headers: { 'content-type': type ?? 'application/x-www-form-urlencoded', authorization: basic } });
    expectOAuthError(r, 400, error);
  }
  // Another client's refresh token, and an access token where a refresh token belongs.
  const code = await codeFor(confidential, { scope: 'openid offline_access' });
  const issued = await token({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: verifier });
  assert.ok(issued.body.refresh_token);
  const other = createClient('--name', 'Thief', '--redirect-uri', REDIRECT, '--first-party');
  expectOAuthError(await token({ grant_type: 'refresh_token', refresh_token: issued.body.refresh_token }, { client: other }), 400, 'invalid_grant');
  expectOAuthError(await token({ grant_type: 'refresh_token', refresh_token: issued.body.access_token }), 400, 'invalid_grant');
  expectOAuthError(await token({ grant_type: 'refresh_token', refresh_token: issued.body.id_token }), 400, 'invalid_grant');
  expectOAuthError(await token({ grant_type: 'refresh_token', refresh_token: issued.body.refresh_token, scope: 'openid email' }), 400, 'invalid_scope');
});

test('UserInfo takes only a client\'s access token; an ID token or a Gatehouse token is refused', async () => {
  const code = await codeFor(confidential, { scope: 'openid email' });
  const issued = (await token({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: verifier })).body;
  const ok = await gh.request('POST', '/oauth2/userinfo', { token: issued.access_token });
  assert.equal(ok.status, 200);
  assert.ok(ok.body.email && ok.body.sub);
  assert.equal(ok.body.name, undefined, 'no profile scope, no name');
  const email = uniqueEmail();
  const own = await gh.login(email, await gh.createVerifiedUser(email));
  for (const t of [issued.id_token, own.access_token, own.refresh_token, issued.access_token + 'x', 'abc']) {
    const r = await gh.get('/oauth2/userinfo', { token: t });
    assert.equal(r.status, 401);
    assert.match(r.headers.get('www-authenticate'), /^Bearer error="invalid_token"/);
  }
  const none = await gh.get('/oauth2/userinfo');
  assert.equal(none.status, 401);
  assert.equal(none.headers.get('www-authenticate'), 'Bearer');
});

test('grants end with their sign-in session unless offline, and all end when their client is deleted', async () => {
  const client = createClient('--name', 'Lifecycle', '--redirect-uri', REDIRECT, '--first-party');
  const email = uniqueEmail();
  const password = await gh.createVerifiedUser(email);
  const browser = new Visitor(gh);
  assert.equal((await browser.signIn(email, password)).status, 303);
  const grant = async (scope) => {
    const r = await browser.get(authorizeQuery({ client_id: client.client_id, redirect_uri: REDIRECT, scope,
      code_challenge: challenge, code_challenge_method: 'S256' }));
    const code = new URL(r.location).searchParams.get('code');
    const issued = await token({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: verifier }, { client });
    assert.equal(issued.status, 200, JSON.stringify(issued.body));
    return issued.body;
  };
  const online = await grant('openid');
  const offline = await grant('openid offline_access');
  const userinfo = (t) => gh.get('/oauth2/userinfo', { token: t }).then((r) => r.status);
  assert.equal(await userinfo(online.access_token), 200);

  assert.equal((await browser.post('/sign-out', {})).status, 200);
  assert.equal(await userinfo(online.access_token), 401, 'signing out ends the grant made in it');
  assert.equal(await userinfo(offline.access_token), 200, 'an offline grant outlives it');
  const refreshed = await token({ grant_type: 'refresh_token', refresh_token: offline.refresh_token }, { client });
  assert.equal(refreshed.status, 200);

  const adminEmail = uniqueEmail('admin');
  const admin = await gh.login(adminEmail, gh.createAdmin(adminEmail));
  const deleted = await gh.request('DELETE', `/v1/clients/${client.client_id}`, { token: admin.access_token });
  assert.equal(deleted.status, 204);
  assert.equal(await userinfo(refreshed.body.access_token), 401, 'deleting the client revokes its grants at once');
  expectOAuthError(await token({ grant_type: 'refresh_token', refresh_token: refreshed.body.refresh_token }, { client }), 401, 'invalid_client');
});

test('bad input to revocation and introspection: RFC 6749 errors, never a 500', async () => {
  const basic = 'Basic ' + Buffer.from(`${confidential.client_id}:${confidential.client_secret}`).toString('base64');
  for (const path of ['/oauth2/revoke', '/oauth2/introspect']) {
    for (const [body, headers, status, error] of [
      ['token=x', { 'content-type': 'application/json', authorization: basic }, 400, 'invalid_request'],
      ['', { 'content-type': 'application/x-www-form-urlencoded', authorization: basic }, 400, 'invalid_request'],
      ['token=a&token=b', { 'content-type': 'application/x-www-form-urlencoded', authorization: basic }, 400, 'invalid_request'],
      ['token=x', { 'content-type': 'application/x-www-form-urlencoded' }, 401, 'invalid_client'],
      ['token=x', { 'content-type': 'application/x-www-form-urlencoded', authorization: 'Basic Og==' }, 401, 'invalid_client'],
    ]) {
      const r = await gh.request('POST', path, { body, headers });
      expectOAuthError(r, status, error);
    }
    const junk = await gh.request('POST', path, { body: 'token=' + 'x'.repeat(20000), headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic } });
    assert.equal(junk.status, 200, path);
  }
});

test('prompt=consent shows the consent page even to a first-party client; a too long state is refused, not echoed', async () => {
  const r = await visitor.get(authorizeQuery({ client_id: confidential.client_id, redirect_uri: REDIRECT, prompt: 'consent' }));
  assert.equal(r.status, 200);
  assert.match(r.html, /action="\/oauth2\/consent"/);
  const long = await visitor.get(authorizeQuery({ client_id: confidential.client_id, redirect_uri: REDIRECT, state: 's'.repeat(3000) }));
  const location = new URL(long.location);
  assert.equal(location.searchParams.get('error'), 'invalid_request');
  assert.equal(location.searchParams.get('state'), null);
});

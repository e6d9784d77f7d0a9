// Logout reaches the apps: RP-initiated logout, and back-channel logout tokens (verified here
// with npm jose) for every way a sign-in session ends.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { spawnSync } from 'node:child_process';
import * as oidc from 'openid-client';
import * as jose from 'jose';
import { Gatehouse, childEnv, uniqueEmail, waitForMail, mailsFor } from './support.mjs';
import { Visitor } from './visitor.mjs';

const BIN = process.env.TEST_GATEHOUSE_BIN;
const REDIRECT = 'https://rp.example.com/callback';
const AFTER_LOGOUT = 'https://rp.example.com/signed-out';
let gh, receiver, client, config;
const received = [];

before(async () => {
  gh = await new Gatehouse().start();
  // The relying party's back-channel endpoint: keeps what it is sent.
  receiver = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      received.push({ type: req.headers['content-type'], token: new URLSearchParams(body).get('logout_token') });
      res.writeHead(200).end();
    });
  });
  await new Promise((r) => receiver.listen(0, '127.0.0.1', r));
  const r = spawnSync(BIN, ['client', 'create', '--name', 'RP', '--redirect-uri', REDIRECT, '--first-party',
    '--post-logout-redirect-uri', AFTER_LOGOUT, '--backchannel-logout-uri', `http://127.0.0.1:${receiver.address().port}/bc`,
    '--config', gh.configPath], { encoding: 'utf8', env: childEnv() });
  assert.equal(r.status, 0, r.stderr);
  client = JSON.parse(r.stdout);
  config = await oidc.discovery(new URL(gh.url), client.client_id, undefined, oidc.ClientSecretBasic(client.client_secret), { execute: [oidc.allowInsecureRequests] });
});

after(async () => {
  if (process.env.SHOW_LOGS) console.log(gh.logs.split('\n').filter((l) => / (error|warn) /.test(l)).slice(-5).join('\n'));
  await gh.stop();
  gh.cleanup();
  receiver.close();
});

// A person signed in through the RP: their browser, password and the RP's tokens.
async function signedInThroughRp() {
  const email = uniqueEmail();
  const password = await gh.createVerifiedUser(email);
  const browser = new Visitor(gh);
  assert.equal((await browser.signIn(email, password)).status, 303);
  const url = oidc.buildAuthorizationUrl(config, { redirect_uri: REDIRECT, scope: 'openid', state: 's', nonce: 'n' });
  const r = await browser.get(url.pathname + url.search);
  assert.equal(r.status, 303);
  const tokens = await oidc.authorizationCodeGrant(config, new URL(r.location), { expectedState: 's', expectedNonce: 'n' });
  return { email, password, browser, tokens, sid: tokens.claims().sid };
}

// Waits for the logout token naming `sid` and checks it as a relying party must (Back-Channel
// Logout 1.0 §2.6).
async function logoutTokenFor(sid) {
  const jwks = jose.createLocalJWKSet((await gh.get('/.well-known/jwks.json')).body);
  for (let i = 0; i < 200; i++) {
    for (const { type, token } of received) {
      const { payload, protectedHeader } = await jose.jwtVerify(token, jwks, { issuer: gh.url, audience: client.client_id, typ: 'logout+jwt' });
      if (payload.sid !== sid) continue;
      assert.equal(type, 'application/x-www-form-urlencoded');
      assert.equal(protectedHeader.alg, 'RS256');
      assert.deepEqual(payload.events, { 'http://schemas.openid.net/event/backchannel-logout': {} });
      assert.equal(payload.nonce, undefined, 'a logout token never has a nonce');
      assert.ok(payload.jti && payload.sub && payload.iat <= payload.exp);
      return payload;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no logout token for ${sid}`);
}

test('RP-initiated logout with the ID token: signed out, back to the registered page with the state, and a logout token', async () => {
  const { browser, tokens, sid } = await signedInThroughRp();
  const end = oidc.buildEndSessionUrl(config, { id_token_hint: tokens.id_token, post_logout_redirect_uri: AFTER_LOGOUT, state: 'bye' });
  assert.equal(end.origin + end.pathname, gh.url + '/oauth2/logout');
  const r = await browser.get(end.pathname + end.search);
  assert.equal(r.status, 303);
  assert.equal(r.location, `${AFTER_LOGOUT}?state=bye`);
  assert.equal((await browser.get('/account')).status, 303, 'the browser is signed out');
  const logout = await logoutTokenFor(sid);
  assert.equal(logout.sub, tokens.claims().sub);
});

test('RP-initiated logout without a matching ID token asks first; unregistered return URLs are never followed', async () => {
  const { browser, tokens, sid } = await signedInThroughRp();
  const ask = await browser.get(`/oauth2/logout?client_id=${client.client_id}&post_logout_redirect_uri=${encodeURIComponent(AFTER_LOGOUT)}&state=x`);
  assert.equal(ask.status, 200);
  assert.match(ask.html, /action="\/oauth2\/logout"/);
  assert.match(ask.headers.get('content-security-policy'), /form-action 'self'[^;]* https:\/\/rp\.example\.com/);
  assert.equal((await browser.get('/account')).status, 200, 'still signed in until confirmed');
  for (const query of [
    `client_id=${client.client_id}&post_logout_redirect_uri=${encodeURIComponent('https://evil.example/')}`,
    `post_logout_redirect_uri=${encodeURIComponent(AFTER_LOGOUT)}`,
    `id_token_hint=${tokens.id_token.slice(0, -3)}abc&post_logout_redirect_uri=${encodeURIComponent(AFTER_LOGOUT)}`,
    `id_token_hint=${tokens.id_token}&client_id=other&post_logout_redirect_uri=${encodeURIComponent(AFTER_LOGOUT)}`,
    `id_token_hint=${tokens.access_token}`,
  ]) {
    const r = await browser.get('/oauth2/logout?' + query);
    assert.equal(r.status, 400, query);
    assert.equal(r.location, null);
  }
  const done = await browser.post('/oauth2/logout', { client_id: client.client_id, post_logout_redirect_uri: AFTER_LOGOUT, state: 'x' });
  assert.equal(done.status, 303);
  assert.equal(done.location, `${AFTER_LOGOUT}?state=x`);
  await logoutTokenFor(sid);
});

test('every other way a sign-in session ends sends a logout token', async () => {
  // Signing out on the page.
  let s = await signedInThroughRp();
  assert.equal((await s.browser.post('/sign-out', {})).status, 200);
  await logoutTokenFor(s.sid);

  // Signed out from another device's sessions list.
  s = await signedInThroughRp();
  const other = new Visitor(gh);
  assert.equal((await other.signIn(s.email, s.password)).status, 303);
  assert.equal((await other.post('/account/sessions', { session_id: s.sid })).status, 303);
  await logoutTokenFor(s.sid);

  // A rotated refresh token used again: reuse detection revokes the session.
  s = await signedInThroughRp();
  const stolen = s.browser.cookie('__Host-gh_rt');
  assert.equal((await gh.post('/v1/auth/refresh', { refresh_token: stolen })).status, 200);
  assert.equal((await gh.post('/v1/auth/refresh', { refresh_token: stolen })).status, 401);
  await logoutTokenFor(s.sid);

  // A password reset ends every session.
  s = await signedInThroughRp();
  const isReset = (m) => /reset/i.test(m.subject);
  const before = (await mailsFor(s.email)).filter(isReset).length;
  assert.equal((await gh.post('/v1/auth/forgot-password', { email: s.email })).status, 202);
  const mail = await waitForMail(s.email, isReset, before + 1);
  const token = mail.text.match(/reset-password\?token=([A-Za-z0-9_-]{43})/)[1];
  assert.equal((await gh.post('/v1/auth/reset-password', { token, new_password: 'a brand new passphrase 42' })).status, 200);
  await logoutTokenFor(s.sid);
});

test('discovery announces logout', async () => {
  const d = (await gh.get('/.well-known/openid-configuration')).body;
  assert.equal(d.end_session_endpoint, gh.url + '/oauth2/logout');
  assert.equal(d.backchannel_logout_supported, true);
  assert.equal(d.backchannel_logout_session_supported, true);
});

test('a sign-out racing the code exchange never leaves a live grant behind', async () => {
  const email = uniqueEmail();
  const password = await gh.createVerifiedUser(email);
  for (let i = 0; i < 20; i++) {
    const browser = new Visitor(gh);
    assert.equal((await browser.signIn(email, password)).status, 303);
    const url = oidc.buildAuthorizationUrl(config, { redirect_uri: REDIRECT, scope: 'openid', state: 's' });
    const callback = new URL((await browser.get(url.pathname + url.search)).location);
    const [exchanged, signedOut] = await Promise.allSettled([
      oidc.authorizationCodeGrant(config, callback, { expectedState: 's' }),
      browser.post('/sign-out', {}),
    ]);
    assert.equal(signedOut.value?.status, 200);
    if (exchanged.status === 'fulfilled') {
      // The exchange came first: the sign-out found its grant and ended it.
      const info = await oidc.tokenIntrospection(config, exchanged.value.access_token);
      assert.equal(info.active, false, 'the grant outlived its sign-in session');
    } else {
      assert.equal(exchanged.reason.error, 'invalid_grant', String(exchanged.reason));
    }
  }
});

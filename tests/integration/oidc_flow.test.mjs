// The OpenID Connect authorization code flow, driven by npm openid-client (a certified
// relying-party library) against the real binary; the browser is a cookie-jar Visitor here
// (oidc_browser.test.mjs runs it in Chromium).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as oidc from 'openid-client';
import * as jose from 'jose';
import { Gatehouse, childEnv, uniqueEmail } from './support.mjs';
import { Visitor } from './visitor.mjs';

const BIN = process.env.TEST_GATEHOUSE_BIN;
const REDIRECT = 'http://127.0.0.1:9/callback';  // never fetched: the test reads the Location
let gh;

before(async () => {
  gh = await new Gatehouse().start();
});

after(async () => {
  await gh.stop();
  gh.cleanup();
});

function createClient(...args) {
  const r = spawnSync(BIN, ['client', 'create', ...args, '--config', gh.configPath], { encoding: 'utf8', env: childEnv() });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

async function signedInVisitor() {
  const email = uniqueEmail();
  const password = await gh.createVerifiedUser(email);
  const visitor = new Visitor(gh);
  const r = await visitor.signIn(email, password);
  assert.equal(r.status, 303);
  return { visitor, email, password };
}

function configFor(client, auth) {
  return oidc.discovery(new URL(gh.url), client.client_id, undefined, auth, { execute: [oidc.allowInsecureRequests] });
}

// Follows the browser through /oauth2/authorize (and consent, when asked) to the callback URL.
async function authorize(visitor, url, { consent = 'allow' } = {}) {
  let r = await visitor.get(url.pathname + url.search);
  if (r.status === 200 && r.html.includes('action="/oauth2/consent"')) {
    const request = r.html.match(/name="request" value="([^"]+)"/)[1];
    r = await visitor.post('/oauth2/consent', { request, decision: consent });
  }
  assert.equal(r.status, 303, r.html.slice(0, 300));
  return new URL(r.location);
}

test('discovery: issuer, endpoints and what they support', async () => {
  const r = await gh.get('/.well-known/openid-configuration');
  assert.equal(r.status, 200);
  const d = r.body;
  assert.equal(d.issuer, gh.url);
  for (const [field, path] of [['authorization_endpoint', '/oauth2/authorize'], ['token_endpoint', '/oauth2/token'],
    ['userinfo_endpoint', '/oauth2/userinfo'], ['jwks_uri', '/.well-known/jwks.json']]) {
    assert.equal(d[field], gh.url + path, field);
  }
  assert.deepEqual(d.response_types_supported, ['code']);
  assert.deepEqual(d.subject_types_supported, ['public']);
  assert.ok(d.id_token_signing_alg_values_supported.includes('RS256'), 'Discovery requires RS256');
  assert.deepEqual(d.code_challenge_methods_supported, ['S256']);
  assert.deepEqual(d.token_endpoint_auth_methods_supported, ['client_secret_basic', 'client_secret_post', 'none']);
  assert.deepEqual(d.scopes_supported, ['openid', 'profile', 'email', 'offline_access']);
  assert.equal(d.authorization_response_iss_parameter_supported, true);
});

test('a confidential first-party client: code flow with PKCE, ID token, UserInfo, refresh', async () => {
  const client = createClient('--name', 'Grafana', '--redirect-uri', REDIRECT, '--first-party');
  const config = await configFor(client, oidc.ClientSecretBasic(client.client_secret));
  const { visitor, email } = await signedInVisitor();
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: REDIRECT, scope: 'openid profile email offline_access', state, nonce,
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
  });
  const callback = await authorize(visitor, url);
  assert.equal(callback.searchParams.get('state'), state);
  assert.equal(callback.searchParams.get('iss'), gh.url);

  const tokens = await oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce });
  const claims = tokens.claims();
  assert.equal(claims.iss, gh.url);
  assert.equal(claims.aud, client.client_id);
  assert.equal(claims.azp, client.client_id);
  assert.equal(claims.email, email);
  assert.equal(claims.email_verified, true);
  assert.equal(claims.nonce, nonce);
  assert.deepEqual(claims.amr, ['pwd']);
  assert.ok(claims.sid && claims.auth_time <= claims.iat);
  assert.equal(jose.decodeProtectedHeader(tokens.id_token).alg, 'RS256');
  assert.ok(tokens.refresh_token, 'offline_access gives a refresh token');
  assert.equal(tokens.token_type.toLowerCase(), 'bearer');

  // The access token is an RFC 9068 JWT for this client, verifiable with the JWKS.
  const jwks = jose.createLocalJWKSet((await gh.get('/.well-known/jwks.json')).body);
  const { payload, protectedHeader } = await jose.jwtVerify(tokens.access_token, jwks, { issuer: gh.url, audience: client.client_id, typ: 'at+jwt' });
  assert.equal(protectedHeader.typ, 'at+jwt');
  assert.equal(payload.client_id, client.client_id);
  assert.equal(payload.scope, 'openid profile email offline_access');
  assert.equal(payload.sub, claims.sub);

  const info = await oidc.fetchUserInfo(config, tokens.access_token, claims.sub);
  assert.equal(info.email, email);
  assert.equal(info.email_verified, true);

  // Not a Gatehouse API token: /v1/me and the proxy check refuse it.
  assert.equal((await gh.get('/v1/me', { token: tokens.access_token })).status, 401);
  assert.equal((await gh.get('/v1/auth/check', { token: tokens.access_token })).status, 401);

  const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token);
  assert.notEqual(refreshed.refresh_token, tokens.refresh_token);
  assert.equal(refreshed.claims().sub, claims.sub);
  assert.equal(refreshed.claims().nonce, undefined, 'a refreshed ID token has no nonce');
  assert.equal(refreshed.claims().auth_time, claims.auth_time);
  // The rotated-away refresh token used again: reuse, and the grant is revoked.
  await assert.rejects(oidc.refreshTokenGrant(config, tokens.refresh_token), (e) => e.error === 'invalid_grant');
  await assert.rejects(oidc.refreshTokenGrant(config, refreshed.refresh_token), (e) => e.error === 'invalid_grant');
  await assert.rejects(oidc.fetchUserInfo(config, refreshed.access_token, claims.sub));
});

test('a public client with client_secret_post refused, none required; the consent page for a third party', async () => {
  const client = createClient('--name', 'Photo <App>', '--redirect-uri', REDIRECT, '--public');
  const config = await configFor(client, oidc.None());
  const { visitor } = await signedInVisitor();
  const verifier = oidc.randomPKCECodeVerifier();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: REDIRECT, scope: 'openid email', state: 's1',
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
  });
  const page = await visitor.get(url.pathname + url.search);
  assert.equal(page.status, 200);
  assert.match(page.html, /Photo &lt;App&gt;/, 'the client name, escaped');
  assert.match(page.headers.get('content-security-policy'), /form-action 'self'[^;]* http:\/\/127\.0\.0\.1:9[ ;]/);
  const callback = await authorize(visitor, url);
  const tokens = await oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: 's1' });
  assert.equal(tokens.refresh_token, undefined, 'no offline_access, no refresh token');
  assert.equal(tokens.claims().name, undefined, 'no profile scope');

  // Consent is remembered: the next authorization goes straight back.
  const again = await visitor.get(url.pathname + url.search);
  assert.equal(again.status, 303);
  assert.ok(again.location.startsWith(REDIRECT));

  // Denied: access_denied at the redirect URI, with the state and iss.
  const other = createClient('--name', 'Other', '--redirect-uri', REDIRECT, '--public');
  const otherConfig = await configFor(other, oidc.None());
  const denied = await authorize(visitor, oidc.buildAuthorizationUrl(otherConfig, {
    redirect_uri: REDIRECT, scope: 'openid', state: 'xyz',
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
  }), { consent: 'deny' });
  assert.equal(denied.searchParams.get('error'), 'access_denied');
  assert.equal(denied.searchParams.get('state'), 'xyz');
  assert.equal(denied.searchParams.get('iss'), gh.url);
});

test('signing in from the authorization request returns to it', async () => {
  const client = createClient('--name', 'Wiki', '--redirect-uri', REDIRECT, '--first-party');
  const config = await configFor(client, oidc.ClientSecretPost(client.client_secret));
  const email = uniqueEmail();
  const password = await gh.createVerifiedUser(email);
  const visitor = new Visitor(gh);
  const url = oidc.buildAuthorizationUrl(config, { redirect_uri: REDIRECT, scope: 'openid', state: 'st', login_hint: email });
  let r = await visitor.get(url.pathname + url.search);
  assert.equal(r.status, 303);
  const signIn = new URL(r.location, gh.url);
  assert.equal(signIn.pathname, '/sign-in');
  r = await visitor.get(signIn.pathname + signIn.search);
  assert.ok(r.html.includes(`value="${email}"`), 'login_hint fills the address');
  const returnTo = signIn.searchParams.get('return_to');
  r = await visitor.post('/sign-in', { email, password, return_to: returnTo });
  assert.equal(r.status, 303);
  assert.equal(r.location, gh.url + returnTo);
  r = await visitor.get(returnTo);
  assert.equal(r.status, 303);
  const tokens = await oidc.authorizationCodeGrant(config, new URL(r.location), { expectedState: 'st' });
  assert.ok(tokens.id_token);
});

test('revocation (RFC 7009) ends the grant; introspection (RFC 7662) tells live tokens from dead ones', async () => {
  const client = createClient('--name', 'API gateway', '--redirect-uri', REDIRECT, '--first-party');
  const config = await configFor(client, oidc.ClientSecretPost(client.client_secret));
  const { visitor } = await signedInVisitor();
  const grant = async (scope) => {
    const url = oidc.buildAuthorizationUrl(config, { redirect_uri: REDIRECT, scope, state: 's' });
    return oidc.authorizationCodeGrant(config, await authorize(visitor, url), { expectedState: 's' });
  };
  const tokens = await grant('openid email offline_access');

  let info = await oidc.tokenIntrospection(config, tokens.access_token);
  assert.equal(info.active, true);
  assert.equal(info.client_id, client.client_id);
  assert.equal(info.scope, 'openid email offline_access');
  assert.equal(info.sub, tokens.claims().sub);
  assert.equal(info.token_type, 'Bearer');
  assert.ok(info.exp > info.iat);
  for (const junk of ['abc', tokens.id_token, tokens.access_token.slice(0, -2)]) {
    assert.equal((await oidc.tokenIntrospection(config, junk)).active, false);
  }
  // Gatehouse's own access tokens can be introspected too.
  const email = uniqueEmail();
  const own = await gh.login(email, await gh.createVerifiedUser(email));
  info = await oidc.tokenIntrospection(config, own.access_token);
  assert.equal(info.active, true);
  assert.equal(info.aud, 'gatehouse');
  assert.equal(info.client_id, undefined);

  // Revoking the refresh token ends the whole grant, its access token included.
  await oidc.tokenRevocation(config, tokens.refresh_token);
  assert.equal((await oidc.tokenIntrospection(config, tokens.access_token)).active, false);
  await assert.rejects(oidc.refreshTokenGrant(config, tokens.refresh_token), (e) => e.error === 'invalid_grant');
  // Revoking again, or revoking junk, is still 200.
  await oidc.tokenRevocation(config, tokens.refresh_token);
  await oidc.tokenRevocation(config, 'not-a-token');

  // Another client can neither revoke this client's grant nor introspect without its secret.
  const second = await grant('openid');
  const other = createClient('--name', 'Other', '--redirect-uri', REDIRECT, '--first-party');
  const otherConfig = await configFor(other, oidc.ClientSecretBasic(other.client_secret));
  await oidc.tokenRevocation(otherConfig, second.access_token);
  assert.equal((await oidc.tokenIntrospection(config, second.access_token)).active, true, "not another client's to revoke");
  const wrong = await configFor(client, oidc.ClientSecretBasic('wrong'));
  // invalid_client is 401 with a Basic challenge, which openid-client reports as such.
  const refusedClient = (e) => e.status === 401 && e.cause?.[0]?.scheme === 'basic';
  await assert.rejects(oidc.tokenIntrospection(wrong, second.access_token), refusedClient);
  const pub = createClient('--name', 'SPA', '--redirect-uri', REDIRECT, '--public');
  await assert.rejects(oidc.tokenIntrospection(await configFor(pub, oidc.None()), second.access_token), refusedClient);
  // Revoking the access token ends the grant as well.
  await oidc.tokenRevocation(config, second.access_token);
  assert.equal((await oidc.tokenIntrospection(config, second.access_token)).active, false);
  const d = (await gh.get('/.well-known/openid-configuration')).body;
  assert.equal(d.revocation_endpoint, gh.url + '/oauth2/revoke');
  assert.equal(d.introspection_endpoint, gh.url + '/oauth2/introspect');
});

test('connected apps in the account center: listed with what they see, and disconnected', async () => {
  const client = createClient('--name', 'Recipes & Co', '--redirect-uri', REDIRECT);
  const config = await configFor(client, oidc.ClientSecretBasic(client.client_secret));
  const { visitor } = await signedInVisitor();
  let page = await visitor.get('/account');
  assert.match(page.html, /not signed in to any app/);
  const url = oidc.buildAuthorizationUrl(config, { redirect_uri: REDIRECT, scope: 'openid email offline_access', state: 's' });
  const tokens = await oidc.authorizationCodeGrant(config, await authorize(visitor, url), { expectedState: 's' });
  page = await visitor.get('/account');
  assert.match(page.html, /<strong>Recipes &amp; Co<\/strong>/);
  assert.match(page.html, /your e-mail address/);
  assert.match(page.html, /keeps access while you are away/);
  assert.doesNotMatch(page.html, /your name/);
  assert.ok(page.html.includes(`name="client_id" value="${client.client_id}"`));

  const out = await visitor.post('/account/apps', { client_id: client.client_id });
  assert.equal(out.status, 303);
  assert.equal(out.location, '/account?done=app');
  assert.match((await visitor.get(out.location)).html, /The app is disconnected/);
  assert.equal((await oidc.tokenIntrospection(config, tokens.access_token)).active, false, 'its grant ended');
  await assert.rejects(oidc.refreshTokenGrant(config, tokens.refresh_token));
  const again = await visitor.get(url.pathname + url.search);
  assert.equal(again.status, 200, 'the consent is forgotten: the page asks again');
  assert.match(again.html, /action="\/oauth2\/consent"/);
  // Bad input changes nothing.
  assert.equal((await visitor.post('/account/apps', { client_id: 'nobody' })).status, 303);
  assert.equal((await visitor.post('/account/apps', {})).status, 422);
  assert.equal((await visitor.post('/account/apps', { client_id: client.client_id, csrf: 'wrong' })).status, 403);
});

test('client_credentials: a machine client gets a token with no user, which introspection knows and revocation ends', async () => {
  const machine = createClient('--name', 'Billing job', '--grant', 'client_credentials');
  const config = await configFor(machine, oidc.ClientSecretBasic(machine.client_secret));
  const issued = await oidc.clientCredentialsGrant(config);
  assert.equal(issued.token_type.toLowerCase(), 'bearer');
  assert.equal(issued.refresh_token, undefined);
  assert.equal(issued.id_token, undefined);
  const jwks = jose.createLocalJWKSet((await gh.get('/.well-known/jwks.json')).body);
  const { payload } = await jose.jwtVerify(issued.access_token, jwks, { issuer: gh.url, audience: machine.client_id, typ: 'at+jwt' });
  assert.equal(payload.sub, machine.client_id);
  assert.equal(payload.client_id, machine.client_id);

  const api = createClient('--name', 'Billing API', '--grant', 'client_credentials');
  const apiConfig = await configFor(api, oidc.ClientSecretPost(api.client_secret));
  let info = await oidc.tokenIntrospection(apiConfig, issued.access_token);
  assert.equal(info.active, true);
  assert.equal(info.sub, machine.client_id);
  assert.equal((await gh.get('/oauth2/userinfo', { token: issued.access_token })).status, 403, 'no openid scope: no user to describe');
  assert.equal((await gh.get('/v1/me', { token: issued.access_token })).status, 401);

  await assert.rejects(oidc.clientCredentialsGrant(config, { scope: 'openid' }), (e) => e.error === 'invalid_scope');
  const web = createClient('--name', 'Web', '--redirect-uri', REDIRECT);
  await assert.rejects(oidc.clientCredentialsGrant(await configFor(web, oidc.ClientSecretBasic(web.client_secret))),
    (e) => e.error === 'unauthorized_client');

  await oidc.tokenRevocation(config, issued.access_token);
  info = await oidc.tokenIntrospection(apiConfig, issued.access_token);
  assert.equal(info.active, false, 'revoked at once');

  // Deleting the machine client ends its tokens too.
  const second = await oidc.clientCredentialsGrant(config);
  assert.equal((await oidc.tokenIntrospection(apiConfig, second.access_token)).active, true);
  const adminEmail = uniqueEmail('admin');
  const admin = await gh.login(adminEmail, gh.createAdmin(adminEmail));
  assert.equal((await gh.request('DELETE', `/v1/clients/${machine.client_id}`, { token: admin.access_token })).status, 204);
  assert.equal((await oidc.tokenIntrospection(apiConfig, second.access_token)).active, false);
});

// OpenID Connect in Debian's Chromium: an app (npm openid-client) sends the person to
// Gatehouse, who signs in on the hosted page, allows the app on the consent page and lands
// back at the app with a code; later the app signs them out. axe-core, console, CSP and
// origins are checked on each page, and the consent page is photographed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { spawnSync } from 'node:child_process';
import * as oidc from 'openid-client';
import { launchChromium, open, check } from './chromium.mjs';
import { Gatehouse, childEnv, uniqueEmail } from './support.mjs';

let gh, browser, app;

before(async () => {
  gh = await new Gatehouse().start();
  browser = await launchChromium();
  // The app: a callback page and a signed-out page, at an origin of their own.
  app = http.createServer((req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><html lang="en"><title>app</title><main><h1>App</h1></main></html>'));
  await new Promise((r) => app.listen(0, '127.0.0.1', r));
  app.origin = `http://127.0.0.1:${app.address().port}`;
});

after(async () => {
  await browser?.close();
  app.close();
  await gh.stop();
  gh.cleanup();
});

test('sign in to an app with Gatehouse in a browser: sign-in page, consent, back with a code; then sign out from the app', async () => {
  const redirect = `${app.origin}/callback`;
  const r = spawnSync(process.env.TEST_GATEHOUSE_BIN, ['client', 'create', '--name', 'Photo Book', '--public',
    '--redirect-uri', redirect, '--post-logout-redirect-uri', `${app.origin}/bye`, '--config', gh.configPath], { encoding: 'utf8', env: childEnv() });
  assert.equal(r.status, 0, r.stderr);
  const client = JSON.parse(r.stdout);
  const config = await oidc.discovery(new URL(gh.url), client.client_id, undefined, oidc.None(), { execute: [oidc.allowInsecureRequests] });
  const email = uniqueEmail('oidc');
  const password = await gh.createVerifiedUser(email, 'violet harbour lantern quietly');

  const w = await open(browser, gh, { allowedOrigins: [app.origin] });
  const { page } = w;
  const verifier = oidc.randomPKCECodeVerifier();
  const nonce = oidc.randomNonce();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: redirect, scope: 'openid profile email', state: 'photo-state', nonce, login_hint: email,
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
  });
  await page.goto(url.href);
  assert.equal(new URL(page.url()).pathname, '/sign-in');
  assert.equal(await page.inputValue('#email'), email, 'login_hint');
  await check(browser, gh, w, '');
  await page.fill('#password', password);
  await page.click('button[type=submit]');
  await page.waitForURL((u) => u.pathname === '/oauth2/authorize/continue');
  assert.match(await page.textContent('h1'), /Allow Photo Book\?/);
  await check(browser, gh, w, 'consent');
  await page.click('button[value=allow]');
  await page.waitForURL((u) => u.origin === app.origin);
  const callback = new URL(page.url());
  assert.equal(callback.pathname, '/callback');
  const tokens = await oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: 'photo-state', expectedNonce: nonce });
  assert.equal(tokens.claims().email, email);

  // The account center lists the app.
  await page.goto(`${gh.url}/account`);
  assert.match(await page.textContent('#apps-heading + p + ul'), /Photo Book/);
  await check(browser, gh, w, 'account-apps');

  // The app signs the person out (without an ID token hint a public app's request is confirmed).
  const end = oidc.buildEndSessionUrl(config, { client_id: client.client_id, post_logout_redirect_uri: `${app.origin}/bye`, state: 'b' });
  await page.goto(end.href);
  await check(browser, gh, w, 'sign-out-app');
  await page.click('button[type=submit]');
  await page.waitForURL((u) => u.origin === app.origin);
  assert.equal(new URL(page.url()).pathname, '/bye');
  assert.equal(new URL(page.url()).searchParams.get('state'), 'b');
  await page.goto(`${gh.url}/account`);
  assert.equal(new URL(page.url()).pathname, '/sign-in', 'signed out of Gatehouse too');
  assert.deepEqual(w.problems, []);
  await w.context.close();
});

test('a broken authorization request shows a page that says what to do, with no way to the app', async () => {
  const w = await open(browser, gh);
  await w.page.goto(`${gh.url}/oauth2/authorize?client_id=nobody&redirect_uri=https%3A%2F%2Fevil.example%2F&response_type=code&scope=openid`);
  assert.match(await w.page.textContent('h1'), /This sign-in link does not work/);
  assert.equal(await w.page.locator('a[href^="https://evil"]').count(), 0);
  // Its 400 status line is the page itself, which the console check allows.
  await check(browser, gh, w, 'authorize-error');
  await w.context.close();
});

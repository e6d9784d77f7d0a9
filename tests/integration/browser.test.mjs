// CORS and cookie mode in a real browser: Debian's Chromium, headless, driven by
// playwright-core. A page on the allowed origin signs in and calls the API; a page on
// another origin is stopped by the browser, and its cookie-carrying request by the CSRF check.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { chromium } from 'playwright-core';
import { Gatehouse, freePort, sleep, uniqueEmail } from './support.mjs';

let gh, browser, allowedSite, otherSite;

// A web site at its own origin serving one empty page.
async function startSite() {
  const port = await freePort();
  const server = http.createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>site</title>');
  });
  await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { origin: `http://127.0.0.1:${port}`, close: () => new Promise((r) => server.close(r)) };
}

before(async () => {
  [allowedSite, otherSite] = await Promise.all([startSite(), startSite()]);
  gh = await new Gatehouse({ cors: { allowed_origins: allowedSite.origin }, cookies: { enabled: true } }).start();
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
});
after(async () => {
  await browser?.close();
  await gh.stop();
  gh.cleanup();
  await Promise.all([allowedSite.close(), otherSite.close()]);
});

// Runs fetch(api + path, init) inside a page of `site`; returns {status, body, csrf} or {error}.
async function fetchFrom(page, path, init = {}) {
  return page.evaluate(
    async ({ url, init }) => {
      try {
        const r = await fetch(url, { credentials: 'include', ...init });
        const text = await r.text();
        return { status: r.status, body: text ? JSON.parse(text) : null, csrf: r.headers.get('x-csrf-token') };
      } catch (e) {
        return { error: String(e) };
      }
    },
    { url: gh.url + path, init },
  );
}

const json = (body, headers = {}) => ({ method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

test('a page on the allowed origin signs in with cookies and calls the API', async () => {
  const email = uniqueEmail('browser');
  const password = await gh.createVerifiedUser(email);
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(allowedSite.origin);

  const login = await fetchFrom(page, '/v1/auth/login', json({ email, password }));
  assert.equal(login.status, 200, JSON.stringify(login));
  assert.ok(login.csrf, 'the CSRF token is readable from the exposed header');
  const cookies = await context.cookies(gh.url);
  assert.deepEqual(cookies.map((c) => c.name).sort(), ['__Host-gh_at', '__Host-gh_csrf', '__Host-gh_rt'], 'the browser kept the __Host- cookies');
  assert.ok(cookies.every((c) => c.secure && c.sameSite === 'Strict'));

  const me = await fetchFrom(page, '/v1/me');
  assert.equal(me.status, 200, 'the access cookie authenticates');
  assert.equal(me.body.email, email);
  const withoutToken = await fetchFrom(page, '/v1/me/sessions/revoke', json({ session_ids: [] }));
  assert.equal(withoutToken.status, 403);
  assert.equal(withoutToken.body.code, 'csrf_failed');
  const withToken = await fetchFrom(page, '/v1/me/sessions/revoke', json({ session_ids: [] }, { 'x-csrf-token': login.csrf }));
  assert.equal(withToken.status, 200);
  const refreshed = await fetchFrom(page, '/v1/auth/refresh', { method: 'POST', headers: { 'x-csrf-token': login.csrf } });
  assert.equal(refreshed.status, 200, JSON.stringify(refreshed));
  await context.close();
});

test('a page on another origin cannot call the API, and its blind cookie request is refused', async () => {
  const email = uniqueEmail('victim');
  const password = await gh.createVerifiedUser(email);
  const context = await browser.newContext();
  const app = await context.newPage();
  await app.goto(allowedSite.origin);
  assert.equal((await fetchFrom(app, '/v1/auth/login', json({ email, password }))).status, 200);

  const evil = await context.newPage();
  await evil.goto(otherSite.origin);
  const read = await fetchFrom(evil, '/v1/me');
  assert.match(read.error ?? '', /Failed to fetch/, 'the browser withholds the answer');
  const newcomer = uniqueEmail('cross-origin');
  const register = await fetchFrom(evil, '/v1/auth/register', json({ email: newcomer, password: 'quiet lantern over the harbour' }));
  assert.match(register.error ?? '', /Failed to fetch/);
  assert.equal(gh.sql(`SELECT COUNT(*) FROM users WHERE email = '${newcomer}'`), '0', 'the refused preflight kept the request from being sent');

  // A "simple" request needs no preflight and carries the cookies (same site, other origin);
  // it cannot carry the CSRF header, so logout is refused and the session lives on.
  const blind = await evil.evaluate(async (url) => {
    await fetch(url, { method: 'POST', mode: 'no-cors', credentials: 'include' });
    return 'sent';
  }, `${gh.url}/v1/auth/logout`);
  assert.equal(blind, 'sent');
  const refusedLogout = /"method":"POST","path":"\/v1\/auth\/logout","status":403/;
  for (let i = 0; i < 40 && !refusedLogout.test(gh.logs); i++) await sleep(50);  // logged after the answer
  assert.match(gh.logs, refusedLogout, 'it arrived, and was refused');
  assert.equal((await fetchFrom(app, '/v1/me')).status, 200, 'still signed in');
  await context.close();
});

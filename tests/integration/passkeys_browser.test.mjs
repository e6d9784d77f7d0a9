// Passkeys on the hosted pages in Debian's Chromium, with CDP virtual authenticators (a
// platform authenticator with resident keys and user verification; a USB security key
// without either): add one in the account center, sign in with the button and through the
// browser's autofill (conditional UI), a security key as the second step, remove it; and
// what must be refused — another origin, a replayed assertion, a reused challenge, a counter
// going back. axe, console, CSP and origins are checked on every page, as for the others.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { launchChromium, open as openWindow, check as checkPage } from './chromium.mjs';
import { Gatehouse, freePort, totp, uniqueEmail } from './support.mjs';

const open = (options) => openWindow(browser, gh, options);
const check = (w, name) => checkPage(browser, gh, w, name);

let gh, browser;
before(async () => {
  gh = await new Gatehouse({}, { publicHost: 'localhost' }).start();
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await gh.stop();
  gh.cleanup();
});

const PLATFORM = { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true };
const SECURITY_KEY = { protocol: 'ctap2', transport: 'usb', hasResidentKey: false, hasUserVerification: false, automaticPresenceSimulation: true };

async function authenticator(page, options) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', { options });
  return { cdp, authenticatorId };
}

// A browser without passkey autofill (conditional mediation): the virtual authenticator
// answers an autofill request at once, which would sign in before the button is reached.
async function withoutAutofill(w) {
  await w.context.addInitScript(() => {
    PublicKeyCredential.isConditionalMediationAvailable = undefined;
  });
  return w;
}

async function passwordSignIn(page, email, password) {
  await page.goto(`${gh.url}/sign-in`);
  await page.fill('#email', email);
  await page.fill('#password', password);
  await page.click('form[action="/sign-in"] button[type=submit]');
}

async function signOut(page) {
  await page.goto(`${gh.url}/sign-out`);
  await page.click('button[type=submit]');
  await page.waitForSelector('[role=status]');
}

// A signed-in user with a passkey added on the account page: {email, password}.
async function withPasskey(w, name, shots = false) {
  const { page } = w;
  const email = uniqueEmail('pkui');
  const password = await gh.createVerifiedUser(email);
  await passwordSignIn(page, email, password);
  await page.waitForURL(`${gh.url}/account`);
  await page.click('text=Manage passkeys');
  await page.waitForSelector('form[data-passkey-add]:not([hidden])');
  if (shots) await check(w, 'passkeys-none');
  await page.fill('#passkey-name', name);
  await page.fill('#passkey-password', password);
  await page.click('form[data-passkey-add] button[type=submit]');
  // The first second factor: its recovery codes, shown once.
  await page.waitForSelector('ol.codes');
  assert.equal(await page.locator('ol.codes li').count(), 10);
  assert.match(await page.textContent('[role=status]'), /passkey is added/);
  if (shots) await check(w, 'passkey-recovery-codes');
  return { email, password };
}

test('add a passkey on the account page, sign out, sign in with it: the button, then autofill', async () => {
  const w = await withoutAutofill(await open());
  const { page } = w;
  const platform = await authenticator(page, PLATFORM);
  const { email } = await withPasskey(w, 'This laptop', true);
  await page.goto(`${gh.url}/account/passkeys`);
  assert.match(await page.textContent('ul.sessions'), /This laptop/);
  assert.match(await page.textContent('ul.sessions'), /not used yet/);
  await check(w, 'passkeys');

  await signOut(page);
  await page.goto(`${gh.url}/sign-in`);
  assert.equal(await page.getAttribute('#email', 'autocomplete'), 'username webauthn');
  await page.waitForSelector('form[data-passkey-sign-in]:not([hidden])');
  await check(w, 'sign-in-passkey');
  await page.click('text=Sign in with a passkey');
  await page.waitForURL(`${gh.url}/account`);
  assert.ok((await page.textContent('main')).includes(email));
  assert.deepEqual(w.problems, []);

  // Autofill (conditional UI) in a browser that has it: the passkey is offered from the
  // e-mail field, and the virtual authenticator picks it as a person would — no click.
  const other = await open();
  const device = await authenticator(other.page, PLATFORM);
  const { credentials } = await platform.cdp.send('WebAuthn.getCredentials', { authenticatorId: platform.authenticatorId });
  await device.cdp.send('WebAuthn.addCredential', { authenticatorId: device.authenticatorId, credential: credentials[0] });
  await other.page.goto(`${gh.url}/sign-in`);
  await other.page.waitForURL(`${gh.url}/account`);
  assert.equal(await other.page.evaluate(() => PublicKeyCredential.isConditionalMediationAvailable()), true);
  await other.page.goto(`${gh.url}/account/passkeys`);
  assert.match(await other.page.textContent('ul.sessions'), /last used/);
  assert.deepEqual(other.problems, []);
  await other.context.close();
  await w.context.close();
});

test('a security key as the second step after the password; renamed, then removed', async () => {
  const w = await open();
  const { page } = w;
  await authenticator(page, SECURITY_KEY);
  const { email, password } = await withPasskey(w, 'YubiKey');
  await signOut(page);
  await passwordSignIn(page, email, password);
  await page.waitForURL(/\/sign-in\/second-factor/);
  await page.waitForSelector('form[data-passkey-second-factor]:not([hidden])');
  assert.equal(await page.isVisible('[data-passkeys-unsupported]'), false);
  await check(w, 'second-factor-key');
  await page.click('text=Use passkey or security key');
  await page.waitForURL(`${gh.url}/account`);

  await page.goto(`${gh.url}/account/passkeys`);
  await page.click('summary:has-text("Rename")');
  await page.fill('ul.sessions input[name=name]', 'Blue key');
  await page.click('text=Save name');
  assert.match(await page.textContent('[role=status]'), /renamed/);
  assert.match(await page.textContent('ul.sessions'), /Blue key/);
  await page.click('summary:has-text("Remove")');
  await page.fill('ul.sessions input[name=password]', 'not the password');
  await page.click('text=Remove this passkey');
  assert.match(await page.textContent('[role=alert]'), /current password is not right/);
  await check(w, 'passkey-remove-wrong-password');
  await page.click('summary:has-text("Remove")');
  await page.fill('ul.sessions input[name=password]', password);
  await page.click('text=Remove this passkey');
  assert.match(await page.textContent('[role=status]'), /removed/);
  assert.match(await page.textContent('main'), /no passkeys yet/);
  // No second factor left: the password alone signs in again.
  await signOut(page);
  await passwordSignIn(page, email, password);
  await page.waitForURL(`${gh.url}/account`);
  assert.deepEqual(w.problems, []);
  await w.context.close();
});

test('with an authenticator app as well, a passkey is removed with a code of the app', async () => {
  const w = await open();
  const { page } = w;
  await authenticator(page, SECURITY_KEY);
  const { password } = await withPasskey(w, 'Spare key');
  await page.goto(`${gh.url}/account/two-factor`);
  await page.fill('#totp-password', password);
  await page.click('#totp-heading >> xpath=.. >> button');
  const secret = await page.textContent('code.secret');
  await page.fill('#code', totp(secret));
  await page.click('button[type=submit]');
  await page.waitForURL(/\/account\/two-factor\?done=totp/);

  await page.goto(`${gh.url}/account/passkeys`);
  await page.click('summary:has-text("Remove")');
  const code = page.locator('ul.sessions input[name=code]');
  assert.equal(await code.getAttribute('autocomplete'), 'one-time-code');
  assert.match(await code.getAttribute('id'), /^code-/);
  await check(w, 'passkey-remove-code');
  await code.fill(totp(secret, 1)); // the next step: the current one confirmed the app
  await page.click('text=Remove this passkey');
  assert.match(await page.textContent('[role=status]'), /removed/);
  assert.match(await page.textContent('main'), /no passkeys yet/);
  assert.deepEqual(w.problems, []);
  await w.context.close();
});

test('refused: a counter going back, a replayed assertion, a reused challenge', async () => {
  const w = await withoutAutofill(await open());
  const { page } = w;
  const { cdp, authenticatorId } = await authenticator(page, PLATFORM);
  await withPasskey(w, 'Phone');
  await signOut(page);

  // A sign-in whose assertion and options are kept, as someone watching the wire would.
  let options, assertion;
  await page.route('**/sign-in/passkey/options', async (route) => {
    const answer = await route.fetch();
    options = await answer.json();
    await route.fulfill({ response: answer });
  });
  page.on('request', (r) => {
    if (r.url().endsWith('/sign-in/passkey') && r.method() === 'POST') {
      assertion = new URLSearchParams(r.postData()).get('assertion');
    }
  });
  await page.goto(`${gh.url}/sign-in`);
  await page.click('text=Sign in with a passkey');
  await page.waitForURL(`${gh.url}/account`);
  assert.ok(options && assertion);
  const replay = await gh.post('/v1/auth/passkey', { assertion: JSON.parse(assertion) });
  assert.equal(replay.status, 401, 'the same assertion again');
  assert.equal(replay.body.code, 'invalid_token');
  // A fresh signature over the used challenge.
  const again = await page.evaluate(async (json) => {
    const b = (s) => Uint8Array.from(atob(s.replace(/-/g, '+').replace(/_/g, '/') + '==='.slice((s.length + 3) % 4)), (c) => c.charCodeAt(0));
    const t = (buf) => btoa(String.fromCharCode(...new Uint8Array(buf))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
    const c = await navigator.credentials.get({ publicKey: { ...json, challenge: b(json.challenge), allowCredentials: [] } });
    return { id: c.id, rawId: t(c.rawId), type: c.type, response: { clientDataJSON: t(c.response.clientDataJSON), authenticatorData: t(c.response.authenticatorData), signature: t(c.response.signature), userHandle: t(c.response.userHandle) } };
  }, options);
  const reused = await gh.post('/v1/auth/passkey', { assertion: again });
  assert.equal(reused.status, 401, 'the challenge was used');
  assert.equal(reused.body.code, 'invalid_token');

  // The authenticator's counter put back below the stored one: a clone.
  const [credential] = (await cdp.send('WebAuthn.getCredentials', { authenticatorId })).credentials;
  assert.ok(credential.signCount >= 2);
  await cdp.send('WebAuthn.removeCredential', { authenticatorId, credentialId: credential.credentialId });
  await cdp.send('WebAuthn.addCredential', { authenticatorId, credential: { ...credential, signCount: 0 } });
  await signOut(page);
  await page.goto(`${gh.url}/sign-in`);
  await page.click('text=Sign in with a passkey');
  await page.waitForSelector('[role=alert]');
  assert.match(await page.textContent('[role=alert]'), /did not sign you in/);
  assert.equal(new URL(page.url()).pathname, '/sign-in/passkey');
  await check(w, 'sign-in-passkey-refused');
  await w.context.close();
});

test('a passkey used on another origin (a look-alike site on another port) is refused', async () => {
  const w = await open();
  const { page } = w;
  const victim = await authenticator(page, PLATFORM);
  await withPasskey(w, 'Laptop');
  // The phishing page: same RP ID (localhost), another origin; it asks Gatehouse for a
  // challenge and relays what the browser signs.
  const port = await freePort();
  const evil = http.createServer((req, res) => {
    res.setHeader('content-type', 'text/html');
    res.end('<!doctype html><title>Sign in</title><p>Sign in</p>');
  });
  await new Promise((r) => evil.listen(port, '127.0.0.1', r));
  try {
    const options = (await gh.post('/v1/auth/passkey/options', {})).body;
    const phished = await browser.newContext();
    const evilPage = await phished.newPage();
    const cdp = await phished.newCDPSession(evilPage);
    await cdp.send('WebAuthn.enable');
    const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', { options: PLATFORM });
    // The victim's credential, copied into this window's authenticator (the same device).
    const { credentials } = await victim.cdp.send('WebAuthn.getCredentials', { authenticatorId: victim.authenticatorId });
    assert.equal(credentials.length, 1);
    await cdp.send('WebAuthn.addCredential', { authenticatorId, credential: credentials[0] });
    await evilPage.goto(`http://localhost:${port}/`);
    const assertion = await evilPage.evaluate(async (json) => {
      const b = (s) => Uint8Array.from(atob(s.replace(/-/g, '+').replace(/_/g, '/') + '==='.slice((s.length + 3) % 4)), (c) => c.charCodeAt(0));
      const t = (buf) => btoa(String.fromCharCode(...new Uint8Array(buf))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
      const c = await navigator.credentials.get({ publicKey: { ...json, challenge: b(json.challenge), allowCredentials: [] } });
      return { id: c.id, rawId: t(c.rawId), type: c.type, response: { clientDataJSON: t(c.response.clientDataJSON), authenticatorData: t(c.response.authenticatorData), signature: t(c.response.signature), userHandle: t(c.response.userHandle) } };
    }, options);
    assert.equal(JSON.parse(Buffer.from(assertion.response.clientDataJSON, 'base64url')).origin, `http://localhost:${port}`);
    const relayed = await gh.post('/v1/auth/passkey', { assertion });
    assert.equal(relayed.status, 401);
    assert.equal(relayed.body.code, 'invalid_credentials');
    await phished.close();
  } finally {
    evil.close();
  }
  await w.context.close();
});

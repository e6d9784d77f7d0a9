// The passkey pages as a browser without JavaScript meets them, and their script endpoints
// fed by the software authenticator instead of a browser: every form's success and bad input
// (nothing made without the script, garbage credentials, a wrong password or app code, another
// user's passkey, no CSRF token), and the pages of a server whose passkeys are off.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Gatehouse, totp, uniqueEmail } from './support.mjs';
import { Visitor, alertOf } from './visitor.mjs';
import { SoftAuthenticator } from './soft_authenticator.mjs';

let gh;
before(async () => {
  gh = await new Gatehouse({}, { publicHost: 'localhost' }).start();
});
after(async () => {
  await gh.stop();
  gh.cleanup();
});

const json = (r) => JSON.parse(r.html);

async function signedInVisitor() {
  const email = uniqueEmail('pkpage');
  const password = await gh.createVerifiedUser(email);
  const visitor = new Visitor(gh);
  assert.equal((await visitor.signIn(email, password)).status, 303);
  return { email, password, visitor };
}

// Adds a passkey the way passkeys.js does: options after the password, then the credential.
async function addPasskey(visitor, password, key, name = 'Laptop') {
  const options = await visitor.post('/account/passkeys/options', { password });
  assert.equal(options.status, 200, options.html);
  assert.match(options.headers.get('content-type'), /^application\/json/);
  return visitor.post('/account/passkeys', { credential: JSON.stringify(key.create(json(options))), name });
}

test('adding a passkey from the account page: the options, the credential, then recovery codes once', async () => {
  const { password, visitor } = await signedInVisitor();
  const key = new SoftAuthenticator({ origin: gh.url });
  const page = await visitor.get('/account/passkeys');
  assert.equal(page.status, 200);
  assert.match(page.html, /<form method="post" action="\/account\/passkeys" data-passkey-add[^>]* hidden/, 'hidden until the script runs');
  assert.match(page.html, /You have no passkeys yet/);
  assert.match(page.html, /<script src="\/ui\/passkeys.js" defer>/);

  const first = await addPasskey(visitor, password, key, 'Work laptop');
  assert.equal(first.status, 200);
  assert.equal((first.html.match(/<li><code>/g) ?? []).length, 10, 'the first factor brings recovery codes');
  const second = await addPasskey(visitor, password, new SoftAuthenticator({ origin: gh.url }), '');
  assert.equal(second.status, 303);
  assert.equal(second.location, '/account/passkeys?done=added');
  const list = await visitor.get('/account/passkeys?done=added');
  assert.match(list.html, /Your passkey is added/);
  assert.match(list.html, /<strong>Work laptop<\/strong>/);
  assert.match(list.html, /<strong>Passkey<\/strong>/, 'no name given: "Passkey"');
});

test('the add form refuses what it cannot use, and changes nothing', async () => {
  const { email, password, visitor } = await signedInVisitor();
  const count = () => gh.sql(`SELECT COUNT(*) FROM passkeys p JOIN users u ON u.id = p.user_id WHERE u.email = '${email}'`);
  const wrong = await visitor.post('/account/passkeys/options', { password: 'not it' });
  assert.equal(wrong.status, 401);
  assert.equal(json(wrong).message, 'Your current password is not right.');
  const noCsrf = await visitor.post('/account/passkeys/options', { password, csrf: 'forged' });
  assert.equal(noCsrf.status, 403);
  assert.match(json(noCsrf).message, /form expired/);
  const signedOut = new Visitor(gh);
  await signedOut.get('/sign-in');
  const anonymous = await signedOut.post('/account/passkeys/options', { password });
  assert.equal(anonymous.status, 401);
  assert.match(json(anonymous).message, /signed out/);

  const noScript = await visitor.post('/account/passkeys', { credential: '', name: 'x' });
  assert.equal(noScript.status, 422);
  assert.match(noScript.html, /needs JavaScript and WebAuthn/);
  for (const credential of ['not json', '[]', '{"type":"public-key"}', JSON.stringify({ id: 'x'.repeat(200000) })]) {
    const r = await visitor.post('/account/passkeys', { credential, name: 'x' });
    assert.equal(r.status, 422, credential.slice(0, 40));
    assert.match(r.html, /passkey was refused/);
  }
  const key = new SoftAuthenticator({ origin: gh.url });
  const options = json(await visitor.post('/account/passkeys/options', { password }));
  const badName = await visitor.post('/account/passkeys', { credential: JSON.stringify(key.create(options)), name: 'a\u0001b' });
  assert.equal(badName.status, 422);
  assert.match(badName.html, /at most 64 characters/);
  const fromElsewhere = key.create(json(await visitor.post('/account/passkeys/options', { password })), { origin: 'https://evil.example' });
  assert.equal((await visitor.post('/account/passkeys', { credential: JSON.stringify(fromElsewhere) })).status, 422);
  assert.equal(count(), '0');
});

test('rename and remove on the page: the owner only, removal after the password', async () => {
  const { password, visitor } = await signedInVisitor();
  await addPasskey(visitor, password, new SoftAuthenticator({ origin: gh.url }));
  const list = (await visitor.get('/account/passkeys')).html;
  assert.doesNotMatch(list, /name="code"/, 'no app code without an authenticator app');
  const id = list.match(/action="\/account\/passkeys\/([A-Za-z0-9_-]+)\/rename"/)[1];
  const other = await signedInVisitor();
  const theirs = await other.visitor.post(`/account/passkeys/${id}/rename`, { name: 'Mine now' });
  assert.equal(theirs.status, 404);
  assert.match(theirs.html, /no longer on your account/);
  assert.equal((await other.visitor.post(`/account/passkeys/${id}/remove`, { password: other.password })).status, 404);
  const badName = await visitor.post(`/account/passkeys/${id}/rename`, { name: 'x'.repeat(65) });
  assert.equal(badName.status, 422);
  const renamed = await visitor.post(`/account/passkeys/${id}/rename`, { name: 'Blue key' });
  assert.equal(renamed.location, '/account/passkeys?done=renamed');
  const wrong = await visitor.post(`/account/passkeys/${id}/remove`, { password: 'not it' });
  assert.equal(wrong.status, 401);
  assert.match(wrong.html, /current password is not right/);
  const removed = await visitor.post(`/account/passkeys/${id}/remove`, { password });
  assert.equal(removed.location, '/account/passkeys?done=removed');
  assert.match((await visitor.get('/account/passkeys?done=removed')).html, /The passkey is removed/);
  assert.equal((await visitor.post(`/account/passkeys/${id}/remove`, { password })).status, 404);
});

test('removal on the page with a code of the authenticator app in place of the password', async () => {
  const { password, visitor } = await signedInVisitor();
  const setup = await visitor.post('/account/two-factor/totp', { password });
  const secret = setup.html.match(/<code class="secret">([A-Z2-7 ]+)<\/code>/)[1];
  assert.equal((await visitor.post('/account/two-factor/totp/confirm', { code: totp(secret) })).status, 200);
  await addPasskey(visitor, password, new SoftAuthenticator({ origin: gh.url }));
  const list = (await visitor.get('/account/passkeys')).html;
  const id = list.match(/action="\/account\/passkeys\/([A-Za-z0-9_-]+)\/remove"/)[1];
  assert.match(list, new RegExp(`<input id="code-${id}" name="code" type="text" inputmode="numeric" autocomplete="one-time-code"`));
  const valid = [-1, 0, 1, 2].map((step) => totp(secret, step));
  const badCode = ['000000', '111111', '222222', '333333'].find((c) => !valid.includes(c));
  const wrong = await visitor.post(`/account/passkeys/${id}/remove`, { code: badCode });
  assert.equal(wrong.status, 401);
  assert.match(wrong.html, /id="list-error">That code is not right/);
  assert.match(wrong.html, new RegExp(`action="/account/passkeys/${id}/remove"`), 'still there');
  const removed = await visitor.post(`/account/passkeys/${id}/remove`, { code: totp(secret, 1) });
  assert.equal(removed.location, '/account/passkeys?done=removed');
  assert.doesNotMatch((await visitor.get('/account/passkeys')).html, new RegExp(id));
});

test('signing in on the page with a passkey, and what the sign-in form says when it fails', async () => {
  const { email, password, visitor } = await signedInVisitor();
  const key = new SoftAuthenticator({ origin: gh.url });
  await addPasskey(visitor, password, key);
  const browser = new Visitor(gh);
  const form = await browser.get('/sign-in?return_to=%2Faccount%2Fpasskeys');
  assert.match(form.html, /autocomplete="username webauthn"/);
  assert.match(form.html, /data-passkey-sign-in[^>]* hidden/);
  const options = await browser.post('/sign-in/passkey/options', {});
  assert.equal(options.status, 200);
  assert.deepEqual(json(options).allowCredentials, []);
  assert.equal((await browser.post('/sign-in/passkey/options', { csrf: 'forged' })).status, 403);

  for (const assertion of ['', 'not json', '{}', JSON.stringify(key.get(json(options), { origin: 'https://evil.example' }))]) {
    const r = await browser.post('/sign-in/passkey', { assertion, return_to: '/account/passkeys' });
    assert.equal(r.status, 401, assertion.slice(0, 30));
    assert.match(alertOf(r.html), /passkey did not sign you in/);
    assert.doesNotMatch(r.html, /aria-invalid/, 'the e-mail and password were not the problem');
  }
  const used = key.get(json(options));  // its challenge was used by the refused attempt above
  assert.match(alertOf((await browser.post('/sign-in/passkey', { assertion: JSON.stringify(used) })).html), /took too long/);

  const fresh = key.get(json(await browser.post('/sign-in/passkey/options', {})));
  const signedIn = await browser.post('/sign-in/passkey', { assertion: JSON.stringify(fresh), return_to: '/account/passkeys', remember_me: '1' });
  assert.equal(signedIn.status, 303);
  assert.equal(signedIn.location, `${gh.url}/account/passkeys`);
  assert.match((await browser.get('/account')).html, new RegExp(email.replace(/[.+]/g, '\\$&')));
});

test('the second step with a passkey on the page', async () => {
  const { email, password, visitor } = await signedInVisitor();
  const key = new SoftAuthenticator({ origin: gh.url, uv: false });
  await addPasskey(visitor, password, key);
  const browser = new Visitor(gh);
  const step = await browser.signIn(email, password);
  assert.equal(step.location, '/sign-in/second-factor');
  const page = await browser.get('/sign-in/second-factor');
  assert.match(page.html, /data-passkey-second-factor/);
  assert.match(page.html, /Use a recovery code/);
  assert.match(page.html, /cannot use passkeys here/, 'what a browser without the script reads');
  const stranger = new Visitor(gh);
  await stranger.get('/sign-in');
  assert.equal((await stranger.post('/sign-in/second-factor/options', {})).status, 401, 'no sign-in under way');
  const options = await browser.post('/sign-in/second-factor/options', {});
  assert.equal(options.status, 200);
  assert.equal(json(options).allowCredentials.length, 1);
  const bad = await browser.post('/sign-in/second-factor', { method: 'webauthn', assertion: 'garbage' });
  assert.equal(bad.status, 401);
  assert.match(alertOf(bad.html), /security key was not accepted/);
  const fresh = json(await browser.post('/sign-in/second-factor/options', {}));
  const done = await browser.post('/sign-in/second-factor', { method: 'webauthn', assertion: JSON.stringify(key.get(fresh)) });
  assert.equal(done.status, 303);
  assert.equal(done.location, '/account');
});

test('a server whose passkeys are off shows none', async () => {
  const plain = await new Gatehouse().start();
  try {
    const visitor = new Visitor(plain);
    const form = await visitor.get('/sign-in');
    assert.doesNotMatch(form.html, /passkey/i);
    assert.match(form.html, /autocomplete="username"/);
    const email = uniqueEmail('off');
    const password = await plain.createVerifiedUser(email);
    await visitor.signIn(email, password);
    const page = await visitor.get('/account/passkeys');
    assert.match(page.html, /Passkeys are off on this server/);
    assert.doesNotMatch(page.html, /data-passkey-add/);
    assert.equal((await visitor.post('/account/passkeys/options', { password })).status, 501);
  } finally {
    await plain.stop();
    plain.cleanup();
  }
});

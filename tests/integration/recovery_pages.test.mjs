// Sign-up, e-mail confirmation, password reset and invitations through the hosted pages, with
// the messages read back from maildev.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Gatehouse, uniqueEmail, waitForMail } from './support.mjs';
import { Visitor as VisitorOf, alertOf } from './visitor.mjs';

let gh;
before(async () => {
  gh = await new Gatehouse().start();
});
after(async () => {
  await gh.stop();
  gh.cleanup();
});

class Visitor extends VisitorOf {
  constructor() {
    super(gh);
  }
}

const PASSWORD = 'violet harbour lantern quietly';
// The page path and query of the first link to `path` in a mail's text.
const linkIn = (mail, path) => {
  const url = new URL(mail.text.match(new RegExp(`https?://\\S+${path}\\?token=\\S+`))[0]);
  return url.pathname + url.search;
};
const bodyOf = (html) => html.match(/<p>([^<]*)<\/p>/)?.[1];

test('sign-up answers the same for a new and a known address, and the e-mailed link confirms it', async () => {
  const email = uniqueEmail('signup');
  const v = new Visitor();
  const form = await v.get('/sign-up');
  assert.equal(form.status, 200);
  assert.match(form.html, /autocomplete="new-password"/);
  assert.match(form.html, /aria-describedby="password-help"/);
  const created = await v.post('/sign-up', { name: 'Ada <Lovelace>', email, password: PASSWORD });
  assert.equal(created.status, 200);
  assert.match(created.html, /<h1>Check your e-mail<\/h1>/);
  assert.ok(created.html.includes(email));
  const other = new Visitor();
  await other.get('/sign-up');
  const again = await other.post('/sign-up', { name: '', email, password: 'another long password here' });
  assert.equal(again.status, 200);
  assert.equal(bodyOf(again.html), bodyOf(created.html), 'a known address gets the same page');

  const mail = await waitForMail(email, (m) => /Confirm/.test(m.subject));
  const link = linkIn(mail, '/verify-email');
  const confirmed = await v.get(link);
  assert.equal(confirmed.status, 200);
  assert.match(confirmed.html, /E-mail address confirmed/);
  const used = await v.get(link);
  assert.equal(used.status, 410);
  assert.match(used.html, /This link no longer works/);
  const signedIn = await new Visitor().signIn(email, PASSWORD);
  assert.equal(signedIn.location, '/account');
});

test('sign-up refuses a weak password or a bad address, keeps what was typed but not the password', async () => {
  const v = new Visitor();
  await v.get('/sign-up');
  const weak = await v.post('/sign-up', { name: 'Bo "B" <b>', email: uniqueEmail('weak'), password: 'password' });
  assert.equal(weak.status, 422);
  assert.equal(alertOf(weak.html), 'Choose a longer or less common password.');
  assert.match(weak.html, /value="Bo &quot;B&quot; &lt;b&gt;"/);
  assert.doesNotMatch(weak.html, /value="password"/);
  assert.match(weak.html, /id="password"[^>]*aria-invalid="true"/);
  const bad = await v.post('/sign-up', { email: 'not an address', password: PASSWORD });
  assert.equal(bad.status, 400);
  assert.equal(alertOf(bad.html), 'Enter a valid e-mail address.');
  assert.match(bad.html, /id="email"[^>]*aria-invalid="true"/);
});

test('the confirmation code works through the form; a wrong one is refused; a new message can be asked for', async () => {
  const email = uniqueEmail('code');
  const v = new Visitor();
  await v.get('/sign-up');
  await v.post('/sign-up', { email, password: PASSWORD });
  const mail = await waitForMail(email, (m) => /Confirm/.test(m.subject));
  const code = mail.text.match(/code: (\d{6})/)[1];
  const page = await v.get('/verify-email');
  assert.match(page.html, /autocomplete="one-time-code"/);
  const wrongCode = code === '000000' ? '111111' : '000000';
  const wrong = await v.post('/verify-email', { email, code: wrongCode, action: 'verify' });
  assert.equal(wrong.status, 401);
  assert.equal(alertOf(wrong.html), 'That code is not right, or it has expired.');
  const resent = await v.post('/verify-email', { email, action: 'resend' });
  assert.equal(resent.status, 200);
  assert.match(resent.html, /a new message is on its way/);
  const unknown = await v.post('/verify-email', { email: uniqueEmail('nobody'), action: 'resend' });
  assert.equal(bodyOf(unknown.html), bodyOf(resent.html), 'the same for an unknown address');
  const newest = (await waitForMail(email, (m) => /Confirm/.test(m.subject), 2)).text.match(/code: (\d{6})/)[1];
  const done = await v.post('/verify-email', { email, code: newest, action: 'verify' });
  assert.equal(done.status, 200, done.html);
  assert.match(done.html, /E-mail address confirmed/);
});

test('forgot and reset: the link moves into a cookie, sets a new password once, and signs out everywhere', async () => {
  const email = uniqueEmail('reset');
  const old = await gh.createVerifiedUser(email);
  const session = await gh.login(email, old);
  const v = new Visitor();
  await v.get('/forgot-password');
  const sent = await v.post('/forgot-password', { email });
  assert.match(sent.html, /<h1>Check your e-mail<\/h1>/);
  const unknown = await v.post('/forgot-password', { email: uniqueEmail('nobody') });
  assert.equal(unknown.status, sent.status);
  assert.equal(bodyOf(unknown.html).replace(/\S+@\S+/, ''), bodyOf(sent.html).replace(/\S+@\S+/, ''));

  const mail = await waitForMail(email, (m) => /password/i.test(m.subject));
  const link = linkIn(mail, '/reset-password');
  const landed = await v.get(link);
  assert.equal(landed.status, 303);
  assert.equal(landed.location, '/reset-password', 'the token leaves the URL');
  assert.ok(v.cookie('__Host-gh_link'));
  assert.match(landed.headers.getSetCookie().join('\n'), /__Host-gh_link=[^;]+; Path=\/; Max-Age=900; Secure; SameSite=Strict; HttpOnly/);
  const form = await v.get('/reset-password');
  assert.equal(form.status, 200);
  assert.match(form.html, /autocomplete="new-password"/);
  const weak = await v.post('/reset-password', { password: 'short' });
  assert.equal(weak.status, 422);
  const done = await v.post('/reset-password', { password: PASSWORD });
  assert.equal(done.status, 200);
  assert.match(done.html, /Password changed/);
  assert.equal(v.cookie('__Host-gh_link'), undefined);
  assert.equal((await gh.get('/v1/auth/check', { token: session.access_token })).status, 401, 'old sessions end');
  assert.equal((await new Visitor().signIn(email, PASSWORD)).location, '/account');

  const replay = new Visitor();
  await replay.get(link);
  await replay.get('/reset-password');
  const reused = await replay.post('/reset-password', { password: 'yet another long passphrase' });
  assert.equal(reused.status, 410, 'a link works once');
  assert.equal((await new Visitor().get('/reset-password')).status, 410, 'no link, no form');
});

test('an invitation link leads to a form that creates the account and signs in', async () => {
  const adminEmail = uniqueEmail('admin');
  const admin = await gh.login(adminEmail, gh.createAdmin(adminEmail));
  const email = uniqueEmail('invited');
  assert.equal((await gh.post('/v1/invitations', { email }, { token: admin.access_token })).status, 201);
  const mail = await waitForMail(email, (m) => /invit/i.test(m.subject));
  const v = new Visitor();
  const landed = await v.get(linkIn(mail, '/accept-invitation'));
  assert.equal(landed.location, '/accept-invitation');
  const form = await v.get('/accept-invitation');
  assert.match(form.html, /id="name"/);
  const accepted = await v.post('/accept-invitation', { name: 'Grace', password: PASSWORD });
  assert.equal(accepted.status, 303);
  assert.equal(accepted.location, '/account');
  const account = await v.get('/account');
  assert.ok(account.html.includes(email));
  assert.match(account.html, /Grace/);
  const again = new Visitor();
  await again.get(linkIn(mail, '/accept-invitation'));
  await again.get('/accept-invitation');
  assert.equal((await again.post('/accept-invitation', { password: 'another long passphrase' })).status, 410);
});

test('every page form refuses a post without the CSRF token or from another origin', async () => {
  for (const path of ['/sign-up', '/verify-email', '/forgot-password', '/reset-password', '/accept-invitation']) {
    const v = new Visitor();
    await v.get(path === '/reset-password' || path === '/accept-invitation' ? '/sign-in' : path);
    assert.equal((await v.post(path, { email: uniqueEmail('csrf'), password: PASSWORD, csrf: '' })).status, 403, path);
    assert.equal((await v.post(path, { email: uniqueEmail('csrf'), password: PASSWORD }, { headers: { origin: 'null' } })).status, 403, path);
  }
});

test('e-mailed links open these pages, or an app\'s own under ui.link_base', async () => {
  const email = uniqueEmail('links');
  const v = new Visitor();
  await v.get('/sign-up');
  await v.post('/sign-up', { email, password: PASSWORD });
  await v.post('/sign-up', { email, password: PASSWORD });
  const exists = await waitForMail(email, (m) => /already/i.test(m.subject) || /already has/.test(m.text));
  assert.ok(exists.text.includes(`${gh.url}/sign-in`), exists.text);

  const own = await new Gatehouse({ ui: { link_base: 'https://app.example.com/auth/' } }).start();
  try {
    const other = uniqueEmail('links');
    assert.equal((await own.post('/v1/auth/register', { email: other, password: PASSWORD })).status, 202);
    const mail = await waitForMail(other, (m) => /Confirm/.test(m.subject));
    assert.match(mail.text, /https:\/\/app\.example\.com\/auth\/verify-email\?token=\S+/);
    assert.doesNotMatch(mail.text, new RegExp(own.url.replace(/[.:/]/g, '\\$&')));
  } finally {
    await own.stop();
    own.cleanup();
  }
});

// The account center's forms through the hosted pages: sessions as GitHub lists them, signing
// them out, and changing the password.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Gatehouse, totp, uniqueEmail, waitForMail } from './support.mjs';
import { Visitor as VisitorOf, alertOf } from './visitor.mjs';

let gh;
before(async () => {
  gh = await new Gatehouse().start();
});
after(async () => {
  await gh.stop();
  gh.cleanup();
});

const FIREFOX = 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0';
const SAFARI = 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1';

// A visitor with its own browser (User-Agent) on every request.
class Visitor extends VisitorOf {
  constructor(agent = FIREFOX) {
    super(gh);
    this.agent = agent;
  }
  request(method, path, opts = {}) {
    return super.request(method, path, { ...opts, headers: { 'user-agent': this.agent, ...(opts.headers ?? {}) } });
  }
}

const sessionIds = (html) => [...html.matchAll(/name="session_id" value="([^"]+)"/g)].map((m) => m[1]);
// The sessions list's entries: {id, current, text}.
const sessionsOf = (html) =>
  [...html.matchAll(/<li>\n<div class="session-what">([\s\S]*?)<\/li>/g)].map((m) => ({
    id: m[1].match(/name="session_id" value="([^"]+)"/)[1],
    current: m[1].includes('class="badge">This device'),
    text: m[1],
  }));
const noticeOf = (html) => html.match(/<div class="alert ok" role="status">([^<]*)<\/div>/)?.[1];

async function user() {
  const email = uniqueEmail('center');
  return { email, password: await gh.createVerifiedUser(email) };
}

test('sessions are listed with browser, address and times, this device marked; the other one is signed out from the list', async () => {
  const { email, password } = await user();
  const laptop = new Visitor(FIREFOX);
  const phone = new Visitor(SAFARI);
  await laptop.signIn(email, password);
  await phone.signIn(email, password);
  const page = await laptop.get('/account');
  assert.equal(page.status, 200);
  const sessions = sessionsOf(page.html);
  assert.equal(sessions.length, 2);
  const [mine, theirs] = [sessions.find((x) => x.current), sessions.find((x) => !x.current)];
  assert.ok(mine && theirs, 'exactly one is this device');
  assert.match(mine.text, /<strong>Firefox[^<]*<\/strong>/);
  assert.match(theirs.text, /<strong>Mobile Safari[^<]*<\/strong>/);
  for (const x of sessions) {
    assert.match(x.text, /127\.0\.0\.1/);
    assert.match(x.text, /<time datetime="\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ">\d{4}-\d\d-\d\d \d\d:\d\d UTC<\/time>/);
  }
  const phoneId = theirs.id;
  const out = await laptop.post('/account/sessions', { session_id: phoneId });
  assert.equal(out.status, 303);
  assert.equal(out.location, '/account?done=session');
  assert.equal(noticeOf((await laptop.get(out.location)).html), 'That session is signed out.');
  const phoneNext = await phone.get('/account');
  assert.equal(phoneNext.status, 303, 'the other device lands on sign-in at its next page');
  assert.match(phoneNext.location, /^\/sign-in/);
  assert.deepEqual(sessionIds((await laptop.get('/account')).html), [mine.id]);
});

test('sign out all others keeps this device; sign out everywhere ends this one too', async () => {
  const { email, password } = await user();
  const a = new Visitor();
  const b = new Visitor(SAFARI);
  const c = new Visitor(SAFARI);
  for (const v of [a, b, c]) await v.signIn(email, password);
  const others = await a.post('/account/sessions', { scope: 'others' });
  assert.equal(others.location, '/account?done=others');
  assert.equal(sessionIds((await a.get('/account')).html).length, 1);
  assert.equal((await b.get('/account')).status, 303);
  assert.equal((await c.get('/account')).status, 303);
  const access = a.cookie('__Host-gh_at');
  const all = await a.post('/account/sessions', { scope: 'all' });
  assert.equal(all.status, 303);
  assert.equal(all.location, '/sign-in');
  assert.equal(a.cookie('__Host-gh_at'), undefined);
  assert.equal((await gh.get('/v1/auth/check', { token: access })).status, 401);
});

test("another user's session id changes nothing; the account forms need the CSRF token", async () => {
  const alice = await user();
  const bob = await user();
  const a = new Visitor();
  const b = new Visitor();
  await a.signIn(alice.email, alice.password);
  await b.signIn(bob.email, bob.password);
  const bobsId = sessionIds((await b.get('/account')).html)[0];
  assert.equal((await a.post('/account/sessions', { session_id: bobsId })).status, 303);
  assert.equal((await b.get('/account')).status, 200, "bob stays signed in");
  assert.equal((await a.post('/account/sessions', { session_id: bobsId, csrf: 'x' })).status, 403);
  assert.equal((await a.post('/account/sessions', { scope: 'all' }, { headers: { origin: 'https://evil.example' } })).status, 403);
  assert.equal((await a.post('/account/password', { current_password: alice.password, new_password: 'x', csrf: '' })).status, 403);
  assert.equal((await a.get('/account')).status, 200, 'still signed in after the refused posts');
  assert.equal((await new Visitor().post('/account/sessions', { scope: 'all' })).status, 403, 'no cookie, no token');
});

test('changing the password needs the current one, refuses a weak one, and signs out the other sessions', async () => {
  const { email, password } = await user();
  const here = new Visitor();
  const elsewhere = new Visitor(SAFARI);
  await here.signIn(email, password);
  await elsewhere.signIn(email, password);
  const form = await here.get('/account');
  assert.match(form.html, /autocomplete="current-password"/);
  assert.match(form.html, /autocomplete="new-password"/);
  const wrong = await here.post('/account/password', { current_password: 'not it at all', new_password: 'granite meadow whistle kettle' });
  assert.equal(wrong.status, 401);
  assert.match(wrong.html, /Your current password is not right\./);
  assert.match(wrong.html, /id="current_password"[^>]*aria-invalid="true"/);
  const weak = await here.post('/account/password', { current_password: password, new_password: 'password' });
  assert.equal(weak.status, 422);
  const done = await here.post('/account/password', { current_password: password, new_password: 'granite meadow whistle kettle' });
  assert.equal(done.status, 303);
  assert.equal(noticeOf((await here.get(done.location)).html), 'Your password is changed, and your other sessions are signed out.');
  assert.equal((await elsewhere.get('/account')).status, 303, 'the other session ended');
  assert.equal((await new Visitor().signIn(email, 'granite meadow whistle kettle')).location, '/account');
  assert.equal(alertOf((await new Visitor().signIn(email, password)).html), 'That e-mail address and password do not match an account.');
  // A notice name that is not on the list shows nothing.
  assert.equal(noticeOf((await here.get('/account?done=%3Cb%3Ehi')).html), undefined);
});

const codesOf = (html) => [...html.matchAll(/<li><code>([^<]+)<\/code><\/li>/g)].map((m) => m[1]);

test('an authenticator app is set up from the page: QR code inline, the key to type, recovery codes shown once', async () => {
  const { email, password } = await user();
  const v = new Visitor();
  await v.signIn(email, password);
  const overview = await v.get('/account/two-factor');
  assert.equal(overview.status, 200);
  assert.doesNotMatch(overview.html, /class="badge">On/);
  const wrong = await v.post('/account/two-factor/totp', { password: 'not the password' });
  assert.equal(wrong.status, 401);
  assert.match(wrong.html, /id="totp-error">Your current password is not right\./);
  const setup = await v.post('/account/two-factor/totp', { password });
  assert.equal(setup.status, 200);
  assert.match(setup.html, /<div class="qr" role="img" aria-label="QR code for your authenticator app"><svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  const secret = setup.html.match(/<code class="secret">([A-Z2-7 ]+)<\/code>/)[1];
  assert.match(secret, /^([A-Z2-7]{4} )+[A-Z2-7]{1,4}$/, 'grouped by four');
  const valid = [-1, 0, 1].map((step) => totp(secret, step));
  const badCode = ['000000', '111111', '222222', '333333'].find((c) => !valid.includes(c));
  const retry = await v.post('/account/two-factor/totp/confirm', { code: badCode });
  assert.equal(retry.status, 401);
  assert.match(retry.html, /That code is not right/);
  const on = await v.post('/account/two-factor/totp/confirm', { code: totp(secret) });
  assert.equal(on.status, 200);
  const codes = codesOf(on.html);
  assert.equal(codes.length, 10);
  const download = decodeURIComponent(on.html.match(/href="data:text\/plain;charset=utf-8,([^"]+)" download="recovery-codes\.txt"/)[1]);
  assert.equal(download, codes.join('\n') + '\n');
  assert.match(on.html, /<script src="\/ui\/gatehouse\.js" defer><\/script>/);
  assert.match(on.html, /data-copy="recovery-codes" hidden/, 'the copy button appears only with the script');
  assert.match((await v.get('/account/two-factor')).html, /Authenticator app <span class="badge">On/);
  assert.equal((await v.get('/ui/gatehouse.js')).status, 200);

  // Signing in now takes the second step; a recovery code from the page works once.
  const next = new Visitor();
  assert.match((await next.signIn(email, password)).location, /^\/sign-in\/second-factor/);
  const byCode = await next.post('/sign-in/second-factor', { method: 'recovery_code', code: codes[0], action: 'verify' });
  assert.equal(byCode.status, 303);

  // New codes replace the old ones.
  const fresh = await v.post('/account/recovery-codes', { password });
  assert.equal(fresh.status, 200);
  assert.match(fresh.html, /New recovery codes: the old ones no longer work\./);
  const newCodes = codesOf(fresh.html);
  assert.equal(newCodes.length, 10);
  const old = new Visitor();
  await old.signIn(email, password);
  assert.equal((await old.post('/sign-in/second-factor', { method: 'recovery_code', code: codes[1], action: 'verify' })).status, 401);
  assert.equal((await old.post('/sign-in/second-factor', { method: 'recovery_code', code: newCodes[0], action: 'verify' })).status, 303);

  // Removing it needs the password; then the password alone signs in again.
  assert.equal((await v.post('/account/two-factor/totp/remove', { password: 'wrong one' })).status, 401);
  const removed = await v.post('/account/two-factor/totp/remove', { password });
  assert.equal(removed.status, 303);
  assert.equal(noticeOf((await v.get(removed.location)).html), 'That second factor is removed.');
  assert.equal((await new Visitor().signIn(email, password)).location, '/account');
});

test('codes by e-mail are set up from the page with the mailed code; bad paths and input get pages, not errors', async () => {
  const { email, password } = await user();
  const v = new Visitor();
  await v.signIn(email, password);
  const started = await v.post('/account/two-factor/email', { password });
  assert.equal(started.status, 200);
  assert.match(started.html, /We sent a 6-digit code to [^<]*\*\*\*@/);
  const mail = await waitForMail(email, (m) => /is your Gatehouse code/.test(m.subject));
  const on = await v.post('/account/two-factor/email/confirm', { code: mail.subject.match(/^(\d{6}) /)[1] });
  assert.equal(on.status, 200);
  assert.equal(codesOf(on.html).length, 10, 'the first factor comes with recovery codes');
  assert.match((await v.get('/account/two-factor')).html, /Codes by e-mail <span class="badge">On/);
  assert.equal((await v.post('/account/two-factor/email', { password })).status, 409, 'already on');
  assert.equal((await v.post('/account/two-factor/fax', { password })).status, 404);
  const badPhone = await v.post('/account/two-factor/sms', { password, phone: 'call me' });
  assert.equal(badPhone.status, 422);
  assert.match(badPhone.html, /needs its country code/);
  assert.equal((await v.post('/account/two-factor/totp', { password: 'x'.repeat(100000) })).status, 422);
  assert.equal((await new Visitor().get('/account/two-factor')).location, '/sign-in?return_to=%2Faccount%2Ftwo-factor');
});

test('with many sessions the page lists the 30 most recent and says how many more there are', async () => {
  const { email, password } = await user();
  for (let i = 0; i < 35; i++) await gh.login(email, password);
  const v = new Visitor();
  await v.signIn(email, password);
  const page = await v.get('/account');
  const sessions = sessionsOf(page.html);
  assert.equal(sessions.length, 30);
  assert.ok(sessions[0].current, 'this device is the most recent');
  assert.match(page.html, /And 6 older sessions, not listed/);
  assert.equal((await v.post('/account/sessions', { scope: 'others' })).status, 303);
  assert.equal(sessionsOf((await v.get('/account')).html).length, 1, 'all others ended, listed or not');
});

// The security log's entries on a page: {what, how, where, when}.
const eventsOf = (html) =>
  [...html.matchAll(/<li>\n<div class="event-what"><strong>([^<]*)<\/strong>(?: <span class="muted">· ([^<]*)<\/span>)?<\/div>\n<div class="muted">([^<]*)<\/div>\n<div class="muted"><time datetime="([^"]+)">/g)].map(
    (m) => ({ what: m[1], how: m[2] ?? '', where: m[3], when: m[4] }),
  );

test('the account center shows the latest security events; a wrong password is there, with how and from where', async () => {
  const { email, password } = await user();
  const v = new Visitor();
  assert.equal((await v.signIn(email, 'not the password at all')).status, 401);
  await v.signIn(email, password);
  const page = await v.get('/account');
  assert.match(page.html, /<h2 id="security-log-heading">Security log<\/h2>/);
  const shown = eventsOf(page.html);
  assert.equal(shown.length, 4, JSON.stringify(shown));
  assert.deepEqual(
    shown.map((e) => [e.what, e.how]),
    [
      ['Signed in', 'password'],
      ['Sign-in refused', 'password · wrong password'],
      ['E-mail address confirmed', ''],
      ['Account created', ''],
    ],
  );
  for (const e of shown.slice(0, 2)) {
    assert.match(e.where, /127\.0\.0\.1$/);
    assert.match(e.when, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  }
  assert.match(page.html, /<a href="\/account\/security-log">See your whole security log<\/a>/);
  // Only the latest five are on the account page.
  await v.post('/account/password', { current_password: 'wrong again entirely', new_password: 'granite meadow whistle kettle' });
  await gh.login(email, password);
  await gh.login(email, password);
  assert.equal(eventsOf((await v.get('/account')).html).length, 5);
});

test('the security log page pages through every event, 50 at a time; its cursor is checked', async () => {
  const { email, password } = await user();
  for (let i = 0; i < 52; i++) await gh.login(email, password);
  const v = new Visitor();
  await v.signIn(email, password); // 2 + 53 sign-ins + the browser's new device: 56 events
  const first = await v.get('/account/security-log');
  assert.equal(first.status, 200);
  assert.match(first.html, /<title>Security log/);
  const page1 = eventsOf(first.html);
  assert.equal(page1.length, 50);
  assert.deepEqual(page1.slice(0, 2).map((e) => e.what), ['Signed in from a new device or place; you were e-mailed', 'Signed in']);
  const next = first.html.match(/<a href="(\/account\/security-log\?cursor=[A-Za-z0-9_-]+)">Older events/)?.[1];
  assert.ok(next, 'a link to the older events');
  const second = await v.get(next);
  const page2 = eventsOf(second.html);
  assert.deepEqual(page2.map((e) => e.what), ['Signed in', 'Signed in', 'Signed in', 'Signed in', 'E-mail address confirmed', 'Account created']);
  assert.doesNotMatch(second.html, /Older events →/, 'the last page links no further');
  assert.match(second.html, /<a href="\/account\/security-log">← Latest events<\/a>/);
  assert.ok(page1.at(-1).when >= page2[0].when, 'newest first across pages');

  for (const bad of ['%3Cscript%3E', 'a%20b', 'x'.repeat(65), '%zz']) {
    const r = await v.get(`/account/security-log?cursor=${bad}`);
    assert.equal(r.status, 422, bad);
    assert.doesNotMatch(r.html, /<script>/);
  }
  const stranger = await new Visitor().get('/account/security-log');
  assert.equal(stranger.status, 303);
  assert.match(stranger.location, /^\/sign-in\?return_to=%2Faccount%2Fsecurity-log/);
});

test("another user's events are never on the page, and an administrator's action shows who but not from where", async () => {
  const alice = await user();
  const bob = await user();
  const adminEmail = uniqueEmail('center-admin');
  gh.createAdmin(adminEmail);
  const admin = await gh.login(adminEmail, 'quiet lantern over the harbour');
  const aliceId = (await gh.get('/v1/users?q=' + encodeURIComponent(alice.email), { token: admin.access_token })).body.users[0].user_id;
  const patched = await gh.request('PATCH', `/v1/users/${aliceId}`, { json: { name: 'Alice A.' }, token: admin.access_token });
  assert.equal(patched.status, 200, JSON.stringify(patched.body));
  await new Visitor().signIn(bob.email, 'bob typed this wrong');
  const v = new Visitor();
  await v.signIn(alice.email, alice.password);
  const shown = eventsOf((await v.get('/account/security-log')).html);
  assert.deepEqual(shown.map((e) => e.what), ['Signed in', 'Account details changed', 'E-mail address confirmed', 'Account created']);
  assert.equal(shown[1].where, 'By an administrator');
});

const emailErrorOf = (html) => html.match(/<div class="alert error" role="alert" id="email-error">([^<]*)<\/div>/)?.[1];
const linkIn = (mail, path) => mail.text.match(new RegExp(`https?://[^/\\s]+(/${path}\\?token=[A-Za-z0-9_-]+)`))[1];

test('the e-mail address is changed from the account center; the links ask for a press of a button, then work once', async () => {
  const { email, password } = await user();
  const v = new Visitor();
  const other = new Visitor(SAFARI);
  await v.signIn(email, password);
  await other.signIn(email, password);
  assert.match((await v.get('/account')).html, /<input id="new_email" name="new_email" type="email" autocomplete="email"/);
  const fresh = uniqueEmail('center-moved');

  const wrong = await v.post('/account/email', { new_email: fresh, password: 'not my password at all' });
  assert.equal(wrong.status, 401);
  assert.equal(emailErrorOf(wrong.html), 'Your current password is not right.');
  assert.match(wrong.html, /<details open>/);
  assert.match(wrong.html, new RegExp(`value="${fresh.replace(/[.+]/g, '\\$&')}"`), 'the address typed is kept');
  const same = await v.post('/account/email', { new_email: email, password });
  assert.equal(same.status, 422);
  assert.match(emailErrorOf(same.html), /not your current one/);
  assert.equal((await v.post('/account/email', { new_email: 'x'.repeat(400), password })).status, 400);
  assert.equal((await v.post('/account/email', { new_email: fresh, password, csrf: 'forged' })).status, 403);

  const sent = await v.post('/account/email', { new_email: fresh, password });
  assert.equal(sent.status, 303);
  assert.equal(sent.location, '/account?done=email');
  assert.equal(noticeOf((await v.get(sent.location)).html), 'We sent a link to the new address. Your address changes when you open it.');

  const link = linkIn(await waitForMail(fresh, (m) => /Confirm your new/.test(m.subject)), 'confirm-email-change');
  const opener = new Visitor();
  const landed = await opener.get(link);
  assert.equal(landed.status, 303, 'the token leaves the address bar');
  assert.equal(landed.location, '/confirm-email-change');
  const ask = await opener.get('/confirm-email-change');
  assert.equal(ask.status, 200);
  assert.match(ask.html, /<form method="post" action="\/confirm-email-change">/);
  assert.equal((await v.get('/account')).html.includes(fresh), false, 'opening the link alone changes nothing');
  const done = await opener.post('/confirm-email-change', {});
  assert.equal(done.status, 200);
  assert.match(done.html, new RegExp(`The address of your account is now ${fresh.replace(/[.+]/g, '\\$&')}\\.`));
  assert.ok((await v.get('/account')).html.includes(fresh));
  assert.equal((await other.get('/account')).status, 303, 'the other session is signed out');
  const again = new Visitor();
  await again.get(link);
  assert.equal((await again.get('/confirm-email-change')).status, 200, 'the page cannot know the link is used');
  assert.equal((await again.post('/confirm-email-change', {})).status, 410);

  const undo = linkIn(await waitForMail(email, (m) => /is changing/.test(m.subject)), 'undo-email-change');
  const owner = new Visitor();
  await owner.get(undo);
  assert.match((await owner.get('/undo-email-change')).html, /Keep your account&#39;s old address\?|Keep your account's old address\?/);
  const undone = await owner.post('/undo-email-change', {});
  assert.equal(undone.status, 200);
  assert.match(undone.html, /is .* again\. Every session is signed out/);
  assert.equal((await v.get('/account')).status, 303, 'every session is signed out');
  assert.equal((await new Visitor().signIn(email, password)).location, '/account');

  assert.equal((await new Visitor().get('/undo-email-change')).status, 410, 'no link, no page');
  const garbage = new Visitor();
  await garbage.get('/confirm-email-change?token=%3Cscript%3E');
  await garbage.get('/confirm-email-change');
  const refused = await garbage.post('/confirm-email-change', {});
  assert.equal(refused.status, 410);
  assert.doesNotMatch(refused.html, /<script>/);
});

test('a new sign-in alert\'s "this wasn\'t me" page asks for a press, then signs that session out', async () => {
  const { email, password } = await user();
  const laptop = new Visitor(FIREFOX);
  const phone = new Visitor(SAFARI);
  await laptop.signIn(email, password);
  await phone.signIn(email, password);
  const link = linkIn(await waitForMail(email, (m) => /New sign-in/.test(m.subject)), 'not-me');
  const opener = new Visitor();
  const landed = await opener.get(link);
  assert.equal(landed.status, 303, 'the token leaves the address bar');
  assert.equal(landed.location, '/not-me');
  const ask = await opener.get('/not-me');
  assert.equal(ask.status, 200);
  assert.match(ask.html, /<form method="post" action="\/not-me">/);
  assert.equal((await phone.get('/account')).status, 200, 'opening the link alone changes nothing');
  assert.equal((await opener.post('/not-me', { csrf: 'forged' })).status, 403);
  const done = await opener.post('/not-me', {});
  assert.equal(done.status, 200);
  assert.match(done.html, new RegExp(`That session is signed out\\. Check ${email.replace(/[.+]/g, '\\$&')} for a link`));
  assert.equal((await phone.get('/account')).status, 303, 'the alerted session is signed out');
  assert.equal((await laptop.get('/account')).status, 200, 'the first one stays');
  await waitForMail(email, (m) => /reset/i.test(m.subject));
  const again = new Visitor();
  await again.get(link);
  assert.equal((await again.get('/not-me')).status, 200, 'the page cannot know the link is used');
  assert.equal((await again.post('/not-me', {})).status, 410);
  assert.equal((await new Visitor().get('/not-me')).status, 410, 'no link, no page');
  const garbage = new Visitor();
  await garbage.get('/not-me?token=%3Cscript%3E');
  await garbage.get('/not-me');
  const refused = await garbage.post('/not-me', {});
  assert.equal(refused.status, 410);
  assert.doesNotMatch(refused.html, /<script>/);
});

test('"Download your data" gives the export of GET /v1/me/export to the signed-in visitor only', async () => {
  const { email, password } = await user();
  const v = new Visitor();
  await v.signIn(email, password);
  assert.match((await v.get('/account')).html, /<a href="\/account\/export" download="gatehouse-export.json">Download your data<\/a>/);
  const r = await v.get('/account/export');
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /^application\/json/);
  assert.equal(r.headers.get('content-disposition'), 'attachment; filename="gatehouse-export.json"');
  assert.equal(r.headers.get('cache-control'), 'no-store');
  const data = JSON.parse(r.html);
  assert.equal(data.user.email, email);
  assert.deepEqual(Object.keys(data).sort(), ['connected_apps', 'exported_at', 'passkeys', 'second_factors', 'security_log', 'sessions', 'user']);
  assert.equal(data.sessions.filter((s) => s.current).length, 1, 'the visitor\'s session is the current one');
  assert.ok(data.security_log.some((e) => e.type === 'sign_in.succeeded'));
  assert.doesNotMatch(r.html, /argon2|password_hash|refresh_jti/);
  const stranger = await new Visitor().get('/account/export');
  assert.equal(stranger.status, 303);
  assert.match(stranger.location, /^\/sign-in\?return_to=%2Faccount/);
});

test('the account is deleted from the account center after the password and, with an app, its code', async () => {
  const { email, password } = await user();
  const v = new Visitor();
  await v.signIn(email, password);
  const page = await v.get('/account');
  assert.match(page.html, /<h2 id="delete-heading">Delete account<\/h2>/);
  assert.doesNotMatch(page.html, /id="delete_code"/, 'no code field without a second factor');
  const wrong = await v.post('/account/delete', { password: 'this is not it at all' });
  assert.equal(wrong.status, 401);
  assert.match(wrong.html, /<div class="alert error" role="alert" id="delete-error">Your current password is not right\.<\/div>/);
  assert.equal((await v.post('/account/delete', { password, csrf: 'forged' })).status, 403);
  assert.equal((await v.post('/account/delete', { password: 'p'.repeat(5000) })).status, 400);
  assert.equal((await v.get('/account')).status, 200, 'refused deletions change nothing');

  const done = await v.post('/account/delete', { password });
  assert.equal(done.status, 200);
  assert.match(done.html, /Your account is deleted/);
  assert.match(done.headers.get('set-cookie'), /__Host-gh_at=;/);
  assert.equal((await v.get('/account')).status, 303, 'signed out');
  assert.equal(alertOf((await new Visitor().signIn(email, password)).html), 'That e-mail address and password do not match an account.');
});

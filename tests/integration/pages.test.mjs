// The sign-in pages over HTTP, as a browser without JavaScript uses them: forms posted with
// the CSRF cookie's token, redirects followed by hand, cookies kept in a jar (visitor.mjs).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Gatehouse, startFakeSmsProvider, totp, uniqueEmail, waitForMail } from './support.mjs';
import { Visitor as VisitorOf, alertOf } from './visitor.mjs';

// A visitor of this file's server.
class Visitor extends VisitorOf {
  constructor(server = gh) {
    super(server);
  }
}

let gh, sms;
before(async () => {
  sms = await startFakeSmsProvider();
  gh = await new Gatehouse({ sms: sms.config, ui: { allowed_return_urls: 'https://app.example.com/dashboard' } }).start();
});
after(async () => {
  await gh.stop();
  gh.cleanup();
  await sms.close();
});



test('the sign-in page is a form with a CSRF token, strict headers and the right autocomplete', async () => {
  const v = new Visitor();
  const home = await v.get('/');
  assert.equal(home.status, 303);
  assert.equal(home.location, '/sign-in');
  const r = await v.get('/sign-in');
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /^text\/html; charset=utf-8/);
  const csp = r.headers.get('content-security-policy');
  assert.match(csp, /default-src 'none'/);
  assert.match(csp, /script-src 'self'/);
  assert.match(csp, /frame-ancestors 'none'/);
  assert.doesNotMatch(csp, /unsafe-inline/);
  assert.match(csp, /form-action 'self' http:\/\/127\.0\.0\.1:\d+ https:\/\/app\.example\.com/);
  assert.equal(r.headers.get('cache-control'), 'no-store');
  assert.equal(r.headers.get('x-frame-options'), 'DENY');
  assert.equal(r.headers.get('referrer-policy'), 'same-origin', 'no-referrer would make browsers send Origin: null on the forms');
  assert.equal(r.headers.get('strict-transport-security'), null, 'no HSTS on an http public_url');
  const csrf = v.cookie('__Host-gh_csrf');
  assert.ok(csrf && csrf.length >= 32);
  assert.ok(r.html.includes(`name="csrf" value="${csrf}"`));
  assert.match(r.html, /autocomplete="username"/);
  assert.match(r.html, /autocomplete="current-password"/);
  assert.match(r.html, /<label for="email">/);
  assert.match(r.html, /<html lang="en">/);
  for (const asset of ['/ui/gatehouse.css', '/ui/theme.css', '/ui/icon.svg']) {
    const a = await v.get(asset);
    assert.equal(a.status, 200, asset);
    assert.match(a.headers.get('cache-control'), /max-age/);
  }
  assert.equal((await v.get('/ui/missing.css')).status, 404);
});

test('signing in sets the session cookies and lands on the account page', async () => {
  const email = uniqueEmail('page');
  const password = await gh.createVerifiedUser(email);
  const v = new Visitor();
  const r = await v.signIn(email, password, { remember_me: '1' });
  assert.equal(r.status, 303);
  assert.equal(r.location, '/account');
  assert.ok(v.cookie('__Host-gh_at') && v.cookie('__Host-gh_rt'));
  const setCookies = r.headers.getSetCookie().join('\n');
  assert.match(setCookies, /__Host-gh_at=[^;]+; Path=\/; Max-Age=\d+; Secure; SameSite=Strict; HttpOnly/);
  const account = await v.get('/account');
  assert.equal(account.status, 200);
  assert.ok(account.html.includes(email));
  assert.match(account.html, /Verified/);
  // The access cookie is a real session: the proxy check accepts it as a bearer token.
  const check = await gh.get('/v1/auth/check', { token: v.cookie('__Host-gh_at') });
  assert.equal(check.status, 200);
  // Signed in, the sign-in page and / go straight on.
  assert.equal((await v.get('/sign-in')).location, '/account');
  assert.equal((await v.get('/')).location, '/account');
});

test('a wrong password and an unknown address get the same message; the address is kept, the password not', async () => {
  const email = uniqueEmail('page');
  await gh.createVerifiedUser(email);
  const wrong = await new Visitor().signIn(email, 'not the password at all');
  const unknown = await new Visitor().signIn(uniqueEmail('nobody'), 'not the password at all');
  assert.equal(wrong.status, 401);
  assert.equal(unknown.status, 401);
  assert.equal(alertOf(wrong.html), 'That e-mail address and password do not match an account.');
  assert.equal(alertOf(unknown.html), alertOf(wrong.html));
  assert.ok(wrong.html.includes(`value="${email}"`));
  assert.doesNotMatch(wrong.html, /not the password at all/);
  assert.match(wrong.html, /aria-invalid="true" aria-describedby="form-error"/);
});

test('values are escaped, and a form without the CSRF token, from another origin or not a form is refused', async () => {
  const v = new Visitor();
  const xss = await v.signIn('"><script>alert(1)</script>@example.com', 'whatever password');
  assert.doesNotMatch(xss.html, /<script>alert/);
  assert.match(xss.html, /&quot;&gt;&lt;script&gt;/);

  const email = uniqueEmail('page');
  const password = await gh.createVerifiedUser(email);
  const noToken = await v.post('/sign-in', { email, password, csrf: '' });
  assert.equal(noToken.status, 403);
  assert.equal(alertOf(noToken.html), 'This form expired. Reload the page and try again.');
  assert.equal((await v.post('/sign-in', { email, password, csrf: 'forged-token' })).status, 403);
  const fresh = new Visitor(); // a CSRF cookie the attacker's page cannot read
  assert.equal((await fresh.post('/sign-in', { email, password, csrf: v.cookie('__Host-gh_csrf') })).status, 403);
  const crossSite = await v.post('/sign-in', { email, password }, { headers: { origin: 'https://evil.example' } });
  assert.equal(crossSite.status, 403);
  const json = await v.request('POST', '/sign-in', {
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password, csrf: v.cookie('__Host-gh_csrf') }),
  });
  assert.equal(json.status, 415);
  const broken = await v.request('POST', '/sign-in', {
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: gh.url },
    body: `csrf=${v.cookie('__Host-gh_csrf')}&email=%zz`,
  });
  assert.equal(broken.status, 400);
  const twice = await v.request('POST', '/sign-in', {
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: gh.url },
    body: `csrf=${v.cookie('__Host-gh_csrf')}&email=a%40b.c&email=${encodeURIComponent(email)}&password=x`,
  });
  assert.equal(twice.status, 400);
  for (const r of [noToken, crossSite, json, broken, twice]) {
    assert.equal(r.headers.getSetCookie().some((c) => c.startsWith('__Host-gh_at=')), false, 'nothing signed in');
  }
});

test('return_to goes only to the public URL or an allowed URL, never elsewhere', async () => {
  const email = uniqueEmail('page');
  const password = await gh.createVerifiedUser(email);
  const allowed = await new Visitor().signIn(email, password, { return_to: 'https://app.example.com/dashboard/7' });
  assert.equal(allowed.location, 'https://app.example.com/dashboard/7');
  const local = await new Visitor().signIn(email, password, { return_to: '/account?tab=profile' });
  assert.equal(local.location, `${gh.url}/account?tab=profile`);
  for (const evil of [
    'https://evil.example/', '//evil.example', '/\\evil.example', 'https://app.example.com.evil.example/',
    'https://app.example.com/other', 'javascript:alert(1)', 'https://app.example.com@evil.example/dashboard',
  ]) {
    const v = new Visitor();
    const page = await v.get(`/sign-in?return_to=${encodeURIComponent(evil)}`);
    assert.doesNotMatch(page.html, /name="return_to"/, `not carried: ${evil}`);
    const r = await v.post('/sign-in', { email, password, return_to: evil });
    assert.equal(r.status, 303);
    assert.equal(r.location, '/account', evil);
  }
});

test('the account page needs a session and comes back after signing in; an expired access cookie is renewed', async () => {
  const v = new Visitor();
  const away = await v.get('/account');
  assert.equal(away.status, 303);
  assert.equal(away.location, '/sign-in?return_to=%2Faccount');
  const form = await v.get(away.location);
  assert.match(form.html, /name="return_to" value="\/account"/);

  const email = uniqueEmail('page');
  const password = await gh.createVerifiedUser(email);
  await v.signIn(email, password, { return_to: '/account' });
  const oldRefresh = v.cookie('__Host-gh_rt');
  v.jar.delete('__Host-gh_at'); // as when the browser drops the expired access cookie
  const renewed = await v.get('/account');
  assert.equal(renewed.status, 200);
  assert.ok(renewed.html.includes(email));
  assert.ok(v.cookie('__Host-gh_at'), 'a new access cookie');
  assert.notEqual(v.cookie('__Host-gh_rt'), oldRefresh, 'the refresh token rotated');
  assert.ok(renewed.html.includes(`name="csrf" value="${v.cookie('__Host-gh_csrf')}"`), 'forms carry the new CSRF token');
});

test('signing out revokes the session at once and clears the cookies', async () => {
  const email = uniqueEmail('page');
  const password = await gh.createVerifiedUser(email);
  const v = new Visitor();
  await v.signIn(email, password);
  const access = v.cookie('__Host-gh_at');
  const question = await v.get('/sign-out');
  assert.match(question.html, /action="\/sign-out"/);
  const out = await v.post('/sign-out', {});
  assert.equal(out.status, 200);
  assert.match(out.html, /You are signed out\./);
  assert.equal(v.cookie('__Host-gh_at'), undefined);
  assert.equal(v.cookie('__Host-gh_rt'), undefined);
  assert.equal((await gh.get('/v1/auth/check', { token: access })).status, 401, 'revoked at once');
  assert.equal((await v.get('/account')).status, 303);
  const forged = await new Visitor().post('/sign-out', {}, { headers: { cookie: `__Host-gh_at=${access}` } });
  assert.equal(forged.status, 403, 'a cross-site sign-out needs the CSRF token');
});

test('an account with an authenticator app signs in in two steps; the challenge never reaches the page', async () => {
  const email = uniqueEmail('page-mfa');
  const password = await gh.createVerifiedUser(email);
  const session = await gh.login(email, password);
  const started = await gh.post('/v1/me/mfa/totp', { password }, { token: session.access_token });
  const { secret } = started.body;
  const confirmed = await gh.post('/v1/me/mfa/totp/confirm', { code: totp(secret) }, { token: session.access_token });
  const recovery = confirmed.body.recovery_codes;

  const v = new Visitor();
  const first = await v.signIn(email, password, { return_to: '/account' });
  assert.equal(first.status, 303);
  assert.equal(first.location, '/sign-in/second-factor?return_to=%2Faccount');
  assert.equal(v.cookie('__Host-gh_at'), undefined, 'no session before the second factor');
  assert.match(first.headers.getSetCookie().join('\n'), /__Host-gh_mfa=[^;]+; Path=\/; Max-Age=300; Secure; SameSite=Strict; HttpOnly/);
  const step = await v.get(first.location);
  assert.equal(step.status, 200);
  assert.match(step.html, /authenticator app/);
  assert.match(step.html, /autocomplete="one-time-code"/);
  assert.ok(!step.html.includes(v.cookie('__Host-gh_mfa').split(':')[0]), 'the challenge token is not in the page');
  assert.match(step.html, /href="\/sign-in\/second-factor\?method=recovery_code&amp;return_to=%2Faccount"/);

  const valid = [-1, 0, 1].map((step) => totp(secret, step));
  const wrongCode = ['000000', '111111', '222222', '333333'].find((c) => !valid.includes(c));
  const wrong = await v.post('/sign-in/second-factor', { method: 'totp', code: wrongCode, return_to: '/account', action: 'verify' });
  assert.equal(wrong.status, 401);
  assert.equal(alertOf(wrong.html), 'That code is not right, or it has expired.');
  // The next step: the current one was used to confirm the app.
  const done = await v.post('/sign-in/second-factor', { method: 'totp', code: totp(secret, 1), return_to: '/account', action: 'verify' });
  assert.equal(done.status, 303);
  assert.equal(done.location, `${gh.url}/account`);
  assert.ok(v.cookie('__Host-gh_at'));
  assert.equal(v.cookie('__Host-gh_mfa'), undefined, 'the challenge cookie is cleared');
  assert.deepEqual(JSON.parse(Buffer.from(v.cookie('__Host-gh_at').split('.')[1], 'base64url')).amr.sort(), ['mfa', 'otp', 'pwd']);

  // A recovery code works once through the page too.
  const again = new Visitor();
  await again.signIn(email, password);
  const byRecovery = await again.post('/sign-in/second-factor', { method: 'recovery_code', code: recovery[0], action: 'verify' });
  assert.equal(byRecovery.status, 303);
  const reuse = new Visitor();
  await reuse.signIn(email, password);
  assert.equal((await reuse.post('/sign-in/second-factor', { method: 'recovery_code', code: recovery[0], action: 'verify' })).status, 401);
  // Without a challenge cookie, the second step sends the visitor back to the first.
  assert.equal((await new Visitor().get('/sign-in/second-factor')).location, '/sign-in');
});

test('the e-mail code step sends a code on request and signs in with it', async () => {
  const isCodeMail = (m) => /is your Gatehouse code/.test(m.subject);
  const codeIn = (mail) => mail.subject.match(/^(\d{6}) /)[1];
  const email = uniqueEmail('page-email');
  const password = await gh.createVerifiedUser(email);
  const session = await gh.login(email, password);
  assert.equal((await gh.post('/v1/me/mfa/email', { password }, { token: session.access_token })).status, 202);
  const enrolCode = codeIn(await waitForMail(email, isCodeMail, 1));
  assert.equal((await gh.post('/v1/me/mfa/email/confirm', { code: enrolCode }, { token: session.access_token })).status, 200);

  const v = new Visitor();
  const first = await v.signIn(email, password);
  const step = await v.get(first.location);
  assert.match(step.html, /e-mail you a 6-digit code/);
  assert.match(step.html, /name="action" value="send"/);
  const sent = await v.post('/sign-in/second-factor', { method: 'email', action: 'send' });
  assert.equal(sent.status, 200);
  assert.match(sent.html, /role="status">Code sent to [^<]*\*\*\*@/);
  const code = codeIn(await waitForMail(email, isCodeMail, 2));
  const done = await v.post('/sign-in/second-factor', { method: 'email', code, action: 'verify' });
  assert.equal(done.status, 303);
  assert.equal(done.location, '/account');
  assert.ok(v.cookie('__Host-gh_at'));
});

test('with an app and SMS codes, the step offers the other way; a texted code signs in', async () => {
  const email = uniqueEmail('page-sms');
  const password = await gh.createVerifiedUser(email);
  const session = await gh.login(email, password);
  const phone = '+447700900' + String(Math.floor(Math.random() * 900) + 100);
  assert.equal((await gh.post('/v1/me/mfa/sms', { password, phone }, { token: session.access_token })).status, 202);
  const enrol = (await sms.waitFor(phone)).body.match(/^(\d{6}) /)[1];
  assert.equal((await gh.post('/v1/me/mfa/sms/confirm', { code: enrol }, { token: session.access_token })).status, 200);

  const v = new Visitor();
  const first = await v.signIn(email, password);
  const step = await v.get(first.location);
  assert.match(step.html, /text you a 6-digit code/, 'SMS is the only factor besides recovery codes');
  assert.match(step.html, /href="\/sign-in\/second-factor\?method=recovery_code"/);
  const sent = await v.post('/sign-in/second-factor', { method: 'sms', action: 'send' });
  assert.equal(sent.status, 200);
  assert.match(sent.html, /Code sent to \+\*+\d\d\./, 'only the last digits of the number');
  const code = (await sms.waitFor(phone, 2)).body.match(/^(\d{6}) /)[1];
  const done = await v.post('/sign-in/second-factor', { method: 'sms', code, action: 'verify' });
  assert.equal(done.status, 303);
  assert.ok(v.cookie('__Host-gh_at'));
  const method = new Visitor();
  await method.signIn(email, password);
  const unknown = await method.get('/sign-in/second-factor?method=%3Cscript%3E');
  assert.match(unknown.html, /name="method" value="sms"/, 'an unknown method falls back to one the account has');
});

test('sign-in shares the API login limit per address, and says so in a page', async () => {
  const limited = await new Gatehouse({ rate_limits: { login: '3/1h' } }).start();
  try {
    const email = uniqueEmail('page');
    const statuses = [];
    for (let i = 0; i < 2; i++) statuses.push((await limited.post('/v1/auth/login', { email, password: 'wrong password 1' })).status);
    const v = new Visitor(limited);
    statuses.push((await v.signIn(email, 'wrong password 2')).status);
    const refused = await v.signIn(email, 'wrong password 3');
    assert.deepEqual(statuses, [401, 401, 401]);
    assert.equal(refused.status, 429);
    assert.ok(Number(refused.headers.get('retry-after')) > 0);
    assert.equal(alertOf(refused.html), 'Too many attempts from your network. Wait a minute and try again.');
  } finally {
    await limited.stop();
    limited.cleanup();
  }
});

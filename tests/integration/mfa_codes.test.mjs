// Two-factor authentication by codes sent by e-mail (read back from maildev) and by SMS
// (through a local fake of a Twilio-compatible provider that records what it is asked).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { Gatehouse, decodeJwt, expectProblem, mailsFor, sleep, startFakeSmsProvider, uniqueEmail, waitForMail } from './support.mjs';

const CODES_PER_HOUR = 4;
let gh, sms;
before(async () => {
  sms = await startFakeSmsProvider();
  gh = await new Gatehouse({
    sms: sms.config,
    mfa: { codes_per_hour: CODES_PER_HOUR },
    mail: { retry_base_seconds: 1 },
  }).start();
});
after(async () => {
  await gh.stop();
  gh.cleanup();
  await sms.close();
});

const isCodeMail = (m) => /is your Gatehouse code/.test(m.subject);
// The code an e-mail's subject or a text message starts with.
const codeIn = (text) => text.match(/^(\d{6}) /)[1];
// A fresh number each time: sends are limited per destination too.
const newPhone = () => `+44 7700 9${crypto.randomInt(10000, 99999)}`;
const e164 = (phone) => phone.replaceAll(' ', '');

async function signedIn(tag) {
  const email = uniqueEmail(tag);
  const password = await gh.createVerifiedUser(email);
  const session = await gh.login(email, password);
  return { email, password, token: session.access_token };
}

// The `n`-th code e-mailed to `email` (1-based, in order of arrival).
async function mailedCode(email, n) {
  return codeIn((await waitForMail(email, isCodeMail, n)).subject);
}

async function withEmailFactor() {
  const user = await signedIn('email2fa');
  assert.equal((await gh.post('/v1/me/mfa/email', { password: user.password }, { token: user.token })).status, 202);
  const confirmed = await gh.post('/v1/me/mfa/email/confirm', { code: await mailedCode(user.email, 1) }, { token: user.token });
  assert.equal(confirmed.status, 200, JSON.stringify(confirmed.body));
  return user;
}

async function withSmsFactor() {
  const user = await signedIn('sms2fa');
  user.phone = newPhone();
  const r = await gh.post('/v1/me/mfa/sms', { password: user.password, phone: user.phone }, { token: user.token });
  assert.equal(r.status, 202, JSON.stringify(r.body));
  const text = await sms.waitFor(e164(user.phone));
  const confirmed = await gh.post('/v1/me/mfa/sms/confirm', { code: codeIn(text.body) }, { token: user.token });
  assert.equal(confirmed.status, 200, JSON.stringify(confirmed.body));
  return user;
}

async function challenge({ email, password }) {
  const r = await gh.post('/v1/auth/login', { email, password });
  assert.equal(r.status, 200);
  assert.equal(r.body.mfa_required, true);
  return r.body;
}

test('e-mail codes: enrolment sends a code, which confirms the factor once and issues recovery codes', async () => {
  const { email, password, token } = await signedIn('enrol-email');
  expectProblem(assert, await gh.post('/v1/me/mfa/email', { password: 'not my password' }, { token }), 401, 'invalid_credentials');
  const r = await gh.post('/v1/me/mfa/email', { password }, { token });
  assert.equal(r.status, 202);
  assert.equal(r.body.sent_to, `${email[0]}***${email.slice(email.indexOf('@'))}`);
  const mail = await waitForMail(email, isCodeMail);
  const code = codeIn(mail.subject);
  assert.ok(mail.text.includes(`: ${code}\n`), mail.text);
  assert.match(mail.html, new RegExp(`<strong>${code}</strong>`));
  assert.match(mail.text, /expires in 10 minutes/);

  const stored = gh.sql(`SELECT code_hash FROM mfa_codes c JOIN users u ON u.id = c.user_id WHERE u.email = '${email}'`);
  assert.match(stored, /^[0-9a-f]{64}$/, 'only a keyed hash is stored');
  assert.equal(gh.sql('SELECT COUNT(*) FROM outbox'), '0', 'the sent message is not kept');
  assert.deepEqual((await gh.get('/v1/me/mfa', { token })).body, { totp: false, email: false, sms: false, webauthn: false, recovery_codes_left: 0 });
  assert.ok((await gh.post('/v1/auth/login', { email, password })).body.access_token, 'a pending factor does not guard login');

  const wrong = code === '000000' ? '111111' : '000000';
  expectProblem(assert, await gh.post('/v1/me/mfa/email/confirm', { code: wrong }, { token }), 401, 'mfa_invalid_code');
  const confirmed = await gh.post('/v1/me/mfa/email/confirm', { code }, { token });
  assert.equal(confirmed.status, 200);
  assert.equal(confirmed.body.recovery_codes.length, 10);
  assert.deepEqual((await gh.get('/v1/me/mfa', { token })).body, { totp: false, email: true, sms: false, webauthn: false, recovery_codes_left: 10 });
  assert.deepEqual((await gh.get('/v1/me', { token })).body.mfa, { totp: false, email: true, sms: false, webauthn: false });
  expectProblem(assert, await gh.post('/v1/me/mfa/email/confirm', { code }, { token }), 409, 'conflict');
  expectProblem(assert, await gh.post('/v1/me/mfa/email', { password }, { token }), 409, 'conflict');
  await waitForMail(email, (m) => /Two-factor sign-in changed/.test(m.subject) && /codes by e-mail was added/.test(m.text));
});

test('login with an e-mail code: send, then the code; amr says email; the code works once', async () => {
  const user = await withEmailFactor();
  const first = await challenge(user);
  assert.deepEqual(first.methods, ['email', 'recovery_code']);
  const sent = await gh.post('/v1/auth/login/mfa/send', { mfa_token: first.mfa_token, method: 'email' });
  assert.equal(sent.status, 202, JSON.stringify(sent.body));
  const code = await mailedCode(user.email, 2);
  const mail = await waitForMail(user.email, isCodeMail, 2);
  assert.match(mail.text, /code to sign in/);
  const r = await gh.post('/v1/auth/login/mfa', { mfa_token: first.mfa_token, method: 'email', code });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.deepEqual(decodeJwt(r.body.access_token).payload.amr, ['pwd', 'email', 'mfa']);

  const second = await challenge(user);
  expectProblem(assert, await gh.post('/v1/auth/login/mfa', { mfa_token: second.mfa_token, method: 'email', code }), 401, 'mfa_invalid_code');
});

test('SMS codes: the provider gets a form POST with basic auth; enrol, confirm, then sign in by text', async () => {
  const { email, password, token } = await signedIn('enrol-sms');
  const phone = newPhone();
  const r = await gh.post('/v1/me/mfa/sms', { password, phone }, { token });
  assert.equal(r.status, 202, JSON.stringify(r.body));
  const number = e164(phone);
  assert.equal(r.body.sent_to, `+${'*'.repeat(number.length - 3)}${number.slice(-2)}`);
  const text = await sms.waitFor(number);
  assert.equal(text.method, 'POST');
  assert.equal(text.path, `/2010-04-01/Accounts/${sms.accountSid}/Messages.json`);
  assert.equal(text.authorization, `Basic ${Buffer.from(`${sms.accountSid}:${sms.authToken}`).toString('base64')}`);
  assert.equal(text.contentType, 'application/x-www-form-urlencoded');
  assert.equal(text.from, '+15005550006');
  const code = codeIn(text.body);
  assert.match(text.body, /confirm this phone number/);
  assert.ok(text.body.endsWith(`@127.0.0.1 #${code}`), 'bound to the site for WebOTP');
  assert.ok(text.body.length <= 160, 'one SMS segment');

  const confirmed = await gh.post('/v1/me/mfa/sms/confirm', { code }, { token });
  assert.equal(confirmed.status, 200, JSON.stringify(confirmed.body));
  assert.equal(confirmed.body.recovery_codes.length, 10);
  const overview = (await gh.get('/v1/me/mfa', { token })).body;
  assert.equal(overview.sms, true);
  assert.equal(overview.sms_phone, r.body.sent_to);
  assert.equal(gh.sql(`SELECT phone FROM mfa_factors f JOIN users u ON u.id = f.user_id WHERE u.email = '${email}'`), number);

  const { mfa_token, methods } = await challenge({ email, password });
  assert.deepEqual(methods, ['sms', 'recovery_code']);
  assert.equal((await gh.post('/v1/auth/login/mfa/send', { mfa_token, method: 'sms' })).status, 202);
  const login = await sms.waitFor(number, 2);
  assert.match(login.body, /code to sign in/);
  const done = await gh.post('/v1/auth/login/mfa', { mfa_token, method: 'sms', code: codeIn(login.body) });
  assert.equal(done.status, 200, JSON.stringify(done.body));
  assert.deepEqual(decodeJwt(done.body.access_token).payload.amr, ['pwd', 'sms', 'mfa']);
});

test('a code allows five guesses, even all at once, then not even the right one works', async () => {
  const { email, password, token } = await signedIn('guesses');
  await gh.post('/v1/me/mfa/email', { password }, { token });
  const code = await mailedCode(email, 1);
  const wrong = code === '000000' ? '111111' : '000000';
  const guesses = await Promise.all(
    Array.from({ length: 12 }, () => gh.post('/v1/me/mfa/email/confirm', { code: wrong }, { token })),
  );
  assert.ok(guesses.every((g) => g.status === 401 && g.body.code === 'mfa_invalid_code'));
  assert.equal(gh.sql(`SELECT attempts FROM mfa_codes c JOIN users u ON u.id = c.user_id WHERE u.email = '${email}'`), '5');
  expectProblem(assert, await gh.post('/v1/me/mfa/email/confirm', { code }, { token }), 401, 'mfa_invalid_code');
});

test('an expired code is refused; a new code replaces the old one', async () => {
  const { email, password, token } = await signedIn('expiry');
  await gh.post('/v1/me/mfa/email', { password }, { token });
  const first = await mailedCode(email, 1);
  const userId = gh.sql(`SELECT id FROM users WHERE email = '${email}'`);
  gh.sql(`UPDATE mfa_codes SET expires_at = expires_at - 601 WHERE user_id = '${userId}'`);  // ten minutes on
  expectProblem(assert, await gh.post('/v1/me/mfa/email/confirm', { code: first }, { token }), 401, 'mfa_invalid_code');

  await gh.post('/v1/me/mfa/email', { password }, { token });
  const second = await mailedCode(email, 2);
  if (second !== first) {
    expectProblem(assert, await gh.post('/v1/me/mfa/email/confirm', { code: first }, { token }), 401, 'mfa_invalid_code');
  }
  assert.equal((await gh.post('/v1/me/mfa/email/confirm', { code: second }, { token })).status, 200);
});

test('sending is limited per account and per phone number, with Retry-After', async () => {
  const user = await withSmsFactor();  // one send so far
  const { mfa_token } = await challenge(user);
  const statuses = [];
  for (let i = 0; i < CODES_PER_HOUR; i++) {
    statuses.push((await gh.post('/v1/auth/login/mfa/send', { mfa_token, method: 'sms' })).status);
  }
  assert.deepEqual(statuses, [...Array(CODES_PER_HOUR - 1).fill(202), 429]);
  const limited = await gh.post('/v1/auth/login/mfa/send', { mfa_token, method: 'sms' });
  expectProblem(assert, limited, 429, 'rate_limited');
  const retryAfter = Number(limited.headers.get('retry-after'));
  // At most 4 in any hour: the next one fits once a quarter of the burst has slid out of the
  // hour — 15 minutes after the end of this hour-long window at the earliest, 75 at the latest.
  assert.ok(retryAfter >= 900 && retryAfter <= 4500, `${retryAfter}: at ${CODES_PER_HOUR} an hour`);

  // Another account cannot use the same number to get round the limit (SMS pumping).
  const other = await signedIn('pump');
  expectProblem(assert, await gh.post('/v1/me/mfa/sms', { password: other.password, phone: user.phone }, { token: other.token }), 429, 'rate_limited');
});

test('an SMS the provider refuses is retried; one it cannot take within ten minutes is dropped', async () => {
  const { password, token } = await signedIn('retry');
  const phone = e164(newPhone());
  sms.failNext = 1;
  assert.equal((await gh.post('/v1/me/mfa/sms', { password, phone }, { token })).status, 202, 'the request does not wait for the provider');
  await sms.waitFor(phone);
  assert.equal(sms.requests.filter((m) => m.to === phone).length, 2, 'refused once, then delivered');

  const late = e164(newPhone());
  sms.failNext = 1;
  const other = await signedIn('late');
  await gh.post('/v1/me/mfa/sms', { password: other.password, phone: late }, { token: other.token });
  for (let i = 0; i < 100 && !sms.requests.some((m) => m.to === late); i++) await sleep(50);
  gh.sql(`UPDATE outbox SET created_at = created_at - 601 WHERE recipient = '${late}'`);  // ten minutes on
  await gh.mailSent();
  assert.equal(gh.sql(`SELECT COUNT(*) FROM outbox WHERE recipient = '${late}'`), '0');
  assert.equal(sms.messages.filter((m) => m.to === late).length, 0, 'not sent once its code is dead');
});

test('removing the SMS factor needs the password, names the number in the notice, ends SMS sign-in', async () => {
  const user = await withSmsFactor();
  const remove = (json) => gh.request('DELETE', '/v1/me/mfa/sms', { json, token: user.token });
  expectProblem(assert, await remove({ password: 'wrong' }), 401, 'invalid_credentials');
  assert.equal((await remove({ password: user.password })).status, 204);
  const masked = `+${'*'.repeat(e164(user.phone).length - 3)}${user.phone.slice(-2)}`;
  const notice = await waitForMail(user.email, (m) => /removed/.test(m.text));
  assert.ok(notice.text.includes(masked), notice.text);
  assert.ok(!notice.text.includes(e164(user.phone)), 'the full number is not e-mailed');
  assert.ok((await gh.post('/v1/auth/login', { email: user.email, password: user.password })).body.access_token);
});

test('a second factor of each kind: the challenge offers all of them', async () => {
  const user = await withEmailFactor();
  const phone = newPhone();
  await gh.post('/v1/me/mfa/sms', { password: user.password, phone }, { token: user.token });
  const text = await sms.waitFor(e164(phone));
  const confirmed = await gh.post('/v1/me/mfa/sms/confirm', { code: codeIn(text.body) }, { token: user.token });
  assert.deepEqual(confirmed.body, {}, 'recovery codes come with the first factor only');
  assert.deepEqual((await challenge(user)).methods, ['email', 'sms', 'recovery_code']);
});

test('bad input to the code endpoints is refused and changes nothing', async () => {
  const user = await withEmailFactor();
  const { token, password } = user;
  const enrol = (json) => gh.post('/v1/me/mfa/sms', json, { token });
  for (const phone of ['07700900123', '+44 7700 9001x3', '+0447700900123', '+1234567890123456', '+'.padEnd(40, '1'), 447700900123]) {
    expectProblem(assert, await enrol({ password, phone }), 422, 'validation_failed');
  }
  expectProblem(assert, await enrol({ password }), 422, 'validation_failed');
  expectProblem(assert, await enrol({ phone: newPhone() }), 422, 'validation_failed');
  expectProblem(assert, await gh.post('/v1/me/mfa/sms', { password, phone: newPhone() }), 401, 'invalid_token');
  expectProblem(assert, await gh.post('/v1/me/mfa/sms/confirm', { code: '123456' }, { token }), 404, 'not_found');
  expectProblem(assert, await gh.post('/v1/me/mfa/email/confirm', {}, { token }), 422, 'validation_failed');
  expectProblem(assert, await gh.request('POST', '/v1/me/mfa/email', { body: 'password=x', token, headers: { 'content-type': 'application/x-www-form-urlencoded' } }), 415, 'unsupported_media_type');
  assert.equal(gh.sql(`SELECT COUNT(*) FROM mfa_factors f JOIN users u ON u.id = f.user_id WHERE u.email = '${user.email}'`), '1');

  const { mfa_token } = await challenge(user);
  const send = (json) => gh.post('/v1/auth/login/mfa/send', json);
  expectProblem(assert, await send({ mfa_token, method: 'totp' }), 422, 'validation_failed');
  expectProblem(assert, await send({ mfa_token, method: 'sms' }), 422, 'validation_failed');  // not set up
  expectProblem(assert, await send({ mfa_token }), 422, 'validation_failed');
  expectProblem(assert, await send({ mfa_token: 'A'.repeat(43), method: 'email' }), 401, 'invalid_token');
  expectProblem(assert, await send({ mfa_token: 'not a token', method: 'email' }), 401, 'invalid_token');
  expectProblem(assert, await gh.post('/v1/auth/login/mfa', { mfa_token, method: 'sms', code: '123456' }), 401, 'mfa_invalid_code');
  await gh.mailSent();
  const before = (await mailsFor(user.email)).length;
  await sleep(300);
  assert.equal((await mailsFor(user.email)).length, before, 'no code was sent by a refused request');
});

test('a used or dead challenge cannot send codes', async () => {
  const user = await withEmailFactor();
  const { mfa_token } = await challenge(user);
  for (let i = 0; i < 5; i++) await gh.post('/v1/auth/login/mfa', { mfa_token, method: 'email', code: '000000' });
  expectProblem(assert, await gh.post('/v1/auth/login/mfa/send', { mfa_token, method: 'email' }), 401, 'invalid_token');
});

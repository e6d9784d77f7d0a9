// Change, forgot and reset password, with e-mails read back from maildev.
import { test, before, after } from 'node:test';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import assert from 'node:assert/strict';
import { Gatehouse, expectProblem, mailsFor, sleep, uniqueEmail, waitForMail } from './support.mjs';

let gh;
before(async () => {
  gh = await new Gatehouse({ accounts: { forgot_password_per_hour: 3 } }).start();
});
after(async () => {
  await gh.stop();
  gh.cleanup();
});

const NEW_PASSWORD = 'purple elephant dances quietly';
const isReset = (m) => /Reset your/.test(m.subject);
const isChanged = (m) => /password was changed/.test(m.subject);
const resetToken = (mail) => mail.text.match(/reset-password\?token=([A-Za-z0-9_-]{43})/)[1];

async function userWithTwoSessions() {
  const email = uniqueEmail('pw');
  const password = await gh.createVerifiedUser(email);
  return { email, password, a: await gh.login(email, password), b: await gh.login(email, password) };
}

async function requestReset(email) {
  const before = (await mailsFor(email)).filter(isReset).length;
  const r = await gh.post('/v1/auth/forgot-password', { email });
  assert.equal(r.status, 202);
  return resetToken(await waitForMail(email, isReset, before + 1));
}

const passwordHash = (email) => gh.sql(`SELECT password_hash FROM users WHERE email = '${email}'`);

test('change-password keeps the caller signed in, revokes every other session and e-mails a notice', async () => {
  const { email, password, a, b } = await userWithTwoSessions();
  const r = await gh.post('/v1/auth/change-password', { current_password: password, new_password: NEW_PASSWORD }, { token: a.access_token });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal((await gh.get('/v1/me', { token: a.access_token })).status, 200, 'the caller stays signed in');
  assert.equal((await gh.post('/v1/auth/refresh', { refresh_token: a.refresh_token })).status, 200);
  expectProblem(assert, await gh.get('/v1/me', { token: b.access_token }), 401, 'token_revoked');
  expectProblem(assert, await gh.post('/v1/auth/refresh', { refresh_token: b.refresh_token }), 401, 'token_revoked');
  expectProblem(assert, await gh.post('/v1/auth/login', { email, password }), 401, 'invalid_credentials');
  assert.equal((await gh.post('/v1/auth/login', { email, password: NEW_PASSWORD })).status, 200);
  const notice = await waitForMail(email, isChanged);
  assert.match(notice.text, /forgot-password/);
});

test('change-password refuses a wrong current password, a weak new one and bad input, changing nothing', async () => {
  const { email, password, a, b } = await userWithTwoSessions();
  const hash = passwordHash(email);
  const send = (json, token = a.access_token) => gh.post('/v1/auth/change-password', json, { token });
  expectProblem(assert, await send({ current_password: 'not my password', new_password: NEW_PASSWORD }), 401, 'invalid_credentials');
  const weak = await send({ current_password: password, new_password: 'password123' });
  expectProblem(assert, weak, 422, 'weak_password');
  assert.match(weak.body.detail, /too easy to guess/);
  expectProblem(assert, await send({ current_password: password, new_password: email }), 422, 'weak_password');
  expectProblem(assert, await send({ current_password: password }), 422, 'validation_failed');
  expectProblem(assert, await send({ current_password: password, new_password: 12345678 }), 422, 'validation_failed');
  expectProblem(assert, await send({ current_password: password, new_password: 'x'.repeat(10000) }), 422, 'validation_failed');
  expectProblem(assert, await send({ current_password: password, new_password: NEW_PASSWORD }, 'not-a-token'), 401, 'invalid_token');
  expectProblem(assert, await gh.post('/v1/auth/change-password', { current_password: password, new_password: NEW_PASSWORD }), 401, 'invalid_token');
  assert.equal(passwordHash(email), hash, 'the password is unchanged');
  assert.equal((await gh.get('/v1/me', { token: b.access_token })).status, 200, 'no session was revoked');
});

test('forgot-password answers the same for an account and for an unknown address, and e-mails each', async () => {
  const known = uniqueEmail('known');
  await gh.createVerifiedUser(known);
  const unknown = uniqueEmail('nobody');
  const a = await gh.post('/v1/auth/forgot-password', { email: known });
  const b = await gh.post('/v1/auth/forgot-password', { email: unknown });
  assert.equal(a.status, 202);
  assert.equal(b.status, a.status);
  assert.deepEqual(b.body, a.body);
  assert.deepEqual([...b.headers.keys()].sort(), [...a.headers.keys()].sort());
  const reset = await waitForMail(known, isReset);
  assert.ok(resetToken(reset));
  assert.match(reset.html, new RegExp(`<a href="${gh.url}/reset-password\\?token=`), 'links come from public_url');
  const notice = await waitForMail(unknown, (m) => /requested/.test(m.subject));
  assert.match(notice.text, /no account/);
  assert.doesNotMatch(notice.text, /token=/);
});

test('forgot-password timing does not reveal whether the account exists', async () => {
  // Nine interleaved samples each: a median of three was thrown off by a single burst of load
  // from the other tests' servers (each makes its signing keys when it starts). Three known
  // accounts, each asked three times, stay within the per-address limit.
  const known = [uniqueEmail('timing'), uniqueEmail('timing'), uniqueEmail('timing')];
  for (const email of known) await gh.createVerifiedUser(email);
  const time = async (email) => {
    const t = process.hrtime.bigint();
    await gh.post('/v1/auth/forgot-password', { email });
    return Number(process.hrtime.bigint() - t) / 1e6;
  };
  const existing = [], unknown = [];
  for (let i = 0; i < 9; i++) {
    existing.push(await time(known[i % 3]));
    unknown.push(await time(uniqueEmail('timing-unknown')));
  }
  const median = (xs) => xs.sort((x, y) => x - y)[4];
  const difference = Math.abs(median(existing) - median(unknown));
  assert.ok(difference < 25, `median difference ${difference.toFixed(1)} ms`);
});

test('forgot-password is limited per address, for unknown addresses too', async () => {
  for (const email of [uniqueEmail('limit'), uniqueEmail('limit-known')]) {
    if (email.startsWith('limit-known')) await gh.createVerifiedUser(email);
    for (let i = 0; i < 3; i++) assert.equal((await gh.post('/v1/auth/forgot-password', { email })).status, 202);
    const limited = await gh.post('/v1/auth/forgot-password', { email });
    expectProblem(assert, limited, 429, 'rate_limited');
    assert.ok(Number(limited.headers.get('retry-after')) > 0);
  }
});

test('reset-password sets the password, revokes every session, and the link works once', async () => {
  const { email, password, a, b } = await userWithTwoSessions();
  const token = await requestReset(email);
  const r = await gh.post('/v1/auth/reset-password', { token, new_password: NEW_PASSWORD });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  for (const s of [a, b]) {
    expectProblem(assert, await gh.get('/v1/me', { token: s.access_token }), 401, 'token_revoked');
    expectProblem(assert, await gh.post('/v1/auth/refresh', { refresh_token: s.refresh_token }), 401, 'token_revoked');
  }
  expectProblem(assert, await gh.post('/v1/auth/login', { email, password }), 401, 'invalid_credentials');
  assert.equal((await gh.post('/v1/auth/login', { email, password: NEW_PASSWORD })).status, 200);
  expectProblem(assert, await gh.post('/v1/auth/reset-password', { token, new_password: 'another fine passphrase' }), 401, 'invalid_token');
  await waitForMail(email, isChanged);
});

test('a weak password leaves the reset link usable; bad tokens change nothing', async () => {
  const email = uniqueEmail('weak');
  await gh.createVerifiedUser(email);
  const hash = passwordHash(email);
  const token = await requestReset(email);
  expectProblem(assert, await gh.post('/v1/auth/reset-password', { token, new_password: 'qwerty123' }), 422, 'weak_password');
  expectProblem(assert, await gh.post('/v1/auth/reset-password', { token, new_password: 'short' }), 422, 'weak_password');
  for (const bad of ['', 'not a token!', 'A'.repeat(43), token.slice(0, -1), 'x'.repeat(5000)]) {
    const r = await gh.post('/v1/auth/reset-password', { token: bad, new_password: NEW_PASSWORD });
    assert.ok([401, 422].includes(r.status), `${JSON.stringify(bad.slice(0, 20))}: ${r.status}`);
  }
  expectProblem(assert, await gh.post('/v1/auth/reset-password', { token }), 422, 'validation_failed');
  expectProblem(assert, await gh.post('/v1/auth/reset-password', { token: 42, new_password: NEW_PASSWORD }), 422, 'validation_failed');
  assert.equal(passwordHash(email), hash);
  assert.equal((await gh.post('/v1/auth/reset-password', { token, new_password: NEW_PASSWORD })).status, 200);
});

test('a verify-email link token is not a reset token', async () => {
  const email = uniqueEmail('purpose');
  await gh.post('/v1/auth/register', { email, password: 'correct horse battery staple' });
  const mail = await waitForMail(email, (m) => /Confirm/.test(m.subject));
  const verifyToken = mail.text.match(/token=([A-Za-z0-9_-]+)/)[1];
  expectProblem(assert, await gh.post('/v1/auth/reset-password', { token: verifyToken, new_password: NEW_PASSWORD }), 401, 'invalid_token');
  assert.equal((await gh.post('/v1/auth/verify-email', { token: verifyToken })).status, 200, 'and still verifies');
});

test('of concurrent resets with one link exactly one succeeds', async () => {
  const email = uniqueEmail('race');
  await gh.createVerifiedUser(email);
  const token = await requestReset(email);
  const results = await Promise.all(
    Array.from({ length: 8 }, (_, i) => gh.post('/v1/auth/reset-password', { token, new_password: `${NEW_PASSWORD} ${i}` })),
  );
  const statuses = results.map((r) => r.status).sort();
  assert.deepEqual(statuses, [200, 401, 401, 401, 401, 401, 401, 401]);
  const winner = results.findIndex((r) => r.status === 200);
  assert.equal((await gh.post('/v1/auth/login', { email, password: `${NEW_PASSWORD} ${winner}` })).status, 200);
});

test('a reset proves the address: an unverified account becomes verified', async () => {
  const email = uniqueEmail('unverified');
  await gh.post('/v1/auth/register', { email, password: 'correct horse battery staple' });
  const token = await requestReset(email);
  assert.equal((await gh.post('/v1/auth/reset-password', { token, new_password: NEW_PASSWORD })).status, 200);
  const pair = await gh.login(email, NEW_PASSWORD);
  assert.equal((await gh.get('/v1/me', { token: pair.access_token })).body.email_verified, true);
});

test('changing the password voids a reset link asked for before', async () => {
  const { email, password, a } = await userWithTwoSessions();
  const token = await requestReset(email);
  await gh.post('/v1/auth/change-password', { current_password: password, new_password: NEW_PASSWORD }, { token: a.access_token });
  expectProblem(assert, await gh.post('/v1/auth/reset-password', { token, new_password: 'yet another passphrase' }), 401, 'invalid_token');
});

test('reset links expire', async () => {
  const short = await new Gatehouse({ accounts: { reset_link_ttl_seconds: 1 } }).start();
  try {
    const email = uniqueEmail('expiry');
    await short.createVerifiedUser(email);
    assert.equal((await short.post('/v1/auth/forgot-password', { email })).status, 202);
    const token = resetToken(await waitForMail(email, isReset));
    await sleep(2100);
    expectProblem(assert, await short.post('/v1/auth/reset-password', { token, new_password: NEW_PASSWORD }), 401, 'invalid_token');
  } finally {
    await short.stop();
    short.cleanup();
  }
});

test('passwords are compared in Unicode NFC: a composed and a decomposed é are the same password', async () => {
  const email = uniqueEmail('nfc');
  const composed = 'caf\u00e9 au lait sous la pluie';
  await gh.createVerifiedUser(email, composed);
  assert.equal((await gh.post('/v1/auth/login', { email, password: composed.normalize('NFD') })).status, 200);
});

test('the password policy refuses weak passwords at registration with a reason', async () => {
  const table = [
    ['password1', /commonly used/],
    ['qwertyuiop', /too easy to guess/],
    ['9876543210', /sequences/],
    ['1234567', /at least 8/],
  ];
  for (const [password, why] of table) {
    const r = await gh.post('/v1/auth/register', { email: uniqueEmail('policy'), password });
    expectProblem(assert, r, 422, 'weak_password');
    assert.match(r.body.detail, why, password);
  }
  const email = uniqueEmail('policy');
  const own = await gh.post('/v1/auth/register', { email, password: `${email}!` });
  assert.match(own.body.detail, /e-mail address or name/);
  const named = await gh.post('/v1/auth/register', { email: uniqueEmail(), password: 'Marguerite Duras 1914', name: 'Marguerite Duras' });
  assert.match(named.body.detail, /e-mail address or name/);
});

test('templates from mail.templates_dir replace the built-in ones, values still escaped', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'gatehouse-templates-'));
  writeFileSync(path.join(dir, 'password_reset.subject.txt'), 'Acme: pick a new password\n');
  writeFileSync(path.join(dir, 'password_reset.html'), '<p>Dear {{name}}, <a href="{{link}}">go</a></p>');
  const custom = await new Gatehouse({ mail: { templates_dir: dir } }).start();
  try {
    const email = uniqueEmail('templates');
    await custom.post('/v1/auth/register', { email, password: 'correct horse battery staple', name: '<img src=x onerror=alert(1)>' });
    await custom.post('/v1/auth/forgot-password', { email });
    const mail = await waitForMail(email, (m) => m.subject === 'Acme: pick a new password');
    assert.match(mail.html, /Dear &lt;img src=x onerror=alert\(1\)&gt;, <a href="http[^"]+reset-password\?token=/);
    assert.match(mail.text, /To choose a new password/, 'the text part stays built in');
  } finally {
    await custom.stop();
    custom.cleanup();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an unknown file in mail.templates_dir stops start-up, naming it', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'gatehouse-templates-'));
  writeFileSync(path.join(dir, 'pasword_reset.html'), 'typo');
  const broken = new Gatehouse({ mail: { templates_dir: dir } });
  try {
    await assert.rejects(broken.start(), /pasword_reset\.html/);
  } finally {
    await broken.stop();
    broken.cleanup();
    rmSync(dir, { recursive: true, force: true });
  }
});

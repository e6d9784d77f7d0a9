// Registration and e-mail verification, with e-mails read back from maildev.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Gatehouse, expectProblem, mailsFor, sleep, uniqueEmail, waitForMail } from './support.mjs';

let gh;
before(async () => {
  gh = await new Gatehouse({ accounts: { verify_resend_per_hour: 2 } }).start();
});
after(async () => {
  await gh.stop();
  gh.cleanup();
});

const PASSWORD = 'correct horse battery staple';
const isVerification = (m) => /Confirm your e-mail/.test(m.subject);

test('register answers 202 {} and e-mails a link and a 6-digit code', async () => {
  const email = uniqueEmail();
  const r = await gh.post('/v1/auth/register', { email, password: PASSWORD, name: 'Ada' });
  assert.equal(r.status, 202);
  assert.deepEqual(r.body, {});
  const mail = await waitForMail(email, isVerification);
  assert.match(mail.text, /code: \d{6}\b/);
  const link = mail.text.match(/(http\S+verify-email\?token=[A-Za-z0-9_-]{43})/)[1];
  assert.ok(link.startsWith(gh.url + '/'), 'links come from public_url');
  assert.match(mail.html, /<a href="http[^"]+verify-email\?token=/);
  assert.equal(mail.from[0].address, 'no-reply@gatehouse.test');
});

test('registering a taken address answers the same and sends a notice, not a second account', async () => {
  const email = uniqueEmail();
  const first = await gh.post('/v1/auth/register', { email, password: PASSWORD });
  const second = await gh.post('/v1/auth/register', { email: email.toUpperCase(), password: 'another password 1' });
  assert.equal(first.status, 202);
  assert.equal(second.status, first.status);
  assert.deepEqual(second.body, first.body);
  assert.deepEqual([...second.headers.keys()].sort(), [...first.headers.keys()].sort());
  const notice = await waitForMail(email, (m) => /already have/.test(m.subject));
  assert.match(notice.text, /sign in instead/);
  assert.equal((await mailsFor(email)).filter(isVerification).length, 1);
});

test('registration timing does not reveal whether the address is taken', async () => {
  const taken = uniqueEmail();
  await gh.post('/v1/auth/register', { email: taken, password: PASSWORD });
  const time = async (email) => {
    const t = process.hrtime.bigint();
    await gh.post('/v1/auth/register', { email, password: PASSWORD });
    return Number(process.hrtime.bigint() - t) / 1e6;
  };
  const fresh = [], existing = [];
  for (let i = 0; i < 5; i++) {
    fresh.push(await time(uniqueEmail()));
    existing.push(await time(taken));
  }
  const median = (a) => a.sort((x, y) => x - y)[2];
  const ratio = median(existing) / median(fresh);
  assert.ok(ratio > 0.5 && ratio < 2, `taken/new median time ratio ${ratio.toFixed(2)}`);
});

test('the magic link token verifies once', async () => {
  const email = uniqueEmail();
  await gh.post('/v1/auth/register', { email, password: PASSWORD });
  const mail = await waitForMail(email, isVerification);
  const token = mail.text.match(/token=([A-Za-z0-9_-]+)/)[1];
  expectProblem(assert, await gh.post('/v1/auth/login', { email, password: PASSWORD }), 403, 'email_not_verified');
  const r = await gh.post('/v1/auth/verify-email', { token });
  assert.equal(r.status, 200);
  assert.deepEqual(r.body, { email_verified: true });
  expectProblem(assert, await gh.post('/v1/auth/verify-email', { token }), 401, 'invalid_token');
  assert.equal((await gh.post('/v1/auth/login', { email, password: PASSWORD })).status, 200);
});

test('the 6-digit code verifies; the link is void afterwards', async () => {
  const email = uniqueEmail();
  await gh.post('/v1/auth/register', { email, password: PASSWORD });
  const mail = await waitForMail(email, isVerification);
  const code = mail.text.match(/code: (\d{6})/)[1];
  const token = mail.text.match(/token=([A-Za-z0-9_-]+)/)[1];
  assert.equal((await gh.post('/v1/auth/verify-email', { email, code })).status, 200);
  expectProblem(assert, await gh.post('/v1/auth/verify-email', { email, code }), 401, 'invalid_token');
  expectProblem(assert, await gh.post('/v1/auth/verify-email', { token }), 401, 'invalid_token');
});

test('five wrong codes kill the code, even the right one after', async () => {
  const email = uniqueEmail();
  await gh.post('/v1/auth/register', { email, password: PASSWORD });
  const mail = await waitForMail(email, isVerification);
  const code = mail.text.match(/code: (\d{6})/)[1];
  const wrong = code === '000000' ? '111111' : '000000';
  for (let i = 0; i < 5; i++) {
    expectProblem(assert, await gh.post('/v1/auth/verify-email', { email, code: wrong }), 401, 'invalid_token');
  }
  expectProblem(assert, await gh.post('/v1/auth/verify-email', { email, code }), 401, 'invalid_token');
});

test('a wrong code for an unknown address looks like any wrong code', async () => {
  const r = await gh.post('/v1/auth/verify-email', { email: uniqueEmail(), code: '123456' });
  expectProblem(assert, r, 401, 'invalid_token');
});

test('an expired code and an expired link are refused', async () => {
  const short = await new Gatehouse({
    accounts: { verify_code_ttl_seconds: 1, verify_link_ttl_seconds: 1 },
  }).start();
  try {
    const email = uniqueEmail();
    await short.post('/v1/auth/register', { email, password: PASSWORD });
    const mail = await waitForMail(email, isVerification);
    const code = mail.text.match(/code: (\d{6})/)[1];
    const token = mail.text.match(/token=([A-Za-z0-9_-]+)/)[1];
    await sleep(2100);
    expectProblem(assert, await short.post('/v1/auth/verify-email', { email, code }), 401, 'invalid_token');
    expectProblem(assert, await short.post('/v1/auth/verify-email', { token }), 401, 'invalid_token');
  } finally {
    await short.stop();
    short.cleanup();
  }
});

test('resend sends a new code that works and voids the old one; it is rate limited', async () => {
  const email = uniqueEmail();
  await gh.post('/v1/auth/register', { email, password: PASSWORD });
  const first = await waitForMail(email, isVerification);
  const oldCode = first.text.match(/code: (\d{6})/)[1];
  const r = await gh.post('/v1/auth/verify-email/resend', { email });
  assert.equal(r.status, 202);
  const second = await waitForMail(email, isVerification, 2);
  const newCode = second.text.match(/code: (\d{6})/)[1];
  if (oldCode !== newCode) {
    expectProblem(assert, await gh.post('/v1/auth/verify-email', { email, code: oldCode }), 401, 'invalid_token');
  }
  assert.equal((await gh.post('/v1/auth/verify-email', { email, code: newCode })).status, 200);

  assert.equal((await gh.post('/v1/auth/verify-email/resend', { email })).status, 202);
  const limited = await gh.post('/v1/auth/verify-email/resend', { email });
  expectProblem(assert, limited, 429, 'rate_limited');
  assert.ok(Number(limited.headers.get('retry-after')) > 0);
});

test('resend for an unknown address answers like a known one and sends nothing', async () => {
  const email = uniqueEmail();
  const r = await gh.post('/v1/auth/verify-email/resend', { email });
  assert.equal(r.status, 202);
  assert.deepEqual(r.body, {});
  await sleep(300);
  assert.equal((await mailsFor(email)).length, 0);
});

test('a name full of markup arrives inert in the HTML e-mail', async () => {
  const email = uniqueEmail();
  await gh.post('/v1/auth/register', { email, password: PASSWORD, name: '<script>alert(1)</script>' });
  const mail = await waitForMail(email, isVerification);
  assert.ok(!mail.html.includes('<script>'));
  assert.match(mail.html, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
});

test('the link host comes from public_url, never from the Host header', async () => {
  const email = uniqueEmail();
  await gh.post('/v1/auth/register', { email, password: PASSWORD }, { headers: { 'x-forwarded-host': 'evil.example', host: 'evil.example' } });
  const mail = await waitForMail(email, isVerification);
  assert.ok(!mail.text.includes('evil.example'));
  assert.ok(mail.text.includes(gh.url + '/verify-email?token='));
});

test('addresses are normalised: case and surrounding spaces do not make a new account', async () => {
  const email = uniqueEmail();
  await gh.createVerifiedUser(email, PASSWORD);
  const r = await gh.post('/v1/auth/login', { email: `  ${email.toUpperCase()} `, password: PASSWORD });
  assert.equal(r.status, 200);
});

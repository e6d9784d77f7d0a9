// Two-factor authentication with an authenticator app (codes from oathtool, an independent
// RFC 6238 implementation) and recovery codes; notices read back from maildev.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { decodeJwt, expectProblem, Gatehouse, sleep, totp, uniqueEmail, waitForMail } from './support.mjs';

let gh;
before(async () => {
  gh = await new Gatehouse({ tokens: { key_reload_seconds: 1 } }).start();  // sweeps each second
});
after(async () => {
  await gh.stop();
  gh.cleanup();
});

const isNotice = (m) => /Two-factor sign-in changed/.test(m.subject);

// A user with a confirmed authenticator app: {email, password, session, secret, codes}.
async function enrolled() {
  const email = uniqueEmail('mfa');
  const password = await gh.createVerifiedUser(email);
  const session = await gh.login(email, password);
  const started = await gh.post('/v1/me/mfa/totp', { password }, { token: session.access_token });
  assert.equal(started.status, 200, JSON.stringify(started.body));
  const { secret } = started.body;
  const confirmed = await gh.post('/v1/me/mfa/totp/confirm', { code: totp(secret) }, { token: session.access_token });
  assert.equal(confirmed.status, 200, JSON.stringify(confirmed.body));
  return { email, password, session, secret, codes: confirmed.body.recovery_codes };
}

async function challenge(email, password, remember_me = false) {
  const r = await gh.post('/v1/auth/login', { email, password, remember_me });
  assert.equal(r.status, 200);
  assert.equal(r.body.mfa_required, true);
  assert.equal(r.body.access_token, undefined, 'no token pair before the second factor');
  return r.body;
}

test('enrolling an app: secret, otpauth URI and QR code; pending until a code confirms it', async () => {
  const email = uniqueEmail('enrol');
  const password = await gh.createVerifiedUser(email);
  const { access_token: token } = await gh.login(email, password);
  expectProblem(assert, await gh.post('/v1/me/mfa/totp', { password: 'not my password' }, { token }), 401, 'invalid_credentials');
  const r = await gh.post('/v1/me/mfa/totp', { password }, { token });
  assert.equal(r.status, 200);
  assert.match(r.body.secret, /^[A-Z2-7]{32}$/, '160 bits in base32');
  const uri = new URL(r.body.otpauth_uri);
  assert.equal(uri.protocol, 'otpauth:');
  assert.equal(uri.searchParams.get('secret'), r.body.secret);
  assert.equal(uri.searchParams.get('issuer'), 'Gatehouse');
  assert.equal(decodeURIComponent(uri.pathname.split(':').pop()), email);
  assert.match(r.body.qr_svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);

  assert.deepEqual((await gh.get('/v1/me/mfa', { token })).body, { totp: false, email: false, sms: false, webauthn: false, recovery_codes_left: 0 });
  assert.ok((await gh.post('/v1/auth/login', { email, password })).body.access_token, 'a pending app does not guard login');
  const sealed = gh.sql(`SELECT sealed_secret FROM mfa_factors f JOIN users u ON u.id = f.user_id WHERE u.email = '${email}'`);
  assert.match(sealed, /^sb1\./, 'the seed is stored sealed');
  assert.ok(!sealed.includes(r.body.secret));

  expectProblem(assert, await gh.post('/v1/me/mfa/totp/confirm', { code: '000000' }, { token }), 401, 'mfa_invalid_code');
  const confirmed = await gh.post('/v1/me/mfa/totp/confirm', { code: totp(r.body.secret) }, { token });
  assert.equal(confirmed.status, 200);
  assert.equal(confirmed.body.recovery_codes.length, 10);
  assert.equal(new Set(confirmed.body.recovery_codes).size, 10);
  for (const code of confirmed.body.recovery_codes) assert.ok(code.replace('-', '').length >= 10, code);
  assert.deepEqual((await gh.get('/v1/me/mfa', { token })).body, { totp: true, email: false, sms: false, webauthn: false, recovery_codes_left: 10 });
  assert.equal((await gh.get('/v1/me', { token })).body.mfa.totp, true);
  await waitForMail(email, isNotice);
  expectProblem(assert, await gh.post('/v1/me/mfa/totp', { password }, { token }), 409, 'conflict');
});

test('login with an app: a challenge first, then the code; amr says otp and mfa; a code works once', async () => {
  const { email, password, secret } = await enrolled();
  const first = await challenge(email, password, true);
  assert.deepEqual(first.methods, ['totp', 'recovery_code']);
  const code = totp(secret, 1);  // the next step: the current one was used to confirm
  const r = await gh.post('/v1/auth/login/mfa', { mfa_token: first.mfa_token, method: 'totp', code });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.deepEqual(decodeJwt(r.body.access_token).payload.amr, ['pwd', 'otp', 'mfa']);
  assert.ok(r.body.refresh_expires_in > 86400, 'remember me carried through the challenge');
  expectProblem(assert, await gh.post('/v1/auth/login/mfa', { mfa_token: first.mfa_token, method: 'totp', code }), 401, 'invalid_token');
  const second = await challenge(email, password);
  expectProblem(assert, await gh.post('/v1/auth/login/mfa', { mfa_token: second.mfa_token, method: 'totp', code }), 401, 'mfa_invalid_code');
});

test('five wrong codes kill the challenge, even sent all at once', async () => {
  const { email, password, secret } = await enrolled();
  const { mfa_token } = await challenge(email, password);
  const wrong = await Promise.all(
    Array.from({ length: 12 }, () => gh.post('/v1/auth/login/mfa', { mfa_token, method: 'totp', code: '000000' })),
  );
  assert.equal(wrong.filter((r) => r.body.code === 'mfa_invalid_code').length, 5, 'only five were checked');
  assert.ok(wrong.every((r) => r.status === 401));
  expectProblem(assert, await gh.post('/v1/auth/login/mfa', { mfa_token, method: 'totp', code: totp(secret, 1) }), 401, 'invalid_token');
});

test('an expired challenge is refused, then swept away', async () => {
  const { email, password, secret } = await enrolled();
  const { mfa_token } = await challenge(email, password);
  const userId = gh.sql(`SELECT id FROM users WHERE email = '${email}'`);
  gh.sql(`UPDATE mfa_challenges SET expires_at = expires_at - 301 WHERE user_id = '${userId}'`);  // five minutes on
  expectProblem(assert, await gh.post('/v1/auth/login/mfa', { mfa_token, method: 'totp', code: totp(secret, 1) }), 401, 'invalid_token');
  let left = '';
  for (let i = 0; i < 40 && left !== '0'; i++) {
    left = gh.sql(`SELECT COUNT(*) FROM mfa_challenges WHERE user_id = '${userId}'`);
    if (left !== '0') await sleep(100);
  }
  assert.equal(left, '0');
});

test('recovery codes: each works once; regenerating voids the old ones', async () => {
  const { email, password, session, codes } = await enrolled();
  const use = async (code) => {
    const { mfa_token } = await challenge(email, password);
    return gh.post('/v1/auth/login/mfa', { mfa_token, method: 'recovery_code', code });
  };
  const ok = await use(codes[0].toUpperCase());
  assert.equal(ok.status, 200, 'case does not matter');
  assert.deepEqual(decodeJwt(ok.body.access_token).payload.amr, ['pwd', 'mfa']);
  expectProblem(assert, await use(codes[0]), 401, 'mfa_invalid_code');
  assert.equal((await gh.get('/v1/me/mfa', { token: session.access_token })).body.recovery_codes_left, 9);

  expectProblem(assert, await gh.post('/v1/me/mfa/recovery-codes', { password: 'wrong' }, { token: session.access_token }), 401, 'invalid_credentials');
  const fresh = await gh.post('/v1/me/mfa/recovery-codes', { password }, { token: session.access_token });
  assert.equal(fresh.status, 200);
  assert.equal(fresh.body.recovery_codes.length, 10);
  expectProblem(assert, await use(codes[1]), 401, 'mfa_invalid_code');
  assert.equal((await use(fresh.body.recovery_codes[1])).status, 200);
});

test('removing the app needs the password, e-mails a notice and restores password-only login', async () => {
  const { email, password, session } = await enrolled();
  const token = session.access_token;
  const remove = (json) => gh.request('DELETE', '/v1/me/mfa/totp', { json, token });
  expectProblem(assert, await remove({ password: 'wrong' }), 401, 'invalid_credentials');
  expectProblem(assert, await remove({}), 422, 'validation_failed');
  assert.equal((await remove({ password })).status, 204);
  expectProblem(assert, await remove({ password }), 404, 'not_found');
  assert.deepEqual((await gh.get('/v1/me/mfa', { token })).body, { totp: false, email: false, sms: false, webauthn: false, recovery_codes_left: 0 });
  assert.ok((await gh.post('/v1/auth/login', { email, password })).body.access_token);
  await waitForMail(email, (m) => isNotice(m) && /removed/.test(m.text));
  expectProblem(assert, await gh.post('/v1/me/mfa/recovery-codes', { password }, { token }), 409, 'conflict');
});

test('bad input to the second step is refused', async () => {
  const { email, password } = await enrolled();
  const { mfa_token } = await challenge(email, password);
  const step = (json) => gh.post('/v1/auth/login/mfa', json);
  expectProblem(assert, await step({ mfa_token, method: 'push', code: '123456' }), 422, 'validation_failed');
  expectProblem(assert, await step({ mfa_token, method: 'totp' }), 422, 'validation_failed');
  expectProblem(assert, await step({ mfa_token, method: 'totp', code: 123456 }), 422, 'validation_failed');
  expectProblem(assert, await step({ mfa_token: 'not a token!', method: 'totp', code: '123456' }), 401, 'invalid_token');
  expectProblem(assert, await step({ mfa_token: 'A'.repeat(43), method: 'totp', code: '123456' }), 401, 'invalid_token');
  expectProblem(assert, await step({ mfa_token, method: 'totp', code: '12345a' }), 401, 'mfa_invalid_code');
  expectProblem(assert, await gh.post('/v1/me/mfa/totp', { password }), 401, 'invalid_token');
});

// Passkeys through the API, with a software authenticator (soft_authenticator.mjs) making the
// credentials and assertions a browser would hand over: registration, passwordless sign-in,
// a second factor after the password, and the attacks WebAuthn's checks exist for.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Gatehouse, decodeJwt, expectProblem, totp, uniqueEmail, waitForMail } from './support.mjs';
import { SoftAuthenticator, cbor } from './soft_authenticator.mjs';

let gh;
let origin;
before(async () => {
  gh = await new Gatehouse({}, { publicHost: 'localhost' }).start();
  origin = gh.url;
});
after(async () => {
  await gh.stop();
  gh.cleanup();
});

const isNotice = (m) => /Two-factor sign-in changed/.test(m.subject);

async function signedIn(tag = 'pk') {
  const email = uniqueEmail(tag);
  const password = await gh.createVerifiedUser(email);
  const session = await gh.login(email, password);
  return { email, password, token: session.access_token };
}

async function creationOptions(user) {
  const r = await gh.post('/v1/me/passkeys/options', { password: user.password }, { token: user.token });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body;
}

// A user with a passkey from `authenticator`: {email, password, token, passkey, codes}.
async function withPasskey(authenticator, name = 'Laptop') {
  const user = await signedIn();
  const options = await creationOptions(user);
  const r = await gh.post('/v1/me/passkeys', { credential: authenticator.create(options), name }, { token: user.token });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return { ...user, passkey: r.body, codes: r.body.recovery_codes };
}

async function signInOptions(email) {
  const r = await gh.post('/v1/auth/passkey/options', email === undefined ? {} : { email });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body;
}

const signIn = (assertion, extra = {}) => gh.post('/v1/auth/passkey', { assertion, ...extra });

for (const [alg, name] of [[-8, 'EdDSA'], [-7, 'ES256'], [-257, 'RS256']]) {
  test(`a ${name} passkey: registered from the account, then signs in without a password`, async () => {
    const authenticator = new SoftAuthenticator({ origin, alg });
    const user = await signedIn();
    const options = await creationOptions(user);
    assert.equal(options.rp.id, 'localhost');
    assert.deepEqual(options.pubKeyCredParams.map((p) => p.alg), [-8, -7, -257]);
    assert.equal(options.authenticatorSelection.residentKey, 'preferred');
    assert.equal(options.authenticatorSelection.userVerification, 'preferred');
    assert.deepEqual(options.excludeCredentials, []);
    const handle = Buffer.from(options.user.id, 'base64url');
    assert.equal(handle.length, 32, 'a random handle');
    assert.ok(!handle.toString('latin1').includes(user.email), 'never the e-mail address');
    assert.equal(options.user.name, user.email);

    const r = await gh.post('/v1/me/passkeys', { credential: authenticator.create(options), name: 'My key' }, { token: user.token });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.equal(r.body.name, 'My key');
    assert.match(r.body.passkey_id, /^[A-Za-z0-9_-]{16,}$/);
    assert.equal(r.body.recovery_codes.length, 10, 'the first second factor brings recovery codes');
    assert.equal(r.headers.get('location'), `/v1/me/passkeys/${r.body.passkey_id}`);
    await waitForMail(user.email, (m) => isNotice(m) && /passkey \(“My key”\) was added/.test(m.text));

    const again = await creationOptions(user);
    assert.equal(Buffer.from(again.user.id, 'base64url').toString('hex'), handle.toString('hex'), 'one handle per user');
    assert.deepEqual(again.excludeCredentials.map((c) => c.id), [authenticator.create === undefined ? '' : Buffer.from(authenticator.credentials[0].id).toString('base64url')]);

    const listed = await gh.get('/v1/me/passkeys', { token: user.token });
    assert.equal(listed.status, 200);
    assert.equal(listed.body.passkeys.length, 1);
    assert.deepEqual(Object.keys(listed.body.passkeys[0]).sort(), ['backed_up', 'backup_eligible', 'created_at', 'last_used_at', 'name', 'passkey_id', 'transports']);
    assert.equal(listed.body.passkeys[0].last_used_at, null);
    assert.deepEqual(listed.body.passkeys[0].transports, ['internal']);

    const request = await signInOptions();
    assert.deepEqual(request.allowCredentials, [], 'discoverable: no credentials listed');
    assert.equal(request.userVerification, 'required');
    assert.equal(request.rpId, 'localhost');
    const signedInWithPasskey = await signIn(authenticator.get(request));
    assert.equal(signedInWithPasskey.status, 200, JSON.stringify(signedInWithPasskey.body));
    const claims = decodeJwt(signedInWithPasskey.body.access_token).payload;
    assert.deepEqual(claims.amr, ['webauthn', 'mfa']);
    const me = await gh.get('/v1/me', { token: signedInWithPasskey.body.access_token });
    assert.equal(me.body.email, user.email);
    const used = (await gh.get('/v1/me/passkeys', { token: user.token })).body.passkeys[0];
    assert.match(used.last_used_at, /^\d{4}-\d\d-\d\dT/);
  });
}

test('signing in by e-mail lists that account\'s passkeys; a security key without a user handle works then', async () => {
  const key = new SoftAuthenticator({ origin, alg: -7, resident: false, counter: 7 });
  const user = await withPasskey(key);
  const options = await signInOptions(user.email.toUpperCase());
  assert.deepEqual(options.allowCredentials.map((c) => c.id), [Buffer.from(key.credentials[0].id).toString('base64url')]);
  // Passwordless needs user verification; this key verifies the user, with a counter.
  const ok = await signIn(key.get(options));
  assert.equal(ok.status, 200, JSON.stringify(ok.body));
  assert.equal(gh.sql(`SELECT sign_count FROM passkeys WHERE id = '${user.passkey.passkey_id}'`), '8');
  // Without the e-mail no one was named, and without a user handle the passkey cannot say whose it is.
  expectProblem(assert, await signIn(key.get(await signInOptions())), 401, 'invalid_credentials');
  // An unknown address (or one without passkeys) gets the discoverable form, not an error.
  const unknown = await signInOptions(uniqueEmail('nobody'));
  assert.deepEqual(unknown.allowCredentials, []);
  expectProblem(assert, await gh.post('/v1/auth/passkey/options', { email: 'not an address' }), 422, 'validation_failed');
});

test('a passkey without user verification cannot sign in alone', async () => {
  const key = new SoftAuthenticator({ origin, uv: false });
  const user = await withPasskey(key);
  const r = await signIn(key.get(await signInOptions(user.email)));
  expectProblem(assert, r, 401, 'invalid_credentials');
});

test('a security key as the second factor after the password: amr pwd, webauthn, mfa', async () => {
  const key = new SoftAuthenticator({ origin, uv: false, resident: false, counter: 0 });
  const user = await withPasskey(key, 'YubiKey');
  const login = await gh.post('/v1/auth/login', { email: user.email, password: user.password });
  assert.equal(login.body.mfa_required, true);
  assert.deepEqual(login.body.methods, ['webauthn', 'recovery_code']);
  const options = await gh.post('/v1/auth/login/mfa/options', { mfa_token: login.body.mfa_token });
  assert.equal(options.status, 200, JSON.stringify(options.body));
  assert.equal(options.body.userVerification, 'discouraged');
  assert.equal(options.body.allowCredentials.length, 1);
  const done = await gh.post('/v1/auth/login/mfa', { mfa_token: login.body.mfa_token, method: 'webauthn', assertion: key.get(options.body) });
  assert.equal(done.status, 200, JSON.stringify(done.body));
  assert.deepEqual(decodeJwt(done.body.access_token).payload.amr, ['pwd', 'webauthn', 'mfa']);
  // The challenge is used; a code is not an assertion.
  expectProblem(assert, await gh.post('/v1/auth/login/mfa', { mfa_token: login.body.mfa_token, method: 'webauthn', assertion: key.get(options.body) }), 401, 'invalid_token');
  const next = await gh.post('/v1/auth/login', { email: user.email, password: user.password });
  expectProblem(assert, await gh.post('/v1/auth/login/mfa', { mfa_token: next.body.mfa_token, method: 'webauthn', code: '123456' }), 422, 'validation_failed');
});

test('a second-factor assertion must be for this sign-in and of this user\'s passkey', async () => {
  const mine = new SoftAuthenticator({ origin, uv: false });
  const theirs = new SoftAuthenticator({ origin, uv: false });
  const me = await withPasskey(mine);
  await withPasskey(theirs);
  const first = await gh.post('/v1/auth/login', { email: me.email, password: me.password });
  const second = await gh.post('/v1/auth/login', { email: me.email, password: me.password });
  const options = (await gh.post('/v1/auth/login/mfa/options', { mfa_token: first.body.mfa_token })).body;
  // Options of one sign-in attempt do not complete another.
  expectProblem(assert, await gh.post('/v1/auth/login/mfa', { mfa_token: second.body.mfa_token, method: 'webauthn', assertion: mine.get(options) }), 401, 'invalid_token');
  // Another user's passkey, signing this sign-in's challenge, is refused.
  const fresh = (await gh.post('/v1/auth/login/mfa/options', { mfa_token: first.body.mfa_token })).body;
  expectProblem(assert, await gh.post('/v1/auth/login/mfa', { mfa_token: first.body.mfa_token, method: 'webauthn', assertion: theirs.get({ ...fresh, allowCredentials: [] }) }), 401, 'invalid_credentials');
  // A passwordless sign-in's challenge is not a second factor's.
  const passwordless = await signInOptions(me.email);
  expectProblem(assert, await gh.post('/v1/auth/login/mfa', { mfa_token: first.body.mfa_token, method: 'webauthn', assertion: mine.get(passwordless) }), 401, 'invalid_token');
  expectProblem(assert, await gh.post('/v1/auth/login/mfa/options', { mfa_token: 'x'.repeat(43) }), 401, 'invalid_token');
});

test('refused: another origin, another RP ID, a replay, a reused challenge, a wrong signature, a counter going back', async () => {
  const key = new SoftAuthenticator({ origin, counter: 10 });
  const user = await withPasskey(key);
  const options = () => signInOptions(user.email);

  expectProblem(assert, await signIn(key.get(await options(), { origin: 'https://evil.example' })), 401, 'invalid_credentials');
  expectProblem(assert, await signIn(key.get(await options(), { rpId: 'evil.example' })), 401, 'invalid_credentials');

  const good = key.get(await options());
  assert.equal((await signIn(good)).status, 200);
  expectProblem(assert, await signIn(good), 401, 'invalid_token');  // the same assertion again

  // A wrong signature uses the challenge up: a right one after it is refused.
  const shared = await options();
  const bad = key.get(shared);
  bad.response.signature = key.get(await options()).response.signature;
  expectProblem(assert, await signIn(bad), 401, 'invalid_credentials');
  expectProblem(assert, await signIn(key.get(shared)), 401, 'invalid_token');

  // A counter at or below the stored one: a cloned authenticator.
  const stored = Number(gh.sql(`SELECT sign_count FROM passkeys WHERE id = '${user.passkey.passkey_id}'`));
  expectProblem(assert, await signIn(key.get(await options(), { count: stored })), 401, 'invalid_credentials');
  expectProblem(assert, await signIn(key.get(await options(), { count: 1 })), 401, 'invalid_credentials');
  assert.equal(Number(gh.sql(`SELECT sign_count FROM passkeys WHERE id = '${user.passkey.passkey_id}'`)), stored, 'nothing recorded');

  // Flags: user presence is required.
  expectProblem(assert, await signIn(key.get(await options(), { flags: 0x04 })), 401, 'invalid_credentials');
  // A registration's challenge signs no one in; a made-up one neither.
  const registration = await creationOptions(user);
  expectProblem(assert, await signIn(key.get({ challenge: registration.challenge })), 401, 'invalid_token');
  expectProblem(assert, await signIn(key.get({ challenge: Buffer.alloc(56, 1).toString('base64url') })), 401, 'invalid_token');
  // Someone else's user handle on my credential.
  const other = await creationOptions(await signedIn());
  expectProblem(assert, await signIn(key.get(await signInOptions(), { userHandle: other.user.id })), 401, 'invalid_credentials');
});

test('ten parallel uses of one assertion: one sign-in', async () => {
  const key = new SoftAuthenticator({ origin });
  const user = await withPasskey(key);
  const assertion = key.get(await signInOptions(user.email));
  const results = await Promise.all(Array.from({ length: 10 }, () => signIn(assertion)));
  assert.deepEqual(results.map((r) => r.status).sort(), [200, 401, 401, 401, 401, 401, 401, 401, 401, 401]);
  assert.equal(gh.sql(`SELECT COUNT(*) FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.email = '${user.email}' AND s.amr = 'webauthn,mfa'`), '1');
});

test('registration refuses what §7.1 refuses, and changes nothing', async () => {
  const key = new SoftAuthenticator({ origin });
  const user = await signedIn();
  const count = () => gh.sql(`SELECT COUNT(*) FROM passkeys p JOIN users u ON u.id = p.user_id WHERE u.email = '${user.email}'`);
  const register = (credential, name) => gh.post('/v1/me/passkeys', { credential, name }, { token: user.token });
  expectProblem(assert, await gh.post('/v1/me/passkeys/options', { password: 'wrong password' }, { token: user.token }), 401, 'invalid_credentials');
  expectProblem(assert, await gh.post('/v1/me/passkeys/options', { password: user.password }), 401, 'invalid_token');

  expectProblem(assert, await register(key.create(await creationOptions(user), { origin: 'https://evil.example', discard: true })), 422, 'validation_failed');
  expectProblem(assert, await register(key.create(await creationOptions(user), { rpId: 'evil.example', discard: true })), 422, 'validation_failed');
  expectProblem(assert, await register(key.create(await creationOptions(user), { fmt: 'fido-u2f', discard: true })), 422, 'validation_failed');
  expectProblem(assert, await register(key.create(await creationOptions(user), { attStmt: { alg: -8 }, discard: true })), 422, 'validation_failed');
  expectProblem(assert, await register(key.create(await creationOptions(user), { flags: 0x40, discard: true })), 422, 'validation_failed');  // no UP
  const sign_in = await signInOptions();
  expectProblem(assert, await register(key.create({ ...(await creationOptions(user)), challenge: sign_in.challenge }, { discard: true })), 401, 'invalid_token');
  // Another user's options.
  const other = await signedIn();
  expectProblem(assert, await register(key.create(await creationOptions(other), { discard: true })), 401, 'invalid_token');

  const options = await creationOptions(user);
  const credential = key.create(options, { discard: true });
  expectProblem(assert, await register(credential, 'x'.repeat(65)), 422, 'validation_failed');
  expectProblem(assert, await register(credential, 'a\u0000b'), 422, 'validation_failed');
  // A refused attempt uses the challenge up: a good response to it comes too late.
  expectProblem(assert, await register(key.create(options, { origin: 'https://evil.example', discard: true })), 422, 'validation_failed');
  expectProblem(assert, await register(credential), 401, 'invalid_token');
  const fresh = await creationOptions(user);
  const created = await register({ ...credential, response: { ...key.create(fresh, { discard: true }).response } });
  expectProblem(assert, created, 422, 'validation_failed');  // id is not the attested credential's
  assert.equal(count(), '0');

  // Malformed input: problem+json, never a 500.
  const malformed = [
    undefined,
    'text',
    [],
    {},
    { ...credential, type: 'password' },
    { ...credential, id: 'x' },
    { ...credential, response: { clientDataJSON: credential.response.clientDataJSON, attestationObject: Buffer.from([0xbf, 0xff]).toString('base64url') } },
    { ...credential, response: { clientDataJSON: credential.response.clientDataJSON, attestationObject: cbor({ fmt: 'none', attStmt: {}, authData: Buffer.alloc(10) }).toString('base64url') } },
    { ...credential, response: { clientDataJSON: 'A'.repeat(100000), attestationObject: 'AA' } },
    { ...credential, response: { clientDataJSON: Buffer.from('{"type":1}').toString('base64url'), attestationObject: credential.response.attestationObject } },
  ];
  for (const bad of malformed) {
    const r = await register(bad);
    assert.ok([401, 422].includes(r.status), `${JSON.stringify(bad)?.slice(0, 80)} → ${r.status} ${JSON.stringify(r.body)}`);
    assert.match(r.headers.get('content-type'), /^application\/problem\+json/);
  }
  assert.equal(count(), '0');

  const ok = await register(key.create(await creationOptions(user)), '  Phone  ');
  assert.equal(ok.status, 201, JSON.stringify(ok.body));
  assert.equal(ok.body.name, 'Phone');
  // The same authenticator credential twice: excluded by the options, refused here.
  const duplicate = key.create(await creationOptions(user), { discard: true });
  const first = key.credentials[0];
  const replayed = { ...duplicate };
  replayed.id = replayed.rawId = Buffer.from(first.id).toString('base64url');
  assert.ok([409, 422].includes((await register(replayed)).status));
  assert.equal(count(), '1');
});

test('rename and remove: the owner only, removal after the password, with a notice', async () => {
  const key = new SoftAuthenticator({ origin });
  const user = await withPasskey(key);
  const stranger = await signedIn();
  const id = user.passkey.passkey_id;
  assert.equal((await gh.request('PATCH', `/v1/me/passkeys/${id}`, { json: { name: 'Work laptop' }, token: user.token })).status, 204);
  assert.equal((await gh.get('/v1/me/passkeys', { token: user.token })).body.passkeys[0].name, 'Work laptop');
  expectProblem(assert, await gh.request('PATCH', `/v1/me/passkeys/${id}`, { json: { name: 'mine' }, token: stranger.token }), 404, 'not_found');
  expectProblem(assert, await gh.request('PATCH', `/v1/me/passkeys/${id}`, { json: { name: 'a\u0007b' }, token: user.token }), 422, 'validation_failed');
  expectProblem(assert, await gh.request('PATCH', `/v1/me/passkeys/${id}`, { json: {}, token: user.token }), 422, 'validation_failed');
  expectProblem(assert, await gh.request('DELETE', `/v1/me/passkeys/${id}`, { json: { password: stranger.password }, token: stranger.token }), 404, 'not_found');
  expectProblem(assert, await gh.request('DELETE', `/v1/me/passkeys/${id}`, { json: {}, token: user.token }), 422, 'validation_failed');
  expectProblem(assert, await gh.request('DELETE', `/v1/me/passkeys/${id}`, { json: { password: 'wrong' }, token: user.token }), 401, 'invalid_credentials');
  assert.equal((await gh.get('/v1/me/mfa', { token: user.token })).body.webauthn, true);
  assert.equal((await gh.get('/v1/me', { token: user.token })).body.mfa.webauthn, true);

  assert.equal((await gh.request('DELETE', `/v1/me/passkeys/${id}`, { json: { password: user.password }, token: user.token })).status, 204);
  await waitForMail(user.email, (m) => isNotice(m) && /passkey \(“Work laptop”\) was removed/.test(m.text));
  assert.deepEqual((await gh.get('/v1/me/mfa', { token: user.token })).body, { totp: false, email: false, sms: false, webauthn: false, recovery_codes_left: 0 });
  assert.ok((await gh.login(user.email, user.password)).access_token, 'no second factor left: the password alone signs in');
  expectProblem(assert, await signIn(key.get(await signInOptions())), 401, 'invalid_credentials');
});

test('removal with a code of the authenticator app in place of the password', async () => {
  const key = new SoftAuthenticator({ origin });
  const user = await withPasskey(key);
  const id = user.passkey.passkey_id;
  const remove = (json) => gh.request('DELETE', `/v1/me/passkeys/${id}`, { json, token: user.token });
  expectProblem(assert, await remove({ code: '123456' }), 401, 'mfa_invalid_code');  // no app yet
  const started = await gh.post('/v1/me/mfa/totp', { password: user.password }, { token: user.token });
  const secret = started.body.secret;
  assert.equal((await gh.post('/v1/me/mfa/totp/confirm', { code: totp(secret) }, { token: user.token })).status, 200);
  expectProblem(assert, await remove({ password: user.password, code: totp(secret, 1) }), 422, 'validation_failed');
  expectProblem(assert, await remove({ code: 'x'.repeat(33) }), 422, 'validation_failed');
  expectProblem(assert, await remove({ code: 123456 }), 422, 'validation_failed');
  expectProblem(assert, await remove({ code: totp(secret) }), 401, 'mfa_invalid_code');  // its step confirmed the app
  expectProblem(assert, await remove({ code: '000000' }), 401, 'mfa_invalid_code');
  assert.equal((await gh.get('/v1/me/passkeys', { token: user.token })).body.passkeys.length, 1);

  assert.equal((await remove({ code: totp(secret, 1) })).status, 204);
  await waitForMail(user.email, (m) => isNotice(m) && /was removed/.test(m.text));
  assert.equal((await gh.get('/v1/me/passkeys', { token: user.token })).body.passkeys.length, 0);
  const mfa = (await gh.get('/v1/me/mfa', { token: user.token })).body;
  assert.equal(mfa.totp, true);
  assert.equal(mfa.webauthn, false);
  assert.equal(mfa.recovery_codes_left, 10, 'the app is still a factor: the recovery codes stay');
});

test('bad input on the sign-in endpoints: problem+json, never a 500', async () => {
  const key = new SoftAuthenticator({ origin });
  await withPasskey(key);
  const good = key.get(await signInOptions());
  const bodies = [
    {},
    { assertion: 'x' },
    { assertion: [] },
    { assertion: { ...good, rawId: 'not base64!' } },
    { assertion: { ...good, response: { ...good.response, authenticatorData: 'A'.repeat(5000) } } },
    { assertion: { ...good, response: { ...good.response, signature: undefined } } },
    { assertion: { ...good, response: { ...good.response, clientDataJSON: Buffer.from('not json').toString('base64url') } } },
    { assertion: { ...good, response: { ...good.response, authenticatorData: Buffer.alloc(36).toString('base64url') } } },
    { assertion: good, remember_me: 'yes' },
  ];
  for (const body of bodies) {
    const r = await gh.post('/v1/auth/passkey', body);
    assert.ok([401, 422].includes(r.status), `${JSON.stringify(body).slice(0, 100)} → ${r.status}`);
    assert.match(r.headers.get('content-type'), /^application\/problem\+json/);
  }
  expectProblem(assert, await gh.request('POST', '/v1/auth/passkey', { body: '{"assertion":', headers: { 'content-type': 'application/json' } }), 400, 'invalid_request');
  expectProblem(assert, await gh.post('/v1/auth/passkey/options', { email: 42 }), 422, 'validation_failed');
});

test('passkeys are off, and say so, when public_url is an IP address', async () => {
  const plain = await new Gatehouse().start();
  try {
    expectProblem(assert, await plain.post('/v1/auth/passkey/options', {}), 501, 'not_implemented');
    const email = uniqueEmail('off');
    const password = await plain.createVerifiedUser(email);
    const { access_token: token } = await plain.login(email, password);
    expectProblem(assert, await plain.post('/v1/me/passkeys/options', { password }, { token }), 501, 'not_implemented');
  } finally {
    await plain.stop();
    plain.cleanup();
  }
});

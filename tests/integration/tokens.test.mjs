// Login, tokens and the revocation model, attacked the way an attacker would. Expiry and the
// end of the grace window are tested to the second, with a manual clock, in
// tests/unit/auth/token_service_test.cpp.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { Gatehouse, decodeJwt, expectProblem, uniqueEmail } from './support.mjs';

let gh;
before(async () => {
  gh = await new Gatehouse().start();
});
after(async () => {
  await gh.stop();
  gh.cleanup();
});

async function newSession(server = gh, remember = false) {
  const email = uniqueEmail();
  const password = await server.createVerifiedUser(email);
  return { email, password, ...(await server.login(email, password, remember)) };
}

const me = (token, server = gh) => server.get('/v1/me', { token });
const refresh = (refresh_token, server = gh) => server.post('/v1/auth/refresh', { refresh_token });

test('login returns a pair with 15 min / 1 h lifetimes; remember me gives 1 day / 2 weeks', async () => {
  const email = uniqueEmail();
  const password = await gh.createVerifiedUser(email);
  const plain = await gh.login(email, password);
  assert.equal(plain.token_type, 'Bearer');
  assert.equal(plain.expires_in, 900);
  assert.equal(plain.refresh_expires_in, 3600);
  const at = decodeJwt(plain.access_token);
  assert.equal(at.payload.exp - at.payload.iat, 900);
  assert.equal(decodeJwt(plain.refresh_token).payload.exp - at.payload.iat, 3600);

  const remembered = await gh.login(email, password, true);
  assert.equal(remembered.expires_in, 86400);
  assert.equal(remembered.refresh_expires_in, 14 * 86400);
  const rat = decodeJwt(remembered.access_token).payload;
  assert.equal(rat.exp - rat.iat, 86400);
  // Rotation keeps the remember-me lifetimes.
  const rotated = (await refresh(remembered.refresh_token)).body;
  assert.equal(rotated.expires_in, 86400);
  assert.equal(rotated.refresh_expires_in, 14 * 86400);
});

test('tokens carry the claims and headers docs/api.md specifies', async () => {
  const s = await newSession();
  const jwks = (await gh.get('/.well-known/jwks.json')).body;
  const at = decodeJwt(s.access_token);
  const rt = decodeJwt(s.refresh_token);
  assert.equal(at.header.typ, 'at+jwt');
  assert.equal(rt.header.typ, 'rt+jwt');
  assert.equal(at.header.alg, 'EdDSA');
  assert.ok(jwks.keys.some((k) => k.kid === at.header.kid));
  assert.equal(at.payload.iss, gh.url);
  assert.equal(at.payload.aud, 'gatehouse');
  assert.equal(at.payload.sid, s.session_id);
  assert.equal(rt.payload.sid, s.session_id);
  assert.deepEqual(at.payload.amr, ['pwd']);
  assert.notEqual(at.payload.jti, rt.payload.jti);
  // The signature verifies with the published key, by an independent implementation.
  const jwk = jwks.keys.find((k) => k.kid === at.header.kid);
  const key = crypto.createPublicKey({ key: jwk, format: 'jwk' });
  const [h, p, sig] = s.access_token.split('.');
  assert.ok(crypto.verify(null, Buffer.from(`${h}.${p}`), key, Buffer.from(sig, 'base64url')));
});

test('GET /v1/me describes the user', async () => {
  const s = await newSession();
  const r = await me(s.access_token);
  assert.equal(r.status, 200);
  assert.equal(r.body.email, s.email);
  assert.equal(r.body.email_verified, true);
  assert.deepEqual(r.body.roles, ['user']);
  assert.deepEqual(r.body.mfa, { totp: false, email: false, sms: false, webauthn: false });
  assert.match(r.body.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.equal(r.body.user_id, decodeJwt(s.access_token).payload.sub);
  assert.equal(r.headers.get('cache-control'), 'no-store');
});

test('wrong password and unknown e-mail fail identically', async () => {
  const s = await newSession();
  const wrong = await gh.post('/v1/auth/login', { email: s.email, password: 'not the password' });
  const unknown = await gh.post('/v1/auth/login', { email: uniqueEmail(), password: 'not the password' });
  expectProblem(assert, wrong, 401, 'invalid_credentials');
  expectProblem(assert, unknown, 401, 'invalid_credentials');
  assert.deepEqual(wrong.body, unknown.body);
});

test('login time does not reveal whether the account exists', async () => {
  const s = await newSession();
  const time = async (email) => {
    const t = process.hrtime.bigint();
    await gh.post('/v1/auth/login', { email, password: 'wrong password here' });
    return Number(process.hrtime.bigint() - t) / 1e6;
  };
  // Many interleaved pairs, each pair in alternating order, so that load from the test files
  // running beside this one falls on both sides alike; the medians then compare the work.
  const known = [], unknown = [];
  for (let i = 0; i < 21; i++) {
    if (i % 2 === 0) {
      known.push(await time(s.email));
      unknown.push(await time(uniqueEmail()));
    } else {
      unknown.push(await time(uniqueEmail()));
      known.push(await time(s.email));
    }
  }
  const median = (a) => a.sort((x, y) => x - y)[10];
  const ratio = median(unknown) / median(known);
  assert.ok(ratio > 0.6 && ratio < 1.6, `unknown/known median ratio ${ratio.toFixed(2)}`);
});

test('refresh rotates: the old pair is dead, the new pair works', async () => {
  const s = await newSession();
  const r = await refresh(s.refresh_token);
  assert.equal(r.status, 200);
  assert.equal(r.body.session_id, s.session_id);
  assert.notEqual(r.body.access_token, s.access_token);
  assert.equal((await me(r.body.access_token)).status, 200);
  const again = await refresh(r.body.refresh_token);
  assert.equal(again.status, 200);
});

test('reusing a rotated refresh token revokes the whole session', async () => {
  const s = await newSession();
  const rotated = (await refresh(s.refresh_token)).body;
  expectProblem(assert, await refresh(s.refresh_token), 401, 'token_reused');
  // Every token of the session is dead now, including the newest pair.
  expectProblem(assert, await me(rotated.access_token), 401, 'token_revoked');
  expectProblem(assert, await refresh(rotated.refresh_token), 401, 'token_revoked');
});

test('presenting a rotated access token revokes the whole session', async () => {
  const s = await newSession();
  const rotated = (await refresh(s.refresh_token)).body;
  expectProblem(assert, await me(s.access_token), 401, 'token_reused');
  expectProblem(assert, await me(rotated.access_token), 401, 'token_revoked');
});

test('of 20 simultaneous refreshes with one token exactly one succeeds', async () => {
  const s = await newSession();
  const results = await Promise.all(Array.from({ length: 20 }, () => refresh(s.refresh_token)));
  const ok = results.filter((r) => r.status === 200);
  assert.equal(ok.length, 1, results.map((r) => r.status).join(','));
  for (const r of results.filter((x) => x.status !== 200)) {
    assert.equal(r.status, 401);
    assert.ok(['token_reused', 'token_revoked'].includes(r.body.code), r.body.code);
  }
  assert.ok(!results.some((r) => r.status >= 500));
});

test('logout revokes the session at once; its tokens are denied', async () => {
  const s = await newSession();
  const other = await gh.login(s.email, s.password);
  const r = await gh.post('/v1/auth/logout', undefined, { token: s.access_token });
  assert.equal(r.status, 204);
  expectProblem(assert, await me(s.access_token), 401, 'token_revoked');
  expectProblem(assert, await refresh(s.refresh_token), 401, 'token_revoked');
  assert.equal((await me(other.access_token)).status, 200, 'other sessions stay');
  expectProblem(assert, await gh.post('/v1/auth/logout', undefined, { token: s.access_token }), 401, 'token_revoked');
});

test('swapped token types are refused', async () => {
  const s = await newSession();
  expectProblem(assert, await me(s.refresh_token), 401, 'invalid_token');
  expectProblem(assert, await refresh(s.access_token), 401, 'invalid_token');
  assert.equal((await me(s.access_token)).status, 200, 'the session was not harmed');
});

function forge(header, payload, signature = '') {
  const enc = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${enc(header)}.${enc(payload)}.${signature}`;
}

test('forged tokens are refused: alg none, HS256 with the public key, tampered claims, bad kid', async () => {
  const s = await newSession();
  const { header, payload } = decodeJwt(s.access_token);
  const jwks = (await gh.get('/.well-known/jwks.json')).body;

  expectProblem(assert, await me(forge({ ...header, alg: 'none' }, payload)), 401, 'invalid_token');
  expectProblem(assert, await me(forge({ ...header, alg: 'none' }, payload) + 'x'), 401, 'invalid_token');

  // Algorithm confusion: HMAC "signed" with any published key's material.
  const hsHeader = { ...header, alg: 'HS256' };
  const unsigned = forge(hsHeader, payload).slice(0, -1);
  const secrets = jwks.keys.flatMap((k) => [
    Buffer.from(JSON.stringify(k)),
    ...['x', 'n'].filter((part) => k[part]).flatMap((part) => [Buffer.from(k[part], 'base64url'), Buffer.from(k[part])]),
    crypto.createPublicKey({ key: k, format: 'jwk' }).export({ type: 'spki', format: 'pem' }),
  ]);
  assert.ok(secrets.length >= 9);
  for (const secret of secrets) {
    const mac = crypto.createHmac('sha256', secret).update(unsigned).digest('base64url');
    expectProblem(assert, await me(`${unsigned}.${mac}`), 401, 'invalid_token');
  }

  // Claims changed under the original signature.
  const sig = s.access_token.split('.')[2];
  expectProblem(assert, await me(forge(header, { ...payload, sub: crypto.randomUUID() }, sig)), 401, 'invalid_token');
  expectProblem(assert, await me(forge(header, { ...payload, exp: payload.exp + 3600 }, sig)), 401, 'invalid_token');
  expectProblem(assert, await me(forge({ ...header, kid: 'unknown' }, payload, sig)), 401, 'invalid_token');

  // A correctly signed token from a different key (an attacker's own Ed25519 key).
  const { privateKey } = crypto.generateKeyPairSync('ed25519');
  const evil = forge(header, payload).slice(0, -1);
  const evilSig = crypto.sign(null, Buffer.from(evil), privateKey).toString('base64url');
  expectProblem(assert, await me(`${evil}.${evilSig}`), 401, 'invalid_token');

  for (const junk of ['', 'a', 'a.b', 'a.b.c', '...', 'x'.repeat(10000), `${s.access_token}.x`]) {
    expectProblem(assert, await me(junk), 401, 'invalid_token');
  }
  expectProblem(assert, await gh.get('/v1/me', { headers: { authorization: s.access_token } }), 401, 'invalid_token');
  assert.equal((await me(s.access_token)).status, 200);
});

test('tokens for another issuer or audience are refused', async () => {
  const a = await new Gatehouse({ tokens: { audience: 'app-a' } }).start();
  try {
    const s = await newSession(a);
    // Same database and keys, different expected audience.
    await a.stop();
    a.config.tokens.audience = 'app-b';
    await a.start();
    expectProblem(assert, await me(s.access_token, a), 401, 'invalid_token');
    a.config.tokens = { audience: 'app-a', issuer: 'https://other-issuer.example' };
    await a.restart();
    expectProblem(assert, await me(s.access_token, a), 401, 'invalid_token');
    delete a.config.tokens.issuer;
    await a.restart();
    assert.equal((await me(s.access_token, a)).status, 200);
  } finally {
    await a.stop();
    a.cleanup();
  }
});

test('a restart (cache emptied) logs nobody out, and revoked tokens stay revoked', async () => {
  const server = await new Gatehouse().start();
  try {
    const live = await newSession(server);
    const rotatedAway = await newSession(server);
    const fresh = (await refresh(rotatedAway.refresh_token, server)).body;
    const loggedOut = await newSession(server);
    await server.post('/v1/auth/logout', undefined, { token: loggedOut.access_token });

    await server.restart();

    assert.equal((await me(live.access_token, server)).status, 200, 'live session survives');
    expectProblem(assert, await me(loggedOut.access_token, server), 401, 'token_revoked');
    expectProblem(assert, await refresh(loggedOut.refresh_token, server), 401, 'token_revoked');
    assert.equal((await me(fresh.access_token, server)).status, 200);
    // The rotated-away refresh token is still recognised as reuse after the restart.
    expectProblem(assert, await refresh(rotatedAway.refresh_token, server), 401, 'token_reused');
    expectProblem(assert, await me(fresh.access_token, server), 401, 'token_revoked');
    // And the live one can still rotate.
    assert.equal((await refresh(live.refresh_token, server)).status, 200);
  } finally {
    await server.stop();
    server.cleanup();
  }
});

test('grace window: the previous refresh token gets the current pair, older ones are reuse', async () => {
  const server = await new Gatehouse({ tokens: { refresh_reuse_grace_seconds: 2 } }).start();
  try {
    const s = await newSession(server);
    const first = (await refresh(s.refresh_token, server)).body;
    const retried = await refresh(s.refresh_token, server);
    assert.equal(retried.status, 200);
    assert.equal(decodeJwt(retried.body.access_token).payload.jti, decodeJwt(first.access_token).payload.jti);
    assert.equal(decodeJwt(retried.body.refresh_token).payload.jti, decodeJwt(first.refresh_token).payload.jti);
    assert.equal((await me(first.access_token, server)).status, 200);

    const second = (await refresh(first.refresh_token, server)).body;
    // s.refresh_token is now two rotations old: reuse.
    expectProblem(assert, await refresh(s.refresh_token, server), 401, 'token_reused');
    expectProblem(assert, await me(second.access_token, server), 401, 'token_revoked');
  } finally {
    await server.stop();
    server.cleanup();
  }
});

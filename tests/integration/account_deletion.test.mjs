// A user deleting their own account (DELETE /v1/me): the password and, with a second factor,
// a code; then every session is dead, the address is free, and no table holds anything that
// identifies the person (address, name, IP, user agent) — the security log keeps its events
// with those blanked, and webhook deliveries about the account go with it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Gatehouse, decodeJwt, expectProblem, totp, uniqueEmail, waitForMail } from './support.mjs';

const IP = '203.0.113.77';
const AGENT = 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0 DeletionProbe/1.0';
const NAME = 'Philippa Quinnell-Dorsett';

let gh;
before(async () => {
  gh = await new Gatehouse({
    server: { trusted_proxies: '127.0.0.1/32, ::1/128' },
    webhooks: { allowed_networks: '127.0.0.0/8' },
  }).start();
  // A webhook for every event, whose receiver is down: its deliveries wait, payloads and all.
  const root = uniqueEmail('erase-root');
  gh.createAdmin(root);
  const { access_token } = await gh.login(root, 'quiet lantern over the harbour');
  const hook = await gh.post('/v1/webhooks', { url: 'http://127.0.0.1:9/down', events: ['*'] }, { token: access_token });
  assert.equal(hook.status, 201, JSON.stringify(hook.body));
});
after(async () => {
  await gh.stop();
  gh.cleanup();
});

const from = { 'x-forwarded-for': IP, 'user-agent': AGENT };
const del = (token, json) => gh.request('DELETE', '/v1/me', { json, token, headers: from });

// Every row of every table, as text: SQLite or PostgreSQL.
function everyRow() {
  const postgres = gh.config.database.url.startsWith('postgresql://');
  const tables = gh
    .sql(postgres ? "SELECT tablename FROM pg_tables WHERE schemaname = 'public'" : "SELECT name FROM sqlite_master WHERE type = 'table'")
    .split('\n')
    .filter(Boolean);
  assert.ok(tables.length > 15, tables.join(' '));
  return tables.map((t) => ({ table: t, rows: gh.sql(postgres ? `SELECT t::text FROM "${t}" t` : `SELECT * FROM "${t}"`) }));
}

test('deleting one\'s own account needs the password and the second factor, then leaves nothing personal anywhere', async () => {
  const email = uniqueEmail('erase');
  const password = await gh.createVerifiedUser(email);
  const other = await gh.post('/v1/auth/login', { email, password }, { headers: from });
  const session = (await gh.post('/v1/auth/login', { email, password }, { headers: from })).body;
  const token = session.access_token;
  const userId = decodeJwt(token).payload.sub;
  gh.sql(`UPDATE users SET name = '${NAME}' WHERE id = '${userId}'`);
  // An authenticator app, a pending address change, a reset link and failed sign-ins.
  const started = await gh.post('/v1/me/mfa/totp', { password }, { token, headers: from });
  const confirmed = await gh.post('/v1/me/mfa/totp/confirm', { code: totp(started.body.secret) }, { token, headers: from });
  assert.equal(confirmed.status, 200);
  const fresh = uniqueEmail('erase-new');
  assert.equal((await gh.post('/v1/me/email', { password, new_email: fresh }, { token, headers: from })).status, 202);
  await waitForMail(fresh, (m) => /Confirm your new/.test(m.subject));
  assert.equal((await gh.post('/v1/auth/forgot-password', { email }, { headers: from })).status, 202);
  await gh.post('/v1/auth/login', { email, password: 'wrong wrong wrong' }, { headers: from });
  const beforeDeletion = everyRow();
  for (const personal of [email, fresh, NAME, IP, 'DeletionProbe']) {
    assert.ok(beforeDeletion.some(({ rows }) => rows.includes(personal)), `the probe finds ${personal} before`);
  }
  const deliveries = beforeDeletion.find(({ table }) => table === 'webhook_deliveries').rows;
  for (const personal of [IP, 'DeletionProbe']) assert.ok(deliveries.includes(personal), `a delivery holds ${personal}`);

  expectProblem(assert, await del(token, { password: 'not my password' }), 401, 'invalid_credentials');
  expectProblem(assert, await del(token, { password }), 422, 'validation_failed');
  expectProblem(assert, await del(token, { password, code: '000000' }), 401, 'mfa_invalid_code');
  expectProblem(assert, await del(token, { password: 7 }), 422, 'validation_failed');
  expectProblem(assert, await del(undefined, { password }), 401, 'invalid_token');
  assert.equal((await gh.get('/v1/me', { token })).status, 200, 'refused deletions change nothing');

  const gone = await del(token, { password, code: confirmed.body.recovery_codes[0] });
  assert.equal(gone.status, 204, JSON.stringify(gone.body));
  for (const t of [token, other.body.access_token]) expectProblem(assert, await gh.get('/v1/me', { token: t }), 401, 'token_revoked');
  expectProblem(assert, await gh.post('/v1/auth/refresh', { refresh_token: session.refresh_token }), 401, 'token_revoked');
  expectProblem(assert, await gh.post('/v1/auth/login', { email, password }), 401, 'invalid_credentials');

  for (const { table, rows } of everyRow()) {
    for (const personal of [email, fresh, NAME, IP, 'DeletionProbe']) {
      assert.ok(!rows.includes(personal), `${table} still holds ${personal}`);
    }
  }
  // The log keeps what happened, for no one in particular.
  const kept = gh.sql(`SELECT type FROM events WHERE user_id = '${userId}' ORDER BY id`).split('\n');
  assert.ok(kept.includes('sign_in.failed') && kept.at(-1) === 'account.deleted', kept.join(' '));
  // The address is free again.
  assert.equal((await gh.post('/v1/auth/register', { email, password: 'a brand new passphrase here' })).status, 202);
});

test('without a second factor the password alone deletes; the last administrator cannot', async () => {
  const email = uniqueEmail('erase-plain');
  const password = await gh.createVerifiedUser(email);
  const { access_token } = await gh.login(email, password);
  assert.equal((await del(access_token, { password, code: 'ignored without a factor' })).status, 204);
  expectProblem(assert, await gh.post('/v1/auth/login', { email, password }), 401, 'invalid_credentials');

  const admin = uniqueEmail('erase-admin');
  gh.createAdmin(admin);
  const only = await gh.login(admin, 'quiet lantern over the harbour');
  // Other administrators may exist from other tests of this server: demote them all but this one.
  gh.sql(`UPDATE users SET role = 'user' WHERE role = 'admin' AND email <> '${admin}'`);
  expectProblem(assert, await del(only.access_token, { password: 'quiet lantern over the harbour' }), 409, 'conflict');
  assert.equal((await gh.get('/v1/me', { token: only.access_token })).status, 200, 'still there, still signed in');
});

test('GET /v1/me/export gives the user their data: profile, sessions, factors without secrets, passkeys, apps, security log', async () => {
  const email = uniqueEmail('export');
  const password = await gh.createVerifiedUser(email);
  await gh.post('/v1/auth/login', { email, password: 'a wrong one, logged' }, { headers: from });
  const { access_token: token } = (await gh.post('/v1/auth/login', { email, password }, { headers: from })).body;
  const started = await gh.post('/v1/me/mfa/totp', { password }, { token });
  assert.equal((await gh.post('/v1/me/mfa/totp/confirm', { code: totp(started.body.secret) }, { token })).status, 200);

  const r = await gh.get('/v1/me/export', { token });
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-disposition'), /^attachment; filename="gatehouse-export\.json"$/);
  const data = r.body;
  assert.deepEqual(Object.keys(data).sort(), ['connected_apps', 'exported_at', 'passkeys', 'second_factors', 'security_log', 'sessions', 'user']);
  assert.equal(data.user.email, email);
  assert.equal(data.sessions.length, 1);
  assert.equal(data.sessions[0].last_ip_address, IP);
  assert.equal(data.sessions[0].current, true);
  assert.equal(data.second_factors.totp, true);
  assert.equal(data.second_factors.recovery_codes_left, 10);
  assert.deepEqual(data.passkeys, []);
  assert.deepEqual(data.connected_apps, []);
  const types = data.security_log.map((e) => e.type);
  for (const t of ['user.created', 'email.verified', 'sign_in.failed', 'sign_in.succeeded', 'second_factor.added']) assert.ok(types.includes(t), t);
  // No secret of any kind: the app's key, hashes, recovery codes.
  const text = JSON.stringify(data);
  assert.ok(!text.includes(started.body.secret), 'the app secret');
  for (const word of ['password_hash', 'secret', 'recovery_codes"', 'token_hash', '$argon2']) assert.ok(!text.includes(word), word);
  expectProblem(assert, await gh.get('/v1/me/export'), 401, 'invalid_token');
});

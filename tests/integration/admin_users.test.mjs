// /v1/users: administrators list, search, create, change, disable, enable and delete users;
// the last active administrator is kept; a disabled account is closed at once.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { Gatehouse, decodeJwt, expectProblem, uniqueEmail, waitForMail } from './support.mjs';

let gh, admin, adminId;
const ADMIN_PASSWORD = 'quiet lantern over the harbour';

before(async () => {
  gh = await new Gatehouse().start();
  const email = uniqueEmail('root');
  gh.createAdmin(email, ADMIN_PASSWORD);
  admin = (await gh.login(email, ADMIN_PASSWORD)).access_token;
  adminId = decodeJwt(admin).payload.sub;
});
after(async () => {
  await gh.stop();
  gh.cleanup();
});

const as = (token) => ({ token });
const patch = (path, json, token) => gh.request('PATCH', path, { json, token });
const del = (path, token) => gh.request('DELETE', path, { token });

// A user made by the administrator, with a password: {id, email, password}.
async function madeUser(fields = {}) {
  const email = fields.email ?? uniqueEmail('member');
  const password = 'a long and quiet password';
  const r = await gh.post('/v1/users', { email, password, ...fields }, as(admin));
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return { id: r.body.user_id, email, password };
}

test('an administrator creates a user, reads and changes them', async () => {
  const email = uniqueEmail('Made');
  const r = await gh.post('/v1/users', { email, name: 'Ada', password: 'a long and quiet password' }, as(admin));
  assert.equal(r.status, 201);
  assert.equal(r.headers.get('location'), `/v1/users/${r.body.user_id}`);
  assert.equal(r.body.email, email.toLowerCase());
  assert.equal(r.body.email_verified, true);
  assert.deepEqual(r.body.roles, ['user']);
  assert.equal(r.body.status, 'active');
  assert.equal(r.body.disabled_at, null);
  assert.match(r.body.updated_at, /^\d{4}-\d\d-\d\dT/);
  const id = r.body.user_id;
  // The new user signs in with the password given.
  await gh.login(email, 'a long and quiet password');

  const read = await gh.get(`/v1/users/${id}`, as(admin));
  assert.equal(read.status, 200);
  assert.deepEqual(read.body, r.body);
  assert.equal(read.headers.get('cache-control'), 'no-store');

  const changed = await patch(`/v1/users/${id}`, { name: 'Ada Lovelace', email_verified: false }, admin);
  assert.equal(changed.status, 200);
  assert.equal(changed.body.name, 'Ada Lovelace');
  assert.equal(changed.body.email_verified, false);
  assert.deepEqual(changed.body.roles, ['user']);
  assert.deepEqual((await gh.get(`/v1/users/${id}`, as(admin))).body.name, 'Ada Lovelace');

  expectProblem(assert, await gh.post('/v1/users', { email, password: 'another long password' }, as(admin)), 409, 'conflict');
  expectProblem(assert, await gh.get('/v1/users/no-such-user', as(admin)), 404, 'not_found');
  expectProblem(assert, await patch('/v1/users/no-such-user', { name: 'x' }, admin), 404, 'not_found');
  expectProblem(assert, await gh.post('/v1/users/no-such-user/disable', {}, as(admin)), 404, 'not_found');
  expectProblem(assert, await del('/v1/users/no-such-user', admin), 404, 'not_found');
});

test('a user made without a password gets a link to choose one; an administrator can send a reset link', async () => {
  const email = uniqueEmail('linked');
  const r = await gh.post('/v1/users', { email, name: 'Grace', send_password_link: true }, as(admin));
  assert.equal(r.status, 201);
  const mail = await waitForMail(email, (m) => /choose a password/.test(m.subject));
  const token = mail.text.match(/reset-password\?token=([A-Za-z0-9_-]+)/)[1];
  const set = await gh.post('/v1/auth/reset-password', { token, new_password: 'river stones under the old bridge' });
  assert.equal(set.status, 200);
  await gh.login(email, 'river stones under the old bridge');

  const sent = await gh.post(`/v1/users/${r.body.user_id}/reset-password`, {}, as(admin));
  assert.equal(sent.status, 204);
  const reset = await waitForMail(email, (m) => /Reset your/.test(m.subject));
  assert.match(reset.text, /reset-password\?token=/);
  // The password keeps working until the link is used.
  await gh.login(email, 'river stones under the old bridge');
});

test('the list: search by e-mail or name prefix in any case, filters, cursor pages in a stable order', async () => {
  const tag = crypto.randomBytes(4).toString('hex');
  const made = [];
  for (const [i, name] of ['Élodie Martin', 'Bob', 'Carol', 'dave', 'Erin'].entries()) {
    made.push(await madeUser({ email: `${tag}-${i}@list.test`, name: `${name} ${tag}` }));
  }
  const byEmail = made.map((u) => u.email).sort();
  const all = await gh.get(`/v1/users?q=${tag}`, as(admin));
  assert.equal(all.status, 200);
  assert.deepEqual(all.body.users.map((u) => u.email), byEmail);
  assert.equal(all.body.next_cursor, null);

  // The name: "ÉLODIE" finds "Élodie", "élodie" too.
  for (const q of ['ÉLODIE', 'élodie', 'Élo']) {
    const found = await gh.get(`/v1/users?q=${encodeURIComponent(q)}&limit=200`, as(admin));
    assert.equal(found.status, 200);
    assert.ok(found.body.users.some((u) => u.email === made[0].email), q);
    assert.ok(found.body.users.every((u) => u.name.toLowerCase().startsWith(q.toLowerCase()) || u.email.startsWith(q.toLowerCase())), q);
  }

  // Pages of two, walked by cursor: every user once, in order.
  const seen = [];
  let cursor = '';
  for (let pages = 0; pages < 10; pages++) {
    const page = await gh.get(`/v1/users?q=${tag}&limit=2${cursor ? `&cursor=${cursor}` : ''}`, as(admin));
    assert.equal(page.status, 200);
    assert.ok(page.body.users.length <= 2);
    seen.push(...page.body.users.map((u) => u.email));
    if (!page.body.next_cursor) break;
    cursor = page.body.next_cursor;
  }
  assert.deepEqual(seen, byEmail);

  // Filters: role, status, verified.
  await patch(`/v1/users/${made[1].id}`, { roles: ['admin'] }, admin);
  await gh.post(`/v1/users/${made[2].id}/disable`, {}, as(admin));
  await patch(`/v1/users/${made[3].id}`, { email_verified: false }, admin);
  const emails = async (query) => (await gh.get(`/v1/users?q=${tag}&${query}`, as(admin))).body.users.map((u) => u.email);
  assert.deepEqual(await emails('role=admin'), [made[1].email]);
  assert.deepEqual(await emails('role=user'), byEmail.filter((e) => e !== made[1].email));
  assert.deepEqual(await emails('status=disabled'), [made[2].email]);
  assert.deepEqual(await emails('status=active'), byEmail.filter((e) => e !== made[2].email));
  assert.deepEqual(await emails('verified=false'), [made[3].email]);
  assert.deepEqual(await emails('verified=false&status=disabled'), []);
  // Without a search, the whole list is in the same order.
  const everyone = (await gh.get('/v1/users?limit=200', as(admin))).body.users.map((u) => u.email);
  assert.deepEqual(everyone, [...everyone].sort());
  assert.ok(byEmail.every((e) => everyone.includes(e)));
});

test('bad queries and bodies are 422 (or 415, 400) problems, and change nothing', async () => {
  for (const query of ['limit=0', 'limit=201', 'limit=ten', 'limit=-1', 'role=root', 'status=gone', 'verified=maybe',
    'cursor=***', 'cursor=', `q=${'a'.repeat(300)}`, 'q=%FF', 'q=%zz']) {
    const r = await gh.get(`/v1/users?${query}`, as(admin));
    if (query === 'cursor=') {
      assert.equal(r.status, 200, query);
      continue;
    }
    expectProblem(assert, r, 422, 'validation_failed');
  }
  const before = gh.sql('SELECT COUNT(*) FROM users');
  for (const body of [{}, { email: 'not an address', password: 'a long and quiet password' },
    { email: uniqueEmail(), password: 'short' }, { email: uniqueEmail(), roles: ['root'] },
    { email: uniqueEmail(), roles: 'admin' }, { email: uniqueEmail(), roles: ['user', 'admin'] },
    { email: uniqueEmail(), name: 'x'.repeat(5000) }, { email: 42 }, { email: uniqueEmail(), email_verified: 'yes' }]) {
    const r = await gh.post('/v1/users', body, as(admin));
    assert.ok([422].includes(r.status), `${JSON.stringify(body).slice(0, 80)}: ${r.status}`);
    assert.match(r.headers.get('content-type'), /problem\+json/);
  }
  const raw = await gh.request('POST', '/v1/users', { body: 'email=a@b.c', token: admin, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  expectProblem(assert, raw, 415, 'unsupported_media_type');
  const broken = await gh.request('POST', '/v1/users', { body: '{"email":', token: admin, headers: { 'content-type': 'application/json' } });
  expectProblem(assert, broken, 400, 'invalid_request');
  assert.equal(gh.sql('SELECT COUNT(*) FROM users'), before);

  const { id } = await madeUser();
  expectProblem(assert, await patch(`/v1/users/${id}`, {}, admin), 422, 'validation_failed');
  expectProblem(assert, await patch(`/v1/users/${id}`, { roles: ['owner'] }, admin), 422, 'validation_failed');
  expectProblem(assert, await patch(`/v1/users/${id}`, { name: 7 }, admin), 422, 'validation_failed');
  const unchanged = await gh.get(`/v1/users/${id}`, as(admin));
  assert.deepEqual(unchanged.body.roles, ['user']);
});

test('only administrators: 401 without a token, 403 for a user, on every route', async () => {
  const member = await madeUser();
  const token = (await gh.login(member.email, member.password)).access_token;
  const routes = [['GET', '/v1/users'], ['POST', '/v1/users'], ['GET', `/v1/users/${adminId}`],
    ['PATCH', `/v1/users/${adminId}`], ['DELETE', `/v1/users/${adminId}`], ['POST', `/v1/users/${adminId}/disable`],
    ['POST', `/v1/users/${adminId}/enable`], ['POST', `/v1/users/${adminId}/reset-password`]];
  for (const [method, path] of routes) {
    const json = method === 'GET' || method === 'DELETE' ? undefined : { roles: ['user'], email: uniqueEmail() };
    expectProblem(assert, await gh.request(method, path, { json }), 401, 'invalid_token');
    expectProblem(assert, await gh.request(method, path, { json, token }), 403, 'forbidden');
  }
  const still = await gh.get(`/v1/users/${adminId}`, as(admin));
  assert.deepEqual(still.body.roles, ['admin']);
  assert.equal(still.body.status, 'active');
});

test('disabling ends every session at once and refuses sign-in whatever the password; enabling opens it again', async () => {
  const member = await madeUser();
  const first = await gh.login(member.email, member.password);
  const second = await gh.login(member.email, member.password, true);
  assert.equal((await gh.get('/v1/me', as(first.access_token))).status, 200);

  const disabled = await gh.post(`/v1/users/${member.id}/disable`, {}, as(admin));
  assert.equal(disabled.status, 200);
  assert.equal(disabled.body.status, 'disabled');
  assert.match(disabled.body.disabled_at, /^\d{4}-/);
  for (const pair of [first, second]) {
    expectProblem(assert, await gh.get('/v1/me', as(pair.access_token)), 401, 'token_revoked');
    const refreshed = await gh.post('/v1/auth/refresh', { refresh_token: pair.refresh_token });
    assert.equal(refreshed.status, 401);
  }
  assert.equal(gh.sql(`SELECT COUNT(*) FROM sessions WHERE user_id = '${member.id}'`), '0');
  expectProblem(assert, await gh.post('/v1/auth/login', { email: member.email, password: member.password }), 403, 'account_disabled');
  expectProblem(assert, await gh.post('/v1/auth/login', { email: member.email, password: 'not the password' }), 403, 'account_disabled');
  // Disabling again changes nothing.
  const again = await gh.post(`/v1/users/${member.id}/disable`, {}, as(admin));
  assert.equal(again.body.disabled_at, disabled.body.disabled_at);

  const enabled = await gh.post(`/v1/users/${member.id}/enable`, {}, as(admin));
  assert.equal(enabled.status, 200);
  assert.equal(enabled.body.status, 'active');
  assert.equal(enabled.body.disabled_at, null);
  await gh.login(member.email, member.password);
});

test('sign-ins racing the disabling leave no live session behind', async () => {
  const member = await madeUser();
  const attempts = Array.from({ length: 12 }, () => gh.post('/v1/auth/login', { email: member.email, password: member.password }));
  const disabling = gh.post(`/v1/users/${member.id}/disable`, {}, as(admin));
  const answers = await Promise.all(attempts);
  assert.equal((await disabling).status, 200);
  for (const a of answers) {
    assert.ok([200, 403].includes(a.status), String(a.status));
    if (a.status === 200) expectProblem(assert, await gh.get('/v1/me', as(a.body.access_token)), 401, 'token_revoked');
  }
  assert.equal(gh.sql(`SELECT COUNT(*) FROM sessions WHERE user_id = '${member.id}'`), '0');
});

test('the last active administrator cannot be disabled, demoted or deleted; a demoted one loses admin at once', async () => {
  // Alone on its own server, so that no other test's administrator counts.
  const solo = await new Gatehouse().start();
  try {
    const email = uniqueEmail('only');
    solo.createAdmin(email, ADMIN_PASSWORD);
    const token = (await solo.login(email, ADMIN_PASSWORD)).access_token;
    const id = decodeJwt(token).payload.sub;
    expectProblem(assert, await solo.post(`/v1/users/${id}/disable`, {}, as(token)), 409, 'conflict');
    expectProblem(assert, await solo.request('PATCH', `/v1/users/${id}`, { json: { roles: ['user'] }, token }), 409, 'conflict');
    expectProblem(assert, await solo.request('DELETE', `/v1/users/${id}`, { token }), 409, 'conflict');
    const me = await solo.get(`/v1/users/${id}`, as(token));
    assert.deepEqual(me.body.roles, ['admin']);
    assert.equal(me.body.status, 'active');

    // With a second administrator, the first may step down; its admin token stops at once.
    const other = await solo.post('/v1/users', { email: uniqueEmail('second'), password: 'a long and quiet password', roles: ['admin'] }, as(token));
    assert.equal(other.status, 201);
    const demoted = await solo.request('PATCH', `/v1/users/${id}`, { json: { roles: ['user'] }, token });
    assert.equal(demoted.status, 200);
    assert.deepEqual(demoted.body.roles, ['user']);
    expectProblem(assert, await solo.get('/v1/users', as(token)), 401, 'token_revoked');
    const fresh = (await solo.login(email, ADMIN_PASSWORD)).access_token;
    expectProblem(assert, await solo.get('/v1/users', as(fresh)), 403, 'forbidden');
    assert.deepEqual(decodeJwt(fresh).payload.roles, ['user']);
  } finally {
    await solo.stop();
    solo.cleanup();
  }
});

test('deleting a user signs them out and erases the account and what hangs on it', async () => {
  const member = await madeUser();
  const pair = await gh.login(member.email, member.password);
  await gh.post(`/v1/users/${member.id}/reset-password`, {}, as(admin));
  const gone = await del(`/v1/users/${member.id}`, admin);
  assert.equal(gone.status, 204);
  expectProblem(assert, await gh.get('/v1/me', as(pair.access_token)), 401, 'token_revoked');
  expectProblem(assert, await gh.get(`/v1/users/${member.id}`, as(admin)), 404, 'not_found');
  expectProblem(assert, await gh.post('/v1/auth/login', { email: member.email, password: member.password }), 401, 'invalid_credentials');
  for (const table of ['users WHERE id', 'sessions WHERE user_id', 'one_time_tokens WHERE user_id']) {
    assert.equal(gh.sql(`SELECT COUNT(*) FROM ${table} = '${member.id}'`), '0', table);
  }
  assert.equal(gh.sql(`SELECT COUNT(*) FROM outbox WHERE recipient = '${member.email}'`), '0');
  expectProblem(assert, await del(`/v1/users/${member.id}`, admin), 404, 'not_found');
});

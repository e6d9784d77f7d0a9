// Sessions like GitHub's: who is signed in where, with what; signing sessions out. Client
// addresses come through a trusted proxy (this test's loopback peer) in X-Forwarded-For.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Gatehouse, decodeJwt, expectProblem, sleep, uniqueEmail } from './support.mjs';

const CHROME_WINDOWS =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36';
const SAFARI_IPHONE =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1';
const FIREFOX_LINUX = 'Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0';
const GB = '81.2.69.142';
const DE_V6 = '2a02:8070::1';

let gh, admin;
before(async () => {
  gh = await new Gatehouse({
    server: { trusted_proxies: '127.0.0.1/32, ::1/128' },
    sessions: { activity_interval_seconds: 2 },
  }).start();
  const email = uniqueEmail('admin');
  admin = await loginFrom(email, gh.createAdmin(email), '203.0.113.1', FIREFOX_LINUX);
});
after(async () => {
  await gh.stop();
  gh.cleanup();
});

const from = (ip, agent = FIREFOX_LINUX) => ({ 'x-forwarded-for': ip, 'user-agent': agent });
async function loginFrom(email, password, ip, agent, remember_me = false, server = gh) {
  const r = await server.post('/v1/auth/login', { email, password, remember_me }, { headers: from(ip, agent) });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body;
}
const list = (token, ip = '203.0.113.99', server = gh) =>
  server.get('/v1/me/sessions', { token, headers: from(ip) });
const me = (session, ip = '203.0.113.98') => gh.get('/v1/me', { token: session.access_token, headers: from(ip) });

async function userWithSessions(n) {
  const email = uniqueEmail('sessions');
  const password = await gh.createVerifiedUser(email);
  const sessions = [];
  for (let i = 0; i < n; i++) sessions.push(await loginFrom(email, password, `198.51.100.${i + 1}`, FIREFOX_LINUX));
  return { email, password, sessions };
}

test('each session shows login and last activity: time, address, location, raw and parsed agent', async () => {
  const email = uniqueEmail('where');
  const password = await gh.createVerifiedUser(email);
  const laptop = await loginFrom(email, password, GB, CHROME_WINDOWS, true);
  await sleep(1100);  // distinct login times
  const phone = await loginFrom(email, password, DE_V6, SAFARI_IPHONE);
  const r = await list(laptop.access_token, GB);
  assert.equal(r.status, 200);
  assert.equal(r.body.sessions.length, 2);
  const [first, second] = r.body.sessions;
  assert.equal(first.session_id, phone.session_id, 'newest activity first');
  assert.equal(second.session_id, laptop.session_id);
  assert.equal(second.current, true);
  assert.equal(first.current, false);
  assert.equal(second.remember_me, true);

  assert.equal(second.login_ip_address, GB);
  assert.equal(second.login_location.country, 'GB');
  assert.equal(typeof second.login_location.city, 'string');
  assert.equal(second.login_user_agent, CHROME_WINDOWS);
  assert.deepEqual(second.login_client, { browser: 'Chrome 120.0', os: 'Windows 10', device: 'Other' });
  assert.equal(first.login_ip_address, DE_V6);
  assert.equal(first.login_location.country, 'DE');
  assert.deepEqual(first.login_client, { browser: 'Mobile Safari 17.1', os: 'iOS 17.1', device: 'iPhone' });
  for (const s of r.body.sessions) {
    assert.ok(Date.parse(s.login_time) <= Date.parse(s.last_active));
    assert.ok(Date.parse(s.expires_at) > Date.now());
    assert.equal(s.user_id, r.body.sessions[0].user_id);
  }
  const days = (Date.parse(second.expires_at) - Date.now()) / 86400e3;
  assert.ok(days > 13.9 && days <= 14, 'remember me: two weeks');
});

test('last activity moves on authenticated requests at most once per interval, and on refresh', async () => {
  const { sessions: [a, b] } = await userWithSessions(2);
  // Read through the administrator's view, which is no activity of a or b.
  const userSessions = async () =>
    (await gh.get(`/v1/users/${decodeJwt(a.access_token).payload.sub}/sessions`, { token: admin.access_token })).body.sessions;
  const lastOf = async (session) => (await userSessions()).find((s) => s.session_id === session.session_id);
  await sleep(2100);
  assert.equal((await me(a, GB)).status, 200);
  assert.equal((await lastOf(a)).last_ip_address, GB, 'the first request after an interval is written');
  assert.equal((await userSessions())[0].session_id, a.session_id, 'activity moves a session up');
  assert.equal((await me(a, '192.0.2.77')).status, 200);
  assert.equal((await lastOf(a)).last_ip_address, GB, 'throttled: no write within the interval');
  await sleep(2100);
  await me(a, '192.0.2.77');
  const moved = await lastOf(a);
  assert.equal(moved.last_ip_address, '192.0.2.77');
  assert.equal(moved.last_location, null, 'documentation addresses have no location');
  assert.equal(moved.login_ip_address, '198.51.100.1', 'login fields never change');

  await sleep(1100);
  const refreshed = await gh.post('/v1/auth/refresh', { refresh_token: b.refresh_token }, { headers: from(DE_V6, SAFARI_IPHONE) });
  assert.equal(refreshed.status, 200);
  const [top] = await userSessions();
  assert.equal(top.session_id, b.session_id, 'a refresh is activity too');
  assert.equal(top.last_ip_address, DE_V6);
  assert.equal(top.last_user_agent, SAFARI_IPHONE);
  assert.equal(top.last_location.country, 'DE');
});

test('forwarding headers from a peer that is not a trusted proxy are ignored', async () => {
  const direct = await new Gatehouse().start();
  try {
    const email = uniqueEmail('spoof');
    const password = await direct.createVerifiedUser(email);
    const session = await loginFrom(email, password, GB, CHROME_WINDOWS, false, direct);
    const [s] = (await list(session.access_token, GB, direct)).body.sessions;
    assert.equal(s.login_ip_address, '127.0.0.1');
    assert.equal(s.login_location, null);
    const logged = direct.logs.split('\n').filter((l) => l.includes('"event":"request"'));
    assert.ok(logged.every((l) => !l.includes(GB)), 'nor does the access log believe them');
  } finally {
    await direct.stop();
    direct.cleanup();
  }
});

test('revoking one session denies its tokens at once; another user\'s session is 404 and keeps working', async () => {
  const { sessions: [a, b] } = await userWithSessions(2);
  const { sessions: [other] } = await userWithSessions(1);
  assert.equal((await gh.request('DELETE', `/v1/me/sessions/${b.session_id}`, { token: a.access_token })).status, 204);
  expectProblem(assert, await me(b), 401, 'token_revoked');
  expectProblem(assert, await gh.post('/v1/auth/refresh', { refresh_token: b.refresh_token }), 401, 'token_revoked');
  assert.equal((await me(a)).status, 200);
  expectProblem(assert, await gh.request('DELETE', `/v1/me/sessions/${other.session_id}`, { token: a.access_token }), 404, 'not_found');
  expectProblem(assert, await gh.request('DELETE', `/v1/me/sessions/${b.session_id}`, { token: a.access_token }), 404, 'not_found');
  assert.equal((await me(other)).status, 200);
  assert.deepEqual((await list(a.access_token)).body.sessions.map((s) => s.session_id), [a.session_id]);
});

test('revoking several ignores ids that are not the caller\'s', async () => {
  const { sessions: [a, b, c, d] } = await userWithSessions(4);
  const { sessions: [other] } = await userWithSessions(1);
  const r = await gh.post('/v1/me/sessions/revoke', { session_ids: [b.session_id, c.session_id, other.session_id, 'no-such-session'] }, { token: a.access_token });
  assert.equal(r.status, 200);
  assert.deepEqual(r.body, { revoked: 2 });
  for (const gone of [b, c]) expectProblem(assert, await me(gone), 401, 'token_revoked');
  for (const alive of [a, d, other]) assert.equal((await me(alive)).status, 200);
});

test('revoking all sessions, or all but the current one', async () => {
  const { sessions: [a, b, c] } = await userWithSessions(3);
  assert.equal((await gh.request('DELETE', '/v1/me/sessions?except_current=true', { token: a.access_token })).status, 204);
  for (const gone of [b, c]) expectProblem(assert, await me(gone), 401, 'token_revoked');
  assert.equal((await me(a)).status, 200);
  assert.equal((await gh.request('DELETE', '/v1/me/sessions', { token: a.access_token })).status, 204);
  expectProblem(assert, await me(a), 401, 'token_revoked');
});

test('administrators list and revoke any user\'s sessions; others cannot', async () => {
  const { sessions: [a, b, c] } = await userWithSessions(3);
  const userId = (await me(a)).body.user_id;
  const listed = await gh.get(`/v1/users/${userId}/sessions`, { token: admin.access_token });
  assert.equal(listed.status, 200);
  assert.equal(listed.body.sessions.length, 3);
  assert.ok(listed.body.sessions.every((s) => s.current === false));
  expectProblem(assert, await gh.get(`/v1/users/${userId}/sessions`, { token: a.access_token }), 403, 'forbidden');
  expectProblem(assert, await gh.request('DELETE', `/v1/users/${userId}/sessions`, { token: a.access_token }), 403, 'forbidden');
  expectProblem(assert, await gh.get('/v1/users/no-such-user/sessions', { token: admin.access_token }), 404, 'not_found');

  assert.equal((await gh.request('DELETE', `/v1/users/${userId}/sessions/${b.session_id}`, { token: admin.access_token })).status, 204);
  expectProblem(assert, await me(b), 401, 'token_revoked');
  expectProblem(assert, await gh.request('DELETE', `/v1/users/${userId}/sessions/${admin.session_id}`, { token: admin.access_token }), 404, 'not_found');
  assert.equal((await gh.request('DELETE', `/v1/users/${userId}/sessions`, { token: admin.access_token })).status, 204);
  for (const gone of [a, c]) expectProblem(assert, await me(gone), 401, 'token_revoked');
  assert.equal((await gh.get('/v1/me', { token: admin.access_token })).status, 200, 'the administrator stays signed in');
});

test('bad input is refused and revokes nothing', async () => {
  const { sessions: [a, b] } = await userWithSessions(2);
  const revoke = (json) => gh.post('/v1/me/sessions/revoke', json, { token: a.access_token });
  expectProblem(assert, await revoke({}), 422, 'validation_failed');
  expectProblem(assert, await revoke({ session_ids: b.session_id }), 422, 'validation_failed');
  expectProblem(assert, await revoke({ session_ids: [b.session_id, 7] }), 422, 'validation_failed');
  expectProblem(assert, await revoke({ session_ids: Array(101).fill(b.session_id) }), 422, 'validation_failed');
  expectProblem(assert, await revoke({ session_ids: ['x'.repeat(65)] }), 422, 'validation_failed');
  expectProblem(assert, await gh.request('DELETE', '/v1/me/sessions?except_current=maybe', { token: a.access_token }), 422, 'validation_failed');
  expectProblem(assert, await gh.get('/v1/me/sessions'), 401, 'invalid_token');
  expectProblem(assert, await gh.request('DELETE', `/v1/me/sessions/${b.session_id}`), 401, 'invalid_token');
  for (const s of [a, b]) assert.equal((await me(s)).status, 200);
});

test('expired sessions leave the list and are purged; the absolute lifetime caps remember-me', async () => {
  const short = await new Gatehouse({
    tokens: { access_ttl_seconds: 1, refresh_ttl_seconds: 2, key_reload_seconds: 1 },
    sessions: { absolute_lifetime_seconds: 60 },
  }).start();
  try {
    const email = uniqueEmail('expiry');
    const password = await short.createVerifiedUser(email);
    const remembered = await loginFrom(email, password, GB, CHROME_WINDOWS, true, short);
    assert.ok(remembered.refresh_expires_in <= 60, `remember-me capped: ${remembered.refresh_expires_in}`);
    assert.ok(remembered.expires_in <= 60);
    const old = await loginFrom(email, password, GB, CHROME_WINDOWS, false, short);
    await sleep(3000);
    const fresh = await loginFrom(email, password, GB, CHROME_WINDOWS, false, short);
    const ids = (await list(fresh.access_token, GB, short)).body.sessions.map((s) => s.session_id);
    assert.deepEqual(ids.sort(), [remembered.session_id, fresh.session_id].sort());
    let rows = '';
    for (let i = 0; i < 40; i++) {
      rows = short.sql(`SELECT COUNT(*) FROM sessions WHERE id = '${old.session_id}'`);
      if (rows === '0') break;
      await sleep(100);
    }
    assert.equal(rows, '0', 'the sweep deleted the expired session');
  } finally {
    await short.stop();
    short.cleanup();
  }
});

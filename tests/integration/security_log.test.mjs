// The security log: what happens to an account, appended with time, session, actor, address,
// device and location (GeoIP test database, addresses through a trusted proxy), read by the
// user (GET /v1/me/security-log) and by administrators (GET /v1/events), written as one JSON
// log line each, and swept after events.retention_days.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Gatehouse, decodeJwt, expectProblem, sleep, totp, uniqueEmail, waitForMail } from './support.mjs';

const CHROME_WINDOWS =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36';
const FIREFOX_LINUX = 'Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0';
const GB = '81.2.69.142';
const DE_V6 = '2a02:8070::1';
const from = (ip, agent = FIREFOX_LINUX) => ({ 'x-forwarded-for': ip, 'user-agent': agent });

let gh, admin, adminId;
before(async () => {
  gh = await new Gatehouse({
    server: { trusted_proxies: '127.0.0.1/32, ::1/128' },
    // The sweep runs as often as keys are reloaded: every second here.
    tokens: { key_reload_seconds: 1 },
    events: { retention_days: 30 },
  }).start();
  const email = uniqueEmail('root');
  gh.createAdmin(email);
  const session = await gh.login(email, 'quiet lantern over the harbour');
  admin = session.access_token;
  adminId = decodeJwt(admin).payload.sub;
});
after(async () => {
  await gh.stop();
  gh.cleanup();
});

const login = (email, password, ip = GB, agent = CHROME_WINDOWS) =>
  gh.post('/v1/auth/login', { email, password }, { headers: from(ip, agent) });
const myLog = (token, query = '') => gh.get(`/v1/me/security-log${query}`, { token, headers: from(GB) });
const events = (query, token = admin) => gh.get(`/v1/events${query}`, { token });
const types = (list) => list.map((e) => e.type);

// A verified user and a session of theirs: {email, password, id, session}.
async function member(tag = 'member') {
  const email = uniqueEmail(tag);
  const password = await gh.createVerifiedUser(email);
  const r = await login(email, password);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return { email, password, id: decodeJwt(r.body.access_token).payload.sub, session: r.body };
}

// The security log lines the server wrote, parsed.
function logLines() {
  return gh.logs
    .split('\n')
    .filter((line) => line.startsWith('{"'))
    .map((line) => JSON.parse(line))
    .filter((line) => line.security_event);
}

test('a sign-in, a wrong password and a sign-out are in the user\'s log, newest first, with device and location', async () => {
  const { email, password, id, session } = await member();
  const wrong = await login(email, 'not the password', DE_V6, FIREFOX_LINUX);
  expectProblem(assert, wrong, 401, 'invalid_credentials');
  const second = await login(email, password, GB, CHROME_WINDOWS);
  assert.equal(second.status, 200);
  const out = await gh.post('/v1/auth/logout', {}, { token: second.body.access_token, headers: from(GB) });
  assert.equal(out.status, 204);

  const r = await myLog(session.access_token);
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('cache-control'), 'no-store');
  assert.deepEqual(types(r.body.events), [
    'session.signed_out', 'sign_in.succeeded', 'sign_in.failed', 'sign_in.succeeded', 'email.verified', 'user.created',
  ]);
  assert.equal(r.body.next_cursor, null);
  const [signedOut, signedIn, failed, first] = r.body.events;
  assert.equal(signedOut.session_id, second.body.session_id);
  assert.equal(signedIn.session_id, second.body.session_id);
  assert.equal(first.session_id, session.session_id);
  for (const e of r.body.events) {
    assert.equal(e.user_id, id);
    assert.equal(e.actor_id, null);
    assert.match(e.event_id, /^[0-9a-f]{12}[A-Za-z0-9_-]+$/);
    assert.match(e.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  }
  assert.equal(signedIn.ip_address, GB);
  assert.equal(signedIn.country, 'GB');
  assert.equal(typeof signedIn.location, 'string');
  assert.equal(signedIn.device, 'Chrome 120.0, Windows 10');
  assert.equal(signedIn.user_agent, CHROME_WINDOWS);
  assert.deepEqual(signedIn.detail, { amr: ['pwd'], remember_me: false });
  assert.equal(failed.ip_address, DE_V6);
  assert.equal(failed.country, 'DE');
  assert.match(failed.device, /^Firefox 121/);
  assert.deepEqual(failed.detail, { method: 'password', reason: 'wrong_password' });
  assert.ok(Date.parse(signedOut.created_at) >= Date.parse(failed.created_at));

  // Each is also one JSON line of the log, with the same id.
  const lines = logLines();
  for (const e of r.body.events) {
    const line = lines.find((l) => l.event_id === e.event_id);
    assert.ok(line, `a log line for ${e.type}`);
    assert.equal(line.security_event, e.type);
    assert.equal(line.user_id, id);
  }
});

test('an unknown address\'s failure is logged for no account and without the address', async () => {
  const email = uniqueEmail('nobody');
  expectProblem(assert, await login(email, 'whatever it is'), 401, 'invalid_credentials');
  const r = await events('?type=sign_in.failed&limit=200');
  const mine = r.body.events.filter((e) => e.user_id === null && e.detail.reason === 'unknown_email');
  assert.ok(mine.length >= 1);
  assert.ok(!JSON.stringify(r.body).includes(email.toLowerCase()), 'the address tried is not kept');
});

test('password change, reset, second factor and reuse detection are logged with their sessions', async () => {
  const { email, password, id, session } = await member('history');
  const token = session.access_token;
  const changed = await gh.post('/v1/auth/change-password',
    { current_password: password, new_password: 'a second long password' }, { token, headers: from(GB) });
  assert.equal(changed.status, 200, JSON.stringify(changed.body));

  // An authenticator app; then a wrong and a right code at sign-in.
  const started = await gh.post('/v1/me/mfa/totp', { password: 'a second long password' }, { token });
  const confirmed = await gh.post('/v1/me/mfa/totp/confirm', { code: totp(started.body.secret) }, { token });
  assert.equal(confirmed.status, 200);
  const challenge = (await login(email, 'a second long password')).body;
  expectProblem(assert, await gh.post('/v1/auth/login/mfa', { mfa_token: challenge.mfa_token, method: 'totp', code: '000000' }), 401, 'mfa_invalid_code');
  const mfa = await gh.post('/v1/auth/login/mfa',
    { mfa_token: challenge.mfa_token, method: 'totp', code: totp(started.body.secret, 1) }, { headers: from(DE_V6) });
  assert.equal(mfa.status, 200, JSON.stringify(mfa.body));
  const recovery = (await login(email, 'a second long password')).body;
  const byCode = await gh.post('/v1/auth/login/mfa',
    { mfa_token: recovery.mfa_token, method: 'recovery_code', code: confirmed.body.recovery_codes[0] });
  assert.equal(byCode.status, 200);

  // A refresh token used twice: the second use revokes the session.
  const rotated = await gh.post('/v1/auth/refresh', { refresh_token: mfa.body.refresh_token });
  assert.equal(rotated.status, 200);
  const reused = await gh.post('/v1/auth/refresh', { refresh_token: mfa.body.refresh_token }, { headers: from(GB) });
  expectProblem(assert, reused, 401, 'token_reused');

  // A reset through the e-mailed link.
  assert.equal((await gh.post('/v1/auth/forgot-password', { email }, { headers: from(GB) })).status, 202);
  const mail = await waitForMail(email, (m) => /reset/i.test(m.subject));
  const resetToken = mail.text.match(/reset-password\?token=([A-Za-z0-9_-]{43})/)[1];
  const reset = await gh.post('/v1/auth/reset-password', { token: resetToken, new_password: 'a third long password' });
  assert.equal(reset.status, 200, JSON.stringify(reset.body));

  const r = await events(`?user_id=${id}&limit=200`);
  assert.equal(r.status, 200);
  const log = types(r.body.events).reverse();  // oldest first, as it happened
  assert.deepEqual(log.slice(log.indexOf('password.changed')), [
    'password.changed',
    'second_factor.added',
    'second_factor.failed',
    'second_factor.succeeded',
    'sign_in.succeeded',
    'sign_in.new_device',  // from DE: the account knew only GB
    'second_factor.succeeded',
    'recovery_code.used',
    'sign_in.succeeded',
    'sign_in.new_device',  // without a forwarded address or agent: no place, another device
    'token.reuse_detected',
    'password.reset_requested',
    'password.reset',
  ]);
  const find = (type) => r.body.events.find((e) => e.type === type);
  assert.equal(find('password.changed').session_id, session.session_id);
  assert.deepEqual(find('second_factor.added').detail, { method: 'totp' });
  assert.deepEqual(find('second_factor.failed').detail, { method: 'totp', reason: 'wrong_code' });
  const mfaSignIn = r.body.events.filter((e) => e.type === 'sign_in.succeeded').find((e) => e.session_id === mfa.body.session_id);
  assert.deepEqual(mfaSignIn.detail.amr, ['pwd', 'otp', 'mfa']);
  assert.equal(mfaSignIn.country, 'DE');
  assert.equal(find('token.reuse_detected').session_id, mfa.body.session_id);
  assert.equal(find('token.reuse_detected').ip_address, GB);
});

test('the user\'s log is paginated with a cursor; bad queries are 422 and change nothing', async () => {
  const { email, password, session } = await member('pages');
  for (let i = 0; i < 3; i++) assert.equal((await login(email, password)).status, 200);
  const all = (await myLog(session.access_token)).body.events;
  assert.equal(all.length, 6);  // user.created, email.verified, four sign-ins
  const seen = [];
  let cursor = '';
  for (let page = 0; page < 3; page++) {
    const r = await myLog(session.access_token, `?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
    assert.equal(r.status, 200);
    assert.equal(r.body.events.length, 2);
    seen.push(...r.body.events.map((e) => e.event_id));
    cursor = r.body.next_cursor;
  }
  assert.deepEqual(seen, all.map((e) => e.event_id));
  const last = await myLog(session.access_token, `?limit=2&cursor=${cursor}`);
  assert.deepEqual(last.body, { events: [], next_cursor: null });

  for (const query of ['?limit=0', '?limit=201', '?limit=ten', '?limit=-1', '?cursor=..%2Fetc', `?cursor=${'a'.repeat(65)}`, '?cursor=%ZZ']) {
    expectProblem(assert, await myLog(session.access_token, query), 422, 'validation_failed');
  }
  expectProblem(assert, await gh.get('/v1/me/security-log'), 401, 'invalid_token');
  assert.equal((await myLog(session.access_token)).body.events.length, 6);
});

test('/v1/events is for administrators; it filters by user, type and time', async () => {
  const a = await member('filter-a');
  const b = await member('filter-b');
  expectProblem(assert, await events('', a.session.access_token), 403, 'forbidden');
  expectProblem(assert, await gh.get('/v1/events'), 401, 'invalid_token');

  const ofA = (await events(`?user_id=${a.id}`)).body.events;
  assert.ok(ofA.length >= 3 && ofA.every((e) => e.user_id === a.id));
  const signIns = (await events(`?type=sign_in.succeeded&user_id=${b.id}`)).body.events;
  assert.deepEqual(types(signIns), ['sign_in.succeeded']);

  const made = Date.parse(ofA.at(-1).created_at);
  const since = new Date(made + 1).toISOString();
  const until = new Date(Date.parse(ofA[0].created_at) + 1).toISOString();
  const windowed = (await events(`?user_id=${a.id}&since=${since}&until=${until}`)).body.events;
  assert.deepEqual(windowed.map((e) => e.event_id), ofA.slice(0, -1).map((e) => e.event_id));
  const offset = (await events(`?user_id=${a.id}&until=${encodeURIComponent(new Date(made).toISOString().replace('Z', '+00:00'))}`)).body.events;
  assert.deepEqual(offset, [], 'until is exclusive; offsets are understood');

  for (const query of ['?type=sign_in', '?type=SIGN_IN.SUCCEEDED', '?since=yesterday', '?until=2026-13-01T00:00:00Z',
    `?since=${until}&until=${since}`, '?user_id=%27%20OR%201%3D1', '?limit=1000']) {
    expectProblem(assert, await events(query), 422, 'validation_failed');
  }
});

test('administrators\' actions name them as actor; the user sees that, not from where', async () => {
  const { email, password, id } = await member('acted-on');
  const headers = { ...from(DE_V6), authorization: `Bearer ${admin}` };
  assert.equal((await gh.request('DELETE', `/v1/users/${id}/sessions`, { headers })).status, 204);
  assert.equal((await gh.request('POST', `/v1/users/${id}/disable`, { headers })).status, 200);
  assert.equal((await gh.request('POST', `/v1/users/${id}/enable`, { headers })).status, 200);
  assert.equal((await gh.request('PATCH', `/v1/users/${id}`, { json: { name: 'Renamed' }, headers })).status, 200);

  const r = await events(`?user_id=${id}`);
  assert.deepEqual(types(r.body.events).slice(0, 4), ['user.updated', 'account.enabled', 'account.disabled', 'session.revoked']);
  for (const e of r.body.events.slice(0, 4)) {
    assert.equal(e.actor_id, adminId);
    assert.equal(e.ip_address, DE_V6);
  }
  assert.deepEqual(r.body.events[0].detail, { changed: { name: true } });
  assert.deepEqual(r.body.events[3].detail, { sessions: 1, kept_current: false });

  // The user's own view (they sign in again: their sessions were revoked).
  const again = await login(email, password);
  assert.equal(again.status, 200);
  const own = (await myLog(again.body.access_token)).body.events.find((e) => e.type === 'account.disabled');
  assert.equal(own.actor_id, adminId);
  assert.equal(own.ip_address, null);
  assert.equal(own.user_agent, null);
  assert.equal(own.country, null);
});

test('a disabled account\'s sign-in is logged as refused, never as a session', async () => {
  const { email, password, id } = await member('closed');
  assert.equal((await gh.post(`/v1/users/${id}/disable`, {}, { token: admin })).status, 200);
  expectProblem(assert, await login(email, password), 403, 'account_disabled');
  const r = await events(`?user_id=${id}&limit=3`);
  assert.equal(r.body.events[0].type, 'sign_in.failed');
  assert.deepEqual(r.body.events[0].detail, { method: 'password', reason: 'account_disabled' });
  assert.equal(types(r.body.events).filter((t) => t === 'sign_in.succeeded').length, 1, 'only the first sign-in');
});

test('a deleted account\'s events stay, with nothing that identifies its person', async () => {
  const { email, id } = await member('erased');
  assert.equal((await gh.request('DELETE', `/v1/users/${id}`, { headers: { ...from(DE_V6), authorization: `Bearer ${admin}` } })).status, 204);
  const r = await events(`?user_id=${id}`);
  assert.equal(r.body.events[0].type, 'account.deleted');
  assert.equal(r.body.events[0].actor_id, adminId);
  assert.equal(r.body.events[0].ip_address, DE_V6, 'the administrator\'s address, not the user\'s');
  for (const e of r.body.events.slice(1)) {
    assert.equal(e.ip_address, null, e.type);
    assert.equal(e.user_agent, null);
    assert.equal(e.device, null);
    assert.equal(e.country, null);
    assert.equal(e.location, null);
    assert.deepEqual(e.detail, {});
  }
  assert.equal(gh.sql(`SELECT COUNT(*) FROM events WHERE user_id = '${id}' AND (ip_address = '${GB}' OR user_agent LIKE '%Chrome%')`), '0');
  assert.ok(!JSON.stringify(r.body).includes(email.toLowerCase()));
});

test('events older than events.retention_days are swept', async () => {
  const old = Date.now() - 31 * 86400 * 1000;
  const id = old.toString(16).padStart(12, '0') + 'sweep-me-old-event';
  gh.sql(`INSERT INTO events (id, created_at, type) VALUES ('${id}', ${old}, 'sign_in.failed')`);
  const recent = Date.now() - 29 * 86400 * 1000;
  const kept = recent.toString(16).padStart(12, '0') + 'keep-me-recent';
  gh.sql(`INSERT INTO events (id, created_at, type) VALUES ('${kept}', ${recent}, 'sign_in.failed')`);
  for (let i = 0; i < 100 && gh.sql(`SELECT COUNT(*) FROM events WHERE id = '${id}'`) !== '0'; i++) await sleep(100);
  assert.equal(gh.sql(`SELECT COUNT(*) FROM events WHERE id = '${id}'`), '0');
  assert.equal(gh.sql(`SELECT COUNT(*) FROM events WHERE id = '${kept}'`), '1');
});

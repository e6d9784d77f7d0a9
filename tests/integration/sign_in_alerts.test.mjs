// New sign-in alerts: a sign-in from a device (browser and system) and country the account has
// not used for alerts.new_device_days e-mails the user the time, device, place and address,
// with a "this wasn't me" link that signs that session out and sends a password reset link.
// Addresses come through a trusted proxy (this test's loopback peer) and are placed by the
// GeoIP test database; the first sign-in and a known device alert nobody.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Gatehouse, decodeJwt, expectProblem, mailsFor, sleep, uniqueEmail, waitForMail } from './support.mjs';

const CHROME_WINDOWS =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36';
const CHROME_WINDOWS_UPDATED = CHROME_WINDOWS.replace('Chrome/120.0.0.0', 'Chrome/121.0.0.0');
const FIREFOX_LINUX = 'Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0';
const GB = '81.2.69.142';
const GB_OTHER = '81.2.69.7';
const DE = '2a02:8070::1';
const DAY = 86400;

let gh;
before(async () => {
  gh = await new Gatehouse({
    server: { trusted_proxies: '127.0.0.1/32, ::1/128' },
    // The sweep runs as often as keys are reloaded: every second here.
    tokens: { key_reload_seconds: 1 },
  }).start();
});
after(async () => {
  await gh.stop();
  gh.cleanup();
});

const login = async (email, password, ip = GB, agent = CHROME_WINDOWS) => {
  const r = await gh.post('/v1/auth/login', { email, password }, { headers: { 'x-forwarded-for': ip, 'user-agent': agent } });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body;
};
const isAlert = (m) => /New sign-in/.test(m.subject);
// The alerts the account has received once the outbox is drained (so that none is on its way).
const alertsFor = async (email) => {
  await gh.mailSent();
  return (await mailsFor(email)).filter(isAlert);
};
const tokenIn = (mail) => mail.text.match(/https?:\/\/\S+\/not-me\?token=([A-Za-z0-9_-]+)/)[1];
const notMe = (token) => gh.post('/v1/auth/sign-in-alert/not-me', { token });
const idOf = (email) => gh.sql(`SELECT id FROM users WHERE email = '${email}'`);
const refresh = (session) => gh.post('/v1/auth/refresh', { refresh_token: session.refresh_token });

// A verified user who signed in once, from GB with Chrome on Windows: {email, password, first}.
async function member(tag = 'alerted') {
  const email = uniqueEmail(tag);
  const password = await gh.createVerifiedUser(email);
  return { email, password, first: await login(email, password) };
}

test('the first sign-in alerts nobody, nor does the same device and country again, updated or from another address', async () => {
  const { email, password } = await member();
  await login(email, password, GB_OTHER, CHROME_WINDOWS_UPDATED);
  await login(email, password);
  assert.deepEqual(await alertsFor(email), []);
});

test('a sign-in from a new country e-mails its time, device, place and address with a "this wasn\'t me" link', async () => {
  const { email, password, first } = await member();
  const before = Math.floor(Date.now() / 1000);
  const intruder = await login(email, password, DE);
  const alert = await waitForMail(email, isAlert);
  assert.match(alert.text, /Device: Chrome 120\.0, Windows 10/);
  // The place's names are those of the GeoIP data shipped (npm @ip-location-db), which may change.
  assert.match(alert.text, /Location: \S.* \(DE\)\n/);
  assert.match(alert.text, /IP address: 2a02:8070::1\n/);
  const time = Date.parse(alert.text.match(/Time: (\S+)/)[1]) / 1000;
  assert.ok(time >= before - 1 && time <= before + 60, `${time} vs ${before}`);
  assert.match(alert.html, /this wasn't me|this wasn&#39;t me/);

  const done = await notMe(tokenIn(alert));
  assert.equal(done.status, 200, JSON.stringify(done.body));
  assert.deepEqual(done.body, { email });
  expectProblem(assert, await refresh(intruder), 401, 'token_revoked');
  expectProblem(assert, await gh.get('/v1/me', { token: intruder.access_token }), 401, 'token_revoked');
  assert.equal((await gh.get('/v1/me', { token: first.access_token })).status, 200, 'the other session stays');
  const reset = await waitForMail(email, (m) => /reset/i.test(m.subject));
  assert.match(reset.text, /reset-password\?token=/);
  expectProblem(assert, await notMe(tokenIn(alert)), 401, 'invalid_token');

  const log = await gh.get('/v1/me/security-log', { token: first.access_token });
  const sid = decodeJwt(intruder.access_token).payload.sid;
  const of = (type) => log.body.events.find((e) => e.type === type);
  assert.equal(of('sign_in.new_device')?.session_id, sid, JSON.stringify(log.body.events.map((e) => e.type)));
  assert.equal(of('sign_in.new_device').country, 'DE');
  assert.equal(of('sign_in.disowned')?.session_id, sid);
  // Known now: the same place again alerts nobody.
  await login(email, password, DE);
  assert.equal((await alertsFor(email)).length, 1);
});

test('a new browser or system in a known country alerts too', async () => {
  const { email, password } = await member();
  await login(email, password, GB, FIREFOX_LINUX);
  const alert = await waitForMail(email, isAlert);
  assert.match(alert.text, /Device: Firefox 121\.0, Ubuntu/);
  assert.match(alert.text, /Location: \S.* \(GB\)\n/);
  assert.equal((await alertsFor(email)).length, 1);
});

test('a device unused for alerts.new_device_days (90) alerts again; one used 89 days ago does not', async () => {
  const { email, password } = await member();
  const id = idOf(email);
  gh.sql(`UPDATE known_devices SET last_seen = last_seen - ${89 * DAY} WHERE user_id = '${id}'`);
  await login(email, password);
  assert.deepEqual(await alertsFor(email), []);
  gh.sql(`UPDATE known_devices SET last_seen = last_seen - ${91 * DAY} WHERE user_id = '${id}'`);
  await login(email, password);
  assert.equal((await alertsFor(email)).length, 1);
});

test('the sweep forgets old devices but each account\'s latest, so a sign-in after a long absence is no first one', async () => {
  const { email, password } = await member();
  const id = idOf(email);
  await login(email, password, DE);
  assert.equal((await alertsFor(email)).length, 1);
  gh.sql(`UPDATE known_devices SET last_seen = last_seen - ${200 * DAY} WHERE user_id = '${id}' AND country = 'GB'`);
  gh.sql(`UPDATE known_devices SET last_seen = last_seen - ${100 * DAY} WHERE user_id = '${id}' AND country = 'DE'`);
  const rows = () => gh.sql(`SELECT country FROM known_devices WHERE user_id = '${id}'`);
  for (let i = 0; i < 100 && rows() !== 'DE'; i++) await sleep(100);
  assert.equal(rows(), 'DE');
  await login(email, password);
  assert.equal((await alertsFor(email)).length, 2);
});

test('ten racing uses of one link: one signs out, the others are refused', async () => {
  const { email, password } = await member();
  const intruder = await login(email, password, DE);
  const token = tokenIn(await waitForMail(email, isAlert));
  const answers = await Promise.all(Array.from({ length: 10 }, () => notMe(token)));
  assert.deepEqual(answers.map((a) => a.status).sort(), [200, ...Array(9).fill(401)]);
  for (const refused of answers.filter((a) => a.status !== 200)) expectProblem(assert, refused, 401, 'invalid_token');
  expectProblem(assert, await refresh(intruder), 401, 'token_revoked');
  await gh.mailSent();
  assert.equal((await mailsFor(email)).filter((m) => /reset/i.test(m.subject)).length, 1);
});

test('bad "this wasn\'t me" requests change nothing', async () => {
  const { email, password } = await member();
  const intruder = await login(email, password, DE);
  await waitForMail(email, isAlert);
  for (const body of [{}, { token: 42 }, { token: null }, { token: 'x'.repeat(5000) }]) {
    const r = await gh.post('/v1/auth/sign-in-alert/not-me', body);
    assert.ok([401, 422].includes(r.status), `${JSON.stringify(body).slice(0, 40)} → ${r.status}`);
    assert.match(r.headers.get('content-type'), /^application\/problem\+json/);
  }
  for (const token of ['not a token', 'A'.repeat(43), '../../etc/passwd']) {
    expectProblem(assert, await notMe(token), 401, 'invalid_token');
  }
  const raw = await gh.request('POST', '/v1/auth/sign-in-alert/not-me', { body: '{"token":', headers: { 'content-type': 'application/json' } });
  assert.equal(raw.status, 400);
  assert.equal((await refresh(intruder)).status, 200, 'the session is untouched');
});

test('alerts.new_device_days 0 turns the alerts off', async () => {
  const quiet = await new Gatehouse({ server: { trusted_proxies: '127.0.0.1/32, ::1/128' }, alerts: { new_device_days: 0 } }).start();
  try {
    const email = uniqueEmail('quiet');
    const password = await quiet.createVerifiedUser(email);
    for (const ip of [GB, DE]) {
      const r = await quiet.post('/v1/auth/login', { email, password }, { headers: { 'x-forwarded-for': ip, 'user-agent': CHROME_WINDOWS } });
      assert.equal(r.status, 200);
    }
    await quiet.mailSent();
    assert.deepEqual((await mailsFor(email)).filter(isAlert), []);
    assert.equal(quiet.sql('SELECT COUNT(*) FROM known_devices'), '0');
  } finally {
    await quiet.stop();
    quiet.cleanup();
  }
});

// Rate limits per client IP and brute-force delays per account, as an attacker would probe
// them. (support.mjs turns both off for the other test files; this one turns them on.)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { Gatehouse, expectProblem, sleep, uniqueEmail } from './support.mjs';

let gh;
before(async () => {
  gh = await new Gatehouse({
    server: { trusted_proxies: '127.0.0.1/32' },  // so a test can speak for several addresses
    rate_limits: { login: '3/1m' },
    brute_force: { free_attempts: 5, base_delay_seconds: 1, max_delay_seconds: 900 },
  }).start();
});
after(async () => {
  await gh.stop();
  gh.cleanup();
});

let nextAddress = 1;
// A client address of its own for each test (TEST-NET-3), as a trusted proxy reports it.
const newClient = () => ({ 'x-forwarded-for': `203.0.113.${nextAddress++}` });

async function loginsFailedSoFar() {
  const metrics = (await gh.get('/metrics')).body;
  return Number(metrics.match(/gatehouse_logins_total\{result="failed"\} (\d+)/)[1]);
}

test('login is limited per client address, with RateLimit headers and a truthful Retry-After', async () => {
  const limitedServer = await new Gatehouse({
    server: { trusted_proxies: '127.0.0.1/32' },
    rate_limits: { login: '3/3s' },
  }).start();
  try {
    const headers = newClient();
    const attempt = () =>
      limitedServer.post('/v1/auth/login', { email: uniqueEmail('ip'), password: 'wrong password' }, { headers });
    const remaining = [];
    for (let i = 0; i < 3; i++) {
      const r = await attempt();
      expectProblem(assert, r, 401, 'invalid_credentials');
      assert.equal(r.headers.get('ratelimit-limit'), '3');
      assert.equal(r.headers.get('ratelimit-policy'), '3;w=3');
      remaining.push(r.headers.get('ratelimit-remaining'));
    }
    assert.deepEqual(remaining, ['2', '1', '0']);
    const limited = await attempt();
    const refusedAt = Date.now();
    expectProblem(assert, limited, 429, 'rate_limited');
    const retryAfter = Number(limited.headers.get('retry-after'));
    // At most 3 in any 3 s: the next fits between 1 s (a burst at a window's end) and 5 s.
    assert.ok(retryAfter >= 1 && retryAfter <= 5, `Retry-After ${retryAfter}`);
    assert.equal(limited.headers.get('ratelimit-remaining'), '0');
    assert.ok(Number(limited.headers.get('ratelimit-reset')) <= 6);
    expectProblem(assert, await attempt(), 429, 'rate_limited');
    // Retry-After is the truth: refused a little before it (the wait is over retryAfter - 1 s),
    // let in once it has passed. Refused attempts do not count, so probing does not push it.
    const untilJustBefore = refusedAt + (retryAfter - 1) * 1000 - 250 - Date.now();
    if (untilJustBefore > 0) {
      await sleep(untilJustBefore);
      expectProblem(assert, await attempt(), 429, 'rate_limited');
    }
    await sleep(refusedAt + retryAfter * 1000 + 250 - Date.now());
    expectProblem(assert, await attempt(), 401, 'invalid_credentials');

    const other = await limitedServer.post('/v1/auth/login', { email: uniqueEmail('ip'), password: 'x' }, { headers: newClient() });
    expectProblem(assert, other, 401, 'invalid_credentials');
  } finally {
    await limitedServer.stop();
    limitedServer.cleanup();
  }
});

test('a spoofed X-Forwarded-For from an untrusted peer does not escape the limits', async () => {
  const strict = await new Gatehouse({ rate_limits: { login: '2/1m', registration: '2/1h' } }).start();  // trusts no proxy
  try {
    const statuses = [];
    for (let i = 0; i < 4; i++) {
      const r = await strict.post('/v1/auth/login', { email: uniqueEmail('spoof'), password: 'x' }, { headers: newClient() });
      statuses.push(r.status);
    }
    assert.deepEqual(statuses, [401, 401, 429, 429]);

    // Registration too; and a refused request changes nothing.
    const emails = [uniqueEmail('reg'), uniqueEmail('reg'), uniqueEmail('reg')];
    const registered = [];
    for (const email of emails) {
      registered.push((await strict.post('/v1/auth/register', { email, password: 'quiet lantern over the harbour' }, { headers: newClient() })).status);
    }
    assert.deepEqual(registered, [202, 202, 429]);
    assert.equal(strict.sql(`SELECT COUNT(*) FROM users WHERE email = '${emails[2]}'`), '0');
  } finally {
    await strict.stop();
    strict.cleanup();
  }
});

test('100 parallel wrong passwords for one account: 5 are checked, the rest wait', async () => {
  const email = uniqueEmail('brute');
  const password = await gh.createVerifiedUser(email);
  const failedBefore = await loginsFailedSoFar();
  // Each from its own address: the per-account delay holds whatever the source.
  const requests = Array.from({ length: 100 }, () => gh.post('/v1/auth/login', { email, password: 'not the password' }, { headers: newClient() }));
  // The right password waits too (a slowdown, not a lockout), asked right after a refusal
  // shows the delay running: not after the five checked passwords, whose hashing on a busy
  // machine can outlast the one-second delay.
  await Promise.any(requests.map((r) => r.then((response) => (response.status === 429 ? response : Promise.reject()))));
  const right = await gh.post('/v1/auth/login', { email, password }, { headers: newClient() });
  const results = await Promise.all(requests);
  const statuses = results.map((r) => r.status);
  assert.equal(statuses.filter((s) => s === 401).length, 5, statuses.join(','));
  assert.equal(statuses.filter((s) => s === 429).length, 95);
  assert.equal(await loginsFailedSoFar() - failedBefore, 5, 'only five passwords were checked');
  const delayed = results.find((r) => r.status === 429);
  expectProblem(assert, delayed, 429, 'rate_limited');
  assert.equal(delayed.headers.get('retry-after'), '1');

  expectProblem(assert, right, 429, 'rate_limited');
  // Once the delay has run, the right password works and resets the count.
  await sleep(1100);
  assert.equal((await gh.post('/v1/auth/login', { email, password }, { headers: newClient() })).status, 200);
  for (let i = 0; i < 5; i++) {
    expectProblem(assert, await gh.post('/v1/auth/login', { email, password: 'wrong' }, { headers: newClient() }), 401, 'invalid_credentials');
  }
});

test('delays grow, and an unknown address is delayed exactly like a real one', async () => {
  const known = uniqueEmail('known');
  await gh.createVerifiedUser(known);
  const unknown = uniqueEmail('nobody');
  const waits = {};
  for (const email of [known, unknown]) {
    waits[email] = [];
    for (let i = 0; i < 5; i++) await gh.post('/v1/auth/login', { email, password: 'wrong' }, { headers: newClient() });
    for (let round = 0; round < 2; round++) {
      const r = await gh.post('/v1/auth/login', { email, password: 'wrong' }, { headers: newClient() });
      expectProblem(assert, r, 429, 'rate_limited');
      waits[email].push(r.headers.get('retry-after'));
      await sleep(Number(r.headers.get('retry-after')) * 1000 + 50);
      expectProblem(assert, await gh.post('/v1/auth/login', { email, password: 'wrong' }, { headers: newClient() }), 401, 'invalid_credentials');
    }
  }
  assert.deepEqual(waits[known], ['1', '2'], 'the delay doubles');
  assert.deepEqual(waits[unknown], waits[known], 'no account enumeration through delays');
});

test('second-factor guesses count against the account: a new challenge brings no new guesses', async () => {
  const email = uniqueEmail('otp-brute');
  const password = await gh.createVerifiedUser(email);
  const { access_token: token } = await gh.login(email, password);
  const { secret } = (await gh.post('/v1/me/mfa/totp', { password }, { token })).body;
  const code = execFileSync('oathtool', ['--totp', '-b', secret], { encoding: 'utf8' }).trim();
  assert.equal((await gh.post('/v1/me/mfa/totp/confirm', { code }, { token })).status, 200);

  const { mfa_token } = (await gh.post('/v1/auth/login', { email, password }, { headers: newClient() })).body;
  const wrong = code === '000000' ? '111111' : '000000';
  const guesses = [];
  for (let i = 0; i < 5; i++) {
    guesses.push((await gh.post('/v1/auth/login/mfa', { mfa_token, method: 'totp', code: wrong }, { headers: newClient() })).status);
  }
  // login (1) + four guesses = five attempts; the fifth guess waits.
  assert.deepEqual(guesses, [401, 401, 401, 401, 429]);
  expectProblem(assert, await gh.post('/v1/auth/login', { email, password }, { headers: newClient() }), 429, 'rate_limited');
});

test('a wrong current password in change-password counts as well', async () => {
  const email = uniqueEmail('change');
  const password = await gh.createVerifiedUser(email);
  const { access_token: token } = await gh.login(email, password);
  const statuses = [];
  for (let i = 0; i < 6; i++) {
    statuses.push((await gh.post('/v1/auth/change-password', { current_password: 'guess', new_password: 'another quiet lantern' }, { token })).status);
  }
  assert.deepEqual(statuses, [401, 401, 401, 401, 401, 429]);
});

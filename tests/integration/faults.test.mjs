// Faults: the cache or the database goes away mid-run and comes back. A revoked token is
// never accepted, nothing answers 500, and everything recovers without a restart.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Gatehouse, OWN_SERVICES, expectProblem, sleep, uniqueEmail } from './support.mjs';
import { cacheConfig, startMemcached, startPostgres, startRedis } from './services.mjs';

async function eventually(check, what, ms = 8000) {
  const until = Date.now() + ms;
  for (;;) {
    if (await check()) return;
    if (Date.now() > until) throw new Error(`never: ${what}`);
    await sleep(100);
  }
}

for (const [kind, start] of [['redis', startRedis], ['memcached', startMemcached]]) {
  test(`${kind} down and back: database fallback, 503 for revocations, nobody logged out`, OWN_SERVICES, async () => {
    const cache = await start();
    const gh = await new Gatehouse({ cache: cacheConfig(kind, cache.port) }).start();
    try {
      const email = uniqueEmail();
      const password = await gh.createVerifiedUser(email);
      const live = await gh.login(email, password);
      const rotatedAway = await gh.login(email, password);
      const current = (await gh.post('/v1/auth/refresh', { refresh_token: rotatedAway.refresh_token })).body;
      const loggedOut = await gh.login(email, password);
      assert.equal((await gh.post('/v1/auth/logout', undefined, { token: loggedOut.access_token })).status, 204);

      await cache.stop();

      assert.equal((await gh.get('/v1/me', { token: live.access_token })).status, 200, 'checked in the database');
      expectProblem(assert, await gh.get('/v1/me', { token: loggedOut.access_token }), 401, 'token_revoked');
      // The check reads the whitelist (asynchronously, on Redis): unanswered, the database decides.
      assert.equal((await gh.get('/v1/auth/check', { token: live.access_token })).status, 200, 'check in the database');
      expectProblem(assert, await gh.get('/v1/auth/check', { token: loggedOut.access_token }), 401, 'token_revoked');
      const reused = await gh.get('/v1/me', { token: rotatedAway.access_token });
      assert.ok([401, 503].includes(reused.status), `rotated token: ${reused.status}`);
      expectProblem(assert, await gh.post('/v1/auth/logout', undefined, { token: live.access_token }), 503, 'unavailable');
      expectProblem(assert, await gh.post('/v1/auth/refresh', { refresh_token: live.refresh_token }), 503, 'unavailable');
      assert.equal((await gh.get('/readyz')).status, 503);
      assert.equal((await gh.get('/healthz')).status, 200);
      const during = await gh.login(email, password);
      assert.equal((await gh.get('/v1/me', { token: during.access_token })).status, 200);

      await cache.start();  // empty, on the same port

      await eventually(async () => (await gh.get('/readyz')).status === 200, 'ready again');
      assert.equal((await gh.get('/v1/me', { token: live.access_token })).status, 200, 'not logged out');
      assert.equal((await gh.get('/v1/me', { token: during.access_token })).status, 200);
      expectProblem(assert, await gh.get('/v1/me', { token: loggedOut.access_token }), 401, 'token_revoked');
      assert.equal((await gh.get('/v1/auth/check', { token: live.access_token })).status, 200, 'check reconnected');
      expectProblem(assert, await gh.get('/v1/auth/check', { token: loggedOut.access_token }), 401, 'token_revoked');
      assert.equal((await gh.post('/v1/auth/logout', undefined, { token: live.access_token })).status, 204);
      expectProblem(assert, await gh.get('/v1/me', { token: live.access_token }), 401, 'token_revoked');
      expectProblem(assert, await gh.get('/v1/auth/check', { token: live.access_token }), 401, 'token_revoked');
      const next = await gh.post('/v1/auth/refresh', { refresh_token: current.refresh_token });
      assert.ok([200, 401].includes(next.status), 'the rotated pair is judged by the database');
      assert.ok(!gh.logs.includes('"status":500'), 'no 500 answered');
    } finally {
      await gh.stop();
      gh.cleanup();
      await cache.stop().catch(() => {});
    }
  });
}

test('redis refusing writes: logout answers 503 and changes nothing; afterwards it works', OWN_SERVICES, async () => {
  const redis = await startRedis();
  const gh = await new Gatehouse({ cache: cacheConfig('redis', redis.port) }).start();
  try {
    const email = uniqueEmail();
    const { access_token } = await gh.login(email, await gh.createVerifiedUser(email));
    redis.cli('CLIENT', 'PAUSE', '2500', 'WRITE');  // reads answer, writes hang
    expectProblem(assert, await gh.post('/v1/auth/logout', undefined, { token: access_token }), 503, 'unavailable');
    await sleep(2600);
    // The failed logout deleted nothing, so the session is whole again, not half revoked.
    assert.equal((await gh.get('/v1/me', { token: access_token })).status, 200);
    assert.equal((await gh.post('/v1/auth/logout', undefined, { token: access_token })).status, 204);
    expectProblem(assert, await gh.get('/v1/me', { token: access_token }), 401, 'token_revoked');
  } finally {
    await gh.stop();
    gh.cleanup();
    await redis.stop();
  }
});

test('PostgreSQL down and back: 503 where the database is needed, /readyz 503, recovery without a restart', OWN_SERVICES, async () => {
  const pg = await startPostgres();
  const gh = await new Gatehouse({ database: { url: pg.createDatabase() } }).start();
  try {
    const email = uniqueEmail();
    const password = await gh.createVerifiedUser(email);
    const { access_token } = await gh.login(email, password);

    pg.stop();

    expectProblem(assert, await gh.post('/v1/auth/login', { email, password }), 503, 'unavailable');
    expectProblem(assert, await gh.get('/v1/me', { token: access_token }), 503, 'unavailable');
    expectProblem(assert, await gh.post('/v1/auth/register', { email: uniqueEmail(), password }), 503, 'unavailable');
    assert.equal((await gh.get('/readyz')).status, 503);
    assert.equal((await gh.get('/healthz')).status, 200);

    pg.start();

    await eventually(async () => (await gh.post('/v1/auth/login', { email, password })).status === 200, 'login works again');
    assert.equal((await gh.get('/v1/me', { token: access_token })).status, 200);
    assert.equal((await gh.get('/readyz')).status, 200);
    assert.ok(!gh.logs.includes('"status":500'), 'no 500 answered');
  } finally {
    await gh.stop();
    gh.cleanup();
    pg.destroy();
  }
});

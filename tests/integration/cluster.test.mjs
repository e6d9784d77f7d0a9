// Several instances behind a load balancer: three gatehouse processes on one PostgreSQL and
// one Redis (then one Memcached). Revocation on one is seen by all at once, disabling an
// account too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { Gatehouse, OWN_SERVICES, expectProblem, uniqueEmail } from './support.mjs';
import { cacheConfig, startMemcached, startPostgres, startRedis } from './services.mjs';

for (const [kind, start] of [['redis', startRedis], ['memcached', startMemcached]]) {
  test(`three instances on one PostgreSQL and one ${kind}`, OWN_SERVICES, async () => {
    const pg = await startPostgres();
    const cache = await start();
    const shared = {
      server: { instances: 3 },
      database: { url: pg.createDatabase() },
      cache: cacheConfig(kind, cache.port),
      tokens: { issuer: `https://id-${crypto.randomBytes(4).toString('hex')}.example` },
      rate_limits: { registration: '4/1h' },
      brute_force: { free_attempts: 5 },
    };
    // Started together, as a deployment would: they race to create the first signing key.
    const [a, b, c] = await Promise.all([0, 1, 2].map(() => new Gatehouse(structuredClone(shared)).start()));
    try {
      const email = uniqueEmail();
      const password = await a.createVerifiedUser(email);
      const me = (gh, token) => gh.get('/v1/me', { token });
      const refresh = (gh, refresh_token) => gh.post('/v1/auth/refresh', { refresh_token });

      // Login on A, refresh on B, reuse of the rotated token on C: revoked everywhere.
      const first = await a.login(email, password);
      for (const gh of [a, b, c]) assert.equal((await me(gh, first.access_token)).status, 200);
      const rotated = await refresh(b, first.refresh_token);
      assert.equal(rotated.status, 200);
      expectProblem(assert, await refresh(c, first.refresh_token), 401, 'token_reused');
      for (const gh of [a, b, c]) {
        expectProblem(assert, await me(gh, rotated.body.access_token), 401, 'token_revoked');
      }

      // Logout on A is denied on B and C at once.
      const second = await a.login(email, password);
      for (const gh of [b, c]) assert.equal((await me(gh, second.access_token)).status, 200);
      assert.equal((await a.post('/v1/auth/logout', undefined, { token: second.access_token })).status, 204);
      for (const gh of [b, c]) {
        expectProblem(assert, await me(gh, second.access_token), 401, 'token_revoked');
      }

      // An administrator disables the account on A: its sessions are refused on B and C at
      // once, and a sign-in anywhere is account_disabled; enabled again on B, it signs in on C.
      const adminEmail = uniqueEmail('cluster-admin');
      a.createAdmin(adminEmail);
      const admin = await a.login(adminEmail, 'quiet lantern over the harbour');
      const live = [await b.login(email, password), await c.login(email, password)];
      const userId = (await me(b, live[0].access_token)).body.user_id;
      assert.equal((await a.post(`/v1/users/${userId}/disable`, {}, { token: admin.access_token })).status, 200);
      for (const gh of [a, b, c]) {
        for (const session of live) expectProblem(assert, await me(gh, session.access_token), 401, 'token_revoked');
        expectProblem(assert, await refresh(gh, live[1].refresh_token), 401, 'token_revoked');
        expectProblem(assert, await gh.post('/v1/auth/login', { email, password }), 403, 'account_disabled');
      }
      assert.equal((await b.post(`/v1/users/${userId}/enable`, {}, { token: admin.access_token })).status, 200);
      assert.equal((await me(c, (await c.login(email, password)).access_token)).status, 200);

      // 20 simultaneous refreshes spread over the three: exactly one succeeds.
      const third = await c.login(email, password);
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) => refresh([a, b, c][i % 3], third.refresh_token)),
      );
      assert.equal(results.filter((r) => r.status === 200).length, 1, results.map((r) => r.status).join(','));
      assert.ok(results.every((r) => r.status === 200 || r.status === 401));

      // Limits hold across the instances: registrations per address (4 an hour, one used
      // above), and the brute-force count of one account.
      const registrations = [];
      for (let i = 0; i < 9; i++) {
        const r = await [a, b, c][i % 3].post('/v1/auth/register', { email: uniqueEmail('reg'), password: 'quiet lantern over the harbour' });
        registrations.push(r.status);
      }
      assert.deepEqual(registrations, [202, 202, 202, 429, 429, 429, 429, 429, 429]);
      const victim = uniqueEmail('victim');
      const guesses = await Promise.all(
        Array.from({ length: 30 }, (_, i) => [a, b, c][i % 3].post('/v1/auth/login', { email: victim, password: 'wrong' })),
      );
      assert.equal(guesses.filter((r) => r.status === 401).length, 5, guesses.map((r) => r.status).join(','));

      // The instances agree on the published keys.
      const jwks = await Promise.all([a, b, c].map(async (gh) => JSON.stringify((await gh.get('/.well-known/jwks.json')).body)));
      assert.equal(new Set(jwks).size, 1);
    } finally {
      await Promise.all([a, b, c].map((gh) => gh.stop()));
      [a, b, c].forEach((gh) => gh.cleanup());
      await cache.stop();
      pg.destroy();
    }
  });
}

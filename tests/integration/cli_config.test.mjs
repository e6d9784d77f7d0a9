// The command line and the configuration: start-up errors, user creation, key rotation,
// selectable algorithms.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import { Gatehouse, childEnv, decodeJwt, expectProblem, uniqueEmail } from './support.mjs';

const BIN = process.env.TEST_GATEHOUSE_BIN;

function run(args, { env = {}, input, yaml } = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), 'gatehouse-cli-'));
  try {
    const config = path.join(dir, 'gatehouse.yaml');
    writeFileSync(config, yaml ?? `database:\n  url: "sqlite://${path.join(dir, 'g.db')}"\n`);
    return spawnSync(BIN, [...args, '--config', config], {
      cwd: dir,  // files with default relative paths (the MFA key) land here
      input,
      encoding: 'utf8',
      env: childEnv(env),
      timeout: 20000,
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('--help works for the program and each command', () => {
  for (const args of [['--help'], ['serve', '--help'], ['migrate', '--help'], ['user', 'create', '--help'], ['keys', 'rotate', '--help'], ['config', 'keys', '--help']]) {
    const r = spawnSync(BIN, args, { encoding: 'utf8' });
    assert.equal(r.status, 0, args.join(' '));
    assert.match(r.stdout, /Usage|usage/);
  }
});

test('an unknown configuration key stops start-up and names the key', () => {
  const r = run(['migrate'], { yaml: 'server:\n  prot: 8080\n' });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /unknown configuration key 'server\.prot'/);
});

test('a bad value stops start-up and names the key', () => {
  for (const [yaml, key] of [
    ['server:\n  port: 99999\n', 'server.port'],
    ['server:\n  port: eighty\n', 'server.port'],
    ['tokens:\n  algorithm: RS256\n', 'tokens.algorithm'],
    ['tokens:\n  refresh_reuse_grace_seconds: 61\n', 'tokens.refresh_reuse_grace_seconds'],
    ['tokens:\n  algorithm: HS256\n  hs256_secret: short\n', 'tokens.hs256_secret'],
    ['accounts:\n  require_verified_email: maybe\n', 'accounts.require_verified_email'],
    ['database:\n  url: "mysql://x"\n', 'database.url'],
    ['cors:\n  allowed_origins: "*"\n', 'cors.allowed_origins'],
    ['cors:\n  allowed_origins: "https://app.example.com/login"\n', 'cors.allowed_origins'],
    ['rate_limits:\n  login: "lots"\n', 'rate_limits.login'],
  ]) {
    const r = run(['migrate'], { yaml });
    assert.equal(r.status, 2, yaml);
    assert.match(r.stderr, new RegExp(key.replace('.', '\\.')), yaml);
  }
});

test('config check validates file and variables without starting; config keys lists every key', () => {
  let r = run(['config', 'check']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /configuration is valid/);
  r = run(['config', 'check'], { yaml: 'ui:\n  primary_color: blue\n' });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /ui\.primary_color/);
  r = run(['config', 'check'], { env: { GATEHOUSE_CACHE_TYPE: 'redis', GATEHOUSE_SERVER_INSTANCES: '2' } });
  assert.equal(r.status, 2, 'SQLite with two instances');
  assert.match(r.stderr, /database\.url/);

  // Needs no configuration at all: one Markdown row per key, with its default.
  r = spawnSync(BIN, ['config', 'keys'], { encoding: 'utf8', env: childEnv({ GATEHOUSE_SERVER_PROT: '1' }) });
  assert.equal(r.status, 0, r.stderr);
  const rows = r.stdout.trim().split('\n');
  assert.equal(rows[0], '| key | default | values | meaning |');
  assert.ok(rows.length > 100, `${rows.length} rows`);
  assert.ok(rows.some((row) => row.startsWith('| `server.port` | `8080` | 0–65535 |')));
  assert.ok(rows.some((row) => row.startsWith('| `rate_limits.login` | `30/1m` |')));
});

test('GATEHOUSE_* variables override the file; unknown ones are refused', () => {
  let r = run(['migrate'], { env: { GATEHOUSE_SERVER_PORT: 'x' } });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /server\.port/);
  r = run(['migrate'], { env: { GATEHOUSE_SERVER_PROT: '1' } });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /GATEHOUSE_SERVER_PROT/);
  r = run(['migrate'], { env: { GATEHOUSE_LOG_LEVEL: 'warn' } });
  assert.equal(r.status, 0, r.stderr);
});

test('migrate applies the schema once and records it', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'gatehouse-cli-'));
  try {
    const yaml = `database:\n  url: "sqlite://${path.join(dir, 'g.db')}"\n`;
    const config = path.join(dir, 'gatehouse.yaml');
    writeFileSync(config, yaml);
    const first = spawnSync(BIN, ['migrate', '--config', config], { cwd: dir, encoding: 'utf8' });
    assert.equal(first.status, 0, first.stderr);
    const versions = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17];
    for (const version of versions) assert.match(first.stderr, new RegExp(`applied migration ${version}`));
    const second = spawnSync(BIN, ['migrate', '--config', config], { cwd: dir, encoding: 'utf8' });
    assert.equal(second.status, 0);
    assert.doesNotMatch(second.stderr, /applied migration/);
    const rows = spawnSync('sqlite3', [path.join(dir, 'g.db'), 'SELECT version FROM schema_migrations'], { encoding: 'utf8' });
    assert.equal(rows.stdout.trim(), versions.join('\n'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('user create makes a verified admin who can log in; the role is in the token', async () => {
  const gh = new Gatehouse();
  try {
    const email = uniqueEmail('admin');
    const create = spawnSync(
      BIN,
      ['user', 'create', '--email', email, '--password-stdin', '--role', 'admin', '--name', 'Root', '--config', await writeConfig(gh)],
      { input: 'admin password 123\n', encoding: 'utf8' },
    );
    assert.equal(create.status, 0, create.stderr);
    assert.match(create.stdout.trim(), /^[0-9a-f-]{36}$/);
    assert.ok(!create.stderr.includes('admin password 123'), 'password never logged');
    const again = spawnSync(
      BIN,
      ['user', 'create', '--email', email, '--password-stdin', '--config', gh.configPath],
      { input: 'another strong passphrase\n', encoding: 'utf8' },
    );
    assert.equal(again.status, 1);
    assert.match(again.stderr, /taken/);
    await gh.start();
    const pair = await gh.login(email, 'admin password 123');
    assert.deepEqual(decodeJwt(pair.access_token).payload.roles, ['admin']);
    assert.deepEqual((await gh.get('/v1/me', { token: pair.access_token })).body.roles, ['admin']);
  } finally {
    await gh.stop();
    gh.cleanup();
  }
});

test('user list, show, update, disable, enable, reset-password and delete on the command line', async () => {
  const gh = await new Gatehouse().start();
  const cli = (...args) => spawnSync(BIN, ['user', ...args, '--config', gh.configPath], { encoding: 'utf8', env: childEnv() });
  try {
    const tag = crypto.randomBytes(4).toString('hex');
    const email = `${tag}-cli@example.com`;
    gh.createAdmin(uniqueEmail('root'));  // so that the user below is not the last administrator
    const password = await gh.createVerifiedUser(email);
    const pair = await gh.login(email, password);

    const listed = cli('list', '--query', tag);
    assert.equal(listed.status, 0, listed.stderr);
    const page = JSON.parse(listed.stdout);
    assert.deepEqual(page.users.map((u) => u.email), [email]);
    assert.equal(page.next_cursor, null);
    const id = page.users[0].user_id;
    assert.equal(JSON.parse(cli('show', email).stdout).user_id, id);
    assert.equal(JSON.parse(cli('show', id).stdout).email, email);

    const updated = cli('update', email, '--name', 'Console Person', '--role', 'admin');
    assert.equal(updated.status, 0, updated.stderr);
    assert.deepEqual(JSON.parse(updated.stdout).roles, ['admin']);
    assert.equal(JSON.parse(updated.stdout).name, 'Console Person');
    assert.deepEqual(JSON.parse(cli('list', '--query', 'console pers', '--role', 'admin').stdout).users.map((u) => u.email), [email]);

    const disabled = cli('disable', email);
    assert.equal(disabled.status, 0, disabled.stderr);
    assert.equal(JSON.parse(disabled.stdout).status, 'disabled');
    // The running server refuses the session the command line ended, and the sign-in.
    expectProblem(assert, await gh.get('/v1/me', { token: pair.access_token }), 401, 'token_revoked');
    expectProblem(assert, await gh.post('/v1/auth/login', { email, password }), 403, 'account_disabled');
    assert.deepEqual(JSON.parse(cli('list', '--query', tag, '--status', 'disabled').stdout).users.length, 1);
    assert.equal(JSON.parse(cli('enable', id).stdout).status, 'active');
    await gh.login(email, password);

    const reset = cli('reset-password', email);
    assert.equal(reset.status, 0, reset.stderr);
    assert.match(reset.stdout, /reset link/);

    const refused = [cli('show', 'nobody@example.com'), cli('list', '--limit', '0'), cli('update', 'nobody-at-all'),
      cli('create', '--email', uniqueEmail())];
    for (const r of refused) {
      assert.equal(r.status, 1, r.stdout);
      assert.match(r.stderr, /^cannot /m);
    }
    const deleted = cli('delete', email);
    assert.equal(deleted.status, 0, deleted.stderr);
    assert.match(deleted.stdout, new RegExp(`deleted ${email}`));
    assert.equal(cli('show', id).status, 1);
  } finally {
    await gh.stop();
    gh.cleanup();
  }
});

// Writes the config a Gatehouse would use without starting it (for CLI commands).
async function writeConfig(gh) {
  await gh.start();
  await gh.stop();
  return gh.configPath;
}

test('keys rotate: new tokens use the new key, old tokens keep working, JWKS has both', async () => {
  const gh = await new Gatehouse({ tokens: { key_reload_seconds: 1 } }).start();
  try {
    const email = uniqueEmail();
    const password = await gh.createVerifiedUser(email);
    const before = await gh.login(email, password);
    const oldKid = decodeJwt(before.access_token).header.kid;

    const r = spawnSync(BIN, ['keys', 'rotate', '--config', gh.configPath], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const newKid = r.stdout.match(/new signing key (\S+);/)[1];
    assert.notEqual(newKid, oldKid);

    // The running server picks the rotation up by itself (key_reload_seconds).
    let after;
    for (let i = 0; i < 40; i++) {
      after = await gh.login(email, password);
      if (decodeJwt(after.access_token).header.kid === newKid) break;
      await new Promise((res) => setTimeout(res, 100));
    }
    assert.equal(decodeJwt(after.access_token).header.kid, newKid);
    const keys = (await gh.get('/.well-known/jwks.json')).body.keys;
    const kids = keys.filter((k) => k.alg === 'EdDSA').map((k) => k.kid).sort();
    assert.deepEqual(kids, [oldKid, newKid].sort());
    assert.equal(keys.length, 6, 'every algorithm rotated, the old keys still published');
    assert.equal((await gh.get('/v1/me', { token: before.access_token })).status, 200, 'old key still verifies');
    assert.equal((await gh.post('/v1/auth/refresh', { refresh_token: before.refresh_token })).status, 200);
  } finally {
    await gh.stop();
    gh.cleanup();
  }
});

for (const [algorithm, extra, kty] of [
  ['ES256', {}, 'EC'],
  ['HS256', { hs256_secret: crypto.randomBytes(32).toString('hex') }, null],
]) {
  test(`${algorithm} is selectable and refuses tokens of other algorithms`, async () => {
    const gh = await new Gatehouse({ tokens: { algorithm, ...extra } }).start();
    try {
      const email = uniqueEmail();
      const password = await gh.createVerifiedUser(email);
      const pair = await gh.login(email, password);
      assert.equal(decodeJwt(pair.access_token).header.alg, algorithm);
      assert.equal((await gh.get('/v1/me', { token: pair.access_token })).status, 200);
      const refreshed = await gh.post('/v1/auth/refresh', { refresh_token: pair.refresh_token });
      assert.equal(refreshed.status, 200);
      const keys = (await gh.get('/.well-known/jwks.json')).body.keys;
      const kid = decodeJwt(refreshed.body.access_token).header.kid;
      if (kty) {
        const jwk = keys.find((k) => k.kid === kid);
        assert.equal(jwk.kty, kty);
        assert.equal(jwk.alg, algorithm);
        const key = crypto.createPublicKey({ key: jwk, format: 'jwk' });
        const [h, p, s] = refreshed.body.access_token.split('.');
        assert.ok(crypto.verify('sha256', Buffer.from(`${h}.${p}`), { key, dsaEncoding: 'ieee-p1363' }, Buffer.from(s, 'base64url')));
      } else {
        assert.ok(!keys.some((k) => k.kid === kid || k.kty === 'oct' || k.alg === 'HS256'), 'a shared secret is never published');
        assert.deepEqual(keys.map((k) => k.alg).sort(), ['ES256', 'EdDSA', 'RS256'], 'the ID token keys are');
      }
      // A token claiming another algorithm is refused before any key is used.
      const { header, payload } = decodeJwt(refreshed.body.access_token);
      const enc = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
      const forged = `${enc({ ...header, alg: 'EdDSA' })}.${enc(payload)}.${refreshed.body.access_token.split('.')[2]}`;
      expectProblem(assert, await gh.get('/v1/me', { token: forged }), 401, 'invalid_token');
    } finally {
      await gh.stop();
      gh.cleanup();
    }
  });
}

test('a retired key leaves the JWKS once every token it signed has expired', async () => {
  const gh = await new Gatehouse({
    tokens: {
      key_reload_seconds: 1,
      leeway_seconds: 0,
      access_ttl_seconds: 1,
      refresh_ttl_seconds: 2,
      remember_access_ttl_seconds: 1,
      remember_refresh_ttl_seconds: 2,
    },
  }).start();
  try {
    const oldKids = (await gh.get('/.well-known/jwks.json')).body.keys.map((k) => k.kid);
    const r = spawnSync(BIN, ['keys', 'rotate', '--config', gh.configPath], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const [, first, others] = r.stdout.match(/new signing key (\S+); for the other algorithms ([^;]+);/);
    const newKids = [first, ...others.trim().split(' ')].sort();
    assert.equal(newKids.length, 3);
    let kids = [];
    for (let i = 0; i < 50; i++) {
      kids = (await gh.get('/.well-known/jwks.json')).body.keys.map((k) => k.kid).sort();
      if (kids.length === 3 && !kids.some((kid) => oldKids.includes(kid))) break;
      await new Promise((res) => setTimeout(res, 100));
    }
    assert.deepEqual(kids, newKids, `old keys ${oldKids} should be gone`);
  } finally {
    await gh.stop();
    gh.cleanup();
  }
});

test('the MFA key can come from the configuration instead of a file', async () => {
  const key = crypto.randomBytes(32).toString('base64url');
  const gh = new Gatehouse({ mfa: { secret_key: key, secret_key_file: '/nonexistent/dir/mfa.key' } });
  try {
    await gh.start();
    const email = uniqueEmail('keyed');
    const password = await gh.createVerifiedUser(email);
    const { access_token: token } = await gh.login(email, password);
    assert.equal((await gh.post('/v1/me/mfa/totp', { password }, { token })).status, 200, 'seeds seal with it');
  } finally {
    await gh.stop();
    gh.cleanup();
  }
  const r = run(['serve'], { env: { GATEHOUSE_MFA_SECRET_KEY: key.slice(0, 20) } });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /mfa\.secret_key/);
});

test('several instances with the in-memory cache or SQLite are refused at start-up', () => {
  let r = run(['migrate'], { yaml: 'server:\n  instances: 3\n' });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /cache\.type.*one instance only/);
  r = run(['migrate'], { yaml: 'server:\n  instances: 2\ncache:\n  type: redis\n' });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /database\.url.*SQLite is for one instance only/);
  r = run(['migrate'], { env: { GATEHOUSE_SERVER_INSTANCES: '2', GATEHOUSE_CACHE_TYPE: 'memcached' } });
  assert.equal(r.status, 2, 'SQLite from the file, instances from the environment');
});

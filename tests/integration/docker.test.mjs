// The Docker image and compose file, checked without a Docker engine: the compose file
// validates, its settings are accepted by gatehouse, the runtime stage installs every library
// the binary needs, and the image's user and HEALTHCHECK work.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { OWN_SERVICES, freePort, sleep } from './support.mjs';

const ROOT = path.resolve(import.meta.dirname, '../..');
const BIN = process.env.TEST_GATEHOUSE_BIN;
// The image's binary when scripts/test.sh ran the image build step, else the test build.
const IMAGE_BIN = existsSync(path.join(ROOT, 'build-image/gatehouse')) ? path.join(ROOT, 'build-image/gatehouse') : BIN;

test('compose.yaml is valid, with two instances, PostgreSQL, Redis, maildev and a Memcached profile', OWN_SERVICES, () => {
  const compose = (...args) => execFileSync('docker-compose', ['-f', path.join(ROOT, 'compose.yaml'), ...args], { encoding: 'utf8' });
  compose('config', '-q');
  assert.deepEqual(compose('config', '--services').trim().split('\n').sort(),
    ['gatehouse-1', 'gatehouse-2', 'maildev', 'memcached', 'mfa-key', 'postgres', 'redis']);
  assert.match(compose('config'), /memcached:\n(\s+.*\n)*?\s+profiles:\n\s+- memcached/);
});

test('every GATEHOUSE_* setting in compose.yaml is a valid configuration', OWN_SERVICES, () => {
  const text = readFileSync(path.join(ROOT, 'compose.yaml'), 'utf8');
  const env = Object.fromEntries([...text.matchAll(/^\s+(GATEHOUSE_[A-Z0-9_]+): "([^"]*)"$/gm)].map((m) => [m[1], m[2]]));
  assert.ok(Object.keys(env).length >= 10);
  assert.equal(env.GATEHOUSE_SERVER_INSTANCES, '2');
  // The configuration is accepted (exit 2 would be a configuration error); only the
  // database host, which exists inside compose, cannot be reached from here.
  const r = spawnSync(IMAGE_BIN, ['migrate'], { env: { PATH: process.env.PATH, ...env }, encoding: 'utf8', timeout: 30000 });
  assert.equal(r.status, 1, r.stderr);
  assert.doesNotMatch(r.stderr, /configuration key|unknown environment variable/);
  assert.match(r.stderr, /cannot start/);
});

test('compose\'s mfa-key step makes a key file the server accepts, and keeps an existing one', OWN_SERVICES, () => {
  const text = readFileSync(path.join(ROOT, 'compose.yaml'), 'utf8');
  const command = text.match(/^\s+- (test -s mfa\.key .*)$/m)[1];
  const dir = mkdtempSync(path.join(tmpdir(), 'gatehouse-key-'));
  try {
    execFileSync('sh', ['-c', command], { cwd: dir });
    const key = readFileSync(path.join(dir, 'mfa.key'), 'utf8');
    assert.match(key, /^[A-Za-z0-9_-]{43}$/);
    execFileSync('sh', ['-c', command], { cwd: dir });
    assert.equal(readFileSync(path.join(dir, 'mfa.key'), 'utf8'), key, 'not replaced');
    const env = {
      PATH: process.env.PATH,
      GATEHOUSE_DATABASE_URL: `sqlite://${path.join(dir, 'g.db')}`,
      GATEHOUSE_MFA_SECRET_KEY_FILE: path.join(dir, 'mfa.key'),
    };
    const ok = spawnSync(IMAGE_BIN, ['migrate'], { env, encoding: 'utf8' });
    assert.equal(ok.status, 0, ok.stderr);
    execFileSync('sh', ['-c', 'echo not-a-key > mfa.key'], { cwd: dir });
    const bad = spawnSync(IMAGE_BIN, ['migrate'], { env, encoding: 'utf8' });
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /mfa\.key must hold 32 bytes/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the runtime stage installs a package for every library the binary needs', OWN_SERVICES, () => {
  const steps = path.join(ROOT, 'docker/image-steps.sh');
  const runtime = new Set(execFileSync('bash', [steps, 'runtime-packages'], { encoding: 'utf8' }).trim().split('\n'));
  const base = new Set(['libc6', 'libgcc-s1', 'zlib1g']);  // in debian:bookworm-slim
  const needed = [...execFileSync('readelf', ['-d', IMAGE_BIN], { encoding: 'utf8' }).matchAll(/\(NEEDED\).*\[(.+)\]/g)].map((m) => m[1]);
  const paths = Object.fromEntries(
    [...execFileSync('ldd', [IMAGE_BIN], { encoding: 'utf8' }).matchAll(/^\s*(\S+) => (\S+)/gm)].map((m) => [m[1], m[2]]),
  );
  assert.ok(needed.length >= 10, needed.join(' '));
  for (const lib of needed) {
    assert.ok(paths[lib], `${lib} not found`);
    // Debian 12 merges /lib into /usr/lib; dpkg knows each file under one of the two.
    const candidates = [paths[lib], paths[lib].replace(/^\/usr\/lib\//, '/lib/').replace(/^\/lib\//, '/usr/lib/')];
    const owner = candidates
      .map((file) => spawnSync('dpkg', ['-S', file], { encoding: 'utf8' }))
      .find((r) => r.status === 0)?.stdout.split(':')[0];
    assert.ok(runtime.has(owner) || base.has(owner), `${lib} comes from ${owner}, which the runtime stage does not install`);
  }
});

test('the image user (not root) runs the server and the HEALTHCHECK command passes', OWN_SERVICES, async () => {
  const dockerfile = readFileSync(path.join(ROOT, 'docker/Dockerfile'), 'utf8');
  assert.match(dockerfile, /^USER gatehouse$/m);
  const healthcheck = dockerfile.match(/CMD (curl [^|]+)\|\| exit 1/)[1].trim();
  const dir = mkdtempSync(path.join(tmpdir(), 'gatehouse-image-'));
  chmodSync(dir, 0o777);
  const port = await freePort();
  const proc = spawn('runuser', ['-u', 'nobody', '--', IMAGE_BIN, 'serve'], {
    cwd: dir,  // as the image's WORKDIR: where the MFA key file is made
    env: { PATH: process.env.PATH, GATEHOUSE_SERVER_PORT: String(port), GATEHOUSE_DATABASE_URL: `sqlite://${dir}/gatehouse.db` },
    stdio: 'ignore',
  });
  try {
    const command = healthcheck.replace('127.0.0.1:8080', `127.0.0.1:${port}`).split(' ');
    let ok = false;
    for (let i = 0; i < 100 && !ok; i++) {
      ok = spawnSync(command[0], command.slice(1)).status === 0;
      if (!ok) await sleep(50);
    }
    assert.ok(ok, 'HEALTHCHECK passes');
    assert.equal(execFileSync('stat', ['-c', '%U', `${dir}/gatehouse.db`], { encoding: 'utf8' }).trim(), 'nobody');
    assert.equal(execFileSync('stat', ['-c', '%U %a', `${dir}/gatehouse-mfa.key`], { encoding: 'utf8' }).trim(), 'nobody 600');
  } finally {
    proc.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
});

// Private Redis, Memcached and PostgreSQL servers for tests that stop and restart them
// (the shared ones from scripts/test.sh must stay up for the other tests).
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, chmodSync, chownSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import { freePort, sleep } from './support.mjs';

async function waitFor(check, what) {
  for (let i = 0; i < 100; i++) {
    try {
      if (await check()) return;
    } catch {}
    await sleep(50);
  }
  throw new Error(`${what} did not start`);
}

// A server process that can be stopped and started again on the same port.
class Process {
  constructor(command, args, ready, name) {
    Object.assign(this, { command, args, ready, name });
  }
  async start() {
    this.proc = spawn(this.command, this.args, { stdio: 'ignore' });
    this.exited = new Promise((resolve) => this.proc.on('exit', resolve));
    await waitFor(this.ready, this.name);
    return this;
  }
  async stop() {
    this.proc.kill('SIGKILL');  // a crash, not a polite shutdown
    await this.exited;
  }
}

export async function startRedis() {
  const port = await freePort();
  const redis = new Process(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    () => execFileSync('redis-cli', ['-p', String(port), 'PING'], { encoding: 'utf8' }).includes('PONG'),
    'redis',
  );
  redis.port = port;
  redis.cli = (...args) => execFileSync('redis-cli', ['-p', String(port), ...args], { encoding: 'utf8' });
  return redis.start();
}

export async function startMemcached() {
  const port = await freePort();
  const memcached = new Process(
    'memcached',
    ['-l', '127.0.0.1', '-p', String(port), '-u', 'root'],
    () =>
      new Promise((resolve) => {
        import('node:net').then(({ default: net }) => {
          const s = net.connect(port, '127.0.0.1', () => {
            s.destroy();
            resolve(true);
          });
          s.on('error', () => resolve(false));
        });
      }),
    'memcached',
  );
  memcached.port = port;
  return memcached.start();
}

export function cacheConfig(kind, port) {
  const key_prefix = `gh-${crypto.randomBytes(6).toString('hex')}:`;
  return kind === 'redis'
    ? { type: 'redis', key_prefix, command_timeout_ms: 1000, redis: { port } }
    : { type: 'memcached', key_prefix, command_timeout_ms: 1000, memcached: { servers: `127.0.0.1:${port}` } };
}

// A throw-away PostgreSQL cluster (initdb as the postgres user, which it requires).
export async function startPostgres() {
  const pgBin = execFileSync('sh', ['-c', 'ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1'], { encoding: 'utf8' }).trim();
  const dir = mkdtempSync(path.join(tmpdir(), 'gatehouse-pg-'));
  chmodSync(dir, 0o755);
  const data = path.join(dir, 'data');
  const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }));
  chownSync(dir, uid, -1);
  const asPostgres = (cmd, ...args) => execFileSync('runuser', ['-u', 'postgres', '--', path.join(pgBin, cmd), ...args], { stdio: 'ignore' });
  asPostgres('initdb', '-D', data, '-A', 'trust', '-U', 'gatehouse');
  const port = await freePort();
  const pg = {
    port,
    start: () =>
      asPostgres('pg_ctl', '-D', data, '-l', path.join(data, 'log'), '-w', '-o',
        `-c listen_addresses=127.0.0.1 -p ${port} -c fsync=off -c unix_socket_directories=${data}`, 'start'),
    stop: () => asPostgres('pg_ctl', '-D', data, '-m', 'immediate', '-w', 'stop'),
    createDatabase() {
      const name = `gh_${crypto.randomBytes(6).toString('hex')}`;
      execFileSync('createdb', ['-h', '127.0.0.1', '-p', String(port), '-U', 'gatehouse', name]);
      return `postgresql://gatehouse@127.0.0.1:${port}/${name}`;
    },
    destroy() {
      try {
        pg.stop();
      } catch {}
      rmSync(dir, { recursive: true, force: true });
    },
  };
  pg.start();
  return pg;
}

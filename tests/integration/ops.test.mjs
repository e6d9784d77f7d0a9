// Operations: Prometheus metrics, and logs that never carry a secret.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { Gatehouse, sleep, uniqueEmail, waitForMail } from './support.mjs';

let gh;
before(async () => {
  gh = await new Gatehouse().start();
});
after(async () => {
  await gh.stop();
  gh.cleanup();
});

function metric(text, line) {
  const found = text.split('\n').find((l) => l.startsWith(line + ' '));
  return found === undefined ? undefined : Number(found.slice(line.length + 1));
}

test('GET /metrics counts requests, logins, refreshes and reuse, and reads gauges', async () => {
  const email = uniqueEmail();
  const password = await gh.createVerifiedUser(email);
  const pair = await gh.login(email, password);
  await gh.post('/v1/auth/login', { email, password: 'wrong password!' });
  const rotated = await gh.post('/v1/auth/refresh', { refresh_token: pair.refresh_token });
  assert.equal(rotated.status, 200);
  await gh.post('/v1/auth/refresh', { refresh_token: pair.refresh_token }); // reuse
  await gh.get('/no/such/path');

  const r = await gh.get('/metrics');
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /^text\/plain; version=0\.0\.4/);
  const text = r.body;
  assert.ok(metric(text, 'gatehouse_http_requests_total{route="/v1/auth/login",method="POST",status="200"}') >= 1);
  assert.ok(metric(text, 'gatehouse_http_requests_total{route="/v1/auth/login",method="POST",status="401"}') >= 1);
  assert.ok(metric(text, 'gatehouse_http_requests_total{route="unmatched",method="-",status="404"}') >= 1);
  assert.ok(metric(text, 'gatehouse_http_request_duration_seconds_count{route="/v1/auth/refresh"}') >= 2);
  assert.match(text, /# TYPE gatehouse_http_request_duration_seconds histogram/);
  assert.ok(metric(text, 'gatehouse_logins_total{result="ok"}') >= 1);
  assert.ok(metric(text, 'gatehouse_logins_total{result="failed"}') >= 1);
  assert.ok(metric(text, 'gatehouse_refreshes_total') >= 1);
  assert.ok(metric(text, 'gatehouse_token_reuse_detected_total') >= 1);
  assert.equal(metric(text, 'gatehouse_active_sessions'), Number(gh.sql(`SELECT COUNT(*) FROM sessions`)));
  assert.equal(metric(text, 'gatehouse_password_hash_queue_depth'), 0);
  assert.equal(metric(text, 'gatehouse_database_errors_total'), 0);
  assert.ok(!text.includes(email), 'no personal data in metrics');
});

test('logs never contain a password, a token or a code', async () => {
  const email = uniqueEmail();
  const password = 'a very secret passphrase 42';
  await gh.post('/v1/auth/register', { email, password });
  const mail = await waitForMail(email, (m) => /Confirm/.test(m.subject));
  const code = mail.text.match(/code: (\d{6})/)[1];
  const link = mail.text.match(/token=([A-Za-z0-9_-]+)/)[1];
  await gh.post('/v1/auth/verify-email', { email, code: code === '000000' ? '111111' : '000000' });
  await gh.post('/v1/auth/verify-email', { token: link });
  const pair = await gh.login(email, password);
  await gh.post('/v1/auth/login', { email, password: password + 'x' });
  const next = (await gh.post('/v1/auth/refresh', { refresh_token: pair.refresh_token })).body;
  await gh.post('/v1/auth/refresh', { refresh_token: pair.refresh_token });
  await gh.get('/v1/me', { token: next.access_token });
  await gh.get('/v1/me', { token: 'not.a.token' });
  for (const secret of [password, code, link, pair.access_token, pair.refresh_token, next.access_token]) {
    assert.ok(!gh.logs.includes(secret), `a secret leaked into the logs: ${secret.slice(0, 12)}…`);
  }
  // Structured access log: one JSON line per request, with the request id. The line is
  // written after the response, so wait for it.
  const rejected = () =>
    gh.logs.split('\n').filter((l) => l.includes('"event":"request"') && l.includes('"path":"/v1/me","status":401'));
  for (let i = 0; i < 40 && rejected().length === 0; i++) await sleep(50);
  const line = rejected().at(-1);
  assert.ok(line, 'the rejected /v1/me request was logged');
  assert.ok(gh.logs.split('\n').filter((l) => l.includes('"event":"request"')).length >= 8);
  const entry = JSON.parse(line.slice(line.indexOf('{')));
  assert.equal(entry.path, '/v1/me');
  assert.equal(entry.status, 401);
  assert.match(entry.request_id, /^[A-Za-z0-9_-]+$/);
});

test('GET /openapi.json documents exactly the routes the server serves', async () => {
  const r = await gh.get('/openapi.json');
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /application\/json/);
  assert.equal(r.body.openapi, '3.1.0');
  const documented = Object.entries(r.body.paths)
    .flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`))
    .sort();
  const served = execFileSync(process.env.TEST_GATEHOUSE_BIN, ['routes', '--config', gh.configPath], { encoding: 'utf8' })
    .trim().split('\n').sort();
  assert.deepEqual(documented, served);
  for (const [p, ops] of Object.entries(r.body.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      assert.ok(op.summary, `${method} ${p} has a summary`);
      assert.ok(op.responses, `${method} ${p} has responses`);
    }
  }
  // Every $ref points at something that exists.
  const text = JSON.stringify(r.body);
  for (const [, ref] of text.matchAll(/"\$ref":"#\/([^"]+)"/g)) {
    const target = ref.split('/').reduce((node, key) => node?.[key], r.body);
    assert.ok(target, `dangling $ref #/${ref}`);
  }
});

// Webhooks: administrators register endpoints for event types; each event is delivered
// through the outbox, signed as the Standard Webhooks specification says — verified here by
// npm standardwebhooks in a local receiver, as a receiving app would — retried with backoff,
// and logged per endpoint. Only https URLs unless the host is loopback, and no connection to
// an address that is not public unless webhooks.allowed_networks allows it (SSRF).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { Webhook } from 'standardwebhooks';
import { Gatehouse, decodeJwt, expectProblem, sleep, uniqueEmail } from './support.mjs';

const ADMIN_PASSWORD = 'quiet lantern over the harbour';
const PASSWORD = 'a long and quiet password';
// Retries after 1, 2 and 4 s: the fourth attempt is the last.
const WEBHOOKS = { allowed_networks: '127.0.0.0/8, ::1/128', retry_base_seconds: 1, max_attempts: 4 };

let gh, admin, adminId, receiver;

// An HTTP server that records each request by path and answers what `plan[path]` says: a
// list of statuses to answer in turn (the last one repeats), 204 by default.
async function startReceiver() {
  const got = {};
  const plan = {};
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      const seen = (got[req.url] ??= []);
      const statuses = plan[req.url] ?? [204];
      const status = statuses[Math.min(seen.length, statuses.length - 1)];
      seen.push({ headers: req.headers, body, status, at: Date.now() });
      res.writeHead(status).end();
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = (path) => `http://127.0.0.1:${server.address().port}${path}`;
  return { got, plan, url, close: () => new Promise((resolve) => server.close(resolve)) };
}

before(async () => {
  receiver = await startReceiver();
  gh = await new Gatehouse({ webhooks: WEBHOOKS }).start();
  const email = uniqueEmail('root');
  gh.createAdmin(email, ADMIN_PASSWORD);
  admin = (await gh.login(email, ADMIN_PASSWORD)).access_token;
  adminId = decodeJwt(admin).payload.sub;
});
after(async () => {
  await gh.stop();
  gh.cleanup();
  await receiver.close();
});

const as = (token) => ({ token });
const del = (path, token = admin) => gh.request('DELETE', path, { token });
let paths = 0;
const newPath = () => `/hook-${++paths}`;

async function register(events, path = newPath(), extra = {}) {
  const r = await gh.post('/v1/webhooks', { url: receiver.url(path), events, ...extra }, as(admin));
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return { ...r.body, path };
}

// Waits (up to `ms`) until `check()` is truthy; returns its value.
async function until(check, ms = 15000) {
  const end = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > end) assert.fail(`timed out waiting for ${check}`);
    await sleep(50);
  }
}

// The requests the receiver got at `path` carrying an event of `type`.
const received = (path, type) => (receiver.got[path] ?? []).filter((r) => JSON.parse(r.body).type === type);
const deliveries = async (webhook) => (await gh.get(`/v1/webhooks/${webhook.webhook_id}/deliveries`, as(admin))).body.deliveries;

async function madeUser(email = uniqueEmail('member')) {
  const r = await gh.post('/v1/users', { email, name: 'Ada', password: PASSWORD }, as(admin));
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return { id: r.body.user_id, email };
}

test('an administrator registers an endpoint, sees its secret once, lists, reads and deletes it', async () => {
  const before = Math.floor(Date.now() / 1000);
  const r = await gh.post(
    '/v1/webhooks',
    { url: receiver.url('/crud'), events: ['user.created', 'sign_in.failed', 'user.created'], description: 'CRM sync' },
    as(admin),
  );
  assert.equal(r.status, 201, JSON.stringify(r.body));
  assert.match(r.body.secret, /^whsec_[A-Za-z0-9+/]{32}$/);
  assert.deepEqual(r.body.events, ['user.created', 'sign_in.failed'], 'a type asked twice is kept once');
  assert.equal(r.body.description, 'CRM sync');
  assert.equal(r.body.created_by, adminId);
  assert.ok(Date.parse(r.body.created_at) / 1000 >= before - 1);
  assert.equal(r.headers.get('location'), `/v1/webhooks/${r.body.webhook_id}`);
  assert.doesNotMatch(gh.sql(`SELECT secret_sealed FROM webhooks WHERE id = '${r.body.webhook_id}'`), /whsec_/, 'sealed at rest');

  const { secret, ...shown } = r.body;
  const listed = await gh.get('/v1/webhooks', as(admin));
  assert.equal(listed.status, 200);
  assert.deepEqual(listed.body.webhooks.find((w) => w.webhook_id === shown.webhook_id), shown, 'no secret in the list');
  assert.deepEqual((await gh.get(`/v1/webhooks/${shown.webhook_id}`, as(admin))).body, shown);

  assert.equal((await del(`/v1/webhooks/${shown.webhook_id}`)).status, 204);
  expectProblem(assert, await gh.get(`/v1/webhooks/${shown.webhook_id}`, as(admin)), 404, 'not_found');
  expectProblem(assert, await del(`/v1/webhooks/${shown.webhook_id}`), 404, 'not_found');
  expectProblem(assert, await gh.get(`/v1/webhooks/${shown.webhook_id}/deliveries`, as(admin)), 404, 'not_found');

  const log = await gh.get(`/v1/events?type=webhook.created`, as(admin));
  const created = log.body.events.find((e) => e.detail.webhook_id === shown.webhook_id);
  assert.equal(created.actor_id, adminId);
  assert.equal(created.detail.url, receiver.url('/crud'));
  await until(async () => (await gh.get(`/v1/events?type=webhook.deleted`, as(admin))).body.events.some((e) => e.detail.webhook_id === shown.webhook_id));
});

test('a delivery is signed as Standard Webhooks says: npm standardwebhooks verifies it, and only with the right secret', async () => {
  const hook = await register(['user.created']);
  const user = await madeUser();
  const [request] = await until(() => received(hook.path, 'user.created').length && received(hook.path, 'user.created'));
  assert.equal(request.headers['content-type'], 'application/json');
  const payload = new Webhook(hook.secret).verify(request.body, request.headers);
  assert.equal(payload.type, 'user.created');
  assert.ok(Math.abs(Date.parse(payload.timestamp) - Date.now()) < 60000, payload.timestamp);
  assert.equal(payload.data.type, 'user.created');
  assert.equal(payload.data.user_id, user.id);
  assert.equal(payload.data.actor_id, adminId);
  assert.match(payload.data.event_id, /^[A-Za-z0-9_-]+$/);

  // What a forger or a replay would need: the secret, this body, this id and this time.
  const other = new Webhook('whsec_' + Buffer.alloc(24, 7).toString('base64'));
  assert.throws(() => other.verify(request.body, request.headers), /No matching signature/);
  const tampered = request.body.replace(user.id, 'someone-else');
  assert.throws(() => new Webhook(hook.secret).verify(tampered, request.headers), /No matching signature/);
  const otherId = { ...request.headers, 'webhook-id': 'msg_other' };
  assert.throws(() => new Webhook(hook.secret).verify(request.body, otherId), /No matching signature/);

  const [logged] = await until(async () => {
    const log = await deliveries(hook);
    return log.length === 1 && log[0].status === 'delivered' && log;
  });
  assert.equal(logged.delivery_id, request.headers['webhook-id'], 'the webhook-id is the delivery id');
  assert.equal(logged.event_id, payload.data.event_id);
  assert.equal(logged.type, 'user.created');
  assert.equal(logged.attempts, 1);
  assert.equal(logged.last_response_status, 204);
  assert.equal(logged.last_error, null);
  assert.deepEqual(logged.payload, payload);
  assert.ok(logged.delivered_at);
  // Other event types are not sent to it.
  const failed = await gh.post('/v1/auth/login', { email: user.email, password: 'not the password at all' });
  assert.equal(failed.status, 401);
  await sleep(300);
  assert.deepEqual(Object.keys(receiver.got[hook.path].reduce((t, r) => ({ ...t, [JSON.parse(r.body).type]: 1 }), {})), ['user.created']);
});

test('a receiver that fails three times and then answers 2xx gets the event, the same message each time, and it is delivered once', async () => {
  const path = newPath();
  receiver.plan[path] = [503, 500, 429, 200];
  const hook = await register(['user.created'], path);
  await madeUser();
  await until(() => received(path, 'user.created').some((r) => r.status === 200));
  await sleep(2500);  // a retry that should not come would come within this
  const attempts = received(path, 'user.created');
  assert.deepEqual(attempts.map((r) => r.status), [503, 500, 429, 200]);
  assert.equal(new Set(attempts.map((r) => r.headers['webhook-id'])).size, 1, 'one message id for every attempt');
  assert.equal(new Set(attempts.map((r) => r.body)).size, 1, 'the same body each time');
  for (const r of attempts) new Webhook(hook.secret).verify(r.body, r.headers);  // each signed for its own time
  const gaps = attempts.slice(1).map((r, i) => r.at - attempts[i].at);
  assert.ok(gaps[0] >= 900 && gaps[1] >= 1900 && gaps[2] >= 3900, `backoff doubles: ${gaps}`);
  const [logged] = await deliveries(hook);
  assert.equal(logged.status, 'delivered');
  assert.equal(logged.attempts, 4);
  assert.equal(logged.last_response_status, 200);
  assert.equal(gh.sql(`SELECT COUNT(*) FROM outbox WHERE recipient = '${logged.delivery_id}'`), '0');
});

test('a receiver that keeps failing is given up on after webhooks.max_attempts, and the log says why', async () => {
  const path = newPath();
  receiver.plan[path] = [500];
  const hook = await register(['user.created'], path);
  await madeUser();
  const [logged] = await until(async () => {
    const log = await deliveries(hook);
    return log.length === 1 && log[0].status === 'failed' && log;
  });
  assert.equal(logged.attempts, 4);
  assert.equal(logged.last_response_status, 500);
  assert.match(logged.last_error, /500/);
  assert.equal(logged.delivered_at, null);
  assert.equal(received(path, 'user.created').length, 4);

  // Once the receiver is back, the administrator sends it again.
  receiver.plan[path] = [200];
  const retry = (hookId, id) => gh.post(`/v1/webhooks/${hookId}/deliveries/${id}/retry`, {}, as(admin));
  const again = await retry(hook.webhook_id, logged.delivery_id);
  assert.equal(again.status, 202, JSON.stringify(again.body));
  assert.equal(again.body.status, 'pending');
  const [delivered] = await until(async () => {
    const log = await deliveries(hook);
    return log[0].status === 'delivered' && log;
  });
  assert.equal(delivered.attempts, 5);
  assert.equal(received(path, 'user.created').at(-1).headers['webhook-id'], logged.delivery_id);
  expectProblem(assert, await retry(hook.webhook_id, logged.delivery_id), 409, 'conflict');
  expectProblem(assert, await retry(hook.webhook_id, 'no-such-delivery'), 404, 'not_found');
  const other = await register(['user.created']);
  expectProblem(assert, await retry(other.webhook_id, logged.delivery_id), 404, 'not_found');
  await del(`/v1/webhooks/${other.webhook_id}`);
});

test('"*" gets every event; a deleted account is told by user.deleted and account.deleted, and nothing personal of it stays', async () => {
  const all = await register(['*']);
  const deletions = await register(['user.deleted']);
  const email = uniqueEmail('erased');
  const user = await madeUser(email);
  const session = await gh.login(email, PASSWORD);
  await until(() => received(all.path, 'sign_in.succeeded').length);
  const r = await gh.request('DELETE', '/v1/me', { json: { password: PASSWORD }, token: session.access_token });
  assert.equal(r.status, 204, JSON.stringify(r.body));

  const [gone] = await until(() => received(deletions.path, 'user.deleted').length && received(deletions.path, 'user.deleted'));
  const payload = new Webhook(deletions.secret).verify(gone.body, gone.headers);
  assert.equal(payload.data.user_id, user.id);
  assert.equal(payload.data.type, 'account.deleted');
  assert.equal(payload.data.detail.via, 'self');
  await until(() => received(all.path, 'account.deleted').length && received(all.path, 'user.deleted').length);
  for (const type of ['user.created', 'sign_in.succeeded']) assert.equal(received(all.path, type).length >= 1, true, type);
  assert.equal(received(deletions.path, 'user.created').length, 0, 'only what it asked for');

  // The deliveries about the account went with it; those of its deletion carry no address.
  const rows = gh.sql(`SELECT event_type, COALESCE(user_id, '-') FROM webhook_deliveries WHERE payload LIKE '%${user.id}%' ORDER BY event_type`);
  assert.deepEqual(rows.split('\n').sort(), ['account.deleted|-', 'user.deleted|-', 'user.deleted|-'].sort());
  assert.equal(gh.sql(`SELECT COUNT(*) FROM webhook_deliveries WHERE payload LIKE '%${email}%'`), '0');
});

test('endpoints must be https unless the host is loopback, and literal addresses must be public or allowed', async () => {
  const plain = await new Gatehouse().start();  // webhooks.allowed_networks empty
  try {
    const email = uniqueEmail('root');
    plain.createAdmin(email, ADMIN_PASSWORD);
    const token = (await plain.login(email, ADMIN_PASSWORD)).access_token;
    const urls = [
      'http://hooks.example.com/in',  // not https, not loopback
      'http://127.0.0.1:9/in',  // loopback, not allowed here
      'http://[::1]:9/in',
      'https://10.1.2.3/in',  // private
      'https://192.168.0.10/in',
      'https://169.254.169.254/latest/meta-data',  // link-local: cloud metadata
      'https://[fe80::1]/in',
      'https://[fd00::1]/in',  // unique local
      'https://[::ffff:10.0.0.1]/in',  // v4-mapped private
      'https://0.0.0.0/in',
      'https://user:pw@hooks.example.com/in',
      'ftp://hooks.example.com/in',
      '/relative',
      'https://hooks.example.com/' + 'a'.repeat(2000),
    ];
    for (const url of urls) {
      expectProblem(assert, await plain.post('/v1/webhooks', { url, events: ['*'] }, as(token)), 422, 'validation_failed');
    }
    assert.equal(plain.sql('SELECT COUNT(*) FROM webhooks'), '0');
    assert.equal((await plain.post('/v1/webhooks', { url: 'https://hooks.example.com/in', events: ['*'] }, as(token))).status, 201);

    // A name is judged by what it resolves to, when each delivery connects: localhost and the
    // numeric forms inet_aton reads (2130706433 is 127.0.0.1) never reach the receiver.
    const path = newPath();
    const named = [];
    for (const url of [`http://localhost:${new URL(receiver.url(path)).port}${path}`, `https://2130706433:${new URL(receiver.url(path)).port}${path}`]) {
      const r = await plain.post('/v1/webhooks', { url, events: ['user.created'] }, as(token));
      assert.equal(r.status, 201, JSON.stringify(r.body));
      named.push(r.body);
    }
    assert.equal((await plain.post('/v1/users', { email: uniqueEmail('member'), password: PASSWORD }, as(token))).status, 201);
    for (const hook of named) {
      const [logged] = await until(async () => {
        const log = (await plain.get(`/v1/webhooks/${hook.webhook_id}/deliveries`, as(token))).body.deliveries;
        return log.length === 1 && log[0].attempts >= 1 && log;
      });
      assert.match(logged.last_error, /no address of .* is allowed/);
      assert.equal(logged.last_response_status, null);
    }
    assert.equal(receiver.got[path], undefined, 'the receiver was never reached');
  } finally {
    await plain.stop();
    plain.cleanup();
  }
});

test('bad input changes nothing and gets problem+json; only administrators may use webhooks', async () => {
  const count = () => gh.sql('SELECT COUNT(*) FROM webhooks');
  const before = count();
  const url = receiver.url('/bad');
  for (const json of [
    {},
    { events: ['*'] },
    { url, events: [] },
    { url, events: ['user.exploded'] },
    { url, events: 'user.created' },
    { url, events: [7] },
    { url: 42, events: ['*'] },
    { url, events: ['*'], description: 'x'.repeat(201) },
    { url, events: ['*'], description: 5 },
    { url, events: Array(65).fill('*') },
  ]) {
    expectProblem(assert, await gh.post('/v1/webhooks', json, as(admin)), 422, 'validation_failed');
  }
  const malformed = await gh.request('POST', '/v1/webhooks', { body: '{"url": ', token: admin, headers: { 'content-type': 'application/json' } });
  assert.equal(malformed.status, 400, JSON.stringify(malformed.body));
  assert.equal(count(), before);

  const hook = await register(['*']);
  for (const query of ['limit=0', 'limit=201', 'limit=ten', 'cursor=%zz', "cursor=x'or'1", `cursor=${'a'.repeat(65)}`]) {
    expectProblem(assert, await gh.get(`/v1/webhooks/${hook.webhook_id}/deliveries?${query}`, as(admin)), 422, 'validation_failed');
  }
  expectProblem(assert, await gh.get('/v1/webhooks/no-such-webhook/deliveries', as(admin)), 404, 'not_found');

  const email = uniqueEmail('member');
  await madeUser(email);
  const member = (await gh.login(email, PASSWORD)).access_token;
  for (const [method, path, json] of [
    ['POST', '/v1/webhooks', { url, events: ['*'] }],
    ['GET', '/v1/webhooks'],
    ['GET', `/v1/webhooks/${hook.webhook_id}`],
    ['DELETE', `/v1/webhooks/${hook.webhook_id}`],
    ['GET', `/v1/webhooks/${hook.webhook_id}/deliveries`],
    ['POST', `/v1/webhooks/${hook.webhook_id}/deliveries/any/retry`, {}],
  ]) {
    expectProblem(assert, await gh.request(method, path, { json, token: member }), 403, 'forbidden');
    expectProblem(assert, await gh.request(method, path, { json }), 401, 'invalid_token');
  }
  assert.equal((await gh.get(`/v1/webhooks/${hook.webhook_id}`, as(admin))).status, 200, 'still there');
});

test('the delivery log pages newest first; deleting an endpoint takes its deliveries and pending attempts', async () => {
  const path = newPath();
  receiver.plan[path] = [500];
  const hook = await register(['user.created'], path);
  const made = [];
  for (let i = 0; i < 3; i++) made.push((await madeUser()).id);
  const about = (log) => log.filter((d) => made.includes(d.payload.data.user_id));
  await until(async () => about(await deliveries(hook)).length === 3);
  // Page by two (an event stored just after the endpoint was made, though it happened
  // before, may be there too).
  const pages = [];
  for (let cursor = ''; ; ) {
    const page = await gh.get(`/v1/webhooks/${hook.webhook_id}/deliveries?limit=2${cursor && `&cursor=${cursor}`}`, as(admin));
    assert.equal(page.status, 200);
    assert.ok(page.body.deliveries.length <= 2);
    pages.push(page.body.deliveries);
    if (page.body.next_cursor === null) break;
    assert.equal(page.body.deliveries.length, 2, 'only a full page has a next one');
    cursor = page.body.next_cursor;
  }
  assert.ok(pages.length >= 2);
  const listed = pages.flat();
  assert.deepEqual(about(listed).map((d) => d.payload.data.user_id), [...made].reverse(), 'newest first');
  const ids = listed.map((d) => d.delivery_id);
  assert.deepEqual([...ids].sort().reverse(), ids);

  assert.equal((await del(`/v1/webhooks/${hook.webhook_id}`)).status, 204);
  assert.equal(gh.sql(`SELECT COUNT(*) FROM webhook_deliveries WHERE webhook_id = '${hook.webhook_id}'`), '0');
  const sent = received(path, 'user.created').length;
  await sleep(4500);  // the retries that were due
  assert.equal(received(path, 'user.created').length, sent, 'no attempt after the endpoint is gone');
});

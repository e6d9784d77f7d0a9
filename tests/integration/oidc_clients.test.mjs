// OpenID Connect clients: registered by administrators through /v1/clients and the command
// line; secrets shown once and stored as their SHA-256.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import { Gatehouse, childEnv, expectProblem, uniqueEmail } from './support.mjs';

const BIN = process.env.TEST_GATEHOUSE_BIN;
let gh, admin, user;

before(async () => {
  gh = await new Gatehouse().start();
  const adminEmail = uniqueEmail('admin');
  admin = await gh.login(adminEmail, gh.createAdmin(adminEmail));
  const email = uniqueEmail();
  user = await gh.login(email, await gh.createVerifiedUser(email));
});

after(async () => {
  await gh.stop();
  gh.cleanup();
});

const create = (json, token = admin.access_token) => gh.post('/v1/clients', json, { token });
const clientCount = () => Number(gh.sql('SELECT COUNT(*) FROM oauth_clients'));

function cli(...args) {
  return spawnSync(BIN, ['client', ...args, '--config', gh.configPath], { encoding: 'utf8', env: childEnv() });
}

test('an administrator registers a confidential client; the secret is shown once and kept hashed', async () => {
  const r = await create({
    name: 'Grafana',
    redirect_uris: ['https://grafana.example.com/login/generic_oauth'],
    post_logout_redirect_uris: ['https://grafana.example.com/'],
    backchannel_logout_uri: 'https://grafana.example.com/logout/backchannel',
  });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  const { client_id, client_secret } = r.body;
  assert.match(client_id, /^[A-Za-z0-9_-]{22}$/);
  assert.match(client_secret, /^[A-Za-z0-9_-]{43}$/);
  assert.equal(r.headers.get('location'), `/v1/clients/${client_id}`);
  assert.deepEqual(r.body.grant_types, ['authorization_code', 'refresh_token']);
  assert.equal(r.body.token_endpoint_auth_method, 'client_secret_basic');
  assert.equal(r.body.id_token_signed_response_alg, 'RS256');
  assert.equal(r.body.public, false);
  assert.equal(r.body.first_party, false);

  const stored = gh.sql(`SELECT secret_hash FROM oauth_clients WHERE id = '${client_id}'`);
  assert.equal(stored, crypto.createHash('sha256').update(client_secret).digest('hex'));
  assert.ok(!gh.sql('SELECT * FROM oauth_clients').includes(client_secret));

  const one = await gh.get(`/v1/clients/${client_id}`, { token: admin.access_token });
  assert.equal(one.status, 200);
  assert.equal(one.body.name, 'Grafana');
  assert.equal(one.body.client_secret, undefined, 'never shown again');
  assert.equal(one.body.backchannel_logout_uri, 'https://grafana.example.com/logout/backchannel');
  const list = await gh.get('/v1/clients', { token: admin.access_token });
  assert.ok(list.body.clients.some((c) => c.client_id === client_id));
  assert.ok(list.body.clients.every((c) => c.client_secret === undefined && c.secret_hash === undefined));

  assert.equal((await gh.request('DELETE', `/v1/clients/${client_id}`, { token: admin.access_token })).status, 204);
  expectProblem(assert, await gh.request('DELETE', `/v1/clients/${client_id}`, { token: admin.access_token }), 404, 'not_found');
  expectProblem(assert, await gh.get(`/v1/clients/${client_id}`, { token: admin.access_token }), 404, 'not_found');
});

test('a public client has no secret; first-party and another ID token algorithm are kept', async () => {
  const r = await create({
    name: 'Single-page app',
    public: true,
    first_party: true,
    redirect_uris: ['https://app.example.com/callback', 'http://127.0.0.1/callback'],
    id_token_signed_response_alg: 'EdDSA',
  });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  assert.equal(r.body.client_secret, undefined);
  assert.equal(r.body.public, true);
  assert.equal(r.body.first_party, true);
  assert.equal(r.body.token_endpoint_auth_method, 'none');
  assert.equal(r.body.id_token_signed_response_alg, 'EdDSA');
  assert.equal(gh.sql(`SELECT COUNT(*) FROM oauth_clients WHERE id = '${r.body.client_id}' AND secret_hash IS NULL`), '1');
});

test('only administrators manage clients', async () => {
  const json = { name: 'X', redirect_uris: ['https://x.example/cb'] };
  expectProblem(assert, await create(json, user.access_token), 403, 'forbidden');
  expectProblem(assert, await create(json, null), 401, 'invalid_token');
  expectProblem(assert, await gh.get('/v1/clients', { token: user.access_token }), 403, 'forbidden');
  expectProblem(assert, await gh.request('DELETE', '/v1/clients/abc', { token: user.access_token }), 403, 'forbidden');
});

test('bad registrations are refused with the field named, and store nothing', async () => {
  const before = clientCount();
  const good = { name: 'App', redirect_uris: ['https://app.example.com/cb'] };
  for (const [json, field] of [
    [{ redirect_uris: good.redirect_uris }, 'name'],
    [{ ...good, name: '' }, 'name'],
    [{ ...good, name: 42 }, 'name'],
    [{ ...good, name: 'x'.repeat(101) }, 'name'],
    [{ ...good, redirect_uris: 'https://app.example.com/cb' }, 'redirect_uris'],
    [{ ...good, redirect_uris: [42] }, 'redirect_uris'],
    [{ ...good, redirect_uris: [] }, 'redirect_uris'],
    [{ ...good, redirect_uris: ['http://app.example.com/cb'] }, 'redirect_uris'],
    [{ ...good, redirect_uris: ['https://app.example.com/cb#x'] }, 'redirect_uris'],
    [{ ...good, redirect_uris: ['https://u:p@app.example.com/cb'] }, 'redirect_uris'],
    [{ ...good, redirect_uris: ['javascript:alert(1)'] }, 'redirect_uris'],
    [{ ...good, redirect_uris: ['/cb'] }, 'redirect_uris'],
    [{ ...good, redirect_uris: Array.from({ length: 21 }, (_, i) => `https://app.example.com/${i}`) }, 'redirect_uris'],
    [{ ...good, redirect_uris: ['https://app.example.com/' + 'a'.repeat(3000)] }, 'redirect_uris'],
    [{ ...good, post_logout_redirect_uris: ['data:text/html,x'] }, 'post_logout_redirect_uris'],
    [{ ...good, backchannel_logout_uri: 'https://app.example.com/bc#x' }, 'backchannel_logout_uri'],
    [{ ...good, backchannel_logout_uri: ['https://app.example.com/bc'] }, 'backchannel_logout_uri'],
    [{ ...good, grant_types: ['implicit'] }, 'grant_types'],
    [{ ...good, grant_types: ['password'] }, 'grant_types'],
    [{ ...good, grant_types: [] }, 'grant_types'],
    [{ ...good, grant_types: ['client_credentials'], public: true }, 'grant_types'],
    [{ ...good, public: 'yes' }, 'public'],
    [{ ...good, first_party: 1 }, 'first_party'],
    [{ ...good, id_token_signed_response_alg: 'none' }, 'id_token_signed_response_alg'],
    [{ ...good, id_token_signed_response_alg: 'HS256' }, 'id_token_signed_response_alg'],
  ]) {
    const r = await create(json);
    assert.equal(r.status, 422, JSON.stringify(json).slice(0, 200));
    expectProblem(assert, r, 422, 'validation_failed');
    assert.match(r.body.detail, new RegExp(`'${field}'`), JSON.stringify(json).slice(0, 200));
  }
  for (const body of ['', '{', '[]', 'null', '"x"']) {
    const r = await gh.request('POST', '/v1/clients', { body, token: admin.access_token, headers: { 'content-type': 'application/json' } });
    assert.ok([400, 422].includes(r.status), `${body}: ${r.status}`);
  }
  assert.equal(clientCount(), before);
});

test('the command line creates, lists and deletes clients', async () => {
  let r = cli('create', '--name', 'Nextcloud', '--redirect-uri', 'https://cloud.example.com/apps/oidc/redirect',
    '--redirect-uri', 'https://cloud.example.com/other', '--first-party',
    '--post-logout-redirect-uri', 'https://cloud.example.com/', '--backchannel-logout-uri', 'http://nextcloud:8080/bc');
  assert.equal(r.status, 0, r.stderr);
  const web = JSON.parse(r.stdout);
  assert.match(web.client_secret, /^[A-Za-z0-9_-]{43}$/);
  assert.deepEqual(web.redirect_uris, ['https://cloud.example.com/apps/oidc/redirect', 'https://cloud.example.com/other']);
  assert.equal(web.first_party, true);

  r = cli('create', '--name', 'CLI tool', '--public', '--redirect-uri', 'http://127.0.0.1/callback');
  assert.equal(r.status, 0, r.stderr);
  const native = JSON.parse(r.stdout);
  assert.equal(native.client_secret, undefined);

  r = cli('create', '--name', 'Billing job', '--grant', 'client_credentials');
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout).grant_types, ['client_credentials']);

  r = cli('create', '--name', 'Bad', '--redirect-uri', 'http://evil.example/cb');
  assert.equal(r.status, 1);
  assert.match(r.stderr, /'redirect_uris' must use https/);
  r = cli('create', '--redirect-uri', 'https://x.example/cb');
  assert.notEqual(r.status, 0, 'the name is required');

  r = cli('list');
  assert.equal(r.status, 0, r.stderr);
  const listed = JSON.parse(r.stdout).map((c) => c.client_id);
  assert.ok(listed.includes(web.client_id) && listed.includes(native.client_id));
  assert.ok(!r.stdout.includes(web.client_secret));
  // The running server sees what the command line registered.
  const api = await gh.get(`/v1/clients/${web.client_id}`, { token: admin.access_token });
  assert.equal(api.body.name, 'Nextcloud');

  r = cli('delete', web.client_id);
  assert.equal(r.status, 0, r.stderr);
  r = cli('delete', web.client_id);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /no such client/);
});

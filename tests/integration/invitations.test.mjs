// Invitations (administrators only) and roles, with e-mails read back from maildev.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Gatehouse, decodeJwt, expectProblem, sleep, uniqueEmail, waitForMail } from './support.mjs';

let gh, admin, user;
const PASSWORD = 'purple elephant dances quietly';
const isInvitation = (m) => /invited/.test(m.subject);
const inviteToken = (mail) => mail.text.match(/accept-invitation\?token=([A-Za-z0-9_-]{43})/)[1];

before(async () => {
  gh = await new Gatehouse().start();
  const adminEmail = uniqueEmail('admin');
  admin = await gh.login(adminEmail, gh.createAdmin(adminEmail, undefined, '<script>alert(1)</script>'));
  const userEmail = uniqueEmail('plain');
  user = await gh.login(userEmail, await gh.createVerifiedUser(userEmail));
});
after(async () => {
  await gh.stop();
  gh.cleanup();
});

const invite = (json, token = admin.access_token) => gh.post('/v1/invitations', json, { token });
const invitationRows = () => gh.sql('SELECT COUNT(*) FROM invitations');

async function invited(role) {
  const email = uniqueEmail('invitee');
  const r = await invite(role ? { email, role } : { email });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return { email, id: r.body.invitation_id, token: inviteToken(await waitForMail(email, isInvitation)) };
}

test('only administrators can invite, list and revoke', async () => {
  const rows = invitationRows();
  expectProblem(assert, await invite({ email: uniqueEmail() }, user.access_token), 403, 'forbidden');
  expectProblem(assert, await gh.get('/v1/invitations', { token: user.access_token }), 403, 'forbidden');
  expectProblem(assert, await gh.request('DELETE', '/v1/invitations/x', { token: user.access_token }), 403, 'forbidden');
  expectProblem(assert, await gh.post('/v1/invitations', { email: uniqueEmail() }), 401, 'invalid_token');
  expectProblem(assert, await gh.get('/v1/invitations'), 401, 'invalid_token');
  assert.equal(invitationRows(), rows, 'nothing was created');
  assert.deepEqual(decodeJwt(user.access_token).payload.roles, ['user']);
  assert.deepEqual(decodeJwt(admin.access_token).payload.roles, ['admin']);
});

test('an invitation e-mails a 7-day link; accepting it makes a verified user with the role and signs in', async () => {
  const email = uniqueEmail('invitee');
  const r = await invite({ email });
  assert.equal(r.status, 201);
  assert.equal(r.body.email, email);
  assert.equal(r.body.role, 'user');
  const days = (Date.parse(r.body.expires_at) - Date.now()) / 86400e3;
  assert.ok(days > 6.99 && days <= 7, `expires in ${days} days`);
  const listed = await gh.get('/v1/invitations', { token: admin.access_token });
  assert.ok(listed.body.invitations.some((i) => i.invitation_id === r.body.invitation_id && i.email === email));

  const mail = await waitForMail(email, isInvitation);
  assert.ok(mail.text.includes(`${gh.url}/accept-invitation?token=`), 'links come from public_url');
  const token = inviteToken(mail);
  const accepted = await gh.post('/v1/invitations/accept', { token, password: PASSWORD, name: 'Grace' });
  assert.equal(accepted.status, 201, JSON.stringify(accepted.body));
  assert.deepEqual(decodeJwt(accepted.body.access_token).payload.roles, ['user']);
  const me = await gh.get('/v1/me', { token: accepted.body.access_token });
  assert.equal(me.body.email, email);
  assert.equal(me.body.name, 'Grace');
  assert.equal(me.body.email_verified, true);
  assert.deepEqual(me.body.roles, ['user']);
  assert.equal((await gh.post('/v1/auth/login', { email, password: PASSWORD })).status, 200);

  expectProblem(assert, await gh.post('/v1/invitations/accept', { token, password: PASSWORD }), 401, 'invalid_token');
  const after = await gh.get('/v1/invitations', { token: admin.access_token });
  assert.ok(!after.body.invitations.some((i) => i.invitation_id === r.body.invitation_id), 'no longer pending');
});

test('an admin invitation makes an administrator', async () => {
  const { token } = await invited('admin');
  const pair = (await gh.post('/v1/invitations/accept', { token, password: PASSWORD })).body;
  assert.deepEqual(decodeJwt(pair.access_token).payload.roles, ['admin']);
  assert.equal((await gh.get('/v1/invitations', { token: pair.access_token })).status, 200);
});

test('the invitation e-mail escapes what it inserts (the inviter is named <script>)', async () => {
  const email = uniqueEmail('escape');
  await invite({ email });
  const mail = await waitForMail(email, isInvitation);
  assert.ok(!mail.html.includes('<script>'));
  assert.ok(mail.html.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
});

test('a weak password or a bad name leaves the invitation pending', async () => {
  const { token } = await invited();
  expectProblem(assert, await gh.post('/v1/invitations/accept', { token, password: 'password1' }), 422, 'weak_password');
  expectProblem(assert, await gh.post('/v1/invitations/accept', { token, password: PASSWORD, name: 'a\u0007b' }), 422, 'validation_failed');
  expectProblem(assert, await gh.post('/v1/invitations/accept', { token }), 422, 'validation_failed');
  assert.equal((await gh.post('/v1/invitations/accept', { token, password: PASSWORD })).status, 201);
});

test('inviting an address that has an account is a conflict; so is accepting after it registered', async () => {
  const existing = uniqueEmail('existing');
  await gh.createVerifiedUser(existing);
  expectProblem(assert, await invite({ email: existing.toUpperCase() }), 409, 'conflict');

  const { email, token } = await invited();
  await gh.createVerifiedUser(email);
  expectProblem(assert, await gh.post('/v1/invitations/accept', { token, password: PASSWORD }), 409, 'conflict');
  assert.equal(gh.sql(`SELECT COUNT(*) FROM users WHERE email = '${email}'`), '1');
});

test('a revoked invitation cannot be accepted; revoking twice is 404', async () => {
  const { id, token } = await invited();
  assert.equal((await gh.request('DELETE', `/v1/invitations/${id}`, { token: admin.access_token })).status, 204);
  expectProblem(assert, await gh.post('/v1/invitations/accept', { token, password: PASSWORD }), 401, 'invalid_token');
  expectProblem(assert, await gh.request('DELETE', `/v1/invitations/${id}`, { token: admin.access_token }), 404, 'not_found');
  expectProblem(assert, await gh.request('DELETE', '/v1/invitations/no-such-id', { token: admin.access_token }), 404, 'not_found');
});

test('inviting the same address again replaces the earlier link', async () => {
  const email = uniqueEmail('again');
  await invite({ email });
  const first = inviteToken(await waitForMail(email, isInvitation));
  await invite({ email, role: 'admin' });
  const second = inviteToken(await waitForMail(email, isInvitation, 2));
  expectProblem(assert, await gh.post('/v1/invitations/accept', { token: first, password: PASSWORD }), 401, 'invalid_token');
  const pair = (await gh.post('/v1/invitations/accept', { token: second, password: PASSWORD })).body;
  assert.deepEqual(decodeJwt(pair.access_token).payload.roles, ['admin']);
});

test('of concurrent acceptances of one link exactly one succeeds', async () => {
  const { email, token } = await invited();
  const results = await Promise.all(
    Array.from({ length: 6 }, () => gh.post('/v1/invitations/accept', { token, password: PASSWORD })),
  );
  assert.deepEqual(results.map((r) => r.status).sort(), [201, 401, 401, 401, 401, 401]);
  assert.equal(gh.sql(`SELECT COUNT(*) FROM users WHERE email = '${email}'`), '1');
});

test('bad input is refused and changes nothing', async () => {
  const rows = invitationRows();
  const users = gh.sql('SELECT COUNT(*) FROM users');
  expectProblem(assert, await invite({ email: 'not an address' }), 422, 'validation_failed');
  expectProblem(assert, await invite({ email: uniqueEmail(), role: 'root' }), 422, 'validation_failed');
  expectProblem(assert, await invite({ email: uniqueEmail(), role: 7 }), 422, 'validation_failed');
  expectProblem(assert, await invite({}), 422, 'validation_failed');
  expectProblem(assert, await gh.request('POST', '/v1/invitations', { body: 'email=x', token: admin.access_token, headers: { 'content-type': 'application/x-www-form-urlencoded' } }), 415, 'unsupported_media_type');
  for (const token of ['', 'not a token!', 'A'.repeat(43), 'x'.repeat(9000)]) {
    const r = await gh.post('/v1/invitations/accept', { token, password: PASSWORD });
    assert.ok([401, 422].includes(r.status), `${token.slice(0, 10)}: ${r.status}`);
  }
  assert.equal(invitationRows(), rows);
  assert.equal(gh.sql('SELECT COUNT(*) FROM users'), users);
});

test('invitations expire', async () => {
  const short = await new Gatehouse({ accounts: { invitation_ttl_seconds: 1 } }).start();
  try {
    const adminEmail = uniqueEmail('admin');
    const pair = await short.login(adminEmail, short.createAdmin(adminEmail));
    const email = uniqueEmail('late');
    assert.equal((await short.post('/v1/invitations', { email }, { token: pair.access_token })).status, 201);
    const token = inviteToken(await waitForMail(email, isInvitation));
    await sleep(2100);
    expectProblem(assert, await short.post('/v1/invitations/accept', { token, password: PASSWORD }), 401, 'invalid_token');
    assert.deepEqual((await short.get('/v1/invitations', { token: pair.access_token })).body.invitations, []);
  } finally {
    await short.stop();
    short.cleanup();
  }
});

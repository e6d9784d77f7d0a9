// Changing the e-mail address (POST /v1/me/email): the password asked, a link to the new
// address that makes the change and signs out the other sessions, a notice to the old address
// whose link undoes it for 7 days (signing out everything and sending a password reset), an
// address another account has changing nothing, and every link single use, even when raced.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Gatehouse, decodeJwt, expectProblem, uniqueEmail, waitForMail } from './support.mjs';

let gh;
before(async () => {
  gh = await new Gatehouse().start();
});
after(async () => {
  await gh.stop();
  gh.cleanup();
});

const tokenIn = (mail, path) => mail.text.match(new RegExp(`https?://\\S+/${path}\\?token=([A-Za-z0-9_-]+)`))[1];
const confirmMail = (address) => waitForMail(address, (m) => /Confirm your new/.test(m.subject));
const noticeMail = (address) => waitForMail(address, (m) => /is changing/.test(m.subject));
const me = (token) => gh.get('/v1/me', { token });
const ask = (token, json) => gh.post('/v1/me/email', json, { token });

// A verified user signed in twice: {email, password, here, there}.
async function member() {
  const email = uniqueEmail('mover');
  const password = await gh.createVerifiedUser(email);
  return { email, password, here: await gh.login(email, password), there: await gh.login(email, password) };
}

test('the change happens through the new address\'s link; the session that asked stays, the others end', async () => {
  const { email, password, here, there } = await member();
  const fresh = uniqueEmail('moved');
  assert.equal((await ask(here.access_token, { password, new_email: fresh.toUpperCase() })).status, 202);
  const notice = await noticeMail(email);
  assert.match(notice.text, new RegExp(fresh.replace(/[.+]/g, '\\$&')));
  assert.match(notice.text, /undo-email-change\?token=/);
  const token = tokenIn(await confirmMail(fresh), 'confirm-email-change');
  // Nothing changes before the link is used.
  assert.equal((await me(here.access_token)).body.email, email);
  expectProblem(assert, await gh.post('/v1/auth/login', { email: fresh, password }), 401, 'invalid_credentials');

  const done = await gh.post('/v1/auth/email-change/confirm', { token });
  assert.equal(done.status, 200, JSON.stringify(done.body));
  assert.deepEqual(done.body, { email: fresh });
  const mine = await me(here.access_token);
  assert.equal(mine.status, 200, 'the session that asked is kept');
  assert.equal(mine.body.email, fresh);
  assert.equal(mine.body.email_verified, true);
  expectProblem(assert, await me(there.access_token), 401, 'token_revoked');
  expectProblem(assert, await gh.post('/v1/auth/refresh', { refresh_token: there.refresh_token }), 401, 'token_revoked');
  assert.equal((await gh.post('/v1/auth/login', { email: fresh, password })).status, 200);
  expectProblem(assert, await gh.post('/v1/auth/login', { email, password }), 401, 'invalid_credentials');
  expectProblem(assert, await gh.post('/v1/auth/email-change/confirm', { token }), 401, 'invalid_token');

  const log = await gh.get('/v1/me/security-log', { token: here.access_token });
  const changed = log.body.events.find((e) => e.type === 'email.changed');
  assert.ok(changed, JSON.stringify(log.body.events.map((e) => e.type)));
  assert.deepEqual(changed.detail, { old_email: email, new_email: fresh });
  assert.equal(changed.session_id, decodeJwt(here.access_token).payload.sid);
});

test('the old address undoes a made change: its address back, every session out, a reset link sent', async () => {
  const { email, password, here } = await member();
  const fresh = uniqueEmail('hijack');
  assert.equal((await ask(here.access_token, { password, new_email: fresh })).status, 202);
  const undo = tokenIn(await noticeMail(email), 'undo-email-change');
  assert.equal((await gh.post('/v1/auth/email-change/confirm', { token: tokenIn(await confirmMail(fresh), 'confirm-email-change') })).status, 200);
  const attacker = await gh.login(fresh, password);

  const undone = await gh.post('/v1/auth/email-change/undo', { token: undo });
  assert.equal(undone.status, 200, JSON.stringify(undone.body));
  assert.deepEqual(undone.body, { email });
  for (const session of [here, attacker]) expectProblem(assert, await me(session.access_token), 401, 'token_revoked');
  expectProblem(assert, await gh.post('/v1/auth/login', { email: fresh, password }), 401, 'invalid_credentials');
  const back = await gh.login(email, password);
  assert.equal((await me(back.access_token)).body.email, email);
  const reset = await waitForMail(email, (m) => /reset/i.test(m.subject));
  assert.match(reset.text, /reset-password\?token=/);
  expectProblem(assert, await gh.post('/v1/auth/email-change/undo', { token: undo }), 401, 'invalid_token');
  const types = (await gh.get('/v1/me/security-log', { token: back.access_token })).body.events.filter((e) => e.type === 'email.changed');
  assert.deepEqual(types.map((e) => e.detail.undone ?? false), [true, false]);
});

test('undoing before the confirmation kills the pending change; a new request replaces an older one', async () => {
  const { email, password, here } = await member();
  const first = uniqueEmail('first');
  const second = uniqueEmail('second');
  assert.equal((await ask(here.access_token, { password, new_email: first })).status, 202);
  const firstToken = tokenIn(await confirmMail(first), 'confirm-email-change');
  assert.equal((await ask(here.access_token, { password, new_email: second })).status, 202);
  const secondToken = tokenIn(await confirmMail(second), 'confirm-email-change');
  expectProblem(assert, await gh.post('/v1/auth/email-change/confirm', { token: firstToken }), 401, 'invalid_token');
  const undo = tokenIn(await waitForMail(email, (m) => /is changing/.test(m.subject) && m.text.includes(second)), 'undo-email-change');
  assert.equal((await gh.post('/v1/auth/email-change/undo', { token: undo })).status, 200);
  expectProblem(assert, await gh.post('/v1/auth/email-change/confirm', { token: secondToken }), 401, 'invalid_token');
  expectProblem(assert, await me(here.access_token), 401, 'token_revoked');
  const again = await gh.login(email, password);
  assert.equal((await me(again.access_token)).body.email, email);
});

test('an address another account has changes nothing and answers the same; that address is told', async () => {
  const { email, password, here } = await member();
  const other = uniqueEmail('owner');
  await gh.createVerifiedUser(other);
  assert.equal((await ask(here.access_token, { password, new_email: other })).status, 202);
  const told = await waitForMail(other, (m) => /e-mail address$/.test(m.subject));
  assert.match(told.text, /already has an account; nothing changed/);
  assert.doesNotMatch(told.text, /token=/);
  assert.equal((await me(here.access_token)).body.email, email);
});

test('of 10 simultaneous confirmations one wins; the address taken meanwhile is a conflict', async () => {
  const { password, here } = await member();
  const fresh = uniqueEmail('race');
  assert.equal((await ask(here.access_token, { password, new_email: fresh })).status, 202);
  const token = tokenIn(await confirmMail(fresh), 'confirm-email-change');
  const answers = await Promise.all(Array.from({ length: 10 }, () => gh.post('/v1/auth/email-change/confirm', { token })));
  assert.deepEqual(answers.map((r) => r.status).sort(), [200, 401, 401, 401, 401, 401, 401, 401, 401, 401]);

  const b = await member();
  const wanted = uniqueEmail('wanted');
  assert.equal((await ask(b.here.access_token, { password: b.password, new_email: wanted })).status, 202);
  const late = tokenIn(await confirmMail(wanted), 'confirm-email-change');
  gh.createAdmin(wanted); // an account gets the address before the link is used
  expectProblem(assert, await gh.post('/v1/auth/email-change/confirm', { token: late }), 409, 'conflict');
  assert.equal((await me(b.here.access_token)).body.email, b.email);
});

test('bad input is refused and changes nothing', async () => {
  const { email, password, here } = await member();
  expectProblem(assert, await ask(here.access_token, { password: 'not the password', new_email: uniqueEmail('x') }), 401, 'invalid_credentials');
  expectProblem(assert, await ask(here.access_token, { password, new_email: 'not an address' }), 422, 'validation_failed');
  expectProblem(assert, await ask(here.access_token, { password, new_email: email.toUpperCase() }), 422, 'validation_failed');
  expectProblem(assert, await ask(here.access_token, { password }), 422, 'validation_failed');
  expectProblem(assert, await ask(here.access_token, { password: 42, new_email: uniqueEmail('x') }), 422, 'validation_failed');
  expectProblem(assert, await ask(here.access_token, { password, new_email: 'a'.repeat(5000) + '@example.com' }), 422, 'validation_failed');
  expectProblem(assert, await ask(undefined, { password, new_email: uniqueEmail('x') }), 401, 'invalid_token');
  const raw = await gh.request('POST', '/v1/me/email', { body: '{"password":', token: here.access_token, headers: { 'content-type': 'application/json' } });
  assert.equal(raw.status, 400, JSON.stringify(raw.body));
  for (const path of ['confirm', 'undo']) {
    for (const token of ['short', 'A'.repeat(43), '../../etc/passwd', 'x'.repeat(10000)]) {
      const r = await gh.post(`/v1/auth/email-change/${path}`, { token });
      assert.ok(r.status === 401 || r.status === 422, `${path} ${token.slice(0, 20)}: ${r.status}`);
      assert.match(r.headers.get('content-type'), /^application\/problem\+json/);
    }
    expectProblem(assert, await gh.post(`/v1/auth/email-change/${path}`, { token: 7 }), 422, 'validation_failed');
  }
  assert.equal((await me(here.access_token)).body.email, email);
  assert.equal(gh.sql(`SELECT COUNT(*) FROM email_changes WHERE user_id = '${decodeJwt(here.access_token).payload.sub}'`), '0');
});

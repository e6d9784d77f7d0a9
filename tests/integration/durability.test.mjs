// What survives outages and parameter changes: queued mail, password-hash upgrades.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Gatehouse, freePort, mailsFor, sleep, uniqueEmail, waitForMail } from './support.mjs';


test('a dead SMTP server neither slows nor fails registration, and the mail arrives later', async () => {
  const smtpPort = Number(process.env.MAILDEV_SMTP_PORT);
  const deadPort = await freePort();  // nothing listens here
  const gh = await new Gatehouse({ mail: { smtp: { port: deadPort }, retry_base_seconds: 1 } }).start();
  try {
    const email = uniqueEmail();
    const started = Date.now();
    const r = await gh.post('/v1/auth/register', { email, password: 'correct horse battery' });
    assert.equal(r.status, 202);
    assert.ok(Date.now() - started < 1000, 'the request does not wait for SMTP');
    await sleep(1500);
    assert.equal((await mailsFor(email)).length, 0);
    assert.equal(gh.sql('SELECT COUNT(*) FROM outbox WHERE attempts > 0'), '1', 'kept for retry');

    // SMTP comes back (here: the same data with a working SMTP server): the message is sent.
    await gh.stop();
    gh.config.mail.smtp.port = smtpPort;
    await gh.start();
    const mail = await waitForMail(email, (m) => /Confirm/.test(m.subject));
    assert.match(mail.text, /code: \d{6}/);
    for (let i = 0; i < 40 && gh.sql('SELECT COUNT(*) FROM outbox') !== '0'; i++) await sleep(50);
    assert.equal(gh.sql('SELECT COUNT(*) FROM outbox'), '0', 'a sent message is not kept');
  } finally {
    await gh.stop();
    gh.cleanup();
  }
});

test('raising the Argon2id parameters rehashes a password at its next login', async () => {
  const gh = await new Gatehouse({ password_hash: { memlimit_kib: 8192, opslimit: 1 } }).start();
  try {
    const email = uniqueEmail();
    const password = await gh.createVerifiedUser(email);
    const before = gh.sql(`SELECT password_hash FROM users WHERE email = '${email}'`);
    assert.match(before, /^\$argon2id\$v=19\$m=8192,t=1,/);

    await gh.stop();
    gh.config.password_hash = { memlimit_kib: 16384, opslimit: 2 };
    await gh.start();
    await gh.login(email, password);
    const after = gh.sql(`SELECT password_hash FROM users WHERE email = '${email}'`);
    assert.match(after, /^\$argon2id\$v=19\$m=16384,t=2,/);
    await gh.login(email, password);
    expectWrong(await gh.post('/v1/auth/login', { email, password: 'not it at all' }));
  } finally {
    await gh.stop();
    gh.cleanup();
  }
});

function expectWrong(r) {
  assert.equal(r.status, 401);
  assert.equal(r.body.code, 'invalid_credentials');
}

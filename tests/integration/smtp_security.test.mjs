// SMTP transport security: implicit TLS with a login and a private CA; STARTTLS upgrades and
// logs in, and never downgrades; a failed delivery keeps the message queued.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { SMTPServer } from 'smtp-server';
import { simpleParser } from 'mailparser';
import { Gatehouse, freePort, mailsFor, sleep, uniqueEmail, waitForMail } from './support.mjs';

const TLS_WEB = `http://127.0.0.1:${process.env.MAILDEV_TLS_WEB_PORT}`;
const tls = (overrides = {}) => ({
  host: '127.0.0.1',
  port: Number(process.env.MAILDEV_TLS_SMTP_PORT),
  security: 'tls',
  username: process.env.MAILDEV_TLS_USER,
  password: process.env.MAILDEV_TLS_PASSWORD,
  ca_file: process.env.MAILDEV_TLS_CA,
  ...overrides,
});

function queued(gh) {
  return Number(gh.sql('SELECT COUNT(*) FROM outbox WHERE attempts > 0'));
}

async function registerWith(smtp) {
  const gh = await new Gatehouse({ mail: { smtp } }).start();
  const email = uniqueEmail();
  const r = await gh.post('/v1/auth/register', { email, password: 'correct horse battery' });
  assert.equal(r.status, 202);
  return { gh, email };
}

async function assertNotDelivered(gh, email) {
  for (let i = 0; i < 60 && queued(gh) === 0; i++) await sleep(50);
  assert.equal(queued(gh), 1, 'kept in the outbox for a retry');
  assert.equal((await mailsFor(email, TLS_WEB)).length, 0);
  assert.equal((await mailsFor(email)).length, 0);
}

test('implicit TLS with a login, trusting a private CA, delivers', async () => {
  const { gh, email } = await registerWith(tls());
  try {
    const mail = await waitForMail(email, (m) => /Confirm/.test(m.subject), 1, TLS_WEB);
    assert.match(mail.text, /code: \d{6}/);
    assert.match(mail.html, /<a href=/);
  } finally {
    await gh.stop();
    gh.cleanup();
  }
});

test('a wrong SMTP password delivers nothing and keeps the message', async () => {
  const { gh, email } = await registerWith(tls({ password: 'wrong' }));
  try {
    await assertNotDelivered(gh, email);
  } finally {
    await gh.stop();
    gh.cleanup();
  }
});

test('an untrusted certificate delivers nothing', async () => {
  const { gh, email } = await registerWith(tls({ ca_file: '' }));
  try {
    await assertNotDelivered(gh, email);
  } finally {
    await gh.stop();
    gh.cleanup();
  }
});

test('STARTTLS is required: a server without it gets no plaintext mail', async () => {
  const plain = { host: '127.0.0.1', port: Number(process.env.MAILDEV_SMTP_PORT), security: 'starttls' };
  const { gh, email } = await registerWith(plain);
  try {
    await assertNotDelivered(gh, email);
  } finally {
    await gh.stop();
    gh.cleanup();
  }
});

// maildev never offers STARTTLS, so this server is nodemailer's smtp-server (the library
// maildev is built on) with the same private certificate.
test('STARTTLS upgrades before the login and delivers a MIME message', async () => {
  const certificate = process.env.MAILDEV_TLS_CA;
  const received = [];
  const server = new SMTPServer({
    secure: false,
    cert: readFileSync(certificate),
    key: readFileSync(path.join(path.dirname(certificate), 'smtp-key.pem')),
    authMethods: ['PLAIN', 'LOGIN'],
    onAuth(auth, session, callback) {
      if (!session.secure) return callback(new Error('login before TLS'));
      if (auth.username !== 'mailer' || auth.password !== 's3cret') return callback(new Error('no'));
      callback(null, { user: auth.username });
    },
    onData(stream, session, callback) {
      const chunks = [];
      stream.on('data', (c) => chunks.push(c));
      stream.on('end', () => {
        received.push({ secure: session.secure, user: session.user, raw: Buffer.concat(chunks) });
        callback();
      });
    },
  });
  const port = await freePort();
  await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
  const gh = await new Gatehouse({
    mail: {
      from: 'Café Acme <no-reply@acme.test>',
      smtp: { host: '127.0.0.1', port, security: 'starttls', username: 'mailer', password: 's3cret', ca_file: certificate },
    },
  }).start();
  try {
    const email = uniqueEmail();
    const r = await gh.post('/v1/auth/register', { email, password: 'correct horse battery' });
    assert.equal(r.status, 202);
    for (let i = 0; i < 100 && received.length === 0; i++) await sleep(50);
    assert.equal(received.length, 1);
    assert.equal(received[0].secure, true);
    assert.equal(received[0].user, 'mailer');
    const raw = received[0].raw.toString('latin1');
    for (const line of raw.split('\r\n')) assert.ok(line.length <= 78, `line too long: ${line}`);
    const mail = await simpleParser(received[0].raw);
    assert.equal(mail.from.value[0].name, 'Café Acme');
    assert.equal(mail.from.value[0].address, 'no-reply@acme.test');
    assert.equal(mail.to.value[0].address, email);
    assert.match(mail.subject, /Confirm/);
    assert.match(mail.text, /code: \d{6}/);
    assert.match(mail.html, /<a href=/);
    assert.match(mail.messageId, /@acme\.test>$/);
  } finally {
    await gh.stop();
    gh.cleanup();
    await new Promise((resolve) => server.close(resolve));
  }
});

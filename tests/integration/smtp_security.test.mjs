// SMTP transport security: implicit TLS with a login and a private CA; STARTTLS never
// downgrades; a failed delivery keeps the message queued.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Gatehouse, mailsFor, sleep, uniqueEmail, waitForMail } from './support.mjs';

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

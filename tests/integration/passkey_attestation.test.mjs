// webauthn.attestation: required — only authenticators whose packed attestation certificate
// chains to the configured roots may be registered. Certificates made with the openssl
// command line: a maker's root, and an attestation certificate of it (§8.2.1's subject and
// extensions); another maker's root signs the impostor.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Gatehouse, expectProblem, uniqueEmail } from './support.mjs';
import { SoftAuthenticator } from './soft_authenticator.mjs';

const dir = mkdtempSync(path.join(tmpdir(), 'gatehouse-attestation-'));
const file = (name) => path.join(dir, name);
const openssl = (...args) => execFileSync('openssl', args, { stdio: ['ignore', 'pipe', 'pipe'] });

// A root CA of its own key, and an attestation certificate it signs: {key (PEM), der}.
function maker(name) {
  openssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '2',
    '-subj', `/O=${name}/CN=${name} Root`, '-keyout', file(`${name}-root.key`), '-out', file(`${name}-root.pem`),
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign');
  openssl('req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
    '-subj', `/C=SE/O=${name}/OU=Authenticator Attestation/CN=${name} Attestation`,
    '-keyout', file(`${name}-att.key`), '-out', file(`${name}-att.csr`));
  writeFileSync(file(`${name}-ext.cnf`), 'basicConstraints=CA:FALSE\n');
  openssl('x509', '-req', '-in', file(`${name}-att.csr`), '-CA', file(`${name}-root.pem`), '-CAkey', file(`${name}-root.key`),
    '-CAcreateserial', '-days', '1', '-extfile', file(`${name}-ext.cnf`), '-outform', 'DER', '-out', file(`${name}-att.der`));
  return { key: readFileSync(file(`${name}-att.key`)), der: readFileSync(file(`${name}-att.der`)) };
}

let gh, trusted, impostor;
before(async () => {
  trusted = maker('TrustedKeys');
  impostor = maker('Impostor');
  gh = await new Gatehouse({ webauthn: { attestation: 'required', attestation_roots_file: file('TrustedKeys-root.pem') } }, { publicHost: 'localhost' }).start();
});
after(async () => {
  await gh.stop();
  gh.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

// A registration whose packed statement the attestation key of `by` signs (with its x5c).
const attested = (key, options, by) => key.create(options, {
  discard: true,
  attest: (signed) => ({ fmt: 'packed', attStmt: { alg: -7, sig: crypto.sign('sha256', signed, { key: by.key, dsaEncoding: 'der' }), x5c: [by.der] } }),
});

async function user() {
  const email = uniqueEmail('att');
  const password = await gh.createVerifiedUser(email);
  const { access_token: token } = await gh.login(email, password);
  const options = async () => {
    const r = await gh.post('/v1/me/passkeys/options', { password }, { token });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return r.body;
  };
  return { token, options };
}

test('creation options ask for direct attestation', async () => {
  const { options } = await user();
  assert.equal((await options()).attestation, 'direct');
});

test('a key of a trusted maker is registered; none and another maker\'s are refused', async () => {
  const { token, options } = await user();
  const key = new SoftAuthenticator({ origin: gh.url, alg: -7 });
  const register = (credential) => gh.post('/v1/me/passkeys', { credential }, { token });
  expectProblem(assert, await register(key.create(await options(), { discard: true })), 422, 'validation_failed');
  expectProblem(assert, await register(attested(key, await options(), impostor)), 422, 'validation_failed');
  const ok = await register(attested(key, await options(), trusted));
  assert.equal(ok.status, 201, JSON.stringify(ok.body));
});

// Makes passkey assertions for bench/passkey_sign_in.lua: gives the user a passkey (the
// software authenticator of the API tests, as a synced passkey: its counter stays 0, so any
// order of use is valid), then asks POST /v1/auth/passkey/options for COUNT challenges, 32 at a
// time, and writes one request body {"assertion": …} per line to OUT. Challenges live 5
// minutes: run.sh makes them right before the run.
//   node bench/make_assertions.mjs URL EMAIL PASSWORD ALG COUNT OUT   (ALG: -7 ES256, -8 EdDSA)
import { writeFileSync } from 'node:fs';
import { SoftAuthenticator } from '../tests/integration/soft_authenticator.mjs';

const [url, email, password, alg, count, out] = process.argv.slice(2);
const post = async (path, body, token) => {
  const headers = { 'content-type': 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  const r = await fetch(url + path, { method: 'POST', headers, body: JSON.stringify(body) });
  const json = await r.json();
  if (!r.ok) throw new Error(`${path} answered ${r.status}: ${JSON.stringify(json)}`);
  return json;
};

// The origin ceremonies run at is webauthn.origins' (run.sh: http://localhost:PORT).
const origin = url.replace('127.0.0.1', 'localhost');
const key = new SoftAuthenticator({ origin, alg: Number(alg), backup: true });
const { access_token: token } = await post('/v1/auth/login', { email, password });
const options = await post('/v1/me/passkeys/options', { password }, token);
await post('/v1/me/passkeys', { credential: key.create(options), name: `bench ${alg}` }, token);

const bodies = [];
async function worker() {
  while (bodies.length < Number(count)) {
    bodies.push(JSON.stringify({ assertion: key.get(await post('/v1/auth/passkey/options', {})) }));
  }
}
await Promise.all(Array.from({ length: 32 }, worker));
writeFileSync(out, bodies.join('\n') + '\n');

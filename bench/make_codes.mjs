// Makes authorization codes for bench/code_exchange.lua: signs in on the hosted page (a
// browser's cookies), then asks /oauth2/authorize for COUNT codes, 32 at a time, and writes
// them one per line to OUT. Also writes one client access token (for introspection) to
// TOKEN_OUT. Codes live 60 s: run.sh makes them right before the exchange run.
//   node bench/make_codes.mjs URL CLIENT_ID CLIENT_SECRET REDIRECT_URI EMAIL PASSWORD COUNT OUT TOKEN_OUT
import { writeFileSync } from 'node:fs';

const [url, clientId, secret, redirect, email, password, count, out, tokenOut] = process.argv.slice(2);
const jar = new Map();
async function fetchWithJar(path, init = {}) {
  const headers = { ...(init.headers ?? {}), cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') };
  const r = await fetch(url + path, { ...init, headers, redirect: 'manual' });
  for (const line of r.headers.getSetCookie()) {
    const [pair] = line.split(';');
    const eq = pair.indexOf('=');
    jar.set(pair.slice(0, eq), pair.slice(eq + 1));
  }
  return r;
}
await fetchWithJar('/sign-in');
const signIn = await fetchWithJar('/sign-in', {
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded', origin: url },
  body: new URLSearchParams({ csrf: jar.get('__Host-gh_csrf'), email, password }).toString(),
});
if (signIn.status !== 303) throw new Error(`sign-in answered ${signIn.status}`);
const authorize = '/oauth2/authorize?' + new URLSearchParams({
  response_type: 'code', client_id: clientId, redirect_uri: redirect, scope: 'openid email', state: 's',
});
const codes = [];
async function worker() {
  while (codes.length < Number(count)) {
    const r = await fetchWithJar(authorize);
    const code = new URL(r.headers.get('location')).searchParams.get('code');
    if (!code) throw new Error(`authorize answered ${r.status}`);
    codes.push(code);
  }
}
await Promise.all(Array.from({ length: 32 }, worker));
const spare = codes.pop();
writeFileSync(out, codes.join('\n') + '\n');
const basic = 'Basic ' + Buffer.from(`${clientId}:${secret}`).toString('base64');
const t = await fetch(url + '/oauth2/token', {
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic },
  body: new URLSearchParams({ grant_type: 'authorization_code', code: spare, redirect_uri: redirect }).toString(),
});
writeFileSync(tokenOut, (await t.json()).access_token + '\n');

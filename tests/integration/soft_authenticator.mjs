// A software WebAuthn authenticator for the API tests: makes credentials (EdDSA, ES256 or
// RS256) and signs assertions as a browser would hand them over (the JSON of
// PublicKeyCredential.toJSON()), with each part open to spoiling, as an attacker would.
import crypto from 'node:crypto';

const b64url = (bytes) => Buffer.from(bytes).toString('base64url');

// RFC 8949 encoding of what WebAuthn uses: unsigned and negative integers, byte and text
// strings, arrays and maps (a Map keeps integer keys as integers).
export function cbor(value) {
  const head = (major, n) => {
    if (n < 24) return Buffer.from([(major << 5) | n]);
    if (n < 0x100) return Buffer.from([(major << 5) | 24, n]);
    if (n < 0x10000) {
      const b = Buffer.alloc(3);
      b[0] = (major << 5) | 25;
      b.writeUInt16BE(n, 1);
      return b;
    }
    const b = Buffer.alloc(5);
    b[0] = (major << 5) | 26;
    b.writeUInt32BE(n, 1);
    return b;
  };
  if (typeof value === 'number') return value >= 0 ? head(0, value) : head(1, -1 - value);
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) return Buffer.concat([head(2, value.length), Buffer.from(value)]);
  if (typeof value === 'string') {
    const text = Buffer.from(value, 'utf8');
    return Buffer.concat([head(3, text.length), text]);
  }
  if (Array.isArray(value)) return Buffer.concat([head(4, value.length), ...value.map(cbor)]);
  const entries = value instanceof Map ? [...value.entries()] : Object.entries(value);
  return Buffer.concat([head(5, entries.length), ...entries.flatMap(([k, v]) => [cbor(k), cbor(v)])]);
}

const FLAGS = { up: 0x01, uv: 0x04, be: 0x08, bs: 0x10, at: 0x40 };

export class SoftAuthenticator {
  // alg: -8 (EdDSA), -7 (ES256) or -257 (RS256); uv: whether it verifies the user;
  // backup: a synced passkey (BE and BS set); counter: null keeps the count at 0, as synced
  // passkeys do, else it starts there and grows with each assertion.
  // resident: a discoverable credential, which returns its user handle (a security key's
  // credential is not).
  constructor({ origin, alg = -8, uv = true, backup = false, counter = null, resident = true } = {}) {
    this.origin = origin;
    this.resident = resident;
    this.alg = alg;
    this.uv = uv;
    this.backup = backup;
    this.counter = counter;
    this.credentials = [];  // {id, privateKey, cose, rpId, userHandle}
  }

  keyPair() {
    if (this.alg === -8) return crypto.generateKeyPairSync('ed25519');
    if (this.alg === -7) return crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
    return crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  }

  static coseKey(publicKey, alg) {
    const jwk = publicKey.export({ format: 'jwk' });
    const raw = (s) => Buffer.from(s, 'base64url');
    if (alg === -8) return new Map([[1, 1], [3, -8], [-1, 6], [-2, raw(jwk.x)]]);
    if (alg === -7) return new Map([[1, 2], [3, -7], [-1, 1], [-2, raw(jwk.x)], [-3, raw(jwk.y)]]);
    return new Map([[1, 3], [3, -257], [-1, raw(jwk.n)], [-2, raw(jwk.e)]]);
  }

  sign(privateKey, data) {
    if (this.alg === -8) return crypto.sign(null, data, privateKey);
    if (this.alg === -7) return crypto.sign('sha256', data, { key: privateKey, dsaEncoding: 'der' });
    return crypto.sign('sha256', data, privateKey);
  }

  flags({ uv = this.uv, attested = false } = {}) {
    let f = FLAGS.up;
    if (uv) f |= FLAGS.uv;
    if (this.backup) f |= FLAGS.be | FLAGS.bs;
    if (attested) f |= FLAGS.at;
    return f;
  }

  static clientData(type, challenge, origin, extra = {}) {
    return Buffer.from(JSON.stringify({ type, challenge, origin, crossOrigin: false, ...extra }));
  }

  authData(rpId, flags, count, attested) {
    const head = Buffer.alloc(37);
    crypto.createHash('sha256').update(rpId).digest().copy(head, 0);
    head[32] = flags;
    head.writeUInt32BE(count >>> 0, 33);
    return attested ? Buffer.concat([head, attested]) : head;
  }

  // navigator.credentials.create(): the RegistrationResponseJSON for creation `options`.
  // `spoil` may change {clientData, rpId, origin, flags, fmt, attStmt, attest} before they are
  // made; `discard: true` leaves the credential out of this authenticator.
  create(options, spoil = {}) {
    const { publicKey, privateKey } = this.keyPair();
    const id = crypto.randomBytes(16);
    const cose = SoftAuthenticator.coseKey(publicKey, this.alg);
    const rpId = spoil.rpId ?? options.rp.id;
    const clientData = spoil.clientData ?? SoftAuthenticator.clientData('webauthn.create', options.challenge, spoil.origin ?? this.origin);
    const length = Buffer.alloc(2);
    length.writeUInt16BE(id.length);
    const attested = Buffer.concat([Buffer.alloc(16), length, id, cbor(cose)]);
    const authData = this.authData(rpId, spoil.flags ?? this.flags({ attested: true }), this.counter ?? 0, attested);
    // spoil.attest(signedBytes) may give an attestation ({fmt, attStmt}) over authData and
    // the client data's hash, as a real authenticator's attestation key signs them.
    const signedBytes = Buffer.concat([authData, crypto.createHash('sha256').update(clientData).digest()]);
    const statement = spoil.attest?.(signedBytes) ?? { fmt: spoil.fmt ?? 'none', attStmt: spoil.attStmt ?? {} };
    const attestationObject = cbor({ ...statement, authData });
    const credential = { id, privateKey, rpId: options.rp.id, userHandle: Buffer.from(options.user.id, 'base64url'), count: this.counter ?? 0 };
    if (!spoil.discard) this.credentials.push(credential);
    return {
      type: 'public-key',
      id: b64url(id),
      rawId: b64url(id),
      response: { clientDataJSON: b64url(clientData), attestationObject: b64url(attestationObject), transports: ['internal'] },
      clientExtensionResults: {},
    };
  }

  // navigator.credentials.get(): the AuthenticationResponseJSON for request `options`, by
  // the credential listed there (or the first, for a discoverable sign-in). `spoil` may
  // change {clientData, origin, rpId, flags, count, signature, userHandle, credential}.
  get(options, spoil = {}) {
    const allowed = (options.allowCredentials ?? []).map((c) => c.id);
    const credential = spoil.credential ?? this.credentials.find((c) => !allowed.length || allowed.includes(b64url(c.id)));
    if (!credential) throw new Error('no credential for these options');
    if (this.counter !== null && spoil.count === undefined) credential.count += 1;
    const clientData = spoil.clientData ?? SoftAuthenticator.clientData('webauthn.get', options.challenge, spoil.origin ?? this.origin);
    const authData = this.authData(spoil.rpId ?? credential.rpId, spoil.flags ?? this.flags(), spoil.count ?? credential.count);
    const signed = Buffer.concat([authData, crypto.createHash('sha256').update(clientData).digest()]);
    const signature = spoil.signature ?? this.sign(credential.privateKey, signed);
    const userHandle = 'userHandle' in spoil ? spoil.userHandle : this.resident ? b64url(credential.userHandle) : null;
    return {
      type: 'public-key',
      id: b64url(credential.id),
      rawId: b64url(credential.id),
      response: { clientDataJSON: b64url(clientData), authenticatorData: b64url(authData), signature: b64url(signature), userHandle },
      clientExtensionResults: {},
    };
  }
}

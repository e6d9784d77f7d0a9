#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/factor_method.hpp"

namespace gatehouse {

struct UserRecord {
  std::string id;
  std::string email;  // normalised (trimmed, lower-case)
  std::string name;
  std::string password_hash;
  bool email_verified = false;
  std::string role = "user";  // user | admin
  std::int64_t created_at = 0;
  std::int64_t updated_at = 0;
  // Methods of the confirmed second factors, comma-separated ("totp"); kept by MfaEnrolment so
  // that /v1/me and login read them with the user, at no extra query.
  std::string second_factors;
  // When an administrator disabled the account; 0 while it is active.
  std::int64_t disabled_at = 0;

  // How mail and pages greet the person: their name, else their address.
  const std::string& NameOrEmail() const { return name.empty() ? email : name; }
};

struct SessionRecord {
  std::string id;
  std::string user_id;
  bool remember_me = false;
  std::string amr;  // comma-separated authentication methods, e.g. "pwd"
  std::string access_jti;
  std::string refresh_jti;
  std::int64_t access_expires_at = 0;
  std::int64_t refresh_expires_at = 0;
  std::optional<std::string> previous_refresh_jti;  // rotated away most recently
  std::optional<std::int64_t> rotated_at;
  std::int64_t login_time = 0;
  std::string login_user_agent;
  std::string login_ip_address;
  std::int64_t last_active = 0;
  std::string last_user_agent;
  std::string last_ip_address;
  std::string user_role;  // the owner's role, joined from users when read; not a session column
  // A grant to an OpenID Connect client; empty for Gatehouse's own sessions (the API and the
  // pages). A grant's tokens are the client's: aud is the client_id.
  std::string client_id;
  std::string scope;              // grants: the scopes granted, space-separated
  std::string parent_session_id;  // grants: the sign-in session it was made in (the sid)
  std::int64_t auth_time = 0;     // grants: when the user signed in (the ID token's auth_time)

  bool is_grant() const { return !client_id.empty(); }
};

// A session's owner, with what a token check needs of the session itself.
struct SessionOwner {
  UserRecord user;
  std::string access_jti;
  std::int64_t refresh_expires_at = 0;
};

// A single-use secret (link token or numeric code), stored only as a hash.
struct OneTimeTokenRecord {
  std::string id;
  std::string purpose;
  std::string user_id;
  std::string secret_hash;
  std::int64_t expires_at = 0;
  int attempts = 0;
  std::optional<std::int64_t> used_at;
  std::int64_t created_at = 0;
};

struct SigningKeyRecord {
  std::string kid;
  std::string algorithm;
  std::string private_pem;
  std::int64_t created_at = 0;
  std::optional<std::int64_t> retired_at;     // stopped signing
  std::optional<std::int64_t> publish_until;  // leaves the JWKS after this
};

// An invitation to create an account, sent by an administrator.
struct InvitationRecord {
  std::string id;
  std::string email;
  std::string role;
  std::string token_hash;
  std::optional<std::string> invited_by;  // user id; null once that user is deleted
  std::int64_t created_at = 0;
  std::int64_t expires_at = 0;
  std::optional<std::int64_t> accepted_at;
  std::optional<std::int64_t> revoked_at;
};

// A second factor of a user: "totp", "email" or "sms".
struct MfaFactorRecord {
  std::string user_id;
  FactorMethod method = FactorMethod::kTotp;
  std::optional<std::string> sealed_secret;  // totp
  std::optional<std::string> phone;          // sms, E.164
  std::optional<std::int64_t> confirmed_at;  // null while pending
  std::optional<std::int64_t> last_counter;  // totp: step of the code accepted last
  std::int64_t created_at = 0;
};

// A login waiting for its second factor.
struct MfaChallengeRecord {
  std::string token_hash;
  std::string user_id;
  bool remember_me = false;
  int attempts = 0;
  std::int64_t expires_at = 0;
  std::optional<std::int64_t> used_at;
};

// An authorization code: single use, stored as its hash.
struct AuthorizationCodeRecord {
  std::string code_hash;
  std::string client_id;
  std::string user_id;
  std::string session_id;        // the sign-in session
  std::string grant_session_id;  // the grant its exchange makes
  std::string redirect_uri;
  std::string scope;
  std::string nonce;
  std::string code_challenge;  // S256, base64url; empty when none was sent
  std::int64_t auth_time = 0;
  std::string amr;
  std::int64_t expires_at = 0;
  std::optional<std::int64_t> used_at;
  std::int64_t created_at = 0;
};

// An OpenID Connect client (relying party) registered by an administrator.
struct OAuthClientRecord {
  std::string id;  // client_id
  std::string name;
  std::optional<std::string> secret_hash;  // SHA-256 hex; none for a public client
  std::vector<std::string> redirect_uris;
  std::vector<std::string> post_logout_redirect_uris;
  std::string backchannel_logout_uri;  // empty: none
  std::vector<std::string> grant_types;
  bool first_party = false;  // trusted: no consent page
  std::string id_token_algorithm = "RS256";
  std::int64_t created_at = 0;

  bool is_public() const { return !secret_hash.has_value(); }
};

struct OutboxMessage {
  std::string id;
  std::string channel = "email";
  std::string recipient;
  std::string subject;
  std::string text_body;
  std::string html_body;
  std::int64_t created_at = 0;
  int attempts = 0;
  std::int64_t next_attempt_at = 0;
};

// A WebAuthn credential (passkey or security key) registered by a user.
struct PasskeyRecord {
  std::string id;  // passkey_id in the API
  std::string user_id;
  std::string credential_id;   // raw bytes
  std::string public_key;      // COSE_Key CBOR bytes
  std::int64_t algorithm = 0;  // COSE
  std::string aaguid;          // 16 raw bytes
  std::string name;
  std::uint32_t sign_count = 0;
  bool backup_eligible = false;
  bool backed_up = false;
  bool user_verified = false;  // at registration
  std::string attestation_format;
  std::string transports;  // comma-separated hints ("internal,hybrid")
  std::int64_t created_at = 0;
  std::optional<std::int64_t> last_used_at;
};

// A passkey with its owner and the owner's user handle (raw bytes; every passkey of a user
// carries the same one), as a sign-in reads them.
struct PasskeyOwner {
  PasskeyRecord passkey;
  UserRecord user;
  std::string user_handle;
};

// One entry of the security log: what happened to whose account, done by whom, from where.
// A change of a user's e-mail address, from its request to its confirmation and, within the
// undo window, its undoing.
struct EmailChangeRecord {
  std::string id;
  std::string user_id;
  std::string old_email;
  std::string new_email;
  std::string session_id;    // the session that asked for it: kept when the change happens
  std::string confirm_hash;  // LinkTokenHash of the new address's link
  std::string undo_hash;     // LinkTokenHash of the old address's link
  std::int64_t created_at = 0;
  std::int64_t confirm_expires_at = 0;
  std::int64_t undo_expires_at = 0;
  std::optional<std::int64_t> confirmed_at;
  std::optional<std::int64_t> undone_at;
};

struct EventRecord {
  std::string id;               // TimeOrderedIdAt(created_at): the log's order and cursor
  std::int64_t created_at = 0;  // Unix milliseconds
  std::string type;             // "sign_in.succeeded", "password.changed", …
  std::string user_id;          // the account it concerns; empty for none
  std::string actor_id;         // who did it when not the user (an administrator); else empty
  std::string session_id;
  std::string ip_address;
  std::string user_agent;
  std::string device;         // the agent as shown ("Firefox on Linux")
  std::string country;        // ISO 3166-1 alpha-2, or empty
  std::string location;       // as shown ("Berlin, Germany"), or empty
  std::string detail = "{}";  // a JSON object: the event's own facts (a reason, a method)
};

// An endpoint an administrator registered for webhooks.
struct WebhookRecord {
  std::string id;  // webhook_id in the API
  std::string url;
  std::string description;
  std::vector<std::string> events;  // the event types it wants ("user.created", …; "*": all)
  std::string secret_sealed;        // its signing secret ("whsec_…"), sealed by the SecretBox
  std::string created_by;           // the administrator's user id
  std::int64_t created_at = 0;
};

// One event's delivery to one webhook, and what its attempts met.
struct WebhookDeliveryRecord {
  std::string id;  // the event's id and a random part: the log's order and cursor; webhook-id
  std::string webhook_id;
  std::string event_id;
  std::string event_type;  // as sent (the payload's "type")
  std::string user_id;     // the account it is about; empty for none
  std::string payload;     // the JSON body, the same for every attempt
  std::int64_t created_at = 0;
  int attempts = 0;
  std::optional<std::int64_t> last_attempt_at;
  int last_status = 0;  // the HTTP status of the last answer; 0 for none
  std::string last_error;
  std::optional<std::int64_t> delivered_at;
  std::optional<std::int64_t> failed_at;  // given up on
};

}  // namespace gatehouse

#include "store/mfa_store.hpp"

#include "store/connection.hpp"

namespace gatehouse::mfa_store {
namespace {

bool Changed(soci::statement& st) {
  st.execute(true);
  return st.get_affected_rows() > 0;
}

}  // namespace

std::vector<MfaFactorRecord> Factors(Connection& sql, const std::string& user_id) {
  MfaFactorRecord f;
  std::string method, secret, phone;
  long long confirmed = 0, counter = 0, created = 0;
  soci::indicator secret_ind = soci::i_null, phone_ind = soci::i_null, confirmed_ind = soci::i_null,
                  counter_ind = soci::i_null;
  soci::statement st =
      (sql.prepare << "SELECT user_id, method, sealed_secret, phone, confirmed_at, last_counter, "
                      "created_at FROM mfa_factors WHERE user_id = :uid ORDER BY method",
       soci::use(user_id), soci::into(f.user_id), soci::into(method),
       soci::into(secret, secret_ind), soci::into(phone, phone_ind),
       soci::into(confirmed, confirmed_ind), soci::into(counter, counter_ind), soci::into(created));
  st.execute();
  std::vector<MfaFactorRecord> factors;
  while (st.fetch()) {
    auto parsed = ParseFactorMethod(method);
    if (!parsed) continue;  // a method this version does not know
    MfaFactorRecord copy = f;
    copy.method = *parsed;
    copy.sealed_secret = secret_ind == soci::i_ok ? std::optional(secret) : std::nullopt;
    copy.phone = phone_ind == soci::i_ok ? std::optional(phone) : std::nullopt;
    copy.confirmed_at =
        confirmed_ind == soci::i_ok ? std::optional<std::int64_t>(confirmed) : std::nullopt;
    copy.last_counter =
        counter_ind == soci::i_ok ? std::optional<std::int64_t>(counter) : std::nullopt;
    copy.created_at = created;
    factors.push_back(std::move(copy));
  }
  return factors;
}

void PutFactor(Connection& sql, const MfaFactorRecord& f) {
  DeleteFactor(sql, f.user_id, f.method);
  std::string secret = f.sealed_secret.value_or(""), phone = f.phone.value_or("");
  soci::indicator secret_ind = f.sealed_secret ? soci::i_ok : soci::i_null;
  soci::indicator phone_ind = f.phone ? soci::i_ok : soci::i_null;
  long long created = f.created_at;
  const std::string method(NameOf(f.method));
  sql << "INSERT INTO mfa_factors (user_id, method, sealed_secret, phone, created_at) "
         "VALUES (:uid, :m, :s, :p, :c)",
      soci::use(f.user_id), soci::use(method), soci::use(secret, secret_ind),
      soci::use(phone, phone_ind), soci::use(created);
}

bool ConfirmFactor(Connection& sql, const std::string& user_id, FactorMethod method,
                   std::int64_t now) {
  const std::string name(NameOf(method));
  long long t = now;
  soci::statement st = (sql.prepare << "UPDATE mfa_factors SET confirmed_at = :t WHERE user_id "
                                       "= :uid AND method = :m AND confirmed_at IS NULL",
                        soci::use(t), soci::use(user_id), soci::use(name));
  return Changed(st);
}

bool AdvanceCounter(Connection& sql, const std::string& user_id, std::uint64_t counter) {
  long long c = static_cast<long long>(counter);
  soci::statement st =
      (sql.prepare << "UPDATE mfa_factors SET last_counter = :c WHERE user_id = :uid AND "
                      "method = 'totp' AND (last_counter IS NULL OR last_counter < :c2)",
       soci::use(c), soci::use(user_id), soci::use(c));
  return Changed(st);
}

bool DeleteFactor(Connection& sql, const std::string& user_id, FactorMethod method) {
  const std::string name(NameOf(method));
  soci::statement st =
      (sql.prepare << "DELETE FROM mfa_factors WHERE user_id = :uid AND method = :m",
       soci::use(user_id), soci::use(name));
  return Changed(st);
}

void ReplaceRecoveryCodes(Connection& sql, const std::string& user_id,
                          const std::vector<std::string>& code_hashes, std::int64_t now) {
  DeleteRecoveryCodes(sql, user_id);
  long long t = now;
  int n = 0;
  for (const std::string& hash : code_hashes) {
    std::string id = user_id + ":" + std::to_string(n++) + ":" + std::to_string(now);
    sql << "INSERT INTO recovery_codes (id, user_id, code_hash, created_at) "
           "VALUES (:id, :uid, :h, :t)",
        soci::use(id), soci::use(user_id), soci::use(hash), soci::use(t);
  }
}

bool UseRecoveryCode(Connection& sql, const std::string& user_id, const std::string& code_hash,
                     std::int64_t now) {
  long long t = now;
  soci::statement st = (sql.prepare << "UPDATE recovery_codes SET used_at = :t WHERE user_id = "
                                       ":uid AND code_hash = :h AND used_at IS NULL",
                        soci::use(t), soci::use(user_id), soci::use(code_hash));
  return Changed(st);
}

int RecoveryCodesLeft(Connection& sql, const std::string& user_id) {
  int count = 0;
  sql << "SELECT COUNT(*) FROM recovery_codes WHERE user_id = :uid AND used_at IS NULL",
      soci::use(user_id), soci::into(count);
  return count;
}

void DeleteRecoveryCodes(Connection& sql, const std::string& user_id) {
  sql << "DELETE FROM recovery_codes WHERE user_id = :uid", soci::use(user_id);
}

void InsertChallenge(Connection& sql, const MfaChallengeRecord& c, std::int64_t now) {
  int remember = c.remember_me ? 1 : 0;
  long long expires = c.expires_at, created = now;
  sql << "INSERT INTO mfa_challenges (token_hash, user_id, remember_me, expires_at, created_at) "
         "VALUES (:h, :uid, :r, :e, :c)",
      soci::use(c.token_hash), soci::use(c.user_id), soci::use(remember), soci::use(expires),
      soci::use(created);
}

std::optional<MfaChallengeRecord> FindChallenge(Connection& sql, const std::string& token_hash) {
  MfaChallengeRecord c;
  int remember = 0;
  long long expires = 0, used = 0;
  soci::indicator used_ind = soci::i_null;
  sql << "SELECT token_hash, user_id, remember_me, attempts, expires_at, used_at "
         "FROM mfa_challenges WHERE token_hash = :h",
      soci::use(token_hash), soci::into(c.token_hash), soci::into(c.user_id), soci::into(remember),
      soci::into(c.attempts), soci::into(expires), soci::into(used, used_ind);
  if (!sql.got_data()) return std::nullopt;
  c.remember_me = remember != 0;
  c.expires_at = expires;
  if (used_ind == soci::i_ok) c.used_at = used;
  return c;
}

bool CountAttempt(Connection& sql, const std::string& token_hash, int max_attempts,
                  std::int64_t now) {
  long long t = now;
  soci::statement st = (sql.prepare << "UPDATE mfa_challenges SET attempts = attempts + 1 "
                                       "WHERE token_hash = :h AND used_at IS NULL AND "
                                       "expires_at > :t AND attempts < :max",
                        soci::use(token_hash), soci::use(t), soci::use(max_attempts));
  return Changed(st);
}

bool UseChallenge(Connection& sql, const std::string& token_hash, std::int64_t now) {
  long long t = now;
  soci::statement st = (sql.prepare << "UPDATE mfa_challenges SET used_at = :t WHERE "
                                       "token_hash = :h AND used_at IS NULL",
                        soci::use(t), soci::use(token_hash));
  return Changed(st);
}

void PutCode(Connection& sql, const std::string& user_id, FactorMethod method,
             const std::string& code_hash, std::int64_t expires_at, std::int64_t now) {
  const std::string name(NameOf(method));
  DeleteCode(sql, user_id, method);
  long long expires = expires_at, created = now;
  sql << "INSERT INTO mfa_codes (user_id, method, code_hash, expires_at, created_at) "
         "VALUES (:uid, :m, :h, :e, :c)",
      soci::use(user_id), soci::use(name), soci::use(code_hash), soci::use(expires),
      soci::use(created);
}

bool UseCode(Connection& sql, const std::string& user_id, FactorMethod method,
             const std::string& code_hash, int max_attempts, std::int64_t now) {
  const std::string name(NameOf(method));
  long long t = now;
  soci::statement counted =
      (sql.prepare << "UPDATE mfa_codes SET attempts = attempts + 1 WHERE user_id = :uid AND "
                      "method = :m AND expires_at > :t AND attempts < :max",
       soci::use(user_id), soci::use(name), soci::use(t), soci::use(max_attempts));
  if (!Changed(counted)) return false;
  soci::statement used = (sql.prepare << "DELETE FROM mfa_codes WHERE user_id = :uid AND "
                                         "method = :m AND code_hash = :h",
                          soci::use(user_id), soci::use(name), soci::use(code_hash));
  return Changed(used);
}

void DeleteCode(Connection& sql, const std::string& user_id, FactorMethod method) {
  const std::string name(NameOf(method));
  sql << "DELETE FROM mfa_codes WHERE user_id = :uid AND method = :m", soci::use(user_id),
      soci::use(name);
}

long long DeleteExpired(Connection& sql, std::int64_t now) {
  long long t = now, purged = 0;
  for (const char* table : {"mfa_challenges", "mfa_codes"}) {
    soci::statement st =
        (sql.prepare << "DELETE FROM " << table << " WHERE expires_at < :t", soci::use(t));
    st.execute(true);
    purged += st.get_affected_rows();
  }
  return purged;
}

}  // namespace gatehouse::mfa_store

#include "auth/link_tokens.hpp"

#include "core/base64url_text.hpp"
#include "crypto/random.hpp"
#include "store/one_time_token_store.hpp"

namespace gatehouse {
namespace {

constexpr std::size_t kMaxLinkTokenLength = 128;

}  // namespace

std::string NewLinkToken() { return RandomToken(kLinkTokenBytes); }

std::string LinkTokenHash(std::string_view token) { return Sha256Hex(token); }

bool IsWellFormedLinkToken(std::string_view token) {
  return !token.empty() && token.size() <= kMaxLinkTokenLength && IsBase64UrlText(token);
}

std::string IssueLinkToken(Connection& sql, const std::string& user_id, const std::string& purpose,
                           std::int64_t ttl_seconds, std::int64_t now) {
  one_time_token_store::VoidUnused(sql, user_id, purpose, now);
  std::string token = NewLinkToken();
  OneTimeTokenRecord row;
  row.id = RandomUuid();
  row.purpose = purpose;
  row.user_id = user_id;
  row.secret_hash = LinkTokenHash(token);
  row.expires_at = now + ttl_seconds;
  row.created_at = now;
  one_time_token_store::Insert(sql, row);
  return token;
}

std::optional<OneTimeTokenRecord> ConsumeLinkToken(Connection& sql, const std::string& purpose,
                                                   std::string_view token, std::int64_t now) {
  if (!IsWellFormedLinkToken(token)) return std::nullopt;
  // Found through its hash, which an attacker cannot steer byte by byte, so the index lookup
  // leaks nothing useful; the stored hash is still compared in constant time.
  std::string hash = LinkTokenHash(token);
  auto row = one_time_token_store::FindBySecretHash(sql, purpose, hash);
  if (!row || !ConstantTimeEquals(row->secret_hash, hash)) return std::nullopt;
  if (row->used_at || row->expires_at <= now) return std::nullopt;
  if (!one_time_token_store::MarkUsed(sql, row->id, now)) return std::nullopt;
  return row;
}

}  // namespace gatehouse

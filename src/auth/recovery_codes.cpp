#include "auth/recovery_codes.hpp"

#include "crypto/random.hpp"
#include "store/mfa_store.hpp"

namespace gatehouse {
namespace {

constexpr int kRecoveryCodeCount = 10;
constexpr std::size_t kRecoveryCodeLength = 10;  // 50 bits each
// 32 symbols without look-alikes (no l, o, 0, 1), so a byte maps to one without bias.
constexpr std::string_view kRecoveryAlphabet = "abcdefghijkmnpqrstuvwxyz23456789";

std::string NewRecoveryCode() {
  std::string bytes = RandomBytes(kRecoveryCodeLength);
  std::string code;
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    if (i == kRecoveryCodeLength / 2) code += '-';
    code += kRecoveryAlphabet[static_cast<unsigned char>(bytes[i]) % kRecoveryAlphabet.size()];
  }
  return code;
}

// Codes are compared without case, dashes or spaces, as people type them.
std::string RecoveryCodeHash(std::string_view code) {
  std::string normalized;
  for (char c : code) {
    if (c == '-' || c == ' ') continue;
    normalized += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  }
  return Sha256Hex("recovery:" + normalized);
}

}  // namespace

std::vector<std::string> IssueRecoveryCodes(Connection& sql, const std::string& user_id,
                                            std::int64_t now) {
  std::vector<std::string> codes, hashes;
  for (int i = 0; i < kRecoveryCodeCount; ++i) {
    codes.push_back(NewRecoveryCode());
    hashes.push_back(RecoveryCodeHash(codes.back()));
  }
  mfa_store::ReplaceRecoveryCodes(sql, user_id, hashes, now);
  return codes;
}

bool UseRecoveryCode(Connection& sql, const std::string& user_id, std::string_view code,
                     std::int64_t now) {
  return mfa_store::UseRecoveryCode(sql, user_id, RecoveryCodeHash(code), now);
}

}  // namespace gatehouse

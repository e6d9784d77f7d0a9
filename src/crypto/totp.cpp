#include "crypto/totp.hpp"

#include <liboath/oath.h>

#include <algorithm>
#include <mutex>
#include <stdexcept>

#include "core/form_encoding.hpp"
#include "crypto/random.hpp"

namespace gatehouse {
namespace {

void InitOath() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (oath_init() != OATH_OK) throw std::runtime_error("liboath initialisation failed");
  });
}

int Flags(TotpHash hash) {
  switch (hash) {
    case TotpHash::kSha256: return OATH_TOTP_HMAC_SHA256;
    case TotpHash::kSha512: return OATH_TOTP_HMAC_SHA512;
    case TotpHash::kSha1: break;
  }
  return 0;
}

}  // namespace

std::string NewTotpSecret() { return RandomBytes(kTotpSecretBytes); }

std::string Base32(std::string_view raw) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  std::string out;
  unsigned buffer = 0;
  int bits = 0;
  for (unsigned char c : raw) {
    buffer = (buffer << 8) | c;
    bits += 8;
    while (bits >= 5) {
      out += kAlphabet[(buffer >> (bits - 5)) & 0x1F];
      bits -= 5;
    }
  }
  if (bits > 0) out += kAlphabet[(buffer << (5 - bits)) & 0x1F];
  return out;
}

std::string TotpCode(std::string_view secret, std::int64_t unix_seconds, TotpHash hash,
                     int digits) {
  InitOath();
  char code[16] = {};
  int rc = oath_totp_generate2(secret.data(), secret.size(), static_cast<time_t>(unix_seconds),
                               kTotpStepSeconds, OATH_TOTP_DEFAULT_START_TIME,
                               static_cast<unsigned>(digits), Flags(hash), code);
  if (rc != OATH_OK) throw std::runtime_error(oath_strerror(rc));
  return code;
}

std::optional<std::uint64_t> VerifyTotp(std::string_view secret, std::string_view code,
                                        std::int64_t now,
                                        std::optional<std::uint64_t> last_accepted, int window,
                                        TotpHash hash) {
  if (code.size() != kTotpDigits ||
      !std::all_of(code.begin(), code.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::nullopt;
  }
  InitOath();
  std::string otp(code);
  int position = 0;
  std::uint64_t counter = 0;
  int rc =
      oath_totp_validate4(secret.data(), secret.size(), static_cast<time_t>(now), kTotpStepSeconds,
                          OATH_TOTP_DEFAULT_START_TIME, static_cast<std::size_t>(window), &position,
                          &counter, Flags(hash), otp.c_str());
  if (rc < 0) return std::nullopt;  // OATH_INVALID_OTP or an error
  if (last_accepted && counter <= *last_accepted) return std::nullopt;  // replayed
  return counter;
}

std::string OtpauthUri(std::string_view issuer, std::string_view account, std::string_view secret) {
  std::string label = PercentEncode(issuer) + ":" + PercentEncode(account);
  return "otpauth://totp/" + label + "?secret=" + Base32(secret) +
         "&issuer=" + PercentEncode(issuer) +
         "&algorithm=SHA1&digits=" + std::to_string(kTotpDigits) +
         "&period=" + std::to_string(kTotpStepSeconds);
}

}  // namespace gatehouse

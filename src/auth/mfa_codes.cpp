#include "auth/mfa_codes.hpp"

#include "crypto/random.hpp"
#include "notify/outbox_sender.hpp"
#include "store/mfa_store.hpp"

namespace gatehouse {
namespace {

constexpr std::size_t kCodeDigits = 6;

// The host of the public URL ("auth.example.com"), which an SMS names so that browsers offer
// the code only on that site (WebOTP).
std::string HostOf(const std::string& url) {
  auto start = url.find("://");
  start = start == std::string::npos ? 0 : start + 3;
  auto end = url.find_first_of(":/", start);
  return url.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

}  // namespace

std::string MaskedDestination(const std::string& destination) {
  if (auto at = destination.find('@'); at != std::string::npos) {
    return destination.substr(0, std::min<std::size_t>(at, 1)) + "***" + destination.substr(at);
  }
  constexpr std::size_t kShown = 2;  // the last digits of a phone number
  std::string masked = destination;
  for (std::size_t i = 1; i + kShown < masked.size(); ++i) masked[i] = '*';
  return masked;
}

MfaCodes::MfaCodes(const AccountContext& context, const SecretBox& box)
    : ctx_(context), box_(box) {}

std::string MfaCodes::Hash(const std::string& user_id, FactorMethod method,
                           const std::string& code) const {
  return box_.KeyedHash(user_id + "\n" + std::string(NameOf(method)) + "\n" + code);
}

Status MfaCodes::CountSend(const std::string& user_id, FactorMethod method,
                           const std::string& destination) {
  RatePolicy policy = PerHour(ctx_.config.mfa.codes_per_hour);
  const char* detail = "Too many codes were sent; wait before asking for another.";
  if (Status counted =
          ctx_.limiter.Require("mfa-code-" + std::string(NameOf(method)), policy, user_id, detail);
      !counted) {
    return counted;
  }
  return ctx_.limiter.Require("mfa-code-to", policy, destination, detail);
}

void MfaCodes::Queue(Connection& sql, const UserRecord& user, FactorMethod method,
                     const std::string& destination, const std::string& purpose, std::int64_t now) {
  std::string code = RandomDigits(kCodeDigits);
  mfa_store::PutCode(sql, user.id, method, Hash(user.id, method, code), now + kValidSeconds, now);
  const std::string& public_url = ctx_.config.server.public_url;
  TemplateValues values = {{"product", ctx_.config.mail.product_name},
                           {"name", user.NameOrEmail()},
                           {"code", code},
                           {"purpose", purpose},
                           {"code_minutes", std::to_string(kValidSeconds / 60)},
                           {"domain", HostOf(public_url)},
                           {"reset_url", ctx_.config.ui.link_base + "/forgot-password"}};
  if (method == FactorMethod::kSms) {
    RenderedMessage text = ctx_.templates.Render(MessageKind::kSmsCode, values);
    OutboxSender::EnqueueSms(sql, destination, text.text_body, now);
  } else {
    OutboxSender::Enqueue(sql, destination, ctx_.templates.Render(MessageKind::kMfaCode, values),
                          now);
  }
}

bool MfaCodes::Use(Connection& sql, const std::string& user_id, FactorMethod method,
                   const std::string& code, std::int64_t now) {
  return mfa_store::UseCode(sql, user_id, method, Hash(user_id, method, code), kAttempts, now);
}

}  // namespace gatehouse

#include "notify/sms_sender.hpp"

#include <spdlog/spdlog.h>

#include "core/form_encoding.hpp"
#include "crypto/random.hpp"
#include "http/outbound_client.hpp"

namespace gatehouse {

Status LogSmsSender::Send(const SmsMessage& message) {
  spdlog::info("sms (log provider) to={}\n{}", message.to, message.body);
  return Ok{};
}

TwilioSmsSender::TwilioSmsSender(TwilioConfig config, int timeout_seconds)
    : config_(std::move(config)), timeout_seconds_(timeout_seconds) {}

Status TwilioSmsSender::Send(const SmsMessage& message) {
  std::string base = config_.base_url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  OutboundRequest request;
  request.url =
      base + "/2010-04-01/Accounts/" + PercentEncode(config_.account_sid) + "/Messages.json";
  request.headers = {
      {"Content-Type", "application/x-www-form-urlencoded"},
      {"Authorization", "Basic " + Base64Encode(config_.account_sid + ":" + config_.auth_token)},
  };
  request.body = "To=" + PercentEncode(message.to) + "&From=" + PercentEncode(config_.from) +
                 "&Body=" + PercentEncode(message.body);
  request.ca_file = config_.ca_file;
  request.timeout = std::chrono::seconds(timeout_seconds_);
  auto response = SendOutbound(request);
  if (!response) {
    return MakeError(Errc::kUnavailable, "SMS provider: " + response.error().reason);
  }
  if (response->status < 200 || response->status > 299) {
    constexpr std::size_t kKeep = 512;  // enough of an error answer for the log
    return MakeError(Errc::kUnavailable, "SMS provider answered " +
                                             std::to_string(response->status) + ": " +
                                             response->body.substr(0, kKeep));
  }
  return Ok{};
}

std::unique_ptr<SmsSender> MakeSmsSender(const SmsConfig& config) {
  if (config.provider == "twilio") {
    return std::make_unique<TwilioSmsSender>(config.twilio, config.timeout_seconds);
  }
  return std::make_unique<LogSmsSender>();
}

}  // namespace gatehouse

#include "notify/sms_sender.hpp"

#include <curl/curl.h>
#include <spdlog/spdlog.h>

namespace gatehouse {
namespace {

struct CurlDeleter {
  void operator()(CURL* curl) const { curl_easy_cleanup(curl); }
};
using CurlHandle = std::unique_ptr<CURL, CurlDeleter>;

std::string FormEscape(CURL* curl, const std::string& value) {
  char* escaped = curl_easy_escape(curl, value.c_str(), static_cast<int>(value.size()));
  std::string out = escaped ? escaped : "";
  curl_free(escaped);
  return out;
}

std::size_t CollectBody(char* data, std::size_t size, std::size_t count, void* sink) {
  auto* body = static_cast<std::string*>(sink);
  constexpr std::size_t kKeep = 512;  // enough of an error answer for the log
  std::size_t n = size * count;
  if (body->size() < kKeep) body->append(data, std::min(n, kKeep - body->size()));
  return n;
}

}  // namespace

Status LogSmsSender::Send(const SmsMessage& message) {
  spdlog::info("sms (log provider) to={}\n{}", message.to, message.body);
  return Ok{};
}

TwilioSmsSender::TwilioSmsSender(TwilioConfig config, int timeout_seconds)
    : config_(std::move(config)), timeout_seconds_(timeout_seconds) {}

Status TwilioSmsSender::Send(const SmsMessage& message) {
  CurlHandle curl(curl_easy_init());
  if (!curl) return MakeError(Errc::kUnavailable, "curl_easy_init failed");
  std::string base = config_.base_url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  std::string url = base + "/2010-04-01/Accounts/" + FormEscape(curl.get(), config_.account_sid) +
                    "/Messages.json";
  std::string form = "To=" + FormEscape(curl.get(), message.to) +
                     "&From=" + FormEscape(curl.get(), config_.from) +
                     "&Body=" + FormEscape(curl.get(), message.body);
  std::string answer;
  CURL* c = curl.get();
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "https,http");
  curl_easy_setopt(c, CURLOPT_POSTFIELDS, form.c_str());
  curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, static_cast<long>(form.size()));
  curl_easy_setopt(c, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
  curl_easy_setopt(c, CURLOPT_USERNAME, config_.account_sid.c_str());
  curl_easy_setopt(c, CURLOPT_PASSWORD, config_.auth_token.c_str());
  curl_easy_setopt(c, CURLOPT_TIMEOUT, static_cast<long>(timeout_seconds_));
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, CollectBody);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &answer);
  if (!config_.ca_file.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, config_.ca_file.c_str());

  CURLcode rc = curl_easy_perform(c);
  if (rc != CURLE_OK) {
    return MakeError(Errc::kUnavailable, std::string("SMS provider: ") + curl_easy_strerror(rc));
  }
  long status = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  if (status < 200 || status > 299) {
    return MakeError(Errc::kUnavailable,
                     "SMS provider answered " + std::to_string(status) + ": " + answer);
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

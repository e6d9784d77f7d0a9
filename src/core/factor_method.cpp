#include "core/factor_method.hpp"

#include <array>
#include <utility>

namespace gatehouse {
namespace {

constexpr std::array<std::pair<FactorMethod, std::string_view>, 5> kNames = {{
    {FactorMethod::kTotp, "totp"},
    {FactorMethod::kEmail, "email"},
    {FactorMethod::kSms, "sms"},
    {FactorMethod::kWebauthn, "webauthn"},
    {FactorMethod::kRecoveryCode, "recovery_code"},
}};

}  // namespace

std::optional<FactorMethod> ParseFactorMethod(std::string_view name) {
  for (const auto& [method, text] : kNames) {
    if (text == name) return method;
  }
  return std::nullopt;
}

std::string_view NameOf(FactorMethod method) {
  for (const auto& [known, text] : kNames) {
    if (known == method) return text;
  }
  return {};
}

std::vector<std::string> NamesOf(const std::vector<FactorMethod>& methods) {
  std::vector<std::string> names;
  for (FactorMethod method : methods) names.emplace_back(NameOf(method));
  return names;
}

bool SendsCodes(FactorMethod method) {
  return method == FactorMethod::kEmail || method == FactorMethod::kSms;
}

bool IsEnrollable(FactorMethod method) {
  return method == FactorMethod::kTotp || SendsCodes(method);
}

}  // namespace gatehouse

#include "webauthn/client_data.hpp"

#include <nlohmann/json.hpp>

#include "crypto/random.hpp"

namespace gatehouse {
namespace {

constexpr std::size_t kMaxClientData = 4096;

std::optional<std::string> StringMember(const nlohmann::json& object, const char* name) {
  auto it = object.find(name);
  if (it == object.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

}  // namespace

std::optional<ClientData> ParseClientData(std::string_view json) {
  if (json.size() > kMaxClientData) return std::nullopt;
  nlohmann::json parsed = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (!parsed.is_object()) return std::nullopt;
  auto type = StringMember(parsed, "type");
  auto challenge = StringMember(parsed, "challenge");
  auto origin = StringMember(parsed, "origin");
  if (!type || !challenge || !origin) return std::nullopt;
  ClientData data;
  data.type = *type;
  data.origin = *origin;
  auto decoded = Base64UrlDecode(*challenge);
  if (!decoded || challenge->find('=') != std::string::npos) return std::nullopt;
  data.challenge = *decoded;
  if (auto cross = parsed.find("crossOrigin"); cross != parsed.end()) {
    if (!cross->is_boolean()) return std::nullopt;
    data.cross_origin = cross->get<bool>();
  }
  if (parsed.contains("topOrigin")) {
    data.top_origin = StringMember(parsed, "topOrigin");
    if (!data.top_origin) return std::nullopt;
  }
  return data;
}

}  // namespace gatehouse

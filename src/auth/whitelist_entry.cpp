#include "auth/whitelist_entry.hpp"

#include <nlohmann/json.hpp>

namespace gatehouse {
namespace {

constexpr std::string_view kType = R"({"type":)";
constexpr std::string_view kSession = R"(,"sid":)";
constexpr std::string_view kUser = R"(,"sub":)";
constexpr std::string_view kSibling = R"(,"sibling_id":)";

// Ids are base64url or UUIDs: nothing in them needs escaping. Anything else is quoted by the
// JSON library, and then never matches the byte comparison (see WhitelistEntryMatches).
bool IsPlain(std::string_view text) {
  for (char c : text) {
    if (c == '"' || c == '\\' || static_cast<unsigned char>(c) < 0x20) return false;
  }
  return true;
}

// Consumes `"text"` from the front of `rest`.
bool TakeQuoted(std::string_view& rest, std::string_view text) {
  if (rest.size() < text.size() + 2 || rest[0] != '"' || rest.substr(1, text.size()) != text ||
      rest[text.size() + 1] != '"') {
    return false;
  }
  rest.remove_prefix(text.size() + 2);
  return true;
}

bool TakeLiteral(std::string_view& rest, std::string_view literal) {
  if (!rest.starts_with(literal)) return false;
  rest.remove_prefix(literal.size());
  return true;
}

}  // namespace

std::string WhitelistEntry(std::string_view type, std::string_view session_id,
                           std::string_view user_id, std::string_view sibling_jti) {
  auto quoted = [](std::string_view s) { return nlohmann::json(s).dump(); };
  std::string entry;
  entry.reserve(96 + session_id.size() + user_id.size() + sibling_jti.size());
  entry.append(kType).append(quoted(type));
  entry.append(kSession).append(quoted(session_id));
  entry.append(kUser).append(quoted(user_id));
  entry.append(kSibling).append(quoted(sibling_jti));
  entry.push_back('}');
  return entry;
}

bool WhitelistEntryMatches(std::string_view entry, std::string_view type,
                           std::string_view session_id, std::string_view user_id) {
  if (!IsPlain(type) || !IsPlain(session_id) || !IsPlain(user_id)) return false;
  std::string_view rest = entry;
  return TakeLiteral(rest, kType) && TakeQuoted(rest, type) && TakeLiteral(rest, kSession) &&
         TakeQuoted(rest, session_id) && TakeLiteral(rest, kUser) && TakeQuoted(rest, user_id) &&
         TakeLiteral(rest, kSibling) && rest.size() >= 3 && rest.front() == '"' &&
         rest.find('"', 1) == rest.size() - 2 && rest.back() == '}';
}

}  // namespace gatehouse

#include "core/base64url_text.hpp"

#include <algorithm>

namespace gatehouse {

namespace {

constexpr std::size_t kMaxServerIdBytes = 64;

}  // namespace

bool IsBase64UrlText(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_';
  });
}

bool IsServerMadeIdOrEmpty(std::string_view text) {
  return text.size() <= kMaxServerIdBytes && IsBase64UrlText(text);
}

}  // namespace gatehouse

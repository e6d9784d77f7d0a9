#include "auth/validation.hpp"

#include <algorithm>

namespace gatehouse {

bool IsValidUtf8(std::string_view text) {
  std::size_t i = 0;
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  while (i < text.size()) {
    unsigned char c = s[i];
    std::size_t len;
    char32_t cp;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      len = 2;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + len > text.size()) return false;
    for (std::size_t k = 1; k < len; ++k) {
      if ((s[i + k] & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (s[i + k] & 0x3F);
    }
    static constexpr char32_t kMinForLength[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMinForLength[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += len;
  }
  return true;
}

std::size_t CodePointCount(std::string_view text) {
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

std::optional<std::string> NormalizeEmail(std::string_view raw) {
  auto is_space = [](char c) { return c == ' ' || c == '\t'; };
  while (!raw.empty() && is_space(raw.front())) raw.remove_prefix(1);
  while (!raw.empty() && is_space(raw.back())) raw.remove_suffix(1);
  if (raw.empty() || raw.size() > kMaxEmailLength || !IsValidUtf8(raw)) return std::nullopt;
  auto at = raw.rfind('@');
  if (at == std::string_view::npos || at == 0 || at > 64 || at + 1 >= raw.size()) {
    return std::nullopt;
  }
  std::string_view domain = raw.substr(at + 1);
  if (domain.find('.') == std::string_view::npos || domain.front() == '.' || domain.back() == '.' ||
      domain.find("..") != std::string_view::npos) {
    return std::nullopt;
  }
  std::string email;
  email.reserve(raw.size());
  for (std::size_t i = 0; i < raw.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(raw[i]);
    // No spaces, controls, or characters that mean something in headers or markup.
    if (c <= 0x20 || c == 0x7F || c == '<' || c == '>' || c == '"' || c == '(' || c == ')' ||
        c == ',' || c == ';' || c == '\\' || c == '[' || c == ']' || (c == '@' && i != at)) {
      return std::nullopt;
    }
    email += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : static_cast<char>(c);
  }
  return email;
}

std::optional<std::string> NormalizePhoneNumber(std::string_view raw) {
  constexpr std::size_t kMinDigits = 7, kMaxDigits = 15;
  if (raw.empty() || raw.front() != '+' || raw.size() > 32) return std::nullopt;
  std::string number = "+";
  for (char c : raw.substr(1)) {
    if (c >= '0' && c <= '9') {
      number += c;
    } else if (c != ' ' && c != '.' && c != '-' && c != '(' && c != ')') {
      return std::nullopt;
    }
  }
  std::size_t digits = number.size() - 1;
  if (digits < kMinDigits || digits > kMaxDigits || number[1] == '0') return std::nullopt;
  return number;
}

std::optional<std::string> CheckName(std::string_view name) {
  if (!IsValidUtf8(name)) return "The name is not valid UTF-8.";
  if (CodePointCount(name) > kMaxNameLength) {
    return "The name may have at most " + std::to_string(kMaxNameLength) + " characters.";
  }
  if (std::any_of(name.begin(), name.end(),
                  [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7F; })) {
    return "The name may not contain control characters.";
  }
  return std::nullopt;
}

}  // namespace gatehouse

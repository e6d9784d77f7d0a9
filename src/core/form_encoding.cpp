#include "core/form_encoding.hpp"

#include <algorithm>

namespace gatehouse {

std::string PercentEncode(std::string_view value) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(value.size());
  for (unsigned char ch : value) {
    bool unreserved = (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
                      (ch >= '0' && ch <= '9') || ch == '-' || ch == '.' || ch == '_' || ch == '~';
    if (unreserved) {
      out += static_cast<char>(ch);
    } else {
      out += '%';
      out += kHex[ch >> 4];
      out += kHex[ch & 0x0F];
    }
  }
  return out;
}

namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::optional<std::string> Decode(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '+' && plus_is_space) {
      out += ' ';
    } else if (text[i] == '%') {
      if (i + 2 >= text.size()) return std::nullopt;
      int high = HexValue(text[i + 1]), low = HexValue(text[i + 2]);
      if (high < 0 || low < 0) return std::nullopt;
      out += static_cast<char>(high * 16 + low);
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

}  // namespace

std::optional<std::string> PercentDecode(std::string_view text) { return Decode(text, false); }

std::optional<std::string> FormDecode(std::string_view text) { return Decode(text, true); }

std::optional<FormFields> ParseForm(std::string_view body, std::size_t max_fields) {
  FormFields fields;
  std::size_t at = 0;
  while (at < body.size()) {
    std::size_t end = std::min(body.find('&', at), body.size());
    std::string_view pair = body.substr(at, end - at);
    at = end + 1;
    if (pair.empty()) continue;  // "a=1&&b=2": browsers never send it, parsers skip it
    std::size_t eq = pair.find('=');
    auto name = FormDecode(pair.substr(0, eq));
    auto value = FormDecode(eq == std::string_view::npos ? "" : pair.substr(eq + 1));
    if (!name || !value || fields.size() >= max_fields) return std::nullopt;
    if (!fields.emplace(std::move(*name), std::move(*value)).second) return std::nullopt;
  }
  return fields;
}

}  // namespace gatehouse

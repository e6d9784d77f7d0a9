#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace gatehouse {

// `value` percent-encoded for a URL query or an application/x-www-form-urlencoded body:
// every byte but the unreserved ALPHA / DIGIT / "-" / "." / "_" / "~" (RFC 3986 §2.3)
// becomes %XX.
std::string PercentEncode(std::string_view value);

// `text` with each %XX decoded (RFC 3986 §2.1: "+" stays "+"); nullopt for a malformed escape.
std::optional<std::string> PercentDecode(std::string_view text);

// The same for a form or query value (application/x-www-form-urlencoded): "+" is a space too.
std::optional<std::string> FormDecode(std::string_view text);

using FormFields = std::map<std::string, std::string, std::less<>>;

// An application/x-www-form-urlencoded body (a form post) as its fields, "+" and %XX decoded.
// nullopt for a malformed escape, a field given twice (which value counts would be a guess),
// or more than `max_fields` fields.
std::optional<FormFields> ParseForm(std::string_view body, std::size_t max_fields = 64);

}  // namespace gatehouse

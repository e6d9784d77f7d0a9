#pragma once

#include <string>
#include <string_view>

namespace gatehouse {

// Appends `text` with & < > " ' escaped, safe in HTML text and quoted attribute values.
void AppendHtmlEscaped(std::string_view text, std::string& out);

// The same as a new string.
std::string HtmlEscape(std::string_view text);

}  // namespace gatehouse

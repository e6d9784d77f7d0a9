#include "core/unicode.hpp"

#include <utf8proc.h>

#include <cstdlib>
#include <memory>

namespace gatehouse {

namespace {

std::optional<std::string> Map(std::string_view text, int options) {
  utf8proc_uint8_t* mapped = nullptr;
  utf8proc_ssize_t length = utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(text.data()),
                                         static_cast<utf8proc_ssize_t>(text.size()), &mapped,
                                         static_cast<utf8proc_option_t>(options));
  if (length < 0) return std::nullopt;  // invalid UTF-8 (or out of memory)
  std::unique_ptr<utf8proc_uint8_t, decltype(&std::free)> owned(mapped, &std::free);
  return std::string(reinterpret_cast<const char*>(mapped), static_cast<std::size_t>(length));
}

}  // namespace

std::optional<std::string> NormalizeNfc(std::string_view text) {
  return Map(text, UTF8PROC_STABLE | UTF8PROC_COMPOSE);
}

std::string SearchKey(std::string_view text) {
  return Map(text, UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT | UTF8PROC_CASEFOLD)
      .value_or("");
}

}  // namespace gatehouse

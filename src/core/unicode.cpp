#include "core/unicode.hpp"

#include <utf8proc.h>

#include <cstdlib>
#include <memory>

namespace gatehouse {

std::optional<std::string> NormalizeNfc(std::string_view text) {
  utf8proc_uint8_t* normalized = nullptr;
  utf8proc_ssize_t length =
      utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(text.data()),
                   static_cast<utf8proc_ssize_t>(text.size()), &normalized,
                   static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPOSE));
  if (length < 0) return std::nullopt;  // invalid UTF-8 (or out of memory)
  std::unique_ptr<utf8proc_uint8_t, decltype(&std::free)> owned(normalized, &std::free);
  return std::string(reinterpret_cast<const char*>(normalized), static_cast<std::size_t>(length));
}

}  // namespace gatehouse

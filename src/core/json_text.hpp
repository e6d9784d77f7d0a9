#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace gatehouse {

// A text field of an answer or a log line: null when there is nothing, as docs/api.md writes
// absent values.
inline nlohmann::json TextOrNull(const std::string& text) {
  return text.empty() ? nlohmann::json(nullptr) : nlohmann::json(text);
}

}  // namespace gatehouse

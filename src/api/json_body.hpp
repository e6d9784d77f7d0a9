#pragma once

#include <nlohmann/json_fwd.hpp>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "http/message.hpp"

namespace gatehouse {

// A request's JSON object body with typed, length-checked field access. Missing or mistyped
// required fields are kValidationFailed naming the field; unknown fields are ignored.
class JsonBody {
 public:
  // kUnsupportedMediaType unless Content-Type is application/json; kInvalidRequest for
  // malformed JSON (including invalid UTF-8) or a non-object.
  static Result<JsonBody> Parse(const Request& request);

  bool Has(const char* name) const;
  Result<std::string> RequiredString(const char* name, std::size_t max_length) const;
  Result<std::string> OptionalString(const char* name, std::size_t max_length) const;
  Result<bool> OptionalBool(const char* name, bool fallback) const;
  // A required member that is a JSON object; it lives as long as this body.
  Result<const nlohmann::json*> RequiredObject(const char* name) const;
  // A required array of at most `max_items` strings of at most `max_length` bytes each.
  Result<std::vector<std::string>> RequiredStringArray(const char* name, std::size_t max_items,
                                                       std::size_t max_length) const;
  // The same, or an empty array when the field is missing or null.
  Result<std::vector<std::string>> OptionalStringArray(const char* name, std::size_t max_items,
                                                       std::size_t max_length) const;

 private:
  explicit JsonBody(std::shared_ptr<const nlohmann::json> object) : object_(std::move(object)) {}
  std::shared_ptr<const nlohmann::json> object_;
};

// Serialises `value` (UTF-8 JSON text) for a response body.
std::string Dump(const nlohmann::json& value);

}  // namespace gatehouse

#include "api/json_body.hpp"

#include <strings.h>
#include <nlohmann/json.hpp>

namespace gatehouse {
namespace {

bool IsJsonMediaType(std::string_view content_type) {
  auto semicolon = content_type.find(';');
  std::string_view type = content_type.substr(0, semicolon);
  while (!type.empty() && type.back() == ' ') type.remove_suffix(1);
  constexpr std::string_view kJson = "application/json";
  return type.size() == kJson.size() && strncasecmp(type.data(), kJson.data(), kJson.size()) == 0;
}

Error FieldError(const char* name, const std::string& what) {
  return MakeError(Errc::kValidationFailed, std::string("field ") + name,
                   std::string("'") + name + "' " + what);
}

}  // namespace

Result<JsonBody> JsonBody::Parse(const Request& request) {
  if (!IsJsonMediaType(request.Header("content-type"))) {
    return MakeError(Errc::kUnsupportedMediaType, "content type",
                     "The request body must be application/json.");
  }
  // No exceptions: malformed input, invalid UTF-8 and excessive nesting all land here.
  auto parsed = std::make_shared<nlohmann::json>(
      nlohmann::json::parse(request.body, nullptr, /*allow_exceptions=*/false));
  if (parsed->is_discarded()) {
    return MakeError(Errc::kInvalidRequest, "malformed JSON", "The body is not valid JSON.");
  }
  if (!parsed->is_object()) {
    return MakeError(Errc::kInvalidRequest, "JSON not an object",
                     "The body must be a JSON object.");
  }
  return JsonBody(std::move(parsed));
}

bool JsonBody::Has(const char* name) const {
  auto it = object_->find(name);
  return it != object_->end() && !it->is_null();
}

Result<std::string> JsonBody::RequiredString(const char* name, std::size_t max_length) const {
  if (!Has(name)) return FieldError(name, "is required.");
  return OptionalString(name, max_length);
}

Result<std::string> JsonBody::OptionalString(const char* name, std::size_t max_length) const {
  auto it = object_->find(name);
  if (it == object_->end() || it->is_null()) return std::string();
  if (!it->is_string()) return FieldError(name, "must be a string.");
  const auto& value = it->get_ref<const std::string&>();
  if (value.size() > max_length) {
    return FieldError(name, "is too long (at most " + std::to_string(max_length) + " bytes).");
  }
  return value;
}

Result<const nlohmann::json*> JsonBody::RequiredObject(const char* name) const {
  auto it = object_->find(name);
  if (it == object_->end() || it->is_null()) return FieldError(name, "is required.");
  if (!it->is_object()) return FieldError(name, "must be an object.");
  return &*it;
}

Result<std::vector<std::string>> JsonBody::RequiredStringArray(const char* name,
                                                               std::size_t max_items,
                                                               std::size_t max_length) const {
  auto it = object_->find(name);
  if (it == object_->end() || it->is_null()) return FieldError(name, "is required.");
  if (!it->is_array()) return FieldError(name, "must be an array of strings.");
  if (it->size() > max_items) {
    return FieldError(name, "has too many items (at most " + std::to_string(max_items) + ").");
  }
  std::vector<std::string> items;
  for (const auto& item : *it) {
    if (!item.is_string()) return FieldError(name, "must be an array of strings.");
    const auto& value = item.get_ref<const std::string&>();
    if (value.size() > max_length) {
      return FieldError(
          name, "has an item that is too long (at most " + std::to_string(max_length) + " bytes).");
    }
    items.push_back(value);
  }
  return items;
}

Result<std::vector<std::string>> JsonBody::OptionalStringArray(const char* name,
                                                               std::size_t max_items,
                                                               std::size_t max_length) const {
  if (!Has(name)) return std::vector<std::string>();
  return RequiredStringArray(name, max_items, max_length);
}

Result<bool> JsonBody::OptionalBool(const char* name, bool fallback) const {
  auto it = object_->find(name);
  if (it == object_->end() || it->is_null()) return fallback;
  if (!it->is_boolean()) return FieldError(name, "must be true or false.");
  return it->get<bool>();
}

std::string Dump(const nlohmann::json& value) {
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace gatehouse

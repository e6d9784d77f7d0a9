#pragma once

#include <string_view>

namespace gatehouse {

// The OpenAPI 3.1 document of every route (src/api/openapi.json, embedded at build time).
std::string_view OpenApiDocument();

}  // namespace gatehouse

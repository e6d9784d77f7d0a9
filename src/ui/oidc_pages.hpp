#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "ui/page_support.hpp"

namespace gatehouse {

// Where a held authorization request continues after sign-in: /oauth2/authorize/continue.
inline constexpr std::string_view kAuthorizeContinuePath = "/oauth2/authorize/continue";

// The client origin a sign-in page's forms end up on when `return_to` continues an
// authorization request (its redirect URI's origin), for the page's CSP; else nothing.
std::vector<std::string> AuthorizationFormOrigins(const PageServices& pages,
                                                  std::string_view return_to);

}  // namespace gatehouse

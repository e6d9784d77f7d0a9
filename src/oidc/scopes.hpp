#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace gatehouse {

// The scopes Gatehouse grants: openid (required), profile (name), email (email and whether
// it is verified) and offline_access (a refresh token that outlives the sign-in).
inline constexpr std::string_view kSupportedScopes[] = {"openid", "profile", "email",
                                                        "offline_access"};

// The supported scopes named in a space-separated `scope` parameter, in kSupportedScopes
// order and each once; others are left out (OpenID Connect Core §5.4: unknown scope values
// are ignored).
std::vector<std::string> GrantableScopes(std::string_view scope);

// Scopes joined with single spaces.
std::string JoinScopes(const std::vector<std::string>& scopes);

bool HasScope(std::string_view scopes, std::string_view scope);

// Whether every scope of `wanted` is in `allowed` (both space-separated).
bool ScopesCover(std::string_view allowed, std::string_view wanted);

}  // namespace gatehouse

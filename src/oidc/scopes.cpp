#include "oidc/scopes.hpp"

#include <algorithm>
#include <sstream>

namespace gatehouse {
namespace {

std::vector<std::string> Split(std::string_view scopes) {
  std::vector<std::string> items;
  std::istringstream in{std::string(scopes)};
  for (std::string item; in >> item;) items.push_back(item);
  return items;
}

}  // namespace

std::vector<std::string> GrantableScopes(std::string_view scope) {
  std::vector<std::string> asked = Split(scope);
  std::vector<std::string> granted;
  for (std::string_view supported : kSupportedScopes) {
    if (std::find(asked.begin(), asked.end(), supported) != asked.end()) {
      granted.emplace_back(supported);
    }
  }
  return granted;
}

std::string JoinScopes(const std::vector<std::string>& scopes) {
  std::string joined;
  for (const auto& scope : scopes) joined += (joined.empty() ? "" : " ") + scope;
  return joined;
}

bool HasScope(std::string_view scopes, std::string_view scope) {
  auto items = Split(scopes);
  return std::find(items.begin(), items.end(), scope) != items.end();
}

bool ScopesCover(std::string_view allowed, std::string_view wanted) {
  auto have = Split(allowed);
  for (const auto& scope : Split(wanted)) {
    if (std::find(have.begin(), have.end(), scope) == have.end()) return false;
  }
  return true;
}

}  // namespace gatehouse

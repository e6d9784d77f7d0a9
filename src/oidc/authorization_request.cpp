#include "oidc/authorization_request.hpp"

#include <algorithm>
#include <charconv>
#include <sstream>

#include "core/base64url_text.hpp"
#include "core/form_encoding.hpp"
#include "oidc/client_registry.hpp"
#include "oidc/redirect_uri.hpp"
#include "oidc/scopes.hpp"

namespace gatehouse {
namespace {

constexpr std::size_t kMaxStateLength = 2048;
constexpr std::size_t kMaxNonceLength = 512;
constexpr std::size_t kMaxLoginHintLength = 320;

using Outcome = std::variant<AuthorizationRequest, AuthorizationRefusal>;

// RFC 7636 §4.2: code_challenge = BASE64URL(SHA256(verifier)), 43 characters for S256.
bool IsS256Challenge(std::string_view challenge) {
  return challenge.size() == 43 && IsBase64UrlText(challenge);
}

bool Printable(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](unsigned char c) { return c >= 0x20; });
}

}  // namespace

Result<Outcome> ParseAuthorizationRequest(std::string_view query, const ClientLookup& find_client) {
  auto fields = ParseForm(query);
  // Until client_id and redirect_uri are checked, errors are shown, never redirected.
  auto page = [](std::string error, std::string description) -> Outcome {
    return AuthorizationRefusal{std::move(error), std::move(description), "", ""};
  };
  if (!fields) {
    return page("invalid_request",
                "The request's parameters are malformed or one of them is given twice.");
  }
  // RFC 6749 §3.1: a parameter without a value is as if it were left out.
  auto param = [&](std::string_view name) -> std::string {
    auto it = fields->find(name);
    return it == fields->end() ? "" : it->second;
  };
  std::string client_id = param("client_id");
  if (client_id.empty()) return page("invalid_request", "The request names no client.");
  if (client_id.size() > 64) return page("invalid_client", "The client is unknown.");
  auto client = find_client(client_id);
  if (!client) return client.error();
  if (!*client) return page("invalid_client", "The client is unknown.");
  std::string redirect_uri = param("redirect_uri");
  if (redirect_uri.empty()) {
    return page("invalid_request", "The request has no redirect_uri.");
  }
  const auto& registered = (*client)->redirect_uris;
  bool known = std::any_of(registered.begin(), registered.end(), [&](const std::string& uri) {
    return RedirectUriMatches(uri, redirect_uri);
  });
  if (!known) {
    return page("invalid_request", "The redirect_uri is not one registered for this client.");
  }

  // From here on the client is told, at its redirect URI, with its state.
  std::string state = param("state");
  bool state_too_long = state.size() > kMaxStateLength;
  if (state_too_long) state.clear();  // not echoed back
  auto refuse = [&](std::string error, std::string description) -> Outcome {
    return AuthorizationRefusal{std::move(error), std::move(description), redirect_uri, state};
  };
  if (state_too_long) return refuse("invalid_request", "state is too long.");
  if (!param("request").empty()) {
    return refuse("request_not_supported", "Request objects are not supported.");
  }
  if (!param("request_uri").empty()) {
    return refuse("request_uri_not_supported", "Request objects are not supported.");
  }
  if (!HasGrant(**client, kGrantAuthorizationCode)) {
    return refuse("unauthorized_client", "This client may not use the authorization code flow.");
  }
  std::string response_type = param("response_type");
  if (response_type.empty()) return refuse("invalid_request", "response_type is missing.");
  if (response_type != "code") {
    return refuse("unsupported_response_type", "Only the authorization code flow is supported.");
  }
  if (std::string mode = param("response_mode"); !mode.empty() && mode != "query") {
    return refuse("invalid_request", "Only response_mode=query is supported.");
  }
  AuthorizationRequest request;
  request.client = **client;
  request.redirect_uri = redirect_uri;
  request.state = state;
  request.scope = JoinScopes(GrantableScopes(param("scope")));
  if (!HasScope(request.scope, "openid")) {
    return refuse("invalid_scope", "The scope must include openid.");
  }

  std::string challenge = param("code_challenge");
  std::string method = param("code_challenge_method");
  if (!challenge.empty()) {
    if (method != "S256") {
      return refuse("invalid_request", "code_challenge_method must be S256 (plain is refused).");
    }
    if (!IsS256Challenge(challenge)) {
      return refuse("invalid_request", "code_challenge is not a base64url SHA-256 value.");
    }
    request.code_challenge = challenge;
  } else if (!method.empty()) {
    return refuse("invalid_request", "code_challenge_method without a code_challenge.");
  } else if ((*client)->is_public()) {
    return refuse("invalid_request", "A public client must use PKCE (code_challenge, S256).");
  }

  request.nonce = param("nonce");
  if (request.nonce.size() > kMaxNonceLength || !Printable(request.nonce)) {
    return refuse("invalid_request", "nonce is too long or holds control characters.");
  }
  std::istringstream prompts(param("prompt"));
  for (std::string prompt; prompts >> prompt;) {
    if (prompt == "none") {
      request.prompt_none = true;
    } else if (prompt == "login") {
      request.prompt_login = true;
    } else if (prompt == "consent") {
      request.prompt_consent = true;
    } else if (prompt != "select_account") {  // one account per browser: nothing to select
      return refuse("invalid_request", "prompt may hold none, login, consent, select_account.");
    }
  }
  if (request.prompt_none && (request.prompt_login || request.prompt_consent)) {
    return refuse("invalid_request", "prompt=none cannot be combined with other values.");
  }
  if (std::string max_age = param("max_age"); !max_age.empty()) {
    std::int64_t seconds = -1;
    auto [end, ec] = std::from_chars(max_age.data(), max_age.data() + max_age.size(), seconds);
    if (ec != std::errc() || end != max_age.data() + max_age.size() || seconds < 0) {
      return refuse("invalid_request", "max_age must be a number of seconds.");
    }
    request.max_age = seconds;
  }
  request.login_hint = param("login_hint");
  if (request.login_hint.size() > kMaxLoginHintLength || !Printable(request.login_hint)) {
    request.login_hint.clear();  // only a hint: ignored when it cannot be an address
  }
  return Outcome(std::move(request));
}

std::string RedirectWith(std::string_view redirect_uri,
                         const std::vector<std::pair<std::string, std::string>>& parameters) {
  std::string url(redirect_uri);
  char separator = url.find('?') == std::string::npos ? '?' : '&';
  for (const auto& [name, value] : parameters) {
    url += separator + name + "=" + PercentEncode(value);
    separator = '&';
  }
  return url;
}

}  // namespace gatehouse

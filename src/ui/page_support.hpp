#pragma once

#include <map>
#include <optional>
#include <string>

#include "api/services.hpp"
#include "auth/token_service.hpp"
#include "config/config.hpp"
#include "core/form_encoding.hpp"
#include "http/message.hpp"
#include "http/router.hpp"
#include "ui/page_renderer.hpp"

namespace gatehouse {

// What page handlers reach: the API's services and the renderer.
struct PageServices {
  Services& api;
  const PageRenderer& renderer;
};

// The per-address rate limit a page's form counts against: the same policy, and so the same
// counter, as the API route the page stands for.
struct PageLimit {
  const char* name;  // "login", "registration", ...
  const RatePolicy& policy;
};

// The fields of a page's form post: an application/x-www-form-urlencoded body whose `csrf`
// field matches the CSRF cookie, posted from public_url's origin, within `limit` when given.
// kUnsupportedMediaType, kInvalidRequest, kCsrfFailed or kRateLimited otherwise.
Result<FormFields> ReadForm(const Request& request, const PageServices& pages,
                            std::optional<PageLimit> limit = std::nullopt);

// The signed-in visitor of a page, from the access cookie. An expired or rotated access cookie
// is renewed from the refresh cookie (the rotation of POST /v1/auth/refresh, with its reuse
// detection); the new cookies are then in `cookies` and `csrf` is the new CSRF token. The visit
// counts as activity on the session.
struct PageVisitor {
  AuthenticatedAccount caller;
  Response cookies;  // only Set-Cookie headers, to copy onto the page's response
  std::string csrf;  // empty unless the cookies were renewed
};
std::optional<PageVisitor> SignedIn(const Request& request, PageServices& pages);

// Copies the Set-Cookie headers of `from` onto `to`.
void CopyCookies(const Response& from, Response& to);

// `page` for a signed-in visitor: its forms carry the visitor's CSRF token, and renewed
// session cookies go out with it.
Response RenderFor(const PageServices& pages, const Request& request, const PageVisitor& visitor,
                   Page page);

// To sign in first, then back to `path`.
Response SignInFirst(std::string_view path);

// After a signed-in visitor's form: back to `path` with ?done=`what`, the name of a notice the
// page looks up in a fixed list (NoticeFor), so the query can never put text on the page.
Response DoneRedirect(const PageVisitor& visitor, std::string_view path, std::string_view what);
std::string NoticeFor(const Request& request,
                      const std::map<std::string, std::string, std::less<>>& notices);

// A form posted by a signed-in visitor (ReadForm, then SignedIn); otherwise `refused` is the
// answer: the error page, or sign-in and back to `back_to`.
struct SignedInPost {
  FormFields form;
  PageVisitor visitor;
  std::optional<Response> refused;
};
SignedInPost ReadSignedInPost(const Request& request, PageServices& pages, std::string_view back_to,
                              std::optional<PageLimit> limit = std::nullopt);

// The page for an error a page's action met: its status, and a message from the catalog
// (error.csrf, error.rate_limited, error.unavailable, error.invalid_input); logged like the
// API's problems.
Response ErrorPage(const Request& request, const PageServices& pages, const Error& error);

// A route handler calling `fn` with the page services.
Handler OnPage(PageServices& pages, Response (*fn)(PageServices&, const Request&));
// Same, for pages with path parameters (/account/passkeys/{passkey_id}/rename).
Handler OnPage(PageServices& pages,
               Response (*fn)(PageServices&, const Request&, const PathParams&));

// Recovery codes, shown this once: to copy, download or write down; `notice_key` says what
// brought them.
Response ShowRecoveryCodes(PageServices& pages, const Request& request, const PageVisitor& visitor,
                           const std::vector<std::string>& codes, std::string notice_key);

// For the pages' script (passkeys.js), which fetches WebAuthn options: the JSON, or a
// refusal as {message} in the visitor's language (`key`, a catalog key), with the error's
// status.
Response ScriptAnswer(const nlohmann::json& body);
Response ScriptRefusal(const PageServices& pages, const Request& request, const Error& error,
                       std::string_view key);

// Where to send a page request made to the loopback address when public_url names it
// "localhost" with the same port (the embedded default, http://localhost:8080, serving on
// 127.0.0.1:8080): public_url with the request's path and query. Forms, cookies and passkeys
// belong to public_url's origin, so the pages are used there. nullopt for any other request.
std::optional<std::string> LoopbackAliasRedirect(const Request& request,
                                                 std::string_view public_url);

// "2026-12-01 13:40 UTC": a time the same in every language.
std::string ShownTime(std::int64_t unix_seconds);

// The page's form field `name`, or empty.
std::string Field(const FormFields& form, std::string_view name);

}  // namespace gatehouse

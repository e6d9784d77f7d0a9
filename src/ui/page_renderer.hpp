#pragma once

#include <nlohmann/json.hpp>

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"
#include "http/message.hpp"
#include "ui/catalog.hpp"
#include "ui/return_to.hpp"
#include "ui/template.hpp"

namespace gatehouse {

// One page to answer with: templates/<name>.html and its values.
struct Page {
  int status = 200;
  std::string name;       // "sign_in"
  std::string title_key;  // catalog key of the <title> and heading, e.g. "sign_in.title"
  nlohmann::json data = nlohmann::json::object();
  std::string error_key;   // a catalog key shown as the page's error alert, if any
  std::string notice_key;  // a catalog key shown as a confirmation, if any
  std::string csrf;        // the CSRF token the forms carry; empty: the request's cookie
  // More catalog texts by the data name that shows them: {"body_text", "check_email.body"}.
  std::map<std::string, std::string> texts;
  // Where this page's forms may end up besides public_url and the return URLs: an OpenID
  // Connect client's redirect origin, for the pages of its sign-in (CSP form-action governs
  // the redirects after a post too). Each a plain origin or scheme (see FormOriginOf).
  std::vector<std::string> form_origins;
};

// The CSP source of a redirect URI's origin ("https://app.example.com:8443",
// "com.example.app:"), or empty when it is not one that a source expression can hold.
std::string FormOriginOf(std::string_view uri);

// Renders the hosted pages: templates (built in, each overridable from ui.templates_dir),
// strings in the visitor's language, the layout's values (product name, logo, footer links,
// the CSRF token forms carry), and the headers every page needs (a strict CSP, HSTS when
// public_url is https, no caching). Immutable after construction; thread-safe.
class PageRenderer {
 public:
  // Throws std::runtime_error naming a bad template, catalog or logo file (start-up).
  explicit PageRenderer(const Config& config);

  Response Render(const Request& request, Page page) const;
  // 303 See Other to `location` (after a form post, so a reload does not post again).
  static Response Redirect(const std::string& location);
  // GET /ui/<file>: the stylesheet, theme, icon or logo; kNotFound otherwise.
  Response Asset(std::string_view file) const;

  const ReturnUrls& return_urls() const { return return_urls_; }
  // The visitor's language, from Accept-Language.
  std::string LanguageOf(const Request& request) const;
  // The catalog's text for `key` in the visitor's language (for answers that are not pages,
  // such as a script's JSON).
  std::string TextFor(const Request& request, std::string_view key) const;

 private:
  const PageTemplate* Find(std::string_view name) const;

  const Config& config_;
  Catalog catalog_;
  ReturnUrls return_urls_;
  std::map<std::string, PageTemplate, std::less<>> templates_;  // by name, without .html
  std::string theme_css_;
  std::string logo_;
  std::string logo_type_;
  std::string ContentSecurityPolicy(const std::vector<std::string>& more_form_origins) const;

  std::string form_action_;  // 'self' and the return URLs' origins
  nlohmann::json layout_;    // values every page has
};

}  // namespace gatehouse

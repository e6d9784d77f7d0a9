#include "ui/page_renderer.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "api/cookies.hpp"
#include "http/problem.hpp"
#include "ui/embedded_files.hpp"

namespace gatehouse {
namespace {

constexpr std::string_view kTemplatePrefix = "templates/";
constexpr std::size_t kMaxLogoBytes = 512 * 1024;

std::string ReadFile(const std::filesystem::path& path, const char* what) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in) throw std::runtime_error(std::string("cannot read ") + what + " " + path.string());
  return text.str();
}

PageTemplate ParseOrThrow(std::string_view source, const std::string& name) {
  auto parsed = PageTemplate::Parse(source, name);
  if (!parsed) throw std::runtime_error(parsed.error().reason);
  return std::move(*parsed);
}

// WCAG relative luminance of "#rrggbb".
double Luminance(const std::string& hex) {
  double channels[3];
  for (int i = 0; i < 3; ++i) {
    double c = std::stoi(hex.substr(1 + 2 * i, 2), nullptr, 16) / 255.0;
    channels[i] = c <= 0.03928 ? c / 12.92 : std::pow((c + 0.055) / 1.055, 2.4);
  }
  return 0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2];
}

// The operator's colour for buttons, links and focus rings, with the text colour on it that
// contrasts more (black or white), in both colour schemes.
std::string ThemeCss(const std::string& primary) {
  if (primary.empty()) return "/* ui.primary_color is not set: the built-in palette */\n";
  double l = Luminance(primary);
  bool dark_text = (l + 0.05) / 0.05 > 1.05 / (l + 0.05);
  std::string on = dark_text ? "#000000" : "#ffffff";
  std::string vars = "--primary:" + primary + ";--on-primary:" + on + ";--focus:" + primary + ";";
  return ":root{" + vars + "}\n@media (prefers-color-scheme: dark){:root{" + vars + "}}\n";
}

Response Text(int status, std::string content_type, std::string body, bool cacheable) {
  Response r;
  r.status = status;
  r.SetHeader("Content-Type", std::move(content_type));
  if (cacheable) r.SetHeader("Cache-Control", "public, max-age=3600");
  r.body = std::move(body);
  return r;
}

}  // namespace

PageRenderer::PageRenderer(const Config& config)
    : config_(config),
      catalog_([&] {
        auto loaded = Catalog::Load(config.ui.catalog_dir);
        if (!loaded) throw std::runtime_error(loaded.error().reason);
        return std::move(*loaded);
      }()),
      return_urls_(config.server.public_url, config.ui.allowed_return_urls),
      theme_css_(ThemeCss(config.ui.primary_color)) {
  std::map<std::string, std::string> sources;
  for (const auto& [path, content] : EmbeddedFiles()) {
    if (!path.starts_with(kTemplatePrefix)) continue;
    std::string file(path.substr(kTemplatePrefix.size()));
    sources[file] = std::string(content);
  }
  if (!config.ui.templates_dir.empty()) {
    std::error_code error;
    std::filesystem::directory_iterator entries(config.ui.templates_dir, error);
    if (error) throw std::runtime_error("cannot read ui.templates_dir " + config.ui.templates_dir);
    for (const auto& entry : entries) {
      std::string file = entry.path().filename().string();
      // A misspelt override would otherwise be ignored in silence.
      if (!sources.contains(file)) {
        throw std::runtime_error("unknown page template " + entry.path().string());
      }
      sources[file] = ReadFile(entry.path(), "page template");
    }
  }
  for (const auto& [file, source] : sources) {
    std::string name = file.substr(0, file.rfind('.'));
    templates_.emplace(name, ParseOrThrow(source, file));
  }

  std::string logo_url = "/ui/icon.svg";
  if (!config.ui.logo_file.empty()) {
    std::filesystem::path path(config.ui.logo_file);
    std::string extension = path.extension().string();
    if (extension == ".svg") {
      logo_type_ = "image/svg+xml";
    } else if (extension == ".png") {
      logo_type_ = "image/png";
    } else {
      throw std::runtime_error("ui.logo_file must be an .svg or .png file");
    }
    logo_ = ReadFile(path, "logo");
    if (logo_.size() > kMaxLogoBytes) throw std::runtime_error("ui.logo_file is over 512 KiB");
    logo_url = "/ui/logo";
  }

  form_action_ = "'self'";
  for (const std::string& origin : return_urls_.Origins()) form_action_ += " " + origin;

  layout_ = {{"product_name", config.ui.product_name},
             {"logo_url", logo_url},
             {"terms_url", config.ui.terms_url},
             {"privacy_url", config.ui.privacy_url},
             {"support_url", config.ui.support_url},
             {"password_min_length", config.accounts.password_min_length},
             {"has_footer_links", !config.ui.terms_url.empty() || !config.ui.privacy_url.empty() ||
                                      !config.ui.support_url.empty()}};
}

// No inline script or style anywhere; a form may only post here, and a sign-in may only end
// on an allowed return URL or the client it signs in to (form-action also governs the
// redirect after a post).
std::string PageRenderer::ContentSecurityPolicy(
    const std::vector<std::string>& more_form_origins) const {
  std::string form_action = form_action_;
  for (const std::string& origin : more_form_origins) {
    if (!origin.empty()) form_action += " " + origin;
  }
  return "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src "
         "'self'; "
         "form-action " +
         form_action + "; frame-ancestors 'none'; base-uri 'none'";
}

std::string FormOriginOf(std::string_view uri) {
  // Only characters a scheme, host and port can have: nothing that could end the directive.
  auto plain = [](std::string_view text) {
    return !text.empty() && std::all_of(text.begin(), text.end(), [](unsigned char c) {
      return std::isalnum(c) || c == '.' || c == '-' || c == '+' || c == ':' || c == '[' ||
             c == ']';
    });
  };
  auto colon = uri.find(':');
  if (colon == std::string_view::npos) return "";
  if (!uri.substr(colon).starts_with("://")) {
    std::string_view scheme = uri.substr(0, colon + 1);  // a private-use scheme source
    return plain(scheme) ? std::string(scheme) : "";
  }
  auto end = uri.find_first_of("/?", colon + 3);
  std::string_view origin = uri.substr(0, end);
  std::string_view authority = origin.substr(colon + 3);
  return plain(uri.substr(0, colon)) && plain(authority) ? std::string(origin) : "";
}

const PageTemplate* PageRenderer::Find(std::string_view name) const {
  auto it = templates_.find(name);
  return it == templates_.end() ? nullptr : &it->second;
}

std::string PageRenderer::LanguageOf(const Request& request) const {
  return catalog_.PickLanguage(request.Header("accept-language"));
}

std::string PageRenderer::TextFor(const Request& request, std::string_view key) const {
  return std::string(catalog_.Text(LanguageOf(request), key));
}

Response PageRenderer::Render(const Request& request, Page page) const {
  const PageTemplate* tmpl = Find(page.name);
  if (!tmpl) return ProblemResponse(MakeError(Errc::kInternal, "no page template " + page.name));
  std::string lang = LanguageOf(request);
  Response response;
  std::string csrf = page.csrf;
  if (csrf.empty()) csrf = std::string(CookieValue(request, kCsrfCookie));
  if (csrf.empty()) csrf = IssueCsrfCookie(response);

  nlohmann::json& data = page.data;
  for (const auto& [key, value] : layout_.items()) {
    if (!data.contains(key)) data[key] = value;
  }
  data["lang"] = lang;
  data["csrf"] = csrf;
  RenderEnvironment env{
      .partial = [this](std::string_view name) { return Find(name); },
      .translate = [&](std::string_view key) { return catalog_.Text(lang, key); },
  };
  // Plain text here: the template escapes it again where it is shown.
  data["page_title"] = FillPlaceholders(catalog_.Text(lang, page.title_key), data);
  if (!page.error_key.empty()) {
    data["error_key"] = page.error_key;
    data["error_text"] = FillPlaceholders(catalog_.Text(lang, page.error_key), data);
  }
  if (!page.notice_key.empty()) {
    data["notice_text"] = FillPlaceholders(catalog_.Text(lang, page.notice_key), data);
  }
  for (const auto& [name, key] : page.texts) {
    data[name] = FillPlaceholders(catalog_.Text(lang, key), data);
  }

  response.status = page.status;
  response.SetHeader("Content-Type", "text/html; charset=utf-8");
  response.SetHeader("Content-Security-Policy", ContentSecurityPolicy(page.form_origins));
  response.SetHeader("Cache-Control", "no-store");
  // same-origin, not no-referrer: with no-referrer a browser sends "Origin: null" on the
  // page's own form posts, which the CSRF check must refuse. Other sites still see nothing
  // (e-mailed links carry a token in their URL).
  response.SetHeader("Referrer-Policy", "same-origin");
  if (config_.server.public_url.starts_with("https://")) {
    response.SetHeader("Strict-Transport-Security", "max-age=31536000");
  }
  response.body.reserve(8192);
  tmpl->Render(data, env, response.body);
  return response;
}

Response PageRenderer::Redirect(const std::string& location) {
  Response r;
  r.status = 303;
  r.SetHeader("Location", location);
  return r;
}

Response PageRenderer::Asset(std::string_view file) const {
  if (file == "gatehouse.css") {
    return Text(200, "text/css; charset=utf-8", std::string(EmbeddedFile("assets/gatehouse.css")),
                true);
  }
  if (file == "gatehouse.js") {
    return Text(200, "text/javascript; charset=utf-8",
                std::string(EmbeddedFile("assets/gatehouse.js")), true);
  }
  if (file == "passkeys.js") {
    return Text(200, "text/javascript; charset=utf-8",
                std::string(EmbeddedFile("assets/passkeys.js")), true);
  }
  if (file == "theme.css") return Text(200, "text/css; charset=utf-8", theme_css_, true);
  if (file == "icon.svg") {
    return Text(200, "image/svg+xml", std::string(EmbeddedFile("assets/icon.svg")), true);
  }
  if (file == "logo" && !logo_.empty()) return Text(200, logo_type_, logo_, true);
  return ProblemResponse(MakeError(Errc::kNotFound, "", "No such file."));
}

}  // namespace gatehouse

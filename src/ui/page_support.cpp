#include "ui/page_support.hpp"

#include <strings.h>

#include <ctime>

#include "api/cookies.hpp"
#include "api/handler_support.hpp"
#include "auth/session_service.hpp"
#include "config/config.hpp"
#include "http/problem.hpp"
#include "protect/rate_limiter.hpp"

namespace gatehouse {

Result<FormFields> ReadForm(const Request& request, const PageServices& pages,
                            std::optional<PageLimit> limit) {
  constexpr std::string_view kFormType = "application/x-www-form-urlencoded";
  std::string_view type = request.Header("content-type");
  type = type.substr(0, type.find(';'));
  while (!type.empty() && type.back() == ' ') type.remove_suffix(1);
  if (type.size() != kFormType.size() ||
      strncasecmp(type.data(), kFormType.data(), type.size()) != 0) {
    return MakeError(Errc::kUnsupportedMediaType, "page form without a form body");
  }
  auto form = ParseForm(request.body);
  if (!form) return MakeError(Errc::kInvalidRequest, "malformed form body");
  Status csrf =
      CheckFormCsrf(request, Field(*form, "csrf"), OriginOf(pages.api.config.server.public_url));
  if (!csrf) return csrf.error();
  if (limit) {
    Status allowed = pages.api.limiter.Require(limit->name, limit->policy, request.client_ip,
                                               "Too many requests from this address.");
    if (!allowed) return allowed.error();
  }
  return std::move(*form);
}

std::optional<PageVisitor> SignedIn(const Request& request, PageServices& pages) {
  Services& s = pages.api;
  PageVisitor visitor;
  std::string_view access = CookieValue(request, kAccessCookie);
  if (!access.empty()) {
    if (auto caller = s.tokens.AuthenticateWithAccount(access)) {
      caller->access.client = ClientOf(request);
      s.sessions.RecordActivity(caller->access, caller->access.client);
      visitor.caller = std::move(*caller);
      return visitor;
    }
  }
  std::string_view refresh = CookieValue(request, kRefreshCookie);
  if (refresh.empty()) return std::nullopt;
  auto pair = s.tokens.Refresh(refresh, ClientOf(request));
  if (!pair) return std::nullopt;
  auto caller = s.tokens.AuthenticateWithAccount(pair->access_token);
  if (!caller) return std::nullopt;
  caller->access.client = ClientOf(request);
  SetSessionCookies(visitor.cookies, *pair);
  // SetSessionCookies repeats the new CSRF token in a header: the forms must carry that one.
  for (const auto& [name, value] : visitor.cookies.headers) {
    if (name == "X-CSRF-Token") visitor.csrf = value;
  }
  visitor.caller = std::move(*caller);
  return visitor;
}

void CopyCookies(const Response& from, Response& to) {
  for (const auto& [name, value] : from.headers) {
    if (name == "Set-Cookie") to.AddHeader(name, value);
  }
}

Response RenderFor(const PageServices& pages, const Request& request, const PageVisitor& visitor,
                   Page page) {
  page.csrf = visitor.csrf;
  Response response = pages.renderer.Render(request, std::move(page));
  CopyCookies(visitor.cookies, response);
  return response;
}

Response SignInFirst(std::string_view path) {
  return PageRenderer::Redirect("/sign-in?return_to=" + PercentEncode(path));
}

Response DoneRedirect(const PageVisitor& visitor, std::string_view path, std::string_view what) {
  Response response = PageRenderer::Redirect(std::string(path) + "?done=" + PercentEncode(what));
  CopyCookies(visitor.cookies, response);
  return response;
}

std::string NoticeFor(const Request& request,
                      const std::map<std::string, std::string, std::less<>>& notices) {
  auto notice = notices.find(FormDecode(request.QueryParam("done")).value_or(""));
  return notice == notices.end() ? "" : notice->second;
}

SignedInPost ReadSignedInPost(const Request& request, PageServices& pages, std::string_view back_to,
                              std::optional<PageLimit> limit) {
  SignedInPost post;
  auto form = ReadForm(request, pages, limit);
  if (!form) {
    post.refused = ErrorPage(request, pages, form.error());
    return post;
  }
  auto visitor = SignedIn(request, pages);
  if (!visitor) {
    post.refused = SignInFirst(back_to);
    return post;
  }
  post.form = std::move(*form);
  post.visitor = std::move(*visitor);
  return post;
}

Response ErrorPage(const Request& request, const PageServices& pages, const Error& error) {
  LogProblem(error);
  Page page{.status = ProblemFor(error.code).status, .name = "error", .title_key = "error.title"};
  switch (error.code) {
    case Errc::kCsrfFailed: page.error_key = "error.csrf"; break;
    case Errc::kRateLimited: page.error_key = "error.rate_limited"; break;
    case Errc::kAccountDisabled: page.error_key = "error.account_disabled"; break;
    case Errc::kInvalidRequest:
    case Errc::kValidationFailed:
    case Errc::kUnsupportedMediaType: page.error_key = "error.invalid_input"; break;
    default: page.error_key = "error.unavailable";
  }
  Response response = pages.renderer.Render(request, std::move(page));
  if (error.retry_after_seconds > 0) {
    response.SetHeader("Retry-After", std::to_string(error.retry_after_seconds));
  }
  return response;
}

Handler OnPage(PageServices& pages, Response (*fn)(PageServices&, const Request&)) {
  return [&pages, fn](const Request& request, const PathParams&) { return fn(pages, request); };
}

Handler OnPage(PageServices& pages,
               Response (*fn)(PageServices&, const Request&, const PathParams&)) {
  return [&pages, fn](const Request& request, const PathParams& params) {
    return fn(pages, request, params);
  };
}

Response ShowRecoveryCodes(PageServices& pages, const Request& request, const PageVisitor& visitor,
                           const std::vector<std::string>& codes, std::string notice_key) {
  std::string text;
  for (const std::string& code : codes) text += code + "\n";
  Page page{.name = "recovery_codes", .title_key = "recovery.title"};
  page.data = {{"codes", codes},
               {"download_href", "data:text/plain;charset=utf-8," + PercentEncode(text)}};
  page.notice_key = std::move(notice_key);
  return RenderFor(pages, request, visitor, std::move(page));
}

Response ScriptAnswer(const nlohmann::json& body) {
  Response response = JsonResponse(200, body);
  response.SetHeader("Cache-Control", "no-store");
  return response;
}

Response ScriptRefusal(const PageServices& pages, const Request& request, const Error& error,
                       std::string_view key) {
  LogProblem(error);
  Response response = JsonResponse(ProblemFor(error.code).status,
                                   {{"message", pages.renderer.TextFor(request, key)}});
  response.SetHeader("Cache-Control", "no-store");
  if (error.retry_after_seconds > 0) {
    response.SetHeader("Retry-After", std::to_string(error.retry_after_seconds));
  }
  return response;
}

std::optional<std::string> LoopbackAliasRedirect(const Request& request,
                                                 std::string_view public_url) {
  constexpr std::string_view kLocalhost = "http://localhost";
  if (!public_url.starts_with(kLocalhost)) return std::nullopt;
  std::string_view rest = public_url.substr(kLocalhost.size());
  std::string_view port = rest.substr(0, rest.find('/'));         // ":8080", or empty for 80
  if (!port.empty() && port.front() != ':') return std::nullopt;  // localhost.example.com
  std::string_view host = request.Header("host");
  for (std::string_view loopback : {"127.0.0.1", "[::1]"}) {
    bool same_port = port.empty() ? (host == loopback || host == std::string(loopback) + ":80")
                                  : host == std::string(loopback) + std::string(port);
    if (same_port) {
      std::string origin(public_url.substr(0, kLocalhost.size() + port.size()));
      return origin + request.path + (request.query.empty() ? "" : "?" + request.query);
    }
  }
  return std::nullopt;
}

std::string ShownTime(std::int64_t unix_seconds) {
  std::time_t t = unix_seconds;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%d %H:%M UTC", &tm);
  return buffer;
}

std::string Field(const FormFields& form, std::string_view name) {
  auto it = form.find(name);
  return it == form.end() ? std::string() : it->second;
}

}  // namespace gatehouse

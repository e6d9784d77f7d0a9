#include "core/form_encoding.hpp"
#include "ui/page_routes.hpp"

namespace gatehouse {
namespace {

// The account center; a visitor who is not signed in goes to sign-in and comes back.
Response ShowAccount(PageServices& pages, const Request& request) {
  auto visitor = SignedIn(request, pages);
  if (!visitor) return PageRenderer::Redirect("/sign-in?return_to=" + PercentEncode("/account"));
  const UserRecord& user = visitor->caller.account;
  Page page{.name = "account", .title_key = "account.title", .csrf = visitor->csrf};
  page.data = {
      {"user",
       {{"name", user.name}, {"email", user.email}, {"email_verified", user.email_verified}}}};
  Response response = pages.renderer.Render(request, std::move(page));
  CopyCookies(visitor->cookies, response);
  return response;
}

}  // namespace

void AddAccountPages(Router& router, PageServices& pages) {
  router.Add("GET", "/account", OnPage(pages, ShowAccount));
}

void AddAllPages(Router& router, PageServices& pages) {
  AddSignInPages(router, pages);
  AddRecoveryPages(router, pages);
  AddAccountPages(router, pages);
  router.Add("GET", "/ui/{file}", [&pages](const Request&, const PathParams& params) {
    return pages.renderer.Asset(params.at("file"));
  });
}

}  // namespace gatehouse

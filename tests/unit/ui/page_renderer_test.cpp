#include "ui/page_renderer.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

#include "config/config.hpp"
#include "support/scratch_directory.hpp"

namespace gatehouse {
namespace {

using PageRendererDir = ScratchDirectory;

std::string HeaderOf(const Response& r, std::string_view name) {
  for (const auto& [n, v] : r.headers) {
    if (n == name) return v;
  }
  return "";
}

Page SignIn() { return Page{.name = "sign_in", .title_key = "sign_in.title"}; }

TEST(PageRenderer, APageWithoutACsrfCookieGetsOneAndItsFormsCarryIt) {
  Config config = LoadConfig("", {});
  config.ui.product_name = "Acme <ID>";
  PageRenderer renderer(config);
  Response r = renderer.Render(Request{}, SignIn());
  EXPECT_EQ(r.status, 200);
  std::string cookie = HeaderOf(r, "Set-Cookie");
  ASSERT_TRUE(cookie.starts_with("__Host-gh_csrf=")) << cookie;
  std::string token = cookie.substr(15, cookie.find(';') - 15);
  EXPECT_NE(r.body.find("name=\"csrf\" value=\"" + token + "\""), std::string::npos);
  EXPECT_NE(r.body.find("<title>Sign in · Acme &lt;ID&gt;</title>"), std::string::npos);
  EXPECT_EQ(HeaderOf(r, "Strict-Transport-Security"), "");

  Request with_cookie;
  with_cookie.headers = {{"cookie", "__Host-gh_csrf=abc"}};
  Response again = renderer.Render(with_cookie, SignIn());
  EXPECT_EQ(HeaderOf(again, "Set-Cookie"), "");
  EXPECT_NE(again.body.find("name=\"csrf\" value=\"abc\""), std::string::npos);
}

TEST(PageRenderer, HttpsPublicUrlsGetHsts) {
  Config config = LoadConfig("", {});
  config.server.public_url = "https://id.example.com";
  EXPECT_EQ(HeaderOf(PageRenderer(config).Render(Request{}, SignIn()), "Strict-Transport-Security"),
            "max-age=31536000");
}

TEST(PageRenderer, ThePrimaryColourGetsTheTextColourThatContrastsMore) {
  Config config = LoadConfig("", {});
  config.ui.primary_color = "#ffd400";  // yellow: black text
  EXPECT_NE(PageRenderer(config).Asset("theme.css").body.find("--on-primary:#000000"),
            std::string::npos);
  config.ui.primary_color = "#0b5cd5";  // blue: white text
  EXPECT_NE(PageRenderer(config).Asset("theme.css").body.find("--on-primary:#ffffff"),
            std::string::npos);
  EXPECT_EQ(PageRenderer(config).Asset("../gatehouse.yaml").status, 404);
}

TEST_F(PageRendererDir, TemplatesAreOverriddenFileByFileAndAMisspeltOneStopsStartUp) {
  Write("sign_in.html", "<p>{{t sign_in.submit}} at {{product_name}}</p>");
  Config config = LoadConfig("", {});
  config.ui.product_name = "Acme";
  config.ui.templates_dir = dir_.string();
  Response r = PageRenderer(config).Render(Request{}, SignIn());
  EXPECT_EQ(r.body, "<p>Sign in at Acme</p>");
  Write("sign_inn.html", "x");
  EXPECT_THROW(PageRenderer{config}, std::runtime_error);
  std::filesystem::remove(dir_ / "sign_inn.html");
  Write("account.html", "{{#open}}never closed");
  EXPECT_THROW(PageRenderer{config}, std::runtime_error);
}

TEST_F(PageRendererDir, ALogoMustBeAnSvgOrPngFileThatExists) {
  Config config = LoadConfig("", {});
  Write("logo.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"/>");
  config.ui.logo_file = (dir_ / "logo.svg").string();
  PageRenderer renderer(config);
  EXPECT_EQ(renderer.Asset("logo").body, "<svg xmlns=\"http://www.w3.org/2000/svg\"/>");
  EXPECT_NE(renderer.Render(Request{}, SignIn()).body.find("src=\"/ui/logo\""), std::string::npos);
  Write("logo.gif", "GIF89a");
  config.ui.logo_file = (dir_ / "logo.gif").string();
  EXPECT_THROW(PageRenderer{config}, std::runtime_error);
  config.ui.logo_file = (dir_ / "missing.png").string();
  EXPECT_THROW(PageRenderer{config}, std::runtime_error);
}

}  // namespace
}  // namespace gatehouse

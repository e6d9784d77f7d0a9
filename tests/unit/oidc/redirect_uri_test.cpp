#include "oidc/redirect_uri.hpp"

#include <gtest/gtest.h>

namespace gatehouse {
namespace {

bool Registrable(std::string_view uri, bool allow_private_scheme = false) {
  return ValidateRegisteredUri(uri, "redirect_uris", allow_private_scheme).ok();
}

TEST(RedirectUri, HttpsLoopbackHttpAndPrivateSchemesMayBeRegistered) {
  EXPECT_TRUE(Registrable("https://app.example.com/callback"));
  EXPECT_TRUE(Registrable("https://app.example.com:8443/cb?tenant=a"));
  EXPECT_TRUE(Registrable("http://127.0.0.1/cb"));
  EXPECT_TRUE(Registrable("http://[::1]:8080/cb"));
  EXPECT_TRUE(Registrable("http://localhost:3000/cb"));
  EXPECT_TRUE(Registrable("com.example.app:/oauth2redirect", true));
  EXPECT_FALSE(Registrable("com.example.app:/oauth2redirect", false)) << "confidential client";
}

TEST(RedirectUri, DangerousOrAmbiguousUrisAreRefusedWithTheFieldNamed) {
  for (const char* bad :
       {"", "/relative", "app.example.com/cb", "http://app.example.com/cb", "https:///cb",
        "https://app.example.com/cb#frag", "https://user@app.example.com/cb",
        "https://user:pw@app.example.com/cb", "javascript:alert(1)", "data:text/html,x",
        "file:///etc/passwd", "https://app.example.com/c b", "https://app.example.com\\@evil/",
        "HTTPS://app.example.com/cb", "https://app.example.com/\xc3\xa9",
        "https:app.example.com"}) {
    auto status = ValidateRegisteredUri(bad, "redirect_uris", true);
    ASSERT_FALSE(status.ok()) << bad;
    EXPECT_EQ(status.error().code, Errc::kValidationFailed);
    EXPECT_NE(status.error().detail.find("'redirect_uris'"), std::string::npos) << bad;
  }
  EXPECT_FALSE(Registrable("https://app.example.com/" + std::string(2000, 'a')));
}

// The variants an attacker tries: each differs from the registered URI and must not match.
TEST(RedirectUri, OnlyTheExactUriMatches) {
  const std::string registered = "https://app.example.com/callback";
  EXPECT_TRUE(RedirectUriMatches(registered, registered));
  for (const char* variant :
       {"https://app.example.com/callback/", "https://app.example.com/callback/extra",
        "https://app.example.com/callbackx", "https://app.example.com/callback?x=1",
        "https://app.example.com/callback#x", "https://APP.example.com/callback",
        "https://app.example.com/Callback", "http://app.example.com/callback",
        "https://app.example.com:443/callback", "https://user@app.example.com/callback",
        "https://app.example.com.evil.com/callback", "https://app.example.com/callback%2F",
        "https://app.example.com/./callback", "https://app.example.com", ""}) {
    EXPECT_FALSE(RedirectUriMatches(registered, variant)) << variant;
  }
}

TEST(RedirectUri, LoopbackIpLiteralsMayVaryThePortOnly) {
  EXPECT_TRUE(RedirectUriMatches("http://127.0.0.1/cb", "http://127.0.0.1:51234/cb"));
  EXPECT_TRUE(RedirectUriMatches("http://127.0.0.1:8080/cb", "http://127.0.0.1:9090/cb"));
  EXPECT_TRUE(RedirectUriMatches("http://[::1]:1/cb?x=1", "http://[::1]:2/cb?x=1"));
  EXPECT_FALSE(RedirectUriMatches("http://127.0.0.1/cb", "http://127.0.0.1:51234/cb2"));
  EXPECT_FALSE(RedirectUriMatches("http://127.0.0.1/cb", "http://127.0.0.1:51234/cb?x"));
  EXPECT_FALSE(RedirectUriMatches("http://127.0.0.1/cb", "http://127.0.0.1.evil.com/cb"));
  EXPECT_FALSE(RedirectUriMatches("http://127.0.0.1/cb", "http://127.0.0.1:/cb"));
  EXPECT_FALSE(RedirectUriMatches("http://127.0.0.1/cb", "http://127.0.0.1:80a/cb"));
  EXPECT_FALSE(RedirectUriMatches("http://127.0.0.1/cb", "http://[::1]/cb"));
  EXPECT_FALSE(RedirectUriMatches("http://localhost/cb", "http://localhost:1234/cb"))
      << "names, unlike IP literals, keep their port (RFC 8252 §8.3)";
  EXPECT_FALSE(RedirectUriMatches("https://127.0.0.1/cb", "https://127.0.0.1:8443/cb"));
}

}  // namespace
}  // namespace gatehouse

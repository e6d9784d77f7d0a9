#include "oidc/authorization_request.hpp"

#include <gtest/gtest.h>

namespace gatehouse {
namespace {

OAuthClientRecord Client(bool is_public) {
  OAuthClientRecord c;
  c.id = "client-1";
  c.name = "App";
  if (!is_public) c.secret_hash = "hash";
  c.redirect_uris = {"https://app.example/cb", "http://127.0.0.1/cb"};
  c.grant_types = {"authorization_code", "refresh_token"};
  return c;
}

std::variant<AuthorizationRequest, AuthorizationRefusal> Parse(std::string_view query,
                                                               bool is_public = false) {
  auto parsed = ParseAuthorizationRequest(query, [&](std::string_view id) {
    return Result<std::optional<OAuthClientRecord>>(
        id == "client-1" ? std::optional(Client(is_public)) : std::nullopt);
  });
  EXPECT_TRUE(parsed.ok());
  return *parsed;
}

const std::string kGood =
    "response_type=code&client_id=client-1&redirect_uri=https%3A%2F%2Fapp.example%2Fcb"
    "&scope=openid+email+bogus&state=xyz&nonce=n";

TEST(AuthorizationRequest, AGoodRequestKeepsWhatItAsksForAndDropsUnknownScopes) {
  auto parsed = Parse(kGood + "&prompt=login+consent&max_age=60&login_hint=a%40b.example");
  ASSERT_TRUE(std::holds_alternative<AuthorizationRequest>(parsed));
  const auto& r = std::get<AuthorizationRequest>(parsed);
  EXPECT_EQ(r.scope, "openid email");
  EXPECT_EQ(r.state, "xyz");
  EXPECT_EQ(r.nonce, "n");
  EXPECT_TRUE(r.prompt_login && r.prompt_consent && !r.prompt_none);
  EXPECT_EQ(r.max_age, 60);
  EXPECT_EQ(r.login_hint, "a@b.example");
}

// RFC 6749 §4.1.2.1: until the client and its redirect URI are known good, nothing goes back.
TEST(AuthorizationRequest, ErrorsBeforeTheRedirectUriIsKnownAreNotRedirected) {
  for (std::string query :
       {std::string("response_type=code&redirect_uri=https%3A%2F%2Fapp.example%2Fcb"),
        std::string(
            "response_type=code&client_id=nobody&redirect_uri=https%3A%2F%2Fapp.example%2Fcb"),
        std::string("response_type=code&client_id=client-1"),
        std::string("response_type=code&client_id=client-1&redirect_uri=https%3A%2F%2Fevil%2F"),
        kGood + "&client_id=client-1", kGood + "&redirect_uri=x", std::string("%zz"),
        std::string("response_type=token&client_id=client-1&redirect_uri=https%3A%2F%2Fevil%2F")}) {
    auto parsed = Parse(query);
    ASSERT_TRUE(std::holds_alternative<AuthorizationRefusal>(parsed)) << query;
    EXPECT_EQ(std::get<AuthorizationRefusal>(parsed).redirect_uri, "") << query;
  }
}

TEST(AuthorizationRequest, LaterErrorsGoBackWithTheStateAndTheirCode) {
  auto error_of = [](std::string query, bool is_public = false) {
    auto parsed = Parse(query, is_public);
    if (!std::holds_alternative<AuthorizationRefusal>(parsed)) return std::string("accepted");
    const auto& refusal = std::get<AuthorizationRefusal>(parsed);
    EXPECT_EQ(refusal.redirect_uri, "https://app.example/cb");
    EXPECT_EQ(refusal.state, "xyz");
    return refusal.error;
  };
  std::string base = kGood;
  std::string no_type =
      "client_id=client-1&redirect_uri=https%3A%2F%2Fapp.example%2Fcb&scope=openid&state=xyz";
  EXPECT_EQ(error_of(no_type), "invalid_request");
  EXPECT_EQ(error_of(no_type + "&response_type=token"), "unsupported_response_type");
  EXPECT_EQ(error_of(no_type + "&response_type=code+id_token"), "unsupported_response_type");
  EXPECT_EQ(error_of("response_type=code&client_id=client-1&redirect_uri=https%3A%2F%2Fapp."
                     "example%2Fcb&scope=email&state=xyz"),
            "invalid_scope");
  EXPECT_EQ(error_of(base + "&code_challenge_method=plain&code_challenge=" + std::string(43, 'a')),
            "invalid_request");
  EXPECT_EQ(error_of(base + "&code_challenge=short&code_challenge_method=S256"), "invalid_request");
  EXPECT_EQ(error_of(base, /*is_public=*/true), "invalid_request") << "PKCE is required";
  EXPECT_EQ(
      error_of(base + "&code_challenge=" + std::string(43, 'a') + "&code_challenge_method=S256",
               true),
      "accepted");
  EXPECT_EQ(error_of(base + "&prompt=none+login"), "invalid_request");
  EXPECT_EQ(error_of(base + "&prompt=everything"), "invalid_request");
  EXPECT_EQ(error_of(base + "&max_age=-5"), "invalid_request");
  EXPECT_EQ(error_of(base + "&response_mode=form_post"), "invalid_request");
  EXPECT_EQ(error_of(base + "&request=x"), "request_not_supported");
  EXPECT_EQ(error_of(base + "&request_uri=x"), "request_uri_not_supported");
}

TEST(AuthorizationRequest, TheRedirectCarriesItsParametersEncoded) {
  EXPECT_EQ(RedirectWith("https://app.example/cb", {{"code", "a b"}, {"state", "x&y"}}),
            "https://app.example/cb?code=a%20b&state=x%26y");
  EXPECT_EQ(RedirectWith("https://app.example/cb?tenant=1", {{"code", "c"}}),
            "https://app.example/cb?tenant=1&code=c");
}

}  // namespace
}  // namespace gatehouse

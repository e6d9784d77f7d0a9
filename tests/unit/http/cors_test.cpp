#include "http/cors.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace gatehouse {
namespace {

Request Preflight(std::string origin) {
  Request r;
  r.method = "OPTIONS";
  r.path = "/v1/auth/login";
  r.headers = {{"origin", std::move(origin)}, {"access-control-request-method", "POST"}};
  return r;
}

std::string HeaderOf(const Response& r, std::string_view name) {
  for (const auto& [n, v] : r.headers) {
    if (n == name) return v;
  }
  return "";
}

TEST(Cors, OnlyListedOriginsWithoutWildcardsOrPaths) {
  Cors cors("https://app.example.com, http://localhost:5173", false, 600);
  EXPECT_TRUE(cors.Allows("https://app.example.com"));
  EXPECT_TRUE(cors.Allows("HTTPS://APP.EXAMPLE.COM"));
  EXPECT_TRUE(cors.Allows("http://localhost:5173"));
  for (const char* other :
       {"", "null", "https://app.example.com.evil.net", "http://app.example.com",
        "https://app.example.com:443", "https://evil.example.com"}) {
    EXPECT_FALSE(cors.Allows(other)) << other;
  }
  for (const char* bad : {"*", "https://*.example.com", "https://app.example.com/",
                          "app.example.com", "ftp://files.example.com", "https://"}) {
    EXPECT_THROW(Cors(bad, false, 600), std::invalid_argument) << bad;
  }
  EXPECT_FALSE(Cors("", false, 600).Allows("https://app.example.com"));
}

TEST(Cors, PreflightAnswersEveryOriginButAllowsOnlyListedOnes) {
  Cors cors("https://app.example.com", true, 600);
  auto ok = cors.Preflight(Preflight("https://app.example.com"));
  ASSERT_TRUE(ok.has_value());
  EXPECT_EQ(ok->status, 204);
  EXPECT_EQ(HeaderOf(*ok, "Access-Control-Allow-Origin"), "https://app.example.com");
  EXPECT_EQ(HeaderOf(*ok, "Access-Control-Allow-Credentials"), "true");
  EXPECT_EQ(HeaderOf(*ok, "Access-Control-Max-Age"), "600");
  auto refused = cors.Preflight(Preflight("https://evil.example.net"));
  ASSERT_TRUE(refused.has_value());
  EXPECT_EQ(HeaderOf(*refused, "Access-Control-Allow-Origin"), "");
  EXPECT_EQ(HeaderOf(*refused, "Vary"), "Origin");

  Request plain = Preflight("https://app.example.com");
  plain.method = "POST";
  EXPECT_FALSE(cors.Preflight(plain).has_value()) << "not a preflight";
  Request bare;
  bare.method = "OPTIONS";
  EXPECT_FALSE(cors.Preflight(bare).has_value()) << "OPTIONS without Origin";
}

TEST(ResponseHeaders, LineBreaksCannotInjectHeaders) {
  Response r;
  r.SetHeader("X-Request-Id", "abc\r\nSet-Cookie: stolen=1");
  r.AddHeader("X-Other\r\nInjected", "v\n");
  for (const auto& [name, value] : r.headers) {
    EXPECT_EQ(name.find_first_of("\r\n"), std::string::npos);
    EXPECT_EQ(value.find_first_of("\r\n"), std::string::npos);
  }
}

}  // namespace
}  // namespace gatehouse

#include "ui/return_to.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace gatehouse {
namespace {

// Spaces around the entries, as a YAML value is often written.
const ReturnUrls& Urls() {
  static const ReturnUrls urls("https://auth.example.com",
                               "https://app.example.com, https://shop.example.com:8443/store/");
  return urls;
}

TEST(ReturnUrls, PathsOnThePublicUrlAndUrlsUnderAnEntryAreAllowed) {
  EXPECT_EQ(Urls().Resolve("/account"), "https://auth.example.com/account");
  EXPECT_EQ(Urls().Resolve("/account?tab=sessions#top"),
            "https://auth.example.com/account?tab=sessions#top");
  EXPECT_EQ(Urls().Resolve("https://auth.example.com/x"), "https://auth.example.com/x");
  EXPECT_EQ(Urls().Resolve("https://app.example.com"), "https://app.example.com");
  EXPECT_EQ(Urls().Resolve("https://APP.example.com/dashboard?id=7"),
            "https://APP.example.com/dashboard?id=7");
  EXPECT_EQ(Urls().Resolve("https://shop.example.com:8443/store"),
            "https://shop.example.com:8443/store");
  EXPECT_EQ(Urls().Resolve("https://shop.example.com:8443/store/cart"),
            "https://shop.example.com:8443/store/cart");
  EXPECT_EQ(Urls().Origins(),
            (std::vector<std::string>{"https://auth.example.com", "https://app.example.com",
                                      "https://shop.example.com:8443"}));
}

TEST(ReturnUrls, OpenRedirectTricksAreRefused) {
  for (const char* evil : {
           "https://evil.example",
           "//evil.example",
           "///evil.example",
           "/\\evil.example",
           "\\\\evil.example",
           "/\t/evil.example",
           " /account",
           "https://app.example.com.evil.example/",
           "https://app.example.com@evil.example/",
           "https://evil.example/?https://app.example.com",
           "http://app.example.com/",                   // the scheme differs
           "https://app.example.com:444/",              // the port differs
           "https://shop.example.com:8443/storefront",  // not under /store
           "https://shop.example.com:8443/",
           "javascript:alert(1)",
           "data:text/html,hi",
           "account",
           "",
           "/caf\xc3\xa9",
       }) {
    EXPECT_FALSE(Urls().Resolve(evil)) << evil;
  }
  EXPECT_FALSE(Urls().Resolve("/" + std::string(4096, 'a')));
}

TEST(ReturnUrls, ThePublicUrlsPathBoundsRelativePaths) {
  ReturnUrls under_prefix("https://example.com/auth", "");
  EXPECT_EQ(under_prefix.Resolve("/auth/account"), "https://example.com/auth/account");
  EXPECT_FALSE(under_prefix.Resolve("/other"));
  EXPECT_FALSE(under_prefix.Resolve("/authority"));
}

TEST(ReturnUrls, BadEntriesAreRefusedAtStart) {
  for (const char* bad :
       {"app.example.com", "ftp://app.example.com", "https://app.example.com/?q=1",
        "https://user@app.example.com", "https://app.example.com/#x"}) {
    EXPECT_THROW(ReturnUrls("https://auth.example.com", bad), std::invalid_argument) << bad;
  }
}

}  // namespace
}  // namespace gatehouse

#include <gtest/gtest.h>

#include "ui/page_support.hpp"

namespace gatehouse {
namespace {

Request PageAt(std::string host, std::string path = "/sign-in", std::string query = "") {
  Request r;
  r.method = "GET";
  r.path = std::move(path);
  r.query = std::move(query);
  r.headers = {{"host", std::move(host)}};
  return r;
}

TEST(LoopbackAlias, SendsTheLoopbackAddressOnToLocalhost) {
  EXPECT_EQ(LoopbackAliasRedirect(PageAt("127.0.0.1:8080"), "http://localhost:8080"),
            "http://localhost:8080/sign-in");
  EXPECT_EQ(LoopbackAliasRedirect(PageAt("[::1]:8080", "/account", "done=added"),
                                  "http://localhost:8080/"),
            "http://localhost:8080/account?done=added");
  EXPECT_EQ(LoopbackAliasRedirect(PageAt("127.0.0.1"), "http://localhost"),
            "http://localhost/sign-in");
}

TEST(LoopbackAlias, LeavesEverythingElseAlone) {
  EXPECT_FALSE(LoopbackAliasRedirect(PageAt("localhost:8080"), "http://localhost:8080"));
  EXPECT_FALSE(LoopbackAliasRedirect(PageAt("127.0.0.1:9090"), "http://localhost:8080"));
  EXPECT_FALSE(LoopbackAliasRedirect(PageAt("127.0.0.1:8080"), "http://127.0.0.1:8080"));
  EXPECT_FALSE(LoopbackAliasRedirect(PageAt("127.0.0.1:8080"), "https://id.example.com"));
  EXPECT_FALSE(
      LoopbackAliasRedirect(PageAt("127.0.0.1:8080"), "http://localhost.example.com:8080"));
  EXPECT_FALSE(LoopbackAliasRedirect(PageAt("10.0.0.1:8080"), "http://localhost:8080"));
  EXPECT_FALSE(LoopbackAliasRedirect(PageAt(""), "http://localhost:8080"));
}

}  // namespace
}  // namespace gatehouse

#include "webauthn/client_data.hpp"

#include <gtest/gtest.h>

namespace gatehouse {
namespace {

TEST(ClientData, ReadsWhatTheBrowserCollected) {
  auto data = ParseClientData(
      R"({"type":"webauthn.get","challenge":"AAEC_-8","origin":"https://auth.example.com","crossOrigin":false,"other_keys_can_be_added_here":"x"})");
  ASSERT_TRUE(data);
  EXPECT_EQ(data->type, "webauthn.get");
  EXPECT_EQ(data->challenge, std::string("\x00\x01\x02\xff\xef", 5));
  EXPECT_EQ(data->origin, "https://auth.example.com");
  EXPECT_FALSE(data->cross_origin);
  EXPECT_FALSE(data->top_origin);
  auto framed = ParseClientData(
      R"({"type":"webauthn.create","challenge":"AA","origin":"https://a.example","crossOrigin":true,"topOrigin":"https://b.example"})");
  ASSERT_TRUE(framed);
  EXPECT_TRUE(framed->cross_origin);
  EXPECT_EQ(framed->top_origin, "https://b.example");
}

TEST(ClientData, RefusesAnythingElse) {
  for (const char* bad : {
           "",
           "[]",
           "not json",
           R"({"challenge":"AA","origin":"https://a"})",
           R"({"type":"webauthn.get","origin":"https://a"})",
           R"({"type":"webauthn.get","challenge":"AA"})",
           R"({"type":1,"challenge":"AA","origin":"https://a"})",
           R"({"type":"webauthn.get","challenge":"AA==","origin":"https://a"})",
           R"({"type":"webauthn.get","challenge":"A+/A","origin":"https://a"})",
           R"({"type":"webauthn.get","challenge":"AA","origin":"https://a","crossOrigin":"no"})",
           R"({"type":"webauthn.get","challenge":"AA","origin":"https://a","topOrigin":null})",
       }) {
    EXPECT_FALSE(ParseClientData(bad)) << bad;
  }
  std::string huge =
      R"({"type":"webauthn.get","challenge":"AA","origin":")" + std::string(5000, 'a') + R"("})";
  EXPECT_FALSE(ParseClientData(huge));
}

}  // namespace
}  // namespace gatehouse

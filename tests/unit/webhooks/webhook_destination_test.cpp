#include "webhooks/webhook_destination.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace gatehouse {
namespace {

TEST(WebhookDestinations, PublicAddressesAreReachedAndOthersRefused) {
  WebhookDestinations none("");
  for (const char* ip : {"93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946", "1.1.1.1"}) {
    EXPECT_TRUE(none.AllowsAddress(ip)) << ip;
  }
  for (const char* ip : {"127.0.0.1",
                         "127.8.9.10",
                         "::1",
                         "10.1.2.3",
                         "172.16.0.1",
                         "172.31.255.255",
                         "192.168.1.1",
                         "169.254.169.254",
                         "100.64.0.1",
                         "0.0.0.0",
                         "fe80::1",
                         "fc00::1",
                         "fd12:3456::1",
                         "::",
                         "224.0.0.1",
                         "255.255.255.255",
                         "64:ff9b::a00:1",
                         "2001:db8::1",
                         "not an address",
                         ""}) {
    EXPECT_FALSE(none.AllowsAddress(ip)) << ip;
  }
}

TEST(WebhookDestinations, AllowedNetworksOpenTheirAddressesOnly) {
  WebhookDestinations lab("10.0.0.0/8, 127.0.0.1/32");
  EXPECT_TRUE(lab.AllowsAddress("10.20.30.40"));
  EXPECT_TRUE(lab.AllowsAddress("127.0.0.1"));
  EXPECT_FALSE(lab.AllowsAddress("127.0.0.2"));
  EXPECT_FALSE(lab.AllowsAddress("192.168.0.1"));
  EXPECT_FALSE(lab.AllowsAddress("169.254.169.254"));
}

TEST(WebhookDestinations, AMalformedNetworkIsRefused) {
  EXPECT_THROW(WebhookDestinations("10.0.0.0/33"), std::invalid_argument);
  EXPECT_THROW(WebhookDestinations("intranet"), std::invalid_argument);
}

TEST(WebhookDestinations, UrlsMustBeHttpsUnlessLoopbackAndPublicWhenLiteral) {
  WebhookDestinations none("");
  EXPECT_TRUE(none.CheckUrl("https://hooks.example.com/gatehouse"));
  EXPECT_TRUE(none.CheckUrl("https://93.184.216.34:8443/in"));
  for (const char* url :
       {"http://hooks.example.com/in", "ftp://hooks.example.com/", "hooks.example.com/in",
        "https://user:pw@hooks.example.com/", "https://10.0.0.5/in", "https://[fe80::1]/in",
        "https://169.254.169.254/latest/meta-data", "http://127.0.0.1:9000/in", "", "https://"}) {
    Status checked = none.CheckUrl(url);
    ASSERT_FALSE(checked) << url;
    EXPECT_EQ(checked.error().code, Errc::kValidationFailed) << url;
  }
  EXPECT_FALSE(none.CheckUrl("https://example.com/" + std::string(2000, 'a')));
  // A name is judged by what it resolves to, when a delivery connects.
  EXPECT_TRUE(none.CheckUrl("http://localhost:9000/in"));

  WebhookDestinations loopback("127.0.0.0/8, ::1/128");
  EXPECT_TRUE(loopback.CheckUrl("http://127.0.0.1:9000/in"));
  EXPECT_TRUE(loopback.CheckUrl("http://localhost:9000/in"));
  EXPECT_TRUE(loopback.CheckUrl("http://[::1]:9000/in"));
  EXPECT_FALSE(loopback.CheckUrl("http://hooks.example.com/in")) << "http only for loopback";
}

}  // namespace
}  // namespace gatehouse

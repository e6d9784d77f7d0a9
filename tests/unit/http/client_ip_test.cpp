#include "http/client_ip.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace gatehouse {
namespace {

TEST(ClientIp, ParsesTheAddressFormsOfForwardingHeaders) {
  EXPECT_EQ(FormatIp(*ParseIp("81.2.69.142")), "81.2.69.142");
  EXPECT_EQ(FormatIp(*ParseIp(" 81.2.69.142:5678 ")), "81.2.69.142");
  EXPECT_EQ(FormatIp(*ParseIp("2001:DB8::1")), "2001:db8::1");
  EXPECT_EQ(FormatIp(*ParseIp("[2001:db8::1]:443")), "2001:db8::1");
  EXPECT_EQ(FormatIp(*ParseIp("\"[2001:db8::1]\"")), "2001:db8::1");
  EXPECT_EQ(FormatIp(*ParseIp("::ffff:10.0.0.1")), "10.0.0.1");
  for (const char* bad : {"", "unknown", "_hidden", "1.2.3", "1.2.3.4.5", "300.1.1.1", "[::1",
                          "a.b.c.d", "1.2.3.4, 5.6.7.8"}) {
    EXPECT_FALSE(ParseIp(bad).has_value()) << bad;
  }
}

TEST(ClientIp, TrustedProxiesMatchCidrBlocks) {
  TrustedProxies trusted("10.0.0.0/8, 192.168.1.7, fd00::/8");
  EXPECT_TRUE(trusted.Contains(*ParseIp("10.255.0.1")));
  EXPECT_FALSE(trusted.Contains(*ParseIp("11.0.0.1")));
  EXPECT_TRUE(trusted.Contains(*ParseIp("192.168.1.7")));
  EXPECT_FALSE(trusted.Contains(*ParseIp("192.168.1.8")));
  EXPECT_TRUE(trusted.Contains(*ParseIp("fd12::1")));
  EXPECT_FALSE(trusted.Contains(*ParseIp("fe80::1")));
  EXPECT_FALSE(trusted.Contains(*ParseIp("::ffff:11.0.0.1")));
  EXPECT_TRUE(TrustedProxies("0.0.0.0/0").Contains(*ParseIp("8.8.8.8")));
  EXPECT_FALSE(TrustedProxies("0.0.0.0/0").Contains(*ParseIp("2001:db8::1")));
  for (const char* bad :
       {"10.0.0.0/33", "10.0.0.0/", "10.0.0/8", "fd00::/129", "x", "1.2.3.4/8a"}) {
    EXPECT_THROW(TrustedProxies{bad}, std::invalid_argument) << bad;
  }
}

TEST(ClientIp, AnUntrustedPeerIsTheClientWhateverItsHeadersSay) {
  TrustedProxies trusted("10.0.0.0/8");
  EXPECT_EQ(ClientIp("203.0.113.9", "81.2.69.142", "for=81.2.69.142", trusted), "203.0.113.9");
  EXPECT_EQ(ClientIp("203.0.113.9", "81.2.69.142", "", TrustedProxies()), "203.0.113.9");
}

TEST(ClientIp, BehindTrustedProxiesTheRightMostUntrustedHopIsTheClient) {
  TrustedProxies trusted("10.0.0.0/8");
  EXPECT_EQ(ClientIp("10.0.0.2", "81.2.69.142", "", trusted), "81.2.69.142");
  // The client wrote a fake first entry; the proxy appended what it saw.
  EXPECT_EQ(ClientIp("10.0.0.2", "1.1.1.1, 81.2.69.142", "", trusted), "81.2.69.142");
  // Two proxies of ours.
  EXPECT_EQ(ClientIp("10.0.0.2", "1.1.1.1, 81.2.69.142, 10.0.0.3", "", trusted), "81.2.69.142");
  // Forwarded (RFC 7239) when there is no X-Forwarded-For.
  EXPECT_EQ(
      ClientIp("10.0.0.2", "", "for=1.1.1.1, for=\"[2001:db8::7]:4711\";proto=https", trusted),
      "2001:db8::7");
  // A hop we cannot read stops the walk: the peer is all we know.
  EXPECT_EQ(ClientIp("10.0.0.2", "81.2.69.142, garbage", "", trusted), "10.0.0.2");
  EXPECT_EQ(ClientIp("10.0.0.2", "", "", trusted), "10.0.0.2");
  // Only our own proxies: the left-most one.
  EXPECT_EQ(ClientIp("10.0.0.2", "10.0.0.9, 10.0.0.3", "", trusted), "10.0.0.9");
}

}  // namespace
}  // namespace gatehouse

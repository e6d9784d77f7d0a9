#include "webauthn/relying_party.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace gatehouse {
namespace {

TEST(RelyingParty, DerivesFromThePublicUrl) {
  auto rp = RelyingPartyOf("", "", "https://id.example.com/base");
  ASSERT_TRUE(rp);
  EXPECT_EQ(rp->id, "id.example.com");
  EXPECT_EQ(rp->origins, std::vector<std::string>{"https://id.example.com"});
  auto local = RelyingPartyOf("", "", "http://localhost:8080");
  ASSERT_TRUE(local);
  EXPECT_EQ(local->id, "localhost");
  EXPECT_EQ(local->origins, std::vector<std::string>{"http://localhost:8080"});
}

TEST(RelyingParty, IsOffWhenThePublicUrlCannotCarryPasskeys) {
  // Browsers refuse IP addresses as RP IDs and WebAuthn outside secure contexts.
  EXPECT_FALSE(RelyingPartyOf("", "", "http://127.0.0.1:8080"));
  EXPECT_FALSE(RelyingPartyOf("", "", "https://[::1]:8443"));
  EXPECT_FALSE(RelyingPartyOf("", "", "http://gatehouse.internal:8080"));
}

TEST(RelyingParty, TakesAParentDomainAndSeveralOrigins) {
  auto rp = RelyingPartyOf("example.com", "https://id.example.com, https://example.com:8443",
                           "https://id.example.com");
  ASSERT_TRUE(rp);
  EXPECT_EQ(rp->id, "example.com");
  EXPECT_EQ(rp->origins,
            (std::vector<std::string>{"https://id.example.com", "https://example.com:8443"}));
}

TEST(RelyingParty, RefusesWhatAnOperatorGotWrong) {
  const char* url = "https://id.example.com";
  for (auto [rp_id, origins] : std::initializer_list<std::pair<const char*, const char*>>{
           {"127.0.0.1", ""},                           // an IP address
           {"Example.com", ""},                         // not lower case
           {"example..com", ""},                        // an empty label
           {"-example.com", ""},                        // a label starting with a hyphen
           {"other.com", ""},                           // public_url is not on it
           {"ample.com", "https://example.com"},        // a suffix, but not at a dot
           {"example.com", "http://id.example.com"},    // plain http off localhost
           {"example.com", "https://id.example.com/"},  // a path is not an origin
           {"example.com", "id.example.com"},           // no scheme
           {"", "https://evil.com"},                    // an origin off the derived RP ID
       }) {
    EXPECT_THROW(RelyingPartyOf(rp_id, origins, url), std::invalid_argument)
        << rp_id << " " << origins;
  }
}

}  // namespace
}  // namespace gatehouse

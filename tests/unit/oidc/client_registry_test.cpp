#include "oidc/client_registry.hpp"

#include <gtest/gtest.h>

#include "auth/key_ring.hpp"
#include "auth/token_service.hpp"
#include "config/config.hpp"
#include "crypto/random.hpp"
#include "store/client_store.hpp"
#include "support/storage_fixture.hpp"

namespace gatehouse {
namespace {

class ClientRegistryTest : public StorageFixture {
 protected:
  void SetUp() override {
    StorageFixture::SetUp();
    keys_ = std::make_unique<KeyRing>(*db_, config_, clock_);
    ASSERT_TRUE(keys_->Load());
    tokens_ = std::make_unique<TokenService>(*db_, cache_, *keys_, config_, sessions_, clock_);
    registry_ = std::make_unique<ClientRegistry>(*db_, *tokens_, clock_);
  }

  static NewClient WebApp() {
    NewClient c;
    c.name = "Grafana";
    c.redirect_uris = {"https://grafana.example.com/login/generic_oauth"};
    return c;
  }
  // The detail of the error creating `c` gives (which names the field).
  std::string DetailOf(const NewClient& c) {
    auto created = registry_->Create(c);
    if (created) return "created";
    EXPECT_EQ(created.error().code, Errc::kValidationFailed);
    return created.error().detail;
  }
  std::optional<OAuthClientRecord> Authenticated(const std::string& id,
                                                 std::optional<std::string_view> secret) {
    auto result = registry_->Authenticate(id, secret);
    EXPECT_TRUE(result.ok());
    return result ? *result : std::nullopt;
  }

  TokenConfig config_ = DefaultConfig().tokens;
  SessionConfig sessions_ = DefaultConfig().sessions;
  std::unique_ptr<KeyRing> keys_;
  std::unique_ptr<TokenService> tokens_;
  std::unique_ptr<ClientRegistry> registry_;
};

TEST_F(ClientRegistryTest, AConfidentialClientGetsASecretShownOnceAndStoredAsItsHash) {
  auto created = registry_->Create(WebApp());
  ASSERT_TRUE(created.ok()) << created.error().detail;
  EXPECT_EQ(created->secret.size(), 43u) << "256 bits, base64url";
  EXPECT_EQ(created->client.grant_types,
            (std::vector<std::string>{"authorization_code", "refresh_token"}));
  EXPECT_EQ(created->client.id_token_algorithm, "RS256");
  EXPECT_FALSE(created->client.first_party);

  auto stored = db_->Run<std::optional<OAuthClientRecord>>(
      [&](Connection& sql) -> Result<std::optional<OAuthClientRecord>> {
        return client_store::Find(sql, created->client.id);
      });
  ASSERT_TRUE(stored.ok() && stored->has_value());
  EXPECT_EQ((*stored)->secret_hash, Sha256Hex(created->secret));
  EXPECT_EQ((*stored)->redirect_uris, WebApp().redirect_uris);

  EXPECT_TRUE(Authenticated(created->client.id, created->secret));
  EXPECT_FALSE(Authenticated(created->client.id, created->secret + "x"));
  EXPECT_FALSE(Authenticated(created->client.id, std::string_view()));
  EXPECT_FALSE(Authenticated(created->client.id, std::nullopt)) << "a secret is required";
  EXPECT_FALSE(Authenticated(created->client.id, *(*stored)->secret_hash)) << "not the hash";
  EXPECT_FALSE(Authenticated("nobody", created->secret));
  EXPECT_FALSE(Authenticated(std::string(10000, 'a'), created->secret));
}

TEST_F(ClientRegistryTest, APublicClientHasNoSecretAndMayNotPresentOne) {
  NewClient spa = WebApp();
  spa.is_public = true;
  spa.redirect_uris = {"https://app.example.com/cb", "com.example.app:/cb"};
  auto created = registry_->Create(spa);
  ASSERT_TRUE(created.ok()) << created.error().detail;
  EXPECT_TRUE(created->secret.empty());
  EXPECT_TRUE(created->client.is_public());
  EXPECT_TRUE(Authenticated(created->client.id, std::nullopt));
  EXPECT_FALSE(Authenticated(created->client.id, "anything"));
}

TEST_F(ClientRegistryTest, BadRegistrationsNameTheirField) {
  NewClient c = WebApp();
  c.name = "";
  EXPECT_NE(DetailOf(c).find("'name'"), std::string::npos);
  c.name = std::string(101, 'a');
  EXPECT_NE(DetailOf(c).find("'name'"), std::string::npos);
  c.name = "Tab\tName";
  EXPECT_NE(DetailOf(c).find("'name'"), std::string::npos);

  c = WebApp();
  c.redirect_uris = {};
  EXPECT_NE(DetailOf(c).find("'redirect_uris'"), std::string::npos) << "code flow needs one";
  c.redirect_uris = {"https://a.example/cb", "https://a.example/cb"};
  EXPECT_NE(DetailOf(c).find("twice"), std::string::npos);
  c.redirect_uris = {"http://a.example/cb"};
  EXPECT_NE(DetailOf(c).find("'redirect_uris'"), std::string::npos);
  c.redirect_uris = {"com.example.app:/cb"};
  EXPECT_NE(DetailOf(c).find("'redirect_uris'"), std::string::npos) << "private scheme: public";

  c = WebApp();
  c.post_logout_redirect_uris = {"https://a.example/bye#x"};
  EXPECT_NE(DetailOf(c).find("'post_logout_redirect_uris'"), std::string::npos);
  c = WebApp();
  c.backchannel_logout_uri = "ftp://a.example/logout";
  EXPECT_NE(DetailOf(c).find("'backchannel_logout_uri'"), std::string::npos);
  c.backchannel_logout_uri = "http://app.internal:8080/logout";
  EXPECT_EQ(DetailOf(c), "created") << "server to server: http to any host";

  c = WebApp();
  c.grant_types = {"password"};
  EXPECT_NE(DetailOf(c).find("'grant_types'"), std::string::npos);
  c.grant_types = {"implicit"};
  EXPECT_NE(DetailOf(c).find("'grant_types'"), std::string::npos);
  c.grant_types = {"refresh_token"};
  EXPECT_NE(DetailOf(c).find("'grant_types'"), std::string::npos);
  c.grant_types = {"authorization_code", "authorization_code"};
  EXPECT_NE(DetailOf(c).find("'grant_types'"), std::string::npos);
  c.grant_types = {"client_credentials"};
  c.is_public = true;
  EXPECT_NE(DetailOf(c).find("confidential"), std::string::npos);
  c.is_public = false;
  c.redirect_uris = {};
  EXPECT_EQ(DetailOf(c), "created") << "a machine client needs no redirect URI";

  c = WebApp();
  c.id_token_algorithm = "HS256";
  EXPECT_NE(DetailOf(c).find("'id_token_signed_response_alg'"), std::string::npos);
  c.id_token_algorithm = "none";
  EXPECT_NE(DetailOf(c).find("'id_token_signed_response_alg'"), std::string::npos);

  auto all = registry_->List();
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), 2u) << "only the two good ones were stored";
}

TEST_F(ClientRegistryTest, ListFindAndDelete) {
  auto a = registry_->Create(WebApp());
  clock_.Advance(1);
  NewClient second = WebApp();
  second.name = "Nextcloud";
  second.first_party = true;
  second.id_token_algorithm = "EdDSA";
  auto b = registry_->Create(second);
  ASSERT_TRUE(a.ok() && b.ok());
  auto all = registry_->List();
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].name, "Grafana");
  EXPECT_EQ((*all)[1].name, "Nextcloud");
  EXPECT_TRUE((*all)[1].first_party);
  EXPECT_EQ((*all)[1].id_token_algorithm, "EdDSA");
  EXPECT_EQ(registry_->Find(b->client.id)->name, "Nextcloud");
  EXPECT_TRUE(registry_->Delete(a->client.id).ok());
  EXPECT_EQ(registry_->Delete(a->client.id).error().code, Errc::kNotFound);
  EXPECT_EQ(registry_->Find(a->client.id).error().code, Errc::kNotFound);
  EXPECT_FALSE(Authenticated(a->client.id, a->secret));
}

}  // namespace
}  // namespace gatehouse

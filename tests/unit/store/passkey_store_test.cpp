#include "store/passkey_store.hpp"

#include <gtest/gtest.h>

#include "store/connection.hpp"
#include "store/user_store.hpp"
#include "support/storage_fixture.hpp"

namespace gatehouse {
namespace {

class PasskeyStoreTest : public StorageFixture {
 protected:
  void SetUp() override {
    StorageFixture::SetUp();
    for (const char* id : {"u-1", "u-2"}) {
      UserRecord user;
      user.id = id;
      user.email = std::string(id) + "@example.com";
      user.role = "user";
      ASSERT_TRUE(Run<bool>([&](Connection& sql) { return user_store::Insert(sql, user); }));
    }
  }

  template <typename T, typename F>
  T Run(F work) {
    auto result = db_->Write<T>([&](Connection& sql) -> Result<T> { return work(sql); });
    EXPECT_TRUE(result);
    return *result;
  }

  static PasskeyRecord Passkey(std::string id, std::string user, std::string credential) {
    PasskeyRecord p;
    p.id = std::move(id);
    p.user_id = std::move(user);
    p.credential_id = std::move(credential);
    p.public_key = std::string("\xa5\x01\x02\x03\x26", 5);
    p.algorithm = -7;
    p.aaguid = std::string(16, '\0');
    p.name = "Laptop";
    p.sign_count = 3;
    p.backup_eligible = true;
    p.user_verified = true;
    p.attestation_format = "none";
    p.transports = "internal,hybrid";
    p.created_at = kStart;
    return p;
  }
};

TEST_F(PasskeyStoreTest, StoresAndFindsAPasskeyByItsRawCredentialIdWithItsOwner) {
  std::string raw_id("\x00\xff\x10 binary", 10);
  ASSERT_TRUE(Run<bool>(
      [&](Connection& sql) { return passkey_store::Insert(sql, Passkey("pk-1", "u-1", raw_id)); }));
  auto owned = Run<std::optional<PasskeyOwner>>(
      [&](Connection& sql) { return passkey_store::FindWithOwner(sql, raw_id); });
  ASSERT_TRUE(owned);
  EXPECT_EQ(owned->user.id, "u-1");
  EXPECT_EQ(owned->user.email, "u-1@example.com");
  EXPECT_EQ(owned->user_handle, "") << "no handle made yet";
  const PasskeyRecord* found = &owned->passkey;
  EXPECT_EQ(found->id, "pk-1");
  EXPECT_EQ(found->credential_id, raw_id);
  EXPECT_EQ(found->public_key, std::string("\xa5\x01\x02\x03\x26", 5));
  EXPECT_EQ(found->aaguid, std::string(16, '\0'));
  EXPECT_EQ(found->sign_count, 3u);
  EXPECT_TRUE(found->backup_eligible);
  EXPECT_FALSE(found->backed_up);
  EXPECT_FALSE(found->last_used_at);
  // The same credential cannot be registered twice, to anyone.
  EXPECT_FALSE(Run<bool>(
      [&](Connection& sql) { return passkey_store::Insert(sql, Passkey("pk-2", "u-2", raw_id)); }));
  EXPECT_FALSE(Run<std::optional<PasskeyOwner>>(
      [&](Connection& sql) { return passkey_store::FindWithOwner(sql, "unknown"); }));
}

TEST_F(PasskeyStoreTest, AUseMovesTheCounterOnlyFromTheValueItWasReadAt) {
  Run<bool>(
      [&](Connection& sql) { return passkey_store::Insert(sql, Passkey("pk-1", "u-1", "c")); });
  EXPECT_TRUE(Run<bool>([&](Connection& sql) {
    return passkey_store::RecordUse(sql, "pk-1", 3, 4, true, kStart + 5);
  }));
  EXPECT_FALSE(Run<bool>([&](Connection& sql) {
    return passkey_store::RecordUse(sql, "pk-1", 3, 4, true, kStart + 6);
  })) << "a second assertion read at the same counter loses";
  auto found = Run<std::optional<PasskeyOwner>>(
      [&](Connection& sql) { return passkey_store::FindWithOwner(sql, "c"); });
  ASSERT_TRUE(found);
  EXPECT_EQ(found->passkey.sign_count, 4u);
  EXPECT_TRUE(found->passkey.backed_up);
  EXPECT_EQ(found->passkey.last_used_at, kStart + 5);
}

TEST_F(PasskeyStoreTest, RenamingAndDeletingTouchOnlyTheOwnersPasskeys) {
  Run<bool>(
      [&](Connection& sql) { return passkey_store::Insert(sql, Passkey("pk-1", "u-1", "a")); });
  Run<bool>(
      [&](Connection& sql) { return passkey_store::Insert(sql, Passkey("pk-2", "u-1", "b")); });
  EXPECT_FALSE(Run<bool>(
      [&](Connection& sql) { return passkey_store::Rename(sql, "u-2", "pk-1", "Mine now"); }));
  EXPECT_TRUE(Run<bool>(
      [&](Connection& sql) { return passkey_store::Rename(sql, "u-1", "pk-1", "Phone"); }));
  using Removed = std::optional<std::string>;
  EXPECT_EQ(
      Run<Removed>([&](Connection& sql) { return passkey_store::Delete(sql, "u-2", "pk-2"); }),
      std::nullopt);
  EXPECT_EQ(
      Run<Removed>([&](Connection& sql) { return passkey_store::Delete(sql, "u-1", "pk-2"); }),
      "Laptop")
      << "the removed passkey's name";
  auto left = Run<std::vector<PasskeyRecord>>(
      [&](Connection& sql) { return passkey_store::OfUser(sql, "u-1"); });
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(left[0].name, "Phone");
  EXPECT_TRUE(Run<std::vector<PasskeyRecord>>([&](Connection& sql) {
                return passkey_store::OfUser(sql, "u-2");
              }).empty());
}

TEST_F(PasskeyStoreTest, AUsersHandleIsMadeOnceAndComesWithTheirPasskeys) {
  Run<bool>(
      [&](Connection& sql) { return passkey_store::Insert(sql, Passkey("pk-1", "u-1", "a")); });
  Run<bool>(
      [&](Connection& sql) { return passkey_store::Insert(sql, Passkey("pk-2", "u-2", "b")); });
  std::string first = Run<std::string>(
      [&](Connection& sql) { return passkey_store::HandleOf(sql, "u-1", "handle-one"); });
  EXPECT_EQ(first, "handle-one");
  EXPECT_EQ(Run<std::string>(
                [&](Connection& sql) { return passkey_store::HandleOf(sql, "u-1", "handle-two"); }),
            "handle-one")
      << "kept, not replaced";
  auto of_first = Run<std::optional<PasskeyOwner>>(
      [&](Connection& sql) { return passkey_store::FindWithOwner(sql, "a"); });
  ASSERT_TRUE(of_first);
  EXPECT_EQ(of_first->user_handle, "handle-one");
  auto of_second = Run<std::optional<PasskeyOwner>>(
      [&](Connection& sql) { return passkey_store::FindWithOwner(sql, "b"); });
  ASSERT_TRUE(of_second);
  EXPECT_EQ(of_second->user_handle, "") << "another user's handle is theirs alone";
}

}  // namespace
}  // namespace gatehouse

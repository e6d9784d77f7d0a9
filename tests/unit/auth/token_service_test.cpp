#include "auth/token_service.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <thread>
#include <vector>

#include "auth/whitelist_entry.hpp"
#include "config/config.hpp"
#include "store/connection.hpp"
#include "store/session_store.hpp"
#include "store/user_store.hpp"
#include "support/storage_fixture.hpp"

namespace gatehouse {
namespace {

// TokenService on a real SQLite file, the memory cache and a manual clock: login pairs,
// rotation, reuse, the grace window, expiry, revocation and cache loss, without the binary
// and without sleeping.
class TokenServiceTest : public StorageFixture {
 protected:
  void SetUp() override {
    StorageFixture::SetUp();
    config_.leeway_seconds = 0;
    keys_ = std::make_unique<KeyRing>(*db_, config_, clock_);
    ASSERT_TRUE(keys_->Load());
    user_.id = "3f1d6c1e-8f0a-4c39-9a57-4a4f0c5b2e10";
    user_.email = "ada@example.com";
    user_.password_hash = "not used here";
    user_.email_verified = true;
    ASSERT_TRUE(db_->Write<Ok>([&](Connection& sql) -> Status {
      user_store::Insert(sql, user_);
      return Ok{};
    }));
  }

  // A service built now, so each test can set config_ first.
  TokenService& Tokens() {
    if (!tokens_)
      tokens_ = std::make_unique<TokenService>(*db_, cache_, *keys_, config_, sessions_, clock_);
    return *tokens_;
  }

  TokenPair Login(bool remember_me = false) {
    auto pair = Tokens().StartSession(user_, remember_me, {"pwd"}, client_);
    EXPECT_TRUE(pair) << pair.error().reason;
    return *pair;
  }

  // A login and one refresh: the first pair (rotated away) and the current one.
  std::pair<TokenPair, TokenPair> LoginAndRefresh() {
    TokenPair first = Login();
    auto second = Tokens().Refresh(first.refresh_token, client_);
    EXPECT_TRUE(second) << second.error().reason;
    return {first, second ? *second : TokenPair{}};
  }

  static std::string JtiOf(const std::string& token) {
    auto dot = token.find('.');
    auto payload = Base64UrlDecode(token.substr(dot + 1, token.find('.', dot + 1) - dot - 1));
    return nlohmann::json::parse(*payload).at("jti");
  }

  std::optional<SessionRecord> Row(const std::string& session_id) {
    return *db_->Run<std::optional<SessionRecord>>(
        [&](Connection& sql) -> Result<std::optional<SessionRecord>> {
          return session_store::Find(sql, session_id);
        });
  }

  static Errc CodeOf(const auto& result) {
    EXPECT_FALSE(result) << "expected an error";
    return result ? Errc::kInternal : result.error().code;
  }

  TokenConfig config_ = DefaultConfig().tokens;
  SessionConfig sessions_ = DefaultConfig().sessions;
  std::unique_ptr<KeyRing> keys_;
  std::unique_ptr<TokenService> tokens_;
  UserRecord user_;
  ClientInfo client_{"192.0.2.7", "unit-test/1.0"};
};

TEST_F(TokenServiceTest, LoginPairAuthenticatesAndIsStoredAndWhitelisted) {
  TokenPair pair = Login();
  EXPECT_EQ(pair.expires_in, 15 * 60);
  EXPECT_EQ(pair.refresh_expires_in, 60 * 60);
  auto who = Tokens().Authenticate(pair.access_token);
  ASSERT_TRUE(who) << who.error().reason;
  EXPECT_EQ(who->user_id, user_.id);
  EXPECT_EQ(who->session_id, pair.session_id);
  EXPECT_EQ(who->amr, std::vector<std::string>{"pwd"});

  auto row = Row(pair.session_id);
  ASSERT_TRUE(row);
  EXPECT_EQ(row->access_jti, JtiOf(pair.access_token));
  EXPECT_EQ(row->refresh_jti, JtiOf(pair.refresh_token));
  EXPECT_EQ(row->last_ip_address, "192.0.2.7");
  auto listed = cache_.Get(JtiOf(pair.access_token));
  ASSERT_TRUE(listed && *listed);
  EXPECT_TRUE(cache_.Get(user_.id + pair.session_id)->has_value()) << "SessionInfo";
}

TEST_F(TokenServiceTest, RememberMeGivesTheLongLifetimes) {
  TokenPair pair = Login(true);
  EXPECT_EQ(pair.expires_in, 24 * 60 * 60);
  EXPECT_EQ(pair.refresh_expires_in, 14 * 24 * 60 * 60);
}

TEST_F(TokenServiceTest, RefreshRotatesAndTheOldPairIsDead) {
  TokenPair first = Login();
  clock_.Advance(60);
  auto second = Tokens().Refresh(first.refresh_token, client_);
  ASSERT_TRUE(second) << second.error().reason;
  EXPECT_EQ(second->session_id, first.session_id);
  EXPECT_NE(JtiOf(second->access_token), JtiOf(first.access_token));
  EXPECT_TRUE(Tokens().Authenticate(second->access_token));
  EXPECT_FALSE(cache_.Get(JtiOf(first.access_token))->has_value())
      << "withdrawn from the whitelist";
  auto row = Row(first.session_id);
  ASSERT_TRUE(row);
  EXPECT_EQ(row->previous_refresh_jti, JtiOf(first.refresh_token));
  EXPECT_EQ(row->rotated_at, kStart + 60);
}

TEST_F(TokenServiceTest, AReusedRefreshTokenRevokesTheWholeSession) {
  auto [first, second] = LoginAndRefresh();
  EXPECT_EQ(CodeOf(Tokens().Refresh(first.refresh_token, client_)), Errc::kTokenReused);
  EXPECT_FALSE(Row(first.session_id)) << "session deleted";
  EXPECT_EQ(CodeOf(Tokens().Authenticate(second.access_token)), Errc::kTokenRevoked);
  EXPECT_EQ(CodeOf(Tokens().Refresh(second.refresh_token, client_)), Errc::kTokenRevoked);
}

TEST_F(TokenServiceTest, ARotatedAccessTokenRevokesTheWholeSession) {
  auto [first, second] = LoginAndRefresh();
  EXPECT_EQ(CodeOf(Tokens().Authenticate(first.access_token)), Errc::kTokenReused);
  EXPECT_EQ(CodeOf(Tokens().Authenticate(second.access_token)), Errc::kTokenRevoked);
}

TEST_F(TokenServiceTest, GraceWindowGivesThePreviousTokenTheCurrentPairUntilItCloses) {
  config_.refresh_reuse_grace_seconds = 10;
  auto [first, second] = LoginAndRefresh();
  clock_.Advance(10);  // the last second of the window
  auto again = Tokens().Refresh(first.refresh_token, client_);
  ASSERT_TRUE(again) << again.error().reason;
  EXPECT_EQ(JtiOf(again->access_token), JtiOf(second.access_token));
  EXPECT_EQ(JtiOf(again->refresh_token), JtiOf(second.refresh_token));

  auto third = Tokens().Refresh(second.refresh_token, client_);
  ASSERT_TRUE(third);
  // Two rotations old: reuse, even inside a window.
  EXPECT_EQ(CodeOf(Tokens().Refresh(first.refresh_token, client_)), Errc::kTokenReused);
  EXPECT_EQ(CodeOf(Tokens().Authenticate(third->access_token)), Errc::kTokenRevoked);
}

TEST_F(TokenServiceTest, AfterTheGraceWindowThePreviousTokenIsReuse) {
  config_.refresh_reuse_grace_seconds = 10;
  auto [first, second] = LoginAndRefresh();
  clock_.Advance(11);
  EXPECT_EQ(CodeOf(Tokens().Refresh(first.refresh_token, client_)), Errc::kTokenReused);
  EXPECT_EQ(CodeOf(Tokens().Authenticate(second.access_token)), Errc::kTokenRevoked);
}

TEST_F(TokenServiceTest, WithoutAGraceWindowAnImmediateRetryIsReuse) {
  TokenPair first = Login();
  ASSERT_TRUE(Tokens().Refresh(first.refresh_token, client_));
  EXPECT_EQ(CodeOf(Tokens().Refresh(first.refresh_token, client_)), Errc::kTokenReused);
}

TEST_F(TokenServiceTest, ExpiredTokensAreRefusedAtTheSecondTheyExpire) {
  TokenPair pair = Login();
  clock_.Advance(15 * 60 - 1);
  EXPECT_TRUE(Tokens().Authenticate(pair.access_token));
  clock_.Advance(1);
  EXPECT_EQ(CodeOf(Tokens().Authenticate(pair.access_token)), Errc::kInvalidToken);
  clock_.Advance(45 * 60);
  EXPECT_EQ(CodeOf(Tokens().Refresh(pair.refresh_token, client_)), Errc::kInvalidToken);
}

TEST_F(TokenServiceTest, RefreshNeverOutlivesTheAbsoluteSessionLifetime) {
  sessions_.absolute_lifetime_seconds = 90 * 60;
  TokenPair pair = Login();
  clock_.Advance(50 * 60);
  auto next = Tokens().Refresh(pair.refresh_token, client_);
  ASSERT_TRUE(next);
  EXPECT_EQ(next->refresh_expires_in, 40 * 60) << "capped at login + 90 min, not now + 1 h";
}

TEST_F(TokenServiceTest, RevokedSessionIsDeniedAtOnce) {
  TokenPair pair = Login();
  ASSERT_TRUE(Tokens().Authenticate(pair.access_token));
  auto revoked = Tokens().RevokeSession(pair.session_id);
  ASSERT_TRUE(revoked);
  EXPECT_TRUE(*revoked);
  EXPECT_EQ(CodeOf(Tokens().Authenticate(pair.access_token)), Errc::kTokenRevoked);
  EXPECT_EQ(CodeOf(Tokens().Refresh(pair.refresh_token, client_)), Errc::kTokenRevoked);
  EXPECT_FALSE(*Tokens().RevokeSession(pair.session_id)) << "already gone";
}

TEST_F(TokenServiceTest, RevokeUserSessionsKeepsTheOneAsked) {
  TokenPair kept = Login(), other = Login(), third = Login();
  auto count = Tokens().RevokeUserSessions(user_.id, kept.session_id);
  ASSERT_TRUE(count);
  EXPECT_EQ(*count, 2);
  EXPECT_TRUE(Tokens().Authenticate(kept.access_token));
  EXPECT_EQ(CodeOf(Tokens().Authenticate(other.access_token)), Errc::kTokenRevoked);
  EXPECT_EQ(CodeOf(Tokens().Authenticate(third.access_token)), Errc::kTokenRevoked);
}

TEST_F(TokenServiceTest, LosingTheCacheLogsNobodyOutAndRevokedTokensStayRevoked) {
  auto [first, second] = LoginAndRefresh();
  // Everything the cache knew is gone (a restart, an eviction, a failover).
  for (const std::string& key :
       {JtiOf(second.access_token), JtiOf(second.refresh_token), user_.id + first.session_id}) {
    ASSERT_TRUE(cache_.Remove(key));
  }
  EXPECT_TRUE(Tokens().Authenticate(second.access_token)) << "the database decides";
  EXPECT_TRUE(cache_.Get(JtiOf(second.access_token))->has_value()) << "and the cache is refilled";
  EXPECT_EQ(CodeOf(Tokens().Authenticate(first.access_token)), Errc::kTokenReused)
      << "the rotated token is still known as rotated";
}

TEST_F(TokenServiceTest, AnEntryAnOlderInstanceWroteIsCheckedAgainstTheDatabaseAndRewritten) {
  TokenPair pair = Login();
  std::string jti = JtiOf(pair.access_token);
  nlohmann::json old{{"type", "access"},
                     {"sibling_id", JtiOf(pair.refresh_token)},
                     {"sid", pair.session_id},
                     {"sub", user_.id}};  // members sorted by name
  ASSERT_TRUE(cache_.Set(jti, old.dump(), std::chrono::seconds(60)));
  EXPECT_TRUE(Tokens().Authenticate(pair.access_token));
  EXPECT_EQ(**cache_.Get(jti),
            WhitelistEntry("access", pair.session_id, user_.id, JtiOf(pair.refresh_token)));
}

TEST_F(TokenServiceTest, AuthenticateWithAccountChecksTheSessionRowAndReadsTheOwner) {
  TokenPair pair = Login();
  // The cache plays no part: the session row is checked in the query that reads the account.
  for (const std::string& key : {JtiOf(pair.access_token), JtiOf(pair.refresh_token)}) {
    ASSERT_TRUE(cache_.Remove(key));
  }
  auto authed = Tokens().AuthenticateWithAccount(pair.access_token);
  ASSERT_TRUE(authed) << authed.error().reason;
  EXPECT_EQ(authed->access.session_id, pair.session_id);
  EXPECT_EQ(authed->account.id, user_.id);
  EXPECT_EQ(authed->account.email, "ada@example.com");
  EXPECT_TRUE(authed->account.email_verified);

  ASSERT_TRUE(Tokens().RevokeSession(pair.session_id));
  EXPECT_EQ(CodeOf(Tokens().AuthenticateWithAccount(pair.access_token)), Errc::kTokenRevoked);
}

TEST_F(TokenServiceTest, AuthenticateWithAccountTreatsARotatedTokenAsReuse) {
  auto [first, second] = LoginAndRefresh();
  EXPECT_TRUE(Tokens().AuthenticateWithAccount(second.access_token));
  EXPECT_EQ(CodeOf(Tokens().AuthenticateWithAccount(first.access_token)), Errc::kTokenReused);
  EXPECT_FALSE(Row(first.session_id)) << "the session is revoked";
  EXPECT_EQ(CodeOf(Tokens().Authenticate(second.access_token)), Errc::kTokenRevoked);
}

TEST_F(TokenServiceTest, AuthenticateWithAccountRefusesExpiredAndForeignTokens) {
  TokenPair pair = Login();
  EXPECT_EQ(CodeOf(Tokens().AuthenticateWithAccount(pair.refresh_token)), Errc::kInvalidToken);
  EXPECT_EQ(CodeOf(Tokens().AuthenticateWithAccount("not.a.token")), Errc::kInvalidToken);
  clock_.Advance(15 * 60);
  EXPECT_EQ(CodeOf(Tokens().AuthenticateWithAccount(pair.access_token)), Errc::kInvalidToken);
}

TEST_F(TokenServiceTest, AuthenticateIfWhitelistedAnswersOnlyForAWhitelistedToken) {
  auto [first, second] = LoginAndRefresh();
  auto ask = [&](const std::string& token) {
    std::optional<std::optional<AccessContext>> answer;
    EXPECT_TRUE(Tokens().AuthenticateIfWhitelisted(
        token, [&](std::optional<AccessContext> caller) { answer = std::move(caller); }));
    EXPECT_TRUE(answer.has_value()) << "the memory cache answers at once";
    return answer.value_or(std::nullopt);
  };
  auto caller = ask(second.access_token);
  ASSERT_TRUE(caller);
  EXPECT_EQ(caller->session_id, second.session_id);
  EXPECT_FALSE(ask(first.access_token)) << "rotated: not whitelisted; Authenticate decides";
  EXPECT_FALSE(ask(second.refresh_token)) << "not an access token";
  EXPECT_FALSE(ask("forged.token.here"));
  ASSERT_TRUE(Tokens().RevokeSession(second.session_id));
  EXPECT_FALSE(ask(second.access_token)) << "revoked";
}

TEST_F(TokenServiceTest, AuthenticateWithAccountAsyncDeclinesWithoutAnAsynchronousDatabase) {
  TokenPair pair = Login();
  bool called = false;
  EXPECT_FALSE(Tokens().AuthenticateWithAccountAsync(
      pair.access_token, [&](std::optional<Result<AuthenticatedAccount>>) { called = true; }))
      << "SQLite has no pipeline: the caller takes the synchronous path";
  EXPECT_FALSE(called);
  std::optional<Result<AuthenticatedAccount>> invalid;
  EXPECT_TRUE(Tokens().AuthenticateWithAccountAsync(
      "not.a.token", [&](std::optional<Result<AuthenticatedAccount>> r) { invalid = r; }))
      << "an invalid token needs no database";
  ASSERT_TRUE(invalid && !*invalid);
  EXPECT_EQ(invalid->error().code, Errc::kInvalidToken);
}

TEST_F(TokenServiceTest, OfConcurrentRefreshesWithOneTokenExactlyOneWins) {
  TokenPair pair = Login();
  constexpr int kRacers = 12;
  std::atomic<int> won{0}, reused{0}, other{0};
  std::vector<std::thread> racers;
  for (int i = 0; i < kRacers; ++i) {
    racers.emplace_back([&] {
      auto r = Tokens().Refresh(pair.refresh_token, client_);
      if (r) {
        ++won;
      } else if (r.error().code == Errc::kTokenReused || r.error().code == Errc::kTokenRevoked) {
        ++reused;
      } else {
        ++other;
      }
    });
  }
  for (auto& t : racers) t.join();
  EXPECT_EQ(won.load(), 1);
  EXPECT_EQ(reused.load(), kRacers - 1);
  EXPECT_EQ(other.load(), 0);
}

TEST_F(TokenServiceTest, ATokenOfAnotherTypeIsRefused) {
  TokenPair pair = Login();
  EXPECT_EQ(CodeOf(Tokens().Authenticate(pair.refresh_token)), Errc::kInvalidToken);
  EXPECT_EQ(CodeOf(Tokens().Refresh(pair.access_token, client_)), Errc::kInvalidToken);
}

}  // namespace
}  // namespace gatehouse

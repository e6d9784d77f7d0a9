#include <gtest/gtest.h>

#include "auth/passkey_ceremonies.hpp"

namespace gatehouse {
namespace {

constexpr std::int64_t kNow = 1'800'000'000;

AcceptedAssertion Accepted(std::uint32_t stored_count, std::uint32_t new_count,
                           std::optional<std::int64_t> last_used, bool was_backed_up = true,
                           bool backed_up = true) {
  AcceptedAssertion a;
  a.passkey.id = "pk-1";
  a.passkey.sign_count = stored_count;
  a.passkey.backed_up = was_backed_up;
  a.passkey.last_used_at = last_used;
  a.verified.sign_count = new_count;
  a.verified.backed_up = backed_up;
  return a;
}

TEST(PasskeyUseToRecord, ASyncedPasskeyUsedWithinTheMinuteWritesNothing) {
  auto a = Accepted(0, 0, kNow - 59);
  EXPECT_FALSE(PasskeyCeremonies::UseToRecord(a, kNow));
}

TEST(PasskeyUseToRecord, ACounterInUseIsAlwaysWrittenSoThatRacingAssertionsLose) {
  auto first = Accepted(0, 1, kNow - 1);
  EXPECT_TRUE(PasskeyCeremonies::UseToRecord(first, kNow));
  auto later = Accepted(7, 8, kNow - 1);
  EXPECT_TRUE(PasskeyCeremonies::UseToRecord(later, kNow));
}

TEST(PasskeyUseToRecord, AFirstUseAStaleTimeOrANewBackupStateIsWritten) {
  auto never = Accepted(0, 0, std::nullopt);
  EXPECT_TRUE(PasskeyCeremonies::UseToRecord(never, kNow));
  auto stale = Accepted(0, 0, kNow - 60);
  EXPECT_TRUE(PasskeyCeremonies::UseToRecord(stale, kNow));
  auto backed_up_now = Accepted(0, 0, kNow - 1, /*was_backed_up=*/false, /*backed_up=*/true);
  EXPECT_TRUE(PasskeyCeremonies::UseToRecord(backed_up_now, kNow));
}

}  // namespace
}  // namespace gatehouse

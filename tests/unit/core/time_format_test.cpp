#include "core/time_format.hpp"

#include <gtest/gtest.h>

namespace gatehouse {
namespace {

TEST(TimeFormat, FormatsSecondsAndMilliseconds) {
  EXPECT_EQ(FormatRfc3339(1764106215), "2025-11-25T21:30:15Z");
  EXPECT_EQ(FormatRfc3339Millis(1764106215042), "2025-11-25T21:30:15.042Z");
  EXPECT_EQ(FormatRfc3339Millis(0), "1970-01-01T00:00:00.000Z");
}

TEST(TimeFormat, ParsesWhatItFormats) {
  for (std::int64_t millis : {0LL, 1764106215042LL, 951782400000LL /* 2000-02-29 */}) {
    EXPECT_EQ(ParseRfc3339Millis(FormatRfc3339Millis(millis)), millis);
  }
  EXPECT_EQ(ParseRfc3339Millis("2025-11-25T21:30:15Z"), 1764106215000);
}

TEST(TimeFormat, ParsesOffsetsFractionsAndLowerCase) {
  EXPECT_EQ(ParseRfc3339Millis("2025-11-25T22:30:15+01:00"), 1764106215000);
  EXPECT_EQ(ParseRfc3339Millis("2025-11-25T16:00:15-05:30"), 1764106215000);
  EXPECT_EQ(ParseRfc3339Millis("2025-11-25t21:30:15.5z"), 1764106215500);
  EXPECT_EQ(ParseRfc3339Millis("2025-11-25T21:30:15.123456789Z"), 1764106215123);
}

TEST(TimeFormat, RefusesWhatIsNotAnRfc3339DateTime) {
  for (const char* bad :
       {"", "2025-11-25", "2025-11-25T21:30:15", "2025-11-25 21:30:15Z", "2025-13-01T00:00:00Z",
        "2025-02-29T00:00:00Z", "2025-11-31T00:00:00Z", "2025-11-25T24:00:00Z",
        "2025-11-25T21:60:00Z", "2025-11-25T21:30:15.Z", "2025-11-25T21:30:15+0100",
        "2025-11-25T21:30:15+24:00", "2025-11-25T21:30:15Zjunk", "1969-12-31T23:59:59Z",
        "1970-01-01T00:30:00+01:00", "+2025-11-25T21:30:15Z", "2025-1x-25T21:30:15Z",
        "1764106215"}) {
    EXPECT_EQ(ParseRfc3339Millis(bad), std::nullopt) << bad;
  }
}

}  // namespace
}  // namespace gatehouse

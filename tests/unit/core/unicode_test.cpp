#include "core/unicode.hpp"

#include <gtest/gtest.h>

namespace gatehouse {
namespace {

TEST(SearchKey, FoldsCaseAndCompatibilityForms) {
  EXPECT_EQ(SearchKey("Ada Lovelace"), "ada lovelace");
  EXPECT_EQ(SearchKey("\xC3\x89LODIE"), "\xC3\xA9lodie");   // ÉLODIE -> élodie
  EXPECT_EQ(SearchKey("E\xCC\x81lodie"), "\xC3\xA9lodie");  // E + combining acute
  EXPECT_EQ(SearchKey("\xEF\xBD\x85lodie"), "elodie");      // fullwidth e
  EXPECT_EQ(SearchKey("Stra\xC3\x9F"
                      "e"),
            "strasse");  // ß folds to ss
}

TEST(SearchKey, InvalidUtf8IsEmpty) { EXPECT_EQ(SearchKey("ab\xFF"), ""); }

TEST(NormalizeNfc, ComposesButKeepsCaseAndCompatibilityForms) {
  EXPECT_EQ(NormalizeNfc("E\xCC\x81lodie"), "\xC3\x89lodie");
  EXPECT_EQ(NormalizeNfc("\xEF\xBD\x85"), "\xEF\xBD\x85");
  EXPECT_EQ(NormalizeNfc("ab\xFF"), std::nullopt);
}

}  // namespace
}  // namespace gatehouse

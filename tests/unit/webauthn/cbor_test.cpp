#include "webauthn/cbor.hpp"

#include <gtest/gtest.h>

namespace gatehouse {
namespace {

std::string Hex(std::string_view hex) {
  std::string out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
    out += static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16));
  }
  return out;
}

// RFC 8949 Appendix A examples.
TEST(Cbor, DecodesTheRfcExamplesOfTheKindsWebAuthnUses) {
  EXPECT_EQ(DecodeCbor(Hex("00"))->integer, 0);
  EXPECT_EQ(DecodeCbor(Hex("17"))->integer, 23);
  EXPECT_EQ(DecodeCbor(Hex("1818"))->integer, 24);
  EXPECT_EQ(DecodeCbor(Hex("1903e8"))->integer, 1000);
  EXPECT_EQ(DecodeCbor(Hex("1a000f4240"))->integer, 1000000);
  EXPECT_EQ(DecodeCbor(Hex("1b000000e8d4a51000"))->integer, 1000000000000);
  EXPECT_EQ(DecodeCbor(Hex("20"))->integer, -1);
  EXPECT_EQ(DecodeCbor(Hex("3863"))->integer, -100);
  EXPECT_EQ(DecodeCbor(Hex("390100"))->integer, -257);  // COSE RS256
  EXPECT_EQ(DecodeCbor(Hex("4401020304"))->bytes, Hex("01020304"));
  EXPECT_EQ(DecodeCbor(Hex("6449455446"))->bytes, "IETF");
  EXPECT_TRUE(DecodeCbor(Hex("f5"))->boolean);
  EXPECT_EQ(DecodeCbor(Hex("f6"))->kind, CborValue::Kind::kNull);
  auto array = DecodeCbor(Hex("8301820203820405"));
  ASSERT_TRUE(array);
  ASSERT_EQ(array->items.size(), 3u);
  EXPECT_EQ(array->items[2].items[1].integer, 5);
  auto map = DecodeCbor(Hex("a201020304"));
  ASSERT_TRUE(map);
  EXPECT_EQ(map->Find(3)->integer, 4);
  EXPECT_EQ(map->Find(5), nullptr);
  auto text_keys = DecodeCbor(Hex("a26161016162820203"));
  ASSERT_TRUE(text_keys);
  EXPECT_EQ(text_keys->Find("b")->items.size(), 2u);
  EXPECT_EQ(text_keys->Find(1), nullptr);
}

TEST(Cbor, APrefixSaysHowManyBytesItTook) {
  auto decoded = DecodeCborPrefix(Hex("a10102ffee"));
  ASSERT_TRUE(decoded);
  EXPECT_EQ(decoded->length, 3u);
  EXPECT_FALSE(DecodeCbor(Hex("a10102ffee")));  // trailing bytes
}

TEST(Cbor, RefusesWhatWebAuthnNeverSends) {
  for (const char* hex : {
           "",                                              // nothing
           "5f42010243030405ff",                            // indefinite byte string
           "9fff",                                          // indefinite array
           "c074323031332d30332d32315432303a30343a30305a",  // a tag
           "f93c00",                                        // a float
           "f7",                                            // undefined
           "1c",                                            // reserved additional information
           "1bffffffffffffffff",                            // beyond int64
           "3bffffffffffffffff",                            // below int64
           "a201020103",                                    // a repeated key
           "a1f401",      // a key that is neither integer nor text
           "19",          // a truncated argument
           "4401",        // a truncated byte string
           "83010203ff",  // fine, then trailing bytes
       }) {
    EXPECT_FALSE(DecodeCbor(Hex(hex))) << hex;
  }
}

TEST(Cbor, AClaimedLengthLongerThanTheInputIsRefusedWithoutAllocatingIt) {
  // An array, a map and a byte string "of 2^26 entries" in five bytes each.
  EXPECT_FALSE(DecodeCbor(Hex("9a0400000001")));
  EXPECT_FALSE(DecodeCbor(Hex("ba0400000001")));
  EXPECT_FALSE(DecodeCbor(Hex("5a0400000001")));
  EXPECT_FALSE(DecodeCbor(Hex("9bffffffffffffffff")));
}

TEST(Cbor, NestingIsBoundedAndSoIsTheInput) {
  std::string deep(16, '\x81');
  EXPECT_TRUE(DecodeCbor(deep + Hex("00")));
  EXPECT_FALSE(DecodeCbor(std::string(17, '\x81') + Hex("00")));
  EXPECT_FALSE(DecodeCbor(std::string(100000, '\x81')));  // no stack overflow either
  std::string big = Hex("5a00010000") + std::string(65536, 'x');
  EXPECT_FALSE(DecodeCbor(big));
}

}  // namespace
}  // namespace gatehouse

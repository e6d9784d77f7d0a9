#include "ui/catalog.hpp"

#include <gtest/gtest.h>

#include <filesystem>

#include "support/scratch_directory.hpp"

namespace gatehouse {
namespace {

using CatalogDir = ScratchDirectory;

TEST_F(CatalogDir, EnglishIsBuiltInAndADirectoryAddsAndOverrides) {
  Write("de.json", R"({"sign_in.submit": "Anmelden"})");
  Write("en.json", R"({"sign_in.forgot": "Lost it?"})");
  auto catalog = Catalog::Load(dir_.string());
  ASSERT_TRUE(catalog) << catalog.error().reason;
  EXPECT_EQ(catalog->Text("de", "sign_in.submit"), "Anmelden");
  EXPECT_EQ(catalog->Text("de", "sign_in.remember_me"), "Keep me signed in on this device");
  EXPECT_EQ(catalog->Text("en", "sign_in.forgot"), "Lost it?");
  EXPECT_EQ(catalog->Text("fr", "no.such.key"), "no.such.key");
}

TEST_F(CatalogDir, PicksTheBestPresentLanguageFromAcceptLanguage) {
  Write("de.json", "{}");
  Write("pt-BR.json", "{}");
  auto catalog = Catalog::Load(dir_.string());
  ASSERT_TRUE(catalog);
  EXPECT_EQ(catalog->PickLanguage(""), "en");
  EXPECT_EQ(catalog->PickLanguage("de-AT,de;q=0.9,en;q=0.8"), "de");
  EXPECT_EQ(catalog->PickLanguage("fr-CH, fr;q=0.9, en;q=0.8, de;q=0.7"), "en");
  EXPECT_EQ(catalog->PickLanguage("en;q=0.5, pt-BR"), "pt-br");
  EXPECT_EQ(catalog->PickLanguage("de;q=0, en;q=0.1"), "en");
  EXPECT_EQ(catalog->PickLanguage("de;q=abc, *;q=0.1"), "en");
  EXPECT_EQ(catalog->PickLanguage(std::string(10000, ',')), "en");
}

TEST_F(CatalogDir, BadFilesStopLoadingWithTheirName) {
  Write("de.json", R"({"a": 1})");
  auto catalog = Catalog::Load(dir_.string());
  ASSERT_FALSE(catalog);
  EXPECT_NE(catalog.error().reason.find("de.json: \"a\" is not a string"), std::string::npos);
  std::filesystem::remove(dir_ / "de.json");
  Write("notes.txt", "x");
  EXPECT_FALSE(Catalog::Load(dir_.string()));
  std::filesystem::remove(dir_ / "notes.txt");
  Write("fr.json", "[not json");
  EXPECT_FALSE(Catalog::Load(dir_.string()));
  EXPECT_FALSE(Catalog::Load((dir_ / "missing").string()));
}

}  // namespace
}  // namespace gatehouse

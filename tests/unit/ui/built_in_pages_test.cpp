// The templates, strings and assets compiled into the binary agree with each other.
#include <gtest/gtest.h>

#include <regex>
#include <string>

#include "auth/security_event_type.hpp"
#include "core/factor_method.hpp"
#include "ui/catalog.hpp"
#include "ui/embedded_files.hpp"
#include "ui/template.hpp"

namespace gatehouse {
namespace {

TEST(BuiltInPages, EveryTemplateParsesAndEveryStringItUsesIsInTheEnglishCatalog) {
  auto catalog = Catalog::Load("");
  ASSERT_TRUE(catalog) << catalog.error().reason;
  int templates = 0;
  for (const auto& [path, content] : EmbeddedFiles()) {
    if (!path.starts_with("templates/")) continue;
    ++templates;
    auto parsed = PageTemplate::Parse(content, std::string(path));
    ASSERT_TRUE(parsed) << parsed.error().reason;
    for (const std::string& key : parsed->TranslationKeys()) {
      EXPECT_TRUE(catalog->HasEnglish(key)) << path << " uses " << key;
    }
  }
  EXPECT_GE(templates, 7);
}

// The account center's security log names each event and each way of signing in.
TEST(BuiltInPages, EverySecurityEventTypeAndFactorMethodHasAnEnglishText) {
  auto catalog = Catalog::Load("");
  ASSERT_TRUE(catalog) << catalog.error().reason;
  for (SecurityEventType type : AllSecurityEventTypes()) {
    std::string key = "event." + std::string(NameOf(type));
    EXPECT_TRUE(catalog->HasEnglish(key)) << key;
  }
  for (FactorMethod method : {FactorMethod::kTotp, FactorMethod::kEmail, FactorMethod::kSms,
                              FactorMethod::kWebauthn, FactorMethod::kRecoveryCode}) {
    std::string key = "event.method." + std::string(NameOf(method));
    EXPECT_TRUE(catalog->HasEnglish(key)) << key;
  }
  EXPECT_TRUE(catalog->HasEnglish("event.method.password"));
}

TEST(BuiltInPages, EveryPartialATemplateIncludesIsEmbedded) {
  std::regex partial(R"(\{\{>\s*([a-z_]+)\s*\}\})");
  for (const auto& [path, content] : EmbeddedFiles()) {
    if (!path.starts_with("templates/")) continue;
    std::string text(content);
    for (std::sregex_iterator it(text.begin(), text.end(), partial), end; it != end; ++it) {
      std::string name = "templates/" + (*it)[1].str() + ".html";
      EXPECT_FALSE(EmbeddedFile(name).empty()) << path << " includes " << name;
    }
  }
}

TEST(BuiltInPages, NoInlineScriptStyleOrEventHandlerAndNothingFromAnotherOrigin) {
  // The pages' Content-Security-Policy allows neither; this keeps the templates honest.
  // One exception: the embedded scripts, by their own files (script-src 'self').
  std::regex forbidden(
      R"(<script(?! src="/ui/(gatehouse|passkeys)\.js" defer></script>)|<style|\sstyle=|\son[a-z]+=|https?://|//[a-z0-9.-]+/)",
      std::regex::icase);
  for (const char* bad :
       {"<script src=/x.js>", "<p style=\"x\">", "<a onclick=x>",
        "<img src=\"https://cdn.example/x.png\">", "<link href=\"//cdn.example/x\">"}) {
    EXPECT_TRUE(std::regex_search(bad, forbidden)) << "the check misses " << bad;
  }
  EXPECT_FALSE(std::regex_search(std::string("<script src=\"/ui/gatehouse.js\" defer></script>"),
                                 forbidden));
  EXPECT_FALSE(
      std::regex_search(std::string("<script src=\"/ui/passkeys.js\" defer></script>"), forbidden));
  EXPECT_TRUE(
      std::regex_search(std::string("<script src=\"/ui/other.js\" defer></script>"), forbidden));
  EXPECT_TRUE(std::regex_search(std::string("<script>alert(1)</script>"), forbidden));
  for (const auto& [path, content] : EmbeddedFiles()) {
    if (!path.starts_with("templates/")) continue;
    std::string text(content);
    std::smatch match;
    EXPECT_FALSE(std::regex_search(text, match, forbidden)) << path << ": " << match.str();
  }
}

}  // namespace
}  // namespace gatehouse

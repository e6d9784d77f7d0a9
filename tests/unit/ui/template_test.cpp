#include "ui/template.hpp"

#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>

namespace gatehouse {
namespace {

using nlohmann::json;

std::map<std::string, std::string, std::less<>> kCatalog = {
    {"greeting", "Hello {name} & welcome"},
    {"plain", "Sign in"},
};

std::string Render(std::string_view source, const json& data,
                   const std::map<std::string, PageTemplate, std::less<>>& partials = {}) {
  auto parsed = PageTemplate::Parse(source, "test");
  EXPECT_TRUE(parsed) << (parsed ? "" : parsed.error().reason);
  if (!parsed) return "";
  RenderEnvironment env{
      .partial = [&](std::string_view name) -> const PageTemplate* {
        auto it = partials.find(name);
        return it == partials.end() ? nullptr : &it->second;
      },
      .translate = [](std::string_view key) -> std::string_view {
        auto it = kCatalog.find(key);
        return it == kCatalog.end() ? key : std::string_view(it->second);
      },
  };
  std::string out;
  parsed->Render(data, env, out);
  return out;
}

TEST(PageTemplate, ValuesAreEscapedUnlessTripleBraced) {
  json data = {{"name", "<b onclick='x'>&\"</b>"}, {"svg", "<svg/>"}, {"n", 3}, {"yes", true}};
  EXPECT_EQ(Render("<p>{{name}}</p>", data),
            "<p>&lt;b onclick=&#39;x&#39;&gt;&amp;&quot;&lt;/b&gt;</p>");
  EXPECT_EQ(Render("{{{svg}}}|{{ n }}|{{yes}}|{{missing}}", data), "<svg/>|3|true|");
}

TEST(PageTemplate, SectionsIterateOpenObjectsAndTestTruth) {
  json data = {
      {"sessions",
       {{{"ip", "10.0.0.1"}, {"current", true}}, {{"ip", "10.0.0.2"}, {"current", false}}}},
      {"user", {{"email", "a@b.c"}, {"profile", {{"name", "Ada"}}}}},
      {"empty", json::array()},
      {"title", "T"},
      {"zero", 0},
      {"blank", ""}};
  EXPECT_EQ(
      Render("{{#sessions}}[{{ip}}{{#current}} this{{/current}} {{title}}]{{/sessions}}", data),
      "[10.0.0.1 this T][10.0.0.2 T]");
  EXPECT_EQ(Render("{{#user}}{{email}} {{profile.name}}{{/user}} {{user.profile.name}}", data),
            "a@b.c Ada Ada");
  EXPECT_EQ(
      Render(
          "{{#empty}}x{{/empty}}{{^empty}}none{{/empty}}{{#zero}}z{{/zero}}{{^blank}}b{{/blank}}",
          data),
      "noneb");
  EXPECT_EQ(Render("{{#sessions}}{{.}}{{/sessions}}", json{{"sessions", {"a<", "b"}}}), "a&lt;b");
  EXPECT_EQ(Render("{{user.missing.deeper}}|{{title.x}}", data), "|");
}

TEST(PageTemplate, TranslationsAreEscapedAndFilledFromTheContext) {
  json data = {{"name", "<Ada>"}};
  EXPECT_EQ(Render("{{t greeting}}", data), "Hello &lt;Ada&gt; &amp; welcome");
  EXPECT_EQ(Render("<h1>{{t plain}}</h1>", data), "<h1>Sign in</h1>");
  auto parsed = PageTemplate::Parse("{{t a}}{{#x}}{{t b}}{{/x}}", "keys");
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->TranslationKeys(), (std::vector<std::string>{"a", "b"}));
}

TEST(PageTemplate, PartialsShareTheContextAndCannotRecurseForever) {
  std::map<std::string, PageTemplate, std::less<>> partials;
  partials.emplace("head", *PageTemplate::Parse("<title>{{title}}</title>", "head"));
  partials.emplace("loop", *PageTemplate::Parse("x{{> loop}}", "loop"));
  EXPECT_EQ(Render("{{> head}}{{#page}}{{> head}}{{/page}}{{> unknown}}",
                   json{{"title", "A"}, {"page", {{"title", "B"}}}}, partials),
            "<title>A</title><title>B</title>");
  EXPECT_EQ(Render("{{> loop}}", json::object(), partials), "xxxxxxxx");
}

TEST(PageTemplate, MalformedTemplatesAreRefusedWithTheirLine) {
  for (auto [source, message] : std::vector<std::pair<std::string, std::string>>{
           {"a\n{{#x}}b", "line 2: {{#x}} is not closed"},
           {"{{/x}}", "line 1: {{/x}} closes nothing"},
           {"{{#x}}{{/y}}", "{{/y}} closes {{#x}}"},
           {"a\nb\n{{oops", "line 3: unterminated tag"},
           {"{{{raw}}", "unterminated tag"},
           {"{{ }}", "an empty tag"},
       }) {
    auto parsed = PageTemplate::Parse(source, "bad.html");
    ASSERT_FALSE(parsed) << source;
    EXPECT_TRUE(parsed.error().reason.starts_with("template bad.html line "))
        << parsed.error().reason;
    EXPECT_NE(parsed.error().reason.find(message), std::string::npos) << parsed.error().reason;
  }
}

}  // namespace
}  // namespace gatehouse

#include "notify/templates.hpp"

#include <gtest/gtest.h>

namespace gatehouse {
namespace {

TEST(Templates, HtmlEscapesEveryInsertedValue) {
  EXPECT_EQ(HtmlEscape(R"(<a href="x" onclick='y'>&</a>)"),
            "&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&lt;/a&gt;");
  EXPECT_EQ(RenderTemplate("<p>{{name}}</p>", {{"name", "<script>"}}, true),
            "<p>&lt;script&gt;</p>");
  EXPECT_EQ(RenderTemplate("Hi {{name}}", {{"name", "<script>"}}, false), "Hi <script>");
}

TEST(Templates, UnknownAndUnclosedPlaceholders) {
  EXPECT_EQ(RenderTemplate("a{{missing}}b", {}, false), "ab");
  EXPECT_EQ(RenderTemplate("a{{open", {{"open", "x"}}, false), "a{{open");
  EXPECT_EQ(RenderTemplate("{{a}}{{a}}", {{"a", "1"}}, false), "11");
}

TEST(Templates, VerificationMessageCarriesLinkAndCodeInBothParts) {
  RenderedMessage m = RenderMessage(MessageKind::kVerifyEmail,
                                    {{"product", "Acme"},
                                     {"name", "Ada"},
                                     {"link", "https://id.example/verify-email?token=t&x=1"},
                                     {"code", "123456"},
                                     {"link_hours", "24"},
                                     {"code_minutes", "15"}});
  EXPECT_EQ(m.subject, "Confirm your e-mail address for Acme");
  EXPECT_NE(m.text_body.find("https://id.example/verify-email?token=t&x=1"), std::string::npos);
  EXPECT_NE(m.html_body.find("href=\"https://id.example/verify-email?token=t&amp;x=1\""),
            std::string::npos);
  EXPECT_NE(m.text_body.find("123456"), std::string::npos);
  EXPECT_NE(m.html_body.find("123456"), std::string::npos);
}

}  // namespace
}  // namespace gatehouse

#include "notify/templates.hpp"

#include <gtest/gtest.h>

#include <filesystem>

#include "support/scratch_directory.hpp"

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
  MessageTemplates templates;
  RenderedMessage m = templates.Render(MessageKind::kVerifyEmail,
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

TEST(Templates, EveryMessageHasThreePartsAndEscapesEveryValueInHtml) {
  MessageTemplates templates;
  TemplateValues hostile;
  for (const char* key : {"product", "name", "link", "code", "link_hours", "code_minutes",
                          "login_url", "link_minutes", "email", "register_url", "time", "reset_url",
                          "inviter", "role", "valid_days", "change", "purpose", "domain"}) {
    hostile[key] = "<script>alert(1)</script>";
  }
  for (std::size_t k = 0; k < kMessageKindCount; ++k) {
    auto kind = static_cast<MessageKind>(k);
    RenderedMessage m = templates.Render(kind, hostile);
    SCOPED_TRACE(std::string(MessageKindName(kind)));
    EXPECT_FALSE(m.text_body.empty());
    EXPECT_EQ(m.text_body.find("{{"), std::string::npos) << "a placeholder was left unfilled";
    if (kind == MessageKind::kSmsCode) {  // a text message: no subject, no HTML
      EXPECT_EQ(m.subject, "");
      EXPECT_EQ(m.html_body, "");
      continue;
    }
    EXPECT_FALSE(m.subject.empty());
    EXPECT_EQ(m.html_body.find("<script>"), std::string::npos);
    EXPECT_NE(m.html_body.find("&lt;script&gt;"), std::string::npos);
    EXPECT_EQ(m.html_body.find("{{"), std::string::npos) << "a placeholder was left unfilled";
  }
}

// One GSM-7 segment is 160 characters; a longer text costs two messages.
TEST(Templates, SignInTextFitsOneSmsSegment) {
  RenderedMessage m =
      MessageTemplates().Render(MessageKind::kSmsCode, {{"product", "Gatehouse"},
                                                        {"code", "123456"},
                                                        {"purpose", "sign in"},
                                                        {"code_minutes", "10"},
                                                        {"domain", "auth.example.com"}});
  EXPECT_LE(m.text_body.size(), 160u) << m.text_body;
  EXPECT_NE(m.text_body.find("@auth.example.com #123456"), std::string::npos);
}

TEST(Templates, SubjectStaysOneLine) {
  MessageTemplates templates;
  RenderedMessage m =
      templates.Render(MessageKind::kInvitation, {{"product", "Acme\r\nBcc: victim@example.com"}});
  EXPECT_EQ(m.subject.find('\n'), std::string::npos);
  EXPECT_EQ(m.subject.find('\r'), std::string::npos);
}

using TemplatesDirectory = ScratchDirectory;

TEST_F(TemplatesDirectory, FilesOverrideTheirPartAndKeepTheRestBuiltIn) {
  Write("password_reset.html", "<p>Hi {{name}}: <a href=\"{{link}}\">reset</a></p>");
  Write("password_reset.subject.txt", "{{product}}: new password\n");
  MessageTemplates templates(dir_.string());
  RenderedMessage m = templates.Render(MessageKind::kPasswordReset,
                                       {{"product", "Acme"}, {"name", "<b>Bo</b>"}, {"link", "L"}});
  EXPECT_EQ(m.html_body, "<p>Hi &lt;b&gt;Bo&lt;/b&gt;: <a href=\"L\">reset</a></p>");
  EXPECT_EQ(m.subject, "Acme: new password");
  EXPECT_NE(m.text_body.find("To choose a new password"), std::string::npos) << "built-in text";
  EXPECT_EQ(MessageTemplates().Render(MessageKind::kPasswordReset, {}).subject,
            "Reset your  password");
}

TEST_F(TemplatesDirectory, UnknownFileStopsStartUp) {
  Write("pasword_reset.html", "typo");
  EXPECT_THROW(MessageTemplates(dir_.string()), std::runtime_error);
}

TEST(Templates, MissingDirectoryStopsStartUp) {
  EXPECT_THROW(MessageTemplates("/nonexistent/gatehouse-templates"), std::runtime_error);
}

}  // namespace
}  // namespace gatehouse

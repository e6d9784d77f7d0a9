#pragma once

#include <map>
#include <string>
#include <string_view>

namespace gatehouse {

// The messages Gatehouse sends.
enum class MessageKind {
  kVerifyEmail,    // new account: magic link + 6-digit code
  kAccountExists,  // someone registered with an address that already has an account
};

struct RenderedMessage {
  std::string subject;
  std::string text_body;
  std::string html_body;
};

using TemplateValues = std::map<std::string, std::string>;

// Escapes & < > " ' for HTML text and attribute values.
std::string HtmlEscape(std::string_view text);

// Replaces each {{name}} in `tmpl` with values[name] (HTML-escaped when `html`). An unknown
// name renders as empty text.
std::string RenderTemplate(std::string_view tmpl, const TemplateValues& values, bool html);

// Renders the built-in subject, text and HTML templates of `kind`.
RenderedMessage RenderMessage(MessageKind kind, const TemplateValues& values);

}  // namespace gatehouse

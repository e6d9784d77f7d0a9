#include "notify/templates.hpp"

namespace gatehouse {
namespace {

struct Templates {
  const char* subject;
  const char* text;
  const char* html;
};

constexpr Templates kVerifyEmail = {
    "Confirm your e-mail address for {{product}}",
    "Hello {{name}},\n\n"
    "Confirm your e-mail address by opening this link:\n{{link}}\n\n"
    "Or enter this code: {{code}}\n\n"
    "The link is valid for {{link_hours}} hours, the code for {{code_minutes}} minutes.\n"
    "If you did not create an account, ignore this message.\n",
    "<!doctype html><html><body>"
    "<p>Hello {{name}},</p>"
    "<p><a href=\"{{link}}\">Confirm your e-mail address</a></p>"
    "<p>Or enter this code: <strong>{{code}}</strong></p>"
    "<p>The link is valid for {{link_hours}} hours, the code for {{code_minutes}} minutes.</p>"
    "<p>If you did not create an account, ignore this message.</p>"
    "</body></html>",
};

constexpr Templates kAccountExists = {
    "You already have a {{product}} account",
    "Hello {{name}},\n\n"
    "Someone tried to create a {{product}} account with this e-mail address, which already "
    "has one.\nIf it was you, sign in instead: {{login_url}}\n"
    "If it was not you, you can ignore this message.\n",
    "<!doctype html><html><body>"
    "<p>Hello {{name}},</p>"
    "<p>Someone tried to create a {{product}} account with this e-mail address, which already "
    "has one.</p>"
    "<p>If it was you, <a href=\"{{login_url}}\">sign in instead</a>.</p>"
    "<p>If it was not you, you can ignore this message.</p>"
    "</body></html>",
};

const Templates& TemplatesFor(MessageKind kind) {
  switch (kind) {
    case MessageKind::kVerifyEmail: return kVerifyEmail;
    case MessageKind::kAccountExists: return kAccountExists;
  }
  return kVerifyEmail;
}

}  // namespace

std::string HtmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char ch : text) {
    switch (ch) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += ch;
    }
  }
  return out;
}

std::string RenderTemplate(std::string_view tmpl, const TemplateValues& values, bool html) {
  std::string out;
  std::size_t pos = 0;
  while (pos < tmpl.size()) {
    auto open = tmpl.find("{{", pos);
    if (open == std::string_view::npos) break;
    auto close = tmpl.find("}}", open + 2);
    if (close == std::string_view::npos) break;
    out.append(tmpl.substr(pos, open - pos));
    std::string name(tmpl.substr(open + 2, close - open - 2));
    if (auto it = values.find(name); it != values.end()) {
      out += html ? HtmlEscape(it->second) : it->second;
    }
    pos = close + 2;
  }
  out.append(tmpl.substr(pos));
  return out;
}

RenderedMessage RenderMessage(MessageKind kind, const TemplateValues& values) {
  const Templates& t = TemplatesFor(kind);
  RenderedMessage m;
  m.subject = RenderTemplate(t.subject, values, /*html=*/false);
  m.text_body = RenderTemplate(t.text, values, /*html=*/false);
  m.html_body = RenderTemplate(t.html, values, /*html=*/true);
  return m;
}

}  // namespace gatehouse

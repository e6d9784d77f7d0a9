#include "notify/templates.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace gatehouse {
namespace {

constexpr std::array<MessageKind, kMessageKindCount> kAllKinds = {
    MessageKind::kVerifyEmail,
    MessageKind::kAccountExists,
    MessageKind::kPasswordReset,
    MessageKind::kPasswordResetNoAccount,
    MessageKind::kPasswordChanged,
    MessageKind::kInvitation,
    MessageKind::kMfaChanged,
    MessageKind::kMfaCode,
    MessageKind::kSmsCode,
    MessageKind::kAccountCreated,
    MessageKind::kEmailChangeConfirm,
    MessageKind::kEmailChangeNotice,
    MessageKind::kEmailChangeTaken,
    MessageKind::kNewSignIn,
};

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in) throw std::runtime_error("cannot read template " + path.string());
  return text.str();
}

// The part of a template that `file` overrides; nullptr for a name that is none of them.
std::string* PartFor(const std::string& file, std::array<MessageTemplate, kMessageKindCount>& all) {
  for (MessageKind kind : kAllKinds) {
    std::string stem(MessageKindName(kind));
    MessageTemplate& t = all[static_cast<std::size_t>(kind)];
    if (file == stem + ".subject.txt") return &t.subject;
    if (file == stem + ".txt") return &t.text;
    if (file == stem + ".html") return &t.html;
  }
  return nullptr;
}

std::string OneLine(std::string text) {
  for (char& c : text) {
    if (c == '\r' || c == '\n') c = ' ';
  }
  while (!text.empty() && text.back() == ' ') text.pop_back();
  return text;
}

}  // namespace

std::string_view MessageKindName(MessageKind kind) {
  switch (kind) {
    case MessageKind::kVerifyEmail: return "verify_email";
    case MessageKind::kAccountExists: return "account_exists";
    case MessageKind::kPasswordReset: return "password_reset";
    case MessageKind::kPasswordResetNoAccount: return "password_reset_no_account";
    case MessageKind::kPasswordChanged: return "password_changed";
    case MessageKind::kInvitation: return "invitation";
    case MessageKind::kMfaChanged: return "mfa_changed";
    case MessageKind::kMfaCode: return "mfa_code";
    case MessageKind::kSmsCode: return "sms_code";
    case MessageKind::kAccountCreated: return "account_created";
    case MessageKind::kEmailChangeConfirm: return "email_change_confirm";
    case MessageKind::kEmailChangeNotice: return "email_change_notice";
    case MessageKind::kEmailChangeTaken: return "email_change_taken";
    case MessageKind::kNewSignIn: return "new_sign_in";
  }
  return "unknown";
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

MessageTemplates::MessageTemplates(const std::string& dir) {
  for (MessageKind kind : kAllKinds) {
    templates_[static_cast<std::size_t>(kind)] = BuiltInTemplate(kind);
  }
  if (dir.empty()) return;
  std::error_code error;
  std::filesystem::directory_iterator entries(dir, error);
  if (error) throw std::runtime_error("cannot read templates directory " + dir);
  for (const auto& entry : entries) {
    std::string file = entry.path().filename().string();
    std::string* part = PartFor(file, templates_);
    if (!part) {
      throw std::runtime_error("unknown template file " + entry.path().string() +
                               " (expected <message>.subject.txt, .txt or .html)");
    }
    *part = ReadFile(entry.path());
  }
}

RenderedMessage MessageTemplates::Render(MessageKind kind, const TemplateValues& values) const {
  const MessageTemplate& t = templates_[static_cast<std::size_t>(kind)];
  RenderedMessage m;
  m.subject = OneLine(RenderTemplate(t.subject, values, /*html=*/false));
  m.text_body = RenderTemplate(t.text, values, /*html=*/false);
  m.html_body = RenderTemplate(t.html, values, /*html=*/true);
  return m;
}

}  // namespace gatehouse

#pragma once

#include <array>
#include <map>
#include <string>
#include <string_view>

#include "core/html_escape.hpp"

namespace gatehouse {

// The messages Gatehouse sends.
enum class MessageKind {
  kVerifyEmail,             // new account: magic link + 6-digit code
  kAccountExists,           // someone registered with an address that already has an account
  kPasswordReset,           // forgot password: reset link
  kPasswordResetNoAccount,  // forgot password for an address without an account
  kPasswordChanged,         // notice after a change or a reset
  kInvitation,              // an administrator invites someone: accept link
  kMfaChanged,              // a second factor was added or removed
  kMfaCode,                 // a 6-digit code by e-mail: to sign in or to set up the factor
  kSmsCode,                 // the same by SMS (only the text part is used)
  kAccountCreated,          // an administrator made an account: a link to choose the password
  kEmailChangeConfirm,      // to the new address of an e-mail change: the link that makes it
  kEmailChangeNotice,       // to the old address of an e-mail change: the link that undoes it
  kEmailChangeTaken,        // to an address an account asked to move to, which has one already
  kNewSignIn,               // a sign-in from a new device or country: the "this wasn't me" link
};
inline constexpr std::size_t kMessageKindCount = 14;

// The file-name stem of a kind's templates, e.g. "verify_email".
std::string_view MessageKindName(MessageKind kind);

struct RenderedMessage {
  std::string subject;
  std::string text_body;
  std::string html_body;
};

struct MessageTemplate {
  std::string subject;
  std::string text;
  std::string html;
};

using TemplateValues = std::map<std::string, std::string>;

// Replaces each {{name}} in `tmpl` with values[name] (HTML-escaped when `html`). An unknown
// name renders as empty text.
std::string RenderTemplate(std::string_view tmpl, const TemplateValues& values, bool html);

// The subject, text and HTML templates of every message. Values inserted into the HTML part
// are always escaped, and a subject is one line whatever a template or value contains.
// Immutable after construction; thread-safe.
class MessageTemplates {
 public:
  // The built-in templates, each part overridden by a file in `dir` when one exists:
  // <name>.subject.txt, <name>.txt and <name>.html (e.g. verify_email.html). Throws
  // std::runtime_error naming the file for an unreadable or unknown file in `dir`, so a
  // misspelt override stops start-up instead of being ignored.
  explicit MessageTemplates(const std::string& dir = "");

  RenderedMessage Render(MessageKind kind, const TemplateValues& values) const;

 private:
  std::array<MessageTemplate, kMessageKindCount> templates_;
};

// The templates compiled into the binary.
MessageTemplate BuiltInTemplate(MessageKind kind);

}  // namespace gatehouse

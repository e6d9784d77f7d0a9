// The messages Gatehouse sends unless a templates directory overrides them. Placeholders are
// {{name}}; README lists the ones each message gets.
#include "notify/templates.hpp"

namespace gatehouse {
namespace {

constexpr const char* kHtmlStart = "<!doctype html><html><body>";
constexpr const char* kHtmlEnd = "</body></html>";

MessageTemplate Make(const char* subject, const char* text, const char* html_body) {
  return {subject, text, std::string(kHtmlStart) + html_body + kHtmlEnd};
}

}  // namespace

MessageTemplate BuiltInTemplate(MessageKind kind) {
  switch (kind) {
    case MessageKind::kVerifyEmail:
      return Make(
          "Confirm your e-mail address for {{product}}",
          "Hello {{name}},\n\n"
          "Confirm your e-mail address by opening this link:\n{{link}}\n\n"
          "Or enter this code: {{code}}\n\n"
          "The link is valid for {{link_hours}} hours, the code for {{code_minutes}} minutes.\n"
          "If you did not create an account, ignore this message.\n",
          "<p>Hello {{name}},</p>"
          "<p><a href=\"{{link}}\">Confirm your e-mail address</a></p>"
          "<p>Or enter this code: <strong>{{code}}</strong></p>"
          "<p>The link is valid for {{link_hours}} hours, the code for {{code_minutes}} "
          "minutes.</p>"
          "<p>If you did not create an account, ignore this message.</p>");
    case MessageKind::kAccountExists:
      return Make(
          "You already have a {{product}} account",
          "Hello {{name}},\n\n"
          "Someone tried to create a {{product}} account with this e-mail address, which "
          "already has one.\nIf it was you, sign in instead: {{login_url}}\n"
          "If it was not you, you can ignore this message.\n",
          "<p>Hello {{name}},</p>"
          "<p>Someone tried to create a {{product}} account with this e-mail address, which "
          "already has one.</p>"
          "<p>If it was you, <a href=\"{{login_url}}\">sign in instead</a>.</p>"
          "<p>If it was not you, you can ignore this message.</p>");
    case MessageKind::kPasswordReset:
      return Make(
          "Reset your {{product}} password",
          "Hello {{name}},\n\n"
          "To choose a new password, open this link:\n{{link}}\n\n"
          "It is valid for {{link_minutes}} minutes and works once. Setting a new password "
          "signs you out everywhere.\n"
          "If you did not ask for this, ignore this message: your password stays as it is.\n",
          "<p>Hello {{name}},</p>"
          "<p><a href=\"{{link}}\">Choose a new password</a></p>"
          "<p>The link is valid for {{link_minutes}} minutes and works once. Setting a new "
          "password signs you out everywhere.</p>"
          "<p>If you did not ask for this, ignore this message: your password stays as it "
          "is.</p>");
    case MessageKind::kPasswordResetNoAccount:
      return Make(
          "Password reset requested for {{product}}",
          "Hello,\n\n"
          "Someone asked to reset the {{product}} password of {{email}}, but there is no "
          "account with this address.\nIf it was you, you may have signed up with another "
          "address, or you can create an account: {{register_url}}\n"
          "If it was not you, ignore this message.\n",
          "<p>Hello,</p>"
          "<p>Someone asked to reset the {{product}} password of {{email}}, but there is no "
          "account with this address.</p>"
          "<p>If it was you, you may have signed up with another address, or you can "
          "<a href=\"{{register_url}}\">create an account</a>.</p>"
          "<p>If it was not you, ignore this message.</p>");
    case MessageKind::kPasswordChanged:
      return Make(
          "Your {{product}} password was changed",
          "Hello {{name}},\n\n"
          "The password of your {{product}} account was changed at {{time}}.\n"
          "If it was not you, reset your password now: {{reset_url}}\n",
          "<p>Hello {{name}},</p>"
          "<p>The password of your {{product}} account was changed at {{time}}.</p>"
          "<p>If it was not you, <a href=\"{{reset_url}}\">reset your password now</a>.</p>");
    case MessageKind::kInvitation:
      return Make("You are invited to {{product}}",
                  "Hello,\n\n"
                  "{{inviter}} invited you to {{product}}. To accept, open this link and choose a "
                  "password:\n{{link}}\n\n"
                  "The invitation is valid for {{valid_days}} days.\n"
                  "If you were not expecting it, ignore this message.\n",
                  "<p>Hello,</p>"
                  "<p>{{inviter}} invited you to {{product}}.</p>"
                  "<p><a href=\"{{link}}\">Accept the invitation</a> and choose a password.</p>"
                  "<p>The invitation is valid for {{valid_days}} days.</p>"
                  "<p>If you were not expecting it, ignore this message.</p>");
    case MessageKind::kAccountCreated:
      return Make(
          "Your {{product}} account: choose a password",
          "Hello {{name}},\n\n"
          "An account on {{product}} was made for you. To choose its password, open this "
          "link:\n{{link}}\n\n"
          "It is valid for {{link_minutes}} minutes and works once; after that, use \"Forgot "
          "your password?\" on the sign-in page.\n"
          "If you were not expecting this, ignore this message.\n",
          "<p>Hello {{name}},</p>"
          "<p>An account on {{product}} was made for you.</p>"
          "<p><a href=\"{{link}}\">Choose your password</a></p>"
          "<p>The link is valid for {{link_minutes}} minutes and works once; after that, use "
          "\u201cForgot your password?\u201d on the sign-in page.</p>"
          "<p>If you were not expecting this, ignore this message.</p>");
    case MessageKind::kEmailChangeConfirm:
      return Make(
          "Confirm your new {{product}} e-mail address",
          "Hello {{name}},\n\n"
          "To make {{new_email}} the address of your {{product}} account, open this link:\n"
          "{{link}}\n\n"
          "It is valid for {{link_hours}} hours. Until then your account keeps its address.\n"
          "If you did not ask for this, ignore this message.\n",
          "<p>Hello {{name}},</p>"
          "<p>To make {{new_email}} the address of your {{product}} account, confirm it:</p>"
          "<p><a href=\"{{link}}\">Confirm the new address</a></p>"
          "<p>The link is valid for {{link_hours}} hours. Until then your account keeps its "
          "address.</p>"
          "<p>If you did not ask for this, ignore this message.</p>");
    case MessageKind::kEmailChangeNotice:
      return Make(
          "The e-mail address of your {{product}} account is changing",
          "Hello {{name}},\n\n"
          "At {{time}} someone signed in to your {{product}} account asked to change its "
          "address to {{new_email}}. It changes once the link sent there is opened.\n\n"
          "If it was not you, undo it with this link, which also signs out every session and "
          "sends you a link to choose a new password:\n{{undo_link}}\n"
          "It works for {{undo_days}} days, even after the change.\n",
          "<p>Hello {{name}},</p>"
          "<p>At {{time}} someone signed in to your {{product}} account asked to change its "
          "address to {{new_email}}. It changes once the link sent there is opened.</p>"
          "<p>If it was not you, <a href=\"{{undo_link}}\">undo it</a>: that also signs out "
          "every session and sends you a link to choose a new password. The link works for "
          "{{undo_days}} days, even after the change.</p>");
    case MessageKind::kEmailChangeTaken:
      return Make(
          "Your {{product}} e-mail address",
          "Hello,\n\n"
          "Someone asked to move another {{product}} account to {{email}}, which already has "
          "an account; nothing changed. If you did not expect this, ignore this message.\n",
          "<p>Hello,</p>"
          "<p>Someone asked to move another {{product}} account to {{email}}, which already has "
          "an account; nothing changed. If you did not expect this, ignore this message.</p>");
    case MessageKind::kNewSignIn:
      return Make(
          "New sign-in to your {{product}} account",
          "Hello {{name}},\n\n"
          "Your {{product}} account was signed in to from a device or place it has not used "
          "lately:\n\n"
          "  Time: {{time}}\n"
          "  Device: {{device}}\n"
          "  Location: {{location}}\n"
          "  IP address: {{ip}}\n\n"
          "If it was you, there is nothing to do.\n\n"
          "If it was not you, open this link: it signs that session out and sends you a link to "
          "choose a new password.\n{{link}}\n"
          "It works for {{link_days}} days.\n",
          "<p>Hello {{name}},</p>"
          "<p>Your {{product}} account was signed in to from a device or place it has not used "
          "lately:</p>"
          "<ul><li>Time: {{time}}</li><li>Device: {{device}}</li>"
          "<li>Location: {{location}}</li><li>IP address: {{ip}}</li></ul>"
          "<p>If it was you, there is nothing to do.</p>"
          "<p>If it was not you, <a href=\"{{link}}\">this wasn't me</a>: that signs the session "
          "out and sends you a link to choose a new password. The link works for {{link_days}} "
          "days.</p>");
    case MessageKind::kMfaChanged:
      return Make(
          "Two-factor sign-in changed on your {{product}} account",
          "Hello {{name}},\n\n"
          "{{change}} ({{time}})\n"
          "If it was not you, reset your password now: {{reset_url}}\n",
          "<p>Hello {{name}},</p>"
          "<p>{{change}} ({{time}})</p>"
          "<p>If it was not you, <a href=\"{{reset_url}}\">reset your password now</a>.</p>");
    case MessageKind::kMfaCode:
      return Make(
          "{{code}} is your {{product}} code",
          "Hello {{name}},\n\n"
          "Your code to {{purpose}}: {{code}}\n\n"
          "It expires in {{code_minutes}} minutes. Never share it: {{product}} will never ask "
          "you for it.\n"
          "If you did not ask for it, someone may know your password; change it now: "
          "{{reset_url}}\n",
          "<p>Hello {{name}},</p>"
          "<p>Your code to {{purpose}}: <strong>{{code}}</strong></p>"
          "<p>It expires in {{code_minutes}} minutes. Never share it: {{product}} will never "
          "ask you for it.</p>"
          "<p>If you did not ask for it, someone may know your password; "
          "<a href=\"{{reset_url}}\">change it now</a>.</p>");
    case MessageKind::kSmsCode:
      // The last line binds the code to the site for browsers that read it (WebOTP).
      return {"",
              "{{code}} is your {{product}} code to {{purpose}}. It expires in {{code_minutes}} "
              "minutes; do not share it.\n\n@{{domain}} #{{code}}",
              ""};
  }
  return {};
}

}  // namespace gatehouse

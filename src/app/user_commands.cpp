#include "app/user_commands.hpp"

#include <iostream>

#include <nlohmann/json.hpp>

#include "api/user_json.hpp"

namespace gatehouse {
namespace {

const std::vector<std::string> kRoles = {"user", "admin"};

// The command line acts as no administrator: the security log says "command line".
const AccessContext kCommandLine;

int Refused(const char* what, const Error& error) {
  std::cerr << "cannot " << what << ": " << (error.detail.empty() ? error.reason : error.detail)
            << "\n";
  return 1;
}

int Print(const Result<UserRecord>& user, const char* what) {
  if (!user) return Refused(what, user.error());
  std::cout << AdminUserJson(*user).dump(2) << "\n";
  return 0;
}

CLI::App* WithUser(CLI::App* command, std::string& who) {
  command->add_option("user", who, "The user's id or e-mail address")->required();
  return command;
}

}  // namespace

UserCommands::UserCommands(CLI::App& user) {
  list_ = user.add_subcommand("list", "Print users as JSON, by e-mail address");
  list_->add_option("--query", query_.search, "Only users whose e-mail or name begins so");
  list_->add_option("--role", query_.role, "user or admin")->check(CLI::IsMember(kRoles));
  list_->add_option("--status", query_.status, "active or disabled")
      ->check(CLI::IsMember({"active", "disabled"}));
  list_->add_option("--verified", verified_, "true or false")
      ->check(CLI::IsMember({"true", "false"}));
  list_->add_option("--limit", query_.limit, "At most this many (1-200; default 50)");
  list_->add_option("--cursor", query_.cursor, "next_cursor of the page before");

  show_ = WithUser(user.add_subcommand("show", "Print one user as JSON"), who_);

  create_ = user.add_subcommand("create", "Create a user; prints the new id");
  create_->add_option("--email", new_user_.email, "E-mail address")->required();
  create_->add_option("--name", new_user_.name, "Display name");
  create_->add_option("--role", new_user_.role, "user or admin")->check(CLI::IsMember(kRoles));
  auto* password = create_->add_flag("--password-stdin", password_stdin_,
                                     "Read the password from standard input");
  auto* link = create_->add_flag("--send-password-link", new_user_.send_password_link,
                                 "E-mail a link to choose the password instead");
  password->excludes(link);

  update_ =
      WithUser(user.add_subcommand("update", "Change a user's name, role or verification"), who_);
  update_->add_option("--name", name_, "Display name");
  update_->add_option("--role", role_, "user or admin")->check(CLI::IsMember(kRoles));
  update_->add_option("--email-verified", verified_, "true or false")
      ->check(CLI::IsMember({"true", "false"}));

  disable_ = WithUser(
      user.add_subcommand("disable", "Disable an account: its sessions end now, sign-in refused"),
      who_);
  enable_ = WithUser(user.add_subcommand("enable", "Enable a disabled account again"), who_);
  reset_password_ = WithUser(
      user.add_subcommand("reset-password", "E-mail the user a password reset link"), who_);
  delete_ =
      WithUser(user.add_subcommand("delete", "Delete an account and what belongs to it"), who_);
}

bool UserCommands::Parsed() const {
  for (const CLI::App* command :
       {list_, show_, create_, update_, disable_, enable_, reset_password_, delete_}) {
    if (command->parsed()) return true;
  }
  return false;
}

void UserCommands::ReadInput() {
  if (!create_->parsed() || !password_stdin_) return;
  std::getline(std::cin, new_user_.password);
  if (!new_user_.password.empty() && new_user_.password.back() == '\r') {
    new_user_.password.pop_back();
  }
}

int UserCommands::Run(UserAdministration& users) const {
  if (list_->parsed()) return List(users);
  if (create_->parsed()) return Create(users);
  if (update_->parsed()) return Update(users);
  auto user = users.FindByIdOrEmail(who_);
  if (!user) return Refused("find the user", user.error());
  if (show_->parsed()) return Print(user, "show the user");
  if (disable_->parsed()) return Print(users.Disable(kCommandLine, user->id), "disable the user");
  if (enable_->parsed()) return Print(users.Enable(kCommandLine, user->id), "enable the user");
  if (reset_password_->parsed()) {
    if (Status sent = users.SendPasswordReset(kCommandLine, user->id); !sent) {
      return Refused("send the link", sent.error());
    }
    std::cout << "a password reset link is on its way to " << user->email << "\n";
    return 0;
  }
  if (Status deleted = users.Delete(kCommandLine, user->id); !deleted) {
    return Refused("delete the user", deleted.error());
  }
  std::cout << "deleted " << user->email << " (" << user->id << ")\n";
  return 0;
}

int UserCommands::List(UserAdministration& users) const {
  UserListQuery query = query_;
  if (!verified_.empty()) query.email_verified = verified_ == "true";
  auto page = users.List(query);
  if (!page) return Refused("list users", page.error());
  nlohmann::json list = nlohmann::json::array();
  for (const UserRecord& user : page->users) list.push_back(AdminUserJson(user));
  std::cout << nlohmann::json{{"users", list},
                              {"next_cursor", page->next_cursor.empty()
                                                  ? nlohmann::json(nullptr)
                                                  : nlohmann::json(page->next_cursor)}}
                   .dump(2)
            << "\n";
  return 0;
}

int UserCommands::Create(UserAdministration& users) const {
  if (!password_stdin_ && !new_user_.send_password_link) {
    std::cerr << "cannot create user: give --password-stdin or --send-password-link\n";
    return 1;
  }
  auto user = users.Create(kCommandLine, new_user_);
  if (!user) return Refused("create user", user.error());
  std::cout << user->id << "\n";
  return 0;
}

int UserCommands::Update(UserAdministration& users) const {
  auto user = users.FindByIdOrEmail(who_);
  if (!user) return Refused("find the user", user.error());
  UserChanges changes;
  changes.name = name_;
  changes.role = role_;
  if (!verified_.empty()) changes.email_verified = verified_ == "true";
  return Print(users.Update(kCommandLine, user->id, changes), "update the user");
}

}  // namespace gatehouse

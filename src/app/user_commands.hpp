#pragma once

#include <CLI/CLI.hpp>

#include <optional>
#include <string>

#include "auth/user_administration.hpp"

namespace gatehouse {

// `gatehouse user …`: the /v1/users API on the command line, for the operator at the server
// (the first administrator is made here). Each command prints JSON (create: the new id) and
// exits 1 with the reason on standard error when refused.
class UserCommands {
 public:
  // Adds the commands to `user`.
  explicit UserCommands(CLI::App& user);

  bool Parsed() const;
  // Reads what it needs from standard input (create --password-stdin) before the
  // configuration loads, so that a password never waits behind startup.
  void ReadInput();
  // Runs the parsed command; the process's exit status.
  int Run(UserAdministration& users) const;

 private:
  int List(UserAdministration& users) const;
  int Create(UserAdministration& users) const;
  int Update(UserAdministration& users) const;

  CLI::App* list_ = nullptr;
  CLI::App* show_ = nullptr;
  CLI::App* create_ = nullptr;
  CLI::App* update_ = nullptr;
  CLI::App* disable_ = nullptr;
  CLI::App* enable_ = nullptr;
  CLI::App* reset_password_ = nullptr;
  CLI::App* delete_ = nullptr;

  std::string who_;  // the user: id or e-mail address
  UserListQuery query_;
  std::string verified_;  // list --verified, update --email-verified: true | false
  NewUser new_user_;
  bool password_stdin_ = false;
  std::optional<std::string> name_, role_;
};

}  // namespace gatehouse

#pragma once

#include <memory>
#include <string>

#include "config/config.hpp"
#include "oidc/client_registry.hpp"

namespace gatehouse {

class UserCommands;

// Builds every component from the configuration and runs one command with them.
class Application {
 public:
  explicit Application(Config config);
  ~Application();

  // Migrates, loads keys, starts the outbox sender and housekeeping, serves until a signal.
  int Serve();
  int Migrate();
  // Migrates, then runs a `gatehouse user …` command.
  int AdministerUsers(const UserCommands& command);
  int RotateKeys();
  // Prints every route ("METHOD /pattern"), one a line.
  int PrintRoutes();
  // OpenID Connect clients: the created client (with its secret, shown once) or the list as
  // JSON on standard output.
  int CreateClient(const NewClient& client);
  int ListClients();
  int DeleteClient(const std::string& client_id);

  struct Parts;  // the owned components (application.cpp)

 private:
  int MigrateAndLoadKeys();
  void RegisterGauges();

  Config config_;
  std::unique_ptr<Parts> parts_;
};

// Sets up the process-wide logger at `level`.
void SetUpLogging(const std::string& level);

}  // namespace gatehouse

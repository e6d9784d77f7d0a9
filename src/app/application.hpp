#pragma once

#include <memory>
#include <string>

#include "config/config.hpp"

namespace gatehouse {

// Builds every component from the configuration and runs one command with them.
class Application {
 public:
  explicit Application(Config config);
  ~Application();

  // Migrates, loads keys, starts the outbox sender and housekeeping, serves until a signal.
  int Serve();
  int Migrate();
  int CreateUser(const std::string& email, const std::string& password, const std::string& name,
                 const std::string& role);
  int RotateKeys();
  // Prints every route ("METHOD /pattern"), one a line.
  int PrintRoutes();

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

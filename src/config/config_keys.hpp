#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"

namespace gatehouse {

// One configuration key, written once: its name (the member path in Config, and the
// environment variable GATEHOUSE_<NAME>), its default, the values it takes and what it means.
// The README's configuration table is printed from these (`gatehouse config keys`), and a
// unit test keeps the two equal.
struct ConfigKey {
  std::string name;             // "server.port"
  std::string default_value;    // in the form a file gives it; empty: none (or derived, below)
  std::string derived_default;  // how the default is worked out when it follows other values
  std::string values;           // what may be given: "0–65535", "`log`, `smtp`", "URL"
  std::string meaning;
  // Parses `value` into its member of the Config, throwing ConfigError that names the key.
  std::function<void(Config&, const std::string& value)> set;
};

// Every key, in the order the README lists them.
const std::vector<ConfigKey>& ConfigKeys();

// The key named `name`, or nullptr.
const ConfigKey* FindConfigKey(std::string_view name);

// "mail.smtp.host" -> "GATEHOUSE_MAIL_SMTP_HOST".
std::string EnvironmentName(std::string_view key);

// Every key as a Markdown table: key, default, values, meaning.
std::string ConfigKeysMarkdown();

}  // namespace gatehouse

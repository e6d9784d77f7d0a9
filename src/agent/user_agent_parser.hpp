#pragma once

#include <memory>
#include <string>
#include <string_view>

namespace gatehouse {

// A user agent for display, e.g. {"Chrome 120", "Windows 10", "Other"} or
// {"Mobile Safari 17.1", "iOS 17.1", "iPhone"}.
struct ParsedUserAgent {
  std::string browser;  // family and version: "Chrome 120.0"
  std::string os;       // "Windows 10"
  std::string device;
  std::string browser_family;  // without the version: "Chrome"
  std::string os_family;       // "Windows"

  // "Chrome 120.0, Windows 10": browser and system as the pages and the security log show
  // them, leaving out what uap-core could not tell ("Other"); empty when it told neither.
  std::string Shown() const;
};

// Parses User-Agent strings with uap-core's regexes.yaml (browser, OS and device rules,
// first match wins). The regexes are compiled once, with RE2: matching time is linear in the
// agent's length whatever a client sends, unlike a backtracking engine. Results are cached
// per agent string. Thread-safe.
class UserAgentParser {
 public:
  // `regexes_file`: uap-core's regexes.yaml; empty: every agent parses as "Other". Throws
  // std::runtime_error when the file cannot be read or is not uap-core's format.
  explicit UserAgentParser(const std::string& regexes_file);
  ~UserAgentParser();
  UserAgentParser(const UserAgentParser&) = delete;
  UserAgentParser& operator=(const UserAgentParser&) = delete;

  ParsedUserAgent Parse(std::string_view user_agent) const;

  // How many rules were loaded; rules RE2 cannot compile are skipped (and logged).
  std::size_t rule_count() const;

 private:
  struct Rules;
  std::unique_ptr<Rules> rules_;
};

}  // namespace gatehouse

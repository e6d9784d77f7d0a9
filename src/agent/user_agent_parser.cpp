#include "agent/user_agent_parser.hpp"

#include <re2/re2.h>
#include <spdlog/spdlog.h>
#include <yaml-cpp/yaml.h>

#include <array>
#include <list>
#include <mutex>
#include <stdexcept>
#include <unordered_map>
#include <vector>

namespace gatehouse {
namespace {

constexpr int kMaxGroups = 9;                // uap-core replacements use $1..$9
constexpr std::size_t kCacheEntries = 4096;  // distinct agents remembered

// One uap-core rule: a regex and optional replacement templates for its fields.
struct Rule {
  std::unique_ptr<RE2> regex;
  std::vector<std::string> replacements;  // per field; empty: take the group instead
  int groups = 0;
};

using Groups = std::array<std::string, kMaxGroups + 1>;  // [1..9]; [0] unused

// Replaces $1..$9 in `tmpl` with the captured groups.
std::string Substitute(const std::string& tmpl, const Groups& groups) {
  std::string out;
  for (std::size_t i = 0; i < tmpl.size(); ++i) {
    if (tmpl[i] == '$' && i + 1 < tmpl.size() && tmpl[i + 1] >= '1' && tmpl[i + 1] <= '9') {
      out += groups[static_cast<std::size_t>(tmpl[i + 1] - '0')];
      ++i;
    } else {
      out += tmpl[i];
    }
  }
  auto first = out.find_first_not_of(' ');
  auto last = out.find_last_not_of(' ');
  return first == std::string::npos ? std::string() : out.substr(first, last - first + 1);
}

std::vector<Rule> LoadRules(const YAML::Node& list, const std::vector<const char*>& fields,
                            std::size_t& skipped) {
  std::vector<Rule> rules;
  for (const YAML::Node& node : list) {
    RE2::Options options;
    options.set_log_errors(false);
    if (node["regex_flag"] && node["regex_flag"].as<std::string>() == "i") {
      options.set_case_sensitive(false);
    }
    Rule rule;
    rule.regex = std::make_unique<RE2>(node["regex"].as<std::string>(), options);
    if (!rule.regex->ok()) {
      ++skipped;
      continue;
    }
    rule.groups = std::min(rule.regex->NumberOfCapturingGroups(), kMaxGroups);
    for (const char* field : fields) {
      rule.replacements.push_back(node[field] ? node[field].as<std::string>() : std::string());
    }
    rules.push_back(std::move(rule));
  }
  return rules;
}

// The fields of the first rule matching `agent`: each its replacement (with $n filled in) or,
// without one, capture group n+1. Empty when no rule matches.
std::vector<std::string> FirstMatch(const std::vector<Rule>& rules, std::string_view agent) {
  for (const Rule& rule : rules) {
    Groups groups;
    std::array<RE2::Arg, kMaxGroups> args;
    std::array<const RE2::Arg*, kMaxGroups> arg_pointers{};
    for (std::size_t i = 0; i < static_cast<std::size_t>(rule.groups); ++i) {
      args[i] = &groups[i + 1];
      arg_pointers[i] = &args[i];
    }
    if (!RE2::PartialMatchN(agent, *rule.regex, arg_pointers.data(), rule.groups)) continue;
    std::vector<std::string> fields;
    for (std::size_t f = 0; f < rule.replacements.size(); ++f) {
      const std::string& replacement = rule.replacements[f];
      fields.push_back(replacement.empty() ? groups[f + 1] : Substitute(replacement, groups));
    }
    return fields;
  }
  return {};
}

// "Chrome" + "120" + "0" → "Chrome 120.0"; empty family → `fallback`.
std::string WithVersion(const std::vector<std::string>& fields, std::size_t version_parts,
                        const char* fallback) {
  if (fields.empty() || fields[0].empty()) return fallback;
  const std::string& family = fields[0];
  std::string version;
  for (std::size_t i = 1; i <= version_parts && i < fields.size() && !fields[i].empty(); ++i) {
    version += (version.empty() ? "" : ".") + fields[i];
  }
  return version.empty() ? family : family + " " + version;
}

}  // namespace

struct UserAgentParser::Rules {
  std::vector<Rule> browsers;  // family, major, minor
  std::vector<Rule> systems;   // os, major, minor
  std::vector<Rule> devices;   // device
  mutable std::mutex mutex;
  // LRU cache: most recent at the front.
  mutable std::list<std::pair<std::string, ParsedUserAgent>> recent;
  mutable std::unordered_map<std::string_view,
                             std::list<std::pair<std::string, ParsedUserAgent>>::iterator>
      index;
};

UserAgentParser::UserAgentParser(const std::string& regexes_file)
    : rules_(std::make_unique<Rules>()) {
  if (regexes_file.empty()) return;
  YAML::Node root;
  try {
    root = YAML::LoadFile(regexes_file);
  } catch (const YAML::Exception& e) {
    throw std::runtime_error("cannot read user agent regexes " + regexes_file + ": " + e.what());
  }
  if (!root["user_agent_parsers"] || !root["os_parsers"] || !root["device_parsers"]) {
    throw std::runtime_error(regexes_file + " is not uap-core's regexes.yaml");
  }
  std::size_t skipped = 0;
  try {
    rules_->browsers =
        LoadRules(root["user_agent_parsers"],
                  {"family_replacement", "v1_replacement", "v2_replacement"}, skipped);
    rules_->systems = LoadRules(
        root["os_parsers"], {"os_replacement", "os_v1_replacement", "os_v2_replacement"}, skipped);
    rules_->devices = LoadRules(root["device_parsers"], {"device_replacement"}, skipped);
  } catch (const YAML::Exception& e) {
    throw std::runtime_error(regexes_file + " is not uap-core's regexes.yaml: " + e.what());
  }
  spdlog::info("user agent rules loaded: {} ({} not supported by RE2, skipped)", rule_count(),
               skipped);
}

UserAgentParser::~UserAgentParser() = default;

std::size_t UserAgentParser::rule_count() const {
  return rules_->browsers.size() + rules_->systems.size() + rules_->devices.size();
}

std::string ParsedUserAgent::Shown() const {
  auto known = [](const std::string& s) { return !s.empty() && s != "Other"; };
  if (!known(browser)) return known(os) ? os : "";
  return known(os) ? browser + ", " + os : browser;
}

ParsedUserAgent UserAgentParser::Parse(std::string_view agent) const {
  {
    std::lock_guard lock(rules_->mutex);
    if (auto it = rules_->index.find(agent); it != rules_->index.end()) {
      rules_->recent.splice(rules_->recent.begin(), rules_->recent, it->second);
      return it->second->second;
    }
  }
  ParsedUserAgent parsed;
  std::vector<std::string> browser = FirstMatch(rules_->browsers, agent);
  std::vector<std::string> os = FirstMatch(rules_->systems, agent);
  parsed.browser = WithVersion(browser, 2, "Other");
  parsed.os = WithVersion(os, 2, "Other");
  parsed.browser_family = WithVersion(browser, 0, "Other");
  parsed.os_family = WithVersion(os, 0, "Other");
  parsed.device = WithVersion(FirstMatch(rules_->devices, agent), 0, "Other");

  std::lock_guard lock(rules_->mutex);
  if (rules_->index.find(agent) == rules_->index.end()) {
    rules_->recent.emplace_front(std::string(agent), parsed);
    rules_->index.emplace(rules_->recent.front().first, rules_->recent.begin());
    if (rules_->recent.size() > kCacheEntries) {
      rules_->index.erase(rules_->recent.back().first);
      rules_->recent.pop_back();
    }
  }
  return parsed;
}

}  // namespace gatehouse

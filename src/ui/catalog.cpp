#include "ui/catalog.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "ui/embedded_files.hpp"

namespace gatehouse {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// A BCP 47-like tag: letters, digits and "-", 2-35 characters, starting with a letter.
bool IsLanguageTag(std::string_view tag) {
  if (tag.size() < 2 || tag.size() > 35 || !std::isalpha(static_cast<unsigned char>(tag[0]))) {
    return false;
  }
  return std::all_of(tag.begin(), tag.end(),
                     [](unsigned char c) { return std::isalnum(c) || c == '-'; });
}

Status MergeInto(std::map<std::string, std::string, std::less<>>& strings, std::string_view text,
                 const std::string& source) {
  nlohmann::json parsed = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!parsed.is_object())
    return MakeError(Errc::kInvalidRequest, source + " is not a JSON object");
  for (const auto& [key, value] : parsed.items()) {
    if (!value.is_string()) {
      return MakeError(Errc::kInvalidRequest, source + ": \"" + key + "\" is not a string");
    }
    strings[key] = value.get<std::string>();
  }
  return Ok{};
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

Result<Catalog> Catalog::Load(const std::string& dir) {
  Catalog catalog;
  if (Status english = MergeInto(catalog.languages_["en"], EmbeddedFile("catalog/en.json"),
                                 "built-in catalog/en.json");
      !english) {
    return english.error();
  }
  if (dir.empty()) return catalog;
  std::error_code error;
  std::filesystem::directory_iterator entries(dir, error);
  if (error) return MakeError(Errc::kInvalidRequest, "cannot read the catalog directory " + dir);
  for (const auto& entry : entries) {
    std::filesystem::path path = entry.path();
    std::string tag = path.stem().string();
    if (path.extension() != ".json" || !IsLanguageTag(tag)) {
      return MakeError(Errc::kInvalidRequest,
                       "unexpected file " + path.string() + " (expected <language>.json)");
    }
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    if (!in) return MakeError(Errc::kInvalidRequest, "cannot read " + path.string());
    if (Status merged = MergeInto(catalog.languages_[Lower(tag)], text.str(), path.string());
        !merged) {
      return merged.error();
    }
  }
  return catalog;
}

std::string Catalog::PickLanguage(std::string_view header) const {
  std::string best = "en";
  double best_q = 0;
  std::size_t at = 0;
  while (at < header.size()) {
    std::size_t comma = header.find(',', at);
    if (comma == std::string_view::npos) comma = header.size();
    std::string_view item = Trim(header.substr(at, comma - at));
    at = comma + 1;
    double q = 1;
    if (auto semicolon = item.find(';'); semicolon != std::string_view::npos) {
      std::string_view parameter = Trim(item.substr(semicolon + 1));
      item = Trim(item.substr(0, semicolon));
      if (!parameter.starts_with("q=")) continue;
      try {
        q = std::stod(std::string(parameter.substr(2)));
      } catch (const std::exception&) {
        continue;  // a malformed weight: skip the item, as if it were absent
      }
    }
    if (q <= best_q || q > 1) continue;
    std::string tag = Lower(item);
    std::string primary = tag.substr(0, tag.find('-'));
    if (languages_.contains(tag)) {
      best = tag, best_q = q;
    } else if (languages_.contains(primary)) {
      best = primary, best_q = q;
    }
  }
  return best;
}

std::string_view Catalog::Text(std::string_view language, std::string_view key) const {
  for (std::string_view tag : {language, std::string_view("en")}) {
    auto strings = languages_.find(tag);
    if (strings == languages_.end()) continue;
    auto text = strings->second.find(key);
    if (text != strings->second.end()) return text->second;
  }
  return key;
}

bool Catalog::HasEnglish(std::string_view key) const {
  auto english = languages_.find(std::string_view("en"));
  return english != languages_.end() && english->second.contains(key);
}

}  // namespace gatehouse

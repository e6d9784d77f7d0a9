#pragma once

#include <map>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace gatehouse {

// Every visible string of the pages, per language: JSON objects of "key": "text", English
// built in (src/ui/catalog/en.json). A directory may add languages as <tag>.json (de.json,
// pt-BR.json) and override English keys in en.json; a key a language lacks falls back to
// English. Immutable after Load; thread-safe.
class Catalog {
 public:
  // The built-in English catalog merged with `dir` (may be empty). An error names a file that
  // is unreadable, not a JSON object of strings, or has a name that is no language tag.
  static Result<Catalog> Load(const std::string& dir);

  // The language to answer an Accept-Language header (RFC 9110 §12.5.4) with: the present
  // catalog of highest q, by exact tag or primary subtag ("de-AT" matches "de"); "en" when
  // nothing matches.
  std::string PickLanguage(std::string_view accept_language) const;

  // The text of `key` in `language`, else in English, else the key itself.
  std::string_view Text(std::string_view language, std::string_view key) const;

  // Whether English has `key`: the built-in templates' keys are checked against it by a test.
  bool HasEnglish(std::string_view key) const;

 private:
  using Strings = std::map<std::string, std::string, std::less<>>;
  std::map<std::string, Strings, std::less<>> languages_;  // lower-case tag -> strings
};

}  // namespace gatehouse

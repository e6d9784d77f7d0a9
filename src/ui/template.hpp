#pragma once

#include <nlohmann/json_fwd.hpp>

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace gatehouse {

struct TemplateNode;

// What a template reaches beyond its data while it renders.
struct RenderEnvironment {
  // The template of `{{> name}}`, or nullptr (then nothing is rendered).
  std::function<const class PageTemplate*(std::string_view name)> partial;
  // The catalog text of `{{t key}}` in the page's language (never escaped yet).
  std::function<std::string_view(std::string_view key)> translate;
};

// A page template in a subset of Mustache, parsed once and rendered many times:
//   {{name}} {{a.b}} {{.}}   the value, HTML-escaped (names resolve from the innermost
//                            section outwards; a missing name is empty)
//   {{{name}}}               the value as it is: only for HTML Gatehouse made (the QR code)
//   {{#name}}…{{/name}}      once per array element, once with an object as the context,
//                            once for any other truthy value; nothing for false, null, "",
//                            0 or an empty array
//   {{^name}}…{{/name}}      once when the value is falsy
//   {{> name}}               another template, with the same context (nested at most 8 deep)
//   {{t key}}                the catalog's text for `key`, escaped, with each {name} in it
//                            replaced by the escaped value of `name`
//   {{! comment}}
// Thread-safe to render concurrently.
class PageTemplate {
 public:
  // An error names the template and line of an unclosed, unopened or mismatched section or
  // an unterminated tag.
  static Result<PageTemplate> Parse(std::string_view source, const std::string& name);

  void Render(const nlohmann::json& data, const RenderEnvironment& environment,
              std::string& out) const;

  // Every key of a {{t key}} tag, for checking a catalog against the templates.
  std::vector<std::string> TranslationKeys() const;

 private:
  friend struct TemplateAccess;
  std::shared_ptr<const std::vector<TemplateNode>> nodes_;
};

// Catalog text with each {name} replaced by data[name] (dotted names reach into objects),
// nothing escaped: for values a template shows with {{name}}, which escapes them.
std::string FillPlaceholders(std::string_view text, const nlohmann::json& data);

}  // namespace gatehouse

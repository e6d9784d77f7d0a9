#include "ui/template.hpp"

#include <nlohmann/json.hpp>

#include "core/html_escape.hpp"

namespace gatehouse {

struct TemplateNode {
  enum class Kind { kText, kValue, kRawValue, kSection, kInverted, kPartial, kTranslate };
  Kind kind;
  std::string text;  // literal text, or the name / key of the tag
  std::vector<TemplateNode> children;
};

struct TemplateAccess {
  static const std::vector<TemplateNode>& Nodes(const PageTemplate& t) { return *t.nodes_; }
};

namespace {

using Kind = TemplateNode::Kind;
constexpr int kMaxPartialDepth = 8;  // a template that includes itself stops here
using json = nlohmann::json;

std::string_view Trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

int LineOf(std::string_view source, std::size_t offset) {
  int line = 1;
  for (std::size_t i = 0; i < offset && i < source.size(); ++i) line += source[i] == '\n';
  return line;
}

void AppendValue(const json& value, bool escape, std::string& out) {
  if (value.is_string()) {
    const auto& s = value.get_ref<const std::string&>();
    if (escape) {
      AppendHtmlEscaped(s, out);
    } else {
      out.append(s);
    }
  } else if (value.is_number() || value.is_boolean()) {
    out += value.dump();
  }
}

bool Truthy(const json& value) {
  if (value.is_null()) return false;
  if (value.is_boolean()) return value.get<bool>();
  if (value.is_string()) return !value.get_ref<const std::string&>().empty();
  if (value.is_array()) return !value.empty();
  if (value.is_number()) return value.get<double>() != 0;
  return true;
}

// The innermost-first stack of contexts a section opens.
class Scope {
 public:
  Scope(const json& value, const Scope* outer) : value_(value), outer_(outer) {}

  const json* Find(std::string_view name) const {
    static const json kNull;
    if (name == ".") return &value_;
    std::string_view first = name.substr(0, name.find('.'));
    for (const Scope* s = this; s; s = s->outer_) {
      if (!s->value_.is_object()) continue;
      auto it = s->value_.find(first);
      if (it == s->value_.end()) continue;
      const json* at = &*it;
      std::string_view rest = first.size() < name.size() ? name.substr(first.size() + 1) : "";
      while (!rest.empty()) {
        std::string_view part = rest.substr(0, rest.find('.'));
        rest = part.size() < rest.size() ? rest.substr(part.size() + 1) : "";
        if (!at->is_object()) return &kNull;
        auto next = at->find(part);
        if (next == at->end()) return &kNull;
        at = &*next;
      }
      return at;
    }
    return &kNull;
  }

 private:
  const json& value_;
  const Scope* outer_;
};

void RenderNodes(const std::vector<TemplateNode>& nodes, const Scope& scope,
                 const RenderEnvironment& env, int depth, std::string& out);

// `text` with each {name} replaced by its value in `scope`, all of it escaped or none.
void AppendFilled(std::string_view text, const Scope& scope, bool escape, std::string& out) {
  auto literal = [&](std::string_view part) {
    if (escape) {
      AppendHtmlEscaped(part, out);
    } else {
      out.append(part);
    }
  };
  std::size_t at = 0;
  while (at < text.size()) {
    std::size_t open = text.find('{', at);
    std::size_t close = open == std::string_view::npos ? open : text.find('}', open);
    if (close == std::string_view::npos) break;
    literal(text.substr(at, open - at));
    AppendValue(*scope.Find(text.substr(open + 1, close - open - 1)), escape, out);
    at = close + 1;
  }
  if (at < text.size()) literal(text.substr(at));
}

void RenderNode(const TemplateNode& node, const Scope& scope, const RenderEnvironment& env,
                int depth, std::string& out) {
  switch (node.kind) {
    case Kind::kText: out += node.text; break;
    case Kind::kValue: AppendValue(*scope.Find(node.text), true, out); break;
    case Kind::kRawValue: AppendValue(*scope.Find(node.text), false, out); break;
    case Kind::kTranslate: AppendFilled(env.translate(node.text), scope, true, out); break;
    case Kind::kPartial:
      if (const PageTemplate* partial = env.partial(node.text);
          partial && depth < kMaxPartialDepth) {
        RenderNodes(TemplateAccess::Nodes(*partial), scope, env, depth + 1, out);
      }
      break;
    case Kind::kInverted:
      if (!Truthy(*scope.Find(node.text))) RenderNodes(node.children, scope, env, depth, out);
      break;
    case Kind::kSection: {
      const json& value = *scope.Find(node.text);
      if (!Truthy(value)) break;
      if (value.is_array()) {
        for (const json& item : value)
          RenderNodes(node.children, Scope(item, &scope), env, depth, out);
      } else if (value.is_object()) {
        RenderNodes(node.children, Scope(value, &scope), env, depth, out);
      } else {
        RenderNodes(node.children, scope, env, depth, out);
      }
      break;
    }
  }
}

void RenderNodes(const std::vector<TemplateNode>& nodes, const Scope& scope,
                 const RenderEnvironment& env, int depth, std::string& out) {
  for (const TemplateNode& node : nodes) RenderNode(node, scope, env, depth, out);
}

void CollectKeys(const std::vector<TemplateNode>& nodes, std::vector<std::string>& keys) {
  for (const TemplateNode& node : nodes) {
    if (node.kind == Kind::kTranslate) keys.push_back(node.text);
    CollectKeys(node.children, keys);
  }
}

}  // namespace

Result<PageTemplate> PageTemplate::Parse(std::string_view source, const std::string& name) {
  struct Open {
    TemplateNode node;
    std::size_t offset;
  };
  std::vector<Open> open;  // sections being read, outermost first
  std::vector<TemplateNode> root;
  auto children = [&]() -> std::vector<TemplateNode>& {
    return open.empty() ? root : open.back().node.children;
  };
  auto fail = [&](std::size_t offset, const std::string& what) {
    return MakeError(
        Errc::kInvalidRequest,
        "template " + name + " line " + std::to_string(LineOf(source, offset)) + ": " + what);
  };
  std::size_t at = 0;
  while (at < source.size()) {
    std::size_t tag = source.find("{{", at);
    if (tag == std::string_view::npos) tag = source.size();
    if (tag > at) children().push_back({Kind::kText, std::string(source.substr(at, tag - at)), {}});
    if (tag == source.size()) break;
    bool triple = source.substr(tag, 3) == "{{{";
    std::size_t end = source.find(triple ? "}}}" : "}}", tag);
    if (end == std::string_view::npos) return fail(tag, "unterminated tag");
    std::string_view inside = source.substr(tag + (triple ? 3 : 2), end - tag - (triple ? 3 : 2));
    at = end + (triple ? 3 : 2);
    if (triple) {
      children().push_back({Kind::kRawValue, std::string(Trim(inside)), {}});
      continue;
    }
    char sigil = inside.empty() ? ' ' : inside.front();
    std::string_view rest = Trim(inside.substr(sigil == ' ' ? 0 : 1));
    if (inside.starts_with("t ")) {
      children().push_back({Kind::kTranslate, std::string(Trim(inside.substr(2))), {}});
    } else if (sigil == '!') {
      // a comment
    } else if (sigil == '#' || sigil == '^') {
      open.push_back(
          {{sigil == '#' ? Kind::kSection : Kind::kInverted, std::string(rest), {}}, tag});
    } else if (sigil == '/') {
      if (open.empty()) return fail(tag, "{{/" + std::string(rest) + "}} closes nothing");
      if (open.back().node.text != rest) {
        return fail(tag,
                    "{{/" + std::string(rest) + "}} closes {{#" + open.back().node.text + "}}");
      }
      TemplateNode done = std::move(open.back().node);
      open.pop_back();
      children().push_back(std::move(done));
    } else if (sigil == '>') {
      children().push_back({Kind::kPartial, std::string(rest), {}});
    } else {
      if (Trim(inside).empty()) return fail(tag, "an empty tag");
      children().push_back({Kind::kValue, std::string(Trim(inside)), {}});
    }
  }
  if (!open.empty())
    return fail(open.back().offset, "{{#" + open.back().node.text + "}} is not closed");
  PageTemplate parsed;
  parsed.nodes_ = std::make_shared<const std::vector<TemplateNode>>(std::move(root));
  return parsed;
}

void PageTemplate::Render(const nlohmann::json& data, const RenderEnvironment& environment,
                          std::string& out) const {
  RenderNodes(*nodes_, Scope(data, nullptr), environment, 0, out);
}

std::string FillPlaceholders(std::string_view text, const nlohmann::json& data) {
  std::string out;
  AppendFilled(text, Scope(data, nullptr), false, out);
  return out;
}

std::vector<std::string> PageTemplate::TranslationKeys() const {
  std::vector<std::string> keys;
  CollectKeys(*nodes_, keys);
  return keys;
}

}  // namespace gatehouse

#include "ui/return_to.hpp"

#include <algorithm>
#include <stdexcept>

#include "core/comma_list.hpp"
#include "http/outbound_client.hpp"

namespace gatehouse {
namespace {

constexpr std::size_t kMaxReturnUrl = 2048;

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// Characters no return URL needs and several redirect tricks rely on: controls, spaces
// (browsers strip some of them, "/\tevil.example" becomes "//evil.example"), backslashes
// (read as "/"), and non-ASCII (left to be percent-encoded by whoever builds the link).
bool PlainUrlCharacters(std::string_view url) {
  return std::all_of(url.begin(), url.end(),
                     [](unsigned char c) { return c > 0x20 && c < 0x7f && c != '\\'; });
}

std::string PathOf(std::string_view target) {
  return std::string(target.substr(0, target.find_first_of("?#")));
}

// Whether `path` is `base` or below it on a segment boundary ("/app" covers "/app/x", not
// "/apple").
bool Under(std::string_view path, std::string_view base) {
  if (base.empty()) return true;
  return path.starts_with(base) &&
         (path.size() == base.size() || path[base.size()] == '/' || path[base.size()] == '?');
}

}  // namespace

ReturnUrls::ReturnUrls(const std::string& public_url, const std::string& allowed) {
  std::vector<std::string> urls{public_url};
  for (std::string entry : SplitCommas(allowed)) {
    entry.erase(0, entry.find_first_not_of(' '));
    entry.erase(entry.find_last_not_of(' ') + 1);
    if (!entry.empty()) urls.push_back(entry);
  }
  for (const std::string& url : urls) {
    auto parsed = ParseHttpUrl(url);
    if (!parsed || !PlainUrlCharacters(url) || url.find_first_of("?#") != std::string::npos) {
      throw std::invalid_argument(
          "expected absolute http(s) URLs without query or fragment, got '" + url + "'");
    }
    std::string path = parsed->target;
    while (!path.empty() && path.back() == '/') path.pop_back();
    entries_.push_back({parsed->tls, Lower(parsed->host), parsed->port, path});
    std::string origin = url.substr(0, url.find('/', url.find("://") + 3));
    if (std::find(origins_.begin(), origins_.end(), origin) == origins_.end()) {
      origins_.push_back(origin);
    }
  }
}

std::optional<std::string> ReturnUrls::Resolve(std::string_view candidate) const {
  if (candidate.empty() || candidate.size() > kMaxReturnUrl || !PlainUrlCharacters(candidate)) {
    return std::nullopt;
  }
  if (candidate.front() == '/') {
    if (candidate.starts_with("//")) return std::nullopt;  // a host, not a path
    const Entry& home = entries_.front();
    if (!Under(PathOf(candidate), home.path)) return std::nullopt;
    return origins_.front() + std::string(candidate);
  }
  auto parsed = ParseHttpUrl(std::string(candidate));
  if (!parsed) return std::nullopt;
  std::string host = Lower(parsed->host);
  std::string path = PathOf(parsed->target);
  for (const Entry& entry : entries_) {
    if (entry.tls == parsed->tls && entry.host == host && entry.port == parsed->port &&
        Under(path, entry.path)) {
      return std::string(candidate);
    }
  }
  return std::nullopt;
}

}  // namespace gatehouse

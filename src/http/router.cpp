#include "http/router.hpp"

#include <stdexcept>

namespace gatehouse {
namespace {

std::vector<std::string_view> Split(std::string_view path) {
  std::vector<std::string_view> parts;
  std::size_t pos = 1;  // skip the leading '/'
  while (pos <= path.size()) {
    auto slash = path.find('/', pos);
    if (slash == std::string_view::npos) slash = path.size();
    parts.push_back(path.substr(pos, slash - pos));
    pos = slash + 1;
  }
  return parts;
}

bool IsParameter(std::string_view segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

}  // namespace

void Router::Add(std::string method, std::string pattern, Handler handler, Execution execution) {
  Route route{std::move(method), std::move(pattern), std::move(handler), execution, {}};
  for (auto part : Split(route.pattern)) route.segments.emplace_back(part);
  routes_.push_back(std::move(route));
}

Route& Router::Named(std::string_view method, std::string_view pattern) {
  for (Route& route : routes_) {
    if (route.method == method && route.pattern == pattern) return route;
  }
  throw std::logic_error("no route " + std::string(method) + " " + std::string(pattern));
}

void Router::SetAsync(std::string_view method, std::string_view pattern, AsyncHandler handler) {
  Named(method, pattern).async_handler = std::move(handler);
}

void Router::Wrap(std::string_view method, std::string_view pattern,
                  const std::function<Handler(Handler)>& wrap) {
  Route& route = Named(method, pattern);
  if (route.async_handler) {
    throw std::logic_error("cannot wrap " + route.pattern + ": it has an asynchronous handler");
  }
  route.handler = wrap(std::move(route.handler));
}

Router::Match Router::Find(std::string_view method, std::string_view path) const {
  Match match;
  if (path.empty() || path.front() != '/') return match;
  auto parts = Split(path);
  for (const Route& route : routes_) {
    if (route.segments.size() != parts.size()) continue;
    PathParams params;
    bool matches = true;
    for (std::size_t i = 0; i < parts.size() && matches; ++i) {
      const std::string& segment = route.segments[i];
      if (IsParameter(segment)) {
        if (parts[i].empty())
          matches = false;
        else
          params.emplace(segment.substr(1, segment.size() - 2), parts[i]);
      } else {
        matches = segment == parts[i];
      }
    }
    if (!matches) continue;
    if (route.method == method) {
      match.outcome = Outcome::kFound;
      match.route = &route;
      match.params = std::move(params);
      return match;
    }
    match.outcome = Outcome::kMethodNotAllowed;
    match.allow += (match.allow.empty() ? "" : ", ") + route.method;
    if (route.method == "GET") match.allow += ", HEAD";  // served for every GET route
  }
  return match;
}

}  // namespace gatehouse

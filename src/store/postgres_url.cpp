#include "store/postgres_url.hpp"

#include <string_view>

#include "core/form_encoding.hpp"

namespace gatehouse {
namespace {

// libpq quoting: single quotes around the value, backslash before ' and \.
std::string Quoted(const std::string& value) {
  std::string out = "'";
  for (char c : value) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  return out + "'";
}

void Append(std::string& conninfo, const char* key, const std::string& value) {
  if (value.empty()) return;
  if (!conninfo.empty()) conninfo += ' ';
  conninfo += key;
  conninfo += '=';
  conninfo += Quoted(value);
}

}  // namespace

std::optional<std::string> PostgresConnectionString(const std::string& url) {
  std::string_view rest = url;
  for (std::string_view scheme : {"postgresql://", "postgres://"}) {
    if (rest.substr(0, scheme.size()) == scheme) {
      rest.remove_prefix(scheme.size());
      break;
    }
  }
  if (rest.size() == url.size()) return std::nullopt;

  std::string_view query;
  if (auto q = rest.find('?'); q != std::string_view::npos) {
    query = rest.substr(q + 1);
    rest = rest.substr(0, q);
  }
  std::string_view database;
  if (auto slash = rest.find('/'); slash != std::string_view::npos) {
    database = rest.substr(slash + 1);
    rest = rest.substr(0, slash);
  }
  std::string_view userinfo;
  if (auto at = rest.rfind('@'); at != std::string_view::npos) {
    userinfo = rest.substr(0, at);
    rest = rest.substr(at + 1);
  }
  std::string_view user = userinfo, password;
  if (auto colon = userinfo.find(':'); colon != std::string_view::npos) {
    user = userinfo.substr(0, colon);
    password = userinfo.substr(colon + 1);
  }
  std::string_view host = rest, port;
  if (!rest.empty() && rest.front() == '[') {  // [IPv6]:port
    auto close = rest.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    host = rest.substr(1, close - 1);
    std::string_view after = rest.substr(close + 1);
    if (!after.empty() && after.front() != ':') return std::nullopt;
    if (!after.empty()) port = after.substr(1);
  } else if (auto colon = rest.rfind(':'); colon != std::string_view::npos) {
    host = rest.substr(0, colon);
    port = rest.substr(colon + 1);
  }

  auto decoded_user = PercentDecode(user), decoded_password = PercentDecode(password),
       decoded_host = PercentDecode(host), decoded_database = PercentDecode(database);
  if (!decoded_user || !decoded_password || !decoded_host || !decoded_database) {
    return std::nullopt;
  }
  for (char c : port) {
    if (c < '0' || c > '9') return std::nullopt;
  }

  std::string conninfo;
  Append(conninfo, "host", *decoded_host);
  Append(conninfo, "port", std::string(port));
  Append(conninfo, "dbname", *decoded_database);
  Append(conninfo, "user", *decoded_user);
  Append(conninfo, "password", *decoded_password);
  while (!query.empty()) {
    auto amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    auto eq = pair.find('=');
    if (eq == std::string_view::npos || eq == 0) return std::nullopt;
    auto key = PercentDecode(pair.substr(0, eq));
    auto value = PercentDecode(pair.substr(eq + 1));
    if (!key || !value) return std::nullopt;
    for (char c : *key) {
      if (!((c >= 'a' && c <= 'z') || c == '_')) return std::nullopt;
    }
    Append(conninfo, key->c_str(), *value);
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return conninfo;
}

}  // namespace gatehouse

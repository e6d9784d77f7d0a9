#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace gatehouse {

// An HTTP request as handlers see it: independent of Beast, so only src/http/ compiles Beast.
struct Request {
  std::string method;                                        // "GET", "POST", ...
  std::string path;                                          // target before '?'
  std::string query;                                         // target after '?', undecoded
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-case
  std::string body;
  std::string peer_ip;              // the socket peer
  std::string client_ip;            // the peer, or what a trusted proxy says (http/client_ip.hpp)
  std::string request_id;           // echoed or generated
  bool from_trusted_proxy = false;  // the peer is in server.trusted_proxies

  // The first value of header `lower_name`, or empty.
  std::string_view Header(std::string_view lower_name) const {
    for (const auto& [name, value] : headers) {
      if (name == lower_name) return value;
    }
    return {};
  }
  // The value of query parameter `name` (undecoded), or empty.
  std::string_view QueryParam(std::string_view name) const;
};

struct Response {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  // Sets (replaces) a header. CR, LF and NUL in a name or value become spaces: whatever a
  // value holds, it cannot end the header and inject another.
  void SetHeader(std::string name, std::string value);
  // Adds a header even when one of that name exists (Set-Cookie).
  void AddHeader(std::string name, std::string value);
  bool HasHeader(std::string_view name) const;

  static Response Json(int status, std::string body);
  static Response NoContent();
};

}  // namespace gatehouse

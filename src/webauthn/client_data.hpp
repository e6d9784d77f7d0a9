#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace gatehouse {

// The client data a browser collected for a ceremony (WebAuthn Level 3 §5.8.1), parsed from
// its JSON bytes.
struct ClientData {
  std::string type;       // "webauthn.create" or "webauthn.get"
  std::string challenge;  // the challenge's bytes (decoded from base64url)
  std::string origin;
  bool cross_origin = false;
  std::optional<std::string> top_origin;
};

// nullopt unless the bytes are a JSON object (at most 4 KiB) whose type, challenge
// (base64url without padding) and origin are strings, and whose crossOrigin, when present,
// is a boolean and topOrigin a string.
std::optional<ClientData> ParseClientData(std::string_view json);

}  // namespace gatehouse

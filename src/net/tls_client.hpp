#pragma once

#include <openssl/ssl.h>

#include <boost/asio/ssl/context.hpp>
#include <string>

#include "core/result.hpp"

namespace gatehouse {

// A TLS client context that verifies every server: its chain must lead to a certificate in
// `ca_file` (a PEM bundle, for a private CA) or, when that is empty, to the system's trust
// store; TLS 1.2 at least. An error for an unreadable `ca_file`.
Result<boost::asio::ssl::context> MakeVerifyingTlsContext(const std::string& ca_file);

// Makes the handshake on `ssl` succeed only for a certificate issued to `host` (a DNS name or
// an IP address), and sends `host` as SNI when it is a name (RFC 6066 §3 forbids addresses).
// False when OpenSSL refuses the name.
bool ExpectServerName(SSL* ssl, const std::string& host);

}  // namespace gatehouse

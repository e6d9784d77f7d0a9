#pragma once

#include <string>
#include <string_view>

namespace gatehouse {

// `text` (e.g. an otpauth:// URI) as a QR code in SVG (libqrencode, error correction level
// M, a 4-module quiet zone), small enough to inline in a JSON answer: one path, one
// rectangle per run of dark modules. Throws std::runtime_error when `text` cannot be encoded.
std::string QrSvg(std::string_view text);

}  // namespace gatehouse

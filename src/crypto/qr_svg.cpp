#include "crypto/qr_svg.hpp"

#include <qrencode.h>

#include <memory>
#include <stdexcept>

namespace gatehouse {
namespace {

constexpr int kQuietZone = 4;  // modules of white around the symbol, as the standard asks

}  // namespace

std::string QrSvg(std::string_view text) {
  std::string input(text);
  std::unique_ptr<QRcode, decltype(&QRcode_free)> code(
      QRcode_encodeString8bit(input.c_str(), 0, QR_ECLEVEL_M), &QRcode_free);
  if (!code) throw std::runtime_error("cannot encode the QR code");
  const int width = code->width;
  const int size = width + 2 * kQuietZone;
  std::string path;
  for (int y = 0; y < width; ++y) {
    int x = 0;
    while (x < width) {
      // Bit 0 of each module byte is "dark".
      if ((code->data[y * width + x] & 1) == 0) {
        ++x;
        continue;
      }
      int run = 1;
      while (x + run < width && (code->data[y * width + x + run] & 1) != 0) ++run;
      path += "M" + std::to_string(x + kQuietZone) + " " + std::to_string(y + kQuietZone) + "h" +
              std::to_string(run) + "v1h-" + std::to_string(run) + "z";
      x += run;
    }
  }
  std::string dimension = std::to_string(size);
  return "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " + dimension + " " + dimension +
         "\" width=\"" + std::to_string(size * 4) + "\" height=\"" + std::to_string(size * 4) +
         "\" shape-rendering=\"crispEdges\"><rect width=\"100%\" height=\"100%\" "
         "fill=\"#fff\"/><path fill=\"#000\" d=\"" +
         path + "\"/></svg>";
}

}  // namespace gatehouse

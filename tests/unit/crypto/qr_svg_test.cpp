#include "crypto/qr_svg.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "crypto/totp.hpp"

namespace gatehouse {
namespace {

TEST(QrSvg, IsOneSmallSvgDocument) {
  std::string svg = QrSvg("otpauth://totp/Acme:ada%40example.com?secret=JBSWY3DPEHPK3PXP");
  EXPECT_EQ(svg.rfind("<svg xmlns=\"http://www.w3.org/2000/svg\"", 0), 0u);
  EXPECT_EQ(svg.substr(svg.size() - 6), "</svg>");
  EXPECT_LT(svg.size(), 20000u);
  EXPECT_EQ(svg.find("<script"), std::string::npos);
}

// Rendered (rsvg-convert) and read back (zbarimg, zbar-tools) as a phone's camera would.
TEST(QrSvg, DecodesBackToTheOtpauthUri) {
  if (std::system(
          "command -v zbarimg >/dev/null 2>&1 && command -v rsvg-convert >/dev/null 2>&1") != 0) {
    if (std::getenv("TEST_REQUIRE_BACKENDS")) FAIL() << "zbarimg or rsvg-convert is missing";
    GTEST_SKIP() << "zbarimg or rsvg-convert is missing";
  }
  std::string uri = OtpauthUri("Acme Corp", "ada@example.com", NewTotpSecret());
  auto file = std::filesystem::temp_directory_path() /
              ("gatehouse-qr-" + std::to_string(::getpid()) + ".svg");
  std::ofstream(file) << QrSvg(uri);
  auto png = file;
  png.replace_extension(".png");
  std::string command = "rsvg-convert -o " + png.string() + " " + file.string() +
                        " && zbarimg --quiet --raw " + png.string() + " 2>/dev/null";
  FILE* pipe = popen(command.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string decoded;
  std::array<char, 512> chunk{};
  while (fgets(chunk.data(), chunk.size(), pipe)) decoded += chunk.data();
  pclose(pipe);
  std::filesystem::remove(file);
  std::filesystem::remove(png);
  decoded.erase(decoded.find_last_not_of("\r\n") + 1);
  EXPECT_EQ(decoded, uri);
}

}  // namespace
}  // namespace gatehouse

#include "http/request_head.hpp"

#include <gtest/gtest.h>

namespace gatehouse {
namespace {

RequestHead Head() {
  RequestHead h;
  h.method = "POST";
  h.target = "/v1/auth/login";
  h.host_values = {"auth.example.com"};
  return h;
}

std::optional<Errc> Verdict(const RequestHead& h) {
  auto e = CheckRequestHead(h);
  if (!e) return std::nullopt;
  return e->code;
}

TEST(RequestHead, PlainRequestPasses) { EXPECT_EQ(Verdict(Head()), std::nullopt); }

// A head with these Transfer-Encoding lines, which the parser reads as chunked or not.
std::optional<Errc> FramingVerdict(std::vector<std::string_view> lines, bool parser_found_chunked) {
  RequestHead h = Head();
  h.transfer_encoding_values = std::move(lines);
  h.parser_found_chunked = parser_found_chunked;
  return Verdict(h);
}

TEST(RequestHead, TransferEncodingNotEndingInChunkedIsRefused) {
  for (const char* te : {"gzip", "chunked, gzip", "identity", "chunked, chunked", ",", "chunk"}) {
    EXPECT_EQ(FramingVerdict({te}, false), Errc::kInvalidRequest) << te;
  }
  EXPECT_EQ(FramingVerdict({"chunked", "chunked"}, true), Errc::kInvalidRequest)
      << "twice over two lines";
}

TEST(RequestHead, ChunkedAloneIsAccepted) {
  for (const char* te : {"chunked", "Chunked", " chunked ", "chunked,"}) {
    EXPECT_EQ(FramingVerdict({te}, true), std::nullopt) << te;
  }
}

TEST(RequestHead, OurVerdictMustAgreeWithTheParsers) {
  // The parser would read no body: refuse rather than guess.
  EXPECT_EQ(FramingVerdict({"chunked"}, false), Errc::kInvalidRequest);
}

TEST(RequestHead, OtherCodingBeforeChunkedIsNotImplemented) {
  EXPECT_EQ(FramingVerdict({"gzip", "chunked"}, true), Errc::kNotImplemented);
  EXPECT_EQ(FramingVerdict({"gzip, chunked"}, true), Errc::kNotImplemented);
}

TEST(RequestHead, TransferEncodingInHttp10IsRefused) {
  RequestHead h = Head();
  h.version = 10;
  h.transfer_encoding_values = {"chunked"};
  h.parser_found_chunked = true;
  EXPECT_EQ(Verdict(h), Errc::kInvalidRequest);
}

TEST(RequestHead, HostMustBeThereOnceInHttp11) {
  RequestHead h = Head();
  h.host_values = {};
  EXPECT_EQ(Verdict(h), Errc::kInvalidRequest);
  h.host_values = {"a.example", "b.example"};
  EXPECT_EQ(Verdict(h), Errc::kInvalidRequest);
  h.version = 10;
  h.host_values = {};
  EXPECT_EQ(Verdict(h), std::nullopt) << "HTTP/1.0 may omit Host";
}

TEST(RequestHead, HostSyntax) {
  for (const char* ok : {"example.com", "example.com:8080", "127.0.0.1:1", "[::1]:8080", "[::1]",
                         "", "xn--bcher-kva.example"}) {
    RequestHead h = Head();
    h.host_values = {ok};
    EXPECT_EQ(Verdict(h), std::nullopt) << ok;
  }
  for (const char* bad :
       {"exa mple.com", "example.com:80a", "a/b", "[::1", "[]", "a@b", "[::1]x", "a\"b"}) {
    RequestHead h = Head();
    h.host_values = {bad};
    EXPECT_EQ(Verdict(h), Errc::kInvalidRequest) << bad;
  }
}

TEST(RequestHead, TargetForms) {
  RequestHead h = Head();
  h.target = "http://auth.example.com/v1/me";
  EXPECT_EQ(Verdict(h), std::nullopt);
  h.target = "*";
  EXPECT_EQ(Verdict(h), Errc::kInvalidRequest) << "* is for OPTIONS only";
  h.method = "OPTIONS";
  EXPECT_EQ(Verdict(h), std::nullopt);
  h.method = "GET";
  h.target = "auth.example.com:443";
  EXPECT_EQ(Verdict(h), Errc::kInvalidRequest);
}

TEST(RequestHead, UnknownMethodsAreNotImplemented) {
  for (const char* method : {"CONNECT", "TRACE", "get", "PROPFIND"}) {
    RequestHead h = Head();
    h.method = method;
    EXPECT_EQ(Verdict(h), Errc::kNotImplemented) << method;
  }
}

TEST(RequestHead, MajorVersionMustBeOne) {
  RequestHead h = Head();
  h.version = 20;
  EXPECT_EQ(Verdict(h), Errc::kVersionNotSupported);
  h.version = 12;  // a higher minor version is still HTTP/1
  EXPECT_EQ(Verdict(h), std::nullopt);
}

TEST(RequestHead, OtherHttpVersionsAreToldFromMalformedLines) {
  EXPECT_TRUE(IsOtherHttpVersion("GET / HTTP/2.0"));
  EXPECT_TRUE(IsOtherHttpVersion("GET /a?b HTTP/0.9"));
  EXPECT_FALSE(IsOtherHttpVersion("GET / HTTP/1.1"));
  EXPECT_FALSE(IsOtherHttpVersion("GET  / HTTP/2.0"));
  EXPECT_FALSE(IsOtherHttpVersion("GET / HTTP/2"));
  EXPECT_FALSE(IsOtherHttpVersion("GET / HTTP/20.0"));
  EXPECT_FALSE(IsOtherHttpVersion("GET /\x01 HTTP/2.0"));
  EXPECT_FALSE(IsOtherHttpVersion("GET HTTP/2.0"));
}

TEST(RequestHead, OnlyHundredContinueIsExpected) {
  RequestHead h = Head();
  h.expect_values = {"100-Continue"};
  EXPECT_EQ(Verdict(h), std::nullopt);
  EXPECT_TRUE(WantsContinue(h));
  h.expect_values = {"101-upgrade"};
  EXPECT_EQ(Verdict(h), Errc::kExpectationFailed);
  h.version = 10;  // ignored in HTTP/1.0, and no 100 is sent
  EXPECT_EQ(Verdict(h), std::nullopt);
  h.expect_values = {"100-continue"};
  EXPECT_FALSE(WantsContinue(h));
}

TEST(RequestHead, OriginFormOfAbsoluteTargets) {
  EXPECT_EQ(OriginFormOf("/v1/me?x=1"), "/v1/me?x=1");
  EXPECT_EQ(OriginFormOf("http://h.example/v1/me?x=1"), "/v1/me?x=1");
  EXPECT_EQ(OriginFormOf("HTTPS://h.example:8443/a"), "/a");
  EXPECT_EQ(OriginFormOf("http://h.example"), "/");
  EXPECT_EQ(OriginFormOf("http://h.example?q=1"), "?q=1");
  EXPECT_EQ(OriginFormOf("*"), "*");
}

}  // namespace
}  // namespace gatehouse

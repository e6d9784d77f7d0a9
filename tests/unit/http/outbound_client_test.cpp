#include "http/outbound_client.hpp"

#include <gtest/gtest.h>

#include "support/scripted_server.hpp"

namespace gatehouse {
namespace {

TEST(OutboundClient, ParsesHttpAndHttpsUrls) {
  auto u = ParseHttpUrl("https://api.example.com/2010-04-01/Accounts/AC1/Messages.json?x=1#f");
  ASSERT_TRUE(u);
  EXPECT_TRUE(u->tls);
  EXPECT_EQ(u->host, "api.example.com");
  EXPECT_EQ(u->port, "443");
  EXPECT_EQ(u->target, "/2010-04-01/Accounts/AC1/Messages.json?x=1");
  u = ParseHttpUrl("http://127.0.0.1:8080");
  ASSERT_TRUE(u);
  EXPECT_FALSE(u->tls);
  EXPECT_EQ(u->port, "8080");
  EXPECT_EQ(u->target, "/");
  u = ParseHttpUrl("http://[::1]:9000?q");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->host, "::1");
  EXPECT_EQ(u->target, "/?q");
  for (const char* bad : {"ftp://x", "http://", "http://user:pw@host/", "http://h:0/",
                          "http://h:65536/", "http://h:8a/", "http://[::1/", "//host/x", "host"}) {
    EXPECT_FALSE(ParseHttpUrl(bad)) << bad;
  }
}

TEST(OutboundClient, SendsTheRequestAndReadsStatusAndBody) {
  std::string received;
  ScriptedServer server([&](ScriptedPeer& peer) {
    received = peer.ReadUntil("\r\n\r\n");
    received += peer.ReadUntil("a=1&b=2");
    peer.Send(
        "HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nTransfer-Encoding: "
        "chunked\r\n\r\n4\r\n{\"x\"\r\n3\r\n:1}\r\n0\r\n\r\n");
  });
  OutboundRequest request;
  request.url = "http://127.0.0.1:" + std::to_string(server.port()) + "/send?v=1";
  request.headers = {{"Content-Type", "application/x-www-form-urlencoded"}};
  request.body = "a=1&b=2";
  auto response = SendOutbound(request);
  ASSERT_TRUE(response) << response.error().reason;
  EXPECT_EQ(response->status, 201);
  EXPECT_EQ(response->body, "{\"x\":1}");
  EXPECT_TRUE(received.starts_with("POST /send?v=1 HTTP/1.1\r\n")) << received;
  EXPECT_NE(received.find("Host: 127.0.0.1:" + std::to_string(server.port()) + "\r\n"),
            std::string::npos);
  EXPECT_NE(received.find("Content-Length: 7\r\n"), std::string::npos);
  EXPECT_TRUE(received.ends_with("\r\n\r\na=1&b=2"));
}

TEST(OutboundClient, AnErrorStatusIsAResponseAndALongBodyIsCut) {
  ScriptedServer server([](ScriptedPeer& peer) {
    peer.ReadUntil("\r\n\r\n");
    std::string body(kOutboundBodyLimit + 1000, 'e');
    peer.Send("HTTP/1.1 500 Oops\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" +
              body);
  });
  OutboundRequest request;
  request.method = "GET";
  request.url = "http://127.0.0.1:" + std::to_string(server.port()) + "/";
  auto response = SendOutbound(request);
  ASSERT_TRUE(response) << response.error().reason;
  EXPECT_EQ(response->status, 500);
  EXPECT_LE(response->body.size(), kOutboundBodyLimit);
}

TEST(OutboundClient, SilenceTimesOutAndGarbageIsAnError) {
  ScriptedServer silent([](ScriptedPeer& peer) { peer.ReadUntil("never"); });
  OutboundRequest request;
  request.url = "http://127.0.0.1:" + std::to_string(silent.port()) + "/";
  request.timeout = std::chrono::milliseconds(300);
  auto started = std::chrono::steady_clock::now();
  auto response = SendOutbound(request);
  ASSERT_FALSE(response);
  EXPECT_NE(response.error().reason.find("timed out"), std::string::npos);
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(2));

  ScriptedServer garbage([](ScriptedPeer& peer) {
    peer.ReadUntil("\r\n\r\n");
    peer.Send("220 smtp.example.com ESMTP\r\n");
  });
  request.url = "http://127.0.0.1:" + std::to_string(garbage.port()) + "/";
  request.timeout = std::chrono::seconds(3);
  EXPECT_FALSE(SendOutbound(request));
}

TEST(OutboundClient, HeaderLineBreaksAndHttpsWithoutTrustedCertificateAreRefused) {
  OutboundRequest request;
  request.url = "http://127.0.0.1:1/";
  request.headers = {{"X-Note", "a\r\nInjected: 1"}};
  auto refused = SendOutbound(request);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, Errc::kInvalidRequest);

  // A plain-HTTP server on an https URL: the handshake fails, nothing is sent in clear.
  std::string received = "unset";
  ScriptedServer server([&](ScriptedPeer& peer) {
    received = peer.ReadUntil("\x16\x03");  // the start of a TLS ClientHello
    peer.Send("HTTP/1.1 400 Bad Request\r\n\r\n");
  });
  OutboundRequest tls;
  tls.url = "https://127.0.0.1:" + std::to_string(server.port()) + "/";
  tls.timeout = std::chrono::seconds(2);
  auto response = SendOutbound(tls);
  ASSERT_FALSE(response);
  EXPECT_NE(response.error().reason.find("TLS handshake"), std::string::npos);
  EXPECT_EQ(received, "\x16\x03") << "a handshake first, no request in clear";
}

}  // namespace
}  // namespace gatehouse

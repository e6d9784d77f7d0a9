#include "notify/smtp_client.hpp"

#include <gtest/gtest.h>

#include <chrono>

#include "config/config.hpp"
#include "support/scripted_server.hpp"

namespace gatehouse {
namespace {

SmtpConfig PlainTo(int port) {
  SmtpConfig config = DefaultConfig().mail.smtp;
  config.host = "127.0.0.1";
  config.port = port;
  config.security = "none";
  config.timeout_seconds = 3;
  return config;
}

const SmtpEnvelope kEnvelope{"no-reply@example.com", "ada@example.org"};
const std::string kMessage = "Subject: hi\r\n\r\nline one\r\n.starts with a dot\r\n";

// A server that accepts the message; `ehlo` is its EHLO reply. Records what the client sent.
struct AcceptingServer {
  std::string ehlo = "250-mx.example.org\r\n250-SIZE 1000000\r\n250 8BITMIME\r\n";
  std::string transcript;
  void Run(ScriptedPeer& peer) {
    peer.Send("220 mx.example.org ESMTP\r\n");
    transcript += peer.ReadLine();
    peer.Send(ehlo);
    for (std::string line = peer.ReadLine(); !line.empty(); line = peer.ReadLine()) {
      transcript += line;
      if (line.starts_with("AUTH PLAIN")) peer.Send("235 ok\r\n");
      if (line == "AUTH LOGIN\r\n") peer.Send("334 VXNlcm5hbWU6\r\n");
      if (line.starts_with("dXNlcg")) peer.Send("334 UGFzc3dvcmQ6\r\n");  // base64 "user"
      if (line.starts_with("c2VjcmV0")) peer.Send("235 ok\r\n");          // base64 "secret"
      if (line.starts_with("MAIL") || line.starts_with("RCPT")) peer.Send("250 ok\r\n");
      if (line == "DATA\r\n") {
        peer.Send("354 go on\r\n");
        transcript += peer.ReadUntil("\r\n.\r\n");
        peer.Send("250 queued\r\n");
      }
      if (line == "QUIT\r\n") return;
    }
  }
};

TEST(SmtpClient, DeliversWithDotStuffingAndMultiLineReplies) {
  AcceptingServer server;
  ScriptedServer smtp([&](ScriptedPeer& peer) { server.Run(peer); });
  Status sent = DeliverBySmtp(PlainTo(smtp.port()), kEnvelope, kMessage);
  ASSERT_TRUE(sent) << sent.error().reason;
  EXPECT_NE(server.transcript.find("EHLO example.com\r\n"), std::string::npos);
  EXPECT_NE(server.transcript.find("MAIL FROM:<no-reply@example.com>\r\n"), std::string::npos);
  EXPECT_NE(server.transcript.find("RCPT TO:<ada@example.org>\r\n"), std::string::npos);
  EXPECT_NE(server.transcript.find("line one\r\n..starts with a dot\r\n.\r\n"), std::string::npos);
}

TEST(SmtpClient, LogsInWithPlainOrWithLoginWhenThatIsAllTheServerOffers) {
  for (std::string mechanisms : {"PLAIN LOGIN", "LOGIN"}) {
    AcceptingServer server;
    server.ehlo = "250-mx.example.org\r\n250 AUTH " + mechanisms + "\r\n";
    ScriptedServer smtp([&](ScriptedPeer& peer) { server.Run(peer); });
    SmtpConfig config = PlainTo(smtp.port());
    config.username = "user";
    config.password = "secret";
    Status sent = DeliverBySmtp(config, kEnvelope, kMessage);
    ASSERT_TRUE(sent) << mechanisms << ": " << sent.error().reason;
    bool plain = mechanisms.starts_with("PLAIN");
    EXPECT_EQ(server.transcript.find("AUTH PLAIN AHVzZXIAc2VjcmV0\r\n") != std::string::npos,
              plain);
    EXPECT_EQ(server.transcript.find("AUTH LOGIN\r\n") != std::string::npos, !plain);
  }
}

TEST(SmtpClient, AConfiguredLoginIsNeverSkipped) {
  AcceptingServer server;  // offers no AUTH at all
  ScriptedServer smtp([&](ScriptedPeer& peer) { server.Run(peer); });
  SmtpConfig config = PlainTo(smtp.port());
  config.username = "user";
  config.password = "secret";
  Status sent = DeliverBySmtp(config, kEnvelope, kMessage);
  ASSERT_FALSE(sent);
  EXPECT_EQ(server.transcript.find("MAIL FROM"), std::string::npos);
}

TEST(SmtpClient, StartTlsIsRequiredWhenConfigured) {
  AcceptingServer server;
  ScriptedServer smtp([&](ScriptedPeer& peer) { server.Run(peer); });
  SmtpConfig config = PlainTo(smtp.port());
  config.security = "starttls";
  Status sent = DeliverBySmtp(config, kEnvelope, kMessage);
  ASSERT_FALSE(sent);
  EXPECT_NE(sent.error().reason.find("STARTTLS"), std::string::npos);
  EXPECT_EQ(server.transcript.find("MAIL FROM"), std::string::npos) << "nothing in plaintext";
}

TEST(SmtpClient, RefusesReplyBytesInjectedBeforeTheTlsHandshake) {
  std::string after_starttls;
  ScriptedServer smtp([&](ScriptedPeer& peer) {
    peer.Send("220 mx ESMTP\r\n");
    peer.ReadLine();
    peer.Send("250-mx\r\n250 STARTTLS\r\n");
    peer.ReadLine();
    peer.Send("220 go ahead\r\n250 injected before encryption\r\n");
    after_starttls = peer.ReadUntil("\r\n");  // a handshake would start with 0x16
  });
  SmtpConfig config = PlainTo(smtp.port());
  config.security = "starttls";
  Status sent = DeliverBySmtp(config, kEnvelope, kMessage);
  ASSERT_FALSE(sent);
  EXPECT_NE(sent.error().reason.find("plaintext data after STARTTLS"), std::string::npos);
  EXPECT_TRUE(after_starttls.empty()) << "no handshake and no command after the injection";
}

TEST(SmtpClient, ARefusedRecipientOrGarbledReplyIsAnErrorNamingTheStep) {
  ScriptedServer refusing([](ScriptedPeer& peer) {
    peer.Send("220 mx\r\n");
    peer.ReadLine();
    peer.Send("250 mx\r\n");
    peer.ReadLine();
    peer.Send("250 ok\r\n");
    peer.ReadLine();
    peer.Send("550 5.1.1 no such user\r\n");
    peer.ReadLine();
  });
  Status sent = DeliverBySmtp(PlainTo(refusing.port()), kEnvelope, kMessage);
  ASSERT_FALSE(sent);
  EXPECT_NE(sent.error().reason.find("RCPT TO: the server answered 550"), std::string::npos);

  ScriptedServer garbled([](ScriptedPeer& peer) { peer.Send("HTTP/1.1 400 Bad Request\r\n"); });
  Status garbled_sent = DeliverBySmtp(PlainTo(garbled.port()), kEnvelope, kMessage);
  ASSERT_FALSE(garbled_sent);
  EXPECT_NE(garbled_sent.error().reason.find("not SMTP"), std::string::npos);
}

TEST(SmtpClient, ASilentServerTimesOutOnTheDeadline) {
  ScriptedServer silent([](ScriptedPeer& peer) { peer.ReadLine(); });
  SmtpConfig config = PlainTo(silent.port());
  config.timeout_seconds = 1;
  auto started = std::chrono::steady_clock::now();
  Status sent = DeliverBySmtp(config, kEnvelope, kMessage);
  auto took = std::chrono::steady_clock::now() - started;
  ASSERT_FALSE(sent);
  EXPECT_NE(sent.error().reason.find("timed out"), std::string::npos);
  EXPECT_GE(took, std::chrono::milliseconds(900));
  EXPECT_LT(took, std::chrono::seconds(3));
}

TEST(SmtpClient, AddressesThatCouldEndACommandAreRefusedBeforeConnecting) {
  SmtpConfig config = PlainTo(1);  // nothing is contacted
  for (const char* to : {"a@b.c>\r\nRCPT TO:<x@y.z", "a@b.c\n", "<a@b.c", ""}) {
    Status sent = DeliverBySmtp(config, SmtpEnvelope{"no-reply@example.com", to}, kMessage);
    ASSERT_FALSE(sent) << to;
    EXPECT_EQ(sent.error().code, Errc::kInvalidRequest) << to;
  }
}

TEST(SmtpClient, DotStuffingDoublesLeadingDotsAndEndsTheData) {
  EXPECT_EQ(DotStuffed(".a\r\nb\r\n..c\r\n"), "..a\r\nb\r\n...c\r\n.\r\n");
  EXPECT_EQ(DotStuffed("no final line end"), "no final line end\r\n.\r\n");
  EXPECT_EQ(DotStuffed("\r\n.\r\n"), "\r\n..\r\n.\r\n");
}

}  // namespace
}  // namespace gatehouse

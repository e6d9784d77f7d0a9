#include "webauthn/credential_json.hpp"

#include <gtest/gtest.h>

#include <functional>

#include "crypto/random.hpp"

namespace gatehouse {
namespace {

using nlohmann::json;

json Registration() {
  return {{"id", Base64UrlEncode("cred")},
          {"rawId", Base64UrlEncode("cred")},
          {"type", "public-key"},
          {"response",
           {{"clientDataJSON", Base64UrlEncode("{}")},
            {"attestationObject", Base64UrlEncode("\xa0")},
            {"transports", {"internal", "hybrid"}}}},
          {"clientExtensionResults", json::object()}};
}

json Assertion() {
  return {{"id", Base64UrlEncode("cred")},
          {"rawId", Base64UrlEncode("cred")},
          {"type", "public-key"},
          {"response",
           {{"clientDataJSON", Base64UrlEncode("{}")},
            {"authenticatorData", Base64UrlEncode("data")},
            {"signature", Base64UrlEncode("sig")},
            {"userHandle", Base64UrlEncode("handle")}}}};
}

TEST(CredentialJson, ReadsBothResponses) {
  auto registration = ParseRegistrationResponse(Registration());
  ASSERT_TRUE(registration) << registration.error().detail;
  EXPECT_EQ(registration->credential_id, "cred");
  EXPECT_EQ(registration->client_data_json, "{}");
  EXPECT_EQ(registration->attestation_object, "\xa0");
  EXPECT_EQ(registration->transports, (std::vector<std::string>{"internal", "hybrid"}));
  auto assertion = ParseAssertionResponse(Assertion());
  ASSERT_TRUE(assertion) << assertion.error().detail;
  EXPECT_EQ(assertion->authenticator_data, "data");
  EXPECT_EQ(assertion->signature, "sig");
  EXPECT_EQ(assertion->user_handle, "handle");
  json without = Assertion();
  without["response"]["userHandle"] = nullptr;  // a non-discoverable credential
  EXPECT_FALSE(ParseAssertionResponse(without)->user_handle);
}

TEST(CredentialJson, NamesTheMemberThatIsWrong) {
  struct Case {
    const char* member;
    std::function<void(json&)> spoil;
  } cases[] = {
      {"'credential.type'", [](json& c) { c["type"] = "password"; }},
      {"'credential.rawId'", [](json& c) { c.erase("rawId"); }},
      {"'credential.rawId'", [](json& c) { c["rawId"] = "not*base64"; }},
      {"'credential.rawId'", [](json& c) { c["rawId"] = "Y3JlZA=="; }},  // padded
      {"'credential.rawId'", [](json& c) { c["rawId"] = std::string(1400, 'A'); }},
      {"'credential.id'", [](json& c) { c["id"] = Base64UrlEncode("other"); }},
      {"'credential.response'", [](json& c) { c["response"] = "x"; }},
      {"'credential.response.clientDataJSON'",
       [](json& c) { c["response"].erase("clientDataJSON"); }},
      {"'credential.response.clientDataJSON'",
       [](json& c) { c["response"]["clientDataJSON"] = std::string(6000, 'A'); }},
      {"'credential.response.clientDataJSON'",
       [](json& c) { c["response"]["clientDataJSON"] = 7; }},
      {"'credential.response.attestationObject'",
       [](json& c) { c["response"]["attestationObject"] = ""; }},
      {"'credential.response.transports'", [](json& c) { c["response"]["transports"] = {1}; }},
  };
  for (const Case& c : cases) {
    json credential = Registration();
    c.spoil(credential);
    auto parsed = ParseRegistrationResponse(credential);
    ASSERT_FALSE(parsed) << c.member;
    EXPECT_EQ(parsed.error().code, Errc::kValidationFailed);
    EXPECT_NE(parsed.error().detail.find(c.member), std::string::npos) << parsed.error().detail;
  }
  EXPECT_FALSE(ParseRegistrationResponse(json::array()));
  for (const char* member : {"authenticatorData", "signature", "userHandle"}) {
    json credential = Assertion();
    credential["response"][member] = std::string(2000, 'A');
    auto parsed = ParseAssertionResponse(credential);
    ASSERT_FALSE(parsed) << member;
    EXPECT_NE(parsed.error().detail.find("'assertion.response." + std::string(member) + "'"),
              std::string::npos)
        << parsed.error().detail;
  }
}

TEST(CredentialJson, OptionsAreWhatBrowsersParse) {
  RelyingParty rp{"auth.example.com", {"https://auth.example.com"}};
  json created = CreationOptions(rp, "Gatehouse", {"handle", "ada@example.com", "Ada"}, "chal",
                                 {"old-credential"});
  EXPECT_EQ(created["rp"]["id"], "auth.example.com");
  EXPECT_EQ(created["user"]["id"], Base64UrlEncode("handle"));
  EXPECT_EQ(created["challenge"], Base64UrlEncode("chal"));
  EXPECT_EQ(created["pubKeyCredParams"][0]["alg"], -8);
  EXPECT_EQ(created["pubKeyCredParams"][1]["alg"], -7);
  EXPECT_EQ(created["pubKeyCredParams"][2]["alg"], -257);
  EXPECT_EQ(created["excludeCredentials"][0]["id"], Base64UrlEncode("old-credential"));
  EXPECT_EQ(created["authenticatorSelection"]["residentKey"], "preferred");
  EXPECT_EQ(created["authenticatorSelection"]["userVerification"], "preferred");
  EXPECT_EQ(created["attestation"], "none");
  json requested = RequestOptions(rp, "chal", {});
  EXPECT_EQ(requested["rpId"], "auth.example.com");
  EXPECT_TRUE(requested["allowCredentials"].empty());
  EXPECT_EQ(requested["timeout"], 300000);
}

}  // namespace
}  // namespace gatehouse

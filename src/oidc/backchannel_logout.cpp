#include "oidc/backchannel_logout.hpp"

#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "core/form_encoding.hpp"
#include "crypto/jwt.hpp"
#include "crypto/random.hpp"
#include "store/client_store.hpp"
#include "store/oidc_login_store.hpp"

namespace gatehouse {

BackchannelLogout::BackchannelLogout(Database& db, KeyRing& keys, OutboxSender& outbox,
                                     const Config& config, const Clock& clock)
    : db_(db), keys_(keys), outbox_(outbox), config_(config), clock_(clock) {}

void BackchannelLogout::SessionEnded(const SessionRecord& session) {
  std::int64_t now = clock_.NowSeconds();
  int queued = 0;
  auto done = db_.Transaction<Ok>([&](Connection& sql) -> Status {
    for (const std::string& client_id : oidc_login_store::ClientsOf(sql, session.id)) {
      auto client = client_store::Find(sql, client_id);
      if (!client || client->backchannel_logout_uri.empty()) continue;
      nlohmann::json claims = {
          {"iss", config_.tokens.issuer},
          {"aud", client->id},
          {"iat", now},
          {"exp", now + OutboxSender::kPostMaxAgeSeconds},
          {"jti", RandomToken(16)},
          {"sub", session.user_id},
          {"sid", session.id},
          {"events",
           {{"http://schemas.openid.net/event/backchannel-logout", nlohmann::json::object()}}}};
      auto algorithm = ParseAlgorithm(client->id_token_algorithm);
      auto key = keys_.SignerFor(algorithm ? *algorithm : JwsAlgorithm::kRS256);
      std::string token = SignJws(*key, "logout+jwt", claims.dump());
      OutboxSender::EnqueuePost(sql, client->backchannel_logout_uri,
                                "application/x-www-form-urlencoded",
                                "logout_token=" + PercentEncode(token), now);
      ++queued;
    }
    oidc_login_store::Forget(sql, session.id);
    return Ok{};
  });
  if (!done) {
    spdlog::error("back-channel logout of session {} not queued: {}", session.id,
                  done.error().reason);
    return;
  }
  if (queued > 0) outbox_.Notify();
}

}  // namespace gatehouse

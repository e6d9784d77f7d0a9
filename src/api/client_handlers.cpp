#include <nlohmann/json.hpp>

#include "api/client_json.hpp"
#include "api/handler_support.hpp"
#include "api/routes.hpp"
#include "oidc/client_registry.hpp"

namespace gatehouse {
namespace {

constexpr std::size_t kMaxUriFieldBytes = 2048;
constexpr std::size_t kMaxUrisPerField = 64;  // ClientRegistry allows 20; this only bounds input

// Each field into `client`; the first bad one's error.
Status ReadNewClient(const JsonBody& body, NewClient& client) {
  auto name = body.RequiredString("name", 4 * kMaxNameFieldBytes);
  if (!name) return name.error();
  client.name = *name;
  auto text = [&](const char* field, std::size_t max, std::string& into) -> Status {
    auto value = body.OptionalString(field, max);
    if (!value) return value.error();
    into = *value;
    return Ok{};
  };
  auto list = [&](const char* field, std::size_t max_items,
                  std::vector<std::string>& into) -> Status {
    auto value = body.OptionalStringArray(field, max_items, kMaxUriFieldBytes);
    if (!value) return value.error();
    into = *value;
    return Ok{};
  };
  auto flag = [&](const char* field, bool& into) -> Status {
    auto value = body.OptionalBool(field, false);
    if (!value) return value.error();
    into = *value;
    return Ok{};
  };
  for (Status read :
       {list("redirect_uris", kMaxUrisPerField, client.redirect_uris),
        list("post_logout_redirect_uris", kMaxUrisPerField, client.post_logout_redirect_uris),
        text("backchannel_logout_uri", kMaxUriFieldBytes, client.backchannel_logout_uri),
        list("grant_types", 8, client.grant_types), flag("public", client.is_public),
        flag("first_party", client.first_party),
        text("id_token_signed_response_alg", 16, client.id_token_algorithm)}) {
    if (!read) return read;
  }
  // Left out, the grants are the code flow's; given, they must be some.
  if (body.Has("grant_types") && client.grant_types.empty()) {
    return MakeError(Errc::kValidationFailed, "no grant types",
                     "'grant_types' must hold at least one grant.");
  }
  return Ok{};
}

Response CreateClient(Services& s, const Request& request) {
  GH_TRY(caller, AuthenticateAdmin(request, s));
  (void)caller;
  GH_TRY(body, JsonBody::Parse(request));
  NewClient wanted;
  if (Status read = ReadNewClient(body, wanted); !read) return ProblemResponse(read.error());
  GH_TRY(created, s.clients.Create(wanted));
  nlohmann::json json = ClientJson(created.client);
  if (!created.secret.empty()) json["client_secret"] = created.secret;
  Response response = JsonResponse(201, json);
  response.SetHeader("Location", "/v1/clients/" + created.client.id);
  return response;
}

Response ListClients(Services& s, const Request& request) {
  GH_TRY(caller, AuthenticateAdmin(request, s));
  (void)caller;
  GH_TRY(clients, s.clients.List());
  nlohmann::json list = nlohmann::json::array();
  for (const OAuthClientRecord& c : clients) list.push_back(ClientJson(c));
  return JsonResponse(200, {{"clients", list}});
}

Response GetClient(Services& s, const Request& request, const PathParams& params) {
  GH_TRY(caller, AuthenticateAdmin(request, s));
  (void)caller;
  GH_TRY(client, s.clients.Find(params.at("id")));
  return JsonResponse(200, ClientJson(client));
}

Response DeleteClient(Services& s, const Request& request, const PathParams& params) {
  GH_TRY(caller, AuthenticateAdmin(request, s));
  (void)caller;
  Status done = s.clients.Delete(params.at("id"));
  if (!done) return ProblemResponse(done.error());
  return Response::NoContent();
}

}  // namespace

void AddClientRoutes(Router& router, Services& s) {
  router.Add("POST", "/v1/clients", Bind(s, CreateClient));
  router.Add("GET", "/v1/clients", Bind(s, ListClients));
  router.Add("GET", "/v1/clients/{id}", Bind(s, GetClient));
  router.Add("DELETE", "/v1/clients/{id}", Bind(s, DeleteClient));
}

}  // namespace gatehouse

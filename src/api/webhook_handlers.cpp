// /v1/webhooks: administrators register, list and delete webhook endpoints, read each one's
// delivery log and send a failed delivery again (docs/api.md).
#include <nlohmann/json.hpp>

#include "api/handler_support.hpp"
#include "api/routes.hpp"
#include "core/base64url_text.hpp"
#include "core/form_encoding.hpp"
#include "core/json_text.hpp"
#include "core/time_format.hpp"
#include "webhooks/webhook_service.hpp"

namespace gatehouse {
namespace {

constexpr std::size_t kMaxUrlFieldBytes = 4096;
constexpr std::size_t kMaxDescriptionFieldBytes = 1024;
constexpr std::size_t kMaxEventTypes = 64;

nlohmann::json WebhookJson(const WebhookRecord& w) {
  return {{"webhook_id", w.id},
          {"url", w.url},
          {"events", w.events},
          {"description", w.description},
          {"created_by", TextOrNull(w.created_by)},
          {"created_at", FormatRfc3339(w.created_at)}};
}

nlohmann::json TimeOrNull(const std::optional<std::int64_t>& at) {
  return at ? nlohmann::json(FormatRfc3339(*at)) : nlohmann::json(nullptr);
}

std::string_view StatusOf(const WebhookDeliveryRecord& d) {
  if (d.delivered_at) return "delivered";
  if (d.failed_at) return "failed";
  return "pending";
}

nlohmann::json DeliveryJson(const WebhookDeliveryRecord& d) {
  return {{"delivery_id", d.id},
          {"event_id", d.event_id},
          {"type", d.event_type},
          {"status", StatusOf(d)},
          {"attempts", d.attempts},
          {"created_at", FormatRfc3339(d.created_at)},
          {"last_attempt_at", TimeOrNull(d.last_attempt_at)},
          {"last_response_status",
           d.last_status == 0 ? nlohmann::json(nullptr) : nlohmann::json(d.last_status)},
          {"last_error", TextOrNull(d.last_error)},
          {"delivered_at", TimeOrNull(d.delivered_at)},
          {"payload", nlohmann::json::parse(d.payload, nullptr, /*allow_exceptions=*/false)}};
}

Response CreateWebhook(Services& s, const Request& request) {
  GH_TRY(caller, AuthenticateAdmin(request, s));
  GH_TRY(body, JsonBody::Parse(request));
  NewWebhook wanted;
  GH_TRY(url, body.RequiredString("url", kMaxUrlFieldBytes));
  GH_TRY(events, body.RequiredStringArray("events", kMaxEventTypes, 64));
  GH_TRY(description, body.OptionalString("description", kMaxDescriptionFieldBytes));
  wanted.url = url;
  wanted.events = events;
  wanted.description = description;
  GH_TRY(created, s.webhooks.Create(caller, wanted));
  nlohmann::json json = WebhookJson(created.webhook);
  json["secret"] = created.secret;
  Response response = JsonResponse(201, json);
  response.SetHeader("Location", "/v1/webhooks/" + created.webhook.id);
  return response;
}

Response ListWebhooks(Services& s, const Request& request) {
  GH_TRY(caller, AuthenticateAdmin(request, s));
  (void)caller;
  GH_TRY(webhooks, s.webhooks.List());
  nlohmann::json list = nlohmann::json::array();
  for (const WebhookRecord& w : webhooks) list.push_back(WebhookJson(w));
  return JsonResponse(200, {{"webhooks", list}});
}

Response GetWebhook(Services& s, const Request& request, const PathParams& params) {
  GH_TRY(caller, AuthenticateAdmin(request, s));
  (void)caller;
  GH_TRY(webhook, s.webhooks.Find(params.at("webhook_id")));
  return JsonResponse(200, WebhookJson(webhook));
}

Response DeleteWebhook(Services& s, const Request& request, const PathParams& params) {
  GH_TRY(caller, AuthenticateAdmin(request, s));
  Status deleted = s.webhooks.Delete(caller, params.at("webhook_id"));
  if (!deleted) return ProblemResponse(deleted.error());
  return Response::NoContent();
}

Response ListDeliveries(Services& s, const Request& request, const PathParams& params) {
  GH_TRY(caller, AuthenticateAdmin(request, s));
  (void)caller;
  GH_TRY(limit, PageLimitOf(request, 50));
  auto cursor = FormDecode(request.QueryParam("cursor"));
  if (!cursor || !IsServerMadeIdOrEmpty(*cursor)) {
    return ProblemResponse(MakeError(Errc::kValidationFailed, "bad query cursor",
                                     "'cursor' is not one this server gave."));
  }
  GH_TRY(deliveries, s.webhooks.Deliveries(params.at("webhook_id"), *cursor, limit));
  nlohmann::json list = nlohmann::json::array();
  for (const WebhookDeliveryRecord& d : deliveries) list.push_back(DeliveryJson(d));
  // A full page may have a next one; a short page is the last.
  bool full = static_cast<int>(deliveries.size()) == limit;
  return JsonResponse(
      200, {{"deliveries", list}, {"next_cursor", TextOrNull(full ? deliveries.back().id : "")}});
}

Response RetryDelivery(Services& s, const Request& request, const PathParams& params) {
  GH_TRY(caller, AuthenticateAdmin(request, s));
  (void)caller;
  GH_TRY(delivery, s.webhooks.Retry(params.at("webhook_id"), params.at("delivery_id")));
  return JsonResponse(202, DeliveryJson(delivery));
}

}  // namespace

void AddWebhookRoutes(Router& router, Services& s) {
  router.Add("POST", "/v1/webhooks", Bind(s, CreateWebhook));
  router.Add("GET", "/v1/webhooks", Bind(s, ListWebhooks));
  router.Add("GET", "/v1/webhooks/{webhook_id}", Bind(s, GetWebhook));
  router.Add("DELETE", "/v1/webhooks/{webhook_id}", Bind(s, DeleteWebhook));
  router.Add("GET", "/v1/webhooks/{webhook_id}/deliveries", Bind(s, ListDeliveries));
  router.Add("POST", "/v1/webhooks/{webhook_id}/deliveries/{delivery_id}/retry",
             Bind(s, RetryDelivery));
}

}  // namespace gatehouse

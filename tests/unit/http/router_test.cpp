#include "http/router.hpp"

#include <gtest/gtest.h>

namespace gatehouse {
namespace {

Handler Named(std::string name) {
  return [name](const Request&, const PathParams&) { return Response::Json(200, name); };
}

Router MakeRouter() {
  Router r;
  r.Add("GET", "/v1/me", Named("me"));
  r.Add("GET", "/v1/me/sessions", Named("list"));
  r.Add("DELETE", "/v1/me/sessions/{session_id}", Named("delete"));
  r.Add("DELETE", "/v1/users/{user_id}/sessions/{session_id}", Named("admin-delete"));
  r.Add("POST", "/v1/auth/login", Named("login"));
  return r;
}

TEST(Router, MatchesStaticPaths) {
  Router r = MakeRouter();
  auto m = r.Find("GET", "/v1/me");
  ASSERT_EQ(m.outcome, Router::Outcome::kFound);
  EXPECT_EQ(m.route->handler({}, {}).body, "me");
}

TEST(Router, ExtractsPathParameters) {
  Router r = MakeRouter();
  auto m = r.Find("DELETE", "/v1/users/u1/sessions/s9");
  ASSERT_EQ(m.outcome, Router::Outcome::kFound);
  EXPECT_EQ(m.params.at("user_id"), "u1");
  EXPECT_EQ(m.params.at("session_id"), "s9");
}

TEST(Router, WrongMethodListsTheAllowedOnesWithHeadBesideGet) {
  Router r = MakeRouter();
  auto m = r.Find("POST", "/v1/me");
  EXPECT_EQ(m.outcome, Router::Outcome::kMethodNotAllowed);
  EXPECT_EQ(m.allow, "GET, HEAD");
}

TEST(Router, NearMissesAreNotFound) {
  Router r = MakeRouter();
  for (const char* path : {"/v1/me/", "/v1", "", "v1/me", "/v1/me/sessions/", "/v1//me",
                           "/v1/users//sessions/x", "/V1/ME"}) {
    EXPECT_EQ(r.Find("GET", path).outcome, Router::Outcome::kNotFound) << path;
  }
  EXPECT_EQ(r.Find("DELETE", "/v1/me/sessions/").outcome, Router::Outcome::kNotFound);
}

TEST(Router, AnAsynchronousHandlerSitsBesideTheSynchronousOne) {
  Router r = MakeRouter();
  r.SetAsync("GET", "/v1/me", [](const Request&, const PathParams&, Answer answer) {
    answer.now(Response::Json(200, "me, later"));
  });
  auto m = r.Find("GET", "/v1/me");
  ASSERT_TRUE(m.route->async_handler);
  std::string answered;
  m.route->async_handler({}, {}, Answer{[&](Response resp) { answered = resp.body; }, nullptr});
  EXPECT_EQ(answered, "me, later");
  EXPECT_EQ(m.route->handler({}, {}).body, "me") << "kept";
  EXPECT_FALSE(r.Find("GET", "/v1/me/sessions").route->async_handler);
  // A wrap (a rate limit, say) would not cover the asynchronous path: refused.
  EXPECT_THROW(r.Wrap("GET", "/v1/me", [](Handler h) { return h; }), std::logic_error);
  EXPECT_THROW(r.SetAsync("GET", "/v1/nope", nullptr), std::logic_error);
}

TEST(Router, WrapPutsAHandlerInFrontOfARoute) {
  Router r = MakeRouter();
  r.Wrap("GET", "/v1/me", [](Handler inner) -> Handler {
    return [inner](const Request& req, const PathParams& p) {
      Response response = inner(req, p);
      response.SetHeader("X-Wrapped", "yes");
      return response;
    };
  });
  auto m = r.Find("GET", "/v1/me");
  ASSERT_EQ(m.outcome, Router::Outcome::kFound);
  EXPECT_TRUE(m.route->handler(Request{}, m.params).HasHeader("X-Wrapped"));
  EXPECT_THROW(r.Wrap("POST", "/v1/me", [](Handler h) { return h; }), std::logic_error);
  EXPECT_THROW(r.Wrap("GET", "/v1/nope", [](Handler h) { return h; }), std::logic_error);
}

TEST(Request, QueryParameters) {
  Request req;
  req.query = "a=1&except_current=true&flag";
  EXPECT_EQ(req.QueryParam("except_current"), "true");
  EXPECT_EQ(req.QueryParam("a"), "1");
  EXPECT_EQ(req.QueryParam("flag"), "");
  EXPECT_EQ(req.QueryParam("missing"), "");
}

}  // namespace
}  // namespace gatehouse

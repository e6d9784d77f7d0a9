// libFuzzer target: request bodies as handlers read them — JSON parsing (with UTF-8
// validation), the typed and length-checked field accessors, and serialising back.
#include <cstdint>
#include <string>

#include "api/json_body.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace gatehouse;
  Request request;
  request.method = "POST";
  request.headers = {{"content-type", "application/json; charset=utf-8"}};
  request.body.assign(reinterpret_cast<const char*>(data), size);
  auto body = JsonBody::Parse(request);
  if (!body) return 0;
  for (const char* name : {"email", "password", "code", "token", "session_ids", "remember_me"}) {
    (void)body->Has(name);
    (void)body->RequiredString(name, 64);
    (void)body->OptionalString(name, 1024);
    (void)body->OptionalBool(name, false);
    (void)body->RequiredStringArray(name, 8, 64);
  }
  return 0;
}

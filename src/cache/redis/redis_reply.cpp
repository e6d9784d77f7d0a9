#include "cache/redis/redis_reply.hpp"

#include <hiredis/hiredis.h>

namespace gatehouse {

RedisReply CopyReply(const redisReply& r) {
  RedisReply reply;
  reply.type = r.type;
  if (r.type == REDIS_REPLY_INTEGER) reply.integer = r.integer;
  if (r.type == REDIS_REPLY_STRING || r.type == REDIS_REPLY_STATUS || r.type == REDIS_REPLY_ERROR) {
    reply.text.assign(r.str, r.len);
  }
  if (r.type == REDIS_REPLY_ARRAY) {
    for (std::size_t i = 0; i < r.elements; ++i) reply.elements.push_back(CopyReply(*r.element[i]));
  }
  return reply;
}

void AppendCommand(std::string& out, const std::vector<std::string_view>& argv) {
  out.append("*").append(std::to_string(argv.size())).append("\r\n");
  for (std::string_view arg : argv) {
    out.append("$").append(std::to_string(arg.size())).append("\r\n").append(arg).append("\r\n");
  }
}

}  // namespace gatehouse

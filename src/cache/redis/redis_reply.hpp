#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

struct redisReply;

namespace gatehouse {

// A Redis reply, copied out of hiredis's reply object.
struct RedisReply {
  int type = 0;  // REDIS_REPLY_*
  std::int64_t integer = 0;
  std::string text;                  // of a string, status or error reply
  std::vector<RedisReply> elements;  // of an array reply
};

RedisReply CopyReply(const redisReply& reply);

// The RESP encoding of one command (binary-safe), appended to `out`.
void AppendCommand(std::string& out, const std::vector<std::string_view>& argv);

}  // namespace gatehouse

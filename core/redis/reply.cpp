#include "core/redis/reply.hpp"

#include <hiredis/hiredis.h>

#include <memory>

namespace ralph::redis {

namespace {

Reply convert(const redisReply& r) {
  Reply out;
  switch (r.type) {
  case REDIS_REPLY_STRING: out.type = Reply::Type::string; break;
  case REDIS_REPLY_STATUS: out.type = Reply::Type::status; break;
  case REDIS_REPLY_ERROR: out.type = Reply::Type::error; break;
  case REDIS_REPLY_INTEGER: out.type = Reply::Type::integer; break;
  case REDIS_REPLY_ARRAY: out.type = Reply::Type::array; break;
  default: out.type = Reply::Type::nil; break;
  }
  out.integer = r.integer;
  if (r.str) out.str.assign(r.str, r.len);
  out.elements.reserve(r.elements);
  for (std::size_t i = 0; i < r.elements; ++i) out.elements.push_back(convert(*r.element[i]));
  return out;
}

struct ReplyFree {
  void operator()(redisReply* r) const { freeReplyObject(r); }
};

} // namespace

Reply take_reply(void* raw) {
  std::unique_ptr<redisReply, ReplyFree> reply(static_cast<redisReply*>(raw));
  return convert(*reply);
}

} // namespace ralph::redis

// Key lookups for one value type: a key holding another type answers WRONGTYPE, as every
// Redis command of a type family does before it looks at its other arguments' values.
#pragma once

#include <string_view>

#include "server/command.h"
#include "server/errors.h"

namespace rkv::server {

// *out = the entry (nullptr when the key is missing). False, after replying WRONGTYPE,
// when the key holds another type.
inline bool lookup_read_typed(CommandContext& ctx, std::string_view key, store::ObjType type,
                              store::Entry** out) {
  store::Entry* e = ctx.db.lookup_read(key);
  if (e && e->type() != type) {
    ctx.reply.error(err::kWrongType);
    return false;
  }
  *out = e;
  return true;
}

inline bool lookup_write_typed(CommandContext& ctx, std::string_view key, store::ObjType type,
                               store::Entry** out) {
  store::Entry* e = ctx.db.lookup_write(key);
  if (e && e->type() != type) {
    ctx.reply.error(err::kWrongType);
    return false;
  }
  *out = e;
  return true;
}

}  // namespace rkv::server

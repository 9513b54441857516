// Integer arguments read as Redis reads them, replying its error on failure: the
// getLongFromObjectOrReply / getRangeLongFromObjectOrReply pair.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "server/command.h"
#include "server/errors.h"
#include "util/numbers.h"

namespace rkv::server {

// An int64; anything else answers msg (default: "value is not an integer or out of
// range"). False after replying.
inline bool parse_long(CommandContext& ctx, std::string_view s, int64_t* out,
                       std::string_view msg = err::kNotInteger) {
  auto v = parse_int64(s);
  if (!v) {
    ctx.reply.error(msg);
    return false;
  }
  *out = *v;
  return true;
}

// An int64 in [lo, hi]. With a msg, every failure answers it (as Redis does when given
// one); without, a non-number is "not an integer" and a number out of range gets Redis's
// "value is out of range, value must between lo and hi" (sic).
inline bool parse_long_in(CommandContext& ctx, std::string_view s, int64_t lo, int64_t hi,
                          int64_t* out, std::string_view msg = {}) {
  if (!parse_long(ctx, s, out, msg.empty() ? err::kNotInteger : msg)) return false;
  if (*out < lo || *out > hi) {
    if (!msg.empty()) {
      ctx.reply.error(msg);
    } else {
      ctx.reply.error("ERR value is out of range, value must between " + std::to_string(lo) +
                      " and " + std::to_string(hi));
    }
    return false;
  }
  return true;
}

}  // namespace rkv::server

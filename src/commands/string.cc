// String family: GET SET SETNX SETEX PSETEX GETSET GETDEL GETEX MGET MSET MSETNX INCR DECR
// INCRBY DECRBY INCRBYFLOAT APPEND STRLEN GETRANGE SUBSTR SETRANGE LCS.
//
// Argument checks run in the order Redis runs them (options, then numbers, then the key
// lookup, then the type), because that order decides which error a client sees.
#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "commands/string_value.h"
#include "server/client.h"
#include "server/command.h"
#include "server/errors.h"
#include "server/key_specs.h"
#include "server/notify.h"
#include "server/server.h"
#include "util/numbers.h"
#include "util/strings.h"

namespace rkv::server {
namespace {

using store::Encoding;
using store::Entry;
using store::ObjType;

constexpr std::string_view kOffsetRange = "ERR offset is out of range";
constexpr std::string_view kDecrOverflow = "ERR decrement would overflow";
constexpr std::string_view kNanOrInf = "ERR increment would produce NaN or Infinity";

bool is_string(const Entry* e) {
  return e->type() == ObjType::kString;
}

// Looks a key up for reading; replies WRONGTYPE (and returns false) for a non-string.
bool read_string(CommandContext& ctx, std::string_view key, Entry** out) {
  Entry* e = ctx.db.lookup_read(key);
  if (e && !is_string(e)) {
    ctx.reply.error(err::kWrongType);
    return false;
  }
  *out = e;
  return true;
}

// GET's reply for one key: the value, null when missing. False after a WRONGTYPE error.
bool reply_value(CommandContext& ctx, std::string_view key, Entry** out = nullptr) {
  Entry* e;
  if (!read_string(ctx, key, &e)) return false;
  if (out) *out = e;
  if (!e) {
    ctx.reply.null();
    return true;
  }
  char scratch[kMaxInt64Chars];
  ctx.reply.bulk(e->string_value(scratch));
  return true;
}

// --- SET / GETEX options -------------------------------------------------------------

enum SetFlag : uint32_t {
  kNx = 1u << 0,
  kXx = 1u << 1,
  kGet = 1u << 2,
  kKeepTtl = 1u << 3,
  kPersist = 1u << 4,
  kEx = 1u << 5,
  kPx = 1u << 6,
  kExAt = 1u << 7,
  kPxAt = 1u << 8,
};
constexpr uint32_t kAnyExpire = kEx | kPx | kExAt | kPxAt;

struct SetOptions {
  uint32_t flags = 0;
  std::string_view expire;  // the EX/PX/EXAT/PXAT argument
  bool has_expire() const { return (flags & kAnyExpire) != 0; }
};

enum class OptionsFor { kSet, kGetex };

// Accepts an expire option unless another expire, KEEPTTL or PERSIST was already given
// (repeating the same one is allowed: the last value wins, as in Redis).
bool expire_option_allowed(uint32_t flags, uint32_t self) {
  return !(flags & (kKeepTtl | kPersist)) && !(flags & (kAnyExpire & ~self));
}

// Parses argv[first..]; replies a syntax error and returns false on anything unknown
// or conflicting.
bool parse_options(CommandContext& ctx, size_t first, OptionsFor cmd, SetOptions* o) {
  const bool is_set = cmd == OptionsFor::kSet;
  for (size_t j = first; j < ctx.argc(); j++) {
    std::string_view opt = ctx.arg(j);
    const bool has_next = j + 1 < ctx.argc();
    uint32_t expire_flag = 0;
    if (iequals(opt, "ex")) {
      expire_flag = kEx;
    } else if (iequals(opt, "px")) {
      expire_flag = kPx;
    } else if (iequals(opt, "exat")) {
      expire_flag = kExAt;
    } else if (iequals(opt, "pxat")) {
      expire_flag = kPxAt;
    }
    if (expire_flag && expire_option_allowed(o->flags, expire_flag) && has_next) {
      o->flags |= expire_flag;
      o->expire = ctx.arg(++j);
    } else if (expire_flag) {
      ctx.reply.error(err::kSyntax);
      return false;
    } else if (is_set && iequals(opt, "nx") && !(o->flags & kXx)) {
      o->flags |= kNx;
    } else if (is_set && iequals(opt, "xx") && !(o->flags & kNx)) {
      o->flags |= kXx;
    } else if (is_set && iequals(opt, "get")) {
      o->flags |= kGet;
    } else if (is_set && iequals(opt, "keepttl") && !(o->flags & (kPersist | kAnyExpire))) {
      o->flags |= kKeepTtl;
    } else if (!is_set && iequals(opt, "persist") && !(o->flags & (kKeepTtl | kAnyExpire))) {
      o->flags |= kPersist;
    } else {
      ctx.reply.error(err::kSyntax);
      return false;
    }
  }
  return true;
}

void reply_invalid_expire(CommandContext& ctx, std::string_view cmd) {
  std::string msg = "ERR invalid expire time in '";
  msg += cmd;
  msg += "' command";
  ctx.reply.error(msg);
}

// Turns an expire argument into an absolute unix time in ms. `seconds` scales the value,
// `relative` adds the command time. Replies the error and returns false when invalid.
bool resolve_expire(CommandContext& ctx, std::string_view arg, bool seconds, bool relative,
                    std::string_view cmd, int64_t* when_ms) {
  auto v = parse_int64(arg);
  if (!v) {
    ctx.reply.error(err::kNotInteger);
    return false;
  }
  int64_t ms = *v;
  if (ms <= 0 || (seconds && ms > INT64_MAX / 1000)) {
    reply_invalid_expire(ctx, cmd);
    return false;
  }
  if (seconds) ms *= 1000;
  if (relative && __builtin_add_overflow(ms, ctx.now_ms, &ms)) {
    reply_invalid_expire(ctx, cmd);
    return false;
  }
  *when_ms = ms;
  return true;
}

bool resolve_option_expire(CommandContext& ctx, const SetOptions& o, std::string_view cmd,
                           int64_t* when_ms) {
  return resolve_expire(ctx, o.expire, (o.flags & (kEx | kExAt)) != 0, (o.flags & (kEx | kPx)) != 0,
                        cmd, when_ms);
}

// --- GET / SET and friends -----------------------------------------------------------

void get(CommandContext& ctx) {
  reply_value(ctx, ctx.arg(1));
}

enum class SetReply { kOk, kInteger };  // SET answers OK/null, SETNX 1/0

// The shared body of SET SETNX SETEX PSETEX; when_ms < 0 means no expire.
void set_generic(CommandContext& ctx, uint32_t flags, int64_t when_ms, std::string_view key,
                 std::string_view value, SetReply style) {
  if ((flags & kGet) && !reply_value(ctx, key)) return;
  const bool found = ctx.db.lookup_write(key) != nullptr;
  if (((flags & kNx) && found) || ((flags & kXx) && !found)) {
    if (flags & kGet) return;  // the old value was the reply
    if (style == SetReply::kInteger)
      ctx.reply.integer(0);
    else
      ctx.reply.null();
    return;
  }
  Entry* e = Entry::make_string(key, value);
  ctx.db.set(e, (flags & kKeepTtl) != 0);
  ctx.key_modified(kNotifyString, "set", key);
  if (when_ms >= 0) {
    ctx.db.set_expire(e, when_ms);
    ctx.notify(kNotifyGeneric, "expire", key);
  }
  if (flags & kGet) return;
  if (style == SetReply::kInteger)
    ctx.reply.integer(1);
  else
    ctx.reply.ok();
}

void set(CommandContext& ctx) {
  SetOptions o;
  if (ctx.argc() > 3 && !parse_options(ctx, 3, OptionsFor::kSet, &o)) return;
  int64_t when_ms = -1;
  if (o.has_expire() && !resolve_option_expire(ctx, o, "set", &when_ms)) return;
  set_generic(ctx, o.flags, when_ms, ctx.arg(1), ctx.arg(2), SetReply::kOk);
}

void setnx(CommandContext& ctx) {
  set_generic(ctx, kNx, -1, ctx.arg(1), ctx.arg(2), SetReply::kInteger);
}

void setex_generic(CommandContext& ctx, bool seconds, std::string_view cmd) {
  int64_t when_ms;
  if (!resolve_expire(ctx, ctx.arg(2), seconds, true, cmd, &when_ms)) return;
  set_generic(ctx, 0, when_ms, ctx.arg(1), ctx.arg(3), SetReply::kOk);
}

void setex(CommandContext& ctx) {
  setex_generic(ctx, true, "setex");
}
void psetex(CommandContext& ctx) {
  setex_generic(ctx, false, "psetex");
}

void getset(CommandContext& ctx) {
  if (!reply_value(ctx, ctx.arg(1))) return;
  ctx.db.set(Entry::make_string(ctx.arg(1), ctx.arg(2)), false);
  ctx.key_modified(kNotifyString, "set", ctx.arg(1));
}

void getdel(CommandContext& ctx) {
  Entry* e;
  if (!reply_value(ctx, ctx.arg(1), &e)) return;
  if (e && ctx.db.remove(ctx.arg(1))) ctx.key_modified(kNotifyGeneric, "del", ctx.arg(1));
}

void getex(CommandContext& ctx) {
  SetOptions o;
  if (!parse_options(ctx, 2, OptionsFor::kGetex, &o)) return;
  Entry* e;
  if (!read_string(ctx, ctx.arg(1), &e)) return;
  if (!e) {
    ctx.reply.null();
    return;
  }
  int64_t when_ms = -1;
  if (o.has_expire() && !resolve_option_expire(ctx, o, "getex", &when_ms)) return;
  char scratch[kMaxInt64Chars];
  ctx.reply.bulk(e->string_value(scratch));
  // An absolute time already past deletes the key at once, as Redis does.
  if ((o.flags & (kExAt | kPxAt)) && when_ms <= ctx.now_ms) {
    ctx.db.remove(ctx.arg(1));
    ctx.key_modified(kNotifyGeneric, "del", ctx.arg(1));
  } else if (o.has_expire()) {
    ctx.db.set_expire(e, when_ms);
    ctx.key_modified(kNotifyGeneric, "expire", ctx.arg(1));
  } else if ((o.flags & kPersist) && ctx.db.persist(e)) {
    ctx.key_modified(kNotifyGeneric, "persist", ctx.arg(1));
  }
}

void mget(CommandContext& ctx) {
  ctx.reply.array(ctx.argc() - 1);
  char scratch[kMaxInt64Chars];
  for (size_t i = 1; i < ctx.argc(); i++) {
    Entry* e = ctx.db.lookup_read(ctx.arg(i));
    if (e && is_string(e))
      ctx.reply.bulk(e->string_value(scratch));
    else
      ctx.reply.null();
  }
}

// MSET/MSETNX take key/value pairs: an odd number of arguments after the name.
bool check_pairs(CommandContext& ctx, std::string_view cmd) {
  if (ctx.argc() % 2 == 1) return true;
  std::string msg = "ERR wrong number of arguments for '";
  msg += cmd;
  msg += "' command";
  ctx.reply.error(msg);
  return false;
}

void set_pairs(CommandContext& ctx) {
  for (size_t i = 1; i < ctx.argc(); i += 2) {
    ctx.db.set(Entry::make_string(ctx.arg(i), ctx.arg(i + 1)), false);
    ctx.key_modified(kNotifyString, "set", ctx.arg(i));
  }
}

void mset(CommandContext& ctx) {
  if (!check_pairs(ctx, "mset")) return;
  set_pairs(ctx);
  ctx.reply.ok();
}

void msetnx(CommandContext& ctx) {
  if (!check_pairs(ctx, "msetnx")) return;
  for (size_t i = 1; i < ctx.argc(); i += 2) {
    if (ctx.db.lookup_write(ctx.arg(i))) {
      ctx.reply.integer(0);
      return;
    }
  }
  set_pairs(ctx);
  ctx.reply.integer(1);
}

// --- Counters ------------------------------------------------------------------------

void incr_by(CommandContext& ctx, int64_t delta) {
  std::string_view key = ctx.arg(1);
  Entry* e = ctx.db.lookup_write(key);
  int64_t value = 0;
  if (e) {
    if (!is_string(e)) {
      ctx.reply.error(err::kWrongType);
      return;
    }
    if (e->encoding() == Encoding::kInt) {
      value = e->int_value();
    } else {
      char scratch[kMaxInt64Chars];
      auto v = parse_int64(e->string_value(scratch));
      if (!v) {
        ctx.reply.error(err::kNotInteger);
        return;
      }
      value = *v;
    }
  }
  if (__builtin_add_overflow(value, delta, &value)) {
    ctx.reply.error(err::kOverflow);
    return;
  }
  // The common case rewrites the integer in place: no allocation.
  if (e && e->encoding() == Encoding::kInt)
    e->set_int_value(value);
  else if (e)
    ctx.db.replace(e, Entry::make_int(key, value));
  else
    ctx.db.add(Entry::make_int(key, value));
  ctx.key_modified(kNotifyString, "incrby", key);
  ctx.reply.integer(value);
}

void incr(CommandContext& ctx) {
  incr_by(ctx, 1);
}
void decr(CommandContext& ctx) {
  incr_by(ctx, -1);
}

void incrby(CommandContext& ctx) {
  auto delta = parse_int64(ctx.arg(2));
  if (!delta) {
    ctx.reply.error(err::kNotInteger);
    return;
  }
  incr_by(ctx, *delta);
}

void decrby(CommandContext& ctx) {
  auto delta = parse_int64(ctx.arg(2));
  if (!delta) {
    ctx.reply.error(err::kNotInteger);
    return;
  }
  if (*delta == INT64_MIN) {
    ctx.reply.error(kDecrOverflow);
    return;
  }
  incr_by(ctx, -*delta);
}

// Redis reads long doubles of up to 5 KiB of text; util's parser stops at 255 bytes.
std::optional<long double> parse_long_double_arg(std::string_view s) {
  constexpr size_t kMaxLongDoubleChars = 5 * 1024;
  if (s.size() < 255) return parse_long_double(s);
  if (s.size() >= kMaxLongDoubleChars || std::isspace(static_cast<unsigned char>(s[0])))
    return std::nullopt;
  std::string buf(s);
  char* end = nullptr;
  errno = 0;
  long double v = std::strtold(buf.c_str(), &end);
  if (end != buf.c_str() + buf.size() || std::isnan(v)) return std::nullopt;
  if (errno == ERANGE && (std::isinf(v) || std::fpclassify(v) == FP_ZERO)) return std::nullopt;
  return v;
}

void incrbyfloat(CommandContext& ctx) {
  std::string_view key = ctx.arg(1);
  Entry* e = ctx.db.lookup_write(key);
  long double value = 0;
  if (e) {
    if (!is_string(e)) {
      ctx.reply.error(err::kWrongType);
      return;
    }
    char scratch[kMaxInt64Chars];
    auto v = e->encoding() == Encoding::kInt ? std::optional<long double>(e->int_value())
                                             : parse_long_double_arg(e->string_value(scratch));
    if (!v) {
      ctx.reply.error(err::kNotFloat);
      return;
    }
    value = *v;
  }
  auto incr = parse_long_double_arg(ctx.arg(2));
  if (!incr) {
    ctx.reply.error(err::kNotFloat);
    return;
  }
  value += *incr;
  if (std::isnan(value) || std::isinf(value)) {
    ctx.reply.error(kNanOrInf);
    return;
  }
  std::string text = format_long_double_human(value);
  // Redis keeps the result as text (never int-encoded), so later reads return it as is.
  Entry* fresh = Entry::make_string(key, text, /*allow_int=*/false);
  if (e)
    ctx.db.replace(e, fresh);
  else
    ctx.db.add(fresh);
  ctx.key_modified(kNotifyString, "incrbyfloat", key);
  ctx.reply.bulk(text);
}

// --- In-place edits: APPEND SETRANGE --------------------------------------------------

void append(CommandContext& ctx) {
  std::string_view key = ctx.arg(1), tail = ctx.arg(2);
  Entry* e = ctx.db.lookup_write(key);
  if (!e) {
    ctx.db.add(Entry::make_string(key, tail));
    ctx.key_modified(kNotifyString, "append", key);
    ctx.reply.integer(static_cast<int64_t>(tail.size()));
    return;
  }
  if (!is_string(e)) {
    ctx.reply.error(err::kWrongType);
    return;
  }
  if (!check_string_length(ctx, e->string_length(), tail.size())) return;
  e = make_mutable(ctx, e);
  size_t old = e->blob()->size();
  store::BlobString* b = grow_zeroed(e, old + tail.size());
  if (!tail.empty()) std::memcpy(b->data() + old, tail.data(), tail.size());
  ctx.key_modified(kNotifyString, "append", key);
  ctx.reply.integer(static_cast<int64_t>(b->size()));
}

void setrange(CommandContext& ctx) {
  std::string_view key = ctx.arg(1), patch = ctx.arg(3);
  auto offset = parse_int64(ctx.arg(2));
  if (!offset) {
    ctx.reply.error(err::kNotInteger);
    return;
  }
  if (*offset < 0) {
    ctx.reply.error(kOffsetRange);
    return;
  }
  const auto off = static_cast<uint64_t>(*offset);
  Entry* e = ctx.db.lookup_write(key);
  if (!e) {
    if (patch.empty()) {
      ctx.reply.integer(0);
      return;
    }
    if (!check_string_length(ctx, off, patch.size())) return;
    e = Entry::make_raw(key, store::BlobString::create({}, off + patch.size()));
    ctx.db.add(e);
  } else {
    if (!is_string(e)) {
      ctx.reply.error(err::kWrongType);
      return;
    }
    if (patch.empty()) {
      ctx.reply.integer(static_cast<int64_t>(e->string_length()));
      return;
    }
    if (!check_string_length(ctx, off, patch.size())) return;
    e = make_mutable(ctx, e);
  }
  store::BlobString* b = grow_zeroed(e, off + patch.size());
  std::memcpy(b->data() + off, patch.data(), patch.size());
  ctx.key_modified(kNotifyString, "setrange", key);
  ctx.reply.integer(static_cast<int64_t>(b->size()));
}

// --- Reads: STRLEN GETRANGE LCS -------------------------------------------------------

void strlen_cmd(CommandContext& ctx) {
  Entry* e;
  if (!read_string(ctx, ctx.arg(1), &e)) return;
  ctx.reply.integer(e ? static_cast<int64_t>(e->string_length()) : 0);
}

void getrange(CommandContext& ctx) {
  auto start = parse_int64(ctx.arg(2));
  auto end = start ? parse_int64(ctx.arg(3)) : std::nullopt;
  if (!start || !end) {
    ctx.reply.error(err::kNotInteger);
    return;
  }
  Entry* e;
  if (!read_string(ctx, ctx.arg(1), &e)) return;
  if (!e) {
    ctx.reply.bulk("");
    return;
  }
  char scratch[kMaxInt64Chars];
  std::string_view s = e->string_value(scratch);
  const auto len = static_cast<int64_t>(s.size());
  int64_t from = *start, to = *end;
  if (from < 0 && to < 0 && from > to) {
    ctx.reply.bulk("");
    return;
  }
  if (from < 0) from = std::max<int64_t>(from + len, 0);
  if (to < 0) to = std::max<int64_t>(to + len, 0);
  if (to >= len) to = len - 1;
  if (len == 0 || from > to) {
    ctx.reply.bulk("");
    return;
  }
  ctx.reply.bulk(s.substr(static_cast<size_t>(from), static_cast<size_t>(to - from + 1)));
}

struct LcsOptions {
  bool len = false, idx = false, with_match_len = false;
  int64_t min_match_len = 0;
};

bool parse_lcs_options(CommandContext& ctx, LcsOptions* o) {
  for (size_t j = 3; j < ctx.argc(); j++) {
    std::string_view opt = ctx.arg(j);
    if (iequals(opt, "idx")) {
      o->idx = true;
    } else if (iequals(opt, "len")) {
      o->len = true;
    } else if (iequals(opt, "withmatchlen")) {
      o->with_match_len = true;
    } else if (iequals(opt, "minmatchlen") && j + 1 < ctx.argc()) {
      auto v = parse_int64(ctx.arg(++j));
      if (!v) {
        ctx.reply.error(err::kNotInteger);
        return false;
      }
      o->min_match_len = std::max<int64_t>(*v, 0);
    } else {
      ctx.reply.error(err::kSyntax);
      return false;
    }
  }
  if (o->idx && o->len) {
    ctx.reply.error("ERR If you want both the length and indexes, please just use IDX.");
    return false;
  }
  return true;
}

// One matching run: a[a_start..a_end] == b[b_start..b_end].
struct LcsRange {
  uint32_t a_start, a_end, b_start, b_end;
};

void reply_lcs_matches(CommandContext& ctx, const LcsOptions& o,
                       const std::vector<LcsRange>& ranges, uint32_t total) {
  ctx.reply.map(2);
  ctx.reply.bulk("matches");
  size_t n = 0;
  for (const LcsRange& r : ranges)
    if (r.a_end - r.a_start + 1 >= o.min_match_len) n++;
  ctx.reply.array(n);
  for (const LcsRange& r : ranges) {
    uint32_t match_len = r.a_end - r.a_start + 1;
    if (match_len < o.min_match_len) continue;
    ctx.reply.array(o.with_match_len ? 3 : 2);
    ctx.reply.array(2);
    ctx.reply.integer(r.a_start);
    ctx.reply.integer(r.a_end);
    ctx.reply.array(2);
    ctx.reply.integer(r.b_start);
    ctx.reply.integer(r.b_end);
    if (o.with_match_len) ctx.reply.integer(match_len);
  }
  ctx.reply.bulk("len");
  ctx.reply.integer(total);
}

void lcs(CommandContext& ctx) {
  Entry* ea = ctx.db.lookup_read(ctx.arg(1));
  Entry* eb = ctx.db.lookup_read(ctx.arg(2));
  if ((ea && !is_string(ea)) || (eb && !is_string(eb))) {
    ctx.reply.error("ERR The specified keys must contain string values");
    return;
  }
  char scratch_a[kMaxInt64Chars], scratch_b[kMaxInt64Chars];
  std::string_view a = ea ? ea->string_value(scratch_a) : std::string_view();
  std::string_view b = eb ? eb->string_value(scratch_b) : std::string_view();
  LcsOptions o;
  if (!parse_lcs_options(ctx, &o)) return;
  if (a.size() >= UINT32_MAX - 1 || b.size() >= UINT32_MAX - 1) {
    ctx.reply.error("ERR String too long for LCS");
    return;
  }
  const size_t alen = a.size(), blen = b.size();
  const uint64_t cells = static_cast<uint64_t>(alen + 1) * (blen + 1);
  if (cells > SIZE_MAX / sizeof(uint32_t) ||
      cells * sizeof(uint32_t) > static_cast<uint64_t>(ctx.server.config().proto_max_bulk_len)) {
    ctx.reply.error("ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len");
    return;
  }
  // dp[i][j]: LCS length of a[0..i) and b[0..j).
  std::vector<uint32_t> dp(cells, 0);
  auto at = [&](size_t i, size_t j) -> uint32_t& { return dp[i * (blen + 1) + j]; };
  for (size_t i = 1; i <= alen; i++) {
    for (size_t j = 1; j <= blen; j++)
      at(i, j) = a[i - 1] == b[j - 1] ? at(i - 1, j - 1) + 1 : std::max(at(i - 1, j), at(i, j - 1));
  }
  const uint32_t total = at(alen, blen);
  if (o.len) {
    ctx.reply.integer(total);
    return;
  }
  // Walk back from the end; diagonal steps on equal bytes build the string and the runs.
  // Ties go to j-- so the ranges reported are the ones Redis reports.
  std::string result(total, '\0');
  std::vector<LcsRange> ranges;
  bool open = false;
  LcsRange cur{};
  size_t i = alen, j = blen, k = total;
  while (i > 0 && j > 0) {
    if (a[i - 1] == b[j - 1]) {
      result[--k] = a[i - 1];
      if (!open) {
        cur = {static_cast<uint32_t>(i - 1), static_cast<uint32_t>(i - 1),
               static_cast<uint32_t>(j - 1), static_cast<uint32_t>(j - 1)};
        open = true;
      } else {
        cur.a_start--;
        cur.b_start--;
      }
      i--;
      j--;
      if (i == 0 || j == 0) {
        ranges.push_back(cur);
        open = false;
      }
    } else {
      if (at(i - 1, j) > at(i, j - 1))
        i--;
      else
        j--;
      if (open) {
        ranges.push_back(cur);
        open = false;
      }
    }
  }
  if (o.idx)
    reply_lcs_matches(ctx, o, ranges, total);
  else
    ctx.reply.bulk(result);
}

constexpr std::string_view kWriteSlow = "@write @string @slow";
constexpr std::string_view kWriteFast = "@write @string @fast";
constexpr std::string_view kReadFast = "@read @string @fast";
constexpr std::string_view kReadSlow = "@read @string @slow";
constexpr std::string_view kRangeComplexity =
    "O(N) where N is the length of the returned string. The complexity is ultimately "
    "determined by the returned length, but because creating a substring from an existing "
    "string is very cheap, it can be considered O(1) for small strings.";

const CommandSpec kStringCommands[] = {
    {"get", 2, kReadonly | kFast, 1, 1, 1, get, kReadFast, "string", "1.0.0",
     "Get the value of a key", "O(1)"},
    {"set", -3, kWrite | kDenyOom, 1, 1, 1, set, kWriteSlow, "string", "1.0.0",
     "Set the string value of a key", "O(1)", kNoSubcommands, kKeysSet, set_get_keys},
    {"setnx", 3, kWrite | kDenyOom | kFast, 1, 1, 1, setnx, kWriteFast, "string", "1.0.0",
     "Set the value of a key, only if the key does not exist", "O(1)"},
    {"setex", 4, kWrite | kDenyOom, 1, 1, 1, setex, kWriteSlow, "string", "2.0.0",
     "Set the value and expiration of a key", "O(1)"},
    {"psetex", 4, kWrite | kDenyOom, 1, 1, 1, psetex, kWriteSlow, "string", "2.6.0",
     "Set the value and expiration in milliseconds of a key", "O(1)"},
    {"getset", 3, kWrite | kDenyOom | kFast, 1, 1, 1, getset, kWriteFast, "string", "1.0.0",
     "Set the string value of a key and return its old value", "O(1)"},
    {"getdel", 2, kWrite | kFast, 1, 1, 1, getdel, kWriteFast, "string", "6.2.0",
     "Get the value of a key and delete the key", "O(1)"},
    {"getex", -2, kWrite | kFast, 1, 1, 1, getex, kWriteFast, "string", "6.2.0",
     "Get the value of a key and optionally set its expiration", "O(1)", kNoSubcommands,
     kKeysGetex},
    {"mget", -2, kReadonly | kFast, 1, -1, 1, mget, kReadFast, "string", "1.0.0",
     "Get the values of all the given keys", "O(N) where N is the number of keys to retrieve."},
    {"mset", -3, kWrite | kDenyOom, 1, -1, 2, mset, kWriteSlow, "string", "1.0.1",
     "Set multiple keys to multiple values", "O(N) where N is the number of keys to set."},
    {"msetnx", -3, kWrite | kDenyOom, 1, -1, 2, msetnx, kWriteSlow, "string", "1.0.1",
     "Set multiple keys to multiple values, only if none of the keys exist",
     "O(N) where N is the number of keys to set."},
    {"incr", 2, kWrite | kDenyOom | kFast, 1, 1, 1, incr, kWriteFast, "string", "1.0.0",
     "Increment the integer value of a key by one", "O(1)"},
    {"decr", 2, kWrite | kDenyOom | kFast, 1, 1, 1, decr, kWriteFast, "string", "1.0.0",
     "Decrement the integer value of a key by one", "O(1)"},
    {"incrby", 3, kWrite | kDenyOom | kFast, 1, 1, 1, incrby, kWriteFast, "string", "1.0.0",
     "Increment the integer value of a key by the given amount", "O(1)"},
    {"decrby", 3, kWrite | kDenyOom | kFast, 1, 1, 1, decrby, kWriteFast, "string", "1.0.0",
     "Decrement the integer value of a key by the given number", "O(1)"},
    {"incrbyfloat", 3, kWrite | kDenyOom | kFast, 1, 1, 1, incrbyfloat, kWriteFast, "string",
     "2.6.0", "Increment the float value of a key by the given amount", "O(1)"},
    {"append", 3, kWrite | kDenyOom | kFast, 1, 1, 1, append, kWriteFast, "string", "2.0.0",
     "Append a value to a key",
     "O(1). The amortized time complexity is O(1) assuming the appended value is small and "
     "the already present value is of any size, since the dynamic string library used by "
     "Redis will double the free space available on every reallocation."},
    {"strlen", 2, kReadonly | kFast, 1, 1, 1, strlen_cmd, kReadFast, "string", "2.2.0",
     "Get the length of the value stored in a key", "O(1)"},
    {"getrange", 4, kReadonly, 1, 1, 1, getrange, kReadSlow, "string", "2.4.0",
     "Get a substring of the string stored at a key", kRangeComplexity},
    {"setrange", 4, kWrite | kDenyOom, 1, 1, 1, setrange, kWriteSlow, "string", "2.2.0",
     "Overwrite part of a string at key starting at the specified offset",
     "O(1), not counting the time taken to copy the new string in place. Usually, this "
     "string is very small so the amortized complexity is O(1). Otherwise, complexity is "
     "O(M) with M being the length of the value argument."},
    {"substr", 4, kReadonly, 1, 1, 1, getrange, kReadSlow, "string", "1.0.0",
     "Get a substring of the string stored at a key", kRangeComplexity},
    {"lcs", -3, kReadonly, 1, 2, 1, lcs, kReadSlow, "string", "7.0.0",
     "Find longest common substring",
     "O(N*M) where N and M are the lengths of s1 and s2, respectively"},
};

}  // namespace

bool check_string_length(CommandContext& ctx, uint64_t size, uint64_t extra) {
  uint64_t total;
  const auto limit = static_cast<uint64_t>(ctx.server.config().proto_max_bulk_len);
  if (__builtin_add_overflow(size, extra, &total) || total > limit) {
    ctx.reply.error(err::kStringTooLong);
    return false;
  }
  return true;
}

store::Entry* make_mutable(CommandContext& ctx, store::Entry* e) {
  if (e->encoding() == store::Encoding::kRaw) return e;
  char scratch[kMaxInt64Chars];
  store::Entry* fresh =
      store::Entry::make_raw(e->key(), store::BlobString::create(e->string_value(scratch)));
  ctx.db.replace(e, fresh);
  return fresh;
}

store::BlobString* grow_zeroed(store::Entry* e, size_t size) {
  store::BlobString* b = e->blob();
  if (size <= b->size()) return b;
  size_t old = b->size();
  store::BlobString* grown = store::BlobString::grow(b, size - old);
  if (grown != b) e->set_object(grown);
  std::memset(grown->data() + old, 0, size - old);
  grown->set_size(size);
  return grown;
}

std::span<const CommandSpec> string_commands() {
  return kStringCommands;
}

}  // namespace rkv::server

// Sorted set family: ZADD ZINCRBY ZREM ZCARD ZCOUNT ZLEXCOUNT ZSCORE ZMSCORE ZRANK ZREVRANK
// ZRANGE ZRANGESTORE ZRANGEBYSCORE ZREVRANGEBYSCORE ZRANGEBYLEX ZREVRANGEBYLEX ZREVRANGE
// ZPOPMIN ZPOPMAX ZMPOP ZREMRANGEBYRANK ZREMRANGEBYSCORE ZREMRANGEBYLEX ZUNION ZINTER ZDIFF
// ZUNIONSTORE ZINTERSTORE ZDIFFSTORE ZINTERCARD ZRANDMEMBER ZSCAN.
//
// Arguments are checked in the order Redis 7.0 checks them (options, numbers and ranges,
// then the key and its type), because that order decides which error a client sees.
// Every zset key that comes into being goes through put_zset(), already holding its
// members: the one place where a key starts to hold a zset, and so where Db's key-added
// hook (which wakes clients blocked in BZPOPMIN and friends) sees it.
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

#include "commands/int_args.h"
#include "commands/scan_cursor.h"
#include "commands/typed_lookup.h"
#include "server/blocking.h"
#include "server/command.h"
#include "server/errors.h"
#include "server/key_specs.h"
#include "server/notify.h"
#include "server/server.h"
#include "store/set_object.h"
#include "store/zset_object.h"
#include "util/glob.h"
#include "util/numbers.h"
#include "util/strings.h"

namespace rkv::server {
namespace {

using store::Encoding;
using store::Entry;
using store::LexBound;
using store::LexRange;
using store::ObjType;
using store::ScoreRange;
using store::SkiplistZset;
using store::Zset;
using store::ZsetCursor;

constexpr std::string_view kNotFloatRange = "ERR min or max is not a float";
constexpr std::string_view kNotLexRange = "ERR min or max not valid string range item";
constexpr std::string_view kNanResult = "ERR resulting score is not a number (NaN)";

store::ZsetLimits limits(const CommandContext& ctx) {
  const Config& c = ctx.server.config();
  return {static_cast<size_t>(std::max(c.zset_max_listpack_entries, 0)),
          static_cast<size_t>(std::max(c.zset_max_listpack_value, 0))};
}

struct EntryDeleter {
  void operator()(Entry* e) const { Entry::destroy(e); }
};
using EntryPtr = std::unique_ptr<Entry, EntryDeleter>;

// Puts a filled zset entry under its key, replacing whatever was there (and its TTL).
void put_zset(CommandContext& ctx, Entry* e) {
  ctx.db.set(e, false);
}

// After `removed` members left the zset at key: the command's event, then "del" when the
// key went with its last member (Redis never keeps an empty zset). Nothing when nothing
// was removed.
void members_removed(CommandContext& ctx, std::string_view key, Zset& z, size_t removed,
                     std::string_view event) {
  if (removed == 0) return;
  ctx.key_modified(kNotifyZset, event, key, removed);
  if (z.empty()) {
    ctx.remove_emptied(key);
  }
}

// A STORE form's end: the result under dst with the command's event, or, when empty,
// dst deleted ("del" if it existed).
void store_or_delete(CommandContext& ctx, std::string_view dst, Entry* result,
                     std::string_view event) {
  if (result) {
    put_zset(ctx, result);
    ctx.key_modified(kNotifyZset, event, dst);
  } else if (ctx.db.remove(dst)) {
    ctx.key_modified(kNotifyGeneric, "del", dst);
  }
}

// --- Argument parsing ------------------------------------------------------------------

// One end of a score interval as zslParseRange reads it: strtod over the C string (so
// it stops at a NUL, skips leading spaces and reads "" as 0), "(" for an open end; only
// NaN and trailing bytes are refused.
bool parse_score_bound(std::string_view s, double* v, bool* exclusive) {
  s = s.substr(0, s.find('\0'));
  *exclusive = !s.empty() && s[0] == '(';
  if (*exclusive) s.remove_prefix(1);
  std::string buf(s);
  char* end = nullptr;
  double d = std::strtod(buf.c_str(), &end);
  if (*end != '\0' || std::isnan(d)) return false;
  *v = d;
  return true;
}

bool parse_score_range(std::string_view min, std::string_view max, ScoreRange* r) {
  return parse_score_bound(min, &r->min, &r->minex) && parse_score_bound(max, &r->max, &r->maxex);
}

bool parse_lex_bound(std::string_view s, LexBound* b) {
  if (s.empty()) return false;
  switch (s[0]) {
    case '+':
    case '-':
      // Redis reads the byte after the sign from the C string: a NUL ends it too.
      if (s.size() > 1 && s[1] != '\0') return false;
      *b = {s[0] == '+' ? LexBound::kPlusInf : LexBound::kMinusInf, true, {}};
      return true;
    case '(':
    case '[':
      *b = {LexBound::kValue, s[0] == '(', s.substr(1)};
      return true;
    default:
      return false;
  }
}

bool parse_lex_range(std::string_view min, std::string_view max, LexRange* r) {
  return parse_lex_bound(min, &r->min) && parse_lex_bound(max, &r->max);
}

// --- Replies -----------------------------------------------------------------------------

// One member of a reply, with its score when asked: RESP3 pairs them in a 2-array.
void reply_member(CommandContext& ctx, std::string_view member, double score, bool withscores) {
  if (withscores && ctx.reply.proto() >= 3) ctx.reply.array(2);
  ctx.reply.bulk(member);
  if (withscores) ctx.reply.dbl(score);
}

// Array header for n members (RESP2 flattens scores into the array).
void reply_members_header(CommandContext& ctx, size_t n, bool withscores) {
  ctx.reply.array(withscores && ctx.reply.proto() < 3 ? n * 2 : n);
}

// --- ZADD / ZINCRBY -------------------------------------------------------------------------

void zadd_generic(CommandContext& ctx, unsigned flags) {
  size_t scoreidx = 2;
  bool ch = false;
  for (; scoreidx < ctx.argc(); scoreidx++) {
    std::string_view opt = ctx.arg(scoreidx);
    if (iequals(opt, "nx")) {
      flags |= store::kZaddNx;
    } else if (iequals(opt, "xx")) {
      flags |= store::kZaddXx;
    } else if (iequals(opt, "ch")) {
      ch = true;
    } else if (iequals(opt, "incr")) {
      flags |= store::kZaddIncr;
    } else if (iequals(opt, "gt")) {
      flags |= store::kZaddGt;
    } else if (iequals(opt, "lt")) {
      flags |= store::kZaddLt;
    } else {
      break;
    }
  }
  const bool nx = flags & store::kZaddNx, xx = flags & store::kZaddXx;
  const bool gt = flags & store::kZaddGt, lt = flags & store::kZaddLt;
  const bool incr = flags & store::kZaddIncr;
  size_t elements = ctx.argc() - scoreidx;
  if (elements == 0 || elements % 2) {
    ctx.reply.error(err::kSyntax);
    return;
  }
  elements /= 2;
  if (nx && xx) {
    ctx.reply.error("ERR XX and NX options at the same time are not compatible");
    return;
  }
  if ((gt && nx) || (lt && nx) || (gt && lt)) {
    ctx.reply.error("ERR GT, LT, and/or NX options at the same time are not compatible");
    return;
  }
  if (incr && elements > 1) {
    ctx.reply.error("ERR INCR option supports a single increment-element pair");
    return;
  }
  std::vector<double> scores(elements);
  for (size_t j = 0; j < elements; j++) {
    auto v = parse_double(ctx.arg(scoreidx + j * 2));
    if (!v) {
      ctx.reply.error(err::kNotFloat);
      return;
    }
    scores[j] = *v;
  }
  std::string_view key = ctx.arg(1);
  Entry* e;
  if (!lookup_write_typed(ctx, key, ObjType::kZset, &e)) return;
  size_t added = 0, updated = 0, processed = 0;
  double score = 0;
  if (e || !xx) {
    const store::ZsetLimits lim = limits(ctx);
    // A new key is filled first and stored once it holds its members.
    EntryPtr fresh;
    if (!e) {
      fresh.reset(Zset::make_entry(key, lim, 0, ctx.arg(scoreidx + 1).size()));
      e = fresh.get();
    }
    Zset z(e);
    for (size_t j = 0; j < elements; j++) {
      double newscore = 0;
      switch (z.add(scores[j], ctx.arg(scoreidx + j * 2 + 1), flags, lim, &newscore)) {
        case store::ZaddResult::kNan:
          ctx.reply.error(kNanResult);
          return;
        case store::ZaddResult::kAdded:
          added++;
          processed++;
          break;
        case store::ZaddResult::kUpdated:
          updated++;
          processed++;
          break;
        case store::ZaddResult::kSame:
          processed++;
          break;
        case store::ZaddResult::kSkipped:
          break;
      }
      score = newscore;
    }
    if (fresh) put_zset(ctx, fresh.release());
  }
  if (added || updated) {
    ctx.key_modified(kNotifyZset, incr ? "zincr" : "zadd", key, added + updated);
  }
  if (incr) {
    if (processed)
      ctx.reply.dbl(score);
    else
      ctx.reply.null();
  } else {
    ctx.reply.integer(static_cast<int64_t>(ch ? added + updated : added));
  }
}

void zadd(CommandContext& ctx) {
  zadd_generic(ctx, 0);
}

void zincrby(CommandContext& ctx) {
  zadd_generic(ctx, store::kZaddIncr);
}

// --- Single-member reads and removal ---------------------------------------------------------

void zrem(CommandContext& ctx) {
  Entry* e;
  if (!lookup_write_typed(ctx, ctx.arg(1), ObjType::kZset, &e)) return;
  if (!e) {
    ctx.reply.integer(0);
    return;
  }
  Zset z(e);
  int64_t removed = 0;
  for (size_t j = 2; j < ctx.argc(); j++) {
    if (z.remove(ctx.arg(j))) removed++;
    if (z.empty()) break;
  }
  members_removed(ctx, ctx.arg(1), z, static_cast<size_t>(removed), "zrem");
  ctx.reply.integer(removed);
}

void zcard(CommandContext& ctx) {
  Entry* e;
  if (!lookup_read_typed(ctx, ctx.arg(1), ObjType::kZset, &e)) return;
  ctx.reply.integer(e ? static_cast<int64_t>(Zset(e).size()) : 0);
}

void zscore(CommandContext& ctx) {
  Entry* e;
  if (!lookup_read_typed(ctx, ctx.arg(1), ObjType::kZset, &e)) return;
  std::optional<double> s;
  if (e) s = Zset(e).score(ctx.arg(2));
  if (s)
    ctx.reply.dbl(*s);
  else
    ctx.reply.null();
}

void zmscore(CommandContext& ctx) {
  Entry* e;
  if (!lookup_read_typed(ctx, ctx.arg(1), ObjType::kZset, &e)) return;
  ctx.reply.array(ctx.argc() - 2);
  for (size_t j = 2; j < ctx.argc(); j++) {
    std::optional<double> s;
    if (e) s = Zset(e).score(ctx.arg(j));
    if (s)
      ctx.reply.dbl(*s);
    else
      ctx.reply.null();
  }
}

void zrank_generic(CommandContext& ctx, bool reverse) {
  Entry* e;
  if (!lookup_read_typed(ctx, ctx.arg(1), ObjType::kZset, &e)) return;
  std::optional<size_t> r;
  if (e) r = Zset(e).rank(ctx.arg(2), reverse);
  if (r)
    ctx.reply.integer(static_cast<int64_t>(*r));
  else
    ctx.reply.null();
}

void zrank(CommandContext& ctx) {
  zrank_generic(ctx, false);
}
void zrevrank(CommandContext& ctx) {
  zrank_generic(ctx, true);
}

void zcount(CommandContext& ctx) {
  ScoreRange r;
  if (!parse_score_range(ctx.arg(2), ctx.arg(3), &r)) {
    ctx.reply.error(kNotFloatRange);
    return;
  }
  Entry* e;
  if (!lookup_read_typed(ctx, ctx.arg(1), ObjType::kZset, &e)) return;
  ctx.reply.integer(e ? static_cast<int64_t>(Zset(e).count(r)) : 0);
}

void zlexcount(CommandContext& ctx) {
  LexRange r;
  if (!parse_lex_range(ctx.arg(2), ctx.arg(3), &r)) {
    ctx.reply.error(kNotLexRange);
    return;
  }
  Entry* e;
  if (!lookup_read_typed(ctx, ctx.arg(1), ObjType::kZset, &e)) return;
  ctx.reply.integer(e ? static_cast<int64_t>(Zset(e).count(r)) : 0);
}

// --- ZRANGE and friends -------------------------------------------------------------------------

enum class RangeType { kAuto, kRank, kScore, kLex };
enum class Direction { kAuto, kForward, kReverse };

// Where the members of a range go: the client (ZRANGE...) or a new key (ZRANGESTORE).
// begin() takes the number of members when known, -1 otherwise.
class RangeSink {
 public:
  RangeSink(CommandContext& ctx, bool withscores) : ctx_(ctx), withscores_(withscores) {}
  // ZRANGESTORE: members go into a new zset stored under dst at the end.
  void store_into(std::string_view dst) {
    store_ = true;
    dst_ = dst;
  }

  void begin(int64_t len) {
    if (store_) {
      // As Redis: a known length above the listpack limit starts as a skiplist.
      size_t hint = len < 0 ? 0 : static_cast<size_t>(len);
      zset_.reset(Zset::make_entry(dst_, limits(ctx_), hint, 0));
    } else if (len < 0) {
      deferred_ = ctx_.reply.begin_deferred();
      is_deferred_ = true;
    } else {
      reply_members_header(ctx_, static_cast<size_t>(len), withscores_);
    }
  }

  void emit(std::string_view member, double score) {
    count_++;
    if (store_) {
      double unused;
      Zset(zset_.get()).add(score, member, 0, limits(ctx_), &unused);
    } else {
      reply_member(ctx_, member, score, withscores_);
    }
  }

  void finish() {
    if (store_) {
      store_or_delete(ctx_, dst_, count_ ? zset_.release() : nullptr, "zrangestore");
      ctx_.reply.integer(static_cast<int64_t>(count_));
    } else if (is_deferred_) {
      ctx_.reply.end_deferred(deferred_, resp::Reply::Aggregate::kArray,
                              withscores_ && ctx_.reply.proto() < 3 ? count_ * 2 : count_);
    }
  }

 private:
  CommandContext& ctx_;
  bool withscores_;
  bool store_ = false;
  std::string_view dst_;
  EntryPtr zset_;
  size_t deferred_ = 0;
  bool is_deferred_ = false;
  size_t count_ = 0;
};

void range_by_rank(RangeSink& sink, Zset& z, int64_t start, int64_t end, bool reverse) {
  auto llen = static_cast<int64_t>(z.size());
  if (start < 0) start += llen;
  if (end < 0) end += llen;
  if (start < 0) start = 0;
  if (start > end || start >= llen) {
    sink.begin(0);
    sink.finish();
    return;
  }
  if (end >= llen) end = llen - 1;
  int64_t n = end - start + 1;
  sink.begin(n);
  ZsetCursor c = z.at(static_cast<size_t>(reverse ? llen - 1 - start : start));
  for (int64_t i = 0; i < n && c.valid(); i++) {
    sink.emit(c.member(), c.score());
    if (reverse)
      c.prev();
    else
      c.next();
  }
  sink.finish();
}

// BYSCORE and BYLEX share everything but the range type. A negative offset skips
// everything and a negative limit means no limit, as Redis's countdown loops behave.
template <typename Range, typename PastEnd>
void range_by_value(RangeSink& sink, Zset& z, const Range& r, int64_t offset, int64_t limit,
                    bool reverse, PastEnd past_end) {
  if (offset > 0 && static_cast<uint64_t>(offset) >= z.size()) {
    sink.begin(0);
    sink.finish();
    return;
  }
  sink.begin(-1);
  ZsetCursor c = reverse ? z.last_in(r) : z.first_in(r);
  auto step = [&] {
    if (reverse)
      c.prev();
    else
      c.next();
  };
  if (offset < 0) {
    sink.finish();
    return;
  }
  z.skip(c, static_cast<size_t>(offset), reverse);
  uint64_t remaining = limit < 0 ? UINT64_MAX : static_cast<uint64_t>(limit);
  while (c.valid() && remaining-- > 0) {
    if (past_end(c)) break;
    sink.emit(c.member(), c.score());
    step();
  }
  sink.finish();
}

void zrange_generic(CommandContext& ctx, size_t argc_start, bool store, RangeType type,
                    Direction dir) {
  std::string_view key = ctx.arg(argc_start);
  size_t minidx = argc_start + 1, maxidx = argc_start + 2;
  bool withscores = false;
  int64_t offset = 0, limit = -1;
  for (size_t j = argc_start + 3; j < ctx.argc(); j++) {
    size_t left = ctx.argc() - j - 1;
    std::string_view opt = ctx.arg(j);
    if (!store && iequals(opt, "withscores")) {
      withscores = true;
    } else if (iequals(opt, "limit") && left >= 2) {
      if (!parse_long(ctx, ctx.arg(j + 1), &offset) || !parse_long(ctx, ctx.arg(j + 2), &limit))
        return;
      j += 2;
    } else if (dir == Direction::kAuto && iequals(opt, "rev")) {
      dir = Direction::kReverse;
    } else if (type == RangeType::kAuto && iequals(opt, "bylex")) {
      type = RangeType::kLex;
    } else if (type == RangeType::kAuto && iequals(opt, "byscore")) {
      type = RangeType::kScore;
    } else {
      ctx.reply.error(err::kSyntax);
      return;
    }
  }
  if (dir == Direction::kAuto) dir = Direction::kForward;
  if (type == RangeType::kAuto) type = RangeType::kRank;
  if (limit != -1 && type == RangeType::kRank) {
    ctx.reply.error(
        "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX");
    return;
  }
  if (withscores && type == RangeType::kLex) {
    ctx.reply.error("ERR syntax error, WITHSCORES not supported in combination with BYLEX");
    return;
  }
  const bool reverse = dir == Direction::kReverse;
  // Reversed value ranges are written max first.
  if (reverse && type != RangeType::kRank) std::swap(minidx, maxidx);

  int64_t start = 0, end = 0;
  ScoreRange sr;
  LexRange lr;
  switch (type) {
    case RangeType::kAuto:
    case RangeType::kRank:
      if (!parse_long(ctx, ctx.arg(minidx), &start) || !parse_long(ctx, ctx.arg(maxidx), &end))
        return;
      break;
    case RangeType::kScore:
      if (!parse_score_range(ctx.arg(minidx), ctx.arg(maxidx), &sr)) {
        ctx.reply.error(kNotFloatRange);
        return;
      }
      break;
    case RangeType::kLex:
      if (!parse_lex_range(ctx.arg(minidx), ctx.arg(maxidx), &lr)) {
        ctx.reply.error(kNotLexRange);
        return;
      }
      break;
  }

  RangeSink sink(ctx, withscores);
  if (store) sink.store_into(ctx.arg(1));
  Entry* e = ctx.db.lookup_read(key);
  if (!e) {
    if (store) {
      sink.begin(-1);
      sink.finish();
    } else {
      ctx.reply.array(0);
    }
    return;
  }
  if (e->type() != ObjType::kZset) {
    ctx.reply.error(err::kWrongType);
    return;
  }
  Zset z(e);
  switch (type) {
    case RangeType::kAuto:
    case RangeType::kRank:
      range_by_rank(sink, z, start, end, reverse);
      break;
    case RangeType::kScore:
      range_by_value(sink, z, sr, offset, limit, reverse, [&](const ZsetCursor& c) {
        return reverse ? !sr.gte_min(c.score()) : !sr.lte_max(c.score());
      });
      break;
    case RangeType::kLex:
      range_by_value(sink, z, lr, offset, limit, reverse, [&](const ZsetCursor& c) {
        return reverse ? !lr.gte_min(c.member()) : !lr.lte_max(c.member());
      });
      break;
  }
}

void zrange(CommandContext& ctx) {
  zrange_generic(ctx, 1, false, RangeType::kAuto, Direction::kAuto);
}
void zrangestore(CommandContext& ctx) {
  zrange_generic(ctx, 2, true, RangeType::kAuto, Direction::kAuto);
}
void zrangebyscore(CommandContext& ctx) {
  zrange_generic(ctx, 1, false, RangeType::kScore, Direction::kForward);
}
void zrevrangebyscore(CommandContext& ctx) {
  zrange_generic(ctx, 1, false, RangeType::kScore, Direction::kReverse);
}
void zrangebylex(CommandContext& ctx) {
  zrange_generic(ctx, 1, false, RangeType::kLex, Direction::kForward);
}
void zrevrangebylex(CommandContext& ctx) {
  zrange_generic(ctx, 1, false, RangeType::kLex, Direction::kReverse);
}
void zrevrange(CommandContext& ctx) {
  zrange_generic(ctx, 1, false, RangeType::kRank, Direction::kReverse);
}

// --- ZREMRANGEBY* -------------------------------------------------------------------------------

void zremrangebyrank(CommandContext& ctx) {
  int64_t start, end;
  if (!parse_long(ctx, ctx.arg(2), &start) || !parse_long(ctx, ctx.arg(3), &end)) return;
  Entry* e;
  if (!lookup_write_typed(ctx, ctx.arg(1), ObjType::kZset, &e)) return;
  if (!e) {
    ctx.reply.integer(0);
    return;
  }
  Zset z(e);
  auto llen = static_cast<int64_t>(z.size());
  if (start < 0) start += llen;
  if (end < 0) end += llen;
  if (start < 0) start = 0;
  if (start > end || start >= llen) {
    ctx.reply.integer(0);
    return;
  }
  if (end >= llen) end = llen - 1;
  size_t removed = z.remove_ranks(static_cast<size_t>(start), static_cast<size_t>(end));
  members_removed(ctx, ctx.arg(1), z, removed, "zremrangebyrank");
  ctx.reply.integer(static_cast<int64_t>(removed));
}

template <typename Range>
void zremrange_value(CommandContext& ctx, const Range& r, std::string_view event) {
  Entry* e;
  if (!lookup_write_typed(ctx, ctx.arg(1), ObjType::kZset, &e)) return;
  if (!e) {
    ctx.reply.integer(0);
    return;
  }
  Zset z(e);
  size_t removed = z.remove_range(r);
  members_removed(ctx, ctx.arg(1), z, removed, event);
  ctx.reply.integer(static_cast<int64_t>(removed));
}

void zremrangebyscore(CommandContext& ctx) {
  ScoreRange r;
  if (!parse_score_range(ctx.arg(2), ctx.arg(3), &r)) {
    ctx.reply.error(kNotFloatRange);
    return;
  }
  zremrange_value(ctx, r, "zremrangebyscore");
}

void zremrangebylex(CommandContext& ctx) {
  LexRange r;
  if (!parse_lex_range(ctx.arg(2), ctx.arg(3), &r)) {
    ctx.reply.error(kNotLexRange);
    return;
  }
  zremrange_value(ctx, r, "zremrangebylex");
}

// --- ZPOPMIN ZPOPMAX ZMPOP ---------------------------------------------------------------------

enum class PopReply {
  kFlat,            // ZPOPMIN/ZPOPMAX: member, score, member, score...
  kPairs,           // ZPOPMIN/ZPOPMAX with a count in RESP3: [member, score] pairs
  kKeyAndPairs,     // [B]ZMPOP: [key, [[member, score]...]], null when no key has members
  kKeyMemberScore,  // BZPOPMIN/BZPOPMAX: [key, member, score]
};

// Pops up to count members from the first non-empty zset among keys (count < 0: one
// member, the no-count form). timeout_ms >= 0 (the blocking forms): with every key empty
// the client is parked instead of answered.
void pop_generic(CommandContext& ctx, std::span<const std::string_view> keys, bool max,
                 int64_t count, PopReply style, int64_t timeout_ms = -1) {
  Entry* e = nullptr;
  std::string_view key;
  for (std::string_view k : keys) {
    if (!lookup_write_typed(ctx, k, ObjType::kZset, &e)) return;
    if (e) {
      key = k;
      break;
    }
  }
  if (!e) {
    if (timeout_ms >= 0)
      ctx.server.block_client(ctx, keys, ObjType::kZset, timeout_ms);
    else if (style == PopReply::kKeyAndPairs)
      ctx.reply.null_array();
    else
      ctx.reply.array(0);
    return;
  }
  if (count == 0) {
    ctx.reply.array(0);
    return;
  }
  if (count < 0) count = 1;
  Zset z(e);
  size_t n = std::min(static_cast<size_t>(count), z.size());
  switch (style) {
    case PopReply::kFlat:
      ctx.reply.array(n * 2);
      break;
    case PopReply::kPairs:
      ctx.reply.array(n);
      break;
    case PopReply::kKeyAndPairs:
      ctx.reply.array(2);
      ctx.reply.bulk(key);
      ctx.reply.array(n);
      break;
    case PopReply::kKeyMemberScore:
      ctx.reply.array(3);
      ctx.reply.bulk(key);
      break;
  }
  size_t first = max ? z.size() - 1 : 0;
  ZsetCursor c = z.at(first);
  for (size_t i = 0; i < n; i++) {
    if (style == PopReply::kPairs || style == PopReply::kKeyAndPairs) ctx.reply.array(2);
    ctx.reply.bulk(c.member());
    ctx.reply.dbl(c.score());
    if (max)
      c.prev();
    else
      c.next();
  }
  if (max)
    z.remove_ranks(z.size() - n, z.size() - 1);
  else
    z.remove_ranks(0, n - 1);
  members_removed(ctx, key, z, n, max ? "zpopmax" : "zpopmin");
}

void zpop_minmax(CommandContext& ctx, bool max) {
  if (ctx.argc() > 3) {
    ctx.reply.error(err::kSyntax);
    return;
  }
  int64_t count = -1;
  if (ctx.argc() == 3 && !parse_long_in(ctx, ctx.arg(2), 0, INT64_MAX, &count,
                                        "ERR value is out of range, must be positive"))
    return;
  PopReply style = count >= 0 && ctx.reply.proto() >= 3 ? PopReply::kPairs : PopReply::kFlat;
  pop_generic(ctx, ctx.argv.subspan(1, 1), max, count, style);
}

void zpopmin(CommandContext& ctx) {
  zpop_minmax(ctx, false);
}
void zpopmax(CommandContext& ctx) {
  zpop_minmax(ctx, true);
}

// [B]ZMPOP [timeout] numkeys key [key ...] MIN|MAX [COUNT count]; numkeys at argv[first].
void zmpop_generic(CommandContext& ctx, size_t first, int64_t timeout_ms) {
  int64_t numkeys;
  if (!parse_long_in(ctx, ctx.arg(first), 1, INT64_MAX, &numkeys,
                     "ERR numkeys should be greater than 0"))
    return;
  // where_idx >= argc, written so a huge numkeys cannot overflow.
  if (static_cast<uint64_t>(numkeys) > ctx.argc() - first - 2) {
    ctx.reply.error(err::kSyntax);
    return;
  }
  size_t where_idx = first + 1 + static_cast<size_t>(numkeys);
  bool max;
  if (iequals(ctx.arg(where_idx), "min")) {
    max = false;
  } else if (iequals(ctx.arg(where_idx), "max")) {
    max = true;
  } else {
    ctx.reply.error(err::kSyntax);
    return;
  }
  int64_t count = -1;
  for (size_t j = where_idx + 1; j < ctx.argc(); j++) {
    bool more = j + 1 < ctx.argc();
    if (count == -1 && iequals(ctx.arg(j), "count") && more) {
      j++;
      if (!parse_long_in(ctx, ctx.arg(j), 1, INT64_MAX, &count,
                         "ERR count should be greater than 0"))
        return;
    } else {
      ctx.reply.error(err::kSyntax);
      return;
    }
  }
  if (count == -1) count = 1;
  pop_generic(ctx, ctx.argv.subspan(first + 1, static_cast<size_t>(numkeys)), max, count,
              PopReply::kKeyAndPairs, timeout_ms);
}

void zmpop(CommandContext& ctx) {
  zmpop_generic(ctx, 1, -1);
}

void bzmpop(CommandContext& ctx) {
  int64_t timeout;
  if (!parse_block_timeout(ctx.arg(1), ctx.reply, &timeout)) return;
  zmpop_generic(ctx, 2, timeout);
}

// BZPOPMIN / BZPOPMAX key [key ...] timeout
void bzpop_minmax(CommandContext& ctx, bool max) {
  int64_t timeout;
  if (!parse_block_timeout(ctx.arg(ctx.argc() - 1), ctx.reply, &timeout)) return;
  pop_generic(ctx, ctx.argv.subspan(1, ctx.argc() - 2), max, -1, PopReply::kKeyMemberScore,
              timeout);
}

void bzpopmin(CommandContext& ctx) {
  bzpop_minmax(ctx, false);
}
void bzpopmax(CommandContext& ctx) {
  bzpop_minmax(ctx, true);
}

// --- ZUNION ZINTER ZDIFF (and STORE) ZINTERCARD --------------------------------------------------

enum class SetOp { kUnion, kInter, kDiff };
enum class Aggregate { kSum, kMin, kMax };

// One input of a zset operation: a zset, or a set whose members all score 1 (as in
// Redis); a missing key is an empty input.
class OpSource {
 public:
  explicit OpSource(Entry* e) : e_(e) {}
  static bool accepts(const Entry* e) {
    return e->type() == ObjType::kZset || e->type() == ObjType::kSet;
  }

  double weight = 1;

  Entry* entry() const { return e_; }
  size_t size() const {
    if (!e_) return 0;
    if (is_set()) return store::BorrowedSet(e_)->size();
    return Zset(e_).size();
  }
  std::optional<double> find(std::string_view member) const {
    if (!e_) return std::nullopt;
    if (is_set()) {
      if (store::BorrowedSet(e_)->contains(member)) return 1.0;
      return std::nullopt;
    }
    return Zset(e_).score(member);
  }
  template <typename Fn>
  void for_each(Fn&& fn) const {
    if (!e_) return;
    if (is_set()) {
      store::BorrowedSet set(e_);
      set->for_each([&fn](std::string_view member) {
        fn(member, 1.0);
        return true;
      });
      return;
    }
    Zset z(e_);
    for (ZsetCursor c = z.at(0); c.valid(); c.next()) fn(c.member(), c.score());
  }

 private:
  bool is_set() const { return e_->type() == ObjType::kSet; }

  Entry* e_;
};

void aggregate_into(double* target, double v, Aggregate a) {
  switch (a) {
    case Aggregate::kSum:
      *target += v;
      // inf + -inf: Redis settles on 0 rather than storing NaN.
      if (std::isnan(*target)) *target = 0;
      break;
    case Aggregate::kMin:
      *target = v < *target ? v : *target;
      break;
    case Aggregate::kMax:
      *target = v > *target ? v : *target;
      break;
  }
}

void zsetop_generic(CommandContext& ctx, bool store, size_t numkeys_idx, SetOp op,
                    bool cardinality_only) {
  int64_t setnum;
  if (!parse_long(ctx, ctx.arg(numkeys_idx), &setnum)) return;
  if (setnum < 1) {
    ctx.reply.error("ERR at least 1 input key is needed for '" + ascii_lower(ctx.arg(0)) +
                    "' command");
    return;
  }
  if (static_cast<uint64_t>(setnum) > ctx.argc() - (numkeys_idx + 1)) {
    ctx.reply.error(err::kSyntax);
    return;
  }
  std::vector<OpSource> src;
  src.reserve(static_cast<size_t>(setnum));
  size_t j = numkeys_idx + 1;
  for (int64_t i = 0; i < setnum; i++, j++) {
    // The STORE forms too: Redis 7.0 counts their misses and fires "keymiss".
    Entry* e = ctx.db.lookup_read(ctx.arg(j));
    if (e && !OpSource::accepts(e)) {
      ctx.reply.error(err::kWrongType);
      return;
    }
    src.emplace_back(e);
  }
  Aggregate aggregate = Aggregate::kSum;
  bool withscores = false;
  int64_t limit = 0;
  while (j < ctx.argc()) {
    size_t remaining = ctx.argc() - j;
    std::string_view opt = ctx.arg(j);
    if (op != SetOp::kDiff && !cardinality_only && remaining >= src.size() + 1 &&
        iequals(opt, "weights")) {
      j++;
      for (OpSource& s : src) {
        auto w = parse_double(ctx.arg(j++));
        if (!w) {
          ctx.reply.error("ERR weight value is not a float");
          return;
        }
        s.weight = *w;
      }
    } else if (op != SetOp::kDiff && !cardinality_only && remaining >= 2 &&
               iequals(opt, "aggregate")) {
      std::string_view a = ctx.arg(j + 1);
      if (iequals(a, "sum")) {
        aggregate = Aggregate::kSum;
      } else if (iequals(a, "min")) {
        aggregate = Aggregate::kMin;
      } else if (iequals(a, "max")) {
        aggregate = Aggregate::kMax;
      } else {
        ctx.reply.error(err::kSyntax);
        return;
      }
      j += 2;
    } else if (!store && !cardinality_only && iequals(opt, "withscores")) {
      j++;
      withscores = true;
    } else if (cardinality_only && remaining >= 2 && iequals(opt, "limit")) {
      if (!parse_long_in(ctx, ctx.arg(j + 1), 0, INT64_MAX, &limit, "ERR LIMIT can't be negative"))
        return;
      j += 2;
    } else {
      ctx.reply.error(err::kSyntax);
      return;
    }
  }
  // Smallest inputs first: an intersection walks the first and probes the others.
  if (op != SetOp::kDiff) {
    std::stable_sort(src.begin(), src.end(),
                     [](const OpSource& a, const OpSource& b) { return a.size() < b.size(); });
  }

  auto result = std::make_unique<SkiplistZset>();
  size_t max_member_len = 0;
  uint64_t cardinality = 0;
  auto keep = [&](std::string_view member, double score) {
    result->insert(score, member);
    max_member_len = std::max(max_member_len, member.size());
  };
  switch (op) {
    case SetOp::kInter: {
      if (src[0].size() == 0) break;
      bool done = false;
      src[0].for_each([&](std::string_view member, double s0) {
        if (done) return;
        double score = src[0].weight * s0;
        if (std::isnan(score)) score = 0;
        for (size_t k = 1; k < src.size(); k++) {
          std::optional<double> v = src[k].entry() == src[0].entry() ? s0 : src[k].find(member);
          if (!v) return;
          aggregate_into(&score, *v * src[k].weight, aggregate);
        }
        if (cardinality_only) {
          cardinality++;
          if (limit && cardinality >= static_cast<uint64_t>(limit)) done = true;
        } else {
          keep(member, score);
        }
      });
      break;
    }
    case SetOp::kUnion: {
      std::unordered_map<std::string, double> acc;
      acc.reserve(src.back().size());
      std::vector<const std::string*> order;
      for (const OpSource& s : src) {
        s.for_each([&](std::string_view member, double score) {
          score *= s.weight;
          if (std::isnan(score)) score = 0;
          auto [it, fresh] = acc.try_emplace(std::string(member), score);
          if (!fresh) aggregate_into(&it->second, score, aggregate);
        });
      }
      for (const auto& [member, score] : acc) keep(member, score);
      break;
    }
    case SetOp::kDiff: {
      if (src[0].size() == 0) break;
      src[0].for_each([&](std::string_view member, double score) {
        for (size_t k = 1; k < src.size(); k++) {
          if (src[k].entry() == src[0].entry() || src[k].find(member)) return;
        }
        keep(member, score);
      });
      break;
    }
  }

  if (store) {
    std::string_view dst = ctx.arg(1);
    size_t n = result->size();
    static constexpr std::string_view kEvents[] = {"zunionstore", "zinterstore", "zdiffstore"};
    store_or_delete(
        ctx, dst,
        n ? Zset::make_entry(dst, std::move(result), limits(ctx), max_member_len) : nullptr,
        kEvents[static_cast<int>(op)]);
    ctx.reply.integer(static_cast<int64_t>(n));
  } else if (cardinality_only) {
    ctx.reply.integer(static_cast<int64_t>(cardinality));
  } else {
    reply_members_header(ctx, result->size(), withscores);
    for (store::ZNode* n = result->list().first(); n; n = n->next())
      reply_member(ctx, n->member(), n->score(), withscores);
  }
}

void zunion(CommandContext& ctx) {
  zsetop_generic(ctx, false, 1, SetOp::kUnion, false);
}
void zinter(CommandContext& ctx) {
  zsetop_generic(ctx, false, 1, SetOp::kInter, false);
}
void zdiff(CommandContext& ctx) {
  zsetop_generic(ctx, false, 1, SetOp::kDiff, false);
}
void zunionstore(CommandContext& ctx) {
  zsetop_generic(ctx, true, 2, SetOp::kUnion, false);
}
void zinterstore(CommandContext& ctx) {
  zsetop_generic(ctx, true, 2, SetOp::kInter, false);
}
void zdiffstore(CommandContext& ctx) {
  zsetop_generic(ctx, true, 2, SetOp::kDiff, false);
}
void zintercard(CommandContext& ctx) {
  zsetop_generic(ctx, false, 1, SetOp::kInter, true);
}

// --- ZRANDMEMBER
// ----------------------------------------------------------------------------------

std::mt19937_64& random_engine() {
  static std::mt19937_64 rng{std::random_device{}()};
  return rng;
}

void zrandmember_count(CommandContext& ctx, int64_t l, bool withscores) {
  Entry* e;
  if (!lookup_read_typed(ctx, ctx.arg(1), ObjType::kZset, &e)) return;
  if (!e || l == 0) {
    ctx.reply.array(0);
    return;
  }
  Zset z(e);
  size_t size = z.size();
  auto& rng = random_engine();
  // Negative counts may repeat members and come in random order.
  if (l < 0 || l == 1) {
    auto count = static_cast<size_t>(l < 0 ? -l : l);
    reply_members_header(ctx, count, withscores);
    for (size_t i = 0; i < count; i++) {
      ZsetCursor c = z.at(rng() % size);
      reply_member(ctx, c.member(), c.score(), withscores);
    }
    return;
  }
  auto count = static_cast<size_t>(l);
  // Asked for everything: the whole zset, from the highest score down (Redis walks it
  // from the tail).
  if (count >= size) {
    reply_members_header(ctx, size, withscores);
    for (ZsetCursor c = z.at(size - 1); c.valid(); c.prev())
      reply_member(ctx, c.member(), c.score(), withscores);
    return;
  }
  // Distinct positions (Floyd's sampling), then in a random order.
  std::vector<size_t> picks;
  picks.reserve(count);
  {
    std::unordered_map<size_t, bool> chosen;
    chosen.reserve(count * 2);
    for (size_t j = size - count; j < size; j++) {
      size_t t = std::uniform_int_distribution<size_t>(0, j)(rng);
      if (chosen.emplace(t, true).second) {
        picks.push_back(t);
      } else {
        chosen.emplace(j, true);
        picks.push_back(j);
      }
    }
  }
  std::shuffle(picks.begin(), picks.end(), rng);
  reply_members_header(ctx, count, withscores);
  for (size_t p : picks) {
    ZsetCursor c = z.at(p);
    reply_member(ctx, c.member(), c.score(), withscores);
  }
}

void zrandmember(CommandContext& ctx) {
  if (ctx.argc() >= 3) {
    int64_t l;
    if (!parse_long_in(ctx, ctx.arg(2), -INT64_MAX, INT64_MAX, &l)) return;
    bool withscores = false;
    if (ctx.argc() > 4 || (ctx.argc() == 4 && !iequals(ctx.arg(3), "withscores"))) {
      ctx.reply.error(err::kSyntax);
      return;
    }
    if (ctx.argc() == 4) {
      withscores = true;
      if (l < -INT64_MAX / 2 || l > INT64_MAX / 2) {
        ctx.reply.error("ERR value is out of range");
        return;
      }
    }
    zrandmember_count(ctx, l, withscores);
    return;
  }
  Entry* e;
  if (!lookup_read_typed(ctx, ctx.arg(1), ObjType::kZset, &e)) return;
  if (!e) {
    ctx.reply.null();
    return;
  }
  Zset z(e);
  ZsetCursor c = z.at(random_engine()() % z.size());
  ctx.reply.bulk(c.member());
}

// --- ZSCAN
// ------------------------------------------------------------------------------------------

void zscan(CommandContext& ctx) {
  uint64_t cursor;
  Entry* e;
  ElementScanOptions opt;
  if (!begin_element_scan(ctx, ObjType::kZset, &cursor, &e, &opt)) return;
  const auto count = static_cast<int64_t>(opt.count);
  std::vector<std::pair<std::string, double>> found;
  Zset z(e);
  uint64_t v = cursor;
  // Like Redis: stop once COUNT members are in hand or after 10*COUNT table steps.
  int64_t max_steps = count * 10;
  do {
    v = z.scan(v, [&](std::string_view member, double score) {
      if (opt.keep(member)) found.emplace_back(member, score);
    });
  } while (v != 0 && max_steps-- > 0 && static_cast<int64_t>(found.size()) < count);
  ctx.reply.array(2);
  ctx.reply.bulk_int(static_cast<int64_t>(v));
  ctx.reply.array(found.size() * 2);
  char num[64];
  for (const auto& [member, score] : found) {
    ctx.reply.bulk(member);
    ctx.reply.bulk(std::string_view(num, z.score_text(score, num, sizeof(num))));
  }
}

// --- Table
// ----------------------------------------------------------------------------------------

constexpr std::string_view kWriteFast = "@write @sortedset @fast";
constexpr std::string_view kWriteSlow = "@write @sortedset @slow";
constexpr std::string_view kReadFast = "@read @sortedset @fast";
constexpr std::string_view kReadSlow = "@read @sortedset @slow";

constexpr std::string_view kLogN = "O(log(N)) where N is the number of elements in the sorted set.";
constexpr std::string_view kRangeComplexity =
    "O(log(N)+M) with N being the number of elements in the sorted set and M the number of "
    "elements returned.";
constexpr std::string_view kValueRangeComplexity =
    "O(log(N)+M) with N being the number of elements in the sorted set and M the number of "
    "elements being returned. If M is constant (e.g. always asking for the first 10 elements "
    "with LIMIT), you can consider it O(log(N)).";
constexpr std::string_view kRemRangeComplexity =
    "O(log(N)+M) with N being the number of elements in the sorted set and M the number of "
    "elements removed by the operation.";

const CommandSpec kZsetCommands[] = {
    {"zadd", -4, kWrite | kDenyOom | kFast, 1, 1, 1, zadd, kWriteFast, "sorted-set", "1.2.0",
     "Add one or more members to a sorted set, or update its score if it already exists",
     "O(log(N)) for each item added, where N is the number of elements in the sorted set."},
    {"zincrby", 4, kWrite | kDenyOom | kFast, 1, 1, 1, zincrby, kWriteFast, "sorted-set", "1.2.0",
     "Increment the score of a member in a sorted set", kLogN},
    {"zrem", -3, kWrite | kFast, 1, 1, 1, zrem, kWriteFast, "sorted-set", "1.2.0",
     "Remove one or more members from a sorted set",
     "O(M*log(N)) with N being the number of elements in the sorted set and M the number of "
     "elements to be removed."},
    {"zcard", 2, kReadonly | kFast, 1, 1, 1, zcard, kReadFast, "sorted-set", "1.2.0",
     "Get the number of members in a sorted set", "O(1)"},
    {"zcount", 4, kReadonly | kFast, 1, 1, 1, zcount, kReadFast, "sorted-set", "2.0.0",
     "Count the members in a sorted set with scores within the given values",
     "O(log(N)) with N being the number of elements in the sorted set."},
    {"zlexcount", 4, kReadonly | kFast, 1, 1, 1, zlexcount, kReadFast, "sorted-set", "2.8.9",
     "Count the number of members in a sorted set between a given lexicographical range",
     "O(log(N)) with N being the number of elements in the sorted set."},
    {"zscore", 3, kReadonly | kFast, 1, 1, 1, zscore, kReadFast, "sorted-set", "1.2.0",
     "Get the score associated with the given member in a sorted set", "O(1)"},
    {"zmscore", -3, kReadonly | kFast, 1, 1, 1, zmscore, kReadFast, "sorted-set", "6.2.0",
     "Get the score associated with the given members in a sorted set",
     "O(N) where N is the number of members being requested."},
    {"zrank", 3, kReadonly | kFast, 1, 1, 1, zrank, kReadFast, "sorted-set", "2.0.0",
     "Determine the index of a member in a sorted set", "O(log(N))"},
    {"zrevrank", 3, kReadonly | kFast, 1, 1, 1, zrevrank, kReadFast, "sorted-set", "2.0.0",
     "Determine the index of a member in a sorted set, with scores ordered from high to low",
     "O(log(N))"},
    {"zrange", -4, kReadonly, 1, 1, 1, zrange, kReadSlow, "sorted-set", "1.2.0",
     "Return a range of members in a sorted set", kRangeComplexity},
    {"zrangestore", -5, kWrite | kDenyOom, 1, 2, 1, zrangestore, kWriteSlow, "sorted-set", "6.2.0",
     "Store a range of members from sorted set into another key",
     "O(log(N)+M) with N being the number of elements in the sorted set and M the number of "
     "elements stored into the destination key.",
     kNoSubcommands, kKeysZrangestore},
    {"zrangebyscore", -4, kReadonly, 1, 1, 1, zrangebyscore, kReadSlow, "sorted-set", "1.0.5",
     "Return a range of members in a sorted set, by score", kValueRangeComplexity},
    {"zrevrangebyscore", -4, kReadonly, 1, 1, 1, zrevrangebyscore, kReadSlow, "sorted-set", "2.2.0",
     "Return a range of members in a sorted set, by score, with scores ordered from high "
     "to low",
     kValueRangeComplexity},
    {"zrangebylex", -4, kReadonly, 1, 1, 1, zrangebylex, kReadSlow, "sorted-set", "2.8.9",
     "Return a range of members in a sorted set, by lexicographical range", kValueRangeComplexity},
    {"zrevrangebylex", -4, kReadonly, 1, 1, 1, zrevrangebylex, kReadSlow, "sorted-set", "2.8.9",
     "Return a range of members in a sorted set, by lexicographical range, ordered from higher "
     "to lower strings.",
     kValueRangeComplexity},
    {"zrevrange", -4, kReadonly, 1, 1, 1, zrevrange, kReadSlow, "sorted-set", "1.2.0",
     "Return a range of members in a sorted set, by index, with scores ordered from high to low",
     kRangeComplexity},
    {"zpopmin", -2, kWrite | kFast, 1, 1, 1, zpopmin, kWriteFast, "sorted-set", "5.0.0",
     "Remove and return members with the lowest scores in a sorted set",
     "O(log(N)*M) with N being the number of elements in the sorted set, and M being the number "
     "of elements popped."},
    {"zpopmax", -2, kWrite | kFast, 1, 1, 1, zpopmax, kWriteFast, "sorted-set", "5.0.0",
     "Remove and return members with the highest scores in a sorted set",
     "O(log(N)*M) with N being the number of elements in the sorted set, and M being the number "
     "of elements popped."},
    {"zmpop", -4, kWrite, 0, 0, 0, zmpop, kWriteSlow, "sorted-set", "7.0.0",
     "Remove and return members with scores in a sorted set",
     "O(K) + O(M*log(N)) where K is the number of provided keys, N being the number of elements "
     "in the sorted set, and M being the number of elements popped.",
     kNoSubcommands, kKeysZmpop},
    {"bzpopmin", -3, kWrite | kNoscript | kBlocking | kFast, 1, -2, 1, bzpopmin,
     "@write @sortedset @fast @blocking", "sorted-set", "5.0.0",
     "Remove and return the member with the lowest score from one or more sorted sets, or block "
     "until one is available",
     "O(log(N)) with N being the number of elements in the sorted set."},
    {"bzpopmax", -3, kWrite | kNoscript | kBlocking | kFast, 1, -2, 1, bzpopmax,
     "@write @sortedset @fast @blocking", "sorted-set", "5.0.0",
     "Remove and return the member with the highest score from one or more sorted sets, or block "
     "until one is available",
     "O(log(N)) with N being the number of elements in the sorted set."},
    {"bzmpop", -5, kWrite | kBlocking, 0, 0, 0, bzmpop, "@write @sortedset @slow @blocking",
     "sorted-set", "7.0.0",
     "Remove and return members with scores in a sorted set or block until one is available",
     "O(K) + O(M*log(N)) where K is the number of provided keys, N being the number of elements "
     "in the sorted set, and M being the number of elements popped.",
     kNoSubcommands, kKeysBzmpop},
    {"zremrangebyrank", 4, kWrite, 1, 1, 1, zremrangebyrank, kWriteSlow, "sorted-set", "2.0.0",
     "Remove all members in a sorted set within the given indexes", kRemRangeComplexity},
    {"zremrangebyscore", 4, kWrite, 1, 1, 1, zremrangebyscore, kWriteSlow, "sorted-set", "1.2.0",
     "Remove all members in a sorted set within the given scores", kRemRangeComplexity},
    {"zremrangebylex", 4, kWrite, 1, 1, 1, zremrangebylex, kWriteSlow, "sorted-set", "2.8.9",
     "Remove all members in a sorted set between the given lexicographical range",
     kRemRangeComplexity},
    {"zunion", -3, kReadonly, 0, 0, 0, zunion, kReadSlow, "sorted-set", "6.2.0",
     "Add multiple sorted sets",
     "O(N)+O(M*log(M)) with N being the sum of the sizes of the input sorted sets, and M being "
     "the number of elements in the resulting sorted set.",
     kNoSubcommands, kKeysZunion},
    {"zinter", -3, kReadonly, 0, 0, 0, zinter, kReadSlow, "sorted-set", "6.2.0",
     "Intersect multiple sorted sets",
     "O(N*K)+O(M*log(M)) worst case with N being the smallest input sorted set, K being the "
     "number of input sorted sets and M being the number of elements in the resulting sorted "
     "set.",
     kNoSubcommands, kKeysZinter},
    {"zdiff", -3, kReadonly, 0, 0, 0, zdiff, kReadSlow, "sorted-set", "6.2.0",
     "Subtract multiple sorted sets",
     "O(L + (N-K)log(N)) worst case where L is the total number of elements in all the sets, N "
     "is the size of the first set, and K is the size of the result set.",
     kNoSubcommands, kKeysZdiff},
    {"zunionstore", -4, kWrite | kDenyOom, 1, 1, 1, zunionstore, kWriteSlow, "sorted-set", "2.0.0",
     "Add multiple sorted sets and store the resulting sorted set in a new key",
     "O(N)+O(M log(M)) with N being the sum of the sizes of the input sorted sets, and M being "
     "the number of elements in the resulting sorted set.",
     kNoSubcommands, kKeysZunionstore},
    {"zinterstore", -4, kWrite | kDenyOom, 1, 1, 1, zinterstore, kWriteSlow, "sorted-set", "2.0.0",
     "Intersect multiple sorted sets and store the resulting sorted set in a new key",
     "O(N*K)+O(M*log(M)) worst case with N being the smallest input sorted set, K being the "
     "number of input sorted sets and M being the number of elements in the resulting sorted "
     "set.",
     kNoSubcommands, kKeysZinterstore},
    {"zdiffstore", -4, kWrite | kDenyOom, 1, 1, 1, zdiffstore, kWriteSlow, "sorted-set", "6.2.0",
     "Subtract multiple sorted sets and store the resulting sorted set in a new key",
     "O(L + (N-K)log(N)) worst case where L is the total number of elements in all the sets, N "
     "is the size of the first set, and K is the size of the result set.",
     kNoSubcommands, kKeysZdiffstore},
    {"zintercard", -3, kReadonly, 0, 0, 0, zintercard, kReadSlow, "sorted-set", "7.0.0",
     "Intersect multiple sorted sets and return the cardinality of the result",
     "O(N*K) worst case with N being the smallest input sorted set, K being the number of input "
     "sorted sets.",
     kNoSubcommands, kKeysZintercard},
    {"zrandmember", -2, kReadonly, 1, 1, 1, zrandmember, kReadSlow, "sorted-set", "6.2.0",
     "Get one or multiple random elements from a sorted set",
     "O(N) where N is the number of elements returned"},
    {"zscan", -3, kReadonly, 1, 1, 1, zscan, kReadSlow, "sorted-set", "2.8.0",
     "Incrementally iterate sorted sets elements and associated scores",
     "O(1) for every call. O(N) for a complete iteration, including enough command calls for the "
     "cursor to return back to 0. N is the number of elements inside the collection.."},
};

}  // namespace

std::span<const CommandSpec> zset_commands() {
  return kZsetCommands;
}

}  // namespace rkv::server

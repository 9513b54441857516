// Set family: SADD SREM SMEMBERS SISMEMBER SMISMEMBER SCARD SPOP SRANDMEMBER SMOVE SINTER
// SINTERCARD SUNION SDIFF SINTERSTORE SUNIONSTORE SDIFFSTORE SSCAN.
//
// Arguments are checked in Redis 7.0's order (counts, then the key and its type, then the
// rest), because that order decides which error a client sees. Encodings and conversions
// are store::SetObject's (Redis 7.2's intset/listpack/hashtable rules); a set that becomes
// empty is deleted. SPOP and SRANDMEMBER with a count use Redis's strategies, chosen by
// how the count compares with the set's size.
#include <algorithm>
#include <climits>
#include <cstdint>
#include <optional>
#include <random>
#include <span>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "commands/scan_cursor.h"
#include "commands/typed_lookup.h"
#include "server/command.h"
#include "server/errors.h"
#include "server/key_specs.h"
#include "server/notify.h"
#include "server/server.h"
#include "store/set_object.h"
#include "util/glob.h"
#include "util/numbers.h"
#include "util/strings.h"

namespace rkv::server {
namespace {

using store::BorrowedSet;
using store::Entry;
using store::ObjType;
using store::SetLimits;
using store::SetObject;

constexpr std::string_view kMustBePositive = "ERR value is out of range, must be positive";

std::mt19937_64& rng() {
  static std::mt19937_64 gen{std::random_device{}()};
  return gen;
}

SetLimits limits(CommandContext& ctx) {
  const Config& c = ctx.server.config();
  return {static_cast<size_t>(c.set_max_intset_entries),
          static_cast<size_t>(c.set_max_listpack_entries),
          static_cast<size_t>(c.set_max_listpack_value)};
}

Entry* make_set_entry(std::string_view key, SetObject set) {
  store::Encoding enc = set.encoding();
  return Entry::make_object(key, ObjType::kSet, enc, set.release());
}

// Redis's getPositiveLongFromObjectOrReply: a non-integer and a negative number get the
// same error.
std::optional<int64_t> parse_positive(CommandContext& ctx, std::string_view s,
                                      std::string_view error) {
  auto v = parse_int64(s);
  if (!v || *v < 0) {
    ctx.reply.error(error);
    return std::nullopt;
  }
  return v;
}

// ---- single-key commands ---------------------------------------------------------------

void sadd(CommandContext& ctx) {
  std::string_view key = ctx.arg(1);
  Entry* e;
  if (!lookup_write_typed(ctx, key, ObjType::kSet, &e)) return;
  SetLimits lim = limits(ctx);
  auto members = ctx.argv.subspan(2);
  int64_t added = 0;
  if (!e) {
    SetObject set = SetObject::create(members[0], members.size(), lim);
    for (std::string_view m : members) added += set.add(m, lim);
    ctx.db.add(make_set_entry(key, std::move(set)));
  } else {
    BorrowedSet set(e);
    set->prepare_for(members.size(), lim);
    for (std::string_view m : members) added += set->add(m, lim);
  }
  if (added) {
    ctx.key_modified(kNotifySet, "sadd", key, static_cast<uint64_t>(added));
  }
  ctx.reply.integer(added);
}

void srem(CommandContext& ctx) {
  std::string_view key = ctx.arg(1);
  Entry* e;
  if (!lookup_write_typed(ctx, key, ObjType::kSet, &e)) return;
  int64_t removed = 0;
  if (e) {
    BorrowedSet set(e);
    for (std::string_view m : ctx.argv.subspan(2)) {
      removed += set->remove(m);
      if (set->empty()) break;
    }
    bool now_empty = set->empty();
    set.done();
    if (removed) {
      ctx.key_modified(kNotifySet, "srem", key, static_cast<uint64_t>(removed));
    }
    if (now_empty) {
      ctx.remove_emptied(key);
    }
  }
  ctx.reply.integer(removed);
}

void smembers(CommandContext& ctx) {
  Entry* e;
  if (!lookup_read_typed(ctx, ctx.arg(1), ObjType::kSet, &e)) return;
  if (!e) {
    ctx.reply.set(0);
    return;
  }
  BorrowedSet set(e);
  ctx.reply.set(set->size());
  set->for_each([&](std::string_view m) {
    ctx.reply.bulk(m);
    return true;
  });
}

void sismember(CommandContext& ctx) {
  Entry* e;
  if (!lookup_read_typed(ctx, ctx.arg(1), ObjType::kSet, &e)) return;
  bool found = false;
  if (e) found = BorrowedSet(e)->contains(ctx.arg(2));
  ctx.reply.integer(found ? 1 : 0);
}

void smismember(CommandContext& ctx) {
  Entry* e;
  if (!lookup_read_typed(ctx, ctx.arg(1), ObjType::kSet, &e)) return;
  auto members = ctx.argv.subspan(2);
  ctx.reply.array(members.size());
  if (!e) {
    for (size_t i = 0; i < members.size(); i++) ctx.reply.integer(0);
    return;
  }
  BorrowedSet set(e);
  for (std::string_view m : members) ctx.reply.integer(set->contains(m) ? 1 : 0);
}

void scard(CommandContext& ctx) {
  Entry* e;
  if (!lookup_read_typed(ctx, ctx.arg(1), ObjType::kSet, &e)) return;
  ctx.reply.integer(e ? static_cast<int64_t>(BorrowedSet(e)->size()) : 0);
}

// ---- SPOP / SRANDMEMBER ----------------------------------------------------------------

// Redis's thresholds between the strategies (t_set.c SPOP_MOVE_STRATEGY_MUL and
// SRANDMEMBER_SUB_STRATEGY_MUL).
constexpr uint64_t kSpopMoveMul = 5;
constexpr uint64_t kSrandSubMul = 3;

void spop_count(CommandContext& ctx) {
  auto count = parse_positive(ctx, ctx.arg(2), kMustBePositive);
  if (!count) return;
  std::string_view key = ctx.arg(1);
  Entry* e;
  if (!lookup_write_typed(ctx, key, ObjType::kSet, &e)) return;
  if (!e || *count == 0) {
    ctx.reply.set(0);
    return;
  }
  BorrowedSet set(e);
  auto want = static_cast<uint64_t>(*count);
  uint64_t size = set->size();
  ctx.key_modified(kNotifySet, "spop", key, std::min(want, size));
  if (want >= size) {
    // Everything: reply the whole set and drop the key.
    ctx.reply.set(size);
    set->for_each([&](std::string_view m) {
      ctx.reply.bulk(m);
      return true;
    });
    set.done();
    ctx.remove_emptied(key);
    return;
  }
  uint64_t remaining = size - want;
  SetObject::Scratch scratch;
  ctx.reply.set(want);
  if (remaining * kSpopMoveMul > want) {
    // Few to pop: draw and remove them one by one.
    std::string member;
    for (uint64_t i = 0; i < want; i++) {
      member.assign(set->random(rng(), scratch));
      ctx.reply.bulk(member);
      set->remove(member);
    }
    return;
  }
  // Most of the set goes: move the few that stay into a new set, reply what is left in
  // the old one and keep the new one. Like Redis 7.2, the new set is an intset when the
  // old one was, a listpack otherwise (converted up as members arrive if need be).
  SetLimits lim = limits(ctx);
  SetObject kept =
      set->encoding() == store::Encoding::kIntset ? SetObject() : SetObject::create("", 1, lim);
  std::string member;
  for (uint64_t i = 0; i < remaining; i++) {
    member.assign(set->random(rng(), scratch));
    kept.add(member, lim);
    set->remove(member);
  }
  set->for_each([&](std::string_view m) {
    ctx.reply.bulk(m);
    return true;
  });
  *set = std::move(kept);
}

void spop(CommandContext& ctx) {
  if (ctx.argc() == 3) return spop_count(ctx);
  if (ctx.argc() > 3) {
    ctx.reply.error(err::kSyntax);
    return;
  }
  std::string_view key = ctx.arg(1);
  Entry* e;
  if (!lookup_write_typed(ctx, key, ObjType::kSet, &e)) return;
  if (!e) {
    ctx.reply.null();
    return;
  }
  BorrowedSet set(e);
  SetObject::Scratch scratch;
  std::string member(set->random(rng(), scratch));
  set->remove(member);
  bool now_empty = set->empty();
  set.done();
  ctx.key_modified(kNotifySet, "spop", key);
  if (now_empty) {
    ctx.remove_emptied(key);
  }
  ctx.reply.bulk(member);
}

void srandmember_count(CommandContext& ctx) {
  auto n = parse_int64(ctx.arg(2));
  if (!n) {
    ctx.reply.error(err::kNotInteger);
    return;
  }
  if (*n == INT64_MIN) {
    // -count must stay representable, so Redis accepts -LONG_MAX..LONG_MAX only.
    ctx.reply.error(
        "ERR value is out of range, value must between -9223372036854775807 and "
        "9223372036854775807");
    return;
  }
  Entry* e;
  if (!lookup_read_typed(ctx, ctx.arg(1), ObjType::kSet, &e)) return;
  if (!e || *n == 0) {
    ctx.reply.array(0);
    return;
  }
  BorrowedSet set(e);
  SetObject::Scratch scratch;
  bool distinct = *n > 0;
  uint64_t want = distinct ? static_cast<uint64_t>(*n) : static_cast<uint64_t>(-*n);
  uint64_t size = set->size();
  if (!distinct || want == 1) {
    // Repeats allowed: independent draws, in draw order.
    ctx.reply.array(want);
    if (set->encoding() == store::Encoding::kListpack && want > size) {
      // A listpack draw walks to its index; index a copy instead (at most 128 members by
      // default, where the draws can be millions).
      std::vector<std::string> all;
      all.reserve(size);
      set->for_each([&](std::string_view m) {
        all.emplace_back(m);
        return true;
      });
      while (want--) ctx.reply.bulk(all[rng()() % size]);
      return;
    }
    while (want--) ctx.reply.bulk(set->random(rng(), scratch));
    return;
  }
  if (want >= size) {
    ctx.reply.array(size);
    set->for_each([&](std::string_view m) {
      ctx.reply.bulk(m);
      return true;
    });
    return;
  }
  std::vector<std::string> picked;
  picked.reserve(want);
  if (want * kSrandSubMul > size) {
    // A large share of the set: copy it and keep a random subset of the copy (partial
    // Fisher-Yates) rather than drawing until enough distinct members came up.
    std::vector<std::string> all;
    all.reserve(size);
    set->for_each([&](std::string_view m) {
      all.emplace_back(m);
      return true;
    });
    for (uint64_t i = 0; i < want; i++) {
      uint64_t j = i + rng()() % (size - i);
      std::swap(all[i], all[j]);
    }
    all.resize(want);
    picked = std::move(all);
  } else {
    std::unordered_set<std::string> seen;
    while (picked.size() < want) {
      std::string_view m = set->random(rng(), scratch);
      if (seen.emplace(m).second) picked.emplace_back(m);
    }
  }
  ctx.reply.array(picked.size());
  for (const std::string& m : picked) ctx.reply.bulk(m);
}

void srandmember(CommandContext& ctx) {
  if (ctx.argc() == 3) return srandmember_count(ctx);
  if (ctx.argc() > 3) {
    ctx.reply.error(err::kSyntax);
    return;
  }
  Entry* e;
  if (!lookup_read_typed(ctx, ctx.arg(1), ObjType::kSet, &e)) return;
  if (!e) {
    ctx.reply.null();
    return;
  }
  SetObject::Scratch scratch;
  ctx.reply.bulk(BorrowedSet(e)->random(rng(), scratch));
}

// ---- SMOVE -----------------------------------------------------------------------------

void smove(CommandContext& ctx) {
  std::string_view src_key = ctx.arg(1), dst_key = ctx.arg(2), member = ctx.arg(3);
  Entry* src = ctx.db.lookup_write(src_key);
  Entry* dst = ctx.db.lookup_write(dst_key);
  if (!src) {
    ctx.reply.integer(0);
    return;
  }
  if (src->type() != ObjType::kSet || (dst && dst->type() != ObjType::kSet)) {
    ctx.reply.error(err::kWrongType);
    return;
  }
  if (src == dst) {
    ctx.reply.integer(BorrowedSet(src)->contains(member) ? 1 : 0);
    return;
  }
  {
    BorrowedSet from(src);
    if (!from->remove(member)) {
      ctx.reply.integer(0);
      return;
    }
    bool now_empty = from->empty();
    from.done();
    ctx.key_modified(kNotifySet, "srem", src_key);
    if (now_empty) {
      ctx.remove_emptied(src_key);
    }
  }
  SetLimits lim = limits(ctx);
  bool added = true;
  if (!dst) {
    SetObject set = SetObject::create(member, 1, lim);
    set.add(member, lim);
    ctx.db.add(make_set_entry(dst_key, std::move(set)));
  } else {
    added = BorrowedSet(dst)->add(member, lim);
  }
  if (added) ctx.key_modified(kNotifySet, "sadd", dst_key);
  ctx.reply.integer(1);
}

// ---- SINTER SUNION SDIFF and their STORE / CARD forms ----------------------------------

// The sets a multi-key command reads, borrowed from their entries for its duration (an
// entry named twice is borrowed once). sets[i] is nullptr for a missing key i.
class SourceSets {
 public:
  // Looks every key up for reading, the STORE forms too: Redis 7.0 counts their misses
  // and fires "keymiss" for them. False after replying WRONGTYPE: like Redis, the first
  // key of another type fails the command, even after a missing key.
  bool load(CommandContext& ctx, std::span<const std::string_view> keys) {
    std::vector<Entry*> entries;
    entries.reserve(keys.size());
    for (std::string_view k : keys) {
      Entry* e = ctx.db.lookup_read(k);
      if (e && e->type() != ObjType::kSet) {
        ctx.reply.error(err::kWrongType);
        return false;
      }
      entries.push_back(e);
    }
    borrowed_.reserve(entries.size());
    std::unordered_map<Entry*, SetObject*> seen;
    for (Entry* e : entries) {
      if (!e) {
        sets_.push_back(nullptr);
        continue;
      }
      auto [it, fresh] = seen.try_emplace(e, nullptr);
      if (fresh) it->second = &*borrowed_.emplace_back(e);
      sets_.push_back(it->second);
    }
    return true;
  }
  std::vector<SetObject*>& sets() { return sets_; }
  bool any_missing() const { return std::find(sets_.begin(), sets_.end(), nullptr) != sets_.end(); }
  // Gives every set back to its entry (before the command replaces one of those keys).
  void done() {
    for (BorrowedSet& b : borrowed_) b.done();
  }

 private:
  std::vector<BorrowedSet> borrowed_;
  std::vector<SetObject*> sets_;
};

// Stores a computed result under dst_key (replacing any value and its TTL) with the
// command's event, or deletes dst_key ("del") when the result is empty; replies the
// result's size.
void store_result(CommandContext& ctx, SourceSets& sources, std::string_view dst_key,
                  SetObject result, std::string_view event) {
  sources.done();
  size_t n = result.size();
  if (n == 0) {
    if (ctx.db.remove(dst_key)) ctx.key_modified(kNotifyGeneric, "del", dst_key);
  } else {
    ctx.db.set(make_set_entry(dst_key, std::move(result)), false);
    ctx.key_modified(kNotifySet, event, dst_key);
  }
  ctx.reply.integer(static_cast<int64_t>(n));
}

enum class InterMode { kReply, kStore, kCard };

void sinter_generic(CommandContext& ctx, std::span<const std::string_view> keys, InterMode mode,
                    std::string_view dst_key = {}, uint64_t limit = 0) {
  SourceSets sources;
  if (!sources.load(ctx, keys)) return;
  auto& sets = sources.sets();
  if (sources.any_missing()) {
    // An intersection with an empty set is empty.
    if (mode == InterMode::kStore)
      store_result(ctx, sources, dst_key, SetObject(), "sinterstore");
    else if (mode == InterMode::kCard)
      ctx.reply.integer(0);
    else
      ctx.reply.set(0);
    return;
  }
  // Walk the smallest set, probing the others from the next smallest on.
  std::stable_sort(sets.begin(), sets.end(),
                   [](SetObject* a, SetObject* b) { return a->size() < b->size(); });
  SetObject* first = sets[0];
  auto in_all = [&](std::string_view m) {
    for (size_t j = 1; j < sets.size(); j++)
      if (sets[j] != first && !sets[j]->contains(m)) return false;
    return true;
  };
  uint64_t count = 0;
  switch (mode) {
    case InterMode::kCard:
      first->for_each([&](std::string_view m) {
        if (in_all(m)) count++;
        return limit == 0 || count < limit;
      });
      ctx.reply.integer(static_cast<int64_t>(count));
      return;
    case InterMode::kReply: {
      size_t handle = ctx.reply.begin_deferred();
      first->for_each([&](std::string_view m) {
        if (in_all(m)) {
          ctx.reply.bulk(m);
          count++;
        }
        return true;
      });
      ctx.reply.end_deferred(handle, resp::Reply::Aggregate::kSet, count);
      return;
    }
    case InterMode::kStore: {
      SetLimits lim = limits(ctx);
      SetObject result;
      first->for_each([&](std::string_view m) {
        if (in_all(m)) result.add(m, lim);
        return true;
      });
      store_result(ctx, sources, dst_key, std::move(result), "sinterstore");
      return;
    }
  }
}

enum class SetOp { kUnion, kDiff };

// SDIFF by probing: each member of the first set is looked up in the others. Cheaper than
// copy-and-remove when the first set is small next to the rest (Redis's algorithm 1).
SetObject diff_by_probing(std::vector<SetObject*> sets, const SetLimits& lim) {
  SetObject result;
  // Largest first: a member that is in one of them is likelier to be found early.
  std::stable_sort(sets.begin() + 1, sets.end(), [](SetObject* a, SetObject* b) {
    return (a ? a->size() : 0) > (b ? b->size() : 0);
  });
  sets[0]->for_each([&](std::string_view m) {
    for (size_t j = 1; j < sets.size(); j++)
      if (sets[j] && sets[j]->contains(m)) return true;
    result.add(m, lim);
    return true;
  });
  return result;
}

// SDIFF by copying the first set and removing every member of the others (algorithm 2).
SetObject diff_by_removing(const std::vector<SetObject*>& sets, const SetLimits& lim) {
  SetObject result;
  sets[0]->for_each([&](std::string_view m) {
    result.add(m, lim);
    return true;
  });
  for (size_t j = 1; j < sets.size() && !result.empty(); j++) {
    if (!sets[j]) continue;
    sets[j]->for_each([&](std::string_view m) {
      result.remove(m);
      return !result.empty();
    });
  }
  result.compact(lim);
  return result;
}

// dst_key: where the STORE forms put the result (the empty string is a valid key name).
void sunion_diff_generic(CommandContext& ctx, std::span<const std::string_view> keys, SetOp op,
                         std::optional<std::string_view> dst_key = std::nullopt) {
  bool store = dst_key.has_value();
  SourceSets sources;
  if (!sources.load(ctx, keys)) return;
  const auto& sets = sources.sets();
  SetLimits lim = limits(ctx);
  SetObject result;
  if (op == SetOp::kUnion) {
    for (SetObject* s : sets) {
      if (!s) continue;
      s->for_each([&](std::string_view m) {
        result.add(m, lim);
        return true;
      });
    }
  } else if (sets[0] && std::find(sets.begin() + 1, sets.end(), sets[0]) == sets.end()) {
    // (A key subtracted from itself leaves nothing.) Pick the cheaper algorithm as Redis
    // does: probing costs about |first| * sets / 2 lookups, removing |all| operations.
    uint64_t probe_work = 0, remove_work = 0;
    for (SetObject* s : sets) {
      if (!s) continue;
      probe_work += sets[0]->size();
      remove_work += s->size();
    }
    probe_work /= 2;
    result = probe_work <= remove_work ? diff_by_probing(sets, lim) : diff_by_removing(sets, lim);
  }
  if (store) {
    store_result(ctx, sources, *dst_key, std::move(result),
                 op == SetOp::kUnion ? "sunionstore" : "sdiffstore");
    return;
  }
  ctx.reply.set(result.size());
  result.for_each([&](std::string_view m) {
    ctx.reply.bulk(m);
    return true;
  });
}

void sinter(CommandContext& ctx) {
  sinter_generic(ctx, ctx.argv.subspan(1), InterMode::kReply);
}
void sinterstore(CommandContext& ctx) {
  sinter_generic(ctx, ctx.argv.subspan(2), InterMode::kStore, ctx.arg(1));
}
void sunion(CommandContext& ctx) {
  sunion_diff_generic(ctx, ctx.argv.subspan(1), SetOp::kUnion);
}
void sunionstore(CommandContext& ctx) {
  sunion_diff_generic(ctx, ctx.argv.subspan(2), SetOp::kUnion, ctx.arg(1));
}
void sdiff(CommandContext& ctx) {
  sunion_diff_generic(ctx, ctx.argv.subspan(1), SetOp::kDiff);
}
void sdiffstore(CommandContext& ctx) {
  sunion_diff_generic(ctx, ctx.argv.subspan(2), SetOp::kDiff, ctx.arg(1));
}

void sintercard(CommandContext& ctx) {
  constexpr std::string_view kNumkeys = "ERR numkeys should be greater than 0";
  auto numkeys = parse_int64(ctx.arg(1));
  if (!numkeys || *numkeys < 1) {
    ctx.reply.error(kNumkeys);
    return;
  }
  if (static_cast<uint64_t>(*numkeys) > ctx.argc() - 2) {
    ctx.reply.error("ERR Number of keys can't be greater than number of args");
    return;
  }
  uint64_t limit = 0;
  for (size_t i = 2 + static_cast<size_t>(*numkeys); i < ctx.argc(); i++) {
    if (iequals(ctx.arg(i), "limit") && i + 1 < ctx.argc()) {
      auto n = parse_positive(ctx, ctx.arg(++i), "ERR LIMIT can't be negative");
      if (!n) return;
      limit = static_cast<uint64_t>(*n);
    } else {
      ctx.reply.error(err::kSyntax);
      return;
    }
  }
  sinter_generic(ctx, ctx.argv.subspan(2, static_cast<size_t>(*numkeys)), InterMode::kCard, {},
                 limit);
}

// ---- SSCAN -----------------------------------------------------------------------------

void sscan(CommandContext& ctx) {
  uint64_t cursor;
  Entry* e;
  ElementScanOptions opt;
  if (!begin_element_scan(ctx, ObjType::kSet, &cursor, &e, &opt)) return;
  const auto count = static_cast<int64_t>(opt.count);
  BorrowedSet set(e);
  std::vector<std::string> found;
  auto collect = [&](std::string_view m) {
    if (opt.keep(m)) found.emplace_back(m);
  };
  uint64_t v = cursor;
  if (set->encoding() != store::Encoding::kHashtable) {
    // Compact encodings answer in one call, whatever the cursor and COUNT.
    v = set->scan(v, collect);
  } else {
    // Like Redis: stop once COUNT members are in hand or after 10*COUNT buckets.
    int64_t max_steps = count * 10;
    do {
      v = set->scan(v, collect);
    } while (v != 0 && max_steps-- > 0 && static_cast<int64_t>(found.size()) < count);
  }
  ctx.reply.array(2);
  ctx.reply.bulk_int(static_cast<int64_t>(v));
  ctx.reply.array(found.size());
  for (const std::string& m : found) ctx.reply.bulk(m);
}

// ---- table -----------------------------------------------------------------------------

constexpr std::string_view kWriteFast = "@write @set @fast";
constexpr std::string_view kWriteSlow = "@write @set @slow";
constexpr std::string_view kReadFast = "@read @set @fast";
constexpr std::string_view kReadSlow = "@read @set @slow";
constexpr std::string_view kInterComplexity =
    "O(N*M) worst case where N is the cardinality of the smallest set and M is the number of "
    "sets.";
constexpr std::string_view kUnionComplexity =
    "O(N) where N is the total number of elements in all given sets.";

const CommandSpec kSetCommands[] = {
    {"sadd", -3, kWrite | kDenyOom | kFast, 1, 1, 1, sadd, kWriteFast, "set", "1.0.0",
     "Add one or more members to a set",
     "O(1) for each element added, so O(N) to add N elements when the command is called with "
     "multiple arguments."},
    {"srem", -3, kWrite | kFast, 1, 1, 1, srem, kWriteFast, "set", "1.0.0",
     "Remove one or more members from a set",
     "O(N) where N is the number of members to be removed."},
    {"smembers", 2, kReadonly, 1, 1, 1, smembers, kReadSlow, "set", "1.0.0",
     "Get all the members in a set", "O(N) where N is the set cardinality."},
    {"sismember", 3, kReadonly | kFast, 1, 1, 1, sismember, kReadFast, "set", "1.0.0",
     "Determine if a given value is a member of a set", "O(1)"},
    {"smismember", -3, kReadonly | kFast, 1, 1, 1, smismember, kReadFast, "set", "6.2.0",
     "Returns the membership associated with the given elements for a set",
     "O(N) where N is the number of elements being checked for membership"},
    {"scard", 2, kReadonly | kFast, 1, 1, 1, scard, kReadFast, "set", "1.0.0",
     "Get the number of members in a set", "O(1)"},
    {"spop", -2, kWrite | kFast, 1, 1, 1, spop, kWriteFast, "set", "1.0.0",
     "Remove and return one or multiple random members from a set",
     "Without the count argument O(1), otherwise O(N) where N is the value of the passed "
     "count."},
    {"srandmember", -2, kReadonly, 1, 1, 1, srandmember, kReadSlow, "set", "1.0.0",
     "Get one or multiple random members from a set",
     "Without the count argument O(1), otherwise O(N) where N is the absolute value of the "
     "passed count."},
    {"smove", 4, kWrite | kFast, 1, 2, 1, smove, kWriteFast, "set", "1.0.0",
     "Move a member from one set to another", "O(1)", kNoSubcommands, kKeysSmove},
    {"sinter", -2, kReadonly, 1, -1, 1, sinter, kReadSlow, "set", "1.0.0",
     "Intersect multiple sets", kInterComplexity},
    // The keys follow numkeys (movable keys), so the fixed key range is empty, as in Redis.
    {"sintercard", -3, kReadonly, 0, 0, 0, sintercard, kReadSlow, "set", "7.0.0",
     "Intersect multiple sets and return the cardinality of the result", kInterComplexity,
     kNoSubcommands, kKeysSintercard},
    {"sunion", -2, kReadonly, 1, -1, 1, sunion, kReadSlow, "set", "1.0.0", "Add multiple sets",
     kUnionComplexity},
    {"sdiff", -2, kReadonly, 1, -1, 1, sdiff, kReadSlow, "set", "1.0.0", "Subtract multiple sets",
     kUnionComplexity},
    {"sinterstore", -3, kWrite | kDenyOom, 1, -1, 1, sinterstore, kWriteSlow, "set", "1.0.0",
     "Intersect multiple sets and store the resulting set in a key", kInterComplexity,
     kNoSubcommands, kKeysSinterstore},
    {"sunionstore", -3, kWrite | kDenyOom, 1, -1, 1, sunionstore, kWriteSlow, "set", "1.0.0",
     "Add multiple sets and store the resulting set in a key", kUnionComplexity, kNoSubcommands,
     kKeysSunionstore},
    {"sdiffstore", -3, kWrite | kDenyOom, 1, -1, 1, sdiffstore, kWriteSlow, "set", "1.0.0",
     "Subtract multiple sets and store the resulting set in a key", kUnionComplexity,
     kNoSubcommands, kKeysSdiffstore},
    {"sscan", -3, kReadonly, 1, 1, 1, sscan, kReadSlow, "set", "2.8.0",
     "Incrementally iterate Set elements",
     "O(1) for every call. O(N) for a complete iteration, including enough command calls for "
     "the cursor to return back to 0. N is the number of elements inside the collection.."},
};

}  // namespace

std::span<const CommandSpec> set_commands() {
  return kSetCommands;
}

}  // namespace rkv::server

// Hash family: HSET HSETNX HGET HMSET HMGET HGETALL HDEL HEXISTS HLEN HKEYS HVALS HINCRBY
// HINCRBYFLOAT HSTRLEN HRANDFIELD HSCAN.
//
// The structure (listpack / hashtable encodings and the conversion between them) is
// store::HashObject; handlers check their arguments in Redis's order (numbers, then
// options, then the key and its type), because that order decides which error a client
// sees. A hash whose last field goes is deleted: empty hashes do not exist.
#include <cmath>
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "commands/scan_cursor.h"
#include "commands/typed_lookup.h"
#include "server/client.h"
#include "server/command.h"
#include "server/errors.h"
#include "server/notify.h"
#include "server/server.h"
#include "store/hash_object.h"
#include "util/glob.h"
#include "util/numbers.h"
#include "util/strings.h"

namespace rkv::server {
namespace {

using store::Entry;
using store::HashObject;
using store::ObjType;

constexpr std::string_view kHashNotInteger = "ERR hash value is not an integer";
constexpr std::string_view kHashNotFloat = "ERR hash value is not a float";
constexpr std::string_view kNanOrInfArg = "ERR value is NaN or Infinity";
constexpr std::string_view kNanOrInfResult = "ERR increment would produce NaN or Infinity";
// Redis 7.0's text, typo included.
constexpr std::string_view kCountRange =
    "ERR value is out of range, value must between -9223372036854775807 and "
    "9223372036854775807";
constexpr std::string_view kValueOutOfRange = "ERR value is out of range";

store::HashLimits limits(const CommandContext& ctx) {
  const Config& cfg = ctx.server.config();
  return {static_cast<size_t>(cfg.hash_max_listpack_entries),
          static_cast<size_t>(cfg.hash_max_listpack_value)};
}

std::mt19937_64& rng() {
  static std::mt19937_64 gen{std::random_device{}()};
  return gen;
}

bool read_hash(CommandContext& ctx, Entry** out) {
  return lookup_read_typed(ctx, ctx.arg(1), ObjType::kHash, out);
}

// The key's hash for a write: the existing entry, or a new empty one not yet in the db
// (*created set; the caller adds it once it holds a field).
bool write_hash(CommandContext& ctx, Entry** out, bool* created) {
  if (!lookup_write_typed(ctx, ctx.arg(1), ObjType::kHash, out)) return false;
  *created = *out == nullptr;
  if (*created) *out = HashObject::make_entry(ctx.arg(1));
  return true;
}

void reply_arity(CommandContext& ctx, std::string_view name) {
  std::string msg = "ERR wrong number of arguments for '";
  msg += name;
  msg += "' command";
  ctx.reply.error(msg);
}

// ---- HSET HMSET HSETNX ----

void hset_pairs(CommandContext& ctx, bool reply_ok) {
  if (ctx.argc() % 2 == 1) {
    reply_arity(ctx, reply_ok ? "hmset" : "hset");
    return;
  }
  Entry* e;
  bool created;
  if (!write_hash(ctx, &e, &created)) return;
  store::HashLimits lim = limits(ctx);
  int64_t added = 0;
  {
    HashObject h(e);
    h.convert_if_too_long(ctx.argv.subspan(2), lim);
    for (size_t i = 2; i < ctx.argc(); i += 2) added += h.set(ctx.arg(i), ctx.arg(i + 1), lim);
  }
  if (created) ctx.db.add(e);
  ctx.key_modified(kNotifyHash, "hset", ctx.arg(1), (ctx.argc() - 2) / 2);
  if (reply_ok)
    ctx.reply.ok();
  else
    ctx.reply.integer(added);
}

void hset(CommandContext& ctx) {
  hset_pairs(ctx, false);
}
void hmset(CommandContext& ctx) {
  hset_pairs(ctx, true);
}

void hsetnx(CommandContext& ctx) {
  Entry* e;
  bool created;
  if (!write_hash(ctx, &e, &created)) return;
  bool added = false;
  {
    HashObject h(e);
    if (!h.contains(ctx.arg(2))) {
      store::HashLimits lim = limits(ctx);
      h.convert_if_too_long(ctx.argv.subspan(2, 2), lim);
      added = h.set(ctx.arg(2), ctx.arg(3), lim);
    }
  }
  if (created) ctx.db.add(e);
  if (added) ctx.key_modified(kNotifyHash, "hset", ctx.arg(1));
  ctx.reply.integer(added ? 1 : 0);
}

// ---- HGET HMGET HEXISTS HSTRLEN HLEN ----

void hget(CommandContext& ctx) {
  Entry* e;
  if (!read_hash(ctx, &e)) return;
  if (!e) {
    ctx.reply.null();
    return;
  }
  store::Listpack::Scratch scratch;
  if (auto v = HashObject(e).get(ctx.arg(2), scratch))
    ctx.reply.bulk(*v);
  else
    ctx.reply.null();
}

void hmget(CommandContext& ctx) {
  Entry* e;
  if (!read_hash(ctx, &e)) return;
  ctx.reply.array(ctx.argc() - 2);
  std::optional<HashObject> h;
  if (e) h.emplace(e);
  for (size_t i = 2; i < ctx.argc(); i++) {
    store::Listpack::Scratch scratch;
    std::optional<std::string_view> v;
    if (h) v = h->get(ctx.arg(i), scratch);
    if (v)
      ctx.reply.bulk(*v);
    else
      ctx.reply.null();
  }
}

void hexists(CommandContext& ctx) {
  Entry* e;
  if (!read_hash(ctx, &e)) return;
  ctx.reply.integer(e && HashObject(e).contains(ctx.arg(2)) ? 1 : 0);
}

void hstrlen(CommandContext& ctx) {
  Entry* e;
  if (!read_hash(ctx, &e)) return;
  store::Listpack::Scratch scratch;
  std::optional<std::string_view> v;
  if (e) v = HashObject(e).get(ctx.arg(2), scratch);
  ctx.reply.integer(v ? static_cast<int64_t>(v->size()) : 0);
}

void hlen(CommandContext& ctx) {
  Entry* e;
  if (!read_hash(ctx, &e)) return;
  ctx.reply.integer(e ? static_cast<int64_t>(HashObject(e).size()) : 0);
}

// ---- HDEL ----

void hdel(CommandContext& ctx) {
  Entry* e;
  if (!lookup_write_typed(ctx, ctx.arg(1), ObjType::kHash, &e)) return;
  int64_t deleted = 0;
  bool now_empty = false;
  if (e) {
    HashObject h(e);
    for (size_t i = 2; i < ctx.argc() && !now_empty; i++) {
      if (h.erase(ctx.arg(i))) {
        deleted++;
        now_empty = h.size() == 0;
      }
    }
  }
  if (deleted) {
    ctx.key_modified(kNotifyHash, "hdel", ctx.arg(1), static_cast<uint64_t>(deleted));
  }
  if (now_empty) {
    ctx.remove_emptied(ctx.arg(1));
  }
  ctx.reply.integer(deleted);
}

// ---- HGETALL HKEYS HVALS ----

enum class Parts { kFields, kValues, kBoth };

void reply_all(CommandContext& ctx, Parts parts) {
  Entry* e;
  if (!read_hash(ctx, &e)) return;
  size_t n = e ? HashObject(e).size() : 0;
  if (parts == Parts::kBoth)
    ctx.reply.map(n);
  else
    ctx.reply.array(n);
  if (!e) return;
  HashObject(e).for_each([&](std::string_view field, std::string_view value) {
    if (parts != Parts::kValues) ctx.reply.bulk(field);
    if (parts != Parts::kFields) ctx.reply.bulk(value);
  });
}

void hgetall(CommandContext& ctx) {
  reply_all(ctx, Parts::kBoth);
}
void hkeys(CommandContext& ctx) {
  reply_all(ctx, Parts::kFields);
}
void hvals(CommandContext& ctx) {
  reply_all(ctx, Parts::kValues);
}

// ---- HINCRBY HINCRBYFLOAT ----

// Stores the new text of a field (the key is created when missing) and keeps the
// encoding rules: a result longer than hash-max-listpack-value converts.
void store_field(CommandContext& ctx, Entry* e, bool created, std::string_view value) {
  HashObject(e).set(ctx.arg(2), value, limits(ctx));
  if (created) ctx.db.add(e);
}

void hincrby(CommandContext& ctx) {
  auto incr = parse_int64(ctx.arg(3));
  if (!incr) {
    ctx.reply.error(err::kNotInteger);
    return;
  }
  Entry* e;
  bool created;
  if (!write_hash(ctx, &e, &created)) return;
  int64_t value = 0;
  if (!created) {
    store::Listpack::Scratch scratch;
    if (auto old = HashObject(e).get(ctx.arg(2), scratch)) {
      auto v = parse_int64(*old);
      if (!v) {
        ctx.reply.error(kHashNotInteger);
        return;
      }
      value = *v;
    }
  }
  if ((*incr < 0 && value < 0 && *incr < INT64_MIN - value) ||
      (*incr > 0 && value > 0 && *incr > INT64_MAX - value)) {
    if (created) Entry::destroy(e);
    ctx.reply.error(err::kOverflow);
    return;
  }
  value += *incr;
  char buf[kMaxInt64Chars];
  store_field(ctx, e, created, {buf, format_int64(value, buf)});
  ctx.key_modified(kNotifyHash, "hincrby", ctx.arg(1));
  ctx.reply.integer(value);
}

void hincrbyfloat(CommandContext& ctx) {
  auto incr = parse_long_double(ctx.arg(3));
  if (!incr) {
    ctx.reply.error(err::kNotFloat);
    return;
  }
  if (std::isnan(*incr) || std::isinf(*incr)) {
    ctx.reply.error(kNanOrInfArg);
    return;
  }
  Entry* e;
  bool created;
  if (!write_hash(ctx, &e, &created)) return;
  long double value = 0;
  if (!created) {
    store::Listpack::Scratch scratch;
    if (auto old = HashObject(e).get(ctx.arg(2), scratch)) {
      auto v = parse_long_double(*old);
      if (!v) {
        ctx.reply.error(kHashNotFloat);
        return;
      }
      value = *v;
    }
  }
  value += *incr;
  if (std::isnan(value) || std::isinf(value)) {
    if (created) Entry::destroy(e);
    ctx.reply.error(kNanOrInfResult);
    return;
  }
  std::string text = format_long_double_human(value);
  store_field(ctx, e, created, text);
  ctx.key_modified(kNotifyHash, "hincrbyfloat", ctx.arg(1));
  ctx.reply.bulk(text);
}

// ---- HRANDFIELD ----

// HRANDFIELD key count [WITHVALUES]; count was checked by the caller.
void hrandfield_count(CommandContext& ctx, int64_t count, bool withvalues) {
  Entry* e;
  if (!read_hash(ctx, &e)) return;
  if (!e || count == 0) {
    ctx.reply.array(0);
    return;
  }
  HashObject h(e);
  // RESP3 nests each field/value pair in an array of two; RESP2 gives one flat array.
  const bool nested = withvalues && ctx.reply.proto() >= 3;
  auto emit = [&](std::string_view field, std::string_view value) {
    if (nested) ctx.reply.array(2);
    ctx.reply.bulk(field);
    if (withvalues) ctx.reply.bulk(value);
  };
  auto header = [&](uint64_t n) { ctx.reply.array(withvalues && !nested ? n * 2 : n); };
  if (count < 0 || count == 1) {
    // Negative: picks with replacement, in random order (count 1 is the same thing).
    uint64_t n = count < 0 ? 0 - static_cast<uint64_t>(count) : 1;
    header(n);
    h.random_with_replacement(rng(), n, [&](std::string_view field, std::string_view value) {
      emit(field, value);
      return !ctx.client.close_asap();
    });
    return;
  }
  auto want = static_cast<uint64_t>(count);
  header(want < h.size() ? want : h.size());
  h.random_distinct(rng(), static_cast<size_t>(want < h.size() ? want : h.size()), emit);
}

void hrandfield(CommandContext& ctx) {
  if (ctx.argc() >= 3) {
    auto count = parse_int64(ctx.arg(2));
    if (!count) {
      ctx.reply.error(err::kNotInteger);
      return;
    }
    if (*count == INT64_MIN) {
      ctx.reply.error(kCountRange);
      return;
    }
    if (ctx.argc() > 4 || (ctx.argc() == 4 && !iequals(ctx.arg(3), "withvalues"))) {
      ctx.reply.error(err::kSyntax);
      return;
    }
    bool withvalues = ctx.argc() == 4;
    // The reply would hold 2*|count| elements: Redis refuses what overflows that.
    if (withvalues && (*count < -(INT64_MAX / 2) || *count > INT64_MAX / 2)) {
      ctx.reply.error(kValueOutOfRange);
      return;
    }
    hrandfield_count(ctx, *count, withvalues);
    return;
  }
  Entry* e;
  if (!read_hash(ctx, &e)) return;
  if (!e) {
    ctx.reply.null();
    return;
  }
  HashObject(e).random_one(
      rng(), [&](std::string_view field, std::string_view) { ctx.reply.bulk(field); });
}

// ---- HSCAN ----

void hscan(CommandContext& ctx) {
  uint64_t cursor;
  Entry* e;
  ElementScanOptions opt;
  if (!begin_element_scan(ctx, ObjType::kHash, &cursor, &e, &opt)) return;
  HashObject h(e);
  auto keep = [&opt](std::string_view field) { return opt.keep(field); };
  ctx.reply.array(2);
  if (h.is_listpack()) {
    // All at once with cursor 0, as Redis. Two passes: a listpack's integers are
    // formatted into buffers that live only as long as each callback.
    size_t n = 0;
    h.for_each([&](std::string_view field, std::string_view) { n += keep(field); });
    ctx.reply.bulk("0");
    ctx.reply.array(n * 2);
    h.for_each([&](std::string_view field, std::string_view value) {
      if (!keep(field)) return;
      ctx.reply.bulk(field);
      ctx.reply.bulk(value);
    });
    return;
  }
  // Views into the nodes: nothing changes the hash before the reply is written.
  std::vector<std::pair<std::string_view, std::string_view>> found;
  // Redis counts replied elements, two per field, and gives up after 10*COUNT buckets.
  size_t min_fields = opt.count / 2 + opt.count % 2;
  size_t max_buckets = opt.count > SIZE_MAX / 10 ? SIZE_MAX : opt.count * 10;
  uint64_t next =
      h.scan(cursor, min_fields, max_buckets, [&](std::string_view field, std::string_view value) {
        if (keep(field)) found.emplace_back(field, value);
      });
  // Redis 7.0 prints the cursor as a signed long long.
  ctx.reply.bulk_int(static_cast<int64_t>(next));
  ctx.reply.array(found.size() * 2);
  for (const auto& [field, value] : found) {
    ctx.reply.bulk(field);
    ctx.reply.bulk(value);
  }
}

constexpr std::string_view kWriteFast = "@write @hash @fast";
constexpr std::string_view kReadFast = "@read @hash @fast";
constexpr std::string_view kReadSlow = "@read @hash @slow";
constexpr std::string_view kAllComplexity = "O(N) where N is the size of the hash.";

const CommandSpec kHashCommands[] = {
    {"hset", -4, kWrite | kDenyOom | kFast, 1, 1, 1, hset, kWriteFast, "hash", "2.0.0",
     "Set the string value of a hash field",
     "O(1) for each field/value pair added, so O(N) to add N field/value pairs when the "
     "command is called with multiple field/value pairs."},
    {"hsetnx", 4, kWrite | kDenyOom | kFast, 1, 1, 1, hsetnx, kWriteFast, "hash", "2.0.0",
     "Set the value of a hash field, only if the field does not exist", "O(1)"},
    {"hget", 3, kReadonly | kFast, 1, 1, 1, hget, kReadFast, "hash", "2.0.0",
     "Get the value of a hash field", "O(1)"},
    {"hmset", -4, kWrite | kDenyOom | kFast, 1, 1, 1, hmset, kWriteFast, "hash", "2.0.0",
     "Set multiple hash fields to multiple values",
     "O(N) where N is the number of fields being set."},
    {"hmget", -3, kReadonly | kFast, 1, 1, 1, hmget, kReadFast, "hash", "2.0.0",
     "Get the values of all the given hash fields",
     "O(N) where N is the number of fields being requested."},
    {"hgetall", 2, kReadonly, 1, 1, 1, hgetall, kReadSlow, "hash", "2.0.0",
     "Get all the fields and values in a hash", kAllComplexity},
    {"hdel", -3, kWrite | kFast, 1, 1, 1, hdel, kWriteFast, "hash", "2.0.0",
     "Delete one or more hash fields", "O(N) where N is the number of fields to be removed."},
    {"hexists", 3, kReadonly | kFast, 1, 1, 1, hexists, kReadFast, "hash", "2.0.0",
     "Determine if a hash field exists", "O(1)"},
    {"hlen", 2, kReadonly | kFast, 1, 1, 1, hlen, kReadFast, "hash", "2.0.0",
     "Get the number of fields in a hash", "O(1)"},
    {"hkeys", 2, kReadonly, 1, 1, 1, hkeys, kReadSlow, "hash", "2.0.0",
     "Get all the fields in a hash", kAllComplexity},
    {"hvals", 2, kReadonly, 1, 1, 1, hvals, kReadSlow, "hash", "2.0.0",
     "Get all the values in a hash", kAllComplexity},
    {"hincrby", 4, kWrite | kDenyOom | kFast, 1, 1, 1, hincrby, kWriteFast, "hash", "2.0.0",
     "Increment the integer value of a hash field by the given number", "O(1)"},
    {"hincrbyfloat", 4, kWrite | kDenyOom | kFast, 1, 1, 1, hincrbyfloat, kWriteFast, "hash",
     "2.6.0", "Increment the float value of a hash field by the given amount", "O(1)"},
    {"hstrlen", 3, kReadonly | kFast, 1, 1, 1, hstrlen, kReadFast, "hash", "3.2.0",
     "Get the length of the value of a hash field", "O(1)"},
    {"hrandfield", -2, kReadonly, 1, 1, 1, hrandfield, kReadSlow, "hash", "6.2.0",
     "Get one or multiple random fields from a hash",
     "O(N) where N is the number of fields returned"},
    {"hscan", -3, kReadonly, 1, 1, 1, hscan, kReadSlow, "hash", "2.8.0",
     "Incrementally iterate hash fields and associated values",
     "O(1) for every call. O(N) for a complete iteration, including enough command calls for "
     "the cursor to return back to 0. N is the number of elements inside the collection.."},
};

}  // namespace

std::span<const CommandSpec> hash_commands() {
  return kHashCommands;
}

}  // namespace rkv::server

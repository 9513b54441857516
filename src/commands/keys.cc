// Generic keyspace family: DEL UNLINK EXISTS TYPE, the EXPIRE/TTL groups, PERSIST, RENAME,
// KEYS SCAN RANDOMKEY, MOVE COPY SWAPDB TOUCH and OBJECT.
//
// Lookups follow Redis's touch rules: introspection (TYPE EXISTS TTL OBJECT) must not reset
// a key's idle time, so those use Db::lookup_read_notouch.
#include <cctype>
#include <climits>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "commands/scan_cursor.h"
#include "server/client.h"
#include "server/command.h"
#include "server/errors.h"
#include "server/key_specs.h"
#include "server/notify.h"
#include "server/server.h"
#include "util/glob.h"
#include "util/numbers.h"
#include "util/strings.h"

namespace rkv::server {
namespace {

using store::Entry;

// Redis's getIntFromObjectOrReply: an int64 that also fits an int.
std::optional<int> parse_int(std::string_view s) {
  auto v = parse_int64(s);
  if (!v || *v < INT_MIN || *v > INT_MAX) return std::nullopt;
  return static_cast<int>(*v);
}

// A database index for MOVE/COPY, or an error reply (and nullopt).
std::optional<int> parse_db_index(CommandContext& ctx, std::string_view s) {
  auto wide = parse_int64(s);
  if (!wide) {
    ctx.reply.error(err::kNotInteger);
    return std::nullopt;
  }
  auto id = parse_int(s);
  if (!id) {
    ctx.reply.error("ERR value is out of range, value must between -2147483648 and 2147483647");
    return std::nullopt;
  }
  if (*id < 0 || *id >= ctx.server.db_count()) {
    ctx.reply.error(err::kDbIndex);
    return std::nullopt;
  }
  return id;
}

bool lfu_policy(const Server& server) {
  const std::string& p = server.config().maxmemory_policy;
  return p == "allkeys-lfu" || p == "volatile-lfu";
}

bool lru_or_lfu_policy(const Server& server) {
  const std::string& p = server.config().maxmemory_policy;
  return lfu_policy(server) || p == "allkeys-lru" || p == "volatile-lru";
}

// ---- DEL UNLINK EXISTS TYPE TOUCH ----

// DEL frees inline unless lazyfree-lazy-user-del; UNLINK hands big values to the lazy-free
// thread.
void delete_keys(CommandContext& ctx, store::FreeMode mode) {
  int64_t n = 0;
  for (size_t i = 1; i < ctx.argc(); i++) {
    if (ctx.db.lookup_write(ctx.arg(i)) && ctx.db.remove(ctx.arg(i), mode)) {
      ctx.key_modified(kNotifyGeneric, "del", ctx.arg(i));
      n++;
    }
  }
  ctx.reply.integer(n);
}

void del(CommandContext& ctx) {
  delete_keys(ctx, ctx.server.config().lazyfree_lazy_user_del ? store::FreeMode::kLazy
                                                              : store::FreeMode::kSync);
}

void unlink_cmd(CommandContext& ctx) {
  delete_keys(ctx, store::FreeMode::kLazy);
}

void exists(CommandContext& ctx) {
  int64_t n = 0;
  for (size_t i = 1; i < ctx.argc(); i++)
    if (ctx.db.lookup_read_notouch(ctx.arg(i))) n++;
  ctx.reply.integer(n);
}

void touch(CommandContext& ctx) {
  int64_t n = 0;
  for (size_t i = 1; i < ctx.argc(); i++)
    if (ctx.db.lookup_read(ctx.arg(i))) n++;
  ctx.reply.integer(n);
}

void type(CommandContext& ctx) {
  Entry* e = ctx.db.lookup_read_notouch(ctx.arg(1));
  ctx.reply.simple(e ? store::type_name(e->type()) : "none");
}

// ---- EXPIRE PEXPIRE EXPIREAT PEXPIREAT ----

enum ExpireFlag { kNx = 1, kXx = 2, kGt = 4, kLt = 8 };

// Parses NX/XX/GT/LT after the time argument; false after replying with the error.
bool parse_expire_flags(CommandContext& ctx, int* flags) {
  for (size_t i = 3; i < ctx.argc(); i++) {
    std::string_view opt = ctx.arg(i);
    if (iequals(opt, "nx")) {
      *flags |= kNx;
    } else if (iequals(opt, "xx")) {
      *flags |= kXx;
    } else if (iequals(opt, "gt")) {
      *flags |= kGt;
    } else if (iequals(opt, "lt")) {
      *flags |= kLt;
    } else {
      ctx.reply.error("ERR Unsupported option " + std::string(opt));
      return false;
    }
  }
  if ((*flags & kNx) && (*flags & (kXx | kGt | kLt))) {
    ctx.reply.error("ERR NX and XX, GT or LT options at the same time are not compatible");
    return false;
  }
  if ((*flags & kGt) && (*flags & kLt)) {
    ctx.reply.error("ERR GT and LT options at the same time are not compatible");
    return false;
  }
  return true;
}

// Whether the flags allow replacing current_ms (-1: no TTL, i.e. infinite) with when_ms.
bool expire_flags_allow(int flags, int64_t current_ms, int64_t when_ms) {
  if ((flags & kNx) && current_ms != -1) return false;
  if ((flags & kXx) && current_ms == -1) return false;
  if ((flags & kGt) && (current_ms == -1 || when_ms <= current_ms)) return false;
  if ((flags & kLt) && current_ms != -1 && when_ms >= current_ms) return false;
  return true;
}

void expire_generic(CommandContext& ctx, int64_t base_ms, bool seconds) {
  int flags = 0;
  if (!parse_expire_flags(ctx, &flags)) return;
  auto when = parse_int64(ctx.arg(2));
  if (!when) {
    ctx.reply.error(err::kNotInteger);
    return;
  }
  int64_t ms = *when;
  bool overflow = false;
  if (seconds) {
    overflow = ms > INT64_MAX / 1000 || ms < INT64_MIN / 1000;
    if (!overflow) ms *= 1000;
  }
  overflow = overflow || ms > INT64_MAX - base_ms;
  if (overflow) {
    std::string name = ctx.server.commands().find(ctx.arg(0))->full_name;
    ctx.reply.error("ERR invalid expire time in '" + name + "' command");
    return;
  }
  ms += base_ms;
  Entry* e = ctx.db.lookup_write(ctx.arg(1));
  if (!e) {
    ctx.reply.integer(0);
    return;
  }
  if (flags && !expire_flags_allow(flags, ctx.db.expire_of(e), ms)) {
    ctx.reply.integer(0);
    return;
  }
  // A time already past deletes at once (a DEL, not an expiry: expired_keys is unchanged).
  if (ms <= ctx.now_ms) {
    ctx.db.remove(ctx.arg(1));
    ctx.key_modified(kNotifyGeneric, "del", ctx.arg(1));
  } else {
    ctx.db.set_expire(e, ms);
    ctx.key_modified(kNotifyGeneric, "expire", ctx.arg(1));
  }
  ctx.reply.integer(1);
}

void expire(CommandContext& ctx) {
  expire_generic(ctx, ctx.now_ms, true);
}
void pexpire(CommandContext& ctx) {
  expire_generic(ctx, ctx.now_ms, false);
}
void expireat(CommandContext& ctx) {
  expire_generic(ctx, 0, true);
}
void pexpireat(CommandContext& ctx) {
  expire_generic(ctx, 0, false);
}

// ---- TTL PTTL EXPIRETIME PEXPIRETIME PERSIST ----

void ttl_generic(CommandContext& ctx, bool millis, bool absolute) {
  Entry* e = ctx.db.lookup_read_notouch(ctx.arg(1));
  if (!e) {
    ctx.reply.integer(-2);
    return;
  }
  int64_t when = ctx.db.expire_of(e);
  if (when == -1) {
    ctx.reply.integer(-1);
    return;
  }
  int64_t ms = absolute ? when : when - ctx.now_ms;
  if (ms < 0) ms = 0;
  ctx.reply.integer(millis ? ms : (ms + 500) / 1000);
}

void ttl(CommandContext& ctx) {
  ttl_generic(ctx, false, false);
}
void pttl(CommandContext& ctx) {
  ttl_generic(ctx, true, false);
}
void expiretime(CommandContext& ctx) {
  ttl_generic(ctx, false, true);
}
void pexpiretime(CommandContext& ctx) {
  ttl_generic(ctx, true, true);
}

void persist(CommandContext& ctx) {
  Entry* e = ctx.db.lookup_write(ctx.arg(1));
  if (!e || !ctx.db.persist(e)) {
    ctx.reply.integer(0);
    return;
  }
  ctx.key_modified(kNotifyGeneric, "persist", ctx.arg(1));
  ctx.reply.integer(1);
}

// ---- RENAME RENAMENX ----

void rename_generic(CommandContext& ctx, bool nx) {
  std::string_view from = ctx.arg(1), to = ctx.arg(2);
  if (!ctx.db.lookup_write(from)) {
    ctx.reply.error(err::kNoSuchKey);
    return;
  }
  if (from == to) {
    if (nx)
      ctx.reply.integer(0);
    else
      ctx.reply.ok();
    return;
  }
  if (ctx.db.lookup_write(to)) {
    if (nx) {
      ctx.reply.integer(0);
      return;
    }
    ctx.db.remove(to);
  }
  int64_t expire_ms;
  // Removed first, then added: the destination is "new" even when it existed (Redis).
  Entry* e = Entry::rekey(ctx.db.detach(from, &expire_ms), to);
  ctx.db.add_moved(e);
  if (expire_ms != -1) ctx.db.set_expire(e, expire_ms);
  ctx.key_modified(kNotifyGeneric, "rename_from", from);
  ctx.server.signal_modified_key(ctx.db.id(), to);
  ctx.notify(kNotifyGeneric, "rename_to", to);
  if (nx)
    ctx.reply.integer(1);
  else
    ctx.reply.ok();
}

void rename(CommandContext& ctx) {
  rename_generic(ctx, false);
}
void renamenx(CommandContext& ctx) {
  rename_generic(ctx, true);
}

// ---- KEYS SCAN RANDOMKEY ----

void keys(CommandContext& ctx) {
  std::string_view pattern = ctx.arg(1);
  bool all = pattern == "*";
  std::vector<std::string_view> found;
  ctx.db.for_each([&](const Entry& e) {
    if ((all || glob_match(pattern, e.key())) && !ctx.db.is_expired(&e)) found.push_back(e.key());
  });
  ctx.reply.array(found.size());
  for (std::string_view k : found) ctx.reply.bulk(k);
}

struct ScanOptions : ElementScanOptions {
  std::string_view type;
  bool use_type = false;
};

// Parses COUNT/MATCH/TYPE from argv[2..]; false after replying with the error.
bool parse_scan_options(CommandContext& ctx, ScanOptions* opt) {
  for (size_t i = 2; i < ctx.argc(); i += 2) {
    ScanOption r = take_match_or_count(ctx, i, opt);
    if (r == ScanOption::kTaken) continue;
    if (r == ScanOption::kError) return false;
    if (i + 1 < ctx.argc() && iequals(ctx.arg(i), "type")) {
      opt->type = ctx.arg(i + 1);
      opt->use_type = true;
    } else {
      ctx.reply.error(err::kSyntax);
      return false;
    }
  }
  return true;
}

// Whether a key collected by a scan step is reported. Expired keys are deleted here,
// after the step, because the table must not change while Dict::scan walks a bucket.
bool scan_keeps(CommandContext& ctx, const ScanOptions& opt, std::string_view key) {
  if (!opt.keep(key)) return false;
  if (opt.use_type) {
    Entry* e = ctx.db.lookup_read_notouch(key);
    if (!iequals(opt.type, e ? store::type_name(e->type()) : "none")) return false;
  }
  // Like Redis's expireIfNeeded: drop expired keys without touching live ones.
  Entry* e = ctx.db.peek(key);
  if (!e) return false;
  if (ctx.db.is_expired(e)) {
    ctx.db.lookup_write(key);
    return false;
  }
  return true;
}

void scan(CommandContext& ctx) {
  auto cursor = parse_scan_cursor(ctx.arg(1));
  if (!cursor) {
    ctx.reply.error("ERR invalid cursor");
    return;
  }
  ScanOptions opt;
  if (!parse_scan_options(ctx, &opt)) return;
  std::vector<std::string> collected;
  // Like Redis: stop once COUNT keys are in hand or after 10*COUNT buckets.
  size_t max_steps = opt.count > SIZE_MAX / 10 ? SIZE_MAX : opt.count * 10;
  uint64_t v = *cursor;
  do {
    v = ctx.db.scan(v, [&](const Entry& e) { collected.emplace_back(e.key()); });
  } while (v != 0 && max_steps-- > 0 && collected.size() < opt.count);
  std::vector<std::string_view> keep;
  for (const std::string& k : collected)
    if (scan_keeps(ctx, opt, k)) keep.push_back(k);
  ctx.reply.array(2);
  // Redis 7.0 prints the cursor as a signed long long.
  ctx.reply.bulk_int(static_cast<int64_t>(v));
  ctx.reply.array(keep.size());
  for (std::string_view k : keep) ctx.reply.bulk(k);
}

void randomkey(CommandContext& ctx) {
  Entry* e = ctx.db.random_entry();
  if (e)
    ctx.reply.bulk(e->key());
  else
    ctx.reply.null();
}

// ---- MOVE COPY SWAPDB ----

void move(CommandContext& ctx) {
  auto dst_id = parse_db_index(ctx, ctx.arg(2));
  if (!dst_id) return;
  store::Db& dst = ctx.server.db(*dst_id);
  if (&dst == &ctx.db) {
    ctx.reply.error(err::kSameObject);
    return;
  }
  std::string_view key = ctx.arg(1);
  if (!ctx.db.lookup_write(key) || dst.lookup_write(key)) {
    ctx.reply.integer(0);
    return;
  }
  int64_t expire_ms;
  Entry* e = ctx.db.detach(key, &expire_ms);
  dst.add_moved(e);
  if (expire_ms != -1) dst.set_expire(e, expire_ms);
  ctx.key_modified(kNotifyGeneric, "move_from", key);
  ctx.server.signal_modified_key(dst.id(), key);
  ctx.server.notify_keyspace_event(kNotifyGeneric, "move_to", key, dst.id());
  ctx.reply.integer(1);
}

void copy(CommandContext& ctx) {
  store::Db* dst = &ctx.db;
  bool replace = false;
  for (size_t i = 3; i < ctx.argc(); i++) {
    if (iequals(ctx.arg(i), "replace")) {
      replace = true;
    } else if (iequals(ctx.arg(i), "db") && i + 1 < ctx.argc()) {
      auto id = parse_db_index(ctx, ctx.arg(++i));
      if (!id) return;
      dst = &ctx.server.db(*id);
    } else {
      ctx.reply.error(err::kSyntax);
      return;
    }
  }
  std::string_view from = ctx.arg(1), to = ctx.arg(2);
  if (dst == &ctx.db && from == to) {
    ctx.reply.error(err::kSameObject);
    return;
  }
  Entry* src = ctx.db.lookup_read(from);
  if (!src) {
    ctx.reply.integer(0);
    return;
  }
  if (dst->lookup_write(to)) {
    if (!replace) {
      ctx.reply.integer(0);
      return;
    }
    dst->remove(to);
  }
  Entry* e = Entry::clone_with_key(*src, to);
  if (!e) {
    ctx.reply.error("ERR COPY is not supported for this value type yet");
    return;
  }
  int64_t expire_ms = ctx.db.expire_of(src);
  dst->add(e);
  if (expire_ms != -1) dst->set_expire(e, expire_ms);
  // The event is the destination's, in its db.
  ctx.server.signal_modified_key(dst->id(), to);
  ctx.server.add_dirty(1);
  ctx.server.notify_keyspace_event(kNotifyGeneric, "copy_to", to, dst->id());
  ctx.reply.integer(1);
}

void swapdb(CommandContext& ctx) {
  auto a = parse_int(ctx.arg(1));
  if (!a) {
    ctx.reply.error("ERR invalid first DB index");
    return;
  }
  auto b = parse_int(ctx.arg(2));
  if (!b) {
    ctx.reply.error("ERR invalid second DB index");
    return;
  }
  int n = ctx.server.db_count();
  if (*a < 0 || *a >= n || *b < 0 || *b >= n) {
    ctx.reply.error(err::kDbIndex);
    return;
  }
  // Clients keep their db index, so swapping the contents is what SWAPDB means.
  if (*a != *b) {
    ctx.server.signal_swapped_dbs(*a, *b);
    ctx.server.db(*a).swap_contents(ctx.server.db(*b));
    ctx.server.signal_blocked_keys_in_db(*a);
    ctx.server.signal_blocked_keys_in_db(*b);
  }
  ctx.server.add_dirty(1);  // even for a db swapped with itself, as Redis counts it
  ctx.reply.ok();
}

// ---- OBJECT ----

constexpr std::string_view kPolicySwitchNote =
    " Please note that when switching between policies at runtime LRU and LFU data will take "
    "some time to adjust.";

// The key for an OBJECT subcommand, or a null reply when it is missing.
Entry* object_lookup(CommandContext& ctx) {
  // Like Redis's objectCommandLookup: a miss counts, but fires no "keymiss".
  Entry* e = ctx.db.lookup_read_notouch(ctx.arg(2), /*report_miss=*/false);
  if (!e) ctx.reply.null();
  return e;
}

void object_encoding(CommandContext& ctx) {
  if (Entry* e = object_lookup(ctx)) ctx.reply.bulk(store::encoding_name(e->encoding()));
}

void object_idletime(CommandContext& ctx) {
  Entry* e = object_lookup(ctx);
  if (!e) return;
  if (lfu_policy(ctx.server)) {
    ctx.reply.error("ERR An LFU maxmemory policy is selected, idle time not tracked." +
                    std::string(kPolicySwitchNote));
    return;
  }
  constexpr uint32_t kLruMax = (1u << 24) - 1;
  uint32_t now = ctx.db.lru_clock(), then = e->lru();
  // The 24-bit clock wraps every 194 days.
  uint64_t idle = now >= then ? now - then : now + (kLruMax - then);
  ctx.reply.integer(static_cast<int64_t>(idle));
}

void object_freq(CommandContext& ctx) {
  Entry* e = object_lookup(ctx);
  if (!e) return;
  if (!lfu_policy(ctx.server)) {
    ctx.reply.error("ERR An LFU maxmemory policy is not selected, access frequency not tracked." +
                    std::string(kPolicySwitchNote));
    return;
  }
  ctx.reply.integer(ctx.db.lfu_counter(*e));
}

void object_refcount(CommandContext& ctx) {
  Entry* e = object_lookup(ctx);
  if (!e) return;
  // Redis shares the integers 0..9999 (refcount INT_MAX) unless an LRU/LFU maxmemory
  // policy needs per-key access data.
  bool shared_int = e->encoding() == store::Encoding::kInt && e->int_value() >= 0 &&
                    e->int_value() < 10000 &&
                    (ctx.server.config().maxmemory == 0 || !lru_or_lfu_policy(ctx.server));
  ctx.reply.integer(shared_int ? INT_MAX : 1);
}

void object_help(CommandContext& ctx) {
  static constexpr std::string_view kLines[] = {
      "ENCODING <key>",
      "    Return the kind of internal representation used in order to store the value",
      "    associated with a <key>.",
      "FREQ <key>",
      "    Return the access frequency index of the <key>. The returned integer is",
      "    proportional to the logarithm of the recent access frequency of the key.",
      "IDLETIME <key>",
      "    Return the idle time of the <key>, that is the approximated number of",
      "    seconds elapsed since the last access to the key.",
      "REFCOUNT <key>",
      "    Return the number of references of the value associated with the specified",
      "    <key>.",
  };
  reply_help(ctx.reply, "OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:", kLines);
}

constexpr std::string_view kWriteFast = "@keyspace @write @fast";
constexpr std::string_view kReadFast = "@keyspace @read @fast";
constexpr std::string_view kReadSlow = "@keyspace @read @slow";

const CommandSpec kObjectSubcommands[] = {
    {"encoding", 3, kReadonly, 2, 2, 1, object_encoding, kReadSlow, "generic", "2.2.3",
     "Inspect the internal encoding of a Redis object", "O(1)"},
    {"freq", 3, kReadonly, 2, 2, 1, object_freq, kReadSlow, "generic", "4.0.0",
     "Get the logarithmic access frequency counter of a Redis object", "O(1)"},
    {"idletime", 3, kReadonly, 2, 2, 1, object_idletime, kReadSlow, "generic", "2.2.3",
     "Get the time since a Redis object was last accessed", "O(1)"},
    {"refcount", 3, kReadonly, 2, 2, 1, object_refcount, kReadSlow, "generic", "2.2.3",
     "Get the number of references to the value of the key", "O(1)"},
    {"help", 2, kLoading | kStale, 0, 0, 0, object_help, "@keyspace @slow", "generic", "6.2.0",
     "Show helpful text about the different subcommands", "O(1)"},
};

const CommandSpec kKeysCommands[] = {
    {"del", -2, kWrite, 1, -1, 1, del, "@keyspace @write @slow", "generic", "1.0.0", "Delete a key",
     "O(N) where N is the number of keys that will be removed. When a key to remove holds a "
     "value other than a string, the individual complexity for this key is O(M) where M is the "
     "number of elements in the list, set, sorted set or hash. Removing a single key that holds "
     "a string value is O(1)."},
    {"unlink", -2, kWrite | kFast, 1, -1, 1, unlink_cmd, kWriteFast, "generic", "4.0.0",
     "Delete a key asynchronously in another thread. Otherwise it is just as DEL, but non "
     "blocking.",
     "O(1) for each key removed regardless of its size. Then the command does O(N) work in a "
     "different thread in order to reclaim memory, where N is the number of allocations the "
     "deleted objects where composed of."},
    {"exists", -2, kReadonly | kFast, 1, -1, 1, exists, kReadFast, "generic", "1.0.0",
     "Determine if a key exists", "O(N) where N is the number of keys to check."},
    {"type", 2, kReadonly | kFast, 1, 1, 1, type, kReadFast, "generic", "1.0.0",
     "Determine the type stored at key", "O(1)"},
    {"expire", -3, kWrite | kFast, 1, 1, 1, expire, kWriteFast, "generic", "1.0.0",
     "Set a key's time to live in seconds", "O(1)"},
    {"pexpire", -3, kWrite | kFast, 1, 1, 1, pexpire, kWriteFast, "generic", "2.6.0",
     "Set a key's time to live in milliseconds", "O(1)"},
    {"expireat", -3, kWrite | kFast, 1, 1, 1, expireat, kWriteFast, "generic", "1.2.0",
     "Set the expiration for a key as a UNIX timestamp", "O(1)"},
    {"pexpireat", -3, kWrite | kFast, 1, 1, 1, pexpireat, kWriteFast, "generic", "2.6.0",
     "Set the expiration for a key as a UNIX timestamp specified in milliseconds", "O(1)"},
    {"ttl", 2, kReadonly | kFast, 1, 1, 1, ttl, kReadFast, "generic", "1.0.0",
     "Get the time to live for a key in seconds", "O(1)"},
    {"pttl", 2, kReadonly | kFast, 1, 1, 1, pttl, kReadFast, "generic", "2.6.0",
     "Get the time to live for a key in milliseconds", "O(1)"},
    {"expiretime", 2, kReadonly | kFast, 1, 1, 1, expiretime, kReadFast, "generic", "7.0.0",
     "Get the expiration Unix timestamp for a key", "O(1)"},
    {"pexpiretime", 2, kReadonly | kFast, 1, 1, 1, pexpiretime, kReadFast, "generic", "7.0.0",
     "Get the expiration Unix timestamp for a key in milliseconds", "O(1)"},
    {"persist", 2, kWrite | kFast, 1, 1, 1, persist, kWriteFast, "generic", "2.2.0",
     "Remove the expiration from a key", "O(1)"},
    {"rename", 3, kWrite, 1, 2, 1, rename, "@keyspace @write @slow", "generic", "1.0.0",
     "Rename a key", "O(1)", kNoSubcommands, kKeysRename},
    {"renamenx", 3, kWrite | kFast, 1, 2, 1, renamenx, kWriteFast, "generic", "1.0.0",
     "Rename a key, only if the new key does not exist", "O(1)", kNoSubcommands, kKeysRenamenx},
    {"keys", 2, kReadonly, 0, 0, 0, keys, "@keyspace @read @slow @dangerous", "generic", "1.0.0",
     "Find all keys matching the given pattern",
     "O(N) with N being the number of keys in the database, under the assumption that the key "
     "names in the database and the given pattern have limited length."},
    {"scan", -2, kReadonly, 0, 0, 0, scan, kReadSlow, "generic", "2.8.0",
     "Incrementally iterate the keys space",
     "O(1) for every call. O(N) for a complete iteration, including enough command calls for "
     "the cursor to return back to 0. N is the number of elements inside the collection."},
    {"randomkey", 1, kReadonly, 0, 0, 0, randomkey, kReadSlow, "generic", "1.0.0",
     "Return a random key from the keyspace", "O(1)"},
    {"move", 3, kWrite | kFast, 1, 1, 1, move, kWriteFast, "generic", "1.0.0",
     "Move a key to another database", "O(1)"},
    {"copy", -3, kWrite | kDenyOom, 1, 2, 1, copy, "@keyspace @write @slow", "generic", "6.2.0",
     "Copy a key",
     "O(N) worst case for collections, where N is the number of nested items. O(1) for string "
     "values.",
     kNoSubcommands, kKeysCopy},
    {"touch", -2, kReadonly | kFast, 1, -1, 1, touch, kReadFast, "generic", "3.2.1",
     "Alters the last access time of a key(s). Returns the number of existing keys specified.",
     "O(N) where N is the number of keys that will be touched."},
    {"swapdb", 3, kWrite | kFast, 0, 0, 0, swapdb, "@keyspace @write @fast @dangerous", "generic",
     "4.0.0", "Swaps two Redis databases",
     "O(N) where N is the count of clients watching or blocking on keys from both databases."},
    {"object", -2, 0, 0, 0, 0, reply_container_fallback, "@slow", "generic", "2.2.3",
     "A container for object introspection commands", "Depends on subcommand.", kObjectSubcommands},
};

}  // namespace

std::span<const CommandSpec> keys_commands() {
  return kKeysCommands;
}

}  // namespace rkv::server

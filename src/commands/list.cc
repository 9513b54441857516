// List family: LPUSH RPUSH LPUSHX RPUSHX LPOP RPOP LLEN LRANGE LINDEX LSET LREM LTRIM
// LINSERT LPOS LMOVE RPOPLPUSH LMPOP, and the blocking BLPOP BRPOP BLMOVE BRPOPLPUSH
// BLMPOP (server/blocking.h: with nothing to pop they park the client and run again once
// a push creates one of their keys).
//
// Argument checks run in Redis 7.0's order (which argument is parsed before the key
// lookup decides which error a client sees); the encodings and their conversions live
// in store/list.h. A list that becomes empty is deleted at once, as in Redis.
#include <algorithm>
#include <string>

#include "commands/int_args.h"
#include "commands/typed_lookup.h"
#include "server/blocking.h"
#include "server/client.h"
#include "server/command.h"
#include "server/errors.h"
#include "server/key_specs.h"
#include "server/notify.h"
#include "server/server.h"
#include "store/list.h"
#include "util/numbers.h"
#include "util/strings.h"

namespace rkv::server {
namespace {

using store::Entry;
using store::ListEnd;
using store::ObjType;
namespace list = store::list;

store::ListConfig list_config(CommandContext& ctx) {
  const Config& c = ctx.server.config();
  return {c.list_max_listpack_size, c.list_compress_depth};
}

// Every push into a list, by any command, lands here, and so does every list key's
// creation. A new list joins the keyspace only once it holds its elements: Db::add is
// what tells clients blocked on the key (BLPOP & co) that it became ready.
// Returns the entry (created when e is nullptr).
Entry* push_values(CommandContext& ctx, std::string_view key, Entry* e, ListEnd end,
                   std::span<const std::string_view> values) {
  if (e) {
    list::push(*e, end, values, list_config(ctx));
    return e;
  }
  e = list::create(key);
  list::push(*e, end, values, list_config(ctx));
  ctx.db.add(e);
  return e;
}

// Deletes a list key left empty by a removal (with its "del" event); true when it did.
bool remove_if_empty(CommandContext& ctx, std::string_view key, const Entry* e) {
  if (list::size(*e) != 0) return false;
  ctx.remove_emptied(key);
  return true;
}

std::string_view pop_event(ListEnd end) {
  return end == ListEnd::kHead ? "lpop" : "rpop";
}
std::string_view push_event(ListEnd end) {
  return end == ListEnd::kHead ? "lpush" : "rpush";
}

// After elements left one end of the list at key: its pop event, then "del" when that
// emptied it (the key is deleted); `counted` changes (Redis's listElementsRemoved counts
// one per element).
void elements_removed(CommandContext& ctx, std::string_view key, const Entry* e, ListEnd end,
                      size_t counted) {
  ctx.server.signal_modified_key(ctx.db.id(), key);
  ctx.server.add_dirty(counted);
  ctx.notify(kNotifyList, pop_event(end), key);
  remove_if_empty(ctx, key, e);
}

// Whether this run serves a client a push woke up. Redis 7.0 serves a woken BLPOP, BRPOP,
// BLMOVE or BRPOPLPUSH outside the command path, firing its events but counting no
// change (a woken BLMPOP takes the usual path and counts).
bool woken(const CommandContext& ctx) {
  return ctx.client.blocked != nullptr;
}

// LEFT / RIGHT (any case) for LMOVE and LMPOP; false after a syntax error.
bool parse_end(CommandContext& ctx, std::string_view arg, ListEnd* end) {
  if (iequals(arg, "left")) {
    *end = ListEnd::kHead;
  } else if (iequals(arg, "right")) {
    *end = ListEnd::kTail;
  } else {
    ctx.reply.error(err::kSyntax);
    return false;
  }
  return true;
}

// Replies `n` elements starting at `index`, toward the tail (forward) or the head.
void reply_elements(CommandContext& ctx, const Entry& e, size_t index, size_t n, bool forward) {
  ctx.reply.array(n);
  if (n == 0) return;
  store::Listpack::Scratch scratch;
  list::Reader r(e, index, forward);
  for (size_t i = 0; i < n; i++, r.advance()) ctx.reply.bulk(r.value(scratch).sv);
}

std::string element_at(const Entry& e, size_t index) {
  store::Listpack::Scratch scratch;
  list::Reader r(e, index, true);
  return std::string(r.value(scratch).sv);
}

// ---- pushes ---------------------------------------------------------------------------

void push_generic(CommandContext& ctx, ListEnd end, bool only_existing) {
  Entry* e;
  if (!lookup_write_typed(ctx, ctx.arg(1), ObjType::kList, &e)) return;
  if (!e && only_existing) {
    ctx.reply.integer(0);
    return;
  }
  e = push_values(ctx, ctx.arg(1), e, end, ctx.argv.subspan(2));
  ctx.key_modified(kNotifyList, push_event(end), ctx.arg(1));
  ctx.server.add_dirty(ctx.argc() - 3);
  ctx.reply.integer(static_cast<int64_t>(list::size(*e)));
}

void lpush(CommandContext& ctx) {
  push_generic(ctx, ListEnd::kHead, false);
}
void rpush(CommandContext& ctx) {
  push_generic(ctx, ListEnd::kTail, false);
}
void lpushx(CommandContext& ctx) {
  push_generic(ctx, ListEnd::kHead, true);
}
void rpushx(CommandContext& ctx) {
  push_generic(ctx, ListEnd::kTail, true);
}

// ---- pops -----------------------------------------------------------------------------

// Pops up to `count` elements from one end of a non-empty list, replying them as an
// array (from the end inward), and deletes the key if it empties.
void pop_and_reply(CommandContext& ctx, std::string_view key, Entry* e, ListEnd end, size_t count) {
  size_t len = list::size(*e);
  size_t n = std::min(count, len);
  size_t start = end == ListEnd::kHead ? 0 : len - n;
  reply_elements(ctx, *e, end == ListEnd::kHead ? 0 : len - 1, n, end == ListEnd::kHead);
  list::erase(*e, start, n, list_config(ctx));
  elements_removed(ctx, key, e, end, n);
}

void pop_generic(CommandContext& ctx, ListEnd end) {
  if (ctx.argc() > 3) {
    ctx.reply.error("ERR wrong number of arguments for '" +
                    std::string(end == ListEnd::kHead ? "lpop" : "rpop") + "' command");
    return;
  }
  const bool has_count = ctx.argc() == 3;
  int64_t count = 0;
  if (has_count && !parse_long_in(ctx, ctx.arg(2), 0, INT64_MAX, &count,
                                  "ERR value is out of range, must be positive"))
    return;
  std::string_view key = ctx.arg(1);
  Entry* e;
  if (!lookup_write_typed(ctx, key, ObjType::kList, &e)) return;
  if (!e) {
    if (has_count)
      ctx.reply.null_array();
    else
      ctx.reply.null();
    return;
  }
  if (has_count && count == 0) {
    ctx.reply.array(0);
    return;
  }
  if (has_count) {
    pop_and_reply(ctx, key, e, end, static_cast<size_t>(count));
    return;
  }
  size_t len = list::size(*e);
  size_t index = end == ListEnd::kHead ? 0 : len - 1;
  {
    store::Listpack::Scratch scratch;
    list::Reader r(*e, index, true);
    ctx.reply.bulk(r.value(scratch).sv);
  }
  list::erase(*e, index, 1, list_config(ctx));
  elements_removed(ctx, key, e, end, 1);
}

void lpop(CommandContext& ctx) {
  pop_generic(ctx, ListEnd::kHead);
}
void rpop(CommandContext& ctx) {
  pop_generic(ctx, ListEnd::kTail);
}

// [B]LMPOP [timeout] numkeys key [key ...] LEFT|RIGHT [COUNT count]; numkeys at argv[first].
// timeout_ms < 0: LMPOP, which answers null where BLMPOP blocks.
void lmpop_generic(CommandContext& ctx, size_t first, int64_t timeout_ms) {
  int64_t numkeys;
  if (!parse_long_in(ctx, ctx.arg(first), 1, INT64_MAX, &numkeys,
                     "ERR numkeys should be greater than 0"))
    return;
  // The keys follow numkeys, LEFT|RIGHT follows them.
  if (static_cast<uint64_t>(numkeys) >= ctx.argc() - first - 1) {
    ctx.reply.error(err::kSyntax);
    return;
  }
  const size_t where_idx = first + 1 + static_cast<size_t>(numkeys);
  ListEnd end;
  if (!parse_end(ctx, ctx.arg(where_idx), &end)) return;
  int64_t count = -1;
  for (size_t j = where_idx + 1; j < ctx.argc(); j++) {
    if (count == -1 && iequals(ctx.arg(j), "count") && j + 1 < ctx.argc()) {
      if (!parse_long_in(ctx, ctx.arg(++j), 1, INT64_MAX, &count,
                         "ERR count should be greater than 0"))
        return;
    } else {
      ctx.reply.error(err::kSyntax);
      return;
    }
  }
  if (count == -1) count = 1;
  const auto keys = ctx.argv.subspan(first + 1, static_cast<size_t>(numkeys));
  for (std::string_view key : keys) {
    Entry* e;
    if (!lookup_write_typed(ctx, key, ObjType::kList, &e)) return;
    if (!e) continue;
    ctx.reply.array(2);
    ctx.reply.bulk(key);
    pop_and_reply(ctx, key, e, end, static_cast<size_t>(count));
    return;
  }
  if (timeout_ms < 0)
    ctx.reply.null_array();
  else
    ctx.server.block_client(ctx, keys, ObjType::kList, timeout_ms);
}

void lmpop(CommandContext& ctx) {
  lmpop_generic(ctx, 1, -1);
}

void blmpop(CommandContext& ctx) {
  int64_t timeout;
  if (!parse_block_timeout(ctx.arg(1), ctx.reply, &timeout)) return;
  lmpop_generic(ctx, 2, timeout);
}

// BLPOP / BRPOP key [key ...] timeout: [key, element] from the first non-empty list.
void bpop_generic(CommandContext& ctx, ListEnd end) {
  int64_t timeout;
  if (!parse_block_timeout(ctx.arg(ctx.argc() - 1), ctx.reply, &timeout)) return;
  const auto keys = ctx.argv.subspan(1, ctx.argc() - 2);
  for (std::string_view key : keys) {
    Entry* e;
    if (!lookup_write_typed(ctx, key, ObjType::kList, &e)) return;
    if (!e) continue;
    const size_t index = end == ListEnd::kHead ? 0 : list::size(*e) - 1;
    ctx.reply.array(2);
    ctx.reply.bulk(key);
    {
      store::Listpack::Scratch scratch;
      list::Reader r(*e, index, true);
      ctx.reply.bulk(r.value(scratch).sv);
    }
    list::erase(*e, index, 1, list_config(ctx));
    elements_removed(ctx, key, e, end, woken(ctx) ? 0 : 1);
    return;
  }
  ctx.server.block_client(ctx, keys, ObjType::kList, timeout);
}

void blpop(CommandContext& ctx) {
  bpop_generic(ctx, ListEnd::kHead);
}
void brpop(CommandContext& ctx) {
  bpop_generic(ctx, ListEnd::kTail);
}

// ---- reads ----------------------------------------------------------------------------

void llen(CommandContext& ctx) {
  Entry* e;
  if (!lookup_read_typed(ctx, ctx.arg(1), ObjType::kList, &e)) return;
  ctx.reply.integer(e ? static_cast<int64_t>(list::size(*e)) : 0);
}

void lrange(CommandContext& ctx) {
  int64_t start, stop;
  if (!parse_long(ctx, ctx.arg(2), &start) || !parse_long(ctx, ctx.arg(3), &stop)) return;
  Entry* e;
  if (!lookup_read_typed(ctx, ctx.arg(1), ObjType::kList, &e)) return;
  if (!e) {
    ctx.reply.array(0);
    return;
  }
  const auto len = static_cast<int64_t>(list::size(*e));
  if (start < 0) start += len;
  if (stop < 0) stop += len;
  if (start < 0) start = 0;
  if (start > stop || start >= len) {
    ctx.reply.array(0);
    return;
  }
  if (stop >= len) stop = len - 1;
  reply_elements(ctx, *e, static_cast<size_t>(start), static_cast<size_t>(stop - start + 1), true);
}

void lindex(CommandContext& ctx) {
  Entry* e;
  if (!lookup_read_typed(ctx, ctx.arg(1), ObjType::kList, &e)) return;
  if (!e) {
    ctx.reply.null();
    return;
  }
  int64_t index;
  if (!parse_long(ctx, ctx.arg(2), &index)) return;
  const auto len = static_cast<int64_t>(list::size(*e));
  if (index < 0) index += len;
  if (index < 0 || index >= len) {
    ctx.reply.null();
    return;
  }
  store::Listpack::Scratch scratch;
  list::Reader r(*e, static_cast<size_t>(index), true);
  ctx.reply.bulk(r.value(scratch).sv);
}

// LPOS key element [RANK rank] [COUNT num-matches] [MAXLEN len]
void lpos(CommandContext& ctx) {
  int64_t rank = 1, count = -1, maxlen = 0;  // count -1: no COUNT option
  for (size_t j = 3; j < ctx.argc(); j++) {
    std::string_view opt = ctx.arg(j);
    const bool more = j + 1 < ctx.argc();
    if (iequals(opt, "rank") && more) {
      if (!parse_long(ctx, ctx.arg(++j), &rank)) return;
      if (rank == 0) {
        ctx.reply.error(
            "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... "
            "or use negative to start from the end of the list");
        return;
      }
    } else if (iequals(opt, "count") && more) {
      if (!parse_long_in(ctx, ctx.arg(++j), 0, INT64_MAX, &count, "ERR COUNT can't be negative"))
        return;
    } else if (iequals(opt, "maxlen") && more) {
      if (!parse_long_in(ctx, ctx.arg(++j), 0, INT64_MAX, &maxlen, "ERR MAXLEN can't be negative"))
        return;
    } else {
      ctx.reply.error(err::kSyntax);
      return;
    }
  }
  // A negative rank searches from the tail. Redis negates it in two's complement, so
  // RANK -9223372036854775808 stays negative: it then means "from the first match" and
  // its wrapped COUNT test never stops the search. The unsigned arithmetic below keeps
  // that answer.
  const bool from_tail = rank < 0;
  if (from_tail) rank = static_cast<int64_t>(0 - static_cast<uint64_t>(rank));
  Entry* e;
  if (!lookup_read_typed(ctx, ctx.arg(1), ObjType::kList, &e)) return;
  if (!e) {
    if (count != -1)
      ctx.reply.array(0);
    else
      ctx.reply.null();
    return;
  }
  std::string_view element = ctx.arg(2);
  const auto len = static_cast<int64_t>(list::size(*e));
  size_t deferred = count != -1 ? ctx.reply.begin_deferred() : 0;
  int64_t matches = 0, found = -1;
  size_t replied = 0;
  list::Reader r(*e, from_tail ? static_cast<size_t>(len - 1) : 0, !from_tail);
  for (int64_t i = 0; r.valid() && (maxlen == 0 || i < maxlen); i++, r.advance()) {
    if (!r.equals(element)) continue;
    matches++;
    if (matches < rank) continue;
    found = from_tail ? len - 1 - i : i;
    if (count == -1) break;
    ctx.reply.integer(found);
    replied++;
    const auto past_rank =
        static_cast<int64_t>(static_cast<uint64_t>(matches) - static_cast<uint64_t>(rank) + 1);
    if (count != 0 && past_rank >= count) break;
  }
  if (count != -1)
    ctx.reply.end_deferred(deferred, resp::Reply::Aggregate::kArray, replied);
  else if (found != -1)
    ctx.reply.integer(found);
  else
    ctx.reply.null();
}

// ---- edits ----------------------------------------------------------------------------

void lset(CommandContext& ctx) {
  Entry* e;
  if (!lookup_write_typed(ctx, ctx.arg(1), ObjType::kList, &e)) return;
  if (!e) {
    ctx.reply.error(err::kNoSuchKey);
    return;
  }
  int64_t index;
  if (!parse_long(ctx, ctx.arg(2), &index)) return;
  const auto len = static_cast<int64_t>(list::size(*e));
  if (index < 0) index += len;
  if (index < 0 || index >= len) {
    ctx.reply.error(err::kOutOfRange);
    return;
  }
  list::set(*e, static_cast<size_t>(index), ctx.arg(3), list_config(ctx));
  ctx.key_modified(kNotifyList, "lset", ctx.arg(1));
  ctx.reply.ok();
}

void lrem(CommandContext& ctx) {
  int64_t count;
  if (!parse_long(ctx, ctx.arg(2), &count)) return;
  Entry* e;
  if (!lookup_write_typed(ctx, ctx.arg(1), ObjType::kList, &e)) return;
  if (!e) {
    ctx.reply.integer(0);
    return;
  }
  size_t removed = list::remove(*e, ctx.arg(3), count, list_config(ctx));
  if (removed) {
    ctx.key_modified(kNotifyList, "lrem", ctx.arg(1), removed);
  }
  remove_if_empty(ctx, ctx.arg(1), e);
  ctx.reply.integer(static_cast<int64_t>(removed));
}

void ltrim(CommandContext& ctx) {
  int64_t start, stop;
  if (!parse_long(ctx, ctx.arg(2), &start) || !parse_long(ctx, ctx.arg(3), &stop)) return;
  Entry* e;
  if (!lookup_write_typed(ctx, ctx.arg(1), ObjType::kList, &e)) return;
  if (!e) {
    ctx.reply.ok();
    return;
  }
  const auto len = static_cast<int64_t>(list::size(*e));
  if (start < 0) start += len;
  if (stop < 0) stop += len;
  if (start < 0) start = 0;
  int64_t cut_head, cut_tail;
  if (start > stop || start >= len) {
    cut_head = len;  // out of range: nothing is left
    cut_tail = 0;
  } else {
    if (stop >= len) stop = len - 1;
    cut_head = start;
    cut_tail = len - stop - 1;
  }
  const store::ListConfig cfg = list_config(ctx);
  list::erase(*e, 0, static_cast<size_t>(cut_head), cfg);
  list::erase(*e, static_cast<size_t>(len - cut_head - cut_tail), static_cast<size_t>(cut_tail),
              cfg);
  // Redis notifies a trim that removed nothing too, but counts only removed elements.
  ctx.notify(kNotifyList, "ltrim", ctx.arg(1));
  remove_if_empty(ctx, ctx.arg(1), e);
  ctx.server.signal_modified_key(ctx.db.id(), ctx.arg(1));
  ctx.server.add_dirty(static_cast<uint64_t>(cut_head + cut_tail));
  ctx.reply.ok();
}

void linsert(CommandContext& ctx) {
  bool after;
  if (iequals(ctx.arg(2), "after")) {
    after = true;
  } else if (iequals(ctx.arg(2), "before")) {
    after = false;
  } else {
    ctx.reply.error(err::kSyntax);
    return;
  }
  Entry* e;
  if (!lookup_write_typed(ctx, ctx.arg(1), ObjType::kList, &e)) return;
  if (!e) {
    ctx.reply.integer(0);
    return;
  }
  if (!list::insert(*e, ctx.arg(3), after, ctx.arg(4), list_config(ctx))) {
    ctx.reply.integer(-1);
    return;
  }
  ctx.key_modified(kNotifyList, "linsert", ctx.arg(1));
  ctx.reply.integer(static_cast<int64_t>(list::size(*e)));
}

// ---- moves ----------------------------------------------------------------------------

// Pops from one end of `from` and pushes to `to`; as Redis, the destination's type is
// checked only once the source is known to hold a list. from == to rotates the list.
// timeout_ms >= 0 (BLMOVE, BRPOPLPUSH): a missing source parks the client instead.
void move_generic(CommandContext& ctx, ListEnd from_end, ListEnd to_end, int64_t timeout_ms = -1) {
  std::string_view from = ctx.arg(1), to = ctx.arg(2);
  Entry* src;
  if (!lookup_write_typed(ctx, from, ObjType::kList, &src)) return;
  if (!src) {
    if (timeout_ms < 0) {
      ctx.reply.null();
    } else {
      const std::string_view keys[] = {from};
      ctx.server.block_client(ctx, keys, ObjType::kList, timeout_ms, Server::DeniedReply::kNull);
    }
    return;
  }
  Entry* dst;
  if (!lookup_write_typed(ctx, to, ObjType::kList, &dst)) return;
  const size_t index = from_end == ListEnd::kHead ? 0 : list::size(*src) - 1;
  // A copy: the source's bytes change (or go) before the push.
  const std::string value = element_at(*src, index);
  list::erase(*src, index, 1, list_config(ctx));
  const std::string_view pushed[] = {value};
  push_values(ctx, to, dst, to_end, pushed);
  // Redis's order: the destination's push event, then the source's pop (and "del").
  ctx.server.signal_modified_key(ctx.db.id(), to);
  ctx.notify(kNotifyList, push_event(to_end), to);
  ctx.server.signal_modified_key(ctx.db.id(), from);
  ctx.server.add_dirty(woken(ctx) ? 0 : 1);
  ctx.notify(kNotifyList, pop_event(from_end), from);
  if (src != dst) remove_if_empty(ctx, from, src);
  ctx.reply.bulk(value);
}

void lmove(CommandContext& ctx) {
  ListEnd from_end, to_end;
  if (!parse_end(ctx, ctx.arg(3), &from_end) || !parse_end(ctx, ctx.arg(4), &to_end)) return;
  move_generic(ctx, from_end, to_end);
}

void rpoplpush(CommandContext& ctx) {
  move_generic(ctx, ListEnd::kTail, ListEnd::kHead);
}

void blmove(CommandContext& ctx) {
  ListEnd from_end, to_end;
  if (!parse_end(ctx, ctx.arg(3), &from_end) || !parse_end(ctx, ctx.arg(4), &to_end)) return;
  int64_t timeout;
  if (!parse_block_timeout(ctx.arg(5), ctx.reply, &timeout)) return;
  move_generic(ctx, from_end, to_end, timeout);
}

void brpoplpush(CommandContext& ctx) {
  int64_t timeout;
  if (!parse_block_timeout(ctx.arg(3), ctx.reply, &timeout)) return;
  move_generic(ctx, ListEnd::kTail, ListEnd::kHead, timeout);
}

constexpr std::string_view kWriteFast = "@write @list @fast";
constexpr std::string_view kWriteSlow = "@write @list @slow";
constexpr std::string_view kReadFast = "@read @list @fast";
constexpr std::string_view kReadSlow = "@read @list @slow";
constexpr std::string_view kWriteBlocking = "@write @list @slow @blocking";
constexpr std::string_view kPushComplexity =
    "O(1) for each element added, so O(N) to add N elements when the command is called with "
    "multiple arguments.";

const CommandSpec kListCommands[] = {
    {"lpush", -3, kWrite | kDenyOom | kFast, 1, 1, 1, lpush, kWriteFast, "list", "1.0.0",
     "Prepend one or multiple elements to a list", kPushComplexity},
    {"rpush", -3, kWrite | kDenyOom | kFast, 1, 1, 1, rpush, kWriteFast, "list", "1.0.0",
     "Append one or multiple elements to a list", kPushComplexity},
    {"lpushx", -3, kWrite | kDenyOom | kFast, 1, 1, 1, lpushx, kWriteFast, "list", "2.2.0",
     "Prepend an element to a list, only if the list exists", kPushComplexity},
    {"rpushx", -3, kWrite | kDenyOom | kFast, 1, 1, 1, rpushx, kWriteFast, "list", "2.2.0",
     "Append an element to a list, only if the list exists", kPushComplexity},
    {"lpop", -2, kWrite | kFast, 1, 1, 1, lpop, kWriteFast, "list", "1.0.0",
     "Remove and get the first elements in a list",
     "O(N) where N is the number of elements returned"},
    {"rpop", -2, kWrite | kFast, 1, 1, 1, rpop, kWriteFast, "list", "1.0.0",
     "Remove and get the last elements in a list",
     "O(N) where N is the number of elements returned"},
    {"llen", 2, kReadonly | kFast, 1, 1, 1, llen, kReadFast, "list", "1.0.0",
     "Get the length of a list", "O(1)"},
    {"lrange", 4, kReadonly, 1, 1, 1, lrange, kReadSlow, "list", "1.0.0",
     "Get a range of elements from a list",
     "O(S+N) where S is the distance of start offset from HEAD for small lists, from nearest "
     "end (HEAD or TAIL) for large lists; and N is the number of elements in the specified "
     "range."},
    {"lindex", 3, kReadonly, 1, 1, 1, lindex, kReadSlow, "list", "1.0.0",
     "Get an element from a list by its index",
     "O(N) where N is the number of elements to traverse to get to the element at index. This "
     "makes asking for the first or the last element of the list O(1)."},
    {"lset", 4, kWrite | kDenyOom, 1, 1, 1, lset, kWriteSlow, "list", "1.0.0",
     "Set the value of an element in a list by its index",
     "O(N) where N is the length of the list. Setting either the first or the last element of "
     "the list is O(1)."},
    {"lrem", 4, kWrite, 1, 1, 1, lrem, kWriteSlow, "list", "1.0.0", "Remove elements from a list",
     "O(N+M) where N is the length of the list and M is the number of elements removed."},
    {"ltrim", 4, kWrite, 1, 1, 1, ltrim, kWriteSlow, "list", "1.0.0",
     "Trim a list to the specified range",
     "O(N) where N is the number of elements to be removed by the operation."},
    {"linsert", 5, kWrite | kDenyOom, 1, 1, 1, linsert, kWriteSlow, "list", "2.2.0",
     "Insert an element before or after another element in a list",
     "O(N) where N is the number of elements to traverse before seeing the value pivot. This "
     "means that inserting somewhere on the left end on the list (head) can be considered O(1) "
     "and inserting somewhere on the right end (tail) is O(N)."},
    {"lpos", -3, kReadonly, 1, 1, 1, lpos, kReadSlow, "list", "6.0.6",
     "Return the index of matching elements on a list",
     "O(N) where N is the number of elements in the list, for the average case. When searching "
     "for elements near the head or the tail of the list, or when the MAXLEN option is "
     "provided, the command may run in constant time."},
    {"lmove", 5, kWrite | kDenyOom, 1, 2, 1, lmove, kWriteSlow, "list", "6.2.0",
     "Pop an element from a list, push it to another list and return it", "O(1)", kNoSubcommands,
     kKeysLmove},
    {"rpoplpush", 3, kWrite | kDenyOom, 1, 2, 1, rpoplpush, kWriteSlow, "list", "1.2.0",
     "Remove the last element in a list, prepend it to another list and return it", "O(1)",
     kNoSubcommands, kKeysRpoplpush},
    // Keys are found through numkeys (Redis: movablekeys, 0 0 0 in COMMAND INFO).
    {"lmpop", -4, kWrite, 0, 0, 0, lmpop, kWriteSlow, "list", "7.0.0", "Pop elements from a list",
     "O(N+M) where N is the number of provided keys and M is the number of elements returned.",
     kNoSubcommands, kKeysLmpop},
    {"blpop", -3, kWrite | kNoscript | kBlocking, 1, -2, 1, blpop, kWriteBlocking, "list", "2.0.0",
     "Remove and get the first element in a list, or block until one is available",
     "O(N) where N is the number of provided keys."},
    {"brpop", -3, kWrite | kNoscript | kBlocking, 1, -2, 1, brpop, kWriteBlocking, "list", "2.0.0",
     "Remove and get the last element in a list, or block until one is available",
     "O(N) where N is the number of provided keys."},
    {"blmove", 6, kWrite | kDenyOom | kNoscript | kBlocking, 1, 2, 1, blmove, kWriteBlocking,
     "list", "6.2.0",
     "Pop an element from a list, push it to another list and return it; or block until one is "
     "available",
     "O(1)", kNoSubcommands, kKeysBlmove},
    {"brpoplpush", 4, kWrite | kDenyOom | kNoscript | kBlocking, 1, 2, 1, brpoplpush,
     kWriteBlocking, "list", "2.2.0",
     "Pop an element from a list, push it to another list and return it; or block until one is "
     "available",
     "O(1)", kNoSubcommands, kKeysBrpoplpush},
    {"blmpop", -5, kWrite | kBlocking, 0, 0, 0, blmpop, kWriteBlocking, "list", "7.0.0",
     "Pop elements from a list, or block until one is available",
     "O(N+M) where N is the number of provided keys and M is the number of elements returned.",
     kNoSubcommands, kKeysBlmpop},
};

}  // namespace

std::span<const CommandSpec> list_commands() {
  return kListCommands;
}

}  // namespace rkv::server

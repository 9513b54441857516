// HyperLogLog family: PFADD PFCOUNT PFMERGE PFDEBUG PFSELFTEST.
//
// An HLL is a string value in Redis's byte format (store/hyperloglog.h), so GET/SET move
// it between servers. Every write goes through make_mutable first: an HLL that arrived by
// SET as a short embstr becomes a raw string, as Redis's dbUnshareStringValue does. Even
// PFCOUNT writes, to store the cardinality it computed in the header's cache.
#include <cstring>
#include <string>

#include "commands/string_value.h"
#include "server/command.h"
#include "server/errors.h"
#include "server/key_specs.h"
#include "server/notify.h"
#include "server/server.h"
#include "store/hyperloglog.h"
#include "util/strings.h"

namespace rkv::server {
namespace {

using store::BlobString;
using store::Entry;
using store::ObjType;
namespace hll = store::hll;

constexpr std::string_view kNotHll = "WRONGTYPE Key is not a valid HyperLogLog string value.";
constexpr std::string_view kCorrupt = "INVALIDOBJ Corrupted HLL object detected";

// Redis's isHLLObjectOrReply: a string of HLL shape (an int-encoded value never is).
bool check_hll(CommandContext& ctx, const Entry* e) {
  if (e->type() != ObjType::kString) {
    ctx.reply.error(err::kWrongType);
    return false;
  }
  char scratch[kMaxInt64Chars];
  if (e->encoding() == store::Encoding::kInt || !hll::is_valid(e->string_value(scratch))) {
    ctx.reply.error(kNotHll);
    return false;
  }
  return true;
}

size_t sparse_max_bytes(const CommandContext& ctx) {
  return static_cast<size_t>(ctx.server.config().hll_sparse_max_bytes);
}

void pfadd(CommandContext& ctx) {
  std::string_view key = ctx.arg(1);
  Entry* e = ctx.db.lookup_write(key);
  // Creating the key counts as an update even with no elements: the cache goes stale.
  // Redis counts each update as a change.
  uint64_t updated = 0;
  if (!e) {
    e = Entry::make_raw(key, hll::create_empty());
    ctx.db.add(e);
    updated++;
  } else {
    if (!check_hll(ctx, e)) return;
    e = make_mutable(ctx, e);
  }
  BlobString* b = e->blob();
  const size_t max_bytes = sparse_max_bytes(ctx);
  for (size_t i = 2; i < ctx.argc(); i++) {
    const hll::Update r = hll::add(&b, ctx.arg(i), max_bytes);
    e->set_object(b);
    if (r == hll::Update::kCorrupt) {
      ctx.reply.error(kCorrupt);
      return;
    }
    if (r == hll::Update::kChanged) updated++;
  }
  if (updated) {
    hll::invalidate_cache(b->data());
    ctx.key_modified(kNotifyString, "pfadd", key, updated);
  }
  ctx.reply.integer(updated ? 1 : 0);
}

// The union of several HLLs is estimated from the registers' maxima and never cached.
void pfcount_many(CommandContext& ctx) {
  uint8_t regs[hll::kRegisters] = {};
  for (size_t i = 1; i < ctx.argc(); i++) {
    Entry* e = ctx.db.lookup_read(ctx.arg(i));
    if (!e) continue;
    if (!check_hll(ctx, e)) return;
    char scratch[kMaxInt64Chars];
    if (!hll::merge_into(regs, e->string_value(scratch))) {
      ctx.reply.error(kCorrupt);
      return;
    }
  }
  ctx.reply.integer(static_cast<int64_t>(hll::estimate_registers(regs)));
}

void pfcount(CommandContext& ctx) {
  if (ctx.argc() > 2) {
    pfcount_many(ctx);
    return;
  }
  Entry* e = ctx.db.lookup_read(ctx.arg(1));
  if (!e) {
    ctx.reply.integer(0);
    return;
  }
  if (!check_hll(ctx, e)) return;
  e = make_mutable(ctx, e);
  BlobString* b = e->blob();
  if (hll::cache_valid(b->view())) {
    ctx.reply.integer(static_cast<int64_t>(hll::cached_cardinality(b->view())));
    return;
  }
  bool invalid = false;
  const uint64_t card = hll::estimate(b->view(), &invalid);
  if (invalid) {
    ctx.reply.error(kCorrupt);
    return;
  }
  hll::set_cached_cardinality(b->data(), card);
  // The cached value is part of the string: a change for WATCH, without a notification.
  ctx.server.signal_modified_key(ctx.db.id(), ctx.arg(1));
  ctx.server.add_dirty(1);
  ctx.reply.integer(static_cast<int64_t>(card));
}

void pfmerge(CommandContext& ctx) {
  // The destination is merged too: it is the first of the keys read.
  uint8_t regs[hll::kRegisters] = {};
  bool dense = false;
  for (size_t i = 1; i < ctx.argc(); i++) {
    Entry* e = ctx.db.lookup_read(ctx.arg(i));
    if (!e) continue;
    if (!check_hll(ctx, e)) return;
    char scratch[kMaxInt64Chars];
    std::string_view s = e->string_value(scratch);
    if (hll::encoding_of(s) == hll::kDense) dense = true;
    if (!hll::merge_into(regs, s)) {
      ctx.reply.error(kCorrupt);
      return;
    }
  }
  std::string_view dest = ctx.arg(1);
  Entry* e = ctx.db.lookup_write(dest);
  if (!e) {
    e = Entry::make_raw(dest, hll::create_empty());
    ctx.db.add(e);
  } else {
    e = make_mutable(ctx, e);
  }
  BlobString* b = e->blob();
  // A dense input makes the result dense at once instead of through sparse growth.
  if (dense && !hll::to_dense(&b)) {
    ctx.reply.error(kCorrupt);
    return;
  }
  e->set_object(b);
  const size_t max_bytes = sparse_max_bytes(ctx);
  for (uint32_t i = 0; i < hll::kRegisters; i++) {
    if (!regs[i]) continue;
    hll::set_register(&b, i, regs[i], max_bytes);
    e->set_object(b);
  }
  hll::invalidate_cache(b->data());
  // Redis reports a merge as a mass PFADD.
  ctx.key_modified(kNotifyString, "pfadd", dest);
  ctx.reply.ok();
}

// Redis's addReplyErrorFormat turns line breaks into spaces.
std::string one_line(std::string s) {
  for (char& c : s)
    if (c == '\r' || c == '\n') c = ' ';
  return s;
}

void pfdebug(CommandContext& ctx) {
  std::string_view sub = ctx.arg(1);
  Entry* e = ctx.db.lookup_write(ctx.arg(2));
  if (!e) {
    ctx.reply.error("ERR The specified key does not exist");
    return;
  }
  if (!check_hll(ctx, e)) return;
  e = make_mutable(ctx, e);
  BlobString* b = e->blob();
  const bool sparse = hll::encoding_of(b->view()) == hll::kSparse;
  if (iequals(sub, "getreg") || iequals(sub, "todense")) {
    if (sparse) {
      if (!hll::to_dense(&b)) {
        ctx.reply.error(kCorrupt);
        return;
      }
      e->set_object(b);
      ctx.server.add_dirty(1);  // an encoding change, counted as Redis does
    }
    if (iequals(sub, "todense")) {
      ctx.reply.integer(sparse ? 1 : 0);
      return;
    }
    const auto* regs = reinterpret_cast<const uint8_t*>(b->data()) + hll::kHeaderSize;
    ctx.reply.array(hll::kRegisters);
    for (uint32_t i = 0; i < hll::kRegisters; i++) ctx.reply.integer(hll::dense_get(regs, i));
  } else if (iequals(sub, "decode")) {
    if (!sparse) {
      ctx.reply.error("ERR HLL encoding is not sparse");
      return;
    }
    ctx.reply.bulk(hll::decode_sparse(b->view()));
  } else if (iequals(sub, "encoding")) {
    ctx.reply.simple(sparse ? "sparse" : "dense");
  } else {
    ctx.reply.error(one_line("ERR Unknown PFDEBUG subcommand '" + std::string(sub) + "'"));
  }
}

void pfselftest(CommandContext& ctx) {
  const std::string failure = hll::self_test();
  if (failure.empty())
    ctx.reply.ok();
  else
    ctx.reply.error(failure);
}

constexpr std::string_view kAdminCategories = "@hyperloglog @admin @slow @dangerous";

const CommandSpec kHyperLogLogCommands[] = {
    {"pfadd", -2, kWrite | kDenyOom | kFast, 1, 1, 1, pfadd, "@write @hyperloglog @fast",
     "hyperloglog", "2.8.9", "Adds the specified elements to the specified HyperLogLog.",
     "O(1) to add every element."},
    {"pfcount", -2, kReadonly, 1, -1, 1, pfcount, "@read @hyperloglog @slow", "hyperloglog",
     "2.8.9",
     "Return the approximated cardinality of the set(s) observed by the HyperLogLog at key(s).",
     "O(1) with a very small average constant time when called with a single key. O(N) with N "
     "being the number of keys, and much bigger constant times, when called with multiple "
     "keys.",
     kNoSubcommands, kKeysPfcount},
    {"pfmerge", -2, kWrite | kDenyOom, 1, -1, 1, pfmerge, "@write @hyperloglog @slow",
     "hyperloglog", "2.8.9", "Merge N different HyperLogLogs into a single one.",
     "O(N) to merge N HyperLogLogs, but with high constant times.", kNoSubcommands, kKeysPfmerge},
    {"pfdebug", 3, kWrite | kDenyOom | kAdmin, 2, 2, 1, pfdebug,
     "@write @hyperloglog @admin @slow @dangerous", "hyperloglog", "2.8.9",
     "Internal commands for debugging HyperLogLog values", "N/A"},
    {"pfselftest", 1, kAdmin, 0, 0, 0, pfselftest, kAdminCategories, "hyperloglog", "2.8.9",
     "An internal command for testing HyperLogLog values", "N/A"},
};

}  // namespace

std::span<const CommandSpec> hyperloglog_commands() {
  return kHyperLogLogCommands;
}

}  // namespace rkv::server

// MEMORY family: USAGE STATS DOCTOR MALLOC-STATS PURGE HELP (Redis 7.0).
//
// The figures come from Server::memory_overhead(), the same accounting INFO memory
// prints. Features we do not have (replication backlog, replicas, AOF, Lua, functions,
// cluster links) report 0 where Redis reports their memory.
#include <string>
#include <vector>

#include "server/client.h"
#include "server/command.h"
#include "server/errors.h"
#include "server/server.h"
#include "util/memory.h"
#include "util/numbers.h"
#include "util/strings.h"

namespace rkv::server {
namespace {

// MEMORY USAGE key [SAMPLES count]. Redis samples nested values; we know every
// allocation's size, so the count is checked and then has nothing to do.
void memory_usage(CommandContext& ctx) {
  for (size_t j = 3; j < ctx.argc(); j++) {
    if (iequals(ctx.arg(j), "samples") && j + 1 < ctx.argc()) {
      auto samples = parse_int64(ctx.arg(j + 1));
      if (!samples) {
        ctx.reply.error(err::kNotInteger);
        return;
      }
      if (*samples < 0) {
        ctx.reply.error(err::kSyntax);
        return;
      }
      j++;
    } else {
      ctx.reply.error(err::kSyntax);
      return;
    }
  }
  // Like Redis, a plain table lookup: no expiry, no LRU or keyspace statistics.
  store::Entry* e = ctx.db.peek(ctx.arg(2));
  if (!e) {
    ctx.reply.null();
    return;
  }
  // The entry holds the key and the value; the keyspace table adds its slot pointers,
  // shared out over the keys (Redis counts its dictEntry here).
  const auto& table = ctx.db.keys();
  size_t slot_share = (table.bucket_bytes() + table.size() - 1) / table.size();
  ctx.reply.integer(static_cast<int64_t>(e->allocated_bytes() + slot_share));
}

// Ratios as Redis keeps them: floats; 0 rather than inf when nothing was measured.
float frag_ratio(size_t a, size_t b) {
  return b ? static_cast<float>(a) / static_cast<float>(b) : 0;
}
int64_t frag_bytes(size_t a, size_t b) {
  return static_cast<int64_t>(a) - static_cast<int64_t>(b);
}

void memory_stats(CommandContext& ctx) {
  MemoryOverhead mh = ctx.server.memory_overhead();
  const MemoryStats& m = mh.alloc;
  resp::Reply& r = ctx.reply;
  auto field = [&r](std::string_view name, int64_t v) {
    r.bulk(name);
    r.integer(v);
  };
  auto ratio = [&r](std::string_view name, float v) {
    r.bulk(name);
    r.dbl(v);
  };
  auto u = [](size_t v) { return static_cast<int64_t>(v); };
  r.map(27 + mh.dbs.size());
  field("peak.allocated", u(mh.peak));
  field("total.allocated", u(mh.used));
  field("startup.allocated", u(mh.startup));
  field("replication.backlog", 0);
  field("clients.slaves", 0);
  field("clients.normal", u(mh.clients_normal));
  field("cluster.links", 0);
  field("aof.buffer", 0);
  field("lua.caches", u(mh.lua_caches));
  field("functions.caches", u(mh.functions_caches));
  for (const auto& db : mh.dbs) {
    r.bulk("db." + std::to_string(db.id));
    r.map(3);
    field("overhead.hashtable.main", u(db.main));
    field("overhead.hashtable.expires", u(db.expires));
    field("overhead.hashtable.slot-to-keys", 0);
  }
  field("overhead.total", u(mh.total));
  field("keys.count", u(mh.keys));
  field("keys.bytes-per-key", u(mh.bytes_per_key));
  field("dataset.bytes", u(mh.dataset));
  ratio("dataset.percentage", mh.dataset_perc);
  ratio("peak.percentage", mh.peak_perc);
  field("allocator.allocated", u(m.allocated));
  field("allocator.active", u(m.active));
  field("allocator.resident", u(m.resident));
  ratio("allocator-fragmentation.ratio", frag_ratio(m.active, m.allocated));
  field("allocator-fragmentation.bytes", frag_bytes(m.active, m.allocated));
  ratio("allocator-rss.ratio", frag_ratio(m.resident, m.active));
  field("allocator-rss.bytes", frag_bytes(m.resident, m.active));
  ratio("rss-overhead.ratio", frag_ratio(m.rss, m.resident));
  field("rss-overhead.bytes", frag_bytes(m.rss, m.resident));
  ratio("fragmentation", frag_ratio(m.rss, mh.used));
  field("fragmentation.bytes", frag_bytes(m.rss, mh.used));
}

// Redis's MEMORY DOCTOR texts, word for word.
constexpr std::string_view kDoctorEmpty =
    "Hi Sam, this instance is empty or is using very little memory, my issues detector can't "
    "be used in these conditions. Please, leave for your mission on Earth and fill it with "
    "some data. The new Sam and I will be back to our programming as soon as I finished "
    "rebooting.\n";
constexpr std::string_view kDoctorFine =
    "Hi Sam, I can't find any memory issue in your instance. I can only account for what "
    "occurs on this base.\n";
constexpr std::string_view kDoctorHeader =
    "Sam, I detected a few issues in this Redis instance memory implants:\n\n";
constexpr std::string_view kDoctorPeak =
    " * Peak memory: In the past this instance used more than 150% the memory that is "
    "currently using. The allocator is normally not able to release memory after a peak, so "
    "you can expect to see a big fragmentation ratio, however this is actually harmless and is "
    "only due to the memory peak, and if the Redis instance Resident Set Size (RSS) is "
    "currently bigger than expected, the memory will be used as soon as you fill the Redis "
    "instance with more data. If the memory peak was only occasional and you want to try to "
    "reclaim memory, please try the MEMORY PURGE command, otherwise the only other option is "
    "to shutdown and restart the instance.\n\n";
constexpr std::string_view kDoctorHighRssBefore =
    " * High total RSS: This instance has a memory fragmentation and RSS overhead greater than "
    "1.4 (this means that the Resident Set Size of the Redis process is much larger than the "
    "sum of the logical allocations Redis performed). This problem is usually due either to a "
    "large peak memory (check if there is a peak memory entry above in the report) or may "
    "result from a workload that causes the allocator to fragment memory a lot. If the problem "
    "is a large peak memory, then there is no issue. Otherwise, make sure you are using the "
    "Jemalloc allocator and not the default libc malloc. Note: The currently used allocator "
    "is \"";
constexpr std::string_view kDoctorHighRssAfter = "\".\n\n";
constexpr std::string_view kDoctorAllocFrag =
    " * High allocator fragmentation: This instance has an allocator external fragmentation "
    "greater than 1.1. This problem is usually due either to a large peak memory (check if "
    "there is a peak memory entry above in the report) or may result from a workload that "
    "causes the allocator to fragment memory a lot. You can try enabling 'activedefrag' "
    "config option.\n\n";
constexpr std::string_view kDoctorAllocRss =
    " * High allocator RSS overhead: This instance has an RSS memory overhead is greater than "
    "1.1 (this means that the Resident Set Size of the allocator is much larger than the sum "
    "what the allocator actually holds). This problem is usually due to a large peak memory "
    "(check if there is a peak memory entry above in the report), you can try the MEMORY "
    "PURGE command to reclaim it.\n\n";
constexpr std::string_view kDoctorProcRss =
    " * High process RSS overhead: This instance has non-allocator RSS memory overhead is "
    "greater than 1.1 (this means that the Resident Set Size of the Redis process is much "
    "larger than the RSS the allocator holds). This problem may be due to Lua scripts or "
    "Modules.\n\n";
constexpr std::string_view kDoctorClientBufs =
    " * Big client buffers: The clients output buffers in this instance are greater than 200K "
    "per client (on average). This may result from different causes, like Pub/Sub clients "
    "subscribed to channels bot not receiving data fast enough, so that data piles on the "
    "Redis instance output buffer, or clients sending commands with large replies or very "
    "large sequences of commands in the same pipeline. Please use the CLIENT LIST command in "
    "order to investigate the issue if it causes problems in your instance, or to understand "
    "better why certain clients are using a big amount of memory.\n\n";
constexpr std::string_view kDoctorFooter = "I'm here to keep you safe, Sam. I want to help you.\n";

// Redis's thresholds: below 5 MB nothing is judged; ratios count only past 10 MB.
std::string doctor_report(Server& server) {
  constexpr size_t kEmpty = 5 << 20, kMinBytes = 10 << 20;
  MemoryOverhead mh = server.memory_overhead();
  const MemoryStats& m = mh.alloc;
  if (mh.used < kEmpty) return std::string(kDoctorEmpty);
  auto high = [&](size_t a, size_t b, float limit) {
    return frag_ratio(a, b) > limit && frag_bytes(a, b) > static_cast<int64_t>(kMinBytes);
  };
  std::string issues;
  if (static_cast<float>(mh.peak) / static_cast<float>(mh.used) > 1.5f) issues += kDoctorPeak;
  if (high(m.rss, mh.used, 1.4f)) {
    issues += kDoctorHighRssBefore;
    issues += allocator_name();
    issues += kDoctorHighRssAfter;
  }
  if (high(m.active, m.allocated, 1.1f)) issues += kDoctorAllocFrag;
  if (high(m.resident, m.active, 1.1f)) issues += kDoctorAllocRss;
  if (high(m.rss, m.resident, 1.1f)) issues += kDoctorProcRss;
  const size_t clients = server.clients().size();
  if (clients && mh.clients_normal / clients > 200 * 1024) issues += kDoctorClientBufs;
  if (issues.empty()) return std::string(kDoctorFine);
  return std::string(kDoctorHeader) + issues + std::string(kDoctorFooter);
}

void memory_doctor(CommandContext& ctx) {
  ctx.reply.verbatim(doctor_report(ctx.server));
}

void memory_malloc_stats(CommandContext& ctx) {
  std::string text;
  if (allocator_stats_text(&text))
    ctx.reply.verbatim(text);
  else
    ctx.reply.bulk("Stats not supported for the current allocator");
}

void memory_purge(CommandContext& ctx) {
  if (allocator_purge())
    ctx.reply.ok();
  else
    ctx.reply.error("ERR Error purging dirty pages");
}

void memory_help(CommandContext& ctx) {
  static constexpr std::string_view kLines[] = {
      "DOCTOR",
      "    Return memory problems reports.",
      "MALLOC-STATS",
      "    Return internal statistics report from the memory allocator.",
      "PURGE",
      "    Attempt to purge dirty pages for reclamation by the allocator.",
      "STATS",
      "    Return information about the memory usage of the server.",
      "USAGE <key> [SAMPLES <count>]",
      "    Return memory in bytes used by <key> and its value. Nested values are",
      "    sampled up to <count> times (default: 5, 0 means sample all).",
  };
  reply_help(ctx.reply, "MEMORY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:", kLines);
}

// In redis-server's COMMAND INFO order.
const CommandSpec kMemorySubcommands[] = {
    {"malloc-stats", 2, 0, 0, 0, 0, memory_malloc_stats, "@slow", "server", "4.0.0",
     "Show allocator internal stats", "Depends on how much memory is allocated, could be slow"},
    {"help", 2, kLoading | kStale, 0, 0, 0, memory_help, "@slow", "server", "4.0.0",
     "Show helpful text about the different subcommands", "O(1)"},
    {"doctor", 2, 0, 0, 0, 0, memory_doctor, "@slow", "server", "4.0.0",
     "Outputs memory problems report", "O(1)"},
    {"stats", 2, 0, 0, 0, 0, memory_stats, "@slow", "server", "4.0.0", "Show memory usage details",
     "O(1)"},
    {"purge", 2, 0, 0, 0, 0, memory_purge, "@slow", "server", "4.0.0",
     "Ask the allocator to release memory",
     "Depends on how much memory is allocated, could be slow"},
    {"usage", -3, kReadonly, 2, 2, 1, memory_usage, "@slow", "server", "4.0.0",
     "Estimate the memory usage of a key", "O(N) where N is the number of samples."},
};

const CommandSpec kMemoryCommands[] = {
    {"memory", -2, 0, 0, 0, 0, reply_container_fallback, "@slow", "server", "4.0.0",
     "A container for memory diagnostics commands", "Depends on subcommand.", kMemorySubcommands},
};

}  // namespace

std::span<const CommandSpec> memory_commands() {
  return kMemoryCommands;
}

}  // namespace rkv::server

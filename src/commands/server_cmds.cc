// Server family: INFO CONFIG COMMAND DBSIZE FLUSHDB FLUSHALL TIME LASTSAVE SHUTDOWN DEBUG.
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <unordered_set>
#include <vector>

#include "server/client.h"
#include "server/command.h"
#include "server/command_args.h"
#include "server/errors.h"
#include "server/key_specs.h"
#include "server/server.h"
#include "store/hash_object.h"
#include "store/list.h"
#include "store/set_object.h"
#include "store/zset_object.h"
#include "util/clock.h"
#include "util/glob.h"
#include "util/log.h"
#include "util/numbers.h"
#include "util/sha1.h"
#include "util/strings.h"

namespace rkv::server {
namespace {

// --- Simple server commands ----------------------------------------------------------

void dbsize(CommandContext& ctx) {
  ctx.reply.integer(static_cast<int64_t>(ctx.db.size()));
}

// FLUSHDB/FLUSHALL [ASYNC|SYNC]; without either, lazyfree-lazy-user-flush decides.
// *lazy: free on the lazy-free thread.
bool parse_flush_flags(CommandContext& ctx, bool* lazy) {
  *lazy = ctx.server.config().lazyfree_lazy_user_flush;
  if (ctx.argc() == 2 && iequals(ctx.arg(1), "sync")) {
    *lazy = false;
  } else if (ctx.argc() == 2 && iequals(ctx.arg(1), "async")) {
    *lazy = true;
  } else if (ctx.argc() > 1) {
    ctx.reply.error(err::kSyntax);
    return false;
  }
  return true;
}

void flushdb(CommandContext& ctx) {
  bool lazy;
  if (!parse_flush_flags(ctx, &lazy)) return;
  ctx.server.signal_flushed_db(ctx.db.id());
  ctx.server.add_dirty(ctx.db.clear(lazy));  // Redis counts each key as a change
  ctx.reply.ok();
}

void flushall(CommandContext& ctx) {
  bool lazy;
  if (!parse_flush_flags(ctx, &lazy)) return;
  ctx.server.signal_flushed_db(-1);
  ctx.server.add_dirty(ctx.server.flush_all(lazy));
  ctx.reply.ok();
}

void time_cmd(CommandContext& ctx) {
  int64_t us = wall_us();
  ctx.reply.array(2);
  ctx.reply.bulk_int(us / 1000000);
  ctx.reply.bulk_int(us % 1000000);
}

void lastsave(CommandContext& ctx) {
  ctx.reply.integer(ctx.server.last_save_time());
}

void shutdown(CommandContext& ctx) {
  bool nosave = false, save = false, now = false, force = false, abort = false;
  for (size_t i = 1; i < ctx.argc(); i++) {
    std::string_view a = ctx.arg(i);
    if (iequals(a, "nosave"))
      nosave = true;
    else if (iequals(a, "save"))
      save = true;
    else if (iequals(a, "now"))
      now = true;
    else if (iequals(a, "force"))
      force = true;
    else if (iequals(a, "abort"))
      abort = true;
    else {
      ctx.reply.error(err::kSyntax);
      return;
    }
  }
  if ((abort && (nosave || save || now || force)) || (nosave && save)) {
    ctx.reply.error(err::kSyntax);
    return;
  }
  // Our shutdown never waits for replicas or a save, so there is nothing to abort.
  if (abort) {
    ctx.reply.error("ERR No shutdown in progress.");
    return;
  }
  // While a script yields to the loop only SHUTDOWN NOSAVE may stop the server.
  if (!nosave && ctx.server.busy()) {
    ctx.reply.error(ctx.server.busy_error());
    return;
  }
  if (save) LOG_WARNING("SHUTDOWN SAVE: persistence is not implemented, nothing to save.");
  // Server::run logs "User requested shutdown..." on the way out, as for signals.
  // Like Redis, no reply on success: the connection simply closes as the server exits.
  ctx.server.request_shutdown();
}

// --- INFO ----------------------------------------------------------------------------

void info(CommandContext& ctx) {
  ctx.reply.verbatim(ctx.server.info(ctx.argv.subspan(1)));
}

// --- CONFIG --------------------------------------------------------------------------

void config_get(CommandContext& ctx) {
  std::vector<std::pair<std::string, std::string>> all;
  for (size_t i = 2; i < ctx.argc(); i++) ConfigTable::get(ctx.server.config(), ctx.arg(i), &all);
  // Several patterns may match the same parameter; Redis lists it once.
  std::unordered_set<std::string> seen;
  std::vector<std::pair<std::string, std::string>> out;
  for (auto& kv : all)
    if (seen.insert(kv.first).second) out.push_back(std::move(kv));
  ctx.reply.map(out.size());
  for (auto& [k, v] : out) {
    ctx.reply.bulk(k);
    ctx.reply.bulk(v);
  }
}

// enable-debug-command / enable-protected-configs: "yes", or "local" for loopback clients.
bool allowed_for(const Client& c, const std::string& mode) {
  if (mode == "yes") return true;
  if (mode != "local") return false;
  const net::Connection& conn = c.conn();
  if (conn.is_unix()) return true;
  const std::string& peer = conn.peer();
  return peer.rfind("127.", 0) == 0 || peer.rfind("::1:", 0) == 0 || peer.rfind("[::1]", 0) == 0;
}

void config_set(CommandContext& ctx) {
  if ((ctx.argc() - 2) % 2 != 0) {
    ctx.reply.error(err::kSyntax);
    return;
  }
  std::vector<std::pair<std::string_view, std::string_view>> pairs;
  for (size_t i = 2; i + 1 < ctx.argc(); i += 2) pairs.emplace_back(ctx.arg(i), ctx.arg(i + 1));
  bool allow_protected = allowed_for(ctx.client, ctx.server.config().enable_protected_configs);
  std::vector<std::string> changed;
  if (ConfigError e =
          ConfigTable::set_many(ctx.server.config(), pairs, allow_protected, &changed)) {
    ctx.reply.error(e.message);
    return;
  }
  for (const auto& name : changed) ctx.server.on_config_changed(name);
  ctx.reply.ok();
}

void config_resetstat(CommandContext& ctx) {
  ctx.server.reset_stats();
  ctx.reply.ok();
}

void config_rewrite(CommandContext& ctx) {
  // We do not remember the config file's path, so like a Redis started without one.
  ctx.reply.error("ERR The server is running without a config file");
}

void config_help(CommandContext& ctx) {
  static constexpr std::string_view kLines[] = {
      "GET <pattern>",
      "    Return parameters matching the glob-like <pattern> and their values.",
      "SET <directive> <value>",
      "    Set the configuration <directive> to <value>.",
      "RESETSTAT",
      "    Reset statistics reported by the INFO command.",
      "REWRITE",
      "    Rewrite the configuration file.",
  };
  reply_help(ctx.reply, "CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:", kLines);
}

// --- COMMAND -------------------------------------------------------------------------

// Redis 7.0 facts our CommandSpec rows do not carry: the first key spec's flags and the
// command tips, as COMMAND INFO reports them (taken from redis-server 7.0.15).
struct CommandExtra {
  std::string_view name;
  std::string_view key_flags;
  std::string_view tips;
};
constexpr CommandExtra kCommandExtras[] = {
    {"append", "RW insert", ""},
    {"bitcount", "RO access", ""},
    {"bitfield", "RW access update variable_flags", ""},
    {"bitfield_ro", "RO access", ""},
    {"bitop", "OW update", ""},
    {"bitpos", "RO access", ""},
    {"blmove", "RW access delete", ""},
    {"blmpop", "RW access delete", ""},
    {"blpop", "RW access delete", ""},
    {"brpop", "RW access delete", ""},
    {"brpoplpush", "RW access delete", ""},
    {"bzmpop", "RW access delete", ""},
    {"bzpopmax", "RW access delete", ""},
    {"bzpopmin", "RW access delete", ""},
    {"client|info", "", "nondeterministic_output"},
    {"client|list", "", "nondeterministic_output"},
    {"cluster|bumpepoch", "", "nondeterministic_output"},
    {"cluster|count-failure-reports", "", "nondeterministic_output"},
    {"cluster|getkeysinslot", "", "nondeterministic_output"},
    {"cluster|info", "", "nondeterministic_output"},
    {"cluster|links", "", "nondeterministic_output"},
    {"cluster|nodes", "", "nondeterministic_output"},
    {"cluster|replicas", "", "nondeterministic_output"},
    {"cluster|shards", "", "nondeterministic_output"},
    {"cluster|slaves", "", "nondeterministic_output"},
    {"cluster|slots", "", "nondeterministic_output"},
    {"command", "", "nondeterministic_output_order"},
    {"command|docs", "", "nondeterministic_output_order"},
    {"command|info", "", "nondeterministic_output_order"},
    {"command|list", "", "nondeterministic_output_order"},
    {"config|set", "", "request_policy:all_nodes response_policy:all_succeeded"},
    {"copy", "RO access", ""},
    {"dbsize", "", "request_policy:all_shards response_policy:agg_sum"},
    {"decr", "RW access update", ""},
    {"decrby", "RW access update", ""},
    {"del", "RM delete", "request_policy:multi_shard response_policy:agg_sum"},
    {"dump", "RO access", "nondeterministic_output"},
    {"eval", "RW access update", ""},
    {"eval_ro", "RO access", ""},
    {"evalsha", "RW access update", ""},
    {"evalsha_ro", "RO access", ""},
    {"exists", "RO", "request_policy:multi_shard response_policy:agg_sum"},
    {"expire", "RW update", ""},
    {"expireat", "RW update", ""},
    {"expiretime", "RO access", ""},
    {"fcall", "RW access update", ""},
    {"fcall_ro", "RO access", ""},
    {"flushall", "", "request_policy:all_shards response_policy:all_succeeded"},
    {"flushdb", "", "request_policy:all_shards response_policy:all_succeeded"},
    {"function|delete", "", "request_policy:all_shards response_policy:all_succeeded"},
    {"function|flush", "", "request_policy:all_shards response_policy:all_succeeded"},
    {"function|kill", "", "request_policy:all_shards response_policy:one_succeeded"},
    {"function|list", "", "nondeterministic_output_order"},
    {"function|load", "", "request_policy:all_shards response_policy:all_succeeded"},
    {"function|restore", "", "request_policy:all_shards response_policy:all_succeeded"},
    {"function|stats", "",
     "nondeterministic_output request_policy:all_shards response_policy:special"},
    {"geoadd", "RW update", ""},
    {"geodist", "RO access", ""},
    {"geohash", "RO access", ""},
    {"geopos", "RO access", ""},
    {"georadius", "RO access", ""},
    {"georadius_ro", "RO access", ""},
    {"georadiusbymember", "RO access", ""},
    {"georadiusbymember_ro", "RO access", ""},
    {"geosearch", "RO access", ""},
    {"geosearchstore", "OW update", ""},
    {"get", "RO access", ""},
    {"getbit", "RO access", ""},
    {"getdel", "RW access delete", ""},
    {"getex", "RW access update", ""},
    {"getrange", "RO access", ""},
    {"getset", "RW access update", ""},
    {"hdel", "RW delete", ""},
    {"hexists", "RO", ""},
    {"hget", "RO access", ""},
    {"hgetall", "RO access", "nondeterministic_output_order"},
    {"hincrby", "RW access update", ""},
    {"hincrbyfloat", "RW access update", ""},
    {"hkeys", "RO access", "nondeterministic_output_order"},
    {"hlen", "RO", ""},
    {"hmget", "RO access", ""},
    {"hmset", "RW update", ""},
    {"hrandfield", "RO access", "nondeterministic_output"},
    {"hscan", "RO access", "nondeterministic_output"},
    {"hset", "RW update", ""},
    {"hsetnx", "RW insert", ""},
    {"hstrlen", "RO", ""},
    {"hvals", "RO access", "nondeterministic_output_order"},
    {"incr", "RW access update", ""},
    {"incrby", "RW access update", ""},
    {"incrbyfloat", "RW access update", ""},
    {"info", "", "nondeterministic_output request_policy:all_shards response_policy:special"},
    {"keys", "", "request_policy:all_shards nondeterministic_output_order"},
    {"lastsave", "", "nondeterministic_output"},
    {"latency|doctor", "",
     "nondeterministic_output request_policy:all_nodes response_policy:special"},
    {"latency|graph", "",
     "nondeterministic_output request_policy:all_nodes response_policy:special"},
    {"latency|histogram", "",
     "nondeterministic_output request_policy:all_nodes response_policy:special"},
    {"latency|history", "",
     "nondeterministic_output request_policy:all_nodes response_policy:special"},
    {"latency|latest", "",
     "nondeterministic_output request_policy:all_nodes response_policy:special"},
    {"latency|reset", "", "request_policy:all_nodes response_policy:all_succeeded"},
    {"lcs", "RO access", ""},
    {"lindex", "RO access", ""},
    {"linsert", "RW insert", ""},
    {"llen", "RO", ""},
    {"lmove", "RW access delete", ""},
    {"lmpop", "RW access delete", ""},
    {"lpop", "RW access delete", ""},
    {"lpos", "RO access", ""},
    {"lpush", "RW insert", ""},
    {"lpushx", "RW insert", ""},
    {"lrange", "RO access", ""},
    {"lrem", "RW delete", ""},
    {"lset", "RW update", ""},
    {"ltrim", "RW delete", ""},
    {"memory|doctor", "",
     "nondeterministic_output request_policy:all_shards response_policy:special"},
    {"memory|malloc-stats", "",
     "nondeterministic_output request_policy:all_shards response_policy:special"},
    {"memory|purge", "", "request_policy:all_shards response_policy:all_succeeded"},
    {"memory|stats", "",
     "nondeterministic_output request_policy:all_shards response_policy:special"},
    {"memory|usage", "RO", ""},
    {"mget", "RO access", "request_policy:multi_shard"},
    {"migrate", "RW access delete", "nondeterministic_output"},
    {"module|list", "", "nondeterministic_output_order"},
    {"move", "RW access update", ""},
    {"mset", "OW update", "request_policy:multi_shard response_policy:all_succeeded"},
    {"msetnx", "OW insert", "request_policy:multi_shard response_policy:agg_min"},
    {"object|encoding", "RO", "nondeterministic_output"},
    {"object|freq", "RO", "nondeterministic_output"},
    {"object|idletime", "RO", "nondeterministic_output"},
    {"object|refcount", "RO", "nondeterministic_output"},
    {"persist", "RW update", ""},
    {"pexpire", "RW update", ""},
    {"pexpireat", "RW update", ""},
    {"pexpiretime", "RO access", ""},
    {"pfadd", "RW insert", ""},
    {"pfcount", "RW access", ""},
    {"pfdebug", "RW access", ""},
    {"pfmerge", "RW access insert", ""},
    {"ping", "", "request_policy:all_shards response_policy:all_succeeded"},
    {"psetex", "OW update", ""},
    {"pttl", "RO access", "nondeterministic_output"},
    {"randomkey", "", "request_policy:all_shards nondeterministic_output"},
    {"rename", "RW access delete", ""},
    {"renamenx", "RW access delete", ""},
    {"restore", "OW update", ""},
    {"restore-asking", "OW update", ""},
    {"rpop", "RW access delete", ""},
    {"rpoplpush", "RW access delete", ""},
    {"rpush", "RW insert", ""},
    {"rpushx", "RW insert", ""},
    {"sadd", "RW insert", ""},
    {"scan", "", "nondeterministic_output request_policy:special"},
    {"scard", "RO", ""},
    {"script|exists", "", "request_policy:all_shards response_policy:agg_logical_and"},
    {"script|flush", "", "request_policy:all_nodes response_policy:all_succeeded"},
    {"script|kill", "", "request_policy:all_shards response_policy:one_succeeded"},
    {"script|load", "", "request_policy:all_nodes response_policy:all_succeeded"},
    {"sdiff", "RO access", "nondeterministic_output_order"},
    {"sdiffstore", "OW update", ""},
    {"set", "RW access update variable_flags", ""},
    {"setbit", "RW access update", ""},
    {"setex", "OW update", ""},
    {"setnx", "OW insert", ""},
    {"setrange", "RW update", ""},
    {"sinter", "RO access", "nondeterministic_output_order"},
    {"sintercard", "RO access", ""},
    {"sinterstore", "RW update", ""},
    {"sismember", "RO", ""},
    {"slowlog|get", "", "request_policy:all_nodes nondeterministic_output"},
    {"slowlog|len", "", "request_policy:all_nodes response_policy:agg_sum nondeterministic_output"},
    {"slowlog|reset", "", "request_policy:all_nodes response_policy:all_succeeded"},
    {"smembers", "RO access", "nondeterministic_output_order"},
    {"smismember", "RO access", ""},
    {"smove", "RW access delete", ""},
    {"sort", "RO access", ""},
    {"sort_ro", "RO access", ""},
    {"spop", "RW access delete", "nondeterministic_output"},
    {"spublish", "not_key", ""},
    {"srandmember", "RO access", "nondeterministic_output"},
    {"srem", "RW delete", ""},
    {"sscan", "RO access", "nondeterministic_output"},
    {"ssubscribe", "not_key", ""},
    {"strlen", "RO", ""},
    {"substr", "RO access", ""},
    {"sunion", "RO access", "nondeterministic_output_order"},
    {"sunionstore", "OW update", ""},
    {"sunsubscribe", "not_key", ""},
    {"time", "", "nondeterministic_output"},
    {"touch", "RO", "request_policy:multi_shard response_policy:agg_sum"},
    {"ttl", "RO access", "nondeterministic_output"},
    {"type", "RO", ""},
    {"unlink", "RM delete", "request_policy:multi_shard response_policy:agg_sum"},
    {"wait", "", "request_policy:all_shards response_policy:agg_min"},
    {"watch", "RO", ""},
    {"xack", "RW update", ""},
    {"xadd", "RW update", "nondeterministic_output"},
    {"xautoclaim", "RW delete", "nondeterministic_output"},
    {"xclaim", "RW update", "nondeterministic_output"},
    {"xdel", "RW delete", ""},
    {"xgroup|create", "RW insert", ""},
    {"xgroup|createconsumer", "RW insert", ""},
    {"xgroup|delconsumer", "RW delete", ""},
    {"xgroup|destroy", "RW delete", ""},
    {"xgroup|setid", "RW update", ""},
    {"xinfo|consumers", "RO access", "nondeterministic_output"},
    {"xinfo|groups", "RO access", ""},
    {"xinfo|stream", "RO access", ""},
    {"xlen", "RO", ""},
    {"xpending", "RO access", "nondeterministic_output"},
    {"xrange", "RO access", ""},
    {"xread", "RO access", ""},
    {"xreadgroup", "RO access", ""},
    {"xrevrange", "RO access", ""},
    {"xsetid", "RW update", ""},
    {"xtrim", "RW delete", "nondeterministic_output"},
    {"zadd", "RW update", ""},
    {"zcard", "RO", ""},
    {"zcount", "RO access", ""},
    {"zdiff", "RO access", ""},
    {"zdiffstore", "OW update", ""},
    {"zincrby", "RW access update", ""},
    {"zinter", "RO access", ""},
    {"zintercard", "RO access", ""},
    {"zinterstore", "OW update", ""},
    {"zlexcount", "RO access", ""},
    {"zmpop", "RW access delete", ""},
    {"zmscore", "RO access", ""},
    {"zpopmax", "RW access delete", ""},
    {"zpopmin", "RW access delete", ""},
    {"zrandmember", "RO access", "nondeterministic_output"},
    {"zrange", "RO access", ""},
    {"zrangebylex", "RO access", ""},
    {"zrangebyscore", "RO access", ""},
    {"zrangestore", "OW update", ""},
    {"zrank", "RO access", ""},
    {"zrem", "RW delete", ""},
    {"zremrangebylex", "RW delete", ""},
    {"zremrangebyrank", "RW delete", ""},
    {"zremrangebyscore", "RW delete", ""},
    {"zrevrange", "RO access", ""},
    {"zrevrangebylex", "RO access", ""},
    {"zrevrangebyscore", "RO access", ""},
    {"zrevrank", "RO access", ""},
    {"zscan", "RO access", "nondeterministic_output"},
    {"zscore", "RO access", ""},
    {"zunion", "RO access", ""},
    {"zunionstore", "OW update", ""},
};

const CommandExtra* extra_for(std::string_view full_name) {
  auto it = std::lower_bound(std::begin(kCommandExtras), std::end(kCommandExtras), full_name,
                             [](const CommandExtra& e, std::string_view n) { return e.name < n; });
  return it != std::end(kCommandExtras) && it->name == full_name ? it : nullptr;
}

// Flag names in the order COMMAND INFO prints them; may_replicate and sentinel are hidden.
constexpr std::pair<uint32_t, std::string_view> kFlagNames[] = {
    {kWrite, "write"},
    {kReadonly, "readonly"},
    {kDenyOom, "denyoom"},
    {kAdmin, "admin"},
    {kPubsub, "pubsub"},
    {kNoscript, "noscript"},
    {kBlocking, "blocking"},
    {kLoading, "loading"},
    {kStale, "stale"},
    {kSkipMonitor, "skip_monitor"},
    {kSkipSlowlog, "skip_slowlog"},
    {kFast, "fast"},
    {kNoAuth, "no_auth"},
    {kNoMandatoryKeys, "no_mandatory_keys"},
    {kNoMulti, "no_multi"},
    {kAllowBusy, "allow_busy"},
};

// ACL categories in Redis's bit order, which is the order COMMAND INFO prints them in.
constexpr std::string_view kAclCategories[] = {
    "keyspace", "read",   "write",       "set",       "sortedset",  "list",        "hash",
    "string",   "bitmap", "hyperloglog", "geo",       "stream",     "pubsub",      "admin",
    "fast",     "slow",   "blocking",    "dangerous", "connection", "transaction", "scripting"};

// The spec's categories plus those Redis implies from the flags (write -> @write...).
std::vector<std::string_view> acl_categories(const CommandSpec& spec) {
  std::vector<std::string_view> given;
  for (auto w : split_words(spec.acl_categories)) given.push_back(w.substr(w[0] == '@' ? 1 : 0));
  if (spec.flags & kWrite) given.push_back("write");
  if ((spec.flags & kReadonly) && std::find(given.begin(), given.end(), "scripting") == given.end())
    given.push_back("read");
  if (spec.flags & kAdmin) {
    given.push_back("admin");
    given.push_back("dangerous");
  }
  if (spec.flags & kPubsub) given.push_back("pubsub");
  if (spec.flags & kFast) given.push_back("fast");
  if (spec.flags & kBlocking) given.push_back("blocking");
  if (!(spec.flags & kFast)) given.push_back("slow");
  std::vector<std::string_view> out;
  for (auto cat : kAclCategories)
    if (std::find(given.begin(), given.end(), cat) != given.end()) out.push_back(cat);
  return out;
}

bool has_acl_category(const CommandSpec& spec, std::string_view cat) {
  for (auto c : acl_categories(spec))
    if (iequals(c, cat)) return true;
  return false;
}

std::vector<std::string_view> key_spec_flags(const Command& cmd) {
  const CommandExtra* extra = extra_for(cmd.full_name);
  if (extra && !extra->key_flags.empty()) return split_words(extra->key_flags);
  // Unknown to the table: a safe guess from the command flags.
  if (cmd.spec->flags & kReadonly) return {"RO", "access"};
  return {"RW", "update"};
}

// One key spec as COMMAND INFO shows it: a map of (notes,) flags, begin_search, find_keys.
void reply_key_spec(resp::Reply& r, const KeySpec& ks, std::span<const std::string_view> flags) {
  r.map(ks.notes.empty() ? 3 : 4);
  if (!ks.notes.empty()) {
    r.bulk("notes");
    r.bulk(ks.notes);
  }
  r.bulk("flags");
  r.set(flags.size());
  for (auto f : flags) r.simple(f);
  r.bulk("begin_search");
  r.map(2);
  r.bulk("type");
  switch (ks.begin) {
    case KeySpec::Begin::kIndex:
      r.bulk("index");
      r.bulk("spec");
      r.map(1);
      r.bulk("index");
      r.integer(ks.index);
      break;
    case KeySpec::Begin::kKeyword:
      r.bulk("keyword");
      r.bulk("spec");
      r.map(2);
      r.bulk("keyword");
      r.bulk(ks.keyword);
      r.bulk("startfrom");
      r.integer(ks.index);
      break;
    case KeySpec::Begin::kUnknown:
      r.bulk("unknown");
      r.bulk("spec");
      r.map(0);
      break;
  }
  r.bulk("find_keys");
  r.map(2);
  r.bulk("type");
  switch (ks.find) {
    case KeySpec::Find::kRange:
      r.bulk("range");
      r.bulk("spec");
      r.map(3);
      r.bulk("lastkey");
      r.integer(ks.lastkey);
      r.bulk("keystep");
      r.integer(ks.keystep);
      r.bulk("limit");
      r.integer(ks.limit);
      break;
    case KeySpec::Find::kKeynum:
      r.bulk("keynum");
      r.bulk("spec");
      r.map(3);
      r.bulk("keynumidx");
      r.integer(ks.keynumidx);
      r.bulk("firstkey");
      r.integer(ks.firstkey);
      r.bulk("keystep");
      r.integer(ks.keystep);
      break;
    case KeySpec::Find::kUnknown:
      r.bulk("unknown");
      r.bulk("spec");
      r.map(0);
      break;
  }
}

// A row without key specs: one range spec built from its triple, flags from the extras.
KeySpec legacy_key_spec(const Command& cmd) {
  const CommandSpec& s = *cmd.spec;
  // A range's last key counts from the first key; negative values count from the end.
  return key_range({}, s.first_key, s.last_key >= 0 ? s.last_key - s.first_key : s.last_key,
                   s.key_step);
}

void reply_key_specs(resp::Reply& r, const Command& cmd) {
  const CommandSpec& s = *cmd.spec;
  if (!s.key_specs.empty()) {
    r.set(s.key_specs.size());
    for (const KeySpec& ks : s.key_specs) reply_key_spec(r, ks, split_words(ks.flags));
    return;
  }
  if (s.first_key <= 0) {
    r.set(0);
    return;
  }
  r.set(1);
  reply_key_spec(r, legacy_key_spec(cmd), key_spec_flags(cmd));
}

// Flags in kFlagNames order, with movablekeys where Redis prints it (before allow_busy).
std::vector<std::string_view> command_flag_names(const Command& cmd) {
  std::vector<std::string_view> out;
  for (auto& [bit, name] : kFlagNames) {
    if (bit == kAllowBusy && cmd.keys.movable) out.push_back("movablekeys");
    if (cmd.spec->flags & bit) out.push_back(name);
  }
  return out;
}

void reply_command_info(resp::Reply& r, const Command& cmd) {
  const CommandSpec& s = *cmd.spec;
  r.array(10);
  r.bulk(cmd.full_name);
  r.integer(s.arity);
  auto flags = command_flag_names(cmd);
  r.set(flags.size());
  for (auto f : flags) r.simple(f);
  r.integer(cmd.keys.first_key);
  r.integer(cmd.keys.last_key);
  r.integer(cmd.keys.key_step);
  auto cats = acl_categories(s);
  r.set(cats.size());
  std::string cat;
  for (auto c : cats) {
    cat.assign(1, '@').append(c);
    r.simple(cat);
  }
  const CommandExtra* extra = extra_for(cmd.full_name);
  auto tips = extra ? split_words(extra->tips) : std::vector<std::string_view>{};
  r.set(tips.size());
  for (auto t : tips) r.bulk(t);
  reply_key_specs(r, cmd);
  if (cmd.subcommands.empty()) {
    r.set(0);
    return;
  }
  r.array(cmd.subcommands.size());
  for (const auto& sub : cmd.subcommands) reply_command_info(r, *sub);
}

void reply_arg_docs(resp::Reply& r, std::span<const ArgDoc> args) {
  r.array(args.size());
  for (const ArgDoc& a : args) {
    std::vector<std::string_view> flags;
    if (a.flags & kArgOptional) flags.push_back("optional");
    if (a.flags & kArgMultiple) flags.push_back("multiple");
    if (a.flags & kArgMultipleToken) flags.push_back("multiple_token");
    r.map(2 + (a.key_spec_index >= 0) + !a.token.empty() + !a.since.empty() + !flags.empty() +
          !a.arguments.empty());
    r.bulk("name");
    r.bulk(a.name);
    r.bulk("type");
    r.bulk(a.type);
    if (a.key_spec_index >= 0) {
      r.bulk("key_spec_index");
      r.integer(a.key_spec_index);
    }
    if (!a.token.empty()) {
      r.bulk("token");
      r.bulk(a.token);
    }
    if (!a.since.empty()) {
      r.bulk("since");
      r.bulk(a.since);
    }
    if (!flags.empty()) {
      r.bulk("flags");
      r.set(flags.size());
      for (auto f : flags) r.simple(f);
    }
    if (!a.arguments.empty()) {
      r.bulk("arguments");
      reply_arg_docs(r, a.arguments);
    }
  }
}

void reply_command_docs(resp::Reply& r, const Command& cmd) {
  const CommandSpec& s = *cmd.spec;
  bool subs = !cmd.subcommands.empty();
  std::span<const ArgDoc> args = command_args(cmd.full_name);
  r.map(4 + subs + !args.empty());
  r.bulk("summary");
  r.bulk(s.summary);
  r.bulk("since");
  r.bulk(s.since);
  r.bulk("group");
  r.bulk(s.group);
  r.bulk("complexity");
  r.bulk(s.complexity);
  if (!args.empty()) {
    r.bulk("arguments");
    reply_arg_docs(r, args);
  }
  if (!subs) return;
  r.bulk("subcommands");
  r.map(cmd.subcommands.size());
  for (const auto& sub : cmd.subcommands) {
    r.bulk(sub->full_name);
    reply_command_docs(r, *sub);
  }
}

// "config|get" or "config" (with an optional subcommand name as a separate word).
const Command* lookup_command(const CommandTable& table, std::string_view name) {
  size_t bar = name.find('|');
  if (bar == std::string_view::npos) return table.find(name);
  const Command* parent = table.find(name.substr(0, bar));
  return parent ? table.find_sub(*parent, name.substr(bar + 1)) : nullptr;
}

void command_all(CommandContext& ctx) {
  const auto& all = ctx.server.commands().all();
  ctx.reply.array(all.size());
  for (const auto& cmd : all) reply_command_info(ctx.reply, *cmd);
}

void command_count(CommandContext& ctx) {
  ctx.reply.integer(static_cast<int64_t>(ctx.server.commands().all().size()));
}

void command_info(CommandContext& ctx) {
  if (ctx.argc() == 2) {
    command_all(ctx);
    return;
  }
  ctx.reply.array(ctx.argc() - 2);
  for (size_t i = 2; i < ctx.argc(); i++) {
    const Command* cmd = lookup_command(ctx.server.commands(), ctx.arg(i));
    if (cmd)
      reply_command_info(ctx.reply, *cmd);
    else
      ctx.reply.null();
  }
}

void command_docs(CommandContext& ctx) {
  std::vector<const Command*> list;
  if (ctx.argc() == 2) {
    for (const auto& cmd : ctx.server.commands().all()) list.push_back(cmd.get());
  } else {
    for (size_t i = 2; i < ctx.argc(); i++)
      if (const Command* cmd = lookup_command(ctx.server.commands(), ctx.arg(i)))
        list.push_back(cmd);
  }
  ctx.reply.map(list.size());
  for (const Command* cmd : list) {
    ctx.reply.bulk(cmd->full_name);
    reply_command_docs(ctx.reply, *cmd);
  }
}

void command_list(CommandContext& ctx) {
  enum class Filter { kNone, kModule, kAclCat, kPattern } filter = Filter::kNone;
  std::string_view value;
  if (ctx.argc() == 5 && iequals(ctx.arg(2), "filterby")) {
    if (iequals(ctx.arg(3), "module"))
      filter = Filter::kModule;
    else if (iequals(ctx.arg(3), "aclcat"))
      filter = Filter::kAclCat;
    else if (iequals(ctx.arg(3), "pattern"))
      filter = Filter::kPattern;
    value = ctx.arg(4);
  }
  if (ctx.argc() != 2 && filter == Filter::kNone) {
    ctx.reply.error(err::kSyntax);
    return;
  }
  std::vector<std::string_view> names;
  auto consider = [&](const Command& cmd) {
    bool ok = filter == Filter::kNone ||
              (filter == Filter::kAclCat && has_acl_category(*cmd.spec, value)) ||
              (filter == Filter::kPattern && glob_match(value, cmd.full_name, true));
    if (ok) names.push_back(cmd.full_name);
  };
  // We have no modules, so FILTERBY MODULE never matches.
  if (filter != Filter::kModule) {
    for (const auto& cmd : ctx.server.commands().all()) {
      consider(*cmd);
      for (const auto& sub : cmd->subcommands) consider(*sub);
    }
  }
  ctx.reply.array(names.size());
  for (auto n : names) ctx.reply.bulk(n);
}

// Resolves `COMMAND GETKEYS cmd args...` to the command and its keys; replies Redis's
// error and returns nullptr when that is not possible. An empty *keys with a command
// means "no keys, and that is fine" (no_mandatory_keys: EVAL with numkeys 0).
const Command* command_keys(CommandContext& ctx, std::vector<KeyRef>* keys) {
  std::span<const std::string_view> args = ctx.argv.subspan(2);
  const CommandTable& table = ctx.server.commands();
  const Command* cmd = table.find(args[0]);
  if (cmd && !cmd->subcommands.empty() && args.size() >= 2) cmd = table.find_sub(*cmd, args[1]);
  if (!cmd) {
    ctx.reply.error("ERR Invalid command specified");
    return nullptr;
  }
  const CommandSpec& s = *cmd->spec;
  // As Redis's doesCommandHaveKeys: specs that all say not_key (SPUBLISH's shard channel)
  // name no keys either.
  const bool only_not_keys =
      !s.key_specs.empty() && std::all_of(s.key_specs.begin(), s.key_specs.end(),
                                          [](auto& ks) { return has_key_flag(ks, "not_key"); });
  if ((s.key_specs.empty() && s.first_key <= 0 && !s.get_keys) || only_not_keys) {
    ctx.reply.error("ERR The command has no key arguments");
    return nullptr;
  }
  int argc = static_cast<int>(args.size());
  if ((s.arity > 0 && s.arity != argc) || argc < -s.arity) {
    ctx.reply.error("ERR Invalid number of arguments specified for command");
    return nullptr;
  }
  if (!s.key_specs.empty()) {
    *keys = find_keys(s, s.key_specs, args);
  } else {
    // Rows with only the triple: one range spec, its flags from the extras table.
    KeySpec legacy = legacy_key_spec(*cmd);
    *keys = find_keys(s, {&legacy, 1}, args);
  }
  if (keys->empty() && !(s.flags & kNoMandatoryKeys)) {
    ctx.reply.error("ERR Invalid arguments specified for command");
    return nullptr;
  }
  return cmd;
}

void command_getkeys(CommandContext& ctx) {
  std::vector<KeyRef> keys;
  if (!command_keys(ctx, &keys)) return;
  ctx.reply.array(keys.size());
  for (const KeyRef& k : keys) ctx.reply.bulk(ctx.arg(2 + static_cast<size_t>(k.pos)));
}

void command_getkeysandflags(CommandContext& ctx) {
  std::vector<KeyRef> keys;
  const Command* cmd = command_keys(ctx, &keys);
  if (!cmd) return;
  const bool legacy = cmd->spec->key_specs.empty();
  ctx.reply.array(keys.size());
  for (const KeyRef& k : keys) {
    ctx.reply.array(2);
    ctx.reply.bulk(ctx.arg(2 + static_cast<size_t>(k.pos)));
    // A key found by a legacy row's range carries the extras' flags; one found by a
    // get_keys fallback carries what that fallback said (possibly nothing).
    auto flags = legacy && !cmd->spec->get_keys ? key_spec_flags(*cmd) : split_words(k.flags);
    ctx.reply.set(flags.size());
    for (auto f : flags) ctx.reply.simple(f);
  }
}

void command_help(CommandContext& ctx) {
  static constexpr std::string_view kLines[] = {
      "(no subcommand)",
      "    Return details about all Redis commands.",
      "COUNT",
      "    Return the total number of commands in this Redis server.",
      "LIST",
      "    Return a list of all commands in this Redis server.",
      "INFO [<command-name> ...]",
      "    Return details about multiple Redis commands.",
      "    If no command names are given, documentation details for all",
      "    commands are returned.",
      "DOCS [<command-name> ...]",
      "    Return documentation details about multiple Redis commands.",
      "    If no command names are given, documentation details for all",
      "    commands are returned.",
      "GETKEYS <full-command>",
      "    Return the keys from a full Redis command.",
      "GETKEYSANDFLAGS <full-command>",
      "    Return the keys and the access flags from a full Redis command.",
  };
  reply_help(ctx.reply, "COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:", kLines);
}

// --- DEBUG ---------------------------------------------------------------------------

constexpr std::string_view kDebugNotAllowed =
    "ERR DEBUG command not allowed. If the enable-debug-command option is set to \"local\", you "
    "can run it from a local connection, otherwise you need to set this option in the "
    "configuration file, and then restart the server.";

// Bytes the value would take in an RDB file: length prefix plus payload, or the compact
// integer forms. LZF compression of long strings is not modelled.
size_t rdb_len_bytes(size_t len) {
  if (len < (1u << 6)) return 1;
  if (len < (1u << 14)) return 2;
  if (len <= UINT32_MAX) return 5;
  return 9;
}
size_t rdb_int_bytes(int64_t v) {
  if (v >= INT8_MIN && v <= INT8_MAX) return 2;
  if (v >= INT16_MIN && v <= INT16_MAX) return 3;
  if (v >= INT32_MIN && v <= INT32_MAX) return 5;
  return 0;
}
size_t serialized_length(const store::Entry& e) {
  if (e.type() != store::ObjType::kString) return e.allocated_bytes();
  char scratch[kMaxInt64Chars];
  std::string_view s = e.string_value(scratch);
  if (s.size() <= 11) {
    // parse_int64 is strict, so a success means the text round-trips as Redis requires.
    if (auto v = parse_int64(s); v && rdb_int_bytes(*v)) return rdb_int_bytes(*v);
  }
  return rdb_len_bytes(s.size()) + s.size();
}

bool uses_shared_integers(const Config& cfg) {
  // Redis shares the objects for 0..9999 unless an LRU/LFU policy needs per-key clocks.
  bool lru_lfu = cfg.maxmemory_policy.find("lru") != std::string::npos ||
                 cfg.maxmemory_policy.find("lfu") != std::string::npos;
  return cfg.maxmemory == 0 || !lru_lfu;
}

void debug_object(CommandContext& ctx) {
  store::Entry* e = ctx.db.lookup_write(ctx.arg(2));
  if (!e) {
    ctx.reply.error(err::kNoSuchKey);
    return;
  }
  long refcount = 1;
  if (e->encoding() == store::Encoding::kInt && e->int_value() >= 0 && e->int_value() < 10000 &&
      uses_shared_integers(ctx.server.config()))
    refcount = 2147483647;  // OBJ_SHARED_REFCOUNT
  constexpr uint32_t kLruMax = (1u << 24) - 1;
  uint32_t clock = static_cast<uint32_t>((ctx.now_ms / 1000) & kLruMax);
  uint32_t lru = e->lru();
  uint64_t idle = clock >= lru ? clock - lru : clock + (kLruMax - lru);
  char buf[256];
  std::snprintf(buf, sizeof(buf),
                "Value at:%p refcount:%ld encoding:%s serializedlength:%zu lru:%u "
                "lru_seconds_idle:%llu",
                static_cast<void*>(e), refcount,
                std::string(store::encoding_name(e->encoding())).c_str(), serialized_length(*e),
                lru, static_cast<unsigned long long>(idle));
  ctx.reply.simple(buf);
}

void xor_into(Sha1::Digest& acc, const Sha1::Digest& d) {
  for (size_t i = 0; i < acc.size(); i++) acc[i] ^= d[i];
}

// One element's bytes, length first, so ["ab", "c"] and ["a", "bc"] differ.
void digest_element(Sha1& h, std::string_view v) {
  uint64_t len = v.size();
  h.update(&len, sizeof(len));
  h.update(v);
}

// Unordered collections (sets, hashes) XOR their elements' digests: equal contents give
// equal digests whatever the encoding or table layout.
template <typename Walk>
void digest_unordered(Sha1& h, Walk&& walk) {
  Sha1::Digest acc{};
  walk([&](std::string_view a, std::string_view b) {
    Sha1 eh;
    digest_element(eh, a);
    digest_element(eh, b);
    xor_into(acc, eh.finish());
  });
  h.update(acc.data(), acc.size());
}

Sha1::Digest value_digest(const store::Entry& entry) {
  Sha1 h;
  auto type = static_cast<uint8_t>(entry.type());
  h.update(&type, 1);
  // The collection views below take a mutable entry; they only read it here (a borrowed
  // set puts the same object back).
  auto& e = const_cast<store::Entry&>(entry);
  switch (e.type()) {
    case store::ObjType::kString: {
      char scratch[kMaxInt64Chars];
      h.update(e.string_value(scratch));
      break;
    }
    case store::ObjType::kList: {
      if (store::list::size(e) == 0) break;
      store::Listpack::Scratch scratch;
      for (store::list::Reader r(e, 0, true); r.valid(); r.advance())
        digest_element(h, r.value(scratch).sv);
      break;
    }
    case store::ObjType::kSet: {
      store::BorrowedSet set(&e);
      digest_unordered(h, [&](auto&& add) {
        set->for_each([&](std::string_view m) {
          add(m, {});
          return true;
        });
      });
      break;
    }
    case store::ObjType::kHash: {
      store::HashObject hash(&e);
      digest_unordered(h, [&](auto&& add) { hash.for_each(add); });
      break;
    }
    case store::ObjType::kZset: {
      // Ordered by score: members and scores in sequence.
      store::Zset z(&e);
      for (auto c = z.at(0); c.valid(); c.next()) {
        digest_element(h, c.member());
        double score = c.score();
        h.update(&score, sizeof(score));
      }
      break;
    }
    case store::ObjType::kStream:
      break;
  }
  return h.finish();
}

// Order-independent: each key's digest is XORed in, so equal datasets agree no matter how
// their tables are laid out; an empty dataset is all zeros.
Sha1::Digest dataset_digest(Server& server) {
  Sha1::Digest total{};
  for (int i = 0; i < server.db_count(); i++) {
    store::Db& db = server.db(i);
    if (db.size() == 0) continue;
    Sha1::Digest acc{};
    db.for_each([&](const store::Entry& e) {
      Sha1 h;
      h.update(e.key());
      Sha1::Digest vd = value_digest(e);
      h.update(vd.data(), vd.size());
      int64_t when = db.expire_of(&e);
      if (when >= 0) {
        h.update("!!expire!!");
        h.update(&when, sizeof(when));
      }
      xor_into(acc, h.finish());
    });
    Sha1 dh;
    auto id = static_cast<uint32_t>(i);
    dh.update(&id, sizeof(id));
    dh.update(acc.data(), acc.size());
    xor_into(total, dh.finish());
  }
  return total;
}

void debug_digest_value(CommandContext& ctx) {
  ctx.reply.array(ctx.argc() - 2);
  for (size_t i = 2; i < ctx.argc(); i++) {
    store::Entry* e = ctx.db.lookup_write(ctx.arg(i));
    ctx.reply.simple(e ? Sha1::hex(value_digest(*e)) : std::string(40, '0'));
  }
}

void debug_sleep(CommandContext& ctx) {
  // strtod semantics like Redis: junk reads as 0.
  std::string arg(ctx.arg(2));
  double secs = std::strtod(arg.c_str(), nullptr);
  if (secs > 0) {
    auto us = static_cast<int64_t>(secs * 1e6);
    timespec ts{static_cast<time_t>(us / 1000000), static_cast<long>(us % 1000000) * 1000};
    while (nanosleep(&ts, &ts) == -1 && errno == EINTR) {
    }
  }
  ctx.reply.ok();
}

bool debug_protocol(CommandContext& ctx) {
  resp::Reply& r = ctx.reply;
  std::string type = ascii_lower(ctx.arg(2));
  bool resp3 = r.proto() >= 3;
  if (type == "string") {
    r.bulk("Hello World");
  } else if (type == "integer") {
    r.integer(12345);
  } else if (type == "double") {
    if (resp3)
      r.raw(",3.141\r\n");
    else
      r.bulk("3.141");
  } else if (type == "bignum") {
    r.big_number("1234567999999999999999999999999999999");
  } else if (type == "null") {
    r.null();
  } else if (type == "array" || type == "set") {
    if (type == "set")
      r.set(3);
    else
      r.array(3);
    for (int i = 0; i < 3; i++) r.integer(i);
  } else if (type == "map") {
    r.map(3);
    for (int i = 0; i < 3; i++) {
      r.integer(i);
      r.boolean(i == 1);
    }
  } else if (type == "attrib") {
    if (resp3) {
      r.attribute(1);
      r.bulk("key-popularity");
      r.array(2);
      r.bulk("key:123");
      r.integer(90);
    }
    r.bulk("Some real reply following the attribute");
  } else if (type == "push") {
    if (!resp3) {
      r.error("ERR RESP2 is not supported by this command");
      return true;
    }
    r.push(2);
    r.bulk("server-cpu-usage");
    r.integer(42);
    r.bulk("Some real reply following the push reply");
  } else if (type == "verbatim") {
    r.verbatim("This is a verbatim\nstring");
  } else if (type == "true" || type == "false") {
    r.boolean(type == "true");
  } else {
    r.error(
        "ERR Wrong protocol type name. Please use one of the following: "
        "string|integer|double|bignum|null|array|set|map|attrib|push|verbatim|true|false");
  }
  return true;
}

void debug_stringmatch_test(CommandContext& ctx) {
  // Random patterns against random strings: the matcher must neither crash nor hang.
  std::mt19937 rng(static_cast<uint32_t>(ctx.now_ms));
  std::string pat, str;
  for (int i = 0; i < 100000; i++) {
    pat.resize(rng() % 32);
    str.resize(rng() % 32);
    for (char& c : pat) c = static_cast<char>(rng() % 256);
    for (char& c : str) c = static_cast<char>(rng() % 256);
    glob_match(pat, str, rng() & 1);
  }
  ctx.reply.simple("Apparently Redis did not crash: test passed");
}

void debug_help(CommandContext& ctx) {
  static constexpr std::string_view kLines[] = {
      "CHANGE-REPL-ID",
      "    Change the replication IDs of the instance.",
      "    Dangerous: should be used only for testing the replication subsystem.",
      "DIGEST",
      "    Output a hex signature representing the current DB content.",
      "DIGEST-VALUE <key> [<key> ...]",
      "    Output a hex signature of the values of all the specified keys.",
      "JMAP",
      "    No-op kept for compatibility.",
      "OBJECT <key>",
      "    Show low level info about `key` and associated value.",
      "PROTOCOL <type>",
      "    Reply with a test value of the specified type. <type> can be: string,",
      "    integer, double, bignum, null, array, set, map, attrib, push, verbatim,",
      "    true, false.",
      "SET-ACTIVE-EXPIRE <0|1>",
      "    Setting it to 0 disables expiring keys in background when they are not",
      "    accessed (otherwise the Redis behavior). Setting it to 1 reenables back the",
      "    default.",
      "SLEEP <seconds>",
      "    Stop the server for <seconds>. Decimals allowed.",
      "STRINGMATCH-TEST",
      "    Run a fuzz tester against the stringmatchlen() function.",
  };
  reply_help(ctx.reply, "DEBUG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:", kLines);
}

void debug(CommandContext& ctx) {
  if (!allowed_for(ctx.client, ctx.server.config().enable_debug_command)) {
    ctx.reply.error(kDebugNotAllowed);
    return;
  }
  std::string_view sub = ctx.arg(1);
  size_t argc = ctx.argc();
  if (iequals(sub, "help") && argc == 2) {
    debug_help(ctx);
  } else if (iequals(sub, "sleep") && argc == 3) {
    debug_sleep(ctx);
  } else if (iequals(sub, "object") && argc == 3) {
    debug_object(ctx);
  } else if (iequals(sub, "digest") && argc == 2) {
    ctx.reply.simple(Sha1::hex(dataset_digest(ctx.server)));
  } else if (iequals(sub, "digest-value") && argc >= 2) {
    debug_digest_value(ctx);
  } else if (iequals(sub, "protocol") && argc == 3) {
    debug_protocol(ctx);
  } else if (iequals(sub, "set-active-expire") && argc == 3) {
    std::string v(ctx.arg(2));
    ctx.server.set_active_expire_enabled(std::atoi(v.c_str()) != 0);
    ctx.reply.ok();
  } else if (iequals(sub, "change-repl-id") && argc == 2) {
    // No replication here: the IDs INFO shows stay, but the call succeeds as in Redis.
    ctx.reply.ok();
  } else if (iequals(sub, "jmap") && argc == 2) {
    ctx.reply.ok();
  } else if ((iequals(sub, "stringmatch-test") && argc == 2) ||
             (iequals(sub, "stringmatch-len") && argc >= 2)) {
    // STRINGMATCH-LEN is the name client test suites use for the same matcher check.
    debug_stringmatch_test(ctx);
  } else {
    reply_subcommand_syntax_error(ctx.reply, "DEBUG", sub);
  }
}

constexpr uint32_t kAdminCfg = kAdmin | kNoscript | kLoading | kStale;
constexpr std::string_view kAdminAcl = "@admin @slow @dangerous";
constexpr std::string_view kCommandAcl = "@slow @connection";

const CommandSpec kConfigSubcommands[] = {
    {"get", -3, kAdminCfg, 0, 0, 0, config_get, kAdminAcl, "server", "2.0.0",
     "Get the values of configuration parameters",
     "O(N) when N is the number of configuration parameters provided"},
    {"set", -4, kAdminCfg, 0, 0, 0, config_set, kAdminAcl, "server", "2.0.0",
     "Set configuration parameters to the given values",
     "O(N) when N is the number of configuration parameters provided"},
    {"resetstat", 2, kAdminCfg, 0, 0, 0, config_resetstat, kAdminAcl, "server", "2.0.0",
     "Reset the stats returned by INFO", "O(1)"},
    {"rewrite", 2, kAdminCfg, 0, 0, 0, config_rewrite, kAdminAcl, "server", "2.8.0",
     "Rewrite the configuration file with the in memory configuration", "O(1)"},
    {"help", 2, kLoading | kStale, 0, 0, 0, config_help, "@slow", "server", "5.0.0",
     "Show helpful text about the different subcommands", "O(1)"},
};

const CommandSpec kCommandSubcommands[] = {
    {"count", 2, kLoading | kStale, 0, 0, 0, command_count, kCommandAcl, "server", "2.8.13",
     "Get total number of Redis commands", "O(1)"},
    {"docs", -2, kLoading | kStale, 0, 0, 0, command_docs, kCommandAcl, "server", "7.0.0",
     "Get array of specific Redis command documentation",
     "O(N) where N is the number of commands to look up"},
    {"getkeys", -4, kLoading | kStale, 0, 0, 0, command_getkeys, kCommandAcl, "server", "2.8.13",
     "Extract keys given a full Redis command",
     "O(N) where N is the number of arguments to the command"},
    {"getkeysandflags", -4, kLoading | kStale, 0, 0, 0, command_getkeysandflags, kCommandAcl,
     "server", "7.0.0", "Extract keys and access flags given a full Redis command",
     "O(N) where N is the number of arguments to the command"},
    {"info", -2, kLoading | kStale, 0, 0, 0, command_info, kCommandAcl, "server", "2.8.13",
     "Get array of specific Redis command details, or all when no argument is given.",
     "O(N) where N is the number of commands to look up"},
    {"list", -2, kLoading | kStale, 0, 0, 0, command_list, kCommandAcl, "server", "7.0.0",
     "Get an array of Redis command names", "O(N) where N is the total number of Redis commands"},
    {"help", 2, kLoading | kStale, 0, 0, 0, command_help, kCommandAcl, "server", "5.0.0",
     "Show helpful text about the different subcommands", "O(1)"},
};

const CommandSpec kServerCommands[] = {
    {"info", -1, kLoading | kStale | kSentinel, 0, 0, 0, info, "@slow @dangerous", "server",
     "1.0.0", "Get information and statistics about the server", "O(1)"},
    {"config", -2, 0, 0, 0, 0, reply_container_fallback, "@slow", "server", "2.0.0",
     "A container for server configuration commands", "Depends on subcommand.", kConfigSubcommands},
    {"command", -1, kLoading | kStale | kSentinel, 0, 0, 0, command_all, kCommandAcl, "server",
     "2.8.13", "Get array of Redis command details",
     "O(N) where N is the total number of Redis commands", kCommandSubcommands},
    {"dbsize", 1, kReadonly | kFast, 0, 0, 0, dbsize, "@keyspace @read @fast", "server", "1.0.0",
     "Return the number of keys in the selected database", "O(1)"},
    {"flushdb", -1, kWrite, 0, 0, 0, flushdb, "@keyspace @write @slow @dangerous", "server",
     "1.0.0", "Remove all keys from the current database",
     "O(N) where N is the number of keys in the selected database"},
    {"flushall", -1, kWrite, 0, 0, 0, flushall, "@keyspace @write @slow @dangerous", "server",
     "1.0.0", "Remove all keys from all databases",
     "O(N) where N is the total number of keys in all databases"},
    {"time", 1, kLoading | kStale | kFast, 0, 0, 0, time_cmd, "@fast", "server", "2.6.0",
     "Return the current server time", "O(1)"},
    {"lastsave", 1, kLoading | kStale | kFast, 0, 0, 0, lastsave, "@admin @fast @dangerous",
     "server", "1.0.0", "Get the UNIX time stamp of the last successful save to disk", "O(1)"},
    {"shutdown", -1, kAdmin | kNoscript | kLoading | kStale | kNoMulti | kAllowBusy | kSentinel, 0,
     0, 0, shutdown, kAdminAcl, "server", "1.0.0",
     "Synchronously save the dataset to disk and then shut down the server",
     "O(N) when saving, where N is the total number of keys in all databases when saving data, "
     "otherwise O(1)"},
    {"debug", -2, kAdmin | kNoscript | kLoading | kStale, 0, 0, 0, debug, kAdminAcl, "server",
     "1.0.0", "A container for debugging commands", "Depends on subcommand."},
};

}  // namespace

std::span<const CommandSpec> server_commands() {
  return kServerCommands;
}

}  // namespace rkv::server

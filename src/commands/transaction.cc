// Transactions: MULTI, EXEC, DISCARD, WATCH, UNWATCH (state and queuing: server/multi.h).
#include "server/command.h"
#include "server/server.h"
#include "util/clock.h"

namespace rkv::server {
namespace {

void multi(CommandContext& ctx) {
  if (ctx.client.multi) {
    ctx.reply.error("ERR MULTI calls can not be nested");
    return;
  }
  ctx.client.multi = std::make_unique<MultiState>();
  ctx.reply.ok();
}

void discard(CommandContext& ctx) {
  if (!ctx.client.multi) {
    ctx.reply.error("ERR DISCARD without MULTI");
    return;
  }
  ctx.server.discard_transaction(ctx.client);
  ctx.reply.ok();
}

void exec(CommandContext& ctx) {
  Client& c = ctx.client;
  Server& server = ctx.server;
  if (!c.multi) {
    ctx.reply.error("ERR EXEC without MULTI");
    return;
  }
  if (c.multi->failed) {
    ctx.reply.error("EXECABORT Transaction discarded because of previous errors.");
    server.discard_transaction(c);
    return;
  }
  if (c.watch.dirty || server.watched_key_expired(c)) {
    ctx.reply.null_array();
    server.discard_transaction(c);
    return;
  }
  // Nothing can fail the transaction any more: stop watching before running it.
  server.unwatch_all(c);
  const bool deny_before = c.deny_blocking;
  c.deny_blocking = true;
  // The client stays in MULTI while its commands run (CLIENT LIST shows it so, as Redis's).
  const MultiState& m = *c.multi;
  ctx.reply.array(m.commands.size());
  for (const QueuedCommand& q : m.commands) {
    const std::vector<std::string_view> argv = q.argv();
    // Each runs as its own call (statistics, errors), at EXEC's command time: the clock
    // read here only times it. Blocked clients its writes make ready are served once
    // EXEC ends, so they see the whole transaction.
    server.call(c, *q.cmd(), argv, wall_us());
  }
  c.deny_blocking = deny_before;
  c.last_command = ctx.cmd->full_name;
  server.discard_transaction(c);
}

void watch(CommandContext& ctx) {
  if (ctx.client.multi) {
    ctx.reply.error("ERR WATCH inside MULTI is not allowed");
    return;
  }
  // A dirty client's EXEC fails whatever happens: no point in watching more.
  if (!ctx.client.watch.dirty)
    for (size_t i = 1; i < ctx.argc(); i++) ctx.server.watch_key(ctx.client, ctx.arg(i));
  ctx.reply.ok();
}

void unwatch(CommandContext& ctx) {
  ctx.server.unwatch_all(ctx.client);
  ctx.client.watch.dirty = false;
  ctx.reply.ok();
}

constexpr uint32_t kTxFlags = kNoscript | kLoading | kStale | kNotQueued;

const CommandSpec kTransactionCommands[] = {
    {"multi", 1, kTxFlags | kFast | kAllowBusy, 0, 0, 0, multi, "@fast @transaction",
     "transactions", "1.2.0", "Mark the start of a transaction block", "O(1)"},
    {"exec", 1, kTxFlags | kSkipSlowlog, 0, 0, 0, exec, "@slow @transaction", "transactions",
     "1.2.0", "Execute all commands issued after MULTI", "Depends on commands in the transaction"},
    {"discard", 1, kTxFlags | kFast | kAllowBusy, 0, 0, 0, discard, "@fast @transaction",
     "transactions", "2.0.0", "Discard all commands issued after MULTI",
     "O(N), when N is the number of queued commands"},
    {"watch", -2, kTxFlags | kFast | kAllowBusy, 1, -1, 1, watch, "@fast @transaction",
     "transactions", "2.2.0", "Watch the given keys to determine execution of the MULTI/EXEC block",
     "O(1) for every key."},
    // UNWATCH is queued like any command (Redis 7.0): inside EXEC it has nothing to undo.
    {"unwatch", 1, kNoscript | kLoading | kStale | kFast | kAllowBusy, 0, 0, 0, unwatch,
     "@fast @transaction", "transactions", "2.2.0", "Forget about all watched keys", "O(1)"},
};

}  // namespace

std::span<const CommandSpec> transaction_commands() {
  return kTransactionCommands;
}

}  // namespace rkv::server

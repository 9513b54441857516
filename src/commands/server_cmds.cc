// Server family: INFO CONFIG COMMAND DBSIZE FLUSHDB FLUSHALL TIME LASTSAVE SHUTDOWN DEBUG.
#include "server/client.h"
#include "server/command.h"
#include "server/errors.h"
#include "server/server.h"

namespace rkv::server {
namespace {

void dbsize(CommandContext& ctx) { ctx.reply.integer(static_cast<int64_t>(ctx.db.size())); }

void flushall(CommandContext& ctx) {
  ctx.server.flush_all();
  ctx.reply.ok();
}

void info(CommandContext& ctx) { ctx.reply.verbatim(ctx.server.info(ctx.argv.subspan(1))); }

void config_get(CommandContext& ctx) {
  std::vector<std::pair<std::string, std::string>> out;
  for (size_t i = 2; i < ctx.argc(); i++) ConfigTable::get(ctx.server.config(), ctx.arg(i), &out);
  ctx.reply.map(out.size());
  for (auto& [k, v] : out) {
    ctx.reply.bulk(k);
    ctx.reply.bulk(v);
  }
}

void command_container(CommandContext& ctx) { ctx.reply.array(0); }
void noop(CommandContext& ctx) { ctx.reply.error(err::kSyntax); }

const CommandSpec kConfigSubcommands[] = {
    {"get", -3, kAdmin | kNoscript | kLoading | kStale, 0, 0, 0, config_get,
     "@admin @slow @dangerous", "server", "2.0.0", "Returns the effective values of configuration parameters.",
     "O(N) when N is the number of configuration parameters provided"},
};

const CommandSpec kServerCommands[] = {
    {"dbsize", 1, kReadonly | kFast, 0, 0, 0, dbsize, "@keyspace @read @fast", "server", "1.0.0",
     "Returns the number of keys in the database.", "O(1)"},
    {"flushall", -1, kWrite, 0, 0, 0, flushall, "@keyspace @write @slow @dangerous", "server",
     "1.0.0", "Removes all keys from all databases.", "O(N) where N is the total number of keys in all databases"},
    {"info", -1, kLoading | kStale | kSentinel, 0, 0, 0, info, "@slow @dangerous", "server",
     "1.0.0", "Returns information and statistics about the server.", "O(1)"},
    {"config", -2, 0, 0, 0, 0, noop, "@slow", "server", "2.0.0",
     "A container for server configuration commands.", "Depends on subcommand.", kConfigSubcommands},
    {"command", -1, kLoading | kStale | kSentinel, 0, 0, 0, command_container,
     "@slow @connection", "server", "2.8.13", "Returns detailed information about all commands.",
     "O(N) where N is the total number of Redis commands"},
};

}  // namespace

std::span<const CommandSpec> server_commands() { return kServerCommands; }

}  // namespace rkv::server

// Generic keyspace family: DEL EXISTS TYPE EXPIRE ... SCAN.
#include "server/client.h"
#include "server/command.h"
#include "server/errors.h"
#include "server/server.h"

namespace rkv::server {
namespace {

void del(CommandContext& ctx) {
  int64_t n = 0;
  for (size_t i = 1; i < ctx.argc(); i++) {
    if (ctx.db.lookup_write(ctx.arg(i)) && ctx.db.remove(ctx.arg(i))) n++;
  }
  ctx.reply.integer(n);
}

const CommandSpec kKeysCommands[] = {
    {"del", -2, kWrite, 1, -1, 1, del, "@keyspace @write @slow", "generic", "1.0.0",
     "Deletes one or more keys.", "O(N) where N is the number of keys that will be removed."},
};

}  // namespace

std::span<const CommandSpec> keys_commands() { return kKeysCommands; }

}  // namespace rkv::server

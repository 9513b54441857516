// String family: GET SET and friends.
#include "server/client.h"
#include "server/command.h"
#include "server/errors.h"
#include "server/server.h"

namespace rkv::server {
namespace {

void get(CommandContext& ctx) {
  store::Entry* e = ctx.db.lookup_read(ctx.arg(1));
  if (!e) {
    ctx.reply.null();
    return;
  }
  if (e->type() != store::ObjType::kString) {
    ctx.reply.error(err::kWrongType);
    return;
  }
  char scratch[kMaxInt64Chars];
  ctx.reply.bulk(e->string_value(scratch));
}

void set(CommandContext& ctx) {
  if (ctx.argc() != 3) {
    ctx.reply.error(err::kSyntax);
    return;
  }
  ctx.db.set(store::Entry::make_string(ctx.arg(1), ctx.arg(2)), false);
  ctx.reply.ok();
}

constexpr std::string_view kWriteString = "@write @string @slow";

const CommandSpec kStringCommands[] = {
    {"get", 2, kReadonly | kFast, 1, 1, 1, get, "@read @string @fast", "string", "1.0.0",
     "Returns the string value of a key.", "O(1)"},
    {"set", -3, kWrite | kDenyOom, 1, 1, 1, set, kWriteString, "string", "1.0.0",
     "Sets the string value of a key, ignoring its type. The key is created if it doesn't exist.",
     "O(1)"},
};

}  // namespace

std::span<const CommandSpec> string_commands() { return kStringCommands; }

}  // namespace rkv::server

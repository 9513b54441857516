// Commands: the static table rows each family declares, and what a handler receives.
//
// A new command is one CommandSpec row in its family's table plus one handler. Handlers
// run on the main thread only, never touch sockets, and answer through ctx.reply.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "resp/reply.h"
#include "store/db.h"

namespace rkv::server {

class Server;
class Client;
struct Command;

// Flags as Redis names them in COMMAND INFO.
enum CommandFlag : uint32_t {
  kWrite = 1u << 0,
  kReadonly = 1u << 1,
  kDenyOom = 1u << 2,
  kAdmin = 1u << 3,
  kPubsub = 1u << 4,
  kNoscript = 1u << 5,
  kBlocking = 1u << 6,
  kLoading = 1u << 7,
  kStale = 1u << 8,
  kSkipMonitor = 1u << 9,
  kSkipSlowlog = 1u << 10,
  kFast = 1u << 11,
  kNoAuth = 1u << 12,
  kMayReplicate = 1u << 13,
  kNoMulti = 1u << 14,
  kAllowBusy = 1u << 15,
  kSentinel = 1u << 16,
};

struct CommandContext;
using CommandHandler = void (*)(CommandContext&);

struct CommandSpec {
  std::string_view name;  // lowercase
  int arity;              // >0 exact argc, <0 at least -arity
  uint32_t flags;
  int first_key, last_key, key_step;
  CommandHandler handler;
  std::string_view acl_categories;  // e.g. "@write @string @slow"
  std::string_view group;           // COMMAND DOCS group ("string", "generic", ...)
  std::string_view since;
  std::string_view summary;
  std::string_view complexity;
  std::span<const CommandSpec> subcommands = {};
};

struct CommandContext {
  Server& server;
  Client& client;
  std::span<const std::string_view> argv;
  resp::Reply& reply;
  store::Db& db;
  int64_t now_ms;
  Command* cmd = nullptr;  // the command (or subcommand) being run

  size_t argc() const { return argv.size(); }
  std::string_view arg(size_t i) const { return argv[i]; }
};

// Replies a HELP array the way Redis does: the first line, the lines, then "HELP".
void reply_help(resp::Reply& reply, std::string_view first,
                std::span<const std::string_view> lines);
// Handler of a container command (CLIENT, CONFIG, OBJECT...) reached without a known
// subcommand; dispatch normally answers before it runs.
void reply_container_fallback(CommandContext& ctx);

// Family tables (one file under commands/ each).
std::span<const CommandSpec> connection_commands();
std::span<const CommandSpec> string_commands();
std::span<const CommandSpec> keys_commands();
std::span<const CommandSpec> server_commands();
std::span<const CommandSpec> list_commands();
std::span<const CommandSpec> hash_commands();
std::span<const CommandSpec> set_commands();
std::span<const CommandSpec> zset_commands();
std::span<const CommandSpec> bitmap_commands();
std::span<const CommandSpec> hyperloglog_commands();

}  // namespace rkv::server

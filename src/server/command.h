// Commands: the static table rows each family declares, and what a handler receives.
//
// A new command is one CommandSpec row in its family's table plus one handler. Handlers
// run on the main thread only, never touch sockets, and answer through ctx.reply.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

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
  kNoMandatoryKeys = 1u << 17,  // EVAL, FCALL: numkeys may be 0
  // Ours, not in COMMAND INFO: runs at once inside MULTI instead of being queued (EXEC,
  // DISCARD, MULTI, WATCH, QUIT, RESET, as Redis 7.0's processCommand lists them).
  kNotQueued = 1u << 18,
};

struct CommandContext;
using CommandHandler = void (*)(CommandContext&);

// One Redis 7.0 key spec (COMMAND INFO's last element): where a group of keys begins
// (begin_search) and how far it reaches from there (find_keys). Build them with the
// key_* helpers below; the fields mean what COMMAND INFO calls them.
struct KeySpec {
  enum class Begin : uint8_t { kIndex, kKeyword, kUnknown };
  enum class Find : uint8_t { kRange, kKeynum, kUnknown };
  std::string_view flags = {};  // as COMMAND INFO lists them: "RW access delete"
  Begin begin = Begin::kIndex;
  int index = 0;                  // kIndex: argv position; kKeyword: startfrom (<0: from the end)
  std::string_view keyword = {};  // kKeyword
  Find find = Find::kRange;
  int lastkey = 0;  // kRange: last key relative to the first; <0 counts from argv's end
  int keystep = 1;  // kRange and kKeynum
  int limit = 0;    // kRange with lastkey -1: only 1/limit of the remaining arguments
  int keynumidx = 0, firstkey = 1;  // kKeynum, both relative to the begin position
  std::string_view notes = {};
};

// Keys from argv[index] to argv[index + lastkey] (lastkey < 0: argc + lastkey), every step.
constexpr KeySpec key_range(std::string_view flags, int index, int lastkey = 0, int step = 1,
                            int limit = 0) {
  return {.flags = flags, .index = index, .lastkey = lastkey, .keystep = step, .limit = limit};
}
// A count at argv[index + keynumidx], then that many keys from argv[index + firstkey].
constexpr KeySpec key_numkeys(std::string_view flags, int index, int keynumidx = 0,
                              int firstkey = 1, int step = 1, std::string_view notes = {}) {
  return {.flags = flags,
          .index = index,
          .find = KeySpec::Find::kKeynum,
          .keystep = step,
          .keynumidx = keynumidx,
          .firstkey = firstkey,
          .notes = notes};
}
// Keys after the keyword, searched from startfrom (forward when > 0, backward when < 0).
constexpr KeySpec key_keyword(std::string_view flags, std::string_view keyword, int startfrom,
                              int lastkey, int step = 1, int limit = 0) {
  return {.flags = flags,
          .begin = KeySpec::Begin::kKeyword,
          .index = startfrom,
          .keyword = keyword,
          .lastkey = lastkey,
          .keystep = step,
          .limit = limit};
}
// Keys no spec can locate (SORT's BY/GET/STORE): the row's get_keys function finds them.
constexpr KeySpec key_unknown(std::string_view flags, std::string_view notes) {
  return {.flags = flags,
          .begin = KeySpec::Begin::kUnknown,
          .find = KeySpec::Find::kUnknown,
          .notes = notes};
}

// A key found in a command line: its argv index and the flags of the spec that found it
// (empty when a get_keys fallback found it, as Redis's own fallbacks report none).
struct KeyRef {
  int pos;
  std::string_view flags;
};
// Finds the keys of argv (argv[0] is the command name) when the key specs cannot: adds
// them to *keys. Returns false, with *keys left empty, when argv is not a valid call.
using GetKeysFn = bool (*)(std::span<const std::string_view> argv, std::vector<KeyRef>* keys);

// A command's row. Key positions, two ways:
//  - first_key/last_key/key_step (Redis's legacy triple: argv index of the first key,
//    of the last one (negative: from the end), and the step) describe commands whose
//    keys sit at fixed positions. COMMAND INFO shows one key spec built from them.
//  - Commands whose keys move with their arguments (a numkeys count: SINTERCARD, ZUNION,
//    ZINTERSTORE, LMPOP, BLMPOP, ZMPOP, BZMPOP, EVAL...; a keyword: MIGRATE; SORT's
//    STORE) or that have several kinds of keys (SMOVE: source and destination) set
//    key_specs to their Redis 7.0 key specs, copied from redis-server's COMMAND INFO, in
//    its order. Those are then the truth: COMMAND INFO derives the legacy triple and the
//    movablekeys flag from them as Redis does, and COMMAND GETKEYS walks them. Still
//    write first_key/last_key/key_step as redis-server's COMMAND INFO shows them (a unit
//    test checks they agree with the specs). Example, ZUNIONSTORE dest numkeys key...:
//      constexpr KeySpec kZunionstoreKeys[] = {key_range("OW update", 1),
//                                              key_numkeys("RO access", 2)};
//      {"zunionstore", -4, kWrite | kDenyOom, 1, 1, 1, zunionstore, ..., "complexity",
//       kNoSubcommands, kZunionstoreKeys},
//    A keynum spec needs nothing else: when it fails on a malformed count, GETKEYS falls
//    back to Redis's count parsing (atoi) by itself. get_keys is only for commands with
//    a key_unknown spec (SORT: see sort_get_keys in server/command_keys.h).
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
  std::span<const KeySpec> key_specs = {};
  GetKeysFn get_keys = nullptr;
};
// For rows that set key_specs but have no subcommands (a bare {} there makes
// clang-format put every field of the row on its own line).
inline constexpr std::span<const CommandSpec> kNoSubcommands = {};

struct CommandContext {
  Server& server;
  Client& client;
  std::span<const std::string_view> argv;
  resp::Reply& reply;
  store::Db& db;
  int64_t now_ms;
  Command* cmd = nullptr;  // the command (or subcommand) being run

  // Reports a change to key in this db (notify.h): invalidates WATCHes, counts `changes`
  // (Redis's dirty: one per element a multi-element command changed), publishes the
  // notifications of class klass named event. Call once per command and key, where Redis
  // calls signalModifiedKey/notifyKeyspaceEvent.
  void key_modified(unsigned klass, std::string_view event, std::string_view key,
                    uint64_t changes = 1);
  // Deletes key, which a removal just emptied, with the "del" event (the removal's own
  // key_modified already signalled and counted the change).
  void remove_emptied(std::string_view key);
  // Only the notifications, for the events Redis fires without a change of their own
  // (SET's "expire" after its "set", LMOVE's pop after the push...).
  void notify(unsigned klass, std::string_view event, std::string_view key);

  size_t argc() const { return argv.size(); }
  std::string_view arg(size_t i) const { return argv[i]; }
};

// Replies a HELP array the way Redis does: the first line, the lines, then "HELP".
void reply_help(resp::Reply& reply, std::string_view first,
                std::span<const std::string_view> lines);
// Redis's addReplySubcommandSyntaxError: a known subcommand given the wrong arguments.
// command: the container's name as its HELP is spelled (upper case).
void reply_subcommand_syntax_error(resp::Reply& reply, std::string_view command,
                                   std::string_view sub);
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
std::span<const CommandSpec> memory_commands();
std::span<const CommandSpec> sort_commands();
std::span<const CommandSpec> pubsub_commands();
std::span<const CommandSpec> transaction_commands();
std::span<const CommandSpec> scripting_commands();
std::span<const CommandSpec> function_commands();

}  // namespace rkv::server

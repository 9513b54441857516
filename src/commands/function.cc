// Redis 7 functions: FUNCTION, FCALL, FCALL_RO. The engine is script/engine.h
// (script/functions.cc).
#include "script/engine.h"
#include "server/command.h"
#include "server/key_specs.h"
#include "server/server.h"

namespace rkv::server {
namespace {

void fcall(CommandContext& ctx) {
  script::engine(ctx.server).fcall(ctx, false);
}
void fcall_ro(CommandContext& ctx) {
  script::engine(ctx.server).fcall(ctx, true);
}
void function_load(CommandContext& ctx) {
  script::engine(ctx.server).function_load(ctx);
}
void function_list(CommandContext& ctx) {
  script::engine(ctx.server).function_list(ctx);
}
void function_delete(CommandContext& ctx) {
  script::engine(ctx.server).function_delete(ctx);
}
void function_flush(CommandContext& ctx) {
  script::engine(ctx.server).function_flush(ctx);
}
void function_dump(CommandContext& ctx) {
  script::engine(ctx.server).function_dump(ctx);
}
void function_restore(CommandContext& ctx) {
  script::engine(ctx.server).function_restore(ctx);
}
void function_stats(CommandContext& ctx) {
  script::engine(ctx.server).function_stats(ctx);
}
void function_kill(CommandContext& ctx) {
  script::engine(ctx.server).kill(ctx.reply, false);
}

void function_help(CommandContext& ctx) {
  static constexpr std::string_view kLines[] = {
      "LOAD [REPLACE] <FUNCTION CODE>",
      "    Create a new library with the given library name and code.",
      "DELETE <LIBRARY NAME>",
      "    Delete the given library.",
      "LIST [LIBRARYNAME PATTERN] [WITHCODE]",
      "    Return general information on all the libraries:",
      "    * Library name",
      "    * The engine used to run the Library",
      "    * Library description",
      "    * Functions list",
      "    * Library code (if WITHCODE is given)",
      "    It also possible to get only function that matches a pattern using LIBRARYNAME "
      "argument.",
      "STATS",
      "    Return information about the current function running:",
      "    * Function name",
      "    * Command used to run the function",
      "    * Duration in MS that the function is running",
      "    If no function is running, return nil",
      "    In addition, returns a list of available engines.",
      "KILL",
      "    Kill the current running function.",
      "FLUSH [ASYNC|SYNC]",
      "    Delete all the libraries.",
      "    When called without the optional mode argument, the behavior is determined by the",
      "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
      "    * ASYNC: Asynchronously flush the libraries.",
      "    * SYNC: Synchronously flush the libraries.",
      "DUMP",
      "    Return a serialized payload representing the current libraries, can be restored "
      "using FUNCTION RESTORE command",
      "RESTORE <PAYLOAD> [FLUSH|APPEND|REPLACE]",
      "    Restore the libraries represented by the given payload, it is possible to give a "
      "restore policy to",
      "    control how to handle existing libraries (default APPEND):",
      "    * FLUSH: delete all existing libraries.",
      "    * APPEND: appends the restored libraries to the existing libraries. On collision, "
      "abort.",
      "    * REPLACE: appends the restored libraries to the existing libraries, On collision, "
      "replace the old",
      "      libraries with the new libraries (notice that even on this option there is a "
      "chance of failure",
      "      in case of functions name collision with another library).",
  };
  reply_help(ctx.reply,
             "FUNCTION <subcommand> [<arg> [value] [opt] ...]. Subcommands are:", kLines);
}

constexpr std::string_view kScripting = "@slow @scripting";
constexpr std::string_view kWriteScripting = "@write @slow @scripting";
constexpr uint32_t kFcallFlags = kNoscript | kStale | kSkipMonitor | kNoMandatoryKeys;
constexpr std::string_view kDependsOnFunction = "Depends on the function that is executed.";

// In Redis 7.0.15's COMMAND order.
constexpr CommandSpec kFunctionSubcommands[] = {
    {"list", -2, kNoscript, 0, 0, 0, function_list, kScripting, "scripting", "7.0.0",
     "List information about all the functions", "O(N) where N is the number of functions"},
    {"load", -3, kWrite | kDenyOom | kNoscript, 0, 0, 0, function_load, kWriteScripting,
     "scripting", "7.0.0", "Create a function with the given arguments (name, code, description)",
     "O(1) (considering compilation time is redundant)"},
    {"dump", 2, kNoscript, 0, 0, 0, function_dump, kScripting, "scripting", "7.0.0",
     "Dump all functions into a serialized binary payload",
     "O(N) where N is the number of functions"},
    {"help", 2, kLoading | kStale, 0, 0, 0, function_help, kScripting, "scripting", "7.0.0",
     "Show helpful text about the different subcommands", "O(1)"},
    {"kill", 2, kNoscript | kAllowBusy, 0, 0, 0, function_kill, kScripting, "scripting", "7.0.0",
     "Kill the function currently in execution.", "O(1)"},
    {"restore", -3, kWrite | kDenyOom | kNoscript, 0, 0, 0, function_restore, kWriteScripting,
     "scripting", "7.0.0", "Restore all the functions on the given payload",
     "O(N) where N is the number of functions on the payload"},
    {"flush", -2, kWrite | kNoscript, 0, 0, 0, function_flush, kWriteScripting, "scripting",
     "7.0.0", "Deleting all functions", "O(N) where N is the number of functions deleted"},
    {"delete", 3, kWrite | kNoscript, 0, 0, 0, function_delete, kWriteScripting, "scripting",
     "7.0.0", "Delete a function by name", "O(1)"},
    {"stats", 2, kNoscript | kAllowBusy, 0, 0, 0, function_stats, kScripting, "scripting", "7.0.0",
     "Return information about the function currently running (name, description, "
     "duration)",
     "O(1)"},
};

constexpr CommandSpec kFunctionCommands[] = {
    {"fcall", -3, kFcallFlags, 0, 0, 0, fcall, kScripting, "scripting", "7.0.0",
     "Invoke a function", kDependsOnFunction, kNoSubcommands, kKeysFcall},
    {"fcall_ro", -3, kReadonly | kFcallFlags, 0, 0, 0, fcall_ro, kScripting, "scripting", "7.0.0",
     "Invoke a read-only function", kDependsOnFunction, kNoSubcommands, kKeysFcallRo},
    {"function", -2, 0, 0, 0, 0, reply_container_fallback, "@slow", "scripting", "7.0.0",
     "A container for function commands", "Depends on subcommand.", kFunctionSubcommands},
};

}  // namespace

std::span<const CommandSpec> function_commands() {
  return kFunctionCommands;
}

}  // namespace rkv::server

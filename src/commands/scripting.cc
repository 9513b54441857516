// Lua scripts: EVAL, EVALSHA, EVAL_RO, EVALSHA_RO, SCRIPT. The engine is script/engine.h.
#include "script/engine.h"
#include "server/command.h"
#include "server/key_specs.h"
#include "server/server.h"
#include "util/strings.h"

namespace rkv::server {
namespace {

void eval(CommandContext& ctx) {
  script::engine(ctx.server).eval(ctx, false, false);
}
void evalsha(CommandContext& ctx) {
  script::engine(ctx.server).eval(ctx, true, false);
}
void eval_ro(CommandContext& ctx) {
  script::engine(ctx.server).eval(ctx, false, true);
}
void evalsha_ro(CommandContext& ctx) {
  script::engine(ctx.server).eval(ctx, true, true);
}

void script_load(CommandContext& ctx) {
  script::engine(ctx.server).script_load(ctx, ctx.arg(2));
}

void script_exists(CommandContext& ctx) {
  script::Engine& e = script::engine(ctx.server);
  ctx.reply.array(ctx.argc() - 2);
  for (size_t i = 2; i < ctx.argc(); i++) ctx.reply.integer(e.script_exists(ctx.arg(i)) ? 1 : 0);
}

void script_flush(CommandContext& ctx) {
  // ASYNC and SYNC both free at once: the cache and one Lua state are small next to a
  // database, and Redis closes its Lua state synchronously either way.
  if (ctx.argc() > 3 ||
      (ctx.argc() == 3 && !iequals(ctx.arg(2), "sync") && !iequals(ctx.arg(2), "async"))) {
    ctx.reply.error("ERR SCRIPT FLUSH only support SYNC|ASYNC option");
    return;
  }
  script::engine(ctx.server).script_flush();
  ctx.reply.ok();
}

void script_kill(CommandContext& ctx) {
  script::engine(ctx.server).kill(ctx.reply, true);
}

// There is no Lua debugger (LDB): turning it off is accepted, turning it on is refused.
void script_debug(CommandContext& ctx) {
  const std::string_view mode = ctx.arg(2);
  if (iequals(mode, "no")) {
    ctx.reply.ok();
  } else if (iequals(mode, "yes") || iequals(mode, "sync")) {
    ctx.reply.error("ERR The Lua debugger (SCRIPT DEBUG YES/SYNC) is not supported");
  } else {
    ctx.reply.error("ERR Use SCRIPT DEBUG YES/SYNC/NO");
  }
}

void script_help(CommandContext& ctx) {
  static constexpr std::string_view kLines[] = {
      "DEBUG (YES|SYNC|NO)",
      "    Set the debug mode for subsequent scripts executed.",
      "EXISTS <sha1> [<sha1> ...]",
      "    Return information about the existence of the scripts in the script cache.",
      "FLUSH [ASYNC|SYNC]",
      "    Flush the Lua scripts cache. Very dangerous on replicas.",
      "    When called without the optional mode argument, the behavior is determined by the",
      "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
      "    * ASYNC: Asynchronously flush the scripts cache.",
      "    * SYNC: Synchronously flush the scripts cache.",
      "KILL",
      "    Kill the currently executing Lua script.",
      "LOAD <script>",
      "    Load a script into the scripts cache without executing it.",
  };
  reply_help(ctx.reply, "SCRIPT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:", kLines);
}

constexpr std::string_view kScripting = "@slow @scripting";
constexpr uint32_t kEvalFlags = kNoscript | kStale | kSkipMonitor | kNoMandatoryKeys;
constexpr std::string_view kDependsOnScript = "Depends on the script that is executed.";

constexpr CommandSpec kScriptSubcommands[] = {
    {"flush", -2, kNoscript, 0, 0, 0, script_flush, kScripting, "scripting", "2.6.0",
     "Remove all the scripts from the script cache.",
     "O(N) with N being the number of scripts in cache"},
    {"help", 2, kLoading | kStale, 0, 0, 0, script_help, kScripting, "scripting", "5.0.0",
     "Show helpful text about the different subcommands", "O(1)"},
    {"debug", 3, kNoscript, 0, 0, 0, script_debug, kScripting, "scripting", "3.2.0",
     "Set the debug mode for executed scripts.", "O(1)"},
    {"exists", -3, kNoscript, 0, 0, 0, script_exists, kScripting, "scripting", "2.6.0",
     "Check existence of scripts in the script cache.",
     "O(N) with N being the number of scripts to check (so checking a single script is an O(1) "
     "operation)."},
    {"load", 3, kNoscript | kStale, 0, 0, 0, script_load, kScripting, "scripting", "2.6.0",
     "Load the specified Lua script into the script cache.",
     "O(N) with N being the length in bytes of the script body."},
    {"kill", 2, kNoscript | kAllowBusy, 0, 0, 0, script_kill, kScripting, "scripting", "2.6.0",
     "Kill the script currently in execution.", "O(1)"},
};

constexpr CommandSpec kScriptingCommands[] = {
    {"eval", -3, kEvalFlags, 0, 0, 0, eval, kScripting, "scripting", "2.6.0",
     "Execute a Lua script server side", kDependsOnScript, kNoSubcommands, kKeysEval},
    {"evalsha", -3, kEvalFlags, 0, 0, 0, evalsha, kScripting, "scripting", "2.6.0",
     "Execute a Lua script server side", kDependsOnScript, kNoSubcommands, kKeysEvalsha},
    {"eval_ro", -3, kReadonly | kEvalFlags, 0, 0, 0, eval_ro, kScripting, "scripting", "7.0.0",
     "Execute a read-only Lua script server side", kDependsOnScript, kNoSubcommands, kKeysEvalRo},
    {"evalsha_ro", -3, kReadonly | kEvalFlags, 0, 0, 0, evalsha_ro, kScripting, "scripting",
     "7.0.0", "Execute a read-only Lua script server side", kDependsOnScript, kNoSubcommands,
     kKeysEvalshaRo},
    {"script", -2, 0, 0, 0, 0, reply_container_fallback, "@slow", "scripting", "2.6.0",
     "A container for Lua scripts management commands", "Depends on subcommand.",
     kScriptSubcommands},
};

}  // namespace

std::span<const CommandSpec> scripting_commands() {
  return kScriptingCommands;
}

}  // namespace rkv::server

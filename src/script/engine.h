// Engine: Lua scripting as Redis 7.0 does it: EVAL, EVALSHA, their _RO forms and SCRIPT
// (engine.cc), FUNCTION and FCALL (functions.cc).
//
// One Lua 5.1 state (Debian's) runs every EVAL script, sandboxed (sandbox.h). Scripts are
// cached by the SHA-1 of their body and kept until SCRIPT FLUSH, as in Redis 7.0. A
// second state holds the function libraries: FUNCTION LOAD runs a library's code with
// only redis.register_function & co. in sight, FCALL calls a registered function with
// the full API and (keys, args) as arguments. A
// script's redis.call() runs the command through Server::call on the script client, a
// Client without a connection, and converts the reply it wrote back into Lua
// (convert.h); the script's return value is written to the caller the same way.
//
// A script that runs past busy-reply-threshold yields to the event loop from a Lua count
// hook (every 100000 instructions): the server then answers other clients -BUSY, except
// for allow-busy commands such as SCRIPT KILL (stops a script that has not written yet)
// and SHUTDOWN NOSAVE (see Server::begin_busy).
//
// Lua errors unwind with longjmp: the functions Lua calls back (redis.*, the hook) hold
// no C++ object with a destructor across a Lua call that may raise.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "script/rand48.h"
#include "server/client.h"
#include "server/command.h"
#include "server/script_host.h"

struct lua_State;

namespace rkv::server {
class Server;
}

namespace rkv::script {

// Script flags: the shebang's flags=... (and, later, a function's).
enum ScriptFlag : uint32_t {
  kNoWrites = 1u << 0,
  kAllowOom = 1u << 1,
  kAllowStale = 1u << 2,
  kNoCluster = 1u << 3,
  kAllowCrossSlotKeys = 1u << 4,
  // An EVAL script without a shebang: Redis 7.0's compatibility rules (no flag checks
  // before it runs; writes allowed unless the command is an _RO one).
  kEvalCompat = 1u << 5,
};

// Parses the "#!lua flags=a,b" first line of an EVAL script. On success sets *flags and
// *header_len (the bytes before the line's '\n', 0 without a shebang); otherwise returns
// Redis's error message.
std::string parse_shebang(std::string_view body, uint32_t* flags, size_t* header_len);

// The lowercase hex SHA-1 of s (redis.sha1hex, the script cache's key).
std::string sha1_hex(std::string_view s);

// What other clients get while a script (EVAL family) or a function runs past
// busy-reply-threshold, and what FUNCTION STATS answers during an EVAL script.
inline constexpr std::string_view kBusyEval =
    "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.";
inline constexpr std::string_view kBusyFunction =
    "BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.";

class Engine;
// The Engine that owns L (either of its states), for hooks, which take no upvalues.
Engine& engine_of(lua_State* L);

// EVAL's and FCALL's numkeys (argv[2]) checked as Redis does: nullopt after replying the
// error. not_integer is what a count that is no integer answers (the two commands differ).
std::optional<size_t> parse_numkeys(server::CommandContext& ctx, std::string_view not_integer);

class Engine final : public server::ScriptHost {
 public:
  explicit Engine(server::Server& server);
  ~Engine() override;
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  server::ScriptMemory memory() const override;
  uint32_t command_flags(std::span<const std::string_view> argv, uint32_t row_flags) const override;

  // EVAL script numkeys key... arg... (EVALSHA with by_sha; read_only: the _RO forms).
  void eval(server::CommandContext& ctx, bool by_sha, bool read_only);
  // SCRIPT LOAD: caches the body and replies its SHA-1, or replies the compile error.
  void script_load(server::CommandContext& ctx, std::string_view body);
  bool script_exists(std::string_view sha) const;
  // SCRIPT FLUSH: forgets every script and starts a fresh Lua state.
  void script_flush();
  // SCRIPT KILL (is_eval) and FUNCTION KILL: replies OK, NOTBUSY, UNKILLABLE or BUSY.
  void kill(resp::Reply& reply, bool is_eval);

  // FCALL / FCALL_RO and the FUNCTION subcommands (functions.cc); each parses its own
  // arguments (after the subcommand) and replies.
  void fcall(server::CommandContext& ctx, bool read_only);
  void function_load(server::CommandContext& ctx);
  void function_list(server::CommandContext& ctx);
  void function_delete(server::CommandContext& ctx);
  void function_flush(server::CommandContext& ctx);
  void function_dump(server::CommandContext& ctx);
  void function_restore(server::CommandContext& ctx);
  void function_stats(server::CommandContext& ctx);

  // What the callbacks registered in Lua reach; not for other users. Run: the script or
  // function running now (at most one).
  struct Run {
    server::Client* caller = nullptr;
    const std::string* name = nullptr;  // what errors and logs call it: the SHA-1 for EVAL
    bool eval_mode = true;
    bool read_only = false;  // EVAL_RO, FCALL_RO, no-writes
    bool allow_oom = false;  // declared allow-oom: deny-oom commands run even out of memory
    bool wrote = false;      // a write command ran: SCRIPT KILL may no longer stop it
    bool timed_out = false;  // past busy-reply-threshold: the loop is being served
    bool killed = false;     // SCRIPT KILL / FUNCTION KILL asked it to stop
    int64_t start_us = 0;
    std::span<const std::string_view> argv;  // the caller's command (FUNCTION STATS)
  };

  struct Script;
  int lua_command(lua_State* L, bool raise);
  int lua_acl_check(lua_State* L);
  int lua_setresp(lua_State* L);
  int lua_random(lua_State* L);
  int lua_randomseed(lua_State* L);
  int lua_register_function(lua_State* L);
  void on_hook(lua_State* L);
  void on_load_hook(lua_State* L);

  // A registered function and its library (functions.cc).
  struct Function {
    std::string name;
    std::string library;  // the library that registered it
    int ref = -2;         // the callback, in the function state's registry (LUA_NOREF)
    uint32_t flags = 0;
    bool has_description = false;
    std::string description;
  };
  struct Library {
    std::string name;
    std::string code;
    std::vector<Function> functions;  // in registration order
  };
  // Libraries by name, and functions by name across them (FCALL's lookup).
  struct LibrarySet {
    std::map<std::string, std::unique_ptr<Library>> libraries;
    std::unordered_map<std::string, const Function*> functions;  // by key()
    static std::string key(std::string_view function_name);
    const Function* find(std::string_view function_name) const;
    void link(std::unique_ptr<Library> lib);
    std::unique_ptr<Library> unlink(const std::string& name);
  };

 private:
  void create_state();
  void create_function_state();
  // Registers the redis table common to both states (call, pcall, log...), math.random
  // and pcall; for_eval adds what only EVAL has (breakpoint, debug...).
  void open_api(lua_State* L, bool for_eval);
  // Runs one library's code into set (FUNCTION LOAD, RESTORE): "" and *name on success,
  // else the error message (without "ERR ").
  std::string create_library(std::string_view code, LibrarySet& set, bool replace,
                             std::string* name);
  void free_library(Library& lib);
  // Frees every library of set and empties it (FUNCTION FLUSH, RESTORE).
  void free_libraries(LibrarySet& set);
  // The cached script for sha, compiling body when it is new; null after replying the
  // error (compile error, bad shebang).
  Script* find_or_create(std::string_view sha, std::string_view body, resp::Reply& reply);
  // Runs the chunk or callback at registry ref in L for ctx: EVAL's (KEYS and ARGV as
  // globals) when eval_mode, FCALL's (keys and args as arguments) otherwise.
  void run(server::CommandContext& ctx, lua_State* L, int ref, const std::string& name,
           bool eval_mode, bool read_only, bool allow_oom);
  // Redis's scriptPrepareForRun checks for a script that declares flags: false after
  // replying the refusal (out of memory without allow-oom, writes from an _RO command).
  bool may_run(server::CommandContext& ctx, uint32_t flags, bool read_only);
  void reply_error_object(lua_State* L, resp::Reply& reply, server::Command* cmd,
                          const std::string& name);
  // Runs args_ as a command on the script client; false after pushing a Lua error table
  // (the command could not run: unknown, arity, not allowed from scripts...).
  bool run_command(lua_State* L);

  server::Server& server_;
  server::Client client_;   // the script client: no connection, blocking denied
  lua_State* L_ = nullptr;  // EVAL's state
  lua_State* F_ = nullptr;  // FUNCTION's state
  std::unordered_map<std::string, Script> scripts_;
  LibrarySet libs_;
  Library* loading_ = nullptr;  // the library whose code FUNCTION LOAD is running
  int64_t load_start_us_ = 0;
  size_t scripts_bytes_ = 0;  // bodies and keys of scripts_
  Run* run_ = nullptr;        // the script running now, if any
  Rand48 rand_;               // math.random's generator: never reset, as in Redis 7.0
  uint64_t runs_ = 0;         // for the periodic GC step
  // Scratch of redis.call, kept between calls (no C++ object may live across a Lua
  // error inside the callback itself).
  std::vector<std::string> args_;
  std::vector<std::string_view> argv_;
  std::string reply_bytes_;
};

// The server's engine, created on first use.
Engine& engine(server::Server& server);

}  // namespace rkv::script

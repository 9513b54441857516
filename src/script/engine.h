// Engine: Lua scripting as Redis 7.0 does it (EVAL, EVALSHA, their _RO forms, SCRIPT).
//
// One Lua 5.1 state (Debian's) runs every EVAL script, sandboxed (sandbox.h). Scripts are
// cached by the SHA-1 of their body and kept until SCRIPT FLUSH, as in Redis 7.0. A
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
#include <memory>
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

class Engine final : public server::ScriptHost {
 public:
  explicit Engine(server::Server& server);
  ~Engine() override;
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  server::ScriptMemory memory() const override;

  // EVAL script numkeys key... arg... (EVALSHA with by_sha; read_only: the _RO forms).
  void eval(server::CommandContext& ctx, bool by_sha, bool read_only);
  // SCRIPT LOAD: caches the body and replies its SHA-1, or replies the compile error.
  void script_load(server::CommandContext& ctx, std::string_view body);
  bool script_exists(std::string_view sha) const;
  // SCRIPT FLUSH: forgets every script and starts a fresh Lua state.
  void script_flush();
  // SCRIPT KILL (is_eval) and FUNCTION KILL: replies OK, NOTBUSY, UNKILLABLE or BUSY.
  void kill(resp::Reply& reply, bool is_eval);

  // What the callbacks registered in Lua reach (engine.cc); not for other users.
  struct Run;
  struct Script;
  int lua_command(lua_State* L, bool raise);
  int lua_acl_check(lua_State* L);
  int lua_setresp(lua_State* L);
  int lua_random(lua_State* L);
  int lua_randomseed(lua_State* L);
  void on_hook(lua_State* L);

 private:
  void create_state();
  // The cached script for sha, compiling body when it is new; null after replying the
  // error (compile error, bad shebang).
  Script* find_or_create(std::string_view sha, std::string_view body, resp::Reply& reply);
  void run(server::CommandContext& ctx, Script& script, const std::string& sha, bool read_only);
  void reply_error_object(resp::Reply& reply, server::Command* cmd, const std::string& name);
  // Runs args_ as a command on the script client; false after pushing a Lua error table
  // (the command could not run: unknown, arity, not allowed from scripts...).
  bool run_command(lua_State* L);

  server::Server& server_;
  server::Client client_;  // the script client: no connection, blocking denied
  lua_State* L_ = nullptr;
  std::unordered_map<std::string, Script> scripts_;
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

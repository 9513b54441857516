#include "script/engine.h"

#include <cmath>
#include <cstdio>
#include <cstring>
#include <initializer_list>
#include <lua.hpp>

#include "resp/parser.h"
#include "script/convert.h"
#include "script/sandbox.h"
#include "server/command_table.h"
#include "server/errors.h"
#include "server/server.h"
#include "util/clock.h"
#include "util/log.h"
#include "util/numbers.h"
#include "util/sha1.h"
#include "util/strings.h"

namespace rkv::script {

struct Engine::Script {
  std::string body;
  uint32_t flags = 0;
  int ref = LUA_NOREF;  // the compiled chunk, in the registry
};

namespace {

constexpr int kHookInstructions = 100000;  // Redis's count hook period
constexpr uint64_t kGcPeriod = 50;         // runs between incremental GC steps, as Redis
constexpr const char* kRedisVersion = "7.0.15";
constexpr int kRedisVersionNum = 0x07000f;

constexpr std::string_view kNoScript = "NOSCRIPT No matching script. Please use EVAL.";

char kEngineKey;  // registry: the Engine, for engine_of (hooks take no upvalues)

Engine& self(lua_State* L) {
  return *static_cast<Engine*>(lua_touserdata(L, lua_upvalueindex(1)));
}

// Raises msg as Redis's luaPushError + luaError do: an {err="ERR msg"} table.
int raise_error(lua_State* L, const char* msg) {
  push_error(L, msg);
  return lua_error(L);
}

int redis_call(lua_State* L) {
  return self(L).lua_command(L, true);
}
int redis_pcall(lua_State* L) {
  return self(L).lua_command(L, false);
}
int redis_acl_check_cmd(lua_State* L) {
  return self(L).lua_acl_check(L);
}
int redis_setresp(lua_State* L) {
  return self(L).lua_setresp(L);
}
int math_random(lua_State* L) {
  return self(L).lua_random(L);
}
int math_randomseed(lua_State* L) {
  return self(L).lua_randomseed(L);
}

int redis_sha1hex(lua_State* L) {
  if (lua_gettop(L) != 1) return raise_error(L, "wrong number of arguments");
  size_t len = 0;
  const char* s = lua_tolstring(L, 1, &len);
  char hex[41];
  const Sha1::Digest d = Sha1::of(std::string_view(s ? s : "", s ? len : 0));
  static constexpr char kHex[] = "0123456789abcdef";
  for (size_t i = 0; i < d.size(); i++) {
    hex[2 * i] = kHex[d[i] >> 4];
    hex[2 * i + 1] = kHex[d[i] & 15];
  }
  lua_pushlstring(L, hex, 40);
  return 1;
}

// redis.error_reply / redis.status_reply: a one-field table, or (returned, not raised)
// an error table when the argument is not a string.
int redis_error_reply(lua_State* L) {
  if (lua_gettop(L) != 1 || lua_type(L, -1) != LUA_TSTRING) {
    push_error(L, "wrong number or type of arguments");
    return 1;
  }
  size_t len;
  const char* s = lua_tolstring(L, 1, &len);
  if (len > 0 && s[0] == '-') {
    push_error(L, std::string_view(s, len));
    return 1;
  }
  lua_pushliteral(L, "-");
  lua_pushvalue(L, 1);
  lua_concat(L, 2);
  size_t n;
  const char* dashed = lua_tolstring(L, -1, &n);
  push_error(L, std::string_view(dashed, n));
  return 1;
}

int redis_status_reply(lua_State* L) {
  if (lua_gettop(L) != 1 || lua_type(L, -1) != LUA_TSTRING) {
    push_error(L, "wrong number or type of arguments");
    return 1;
  }
  lua_createtable(L, 0, 1);
  lua_pushvalue(L, 1);
  lua_setfield(L, -2, "ok");
  return 1;
}

int redis_log(lua_State* L) {
  const int argc = lua_gettop(L);
  if (argc < 2) return raise_error(L, "redis.log() requires two arguments or more.");
  if (!lua_isnumber(L, 1)) return raise_error(L, "First argument must be a number (log level).");
  const int level = static_cast<int>(lua_tonumber(L, 1));
  if (level < static_cast<int>(LogLevel::kDebug) || level > static_cast<int>(LogLevel::kWarning))
    return raise_error(L, "Invalid debug level.");
  if (level < static_cast<int>(log_level())) return 0;
  // The message is glued in Lua's own buffer: no C++ string may live across a Lua call.
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  bool first = true;
  for (int i = 2; i <= argc; i++) {
    size_t len;
    const char* s = lua_tolstring(L, i, &len);
    if (!s) continue;
    if (!first) luaL_addchar(&b, ' ');
    luaL_addlstring(&b, s, len);
    first = false;
  }
  luaL_pushresult(&b);
  log_msg(static_cast<LogLevel>(level), "%s", lua_tostring(L, -1));
  return 0;
}

int redis_set_repl(lua_State* L) {
  if (lua_gettop(L) != 1) return raise_error(L, "redis.set_repl() requires two arguments.");
  const int flags = static_cast<int>(lua_tonumber(L, -1));
  // REPL_AOF | REPL_REPLICA: nothing is propagated here, so accepting them is all.
  if ((flags & ~3) != 0)
    return raise_error(L,
                       "Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or "
                       "REPL_NONE.");
  return 0;
}

int redis_replicate_commands(lua_State* L) {
  lua_pushboolean(L, 1);
  return 1;
}

// The debugger is not there: redis.breakpoint() reports it was not hit, redis.debug()
// writes nowhere, as in Redis outside a debugging session.
int redis_breakpoint(lua_State* L) {
  lua_pushboolean(L, 0);
  return 1;
}
int redis_debug(lua_State*) {
  return 0;
}

// Redis's pcall: as Lua's, but an error table raised by redis.call is caught as its
// message (scripts written before 7.0 expect a string).
int sandbox_pcall(lua_State* L) {
  const int argc = lua_gettop(L);
  if (argc == 0) {
    // What Redis's version ends up doing with nothing to call.
    lua_pushboolean(L, 0);
    lua_pushliteral(L, "attempt to call a boolean value");
    return 2;
  }
  lua_pushboolean(L, 1);
  lua_insert(L, 1);
  if (lua_pcall(L, argc - 1, LUA_MULTRET, 0) != 0) {
    lua_remove(L, 1);
    if (lua_istable(L, -1)) {
      lua_getfield(L, -1, "err");
      if (lua_isstring(L, -1)) lua_replace(L, -2);
    }
    lua_pushboolean(L, 0);
    lua_insert(L, 1);
  }
  return lua_gettop(L);
}

// tostring() without metamethods, for error values that are not tables.
void push_plain_string(lua_State* L, int idx) {
  switch (lua_type(L, idx)) {
    case LUA_TNUMBER:
    case LUA_TSTRING:
      lua_pushvalue(L, idx);
      lua_tostring(L, -1);
      break;
    case LUA_TNIL:
      lua_pushliteral(L, "nil");
      break;
    case LUA_TBOOLEAN:
      lua_pushstring(L, lua_toboolean(L, idx) ? "true" : "false");
      break;
    default:
      lua_pushfstring(L, "%s: %p", luaL_typename(L, idx), lua_topointer(L, idx));
      break;
  }
}

// The error handler of every script run: turns the error into a table and notes where
// the script was (the caller's line when a C function raised it), which the reply
// shows as "script: <name>, on @user_script:<line>.".
int error_handler(lua_State* L) {
  lua_Debug ar;
  bool where = lua_getstack(L, 1, &ar) && lua_getinfo(L, "Sl", &ar);
  if (where && std::strcmp(ar.what, "C") == 0)
    where = lua_getstack(L, 2, &ar) && lua_getinfo(L, "Sl", &ar);
  lua_settop(L, 1);
  if (!lua_istable(L, 1) || is_protected(L, 1)) {
    lua_createtable(L, 0, 3);
    lua_pushliteral(L, "ERR ");
    push_plain_string(L, 1);
    lua_concat(L, 2);
    lua_setfield(L, -2, "err");
    lua_replace(L, 1);
  }
  if (where) {
    lua_pushliteral(L, "source");
    lua_pushstring(L, ar.source);
    lua_rawset(L, 1);
    lua_pushliteral(L, "line");
    lua_pushinteger(L, ar.currentline);
    lua_rawset(L, 1);
  }
  return 1;
}

void count_hook(lua_State* L, lua_Debug*) {
  engine_of(L).on_hook(L);
}

void set_closure(lua_State* L, Engine* e, const char* name, lua_CFunction fn) {
  lua_pushlightuserdata(L, e);
  lua_pushcclosure(L, fn, 1);
  lua_setfield(L, -2, name);
}

void set_function(lua_State* L, const char* name, lua_CFunction fn) {
  lua_pushcfunction(L, fn);
  lua_setfield(L, -2, name);
}

void set_number(lua_State* L, const char* name, lua_Number v) {
  lua_pushnumber(L, v);
  lua_setfield(L, -2, name);
}

// t[field] when it is a string or a number (lua_isstring), else empty with *found false.
std::string string_of_field(lua_State* L, const char* field, bool* found) {
  // Raw: this runs outside any pcall, where a metamethod's error would be fatal.
  lua_pushstring(L, field);
  lua_rawget(L, -2);
  *found = lua_isstring(L, -1);
  std::string out;
  if (*found) {
    size_t len;
    const char* s = lua_tolstring(L, -1, &len);
    out.assign(s, len);
  }
  lua_pop(L, 1);
  return out;
}

}  // namespace

std::string sha1_hex(std::string_view s) {
  return Sha1::hex(Sha1::of(s));
}

std::string parse_shebang(std::string_view body, uint32_t* flags, size_t* header_len) {
  *flags = 0;
  *header_len = 0;
  if (!body.starts_with("#!")) {
    *flags = kEvalCompat;
    return {};
  }
  const size_t nl = body.find('\n');
  if (nl == std::string_view::npos) return "Invalid script shebang";
  *header_len = nl;
  // Redis splits the line as it splits inline commands (sdssplitargs): blanks separate,
  // quotes group.
  std::vector<std::string> parts;
  if (!resp::split_inline_args(body.substr(0, nl), &parts) || parts.empty())
    return "Invalid engine in script shebang";
  if (parts[0] != "#!lua") return "Unexpected engine in script shebang: " + parts[0];
  for (size_t i = 1; i < parts.size(); i++) {
    const std::string_view part = parts[i];
    if (!part.starts_with("flags=")) return "Unknown lua shebang option: " + parts[i];
    // Split on single commas, keeping empty names (refused below), as sdssplitlen.
    const std::string_view list = part.substr(6);
    for (size_t pos = 0; !list.empty();) {
      const size_t comma = list.find(',', pos);
      const std::string_view flag =
          list.substr(pos, comma == std::string_view::npos ? std::string_view::npos : comma - pos);
      if (flag == "no-writes")
        *flags |= kNoWrites;
      else if (flag == "allow-oom")
        *flags |= kAllowOom;
      else if (flag == "allow-stale")
        *flags |= kAllowStale;
      else if (flag == "no-cluster")
        *flags |= kNoCluster;
      else if (flag == "allow-cross-slot-keys")
        *flags |= kAllowCrossSlotKeys;
      else
        return "Unexpected flag in script shebang: " + std::string(flag);
      if (comma == std::string_view::npos) break;
      pos = comma + 1;
    }
  }
  return {};
}

Engine::Engine(server::Server& server) : server_(server), client_(server, 0, server.now_ms()) {
  client_.deny_blocking = true;
  client_.authenticated = true;
  client_.name = "lua";
  create_state();
  create_function_state();
}

Engine::~Engine() {
  if (L_) lua_close(L_);
  if (F_) lua_close(F_);
}

void Engine::open_api(lua_State* L, bool for_eval) {
  open_libraries(L);
  lua_pushlightuserdata(L, &kEngineKey);
  lua_pushlightuserdata(L, this);
  lua_rawset(L, LUA_REGISTRYINDEX);

  lua_newtable(L);  // redis
  set_closure(L, this, "call", redis_call);
  set_closure(L, this, "pcall", redis_pcall);
  set_function(L, "log", redis_log);
  set_number(L, "LOG_DEBUG", static_cast<int>(LogLevel::kDebug));
  set_number(L, "LOG_VERBOSE", static_cast<int>(LogLevel::kVerbose));
  set_number(L, "LOG_NOTICE", static_cast<int>(LogLevel::kNotice));
  set_number(L, "LOG_WARNING", static_cast<int>(LogLevel::kWarning));
  set_number(L, "REDIS_VERSION_NUM", kRedisVersionNum);
  lua_pushstring(L, kRedisVersion);
  lua_setfield(L, -2, "REDIS_VERSION");
  set_closure(L, this, "setresp", redis_setresp);
  set_function(L, "sha1hex", redis_sha1hex);
  set_function(L, "error_reply", redis_error_reply);
  set_function(L, "status_reply", redis_status_reply);
  set_function(L, "set_repl", redis_set_repl);
  set_number(L, "REPL_NONE", 0);
  set_number(L, "REPL_AOF", 1);
  set_number(L, "REPL_SLAVE", 2);
  set_number(L, "REPL_REPLICA", 2);
  set_number(L, "REPL_ALL", 3);
  set_closure(L, this, "acl_check_cmd", redis_acl_check_cmd);
  if (for_eval) {
    set_function(L, "breakpoint", redis_breakpoint);
    set_function(L, "debug", redis_debug);
    set_function(L, "replicate_commands", redis_replicate_commands);
  }
  lua_setglobal(L, "redis");

  lua_getglobal(L, LUA_MATHLIBNAME);
  set_closure(L, this, "random", math_random);
  set_closure(L, this, "randomseed", math_randomseed);
  lua_pop(L, 1);

  lua_pushcfunction(L, sandbox_pcall);
  lua_setglobal(L, "pcall");
}

void Engine::create_state() {
  L_ = luaL_newstate();
  open_api(L_, true);
  lua_pushcfunction(L_, error_handler);
  lua_setglobal(L_, "__redis__err__handler");
  protect_globals(L_);
}

server::ScriptMemory Engine::memory() const {
  server::ScriptMemory m;
  m.vm_eval = static_cast<size_t>(lua_gc(L_, LUA_GCCOUNT, 0)) * 1024;
  // What the cache holds: keys and bodies, plus each node and the bucket array.
  m.scripts_eval = scripts_bytes_ +
                   scripts_.size() * (sizeof(Script) + sizeof(std::string) + 2 * sizeof(void*)) +
                   scripts_.bucket_count() * sizeof(void*);
  if (scripts_.empty()) m.scripts_eval = 0;
  m.cached_scripts = scripts_.size();
  m.vm_functions = static_cast<size_t>(lua_gc(F_, LUA_GCCOUNT, 0)) * 1024;
  m.libraries = libs_.libraries.size();
  m.functions = libs_.functions.size();
  for (const auto& [name, lib] : libs_.libraries) {
    m.functions_memory += sizeof(Library) + 2 * name.size() + lib->code.size();
    for (const Function& f : lib->functions)
      m.functions_memory += sizeof(Function) + 2 * f.name.size() + f.description.size();
  }
  return m;
}

Engine::Script* Engine::find_or_create(std::string_view sha, std::string_view body,
                                       resp::Reply& reply) {
  if (auto it = scripts_.find(std::string(sha)); it != scripts_.end()) return &it->second;
  uint32_t flags;
  size_t header;
  const std::string err = parse_shebang(body, &flags, &header);
  if (!err.empty()) {
    reply.error("ERR " + err);
    return nullptr;
  }
  // The shebang line is skipped but its newline kept, so line numbers stay the body's.
  if (luaL_loadbuffer(L_, body.data() + header, body.size() - header, "@user_script") != 0) {
    std::string msg = "ERR Error compiling script (new function): ";
    msg += lua_tostring(L_, -1);
    lua_pop(L_, 1);
    while (!msg.empty() && (msg.back() == '\n' || msg.back() == '\r')) msg.pop_back();
    reply.error(msg);
    return nullptr;
  }
  Script& s = scripts_[std::string(sha)];
  s.body.assign(body);
  s.flags = flags;
  s.ref = luaL_ref(L_, LUA_REGISTRYINDEX);
  scripts_bytes_ += sha.size() + body.size();
  return &s;
}

Engine& engine_of(lua_State* L) {
  lua_pushlightuserdata(L, &kEngineKey);
  lua_rawget(L, LUA_REGISTRYINDEX);
  Engine* e = static_cast<Engine*>(lua_touserdata(L, -1));
  lua_pop(L, 1);
  return *e;
}

std::optional<size_t> parse_numkeys(server::CommandContext& ctx, std::string_view not_integer) {
  const std::optional<int64_t> numkeys = parse_int64(ctx.arg(2));
  if (!numkeys) {
    ctx.reply.error(not_integer);
    return std::nullopt;
  }
  if (*numkeys > static_cast<int64_t>(ctx.argc()) - 3) {
    ctx.reply.error("ERR Number of keys can't be greater than number of args");
    return std::nullopt;
  }
  if (*numkeys < 0) {
    ctx.reply.error("ERR Number of keys can't be negative");
    return std::nullopt;
  }
  return static_cast<size_t>(*numkeys);
}

void Engine::eval(server::CommandContext& ctx, bool by_sha, bool read_only) {
  const std::string_view script = ctx.arg(1);
  // A SHA-1 of the wrong length cannot match: Redis says so before anything else.
  if (by_sha && script.size() != 40) {
    ctx.reply.error(kNoScript);
    return;
  }
  if (!parse_numkeys(ctx, server::err::kNotInteger)) return;
  std::string sha;
  Script* s = nullptr;
  if (by_sha) {
    sha = ascii_lower(script);
    auto it = scripts_.find(sha);
    if (it == scripts_.end()) {
      ctx.reply.error(kNoScript);
      return;
    }
    s = &it->second;
  } else {
    sha = sha1_hex(script);
    s = find_or_create(sha, script, ctx.reply);
    if (!s) return;
  }
  // A script without a shebang runs by 7.0's compatibility rules: no flag checks.
  const bool compat = (s->flags & kEvalCompat) != 0;
  if (!compat && !may_run(ctx, s->flags, read_only)) return;
  run(ctx, L_, s->ref, sha, true, read_only || (!compat && (s->flags & kNoWrites) != 0),
      !compat && (s->flags & kAllowOom) != 0);
}

bool Engine::may_run(server::CommandContext& ctx, uint32_t flags, bool read_only) {
  // no-writes implies allow-oom.
  if (!(flags & (kAllowOom | kNoWrites)) && server_.config().maxmemory > 0 &&
      server_.out_of_memory()) {
    ctx.reply.error(
        "OOM allow-oom flag is not set on the script, can not run it when used memory > "
        "'maxmemory'");
    return false;
  }
  if (!(flags & kNoWrites) && read_only) {
    ctx.reply.error("ERR Can not execute a script with write flag using *_ro command.");
    return false;
  }
  return true;
}

uint32_t Engine::command_flags(std::span<const std::string_view> argv, uint32_t row_flags) const {
  if (argv.size() < 2) return row_flags;
  uint32_t declared = 0;
  const std::string_view name = argv[0];
  if (iequals(name, "fcall") || iequals(name, "fcall_ro")) {
    const Function* f = libs_.find(argv[1]);
    if (!f) return row_flags;
    declared = f->flags;
  } else if (iequals(name, "evalsha") || iequals(name, "evalsha_ro")) {
    if (argv[1].size() != 40) return row_flags;
    auto it = scripts_.find(ascii_lower(argv[1]));
    if (it == scripts_.end()) return row_flags;
    declared = it->second.flags;
  } else {
    // EVAL: the body's own shebang, cached or not.
    size_t header;
    if (!parse_shebang(argv[1], &declared, &header).empty()) return row_flags;
  }
  if (declared & kEvalCompat) return row_flags;
  uint32_t flags =
      row_flags & ~(server::kStale | server::kDenyOom | server::kWrite | server::kMayReplicate);
  if (!(declared & (kAllowOom | kNoWrites))) flags |= server::kDenyOom;
  if (!(declared & kNoWrites)) flags |= server::kWrite;
  if (declared & kAllowStale) flags |= server::kStale;
  return flags;
}

void Engine::run(server::CommandContext& ctx, lua_State* L, int ref, const std::string& name,
                 bool eval_mode, bool read_only, bool allow_oom) {
  Run run;
  run.caller = &ctx.client;
  run.name = &name;
  run.eval_mode = eval_mode;
  run.read_only = read_only;
  run.allow_oom = allow_oom;
  run.argv = ctx.argv;
  client_.db_index = ctx.client.db_index;
  client_.set_resp_version(2);

  lua_pushcfunction(L, error_handler);
  lua_rawgeti(L, LUA_REGISTRYINDEX, ref);
  // Both forms take "name numkeys key... arg...": EVAL's keys and args become the globals
  // KEYS and ARGV, a function's its two arguments.
  const size_t numkeys = static_cast<size_t>(*parse_int64(ctx.arg(2)));
  for (const char* table : {"KEYS", "ARGV"}) {
    const bool keys = table[0] == 'K';
    const size_t first = keys ? 3 : 3 + numkeys;
    const size_t count = keys ? numkeys : ctx.argc() - 3 - numkeys;
    lua_createtable(L, static_cast<int>(count), 0);
    for (size_t i = 0; i < count; i++) {
      const std::string_view a = ctx.arg(first + i);
      lua_pushlstring(L, a.data(), a.size());
      lua_rawseti(L, -2, static_cast<int>(i + 1));
    }
    if (eval_mode) set_protected_global(L, table);
  }

  run_ = &run;
  const bool hooked = server_.config().busy_reply_threshold > 0;
  if (hooked) lua_sethook(L, count_hook, LUA_MASKCOUNT, kHookInstructions);
  run.start_us = mono_us();
  const int status = eval_mode ? lua_pcall(L, 0, 1, -2) : lua_pcall(L, 2, 1, -4);
  if (hooked) lua_sethook(L, nullptr, 0, 0);
  run_ = nullptr;
  if (run.timed_out) server_.end_busy();
  if (++runs_ % kGcPeriod == 0) lua_gc(L, LUA_GCSTEP, static_cast<int>(kGcPeriod));

  if (server_.shutdown_requested() && run.timed_out) {
    // SHUTDOWN NOSAVE stopped it: as Redis, which exits from inside the script, the
    // caller gets no reply, only the closed connection.
    lua_pop(L, 2);
    server_.kill_client(ctx.client);
    return;
  }
  if (status != 0) {
    reply_error_object(L, ctx.reply, ctx.cmd, name);
  } else {
    const uint64_t errors_before = ctx.reply.error_count();
    if (write_lua_value(L, ctx.reply, client_.resp_version()) && ctx.cmd &&
        ctx.reply.error_count() == errors_before)
      ctx.cmd->stats.failed_calls++;
  }
  lua_pop(L, 1);  // the error handler
}

void Engine::reply_error_object(lua_State* L, resp::Reply& reply, server::Command* cmd,
                                const std::string& name) {
  if (!lua_istable(L, -1)) {
    // Only when the error handler itself failed (out of memory).
    std::string msg = lua_isstring(L, -1) ? lua_tostring(L, -1) : "execution failure";
    reply.error("ERR Error running script " + name + ", " + msg.substr(0, 100));
    lua_pop(L, 1);
    return;
  }
  bool has_err, has_source, has_line;
  std::string msg = string_of_field(L, "err", &has_err);
  const std::string source = string_of_field(L, "source", &has_source);
  const std::string line = string_of_field(L, "line", &has_line);
  lua_pushstring(L, kIgnoreStatsField);
  lua_rawget(L, -2);
  const bool counted_before = lua_isboolean(L, -1) && lua_toboolean(L, -1);
  lua_pop(L, 2);
  if (!has_err) msg = "ERR unknown error";  // Redis 7.0 crashes on error({})
  if (has_source && has_line) msg += " script: " + name + ", on " + source + ":" + line + ".";
  if (counted_before) {
    write_uncounted_error(reply, msg);
    if (cmd) cmd->stats.failed_calls++;
  } else {
    reply.error(msg);
  }
}

void Engine::script_load(server::CommandContext& ctx, std::string_view body) {
  const std::string sha = sha1_hex(body);
  if (find_or_create(sha, body, ctx.reply)) ctx.reply.bulk(sha);
}

bool Engine::script_exists(std::string_view sha) const {
  if (sha.size() != 40) return false;
  return scripts_.contains(ascii_lower(sha));
}

void Engine::script_flush() {
  lua_close(L_);
  L_ = nullptr;
  scripts_.clear();
  scripts_bytes_ = 0;
  create_state();
}

void Engine::kill(resp::Reply& reply, bool is_eval) {
  if (!run_) {
    reply.error("NOTBUSY No scripts in execution right now.");
    return;
  }
  if (run_->wrote) {
    reply.error(
        "UNKILLABLE Sorry the script already executed write commands against the dataset. You "
        "can either wait the script termination or kill the server in a hard way using the "
        "SHUTDOWN NOSAVE command.");
    return;
  }
  if (is_eval != run_->eval_mode) {
    reply.error(run_->eval_mode ? kBusyEval : kBusyFunction);
    return;
  }
  run_->killed = true;
  reply.ok();
}

void Engine::on_hook(lua_State* L) {
  Run& run = *run_;
  if (!run.timed_out) {
    const int64_t elapsed_ms = (mono_us() - run.start_us) / 1000;
    if (elapsed_ms < server_.config().busy_reply_threshold) return;
    LOG_WARNING(
        "Slow script detected: still in execution after %lld milliseconds. You can try killing "
        "the script using the %s command. Script name is: %s.",
        static_cast<long long>(elapsed_ms), run.eval_mode ? "SCRIPT KILL" : "FUNCTION KILL",
        run.name->c_str());
    run.timed_out = true;
    server_.begin_busy(*run.caller, std::string(run.eval_mode ? kBusyEval : kBusyFunction));
  }
  server_.process_events_while_busy();
  if (!run.killed && !server_.shutdown_requested()) return;
  if (run.killed) LOG_WARNING("Lua script killed by user with SCRIPT KILL.");
  // From now on at every line, so that a pcall in the script cannot swallow the kill.
  lua_sethook(L, count_hook, LUA_MASKLINE, 0);
  raise_error(L, "Script killed by user with SCRIPT KILL...");
}

int Engine::lua_command(lua_State* L, bool raise) {
  const int argc = lua_gettop(L);
  if (argc == 0) {
    push_error(L, "Please specify at least one argument for this redis lib call");
    return raise ? lua_error(L) : 1;
  }
  const size_t n = static_cast<size_t>(argc);
  if (args_.size() < n) args_.resize(n);
  bool bad = false;
  for (int i = 1; i <= argc && !bad; i++) {
    std::string& a = args_[static_cast<size_t>(i - 1)];
    if (lua_type(L, i) == LUA_TNUMBER) {
      // Not lua_tolstring: Lua's own "%.14g" would lose precision.
      char buf[64];
      const int len = std::snprintf(buf, sizeof(buf), "%.17g", lua_tonumber(L, i));
      a.assign(buf, static_cast<size_t>(len));
    } else {
      size_t len;
      const char* s = lua_tolstring(L, i, &len);
      if (s)
        a.assign(s, len);
      else
        bad = true;
    }
  }
  lua_pop(L, argc);
  if (bad) {
    push_error(L, "Lua redis lib command arguments must be strings or integers");
    return raise ? lua_error(L) : 1;
  }
  argv_.assign(args_.begin(), args_.begin() + static_cast<std::ptrdiff_t>(n));
  run_command(L);

  resp::ReplyBuffer& out = client_.out();
  iovec iov[2];
  std::string_view bytes;
  if (out.gather(iov, 2) == 1) {
    bytes = {static_cast<const char*>(iov[0].iov_base), iov[0].iov_len};
  } else {
    reply_bytes_.clear();
    while (!out.empty()) {
      const int cnt = out.gather(iov, 2);
      for (int i = 0; i < cnt; i++) {
        reply_bytes_.append(static_cast<const char*>(iov[i].iov_base), iov[i].iov_len);
        out.consume(iov[i].iov_len);
      }
    }
    bytes = reply_bytes_;
  }
  const bool is_error = !bytes.empty() && bytes[0] == '-';
  if (bytes.empty())
    lua_pushnil(L);  // every command replies; this only guards the parser
  else
    push_reply(L, bytes);
  out.consume(out.bytes());
  return raise && is_error ? lua_error(L) : 1;
}

bool Engine::run_command(lua_State*) {
  resp::ReplyBuffer& out = client_.out();
  out.consume(out.bytes());  // left by a call that a Lua error cut short
  resp::Reply& reply = client_.reply();
  server::CommandTable& table = server_.commands();
  server::Command* cmd = table.find(argv_[0]);
  if (cmd && !cmd->subcommands.empty() && argv_.size() >= 2) cmd = table.find_sub(*cmd, argv_[1]);
  if (!cmd) {
    server_.reject_command(nullptr, reply, "ERR Unknown Redis command called from script");
    return false;
  }
  const int arity = cmd->spec->arity;
  const int argc = static_cast<int>(argv_.size());
  if ((arity > 0 && arity != argc) || (arity < 0 && argc < -arity)) {
    server_.reject_command(cmd, reply,
                           "ERR Wrong number of args calling Redis command from script");
    return false;
  }
  const uint32_t flags = cmd->spec->flags;
  if (flags & server::kNoscript) {
    server_.reject_command(cmd, reply, "ERR This Redis command is not allowed from script");
    return false;
  }
  if ((flags & server::kWrite) && run_->read_only) {
    server_.reject_command(cmd, reply,
                           "ERR Write commands are not allowed from read-only scripts.");
    return false;
  }
  // Out of memory when the script started: its first command that may grow memory is
  // refused, unless the script declared allow-oom (after a write it has to go on).
  if ((flags & server::kDenyOom) && !run_->allow_oom && !run_->wrote &&
      server_.config().maxmemory > 0 && server_.out_of_memory()) {
    server_.reject_command(cmd, reply, server::err::kOom);
    return false;
  }
  if (flags & server::kWrite) run_->wrote = true;
  server_.stats().total_commands_processed++;
  server_.call(client_, *cmd, argv_, wall_us());
  return true;
}

int Engine::lua_acl_check(lua_State* L) {
  const int argc = lua_gettop(L);
  if (argc == 0)
    return raise_error(L, "Please specify at least one argument for this redis lib call");
  for (int i = 1; i <= argc; i++)
    if (lua_type(L, i) != LUA_TNUMBER && !lua_isstring(L, i))
      return raise_error(L, "Lua redis lib command arguments must be strings or integers");
  size_t len;
  const char* name = lua_tolstring(L, 1, &len);
  server::Command* cmd = server_.commands().find(std::string_view(name, len));
  if (cmd && !cmd->subcommands.empty() && argc >= 2) {
    const char* sub = lua_tolstring(L, 2, &len);
    cmd = server_.commands().find_sub(*cmd, std::string_view(sub, len));
  }
  if (!cmd) return raise_error(L, "Invalid command passed to redis.acl_check_cmd()");
  // Only the default user exists, and it may run everything.
  lua_pushboolean(L, 1);
  return 1;
}

int Engine::lua_setresp(lua_State* L) {
  if (lua_gettop(L) != 1) return raise_error(L, "redis.setresp() requires one argument.");
  const int resp = static_cast<int>(lua_tonumber(L, 1));
  if (resp != 2 && resp != 3) return raise_error(L, "RESP version must be 2 or 3.");
  client_.set_resp_version(resp);
  return 0;
}

// Lua's own math.random with rand() replaced by the rand48 generator (as Redis): the
// draw happens first, even when the arguments are then refused.
int Engine::lua_random(lua_State* L) {
  const double r = rand_.next_unit();
  switch (lua_gettop(L)) {
    case 0:
      lua_pushnumber(L, r);
      break;
    case 1: {
      const int u = luaL_checkint(L, 1);
      luaL_argcheck(L, 1 <= u, 1, "interval is empty");
      lua_pushnumber(L, std::floor(r * u) + 1);
      break;
    }
    case 2: {
      const int l = luaL_checkint(L, 1);
      const int u = luaL_checkint(L, 2);
      luaL_argcheck(L, l <= u, 2, "interval is empty");
      lua_pushnumber(L, std::floor(r * (u - l + 1)) + l);
      break;
    }
    default:
      return luaL_error(L, "wrong number of arguments");
  }
  return 1;
}

int Engine::lua_randomseed(lua_State* L) {
  rand_.seed(luaL_checkint(L, 1));
  return 0;
}

Engine& engine(server::Server& server) {
  if (!server.script_host()) server.set_script_host(std::make_unique<Engine>(server));
  return static_cast<Engine&>(*server.script_host());
}

}  // namespace rkv::script

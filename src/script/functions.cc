// Redis 7.0 functions: FUNCTION LOAD/LIST/DELETE/FLUSH/DUMP/RESTORE/STATS/KILL, FCALL,
// FCALL_RO, redis.register_function. See engine.h.
//
// A library is code whose first line is "#!lua name=<library>". FUNCTION LOAD compiles
// it as a chunk named @user_function and runs it with only the load API in sight (the
// redis table's register_function, log, LOG_* and version); every register_function adds
// a function to the library being built. Nothing is kept unless the whole load succeeds.
// FCALL runs the registered callback with the full API and (keys, args) as arguments,
// through the same run path as EVAL (errors, busy scripts, FUNCTION KILL).
#include <lzf.h>

#include <cstring>
#include <lua.hpp>

#include "resp/parser.h"
#include "script/convert.h"
#include "script/engine.h"
#include "script/sandbox.h"
#include "server/errors.h"
#include "server/server.h"
#include "util/clock.h"
#include "util/crc64.h"
#include "util/glob.h"
#include "util/log.h"
#include "util/numbers.h"
#include "util/strings.h"

namespace rkv::script {
namespace {

constexpr int64_t kLoadTimeoutMs = 500;  // Redis's LOAD_TIMEOUT_MS
constexpr int kLoadHookInstructions = 100000;
constexpr const char* kBadName =
    "Library names can only contain letters, numbers, or underscores(_) and must be at least one "
    "character long";

// FUNCTION DUMP's payload: RDB_OPCODE_FUNCTION2 and the code as an RDB string per
// library, then the RDB version and a CRC-64 (as a DUMP payload).
constexpr unsigned char kOpcodeFunction = 245;
constexpr unsigned char kOpcodeFunctionPreGa = 246;
constexpr uint16_t kRdbVersion = 10;

bool valid_name(std::string_view name) {
  if (name.empty()) return false;
  for (char c : name)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) return false;
  return true;
}

int register_function(lua_State* L) {
  return static_cast<Engine*>(lua_touserdata(L, lua_upvalueindex(1)))->lua_register_function(L);
}

void load_hook(lua_State* L, lua_Debug*) {
  engine_of(L).on_load_hook(L);
}

// The flags a function may carry, in Redis's order (FUNCTION LIST shows them so).
struct FlagName {
  uint32_t flag;
  const char* name;
};
constexpr FlagName kFlagNames[] = {{kNoWrites, "no-writes"},
                                   {kAllowOom, "allow-oom"},
                                   {kAllowStale, "allow-stale"},
                                   {kNoCluster, "no-cluster"},
                                   {kAllowCrossSlotKeys, "allow-cross-slot-keys"}};

// An RDB length: 6 bits, 14 bits, or a 32/64-bit big-endian number after a marker byte.
void put_rdb_length(std::string* out, uint64_t len) {
  if (len < (1 << 6)) {
    out->push_back(static_cast<char>(len));
  } else if (len < (1 << 14)) {
    out->push_back(static_cast<char>(0x40 | (len >> 8)));
    out->push_back(static_cast<char>(len & 0xff));
  } else if (len <= UINT32_MAX) {
    out->push_back(static_cast<char>(0x80));
    for (int shift = 24; shift >= 0; shift -= 8) out->push_back(static_cast<char>(len >> shift));
  } else {
    out->push_back(static_cast<char>(0x81));
    for (int shift = 56; shift >= 0; shift -= 8) out->push_back(static_cast<char>(len >> shift));
  }
}

// An RDB string as Redis writes it with rdbcompression on: LZF when that saves at
// least four bytes of a string longer than 20, raw otherwise. (Redis would write a
// string that is a small integer as one; a library's code never is.)
void put_rdb_string(std::string* out, std::string_view s) {
  if (s.size() > 20) {
    std::string packed(s.size() - 4, '\0');
    const unsigned n = lzf_compress(s.data(), static_cast<unsigned>(s.size()), packed.data(),
                                    static_cast<unsigned>(packed.size()));
    if (n > 0) {
      out->push_back(static_cast<char>(0xc3));  // RDB_ENCVAL << 6 | RDB_ENC_LZF
      put_rdb_length(out, n);
      put_rdb_length(out, s.size());
      out->append(packed.data(), n);
      return;
    }
  }
  put_rdb_length(out, s.size());
  out->append(s);
}

// Reads what put_rdb_length/put_rdb_string wrote (and the integer encodings Redis may
// use); false on malformed input.
class RdbReader {
 public:
  explicit RdbReader(std::string_view data) : data_(data) {}
  size_t remaining() const { return data_.size() - pos_; }
  bool byte(unsigned char* b) {
    if (pos_ >= data_.size()) return false;
    *b = static_cast<unsigned char>(data_[pos_++]);
    return true;
  }
  // *encoded: the length byte announced a special encoding (its low 6 bits in *len).
  bool length(uint64_t* len, bool* encoded) {
    unsigned char b;
    if (!byte(&b)) return false;
    *encoded = false;
    switch (b >> 6) {
      case 0:
        *len = b & 0x3f;
        return true;
      case 1: {
        unsigned char b2;
        if (!byte(&b2)) return false;
        *len = (static_cast<uint64_t>(b & 0x3f) << 8) | b2;
        return true;
      }
      case 2: {
        const int bytes = b == 0x80 ? 4 : b == 0x81 ? 8 : 0;
        if (bytes == 0 || remaining() < static_cast<size_t>(bytes)) return false;
        *len = 0;
        for (int i = 0; i < bytes; i++)
          *len = (*len << 8) | static_cast<unsigned char>(data_[pos_++]);
        return true;
      }
      default:
        *encoded = true;
        *len = b & 0x3f;
        return true;
    }
  }
  bool string(std::string* out) {
    uint64_t len;
    bool encoded;
    if (!length(&len, &encoded)) return false;
    if (!encoded) {
      if (remaining() < len) return false;
      out->assign(data_.substr(pos_, len));
      pos_ += len;
      return true;
    }
    if (len <= 2) {  // an integer of 1, 2 or 4 bytes, little-endian
      const size_t bytes = size_t{1} << len;
      if (remaining() < bytes) return false;
      int64_t v = 0;
      for (size_t i = 0; i < bytes; i++)
        v |= static_cast<int64_t>(static_cast<unsigned char>(data_[pos_ + i])) << (8 * i);
      if (bytes < 8 && (v >> (8 * bytes - 1)) & 1) v -= int64_t{1} << (8 * bytes);
      pos_ += bytes;
      *out = int64_to_string(v);
      return true;
    }
    if (len != 3) return false;  // 3: LZF
    uint64_t packed, plain;
    bool e1, e2;
    if (!length(&packed, &e1) || !length(&plain, &e2) || e1 || e2 || remaining() < packed)
      return false;
    out->assign(plain, '\0');
    if (lzf_decompress(data_.data() + pos_, static_cast<unsigned>(packed), out->data(),
                       static_cast<unsigned>(plain)) != plain)
      return false;
    pos_ += packed;
    return true;
  }

 private:
  std::string_view data_;
  size_t pos_ = 0;
};

}  // namespace

// Function names are looked up case-insensitively (Redis's functions dict), library
// names and the names within one library are not.
std::string Engine::LibrarySet::key(std::string_view function_name) {
  return ascii_lower(function_name);
}

const Engine::Function* Engine::LibrarySet::find(std::string_view function_name) const {
  auto it = functions.find(key(function_name));
  return it == functions.end() ? nullptr : it->second;
}

void Engine::LibrarySet::link(std::unique_ptr<Library> lib) {
  // A second name differing only in case keeps the first, as Redis's dictAdd does.
  for (const Function& f : lib->functions) functions.emplace(key(f.name), &f);
  const std::string name = lib->name;
  libraries[name] = std::move(lib);
}

std::unique_ptr<Engine::Library> Engine::LibrarySet::unlink(const std::string& name) {
  auto it = libraries.find(name);
  if (it == libraries.end()) return nullptr;
  std::unique_ptr<Library> lib = std::move(it->second);
  libraries.erase(it);
  for (const Function& f : lib->functions) {
    auto fit = functions.find(key(f.name));
    if (fit != functions.end() && fit->second == &f) functions.erase(fit);
  }
  return lib;
}

void Engine::create_function_state() {
  F_ = luaL_newstate();
  lua_State* L = F_;
  open_api(L, false);  // also registers this Engine for the hooks (engine_of)
  protect_globals(L);
  // What a library's code sees while it loads.
  lua_createtable(L, 0, 1);
  lua_createtable(L, 0, 8);
  lua_pushlightuserdata(L, this);
  lua_pushcclosure(L, register_function, 1);
  lua_setfield(L, -2, "register_function");
  lua_getglobal(L, "redis");
  for (const char* name : {"log", "LOG_DEBUG", "LOG_VERBOSE", "LOG_NOTICE", "LOG_WARNING",
                           "REDIS_VERSION", "REDIS_VERSION_NUM"}) {
    lua_getfield(L, -1, name);
    lua_setfield(L, -3, name);
  }
  lua_pop(L, 1);
  lua_setfield(L, -2, "redis");
  add_load_globals(L);
}

void Engine::free_library(Library& lib) {
  for (Function& f : lib.functions) luaL_unref(F_, LUA_REGISTRYINDEX, f.ref);
  lib.functions.clear();
}

void Engine::free_libraries(LibrarySet& set) {
  for (auto& [name, lib] : set.libraries) free_library(*lib);
  set.libraries.clear();
  set.functions.clear();
}

std::string Engine::create_library(std::string_view code, LibrarySet& set, bool replace,
                                   std::string* name_out) {
  // The metadata line: "#!<engine> name=<library>", split as inline commands are.
  if (!code.starts_with("#!")) return "Missing library metadata";
  const size_t nl = code.find('\n');
  std::vector<std::string> parts;
  if (nl == std::string_view::npos || !resp::split_inline_args(code.substr(0, nl), &parts) ||
      parts.empty())
    return "Invalid library metadata";
  const std::string engine = parts[0].substr(2);
  std::string name;
  bool has_name = false;
  for (size_t i = 1; i < parts.size(); i++) {
    if (!parts[i].starts_with("name=")) return "Invalid metadata value given: " + parts[i];
    if (has_name) return "Invalid metadata value, name argument was given multiple times";
    name = parts[i].substr(5);
    has_name = true;
  }
  if (!has_name) return "Library name was not given";
  if (!valid_name(name)) return kBadName;
  if (!iequals(engine, "lua")) return "Engine '" + engine + "' not found";
  if (set.libraries.contains(name) && !replace) return "Library '" + name + "' already exists";

  lua_State* L = F_;
  if (luaL_loadbuffer(L, code.data() + nl, code.size() - nl, "@user_function") != 0) {
    std::string err = "Error compiling function: ";
    err += lua_tostring(L, -1);
    lua_pop(L, 1);
    return err;
  }
  auto lib = std::make_unique<Library>();
  lib->name = name;
  lib->code.assign(code);
  loading_ = lib.get();
  use_load_globals(L, true);
  lua_sethook(L, load_hook, LUA_MASKCOUNT, kLoadHookInstructions);
  load_start_us_ = mono_us();
  const int status = lua_pcall(L, 0, 0, 0);
  lua_sethook(L, nullptr, 0, 0);
  use_load_globals(L, false);
  loading_ = nullptr;
  std::string err;
  if (status != 0) {
    // As Redis's luaExtractErrorInformation: a table's err field, or "ERR " + a string.
    std::string msg;
    if (lua_istable(L, -1)) {
      lua_pushliteral(L, "err");
      lua_rawget(L, -2);
      if (lua_isstring(L, -1)) msg = lua_tostring(L, -1);
      lua_pop(L, 1);
    } else if (lua_isstring(L, -1)) {
      msg = std::string("ERR ") + lua_tostring(L, -1);
    }
    lua_pop(L, 1);
    err = "Error registering functions: " + msg;
  } else if (lib->functions.empty()) {
    err = "No functions registered";
  } else {
    // The library being replaced may keep its own function names.
    for (const Function& f : lib->functions) {
      const Function* other = set.find(f.name);
      if (other && other->library != name) {
        err = "Function " + f.name + " already exists";
        break;
      }
    }
  }
  if (!err.empty()) {
    free_library(*lib);
    return err;
  }
  if (std::unique_ptr<Library> old = set.unlink(name)) free_library(*old);
  set.link(std::move(lib));
  *name_out = name;
  return {};
}

int Engine::lua_register_function(lua_State* L) {
  auto fail = [L](const char* msg) {
    push_error(L, msg);
    return lua_error(L);
  };
  if (!loading_) return fail("redis.register_function can only be called on FUNCTION LOAD command");
  // Everything is checked with the values held in stack slots (2: callback, 3: name,
  // 4: description): a Lua error must not find a C++ object with a destructor here.
  constexpr int kCallback = 2, kName = 3, kDescription = 4;
  uint32_t flags = 0;
  const int argc = lua_gettop(L);
  if (argc == 1) {
    if (!lua_istable(L, 1))
      return fail(
          "calling redis.register_function with a single argument is only applicable to "
          "Lua table (representing named arguments).");
    lua_settop(L, kDescription);
    lua_pushnil(L);
    while (lua_next(L, 1)) {
      if (lua_type(L, -2) != LUA_TSTRING) {
        if (lua_type(L, -2) == LUA_TNUMBER)
          return fail("unknown argument given to redis.register_function");
        return fail("named argument key given to redis.register_function is not a string");
      }
      const std::string_view key = lua_tostring(L, -2);
      if (iequals(key, "function_name")) {
        if (!lua_isstring(L, -1))
          return fail("function_name argument given to redis.register_function must be a string");
        lua_pushvalue(L, -1);
        lua_tostring(L, -1);
        lua_replace(L, kName);
      } else if (iequals(key, "description")) {
        if (!lua_isstring(L, -1))
          return fail("description argument given to redis.register_function must be a string");
        lua_pushvalue(L, -1);
        lua_tostring(L, -1);
        lua_replace(L, kDescription);
      } else if (iequals(key, "callback")) {
        if (!lua_isfunction(L, -1))
          return fail("callback argument given to redis.register_function must be a function");
        lua_pushvalue(L, -1);
        lua_replace(L, kCallback);
      } else if (iequals(key, "flags")) {
        if (!lua_istable(L, -1))
          return fail(
              "flags argument to redis.register_function must be a table representing "
              "function flags");
        for (int i = 1;; i++) {
          lua_pushinteger(L, i);
          lua_gettable(L, -2);
          if (lua_isnil(L, -1)) {
            lua_pop(L, 1);
            break;
          }
          uint32_t bit = 0;
          if (lua_isstring(L, -1)) {
            const std::string_view flag = lua_tostring(L, -1);
            for (const FlagName& fl : kFlagNames)
              if (iequals(flag, fl.name)) bit = fl.flag;
          }
          lua_pop(L, 1);
          if (!bit) return fail("unknown flag given");
          flags |= bit;
        }
      } else {
        return fail("unknown argument given to redis.register_function");
      }
      lua_pop(L, 1);
    }
    if (lua_isnil(L, kName))
      return fail("redis.register_function must get a function name argument");
    if (lua_isnil(L, kCallback))
      return fail("redis.register_function must get a callback argument");
  } else if (argc == 2) {
    if (!lua_isstring(L, 1))
      return fail("first argument to redis.register_function must be a string");
    if (!lua_isfunction(L, 2))
      return fail("second argument to redis.register_function must be a function");
    lua_settop(L, kDescription);
    lua_pushvalue(L, 1);
    lua_tostring(L, -1);
    lua_replace(L, kName);
  } else {
    return fail("wrong number of arguments to redis.register_function");
  }
  size_t len;
  const char* name_chars = lua_tolstring(L, kName, &len);
  const std::string_view name(name_chars, len);
  if (!valid_name(name)) return fail(kBadName);
  for (const Function& g : loading_->functions)
    if (g.name == name) return fail("Function already exists in the library");
  // No Lua error from here on.
  lua_pushvalue(L, kCallback);
  const int ref = luaL_ref(L, LUA_REGISTRYINDEX);
  Function& f = loading_->functions.emplace_back();
  f.name.assign(name);
  f.library = loading_->name;
  f.ref = ref;
  f.flags = flags;
  if (!lua_isnil(L, kDescription)) {
    f.has_description = true;
    f.description = lua_tostring(L, kDescription);
  }
  return 0;
}

void Engine::on_load_hook(lua_State* L) {
  if ((mono_us() - load_start_us_) / 1000 < kLoadTimeoutMs) return;
  lua_sethook(L, load_hook, LUA_MASKLINE, 0);
  push_error(L, "FUNCTION LOAD timeout");
  lua_error(L);
}

void Engine::fcall(server::CommandContext& ctx, bool read_only) {
  const Function* found = libs_.find(ctx.arg(1));
  if (!found) {
    ctx.reply.error("ERR Function not found");
    return;
  }
  if (!parse_numkeys(ctx, "ERR Bad number of keys provided")) return;
  const Function& fn = *found;
  if (!may_run(ctx, fn.flags, read_only)) return;
  run(ctx, F_, fn.ref, fn.name, false, read_only || (fn.flags & kNoWrites) != 0,
      (fn.flags & kAllowOom) != 0);
}

void Engine::function_load(server::CommandContext& ctx) {
  bool replace = false;
  size_t i = 2;
  for (; i + 1 < ctx.argc(); i++) {
    if (!iequals(ctx.arg(i), "replace")) {
      ctx.reply.error("ERR Unknown option given: " + std::string(ctx.arg(i)));
      return;
    }
    replace = true;
  }
  std::string name;
  const std::string err = create_library(ctx.arg(i), libs_, replace, &name);
  if (!err.empty()) {
    ctx.reply.error("ERR " + err);
    return;
  }
  ctx.reply.bulk(name);
}

void Engine::function_list(server::CommandContext& ctx) {
  bool with_code = false, has_pattern = false;
  std::string_view pattern;
  for (size_t i = 2; i < ctx.argc(); i++) {
    const std::string_view a = ctx.arg(i);
    if (!with_code && iequals(a, "withcode")) {
      with_code = true;
    } else if (!has_pattern && iequals(a, "libraryname")) {
      if (i + 1 >= ctx.argc()) {
        ctx.reply.error("ERR library name argument was not given");
        return;
      }
      pattern = ctx.arg(++i);
      has_pattern = true;
    } else {
      ctx.reply.error("ERR Unknown argument " + std::string(a));
      return;
    }
  }
  std::vector<const Library*> shown;
  for (const auto& [name, lib] : libs_.libraries)
    if (!has_pattern || glob_match(pattern, name, true)) shown.push_back(lib.get());
  resp::Reply& r = ctx.reply;
  r.array(shown.size());
  for (const Library* lib : shown) {
    r.map(with_code ? 4 : 3);
    r.bulk("library_name");
    r.bulk(lib->name);
    r.bulk("engine");
    r.bulk("LUA");
    r.bulk("functions");
    r.array(lib->functions.size());
    for (const Function& f : lib->functions) {
      r.map(3);
      r.bulk("name");
      r.bulk(f.name);
      r.bulk("description");
      if (f.has_description)
        r.bulk(f.description);
      else
        r.null();
      r.bulk("flags");
      size_t n = 0;
      for (const FlagName& fl : kFlagNames) n += (f.flags & fl.flag) != 0;
      r.set(n);
      for (const FlagName& fl : kFlagNames)
        if (f.flags & fl.flag) r.simple(fl.name);
    }
    if (with_code) {
      r.bulk("library_code");
      r.bulk(lib->code);
    }
  }
}

void Engine::function_delete(server::CommandContext& ctx) {
  std::unique_ptr<Library> lib = libs_.unlink(std::string(ctx.arg(2)));
  if (!lib) {
    ctx.reply.error("ERR Library not found");
    return;
  }
  free_library(*lib);
  ctx.reply.ok();
}

void Engine::function_flush(server::CommandContext& ctx) {
  // ASYNC and SYNC both free at once (see SCRIPT FLUSH).
  if (ctx.argc() > 3) {
    server::reply_subcommand_syntax_error(ctx.reply, "FUNCTION", ctx.arg(1));
    return;
  }
  if (ctx.argc() == 3 && !iequals(ctx.arg(2), "sync") && !iequals(ctx.arg(2), "async")) {
    ctx.reply.error("ERR FUNCTION FLUSH only supports SYNC|ASYNC option");
    return;
  }
  free_libraries(libs_);
  lua_gc(F_, LUA_GCCOLLECT, 0);
  ctx.reply.ok();
}

void Engine::function_dump(server::CommandContext& ctx) {
  std::string payload;
  for (const auto& [name, lib] : libs_.libraries) {
    payload.push_back(static_cast<char>(kOpcodeFunction));
    put_rdb_string(&payload, lib->code);
  }
  payload.push_back(static_cast<char>(kRdbVersion & 0xff));
  payload.push_back(static_cast<char>(kRdbVersion >> 8));
  const uint64_t crc = crc64(0, payload);
  for (int i = 0; i < 8; i++) payload.push_back(static_cast<char>(crc >> (8 * i)));
  ctx.reply.bulk(payload);
}

void Engine::function_restore(server::CommandContext& ctx) {
  enum class Policy { kAppend, kReplace, kFlush } policy = Policy::kAppend;
  if (ctx.argc() > 3) {
    const std::string_view p = ctx.arg(3);
    if (iequals(p, "append")) {
      policy = Policy::kAppend;
    } else if (iequals(p, "replace")) {
      policy = Policy::kReplace;
    } else if (iequals(p, "flush")) {
      policy = Policy::kFlush;
    } else {
      ctx.reply.error(
          "ERR Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE.");
      return;
    }
  }
  const std::string_view data = ctx.arg(2);
  // Footer: the RDB version (not newer than ours) and the CRC-64 of all before it.
  bool valid = data.size() >= 10;
  if (valid) {
    const size_t f = data.size() - 10;
    const uint16_t version = static_cast<uint16_t>(static_cast<unsigned char>(data[f]) |
                                                   static_cast<unsigned char>(data[f + 1]) << 8);
    uint64_t crc = 0;
    for (int i = 7; i >= 0; i--) crc = (crc << 8) | static_cast<unsigned char>(data[f + 2 + i]);
    valid = version <= kRdbVersion && crc64(0, data.substr(0, f + 2)) == crc;
  }
  if (!valid) {
    ctx.reply.error("ERR DUMP payload version or checksum are wrong");
    return;
  }
  LibrarySet loaded;
  std::string err;
  RdbReader in(data.substr(0, data.size() - 10));
  while (in.remaining() > 0 && err.empty()) {
    unsigned char type = 0;
    in.byte(&type);
    if (type == kOpcodeFunctionPreGa) {
      err = "Pre-GA function format not supported";
    } else if (type != kOpcodeFunction) {
      err = "given type is not a function";
    } else {
      std::string code, name;
      if (!in.string(&code))
        err = "failed loading the given functions payload";
      else
        err = create_library(code, loaded, false, &name);
    }
  }
  if (err.empty() && policy != Policy::kFlush) {
    // Joined into the current set as Redis's libraryJoin: first the library names (an
    // existing one is an error unless REPLACE), then no function name may clash with one
    // of a library that stays.
    for (const auto& [name, lib] : loaded.libraries) {
      if (policy == Policy::kAppend && libs_.libraries.contains(name)) {
        err = "Library " + name + " already exists";
        break;
      }
    }
    for (auto lib = loaded.libraries.begin(); err.empty() && lib != loaded.libraries.end(); ++lib) {
      for (const Function& f : lib->second->functions) {
        const Function* other = libs_.find(f.name);
        if (other && !loaded.libraries.contains(other->library)) {
          err = "Function " + f.name + " already exists";
          break;
        }
      }
    }
  }
  if (!err.empty()) {
    free_libraries(loaded);
    ctx.reply.error("ERR " + err);
    return;
  }
  if (policy == Policy::kFlush) free_libraries(libs_);
  for (auto& [name, lib] : loaded.libraries) {
    if (std::unique_ptr<Library> old = libs_.unlink(name)) free_library(*old);
    libs_.link(std::move(lib));
  }
  ctx.reply.ok();
}

void Engine::function_stats(server::CommandContext& ctx) {
  resp::Reply& r = ctx.reply;
  if (run_ && run_->eval_mode) {
    r.error(kBusyEval);
    return;
  }
  r.map(2);
  r.bulk("running_script");
  if (!run_) {
    r.null();
  } else {
    r.map(3);
    r.bulk("name");
    r.bulk(*run_->name);
    r.bulk("command");
    r.array(run_->argv.size());
    for (std::string_view a : run_->argv) r.bulk(a);
    r.bulk("duration_ms");
    r.integer((mono_us() - run_->start_us) / 1000);
  }
  r.bulk("engines");
  r.map(1);
  r.bulk("LUA");
  r.map(2);
  r.bulk("libraries_count");
  r.integer(static_cast<int64_t>(libs_.libraries.size()));
  r.bulk("functions_count");
  r.integer(static_cast<int64_t>(libs_.functions.size()));
}

}  // namespace rkv::script

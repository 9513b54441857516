#include "script/sandbox.h"

#include <initializer_list>
#include <lua.hpp>
#include <utility>

extern "C" {
#include <lua-bitop.h>
#include <lua-cjson.h>
}

#include "script/lua_libs.h"

namespace rkv::script {
namespace {

// Registry tables, keyed by the address of these bytes.
char kBackingKey;       // proxy -> the table it stands for
char kProxyOfKey;       // table -> its proxy
char kReportedMetaKey;  // proxy -> what getmetatable() answers for it (absent: nil)
char kGlobalsKey;       // the real globals table
char kSwitchMetaKey;    // FUNCTION: the metatable whose __index picks the globals' view
char kLoadViewKey;      // FUNCTION: the load API's proxy
char kFullViewKey;      // FUNCTION: the full globals' proxy

constexpr const char* kReadonly = "Attempt to modify a readonly table";

void push_registry(lua_State* L, const char* key) {
  lua_pushlightuserdata(L, const_cast<char*>(key));
  lua_rawget(L, LUA_REGISTRYINDEX);
}

void new_registry_table(lua_State* L, const char* key) {
  lua_pushlightuserdata(L, const_cast<char*>(key));
  lua_newtable(L);
  lua_rawset(L, LUA_REGISTRYINDEX);
}

int absolute(lua_State* L, int idx) {
  return idx > 0 || idx <= LUA_REGISTRYINDEX ? idx : lua_gettop(L) + idx + 1;
}

// registry[key][value at idx], pushed (nil when absent).
void registry_lookup(lua_State* L, const char* key, int idx) {
  idx = absolute(L, idx);
  push_registry(L, key);
  lua_pushvalue(L, idx);
  lua_rawget(L, -2);
  lua_remove(L, -2);
}

// Replaces the proxy at idx with the table behind it; false when it is no proxy.
bool unwrap(lua_State* L, int idx) {
  if (lua_type(L, idx) != LUA_TTABLE) return false;
  idx = absolute(L, idx);
  registry_lookup(L, &kBackingKey, idx);
  if (lua_isnil(L, -1)) {
    lua_pop(L, 1);
    return false;
  }
  lua_replace(L, idx);
  return true;
}

bool is_proxy(lua_State* L, int idx) {
  if (lua_type(L, idx) != LUA_TTABLE) return false;
  registry_lookup(L, &kBackingKey, idx);
  const bool proxy = !lua_isnil(L, -1);
  lua_pop(L, 1);
  return proxy;
}

// Assignment through a proxy (the script's line is the error's position, as in Redis).
int readonly_newindex(lua_State* L) {
  return luaL_error(L, "%s", kReadonly);
}

// Refusals of the raw functions: Redis raises these from inside C, with no position.
int refuse(lua_State* L) {
  lua_pushstring(L, kReadonly);
  return lua_error(L);
}

int missing_global(lua_State* L) {
  if (!lua_isstring(L, 2)) return luaL_error(L, "Script attempted to access a non-string global");
  return luaL_error(L, "Script attempted to access nonexistent global variable '%s'",
                    lua_tostring(L, 2));
}

void set_missing_global_metatable(lua_State* L, int idx) {
  idx = absolute(L, idx);
  lua_createtable(L, 0, 1);
  lua_pushcfunction(L, missing_global);
  lua_setfield(L, -2, "__index");
  lua_setmetatable(L, idx);
}

// The base functions, seeing through proxies.
int sandbox_next(lua_State* L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_settop(L, 2);
  unwrap(L, 1);
  if (lua_next(L, 1)) return 2;
  lua_pushnil(L);
  return 1;
}

int sandbox_pairs(lua_State* L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_pushvalue(L, lua_upvalueindex(1));  // next
  lua_pushvalue(L, 1);
  unwrap(L, -1);
  lua_pushnil(L);
  return 3;
}

int sandbox_rawget(lua_State* L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  luaL_checkany(L, 2);
  lua_settop(L, 2);
  unwrap(L, 1);
  lua_rawget(L, 1);
  return 1;
}

int sandbox_rawset(lua_State* L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  luaL_checkany(L, 2);
  luaL_checkany(L, 3);
  if (is_proxy(L, 1)) return refuse(L);
  lua_settop(L, 3);
  lua_rawset(L, 1);
  return 1;
}

int sandbox_setmetatable(lua_State* L) {
  const int t = lua_type(L, 2);
  luaL_checktype(L, 1, LUA_TTABLE);
  luaL_argcheck(L, t == LUA_TNIL || t == LUA_TTABLE, 2, "nil or table expected");
  if (is_proxy(L, 1)) return refuse(L);
  if (luaL_getmetafield(L, 1, "__metatable"))
    return luaL_error(L, "cannot change a protected metatable");
  lua_settop(L, 2);
  lua_setmetatable(L, 1);
  return 1;
}

int sandbox_getmetatable(lua_State* L) {
  luaL_checkany(L, 1);
  if (is_proxy(L, 1)) {
    registry_lookup(L, &kReportedMetaKey, 1);
    return 1;
  }
  if (!lua_getmetatable(L, 1)) {
    lua_pushnil(L);
    return 1;
  }
  luaL_getmetafield(L, 1, "__metatable");
  return 1;
}

// table.insert: the original (upvalue 1) unless the table is a proxy. Its argument errors
// are raised here, where Lua knows the function's name. (table.remove and table.sort
// write nothing to a table that looks empty, which a proxy does.)
int sandbox_table_insert(lua_State* L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  const int n = lua_gettop(L);
  if (n != 2 && n != 3) return luaL_error(L, "wrong number of arguments to 'insert'");
  if (n == 3) luaL_checkint(L, 2);
  if (is_proxy(L, 1)) return refuse(L);
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, n, LUA_MULTRET);
  return lua_gettop(L);
}

void replace_function(lua_State* L, int table, const char* name, lua_CFunction fn,
                      bool keep_original) {
  if (keep_original) {
    lua_getfield(L, table, name);
    lua_pushcclosure(L, fn, 1);
  } else {
    lua_pushcfunction(L, fn);
  }
  lua_setfield(L, table, name);
}

// Pushes the proxy of the table at idx, making it (and first those of the tables it
// holds, which it then holds instead) if there is none yet. A proxy stands for itself.
void push_proxy(lua_State* L, int idx) {
  idx = absolute(L, idx);
  if (is_proxy(L, idx)) {
    lua_pushvalue(L, idx);
    return;
  }
  registry_lookup(L, &kProxyOfKey, idx);
  if (!lua_isnil(L, -1)) return;
  lua_pop(L, 1);
  lua_newtable(L);
  const int proxy = lua_gettop(L);
  // Registered before the walk below, so that cycles (_G._G) find it.
  push_registry(L, &kProxyOfKey);
  lua_pushvalue(L, idx);
  lua_pushvalue(L, proxy);
  lua_rawset(L, -3);
  lua_pop(L, 1);
  push_registry(L, &kBackingKey);
  lua_pushvalue(L, proxy);
  lua_pushvalue(L, idx);
  lua_rawset(L, -3);
  lua_pop(L, 1);
  lua_createtable(L, 0, 2);
  lua_pushvalue(L, idx);
  lua_setfield(L, -2, "__index");
  lua_pushcfunction(L, readonly_newindex);
  lua_setfield(L, -2, "__newindex");
  lua_setmetatable(L, proxy);
  // Assigning existing fields during a traversal is allowed (Lua manual, lua_next).
  lua_pushnil(L);
  while (lua_next(L, idx)) {
    if (lua_type(L, -1) == LUA_TTABLE) {
      push_proxy(L, -1);
      lua_pushvalue(L, -3);
      lua_insert(L, -2);
      lua_rawset(L, idx);
    }
    lua_pop(L, 1);
  }
}

void set_reported_meta(lua_State* L, int proxy_idx, int meta_idx) {
  proxy_idx = absolute(L, proxy_idx);
  meta_idx = absolute(L, meta_idx);
  push_registry(L, &kReportedMetaKey);
  lua_pushvalue(L, proxy_idx);
  lua_pushvalue(L, meta_idx);
  lua_rawset(L, -3);
  lua_pop(L, 1);
}

void open_lib(lua_State* L, const char* name, lua_CFunction open) {
  lua_pushcfunction(L, open);
  lua_pushstring(L, name);
  lua_call(L, 1, 1);
  // Some openers register the global themselves, some only return the module.
  if (lua_istable(L, -1) && name[0] != '\0') {
    lua_setglobal(L, name);
  } else {
    lua_pop(L, 1);
  }
}

}  // namespace

void open_libraries(lua_State* L) {
  open_lib(L, "", luaopen_base);
  open_lib(L, LUA_TABLIBNAME, luaopen_table);
  open_lib(L, LUA_STRLIBNAME, luaopen_string);
  open_lib(L, LUA_MATHLIBNAME, luaopen_math);
  open_lib(L, "cjson", luaopen_cjson);
  open_lib(L, "struct", rkv_luaopen_struct);
  open_lib(L, "cmsgpack", rkv_luaopen_cmsgpack);
  open_lib(L, "bit", luaopen_bit);
  // What Redis 7.0 leaves out of the base library.
  for (const char* name : {"dofile", "loadfile", "print", "getfenv", "setfenv", "newproxy"}) {
    lua_pushnil(L);
    lua_setglobal(L, name);
  }
}

void protect_globals(lua_State* L) {
  new_registry_table(L, &kBackingKey);
  new_registry_table(L, &kProxyOfKey);
  new_registry_table(L, &kReportedMetaKey);
  lua_pushvalue(L, LUA_GLOBALSINDEX);
  const int globals = lua_gettop(L);
  lua_pushlightuserdata(L, &kGlobalsKey);
  lua_pushvalue(L, globals);
  lua_rawset(L, LUA_REGISTRYINDEX);

  replace_function(L, globals, "next", sandbox_next, false);
  lua_getfield(L, globals, "next");
  lua_pushcclosure(L, sandbox_pairs, 1);
  lua_setfield(L, globals, "pairs");
  replace_function(L, globals, "rawget", sandbox_rawget, false);
  replace_function(L, globals, "rawset", sandbox_rawset, false);
  replace_function(L, globals, "setmetatable", sandbox_setmetatable, false);
  replace_function(L, globals, "getmetatable", sandbox_getmetatable, false);
  lua_getfield(L, globals, LUA_TABLIBNAME);
  const int table_lib = lua_gettop(L);
  replace_function(L, table_lib, "insert", sandbox_table_insert, true);
  lua_pop(L, 1);

  // Reading a missing global is an error: the globals' own metatable says so.
  set_missing_global_metatable(L, globals);

  push_proxy(L, globals);
  const int proxy = lua_gettop(L);
  // getmetatable(_G) shows a (read-only) table, as in Redis; library tables show none.
  lua_getmetatable(L, globals);
  push_proxy(L, -1);
  set_reported_meta(L, proxy, -1);
  lua_pop(L, 2);

  // Strings' methods come from their metatable (__index = string): it must not lead back
  // to the writable library, nor be writable itself.
  lua_pushliteral(L, "");
  lua_getmetatable(L, -1);
  const int string_meta = lua_gettop(L);
  lua_getfield(L, globals, LUA_STRLIBNAME);  // the proxy by now
  lua_setfield(L, string_meta, "__index");
  push_proxy(L, string_meta);
  lua_setfield(L, string_meta, "__metatable");
  lua_pop(L, 2);

  // Everything compiled or loaded from now on sees the proxy as its globals.
  lua_pushvalue(L, proxy);
  lua_replace(L, LUA_GLOBALSINDEX);
  lua_pop(L, 2);
}

void set_protected_global(lua_State* L, const char* name) {
  push_registry(L, &kGlobalsKey);
  lua_insert(L, -2);
  lua_setfield(L, -2, name);  // raw enough: the real globals have no __newindex
  lua_pop(L, 1);
}

bool is_protected(lua_State* L, int idx) {
  return is_proxy(L, idx);
}

void add_load_globals(lua_State* L) {
  const int api = lua_gettop(L);
  // Missing names are errors in the load API and in its redis table alike.
  set_missing_global_metatable(L, api);
  lua_getfield(L, api, "redis");
  set_missing_global_metatable(L, -1);
  lua_pop(L, 1);
  push_proxy(L, api);
  const int load_view = lua_gettop(L);
  lua_pushvalue(L, LUA_GLOBALSINDEX);  // the full globals' proxy (protect_globals)
  const int full_view = lua_gettop(L);

  lua_newtable(L);  // the new globals
  const int globals = lua_gettop(L);
  lua_createtable(L, 0, 2);
  const int meta = lua_gettop(L);
  lua_pushvalue(L, full_view);
  lua_setfield(L, meta, "__index");
  lua_pushcfunction(L, readonly_newindex);
  lua_setfield(L, meta, "__newindex");
  lua_pushvalue(L, meta);
  lua_setmetatable(L, globals);
  // The raw functions treat it as a proxy of the real globals; getmetatable(_G) shows a
  // read-only view of the switch.
  push_registry(L, &kBackingKey);
  lua_pushvalue(L, globals);
  push_registry(L, &kGlobalsKey);
  lua_rawset(L, -3);
  lua_pop(L, 1);
  push_proxy(L, meta);
  set_reported_meta(L, globals, -1);
  lua_pop(L, 1);

  for (auto [key, idx] : {std::pair{&kSwitchMetaKey, meta}, std::pair{&kLoadViewKey, load_view},
                          std::pair{&kFullViewKey, full_view}}) {
    lua_pushlightuserdata(L, key);
    lua_pushvalue(L, idx);
    lua_rawset(L, LUA_REGISTRYINDEX);
  }
  lua_pushvalue(L, globals);
  lua_replace(L, LUA_GLOBALSINDEX);
  lua_settop(L, api - 1);
}

void use_load_globals(lua_State* L, bool load) {
  push_registry(L, &kSwitchMetaKey);
  push_registry(L, load ? &kLoadViewKey : &kFullViewKey);
  lua_setfield(L, -2, "__index");
  lua_pop(L, 1);
}

}  // namespace rkv::script

// The Lua environment scripts run in, as Redis 7.0 sets it up.
//
// Libraries: Lua's base library without dofile, loadfile, print, getfenv, setfenv and
// newproxy; table, string, math, coroutine; cjson and bit (Debian's lua-cjson and
// lua-bitop), cmsgpack and struct (ours: lua_libs.h); no os, io, package, debug.
//
// Protection: Redis 7.0 patches its Lua so that tables can be made read-only and then
// freezes the globals and every library table. Debian's Lua has no such switch, so the
// same rules are built from metatables: scripts see, in place of each of those tables,
// an empty proxy that reads through to it (__index) and refuses every assignment
// (__newindex: "Attempt to modify a readonly table"). The base functions that bypass
// metatables (rawset, rawget, next, pairs, setmetatable, getmetatable) and
// table.insert are replaced by versions that see through, or refuse, a proxy. Reading a global that
// does not exist raises "Script attempted to access nonexistent global variable 'x'". Known
// difference: functions that walk a table's array part (unpack, table.concat, #t) see a library
// proxy as empty, where Redis sees the library table (which has no array part either).
#pragma once

struct lua_State;

namespace rkv::script {

// Opens the libraries above into a new state's globals.
void open_libraries(lua_State* L);

// Freezes what the globals hold now (call after every library and the redis table are
// in place): from then on scripts compiled in L, and code they load, see the proxies.
void protect_globals(lua_State* L);

// Pops the value on top and stores it as global `name`, past the protection (KEYS and
// ARGV are set this way before each EVAL).
void set_protected_global(lua_State* L, const char* name);

// Whether the value at idx is one of the proxies.
bool is_protected(lua_State* L, int idx);

// FUNCTION's environment, on top of protect_globals: a library's code runs with only its
// load API in sight (the table on top of the stack, popped: {redis = {register_function,
// log...}}; anything else is a nonexistent global), the functions it registers run with
// the full globals. The globals become an empty table whose reads go to one or the other.
void add_load_globals(lua_State* L);
// Points the globals at the load API (true) or at the full globals (false).
void use_load_globals(lua_State* L, bool load);

}  // namespace rkv::script

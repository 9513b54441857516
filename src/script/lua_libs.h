// The Lua libraries Redis 7.0 bundles for scripts that Debian does not package, written
// against the Lua 5.1 C API to behave byte for byte like Redis 7.0.15's copies:
//
// - cmsgpack: MessagePack (lua-cmsgpack 0.4.0): pack(...), unpack(s), unpack_one(s[, off]),
//   unpack_limit(s, limit[, off]) and the _NAME, _VERSION, _COPYRIGHT, _DESCRIPTION strings.
// - struct: binary packing (Roberto Ierusalimschy's struct 1.7 as Redis ships it):
//   pack(fmt, ...), unpack(fmt, s[, pos]), size(fmt).
//
// Each opener creates the library table, stores it in the global of the library's name
// and leaves it on the stack (returns 1): call it directly or through lua_call, like the
// standard luaopen_* functions. Errors are Lua errors (longjmp): apart from an
// out-of-memory error inside the Lua API, none can skip a destructor in these files.
//
// Known difference from Redis, outside these files: Redis's Lua hashes every byte of a
// string, Debian's Lua 5.1 only a sample of strings of 32 bytes or more, so tables with
// such keys iterate (and pack as maps) in another order; so do tables keyed by tables,
// which Lua hashes by address (they differ between any two processes).
#pragma once

struct lua_State;

int rkv_luaopen_cmsgpack(lua_State* L);
int rkv_luaopen_struct(lua_State* L);

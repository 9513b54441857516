// libFuzzer target for the cmsgpack and struct Lua libraries (src/script/lua_*.cc).
//
// The first byte picks the function and its numeric arguments; the rest is the input
// (for struct: a format up to the first NUL, then the data). Beyond "no crash, no
// sanitizer report" it checks that every call either returns or raises an ordinary
// runtime error, and that whatever cmsgpack.unpack decodes packs again and decodes back
// to the same number of values.
//
//   CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DRKV_FUZZ=ON -DRKV_JEMALLOC=OFF
//   cmake --build build-fuzz --target fuzz_lua_libs
//   build-fuzz/tests/fuzz_lua_libs -max_total_time=300 -max_len=1024 CORPUS_DIR
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <initializer_list>

#include "script/lua_libs.h"

extern "C" {
#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>
}

namespace {

[[noreturn]] void fail(const char* what, lua_State* L) {
  const char* message = lua_gettop(L) > 0 ? lua_tostring(L, -1) : nullptr;
  __builtin_printf("invariant violated: %s (%s)\n", what, message != nullptr ? message : "");
  std::abort();
}

lua_State* make_state() {
  lua_State* L = luaL_newstate();
  for (lua_CFunction open : {luaopen_base, luaopen_table, luaopen_string, luaopen_math,
                             rkv_luaopen_cmsgpack, rkv_luaopen_struct}) {
    lua_pushcfunction(L, open);
    lua_call(L, 0, 0);
  }
  return L;
}

void push_function(lua_State* L, const char* library, const char* name) {
  lua_getglobal(L, library);
  lua_getfield(L, -1, name);
  lua_remove(L, -2);
}

// Calls the function below `nargs` arguments on top; returns the number of results, or
// -1 after a runtime error (its message popped, and copied to `error` if given).
int call(lua_State* L, int nargs, char (*error)[64] = nullptr) {
  int base = lua_gettop(L) - nargs - 1;
  int status = lua_pcall(L, nargs, LUA_MULTRET, 0);
  if (status == LUA_ERRRUN) {
    if (lua_type(L, -1) != LUA_TSTRING) fail("error value is not a string", L);
    if (error != nullptr) __builtin_snprintf(*error, sizeof *error, "%s", lua_tostring(L, -1));
    lua_settop(L, base);
    return -1;
  }
  if (status != 0) fail("error other than a runtime error", L);
  return lua_gettop(L) - base;
}

void fuzz_unpack_round_trip(lua_State* L, const char* data, size_t size) {
  push_function(L, "cmsgpack", "unpack");
  lua_pushlstring(L, data, size);
  int count = call(L, 1);
  if (count <= 0) return;
  // pack(values...) then unpack: the same count back. Beyond 4000 values pack refuses;
  // tables nested deeper than 16 pack as nil, which as a map key fails to decode.
  push_function(L, "cmsgpack", "pack");
  lua_insert(L, -count - 1);
  if (call(L, count) != 1) return;
  push_function(L, "cmsgpack", "unpack");
  lua_insert(L, -2);
  char error[64] = "";
  int again = call(L, 1, &error);
  if (again == -1 && std::strstr(error, "table index is nil") != nullptr) return;
  if (again != count) fail("re-packed values do not decode to as many values", L);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* bytes, size_t size) {
  static lua_State* L = make_state();
  if (size == 0) return 0;
  uint8_t selector = bytes[0];
  const char* data = reinterpret_cast<const char*>(bytes + 1);
  size -= 1;
  lua_Integer a = (selector >> 3) % 8 - 1;  // -1..6: offsets and limits, a few invalid
  switch (selector % 7) {
    case 0:
      fuzz_unpack_round_trip(L, data, size);
      break;
    case 1:
      push_function(L, "cmsgpack", "unpack_one");
      lua_pushlstring(L, data, size);
      lua_pushinteger(L, a);
      call(L, 2);
      break;
    case 2:
      push_function(L, "cmsgpack", "unpack_limit");
      lua_pushlstring(L, data, size);
      lua_pushinteger(L, a);
      lua_pushinteger(L, selector >> 6);
      call(L, 3);
      break;
    default: {
      const void* nul = std::memchr(data, '\0', size);
      size_t format_len =
          nul != nullptr ? static_cast<size_t>(static_cast<const char*>(nul) - data) : size;
      const char* rest = data + format_len;
      size_t rest_len = size - format_len;
      const char* name = selector % 7 == 3 ? "unpack" : selector % 7 == 4 ? "size" : "pack";
      push_function(L, "struct", name);
      lua_pushlstring(L, data, format_len);
      int nargs = 1;
      if (selector % 7 == 3) {
        lua_pushlstring(L, rest, rest_len);
        lua_pushinteger(L, a + 1);
        nargs = 3;
      } else if (selector % 7 >= 5) {
        // pack: alternate numbers made of the data and slices of it as strings.
        for (size_t i = 0; i + 8 <= rest_len && nargs < 12; i += 8, ++nargs) {
          if ((rest[i] & 1) != 0) {
            double d = 0;
            std::memcpy(&d, rest + i, sizeof d);
            lua_pushnumber(L, d);
          } else {
            lua_pushlstring(L, rest + i, static_cast<unsigned char>(rest[i]) % 8);
          }
        }
      }
      call(L, nargs);
      break;
    }
  }
  lua_settop(L, 0);
  return 0;
}

// Our cmsgpack and struct libraries (src/script/lua_cmsgpack.cc, lua_struct.cc) against
// Redis 7.0.15's, byte for byte.
//
// lua_libs_golden.inc holds Lua expressions over both libraries and the answers that
// redis-server 7.0.15 (Debian's build, x86-64) gave for them: tools/gen_lua_libs_golden.py
// ran each as EVAL "<kHarness> return serall(pcall(function() return <expr> end))" 0 and
// recorded the reply. Here the same line runs in a bare lua_State with Lua's base, table,
// string and math libraries and ours, loaded under Redis's chunk name "@user_script" so
// that error positions ("user_script:1: ...") compare too.
#include "script/lua_libs.h"

extern "C" {
#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>
}

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <initializer_list>
#include <random>
#include <string>
#include <vector>

namespace rkv::script {
namespace {

struct GoldenCase {
  const char* expr;
  const char* expected;
};

#include "lua_libs_golden.inc"

class LuaState {
 public:
  LuaState() : L_(luaL_newstate()) {
    for (lua_CFunction open : {luaopen_base, luaopen_table, luaopen_string, luaopen_math,
                               rkv_luaopen_cmsgpack, rkv_luaopen_struct}) {
      lua_pushcfunction(L_, open);
      lua_call(L_, 0, 0);
    }
  }
  ~LuaState() { lua_close(L_); }
  LuaState(const LuaState&) = delete;
  LuaState& operator=(const LuaState&) = delete;

  lua_State* get() const { return L_; }

  // Runs `code` as a chunk named like a Redis script; its first result as a string, or
  // "<error> message" when it fails.
  std::string run(const std::string& code) {
    std::string out;
    if (luaL_loadbuffer(L_, code.data(), code.size(), "@user_script") != 0 ||
        lua_pcall(L_, 0, 1, 0) != 0) {
      out = "<error> ";
    }
    size_t len = 0;
    const char* s = lua_tolstring(L_, -1, &len);
    out.append(s != nullptr ? std::string(s, len) : std::string("<not a string>"));
    lua_settop(L_, 0);
    return out;
  }

 private:
  lua_State* L_;
};

std::string golden_line(const std::string& harness, const std::string& expr) {
  return harness + " return serall(pcall(function() return " + expr + " end))";
}

// Runs the cases and reports the first mismatches in full; returns the mismatch count.
template <typename Cases>
int check_cases(const std::string& harness, const Cases& cases) {
  LuaState lua;
  int mismatches = 0;
  for (const auto& [expr, expected] : cases) {
    std::string actual = lua.run(golden_line(harness, expr));
    if (actual == expected) continue;
    if (++mismatches <= 20) {
      ADD_FAILURE() << "expression: " << expr << "\n  redis: " << expected
                    << "\n  ours:  " << actual;
    }
  }
  return mismatches;
}

TEST(LuaLibs, MatchesRedisGolden) {
  std::vector<std::pair<std::string, std::string>> cases;
  for (const GoldenCase& c : kGolden) cases.emplace_back(c.expr, c.expected);
  ASSERT_GT(cases.size(), 1000u);
  EXPECT_EQ(check_cases(kHarness, cases), 0) << "of " << cases.size() << " cases";
}

// A larger one-off differential run: RKV_LUA_LIBS_GOLDEN names a file that
// `tools/gen_lua_libs_golden.py --tsv` wrote from a live redis-server.
TEST(LuaLibs, MatchesRedisGoldenFile) {
  const char* path = std::getenv("RKV_LUA_LIBS_GOLDEN");
  if (path == nullptr) GTEST_SKIP() << "RKV_LUA_LIBS_GOLDEN not set";
  std::ifstream in(path);
  ASSERT_TRUE(in) << path;
  std::string line;
  std::string harness;
  std::vector<std::pair<std::string, std::string>> cases;
  while (std::getline(in, line)) {
    size_t tab = line.find('\t');
    ASSERT_NE(tab, std::string::npos) << line;
    if (line.starts_with("# harness\t")) {
      harness = line.substr(tab + 1);
    } else {
      cases.emplace_back(line.substr(0, tab), line.substr(tab + 1));
    }
  }
  ASSERT_FALSE(harness.empty());
  ASSERT_FALSE(cases.empty());
  EXPECT_EQ(check_cases(harness, cases), 0) << "of " << cases.size() << " cases";
}

TEST(LuaLibs, OpenersLeaveTheTableAndSetTheGlobal) {
  LuaState lua;
  lua_State* L = lua.get();
  for (lua_CFunction open : {rkv_luaopen_cmsgpack, rkv_luaopen_struct}) {
    ASSERT_EQ(open(L), 1);
    ASSERT_EQ(lua_type(L, -1), LUA_TTABLE);
  }
  lua_getglobal(L, "struct");
  EXPECT_TRUE(lua_rawequal(L, -1, -2));
  lua_getglobal(L, "cmsgpack");
  EXPECT_TRUE(lua_rawequal(L, -1, -4));
  lua_settop(L, 0);
  EXPECT_EQ(lua.run("return cmsgpack.pack({1, 2, 3}) .. struct.pack('>h', 258)"),
            std::string("\x93\x01\x02\x03\x01\x02", 6));
}

// Random and damaged input must end in a result or one of the libraries' own errors:
// no crash, no stray error, the stack left as it was (an ASan build checks memory).
TEST(LuaLibs, RandomInputFailsCleanly) {
  LuaState lua;
  lua_State* L = lua.get();
  // Valid msgpack to damage: random nested tables, packed.
  ASSERT_EQ(lua.run(R"lua(
    local seed = 1
    local function rnd(n) seed = (seed * 1103515245 + 12345) % 2147483648 return seed % n end
    local function value(depth)
      local k = rnd(depth > 3 and 4 or 6)
      if k == 0 then return rnd(70000) - 35000 end
      if k == 1 then return rnd(1000) / 7 end
      if k == 2 then return string.rep('s', rnd(40)) end
      if k == 3 then return rnd(2) == 0 end
      local t = {}
      for i = 1, rnd(6) do
        if k == 4 then t[i] = value(depth + 1) else t['k' .. rnd(10)] = value(depth + 1) end
      end
      return t
    end
    local samples = {}
    for i = 1, 200 do samples[i] = cmsgpack.pack(value(0), value(2)) end
    fuzz_samples = samples
    return 'ok'
  )lua"),
            "ok");
  const std::vector<std::string> known_errors = {
      "Missing bytes in input.",
      "Bad data format in input.",
      "table index is nil",
      "table index is NaN",
      "Invalid request to unpack",
      "Start offset",
      "stack overflow",
      "data string too short",
      "invalid format option",
      "is not a power of 2",
      "is larger than limit",
      "integral size overflow",
      "unfinished string in data",
      "needs a previous size",
      "string too short",
      "number expected",
      "string expected",
      "offset must be 1 or greater",
      "has no fixed size",
  };
  std::mt19937 rng(12345);
  auto random_bytes = [&](size_t max_len) {
    std::string s(rng() % (max_len + 1), '\0');
    for (char& c : s) c = static_cast<char>(rng());
    return s;
  };
  auto random_format = [&] {
    static const char kAlphabet[] = "bBhHlLTiIxfdcs<>! 0123456789z";
    std::string f(rng() % 8, ' ');
    for (char& c : f) c = kAlphabet[rng() % (sizeof kAlphabet - 1)];
    return f;
  };
  int ok = 0;
  int failed = 0;
  for (int i = 0; i < 30000; ++i) {
    std::string input;
    if (i % 2 == 0) {
      lua_getglobal(L, "fuzz_samples");
      lua_rawgeti(L, -1, 1 + static_cast<int>(rng() % 200));
      input = lua_tostring(L, -1);
      lua_settop(L, 0);
      // Damage: truncate, overwrite a byte, or both.
      if (!input.empty() && rng() % 3 != 0) input.resize(rng() % input.size());
      if (!input.empty() && rng() % 2 == 0) input[rng() % input.size()] = static_cast<char>(rng());
    } else {
      input = random_bytes(64);
    }
    int kind = static_cast<int>(rng() % 5);
    switch (kind) {
      case 0:
        lua_getglobal(L, "cmsgpack");
        lua_getfield(L, -1, "unpack");
        lua_pushlstring(L, input.data(), input.size());
        break;
      case 1:
        lua_getglobal(L, "cmsgpack");
        lua_getfield(L, -1, "unpack_one");
        lua_pushlstring(L, input.data(), input.size());
        lua_pushinteger(L, static_cast<lua_Integer>(rng() % (input.size() + 2)));
        break;
      case 2:
        lua_getglobal(L, "cmsgpack");
        lua_getfield(L, -1, "unpack_limit");
        lua_pushlstring(L, input.data(), input.size());
        lua_pushinteger(L, static_cast<lua_Integer>(rng() % 4));
        lua_pushinteger(L, static_cast<lua_Integer>(rng() % (input.size() + 2)));
        break;
      case 3: {
        lua_getglobal(L, "struct");
        lua_getfield(L, -1, "unpack");
        std::string format = random_format();
        lua_pushlstring(L, format.data(), format.size());
        lua_pushlstring(L, input.data(), input.size());
        break;
      }
      default: {
        lua_getglobal(L, "struct");
        lua_getfield(L, -1, "pack");
        std::string format = random_format();
        lua_pushlstring(L, format.data(), format.size());
        for (int arg = 0; arg < 6; ++arg) {
          if (rng() % 2 == 0) {
            lua_pushnumber(L, static_cast<double>(static_cast<int32_t>(rng())) / 3);
          } else {
            lua_pushlstring(L, input.data(), rng() % (input.size() + 1));
          }
        }
        break;
      }
    }
    int nargs = lua_gettop(L) - 2;
    int status = lua_pcall(L, nargs, LUA_MULTRET, 0);
    if (status == 0) {
      ++ok;
      ASSERT_GE(lua_gettop(L), 1);  // the library table
    } else {
      ++failed;
      ASSERT_EQ(lua_gettop(L), 2);
      std::string message = lua_tostring(L, -1);
      bool known = false;
      for (const std::string& e : known_errors)
        known = known || message.find(e) != std::string::npos;
      ASSERT_TRUE(known) << "kind " << kind << ": " << message;
    }
    lua_settop(L, 0);
  }
  EXPECT_GT(ok, 1000);
  EXPECT_GT(failed, 1000);
}

}  // namespace
}  // namespace rkv::script

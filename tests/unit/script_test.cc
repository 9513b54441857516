// Pieces of the Lua engine: the rand48 generator, the shebang parser, the conversions
// between replies and Lua values, and the sandbox (each on its own lua_State).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <lua.hpp>
#include <memory>
#include <string>
#include <vector>

#include "resp/reply.h"
#include "resp/reply_buffer.h"
#include "script/convert.h"
#include "script/engine.h"
#include "script/rand48.h"
#include "script/sandbox.h"
#include "util/crc64.h"

namespace rkv::script {
namespace {

// --- rand48 ---

TEST(Rand48, MatchesLibcForAnySeed) {
  for (long seed : {0L, 1L, 7L, 42L, -5L, 123456789L, 2147483647L}) {
    Rand48 r;
    r.seed(static_cast<int32_t>(seed));
    srand48(seed);
    for (int i = 0; i < 1000; i++)
      ASSERT_EQ(r.next(), lrand48()) << "seed " << seed << " draw " << i;
  }
}

// The POSIX initial state, which Redis 7.0 starts from and never resets: these are the
// first numbers a fresh redis-server 7.0.15 gives to
// EVAL "return {math.random(100), tostring(math.random()), math.random(5,10)}" 0.
TEST(Rand48, StartsWhereRedisStarts) {
  Rand48 r;
  EXPECT_EQ(std::floor(r.next_unit() * 100) + 1, 40);
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.14g", r.next_unit());  // Lua's tostring
  EXPECT_STREQ(buf, "0.84048536971234");
  EXPECT_EQ(std::floor(r.next_unit() * 6) + 5, 7);
  // math.randomseed(7), then math.random(100) and tostring(math.random()).
  r.seed(7);
  EXPECT_EQ(std::floor(r.next_unit() * 100) + 1, 27);
  std::snprintf(buf, sizeof(buf), "%.14g", r.next_unit());
  EXPECT_STREQ(buf, "0.68203523041775");
}

TEST(Rand48, UnitIsBelowOne) {
  Rand48 r;
  for (int i = 0; i < 100000; i++) {
    const double u = r.next_unit();
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
  }
}

// --- shebang ---

TEST(Shebang, NoShebangIsCompatMode) {
  uint32_t flags;
  size_t header;
  EXPECT_EQ(parse_shebang("return 1", &flags, &header), "");
  EXPECT_EQ(flags, kEvalCompat);
  EXPECT_EQ(header, 0u);
}

TEST(Shebang, FlagsAndHeaderLength) {
  uint32_t flags;
  size_t header;
  EXPECT_EQ(parse_shebang("#!lua\nreturn 1", &flags, &header), "");
  EXPECT_EQ(flags, 0u);
  EXPECT_EQ(header, 5u);
  EXPECT_EQ(parse_shebang("#!lua flags=no-writes,allow-oom\nreturn 1", &flags, &header), "");
  EXPECT_EQ(flags, kNoWrites | kAllowOom);
  EXPECT_EQ(
      parse_shebang("#!lua flags=allow-stale,no-cluster,allow-cross-slot-keys\nx", &flags, &header),
      "");
  EXPECT_EQ(flags, kAllowStale | kNoCluster | kAllowCrossSlotKeys);
  EXPECT_EQ(parse_shebang("#!lua flags=\nx", &flags, &header), "");
  EXPECT_EQ(flags, 0u);
  // Blanks and quotes as in inline commands.
  EXPECT_EQ(parse_shebang("#!lua \t \"flags=no-writes\"  \r\nx", &flags, &header), "");
  EXPECT_EQ(flags, kNoWrites);
}

TEST(Shebang, Errors) {
  uint32_t flags;
  size_t header;
  EXPECT_EQ(parse_shebang("#!lua", &flags, &header), "Invalid script shebang");
  EXPECT_EQ(parse_shebang("#!luax\n", &flags, &header),
            "Unexpected engine in script shebang: #!luax");
  EXPECT_EQ(parse_shebang("#! lua\n", &flags, &header), "Unexpected engine in script shebang: #!");
  EXPECT_EQ(parse_shebang("#!lua \"x\n", &flags, &header), "Invalid engine in script shebang");
  EXPECT_EQ(parse_shebang("#!lua foo=bar\n", &flags, &header),
            "Unknown lua shebang option: foo=bar");
  EXPECT_EQ(parse_shebang("#!lua flags=bogus\n", &flags, &header),
            "Unexpected flag in script shebang: bogus");
  EXPECT_EQ(parse_shebang("#!lua flags=no-writes,,allow-oom\n", &flags, &header),
            "Unexpected flag in script shebang: ");
  EXPECT_EQ(parse_shebang("#!lua flags=NO-WRITES\n", &flags, &header),
            "Unexpected flag in script shebang: NO-WRITES");
}

// --- numbers ---

TEST(Numbers, ArgumentsUseSeventeenDigits) {
  EXPECT_EQ(number_arg(3), "3");
  EXPECT_EQ(number_arg(0.1), "0.10000000000000001");
  EXPECT_EQ(number_arg(-0.5), "-0.5");
  EXPECT_EQ(number_arg(1e20), "1e+20");
  EXPECT_EQ(number_arg(12345678901234567890.0), "1.2345678901234567e+19");
  EXPECT_EQ(number_arg(INFINITY), "inf");
}

TEST(Numbers, IntegersTruncateLikeTheCCast) {
  EXPECT_EQ(number_to_integer(3.99), 3);
  EXPECT_EQ(number_to_integer(-3.99), -3);
  EXPECT_EQ(number_to_integer(9007199254740993.0), 9007199254740992);
  EXPECT_EQ(number_to_integer(1e30), INT64_MIN);
  EXPECT_EQ(number_to_integer(-1e30), INT64_MIN);
  EXPECT_EQ(number_to_integer(NAN), INT64_MIN);
  EXPECT_EQ(number_to_integer(9223372036854775808.0), INT64_MIN);
  EXPECT_EQ(number_to_integer(-9223372036854775808.0), INT64_MIN);
}

// --- conversions ---

struct LuaDeleter {
  void operator()(lua_State* L) const { lua_close(L); }
};

class ConvertTest : public ::testing::Test {
 protected:
  void SetUp() override {
    L_.reset(luaL_newstate());
    luaL_openlibs(L());
  }
  lua_State* L() { return L_.get(); }

  // Pushes the Lua value of a reply, checking that the whole input was one reply.
  void push(std::string_view bytes) { EXPECT_EQ(push_reply(L(), bytes), bytes.size()) << bytes; }
  // Evaluates `expr` with the pushed value as `v`, as a string.
  std::string eval(const std::string& expr) {
    lua_setglobal(L(), "v");
    const std::string code = "return tostring(" + expr + ")";
    EXPECT_EQ(luaL_dostring(L(), code.c_str()), 0) << lua_tostring(L(), -1);
    std::string out = lua_tostring(L(), -1);
    lua_pop(L(), 1);
    return out;
  }
  // The reply bytes a Lua expression converts to.
  std::string reply(const std::string& expr, int proto, int script_resp = 2,
                    bool* uncounted = nullptr) {
    const std::string code = "return " + expr;
    EXPECT_EQ(luaL_dostring(L(), code.c_str()), 0) << lua_tostring(L(), -1);
    resp::ReplyBuffer buf;
    resp::Reply r(buf, proto);
    const bool u = write_lua_value(L(), r, script_resp);
    if (uncounted) *uncounted = u;
    EXPECT_EQ(lua_gettop(L()), 0);
    iovec iov[16];
    const int n = buf.gather(iov, 16);
    std::string out;
    for (int i = 0; i < n; i++)
      out.append(static_cast<const char*>(iov[i].iov_base), iov[i].iov_len);
    return out;
  }

 private:
  std::unique_ptr<lua_State, LuaDeleter> L_;
};

TEST_F(ConvertTest, Resp2RepliesToLua) {
  push(":42\r\n");
  EXPECT_EQ(eval("type(v) .. v"), "number42");
  push(std::string_view("$5\r\nhe\0lo\r\n", 11));
  EXPECT_EQ(eval("#v"), "5");
  push("$-1\r\n");
  EXPECT_EQ(eval("v"), "false");
  push("*-1\r\n");
  EXPECT_EQ(eval("v"), "false");
  push("+OK\r\n");
  EXPECT_EQ(eval("v.ok"), "OK");
  push("-WRONGTYPE Operation against a key\r\n");
  EXPECT_EQ(eval("v.err"), "WRONGTYPE Operation against a key");
  push("-ERR x\r\n");
  EXPECT_EQ(eval("v." + std::string(kIgnoreStatsField)), "true");
  push("*3\r\n:1\r\n$-1\r\n*1\r\n$1\r\na\r\n");
  EXPECT_EQ(eval("#v .. type(v[2]) .. v[3][1]"), "3booleana");
}

TEST_F(ConvertTest, Resp3RepliesToLua) {
  push("_\r\n");
  EXPECT_EQ(eval("v"), "nil");
  push("#t\r\n");
  EXPECT_EQ(eval("v"), "true");
  push(",1.5\r\n");
  EXPECT_EQ(eval("v.double"), "1.5");
  push(",inf\r\n");
  EXPECT_EQ(eval("v.double"), "inf");
  push("(12345678901234567890\r\n");
  EXPECT_EQ(eval("v.big_number"), "12345678901234567890");
  push("=9\r\ntxt:hello\r\n");
  EXPECT_EQ(eval("v.verbatim_string.format .. '|' .. v.verbatim_string.string"), "txt|hello");
  push("%2\r\n$1\r\na\r\n:1\r\n$1\r\nb\r\n_\r\n");
  EXPECT_EQ(eval("v.map.a .. tostring(v.map.b)"), "1nil");
  push("~2\r\n$1\r\nx\r\n$1\r\ny\r\n");
  EXPECT_EQ(eval("tostring(v.set.x) .. tostring(v.set.y)"), "truetrue");
  push("|1\r\n$3\r\nkey\r\n$3\r\nval\r\n:7\r\n");  // attributes are skipped
  EXPECT_EQ(eval("v"), "7");
}

TEST_F(ConvertTest, ErrorTablesAsRedisBuildsThem) {
  push_error(L(), "-MY custom message");
  EXPECT_EQ(eval("v.err"), "MY custom message");
  push_error(L(), "-nocode");
  EXPECT_EQ(eval("v.err"), "ERR nocode");
  push_error(L(), "plain message\r\n");
  EXPECT_EQ(eval("v.err"), "ERR plain message");
  push_error(L(), "-");
  EXPECT_EQ(eval("v.err"), "ERR ");
  push_error(L(), "-ERR x");
  EXPECT_EQ(eval("tostring(v." + std::string(kIgnoreStatsField) + ")"), "nil");
}

TEST_F(ConvertTest, LuaToResp2) {
  EXPECT_EQ(reply("'x'", 2), "$1\r\nx\r\n");
  EXPECT_EQ(reply("3.7", 2), ":3\r\n");
  EXPECT_EQ(reply("true", 2), ":1\r\n");
  EXPECT_EQ(reply("false", 2), "$-1\r\n");
  EXPECT_EQ(reply("nil", 2), "$-1\r\n");
  EXPECT_EQ(reply("{1, 2, nil, 4}", 2), "*2\r\n:1\r\n:2\r\n");
  EXPECT_EQ(reply("{ok='fine'}", 2), "+fine\r\n");
  EXPECT_EQ(reply("{ok='a\\r\\nb'}", 2), "+a  b\r\n");
  EXPECT_EQ(reply("{err='MY e'}", 2), "-MY e\r\n");
  EXPECT_EQ(reply("{double=3.14}", 2), "$18\r\n3.1400000000000001\r\n");
  EXPECT_EQ(reply("{big_number='123'}", 2), "$3\r\n123\r\n");
  EXPECT_EQ(reply("{verbatim_string={format='txt', string='hi'}}", 2), "$2\r\nhi\r\n");
  EXPECT_EQ(reply("{map={a=1}}", 2), "*2\r\n$1\r\na\r\n:1\r\n");
  EXPECT_EQ(reply("{set={a=true}}", 2), "*1\r\n$1\r\na\r\n");
  EXPECT_EQ(reply("{a=1}", 2), "*0\r\n");
  EXPECT_EQ(reply("print", 2), "$-1\r\n");
  // After redis.setresp(3) booleans are booleans, whatever the caller speaks.
  EXPECT_EQ(reply("{true, false}", 2, 3), "*2\r\n:1\r\n:0\r\n");
}

TEST_F(ConvertTest, LuaToResp3) {
  EXPECT_EQ(reply("false", 3), "_\r\n");
  EXPECT_EQ(reply("{true, false}", 3, 3), "*2\r\n#t\r\n#f\r\n");
  EXPECT_EQ(reply("{double=3.14}", 3), ",3.1400000000000001\r\n");
  EXPECT_EQ(reply("{double=1/0}", 3), ",inf\r\n");
  EXPECT_EQ(reply("{big_number='123'}", 3), "(123\r\n");
  EXPECT_EQ(reply("{verbatim_string={format='txt', string='hi'}}", 3), "=6\r\ntxt:hi\r\n");
  EXPECT_EQ(reply("{verbatim_string={format='md', string='hi'}}", 3), "=6\r\nmd :hi\r\n");
  EXPECT_EQ(reply("{map={a=1}}", 3), "%1\r\n$1\r\na\r\n:1\r\n");
  EXPECT_EQ(reply("{set={a=true}}", 3), "~1\r\n$1\r\na\r\n");
}

TEST_F(ConvertTest, ErrorsFromCommandsAreNotCountedTwice) {
  bool uncounted = false;
  EXPECT_EQ(reply("{err='ERR x', " + std::string(kIgnoreStatsField) + "=true}", 2, 2, &uncounted),
            "-ERR x\r\n");
  EXPECT_TRUE(uncounted);
  EXPECT_EQ(reply("{err='ERR x'}", 2, 2, &uncounted), "-ERR x\r\n");
  EXPECT_FALSE(uncounted);
}

TEST_F(ConvertTest, SelfContainingTableStopsAtTheStackLimit) {
#if defined(__SANITIZE_ADDRESS__)
  // About 2700 nested frames before Lua's stack limit: an ASan frame is ~3 KB, which the
  // 8 MB main stack does not hold (a release frame is ~150 bytes).
  GTEST_SKIP() << "ASan frames are too large for Lua's own nesting limit";
#endif
  const std::string out = reply("(function() local t = {} t[1] = t return t end)()", 2);
  EXPECT_NE(out.find("-ERR reached lua stack limit\r\n"), std::string::npos);
}

// --- sandbox ---

class SandboxTest : public ::testing::Test {
 protected:
  void SetUp() override {
    L_.reset(luaL_newstate());
    open_libraries(L());
    lua_newtable(L());
    lua_pushinteger(L(), 1);
    lua_setfield(L(), -2, "one");
    lua_setglobal(L(), "redis");
    protect_globals(L());
  }
  lua_State* L() { return L_.get(); }
  // Runs code; returns its string result, or "error: <message>".
  std::string run(const std::string& code) {
    if (luaL_loadbuffer(L(), code.data(), code.size(), "@user_script") != 0 ||
        lua_pcall(L(), 0, 1, 0) != 0) {
      std::string e = "error: ";
      e += lua_isstring(L(), -1) ? lua_tostring(L(), -1) : "?";
      lua_pop(L(), 1);
      return e;
    }
    std::string out = lua_isstring(L(), -1) ? lua_tostring(L(), -1) : luaL_typename(L(), -1);
    lua_pop(L(), 1);
    return out;
  }

 private:
  std::unique_ptr<lua_State, LuaDeleter> L_;
};

TEST_F(SandboxTest, GlobalsAreReadOnly) {
  EXPECT_EQ(run("x = 1"), "error: user_script:1: Attempt to modify a readonly table");
  EXPECT_EQ(run("return x"),
            "error: user_script:1: Script attempted to access nonexistent global variable 'x'");
  EXPECT_EQ(run("redis.one = 2"), "error: user_script:1: Attempt to modify a readonly table");
  EXPECT_EQ(run("string.len = nil"), "error: user_script:1: Attempt to modify a readonly table");
  EXPECT_EQ(run("rawset(_G, 'x', 1)"), "error: Attempt to modify a readonly table");
  EXPECT_EQ(run("setmetatable(string, nil)"), "error: Attempt to modify a readonly table");
  EXPECT_EQ(run("table.insert(string, 1)"), "error: Attempt to modify a readonly table");
  EXPECT_EQ(run("getmetatable('').__index = {}"),
            "error: user_script:1: Attempt to modify a readonly table");
  EXPECT_EQ(run("return redis.one"), "1");
  EXPECT_EQ(run("return ('abc'):upper()"), "ABC");
}

TEST_F(SandboxTest, ReadsSeeThroughTheProxies) {
  EXPECT_EQ(run("local n = 0 for k in pairs(redis) do n = n + 1 end return n"), "1");
  EXPECT_EQ(run("return next(redis)"), "one");
  EXPECT_EQ(run("return rawget(redis, 'one')"), "1");
  EXPECT_EQ(run("return type(getmetatable(_G))"), "table");
  EXPECT_EQ(run("return type(getmetatable(string))"), "nil");
  EXPECT_EQ(run("return tostring(_G._G == _G)"), "true");
}

TEST_F(SandboxTest, RemovedFunctionsAreGone) {
  for (const char* name : {"os", "io", "dofile", "loadfile", "print", "getfenv", "setfenv",
                           "newproxy", "require", "package", "debug"}) {
    EXPECT_EQ(run(std::string("return type(rawget(_G, '") + name + "'))"), "nil") << name;
  }
  EXPECT_EQ(run("return type(loadstring)"), "function");
  EXPECT_EQ(run("return type(cjson) .. type(bit)"), "tabletable");
}

TEST_F(SandboxTest, LoadedCodeGetsTheSameProtection) {
  EXPECT_EQ(run("local f = loadstring('y = 1') f()"),
            "error: [string \"y = 1\"]:1: Attempt to modify a readonly table");
  lua_pushinteger(L(), 5);
  set_protected_global(L(), "KEYS");
  EXPECT_EQ(run("return KEYS"), "5");
}

// --- CRC-64 (FUNCTION DUMP's checksum) ---

TEST(Crc64, JonesCheckValue) {
  EXPECT_EQ(crc64(0, "123456789"), 0xe9c6d914c4b8d9caULL);
  EXPECT_EQ(crc64(0, ""), 0u);
  // Chained updates equal one pass.
  EXPECT_EQ(crc64(crc64(0, "1234"), "56789"), crc64(0, "123456789"));
}

}  // namespace
}  // namespace rkv::script

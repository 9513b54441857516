// Hash family against the running server: HSET HSETNX HGET HMSET HMGET HGETALL HDEL
// HEXISTS HLEN HKEYS HVALS HINCRBY HINCRBYFLOAT HSTRLEN HRANDFIELD HSCAN, the listpack and
// hashtable encodings and the conversion between them, and the generic commands (TYPE,
// COPY, RENAME, MOVE, DEBUG OBJECT) on hashes. Exact replies come from redis-server 7.0.
#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <unistd.h>

#include "harness.h"

namespace rkv::test {
namespace {

constexpr const char* kWrongType =
    "WRONGTYPE Operation against a key holding the wrong kind of value";
constexpr const char* kNotInt = "ERR value is not an integer or out of range";
constexpr const char* kNotFloat = "ERR value is not a valid float";
constexpr const char* kSyntax = "ERR syntax error";

class HashTest : public ServerTest {
 protected:
  std::vector<std::string> server_args() const override {
    return {"--enable-debug-command", "yes"};
  }
  std::string raw(const std::vector<std::string>& args) { return conn().raw_cmd(args); }
  std::string encoding(const std::string& key) {
    return str(conn().cmd({"OBJECT", "ENCODING", key}));
  }
  // Elements of an array reply as strings.
  std::vector<std::string> strings(const ReplyPtr& r) {
    std::vector<std::string> out;
    if (!r || r->type != REDIS_REPLY_ARRAY) return out;
    for (size_t i = 0; i < r->elements; i++)
      out.push_back(r->element[i]->type == REDIS_REPLY_NIL
                        ? "<nil>"
                        : std::string(r->element[i]->str, r->element[i]->len));
    return out;
  }
  std::vector<std::string> call(const std::vector<std::string>& args) {
    return strings(conn().cmd(args));
  }
  // HGETALL as a map (RESP2 flat array).
  std::map<std::string, std::string> getall(const std::string& key) {
    std::vector<std::string> flat = call({"HGETALL", key});
    std::map<std::string, std::string> out;
    for (size_t i = 0; i + 1 < flat.size(); i += 2) out[flat[i]] = flat[i + 1];
    return out;
  }
  // Fills key with fields f0..f(n-1) = v0..v(n-1), many pairs per HSET, pipelined.
  void fill(const std::string& key, int n, int per_command = 1000) {
    int commands = 0;
    for (int i = 0; i < n; i += per_command) {
      std::vector<std::string> args = {"HSET", key};
      for (int j = i; j < std::min(n, i + per_command); j++) {
        args.push_back("f" + std::to_string(j));
        args.push_back("v" + std::to_string(j));
      }
      conn().append(args);
      commands++;
    }
    for (int i = 0; i < commands; i++) ASSERT_FALSE(is_error(conn().read_reply()));
  }
  // Every field HSCAN returns from cursor 0 to 0 (with duplicates counted once), running
  // between(step) after each call.
  template <typename Fn>
  std::map<std::string, std::string> full_scan(const std::string& key, const std::string& count,
                                               Fn between) {
    std::map<std::string, std::string> seen;
    std::string cursor = "0";
    int steps = 0;
    do {
      ReplyPtr r = conn().cmd({"HSCAN", key, cursor, "COUNT", count});
      EXPECT_EQ(r->type, REDIS_REPLY_ARRAY);
      if (!r || r->type != REDIS_REPLY_ARRAY || r->elements != 2) break;
      cursor = std::string(r->element[0]->str, r->element[0]->len);
      std::vector<std::string> items;
      for (size_t i = 0; i < r->element[1]->elements; i++)
        items.emplace_back(r->element[1]->element[i]->str, r->element[1]->element[i]->len);
      EXPECT_EQ(items.size() % 2, 0u);
      for (size_t i = 0; i + 1 < items.size(); i += 2) seen[items[i]] = items[i + 1];
      between(steps++);
    } while (cursor != "0" && steps < 1000000);
    return seen;
  }
};

TEST_P(HashTest, SetGetAndFriends) {
  EXPECT_EQ(integer(conn().cmd({"HSET", "h", "a", "1", "b", "2"})), 2);
  EXPECT_EQ(integer(conn().cmd({"HSET", "h", "a", "3", "c", "4"})), 1);  // only c is new
  EXPECT_EQ(str(conn().cmd({"HGET", "h", "a"})), "3");
  EXPECT_EQ(raw({"HGET", "h", "zz"}), "$-1\r\n");
  EXPECT_EQ(raw({"HGET", "nokey", "a"}), "$-1\r\n");
  EXPECT_EQ(integer(conn().cmd({"HLEN", "h"})), 3);
  EXPECT_EQ(integer(conn().cmd({"HLEN", "nokey"})), 0);
  EXPECT_EQ(integer(conn().cmd({"HEXISTS", "h", "b"})), 1);
  EXPECT_EQ(integer(conn().cmd({"HEXISTS", "h", "zz"})), 0);
  EXPECT_EQ(integer(conn().cmd({"HSTRLEN", "h", "b"})), 1);
  EXPECT_EQ(integer(conn().cmd({"HSTRLEN", "h", "zz"})), 0);
  EXPECT_EQ(call({"HMGET", "h", "a", "zz", "c"}), (std::vector<std::string>{"3", "<nil>", "4"}));
  EXPECT_EQ(call({"HMGET", "nokey", "a", "b"}), (std::vector<std::string>{"<nil>", "<nil>"}));
  EXPECT_EQ(str(conn().cmd({"HMSET", "h", "d", "5"})), "OK");
  EXPECT_EQ(integer(conn().cmd({"HSETNX", "h", "d", "6"})), 0);
  EXPECT_EQ(integer(conn().cmd({"HSETNX", "h", "e", "6"})), 1);
  EXPECT_EQ(call({"HGETALL", "h"}),
            (std::vector<std::string>{"a", "3", "b", "2", "c", "4", "d", "5", "e", "6"}));
  EXPECT_EQ(call({"HKEYS", "h"}), (std::vector<std::string>{"a", "b", "c", "d", "e"}));
  EXPECT_EQ(call({"HVALS", "h"}), (std::vector<std::string>{"3", "2", "4", "5", "6"}));
  EXPECT_EQ(str(conn().cmd({"TYPE", "h"})), "hash");
  // Binary-safe fields and values.
  std::string bf("a\0b", 3), bv("c\r\n\0", 4);
  EXPECT_EQ(integer(conn().cmd(std::vector<std::string>{"HSET", "bin", bf, bv})), 1);
  EXPECT_EQ(str(conn().cmd(std::vector<std::string>{"HGET", "bin", bf})), bv);
}

TEST_P(HashTest, ReplyShapesInResp2AndResp3) {
  conn().cmd({"HSET", "h", "f", "v", "g", "w"});
  EXPECT_EQ(raw({"HGETALL", "h"}), "*4\r\n$1\r\nf\r\n$1\r\nv\r\n$1\r\ng\r\n$1\r\nw\r\n");
  EXPECT_EQ(raw({"HGETALL", "nokey"}), "*0\r\n");
  EXPECT_EQ(raw({"HRANDFIELD", "h", "2", "WITHVALUES"}),
            "*4\r\n$1\r\nf\r\n$1\r\nv\r\n$1\r\ng\r\n$1\r\nw\r\n");
  EXPECT_EQ(raw({"HSCAN", "nokey", "0"}), "*2\r\n$1\r\n0\r\n*0\r\n");
  ASSERT_EQ(raw({"HELLO", "3"}).substr(0, 1), "%");
  EXPECT_EQ(raw({"HGETALL", "h"}), "%2\r\n$1\r\nf\r\n$1\r\nv\r\n$1\r\ng\r\n$1\r\nw\r\n");
  EXPECT_EQ(raw({"HGETALL", "nokey"}), "%0\r\n");
  EXPECT_EQ(raw({"HKEYS", "nokey"}), "*0\r\n");
  EXPECT_EQ(raw({"HGET", "h", "zz"}), "_\r\n");
  EXPECT_EQ(raw({"HRANDFIELD", "nokey"}), "_\r\n");
  // RESP3 nests each pair of HRANDFIELD ... WITHVALUES; HSCAN stays flat.
  EXPECT_EQ(raw({"HRANDFIELD", "h", "2", "WITHVALUES"}),
            "*2\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n*2\r\n$1\r\ng\r\n$1\r\nw\r\n");
  EXPECT_EQ(raw({"HRANDFIELD", "h", "2"}), "*2\r\n$1\r\nf\r\n$1\r\ng\r\n");
  EXPECT_EQ(raw({"HSCAN", "h", "0"}),
            "*2\r\n$1\r\n0\r\n*4\r\n$1\r\nf\r\n$1\r\nv\r\n$1\r\ng\r\n$1\r\nw\r\n");
  conn().cmd({"HDEL", "h", "g"});
  EXPECT_EQ(raw({"HRANDFIELD", "h", "-2", "WITHVALUES"}),
            "*2\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n");
}

TEST_P(HashTest, LastFieldDeletedDeletesTheKey) {
  conn().cmd({"HSET", "h", "a", "1", "b", "2"});
  EXPECT_EQ(integer(conn().cmd({"HDEL", "h", "a", "zz", "a"})), 1);
  EXPECT_EQ(integer(conn().cmd({"EXISTS", "h"})), 1);
  EXPECT_EQ(integer(conn().cmd({"HDEL", "h", "b", "b"})), 1);
  EXPECT_EQ(integer(conn().cmd({"EXISTS", "h"})), 0);
  EXPECT_EQ(integer(conn().cmd({"HDEL", "h", "b"})), 0);
  // The same for a hashtable-encoded hash.
  fill("big", 600);
  EXPECT_EQ(encoding("big"), "hashtable");
  for (int i = 0; i < 600; i += 100) {
    std::vector<std::string> args = {"HDEL", "big"};
    for (int j = i; j < i + 100; j++) args.push_back("f" + std::to_string(j));
    EXPECT_EQ(integer(conn().cmd(args)), 100);
  }
  EXPECT_EQ(integer(conn().cmd({"EXISTS", "big"})), 0);
}

TEST_P(HashTest, WrongTypeEverywhere) {
  conn().cmd({"SET", "s", "v"});
  const std::vector<std::vector<std::string>> cmds = {
      {"HSET", "s", "f", "v"},
      {"HSETNX", "s", "f", "v"},
      {"HMSET", "s", "f", "v"},
      {"HGET", "s", "f"},
      {"HMGET", "s", "f"},
      {"HGETALL", "s"},
      {"HKEYS", "s"},
      {"HVALS", "s"},
      {"HDEL", "s", "f"},
      {"HEXISTS", "s", "f"},
      {"HLEN", "s"},
      {"HSTRLEN", "s", "f"},
      {"HINCRBY", "s", "f", "1"},
      {"HINCRBYFLOAT", "s", "f", "1"},
      {"HRANDFIELD", "s"},
      {"HRANDFIELD", "s", "3"},
      {"HRANDFIELD", "s", "-3", "WITHVALUES"},
      {"HSCAN", "s", "0"},
  };
  for (const auto& c : cmds) EXPECT_EQ(str(conn().cmd(c)), kWrongType) << c[0];
  EXPECT_EQ(str(conn().cmd({"GET", "s"})), "v");
  conn().cmd({"HSET", "h", "f", "v"});
  EXPECT_EQ(str(conn().cmd({"GET", "h"})), kWrongType);
  EXPECT_EQ(str(conn().cmd({"INCR", "h"})), kWrongType);
}

TEST_P(HashTest, ArityAndSyntaxErrors) {
  EXPECT_EQ(str(conn().cmd({"HSET", "h", "f"})),
            "ERR wrong number of arguments for 'hset' command");
  EXPECT_EQ(str(conn().cmd({"HSET", "h", "f", "v", "g"})),
            "ERR wrong number of arguments for 'hset' command");
  EXPECT_EQ(str(conn().cmd({"HMSET", "h", "f", "v", "g"})),
            "ERR wrong number of arguments for 'hmset' command");
  EXPECT_EQ(str(conn().cmd({"HGET", "h"})), "ERR wrong number of arguments for 'hget' command");
  EXPECT_EQ(str(conn().cmd({"HSCAN", "h"})), "ERR wrong number of arguments for 'hscan' command");
  EXPECT_EQ(integer(conn().cmd({"EXISTS", "h"})), 0);
}

TEST_P(HashTest, HincrbyRules) {
  EXPECT_EQ(integer(conn().cmd({"HINCRBY", "h", "n", "5"})), 5);
  EXPECT_EQ(integer(conn().cmd({"HINCRBY", "h", "n", "-7"})), -2);
  EXPECT_EQ(str(conn().cmd({"HINCRBY", "h", "n", "x"})), kNotInt);
  EXPECT_EQ(str(conn().cmd({"HINCRBY", "h", "n", "1.5"})), kNotInt);
  conn().cmd({"HSET", "h", "s", "abc", "f", "1.5", "max", "9223372036854775807"});
  EXPECT_EQ(str(conn().cmd({"HINCRBY", "h", "s", "1"})), "ERR hash value is not an integer");
  EXPECT_EQ(str(conn().cmd({"HINCRBY", "h", "f", "1"})), "ERR hash value is not an integer");
  EXPECT_EQ(str(conn().cmd({"HINCRBY", "h", "max", "1"})),
            "ERR increment or decrement would overflow");
  EXPECT_EQ(integer(conn().cmd({"HINCRBY", "h", "min", "-9223372036854775808"})), INT64_MIN);
  EXPECT_EQ(str(conn().cmd({"HINCRBY", "h", "min", "-1"})),
            "ERR increment or decrement would overflow");
  EXPECT_EQ(integer(conn().cmd({"HINCRBY", "new", "f", "0"})), 0);
  EXPECT_EQ(str(conn().cmd({"HGET", "new", "f"})), "0");
  // A failed HINCRBY on a missing key leaves no empty hash behind.
  EXPECT_EQ(str(conn().cmd({"HINCRBY", "none", "f", "x"})), kNotInt);
  EXPECT_EQ(integer(conn().cmd({"EXISTS", "none"})), 0);
  // Works the same on a hashtable.
  fill("big", 600);
  EXPECT_EQ(integer(conn().cmd({"HINCRBY", "big", "counter", "41"})), 41);
  EXPECT_EQ(integer(conn().cmd({"HINCRBY", "big", "counter", "1"})), 42);
  EXPECT_EQ(str(conn().cmd({"HINCRBY", "big", "f1", "1"})), "ERR hash value is not an integer");
}

TEST_P(HashTest, HincrbyfloatRulesAndFormatting) {
  EXPECT_EQ(str(conn().cmd({"HINCRBYFLOAT", "h", "x", "10.50"})), "10.5");
  EXPECT_EQ(str(conn().cmd({"HINCRBYFLOAT", "h", "x", "0.1"})), "10.6");
  EXPECT_EQ(str(conn().cmd({"HINCRBYFLOAT", "h", "x", "5.0e3"})), "5010.60000000000000009");
  EXPECT_EQ(str(conn().cmd({"HINCRBYFLOAT", "h", "x", "-5010.6"})), "0");
  EXPECT_EQ(str(conn().cmd({"HINCRBYFLOAT", "h", "y", "3.0e-3"})), "0.003");
  EXPECT_EQ(str(conn().cmd({"HINCRBYFLOAT", "h", "z", "1.23456789012345678901"})),
            "1.23456789012345679");
  EXPECT_EQ(str(conn().cmd({"HINCRBYFLOAT", "h", "x", "inf"})), "ERR value is NaN or Infinity");
  EXPECT_EQ(str(conn().cmd({"HINCRBYFLOAT", "h", "x", "nan"})), kNotFloat);
  EXPECT_EQ(str(conn().cmd({"HINCRBYFLOAT", "h", "x", "abc"})), kNotFloat);
  conn().cmd({"HSET", "h", "s", "abc", "big", "1.7976931348623157e308", "i", "7"});
  EXPECT_EQ(str(conn().cmd({"HINCRBYFLOAT", "h", "s", "1"})), "ERR hash value is not a float");
  EXPECT_EQ(str(conn().cmd({"HINCRBYFLOAT", "h", "i", "0.5"})), "7.5");
  // Doubles overflow at 2x DBL_MAX, long doubles do not: Redis answers 309 digits.
  EXPECT_EQ(str(conn().cmd({"HINCRBYFLOAT", "h", "big", "1.7976931348623157e308"})).size(), 309u);
  EXPECT_EQ(str(conn().cmd({"HINCRBYFLOAT", "none", "f", "inf"})), "ERR value is NaN or Infinity");
  EXPECT_EQ(integer(conn().cmd({"EXISTS", "none"})), 0);
  // The result's length counts for the encoding: 20 digits are past a 16-byte limit.
  conn().cmd({"CONFIG", "SET", "hash-max-listpack-value", "16"});
  conn().cmd({"HSET", "c", "f", "1"});
  EXPECT_EQ(str(conn().cmd({"HINCRBYFLOAT", "c", "f", "0.25"})), "1.25");
  EXPECT_EQ(encoding("c"), "listpack");
  EXPECT_EQ(str(conn().cmd({"HINCRBYFLOAT", "c", "f", "1e19"})), "10000000000000000001");
  EXPECT_EQ(encoding("c"), "hashtable");
}

TEST_P(HashTest, ConversionAtTheDefaultThresholds) {
  fill("h", 512, 100);
  EXPECT_EQ(encoding("h"), "listpack");
  conn().cmd({"HSET", "h", "f0", "updated"});
  EXPECT_EQ(encoding("h"), "listpack");
  conn().cmd({"HSET", "h", "f512", "v512"});
  EXPECT_EQ(encoding("h"), "hashtable");
  EXPECT_EQ(integer(conn().cmd({"HLEN", "h"})), 513);
  EXPECT_EQ(str(conn().cmd({"HGET", "h", "f0"})), "updated");
  EXPECT_EQ(str(conn().cmd({"HGET", "h", "f511"})), "v511");
  // Never back, even down to one field.
  for (int i = 0; i < 512; i++) conn().append({"HDEL", "h", "f" + std::to_string(i)});
  for (int i = 0; i < 512; i++) ASSERT_EQ(integer(conn().read_reply()), 1);
  EXPECT_EQ(encoding("h"), "hashtable");
  EXPECT_EQ(getall("h"), (std::map<std::string, std::string>{{"f512", "v512"}}));

  std::string at(64, 'x'), past(65, 'x');
  conn().cmd({"HSET", "v", at, at});
  EXPECT_EQ(encoding("v"), "listpack");
  conn().cmd({"HSET", "v", "g", past});
  EXPECT_EQ(encoding("v"), "hashtable");
  conn().cmd({"HSET", "w", "a", "1"});
  conn().cmd({"HSET", "w", past, "1"});
  EXPECT_EQ(encoding("w"), "hashtable");
  // HSET looks at every argument before writing: an update with a long value converts.
  conn().cmd({"HSET", "u", "a", "1"});
  conn().cmd({"HSET", "u", "a", "1", "a", past});
  EXPECT_EQ(encoding("u"), "hashtable");
  // HSETNX of an existing field writes nothing, so nothing converts.
  conn().cmd({"HSET", "n", "a", "1"});
  EXPECT_EQ(integer(conn().cmd({"HSETNX", "n", "a", past})), 0);
  EXPECT_EQ(encoding("n"), "listpack");
  EXPECT_EQ(integer(conn().cmd({"HSETNX", "n", "b", past})), 1);
  EXPECT_EQ(encoding("n"), "hashtable");
}

TEST_P(HashTest, ConfigChangesApplyToLaterWrites) {
  fill("h", 10);
  EXPECT_EQ(str(conn().cmd({"CONFIG", "SET", "hash-max-listpack-entries", "5"})), "OK");
  EXPECT_EQ(encoding("h"), "listpack");  // reads convert nothing
  EXPECT_EQ(str(conn().cmd({"HGET", "h", "f3"})), "v3");
  EXPECT_EQ(encoding("h"), "listpack");
  conn().cmd({"HSET", "h", "f3", "again"});  // an update, but 10 > 5 now
  EXPECT_EQ(encoding("h"), "hashtable");
  conn().cmd({"HSET", "k", "a", "1", "b", "2", "c", "3", "d", "4", "e", "5"});
  EXPECT_EQ(encoding("k"), "listpack");
  conn().cmd({"HSET", "k", "f", "6"});
  EXPECT_EQ(encoding("k"), "hashtable");
  EXPECT_EQ(str(conn().cmd({"CONFIG", "SET", "hash-max-ziplist-value", "3"})), "OK");
  EXPECT_EQ(call({"CONFIG", "GET", "hash-max-listpack-value"}),
            (std::vector<std::string>{"hash-max-listpack-value", "3"}));
  conn().cmd({"HSET", "m", "abc", "abc"});
  EXPECT_EQ(encoding("m"), "listpack");
  conn().cmd({"HINCRBY", "m", "n", "999"});
  EXPECT_EQ(encoding("m"), "listpack");
  conn().cmd({"HINCRBY", "m", "n", "1"});  // "1000" is 4 bytes
  EXPECT_EQ(encoding("m"), "hashtable");
  EXPECT_EQ(getall("m"), (std::map<std::string, std::string>{{"abc", "abc"}, {"n", "1000"}}));
}

TEST_P(HashTest, HscanErrorsAndOptions) {
  conn().cmd({"HSET", "h", "name", "joe", "age", "30", "nick", "jo"});
  EXPECT_EQ(str(conn().cmd({"HSCAN", "h", "x"})), "ERR invalid cursor");
  EXPECT_EQ(str(conn().cmd({"HSCAN", "h", "18446744073709551616"})), "ERR invalid cursor");
  EXPECT_EQ(str(conn().cmd({"HSCAN", "h", "0", "COUNT", "0"})), kSyntax);
  EXPECT_EQ(str(conn().cmd({"HSCAN", "h", "0", "COUNT", "x"})), kNotInt);
  EXPECT_EQ(str(conn().cmd({"HSCAN", "h", "0", "TYPE", "hash"})), kSyntax);
  EXPECT_EQ(str(conn().cmd({"HSCAN", "h", "0", "MATCH"})), kSyntax);
  // The missing key answers before the options are read, as Redis.
  EXPECT_EQ(raw({"HSCAN", "nokey", "0", "FOO"}), "*2\r\n$1\r\n0\r\n*0\r\n");
  EXPECT_EQ(raw({"HSCAN", "h", "77", "MATCH", "n*"}),
            "*2\r\n$1\r\n0\r\n*4\r\n$4\r\nname\r\n$3\r\njoe\r\n$4\r\nnick\r\n$2\r\njo\r\n");
}

TEST_P(HashTest, HscanCoversEveryFieldAcrossRehash) {
  fill("h", 2000);
  ASSERT_EQ(encoding("h"), "hashtable");
  int added = 0;
  // Grow the hash between calls: its table doubles (4096 buckets, 8192...) mid-scan.
  auto seen = full_scan("h", "10", [&](int) {
    if (added >= 20000) return;
    std::vector<std::string> args = {"HSET", "h"};
    for (int j = 0; j < 50; j++, added++) {
      args.push_back("g" + std::to_string(added));
      args.push_back("x");
    }
    conn().cmd(args);
  });
  for (int i = 0; i < 2000; i++) {
    auto it = seen.find("f" + std::to_string(i));
    ASSERT_NE(it, seen.end()) << i;
    EXPECT_EQ(it->second, "v" + std::to_string(i));
  }
  // And while it shrinks: delete the added fields during a second scan.
  int deleted = 0;
  seen = full_scan("h", "20", [&](int) {
    std::vector<std::string> args = {"HDEL", "h"};
    for (int j = 0; j < 200 && deleted < added; j++, deleted++)
      args.push_back("g" + std::to_string(deleted));
    if (args.size() > 2) conn().cmd(args);
  });
  for (int i = 0; i < 2000; i++) ASSERT_TRUE(seen.count("f" + std::to_string(i))) << i;
  // COUNT bounds a call's work, not the result: a big COUNT returns a lot at once.
  ReplyPtr r = conn().cmd({"HSCAN", "h", "0", "COUNT", "100000"});
  ASSERT_EQ(r->type, REDIS_REPLY_ARRAY);
  EXPECT_EQ(std::string(r->element[0]->str), "0");
  EXPECT_EQ(r->element[1]->elements, 2u * static_cast<size_t>(integer(conn().cmd({"HLEN", "h"}))));
  // MATCH filters the fields of a hashtable too.
  r = conn().cmd({"HSCAN", "h", "0", "COUNT", "100000", "MATCH", "f1?"});
  EXPECT_EQ(r->element[1]->elements, 20u);
}

TEST_P(HashTest, HrandfieldErrors) {
  conn().cmd({"HSET", "h", "a", "1"});
  EXPECT_EQ(str(conn().cmd({"HRANDFIELD", "h", "x"})), kNotInt);
  EXPECT_EQ(str(conn().cmd({"HRANDFIELD", "h", "-9223372036854775808"})),
            "ERR value is out of range, value must between -9223372036854775807 and "
            "9223372036854775807");
  EXPECT_EQ(str(conn().cmd({"HRANDFIELD", "h", "1", "FOO"})), kSyntax);
  EXPECT_EQ(str(conn().cmd({"HRANDFIELD", "h", "1", "WITHVALUES", "x"})), kSyntax);
  EXPECT_EQ(str(conn().cmd({"HRANDFIELD", "h", "4611686018427387904", "WITHVALUES"})),
            "ERR value is out of range");
  EXPECT_EQ(str(conn().cmd({"HRANDFIELD", "h", "-4611686018427387904", "WITHVALUES"})),
            "ERR value is out of range");
  EXPECT_EQ(call({"HRANDFIELD", "h", "4611686018427387904"}), (std::vector<std::string>{"a"}));
}

// Runs the HRANDFIELD checks on a listpack (30 fields) and a hashtable (1000 fields).
class HashRandomTest : public HashTest {
 protected:
  void make(const std::string& key, int n) { fill(key, n); }
};

TEST_P(HashRandomTest, NoCountIsUniform) {
  for (int n : {30, 1000}) {
    std::string key = "h" + std::to_string(n);
    make(key, n);
    EXPECT_EQ(encoding(key), n <= 512 ? "listpack" : "hashtable");
    std::map<std::string, int> hits;
    const int draws = n * 50;
    for (int i = 0; i < draws; i++) conn().append({"HRANDFIELD", key});
    for (int i = 0; i < draws; i++) hits[str(conn().read_reply())]++;
    EXPECT_EQ(hits.size(), static_cast<size_t>(n));
    // Chi-square with n-1 degrees of freedom; mean n-1, sd sqrt(2(n-1)).
    double chi2 = 0;
    for (auto& [f, h] : hits) chi2 += (h - 50.0) * (h - 50.0) / 50.0;
    EXPECT_LT(chi2, (n - 1) + 6 * std::sqrt(2.0 * (n - 1))) << key;
  }
}

TEST_P(HashRandomTest, NegativeCountRepeatsAndIsUniform) {
  for (int n : {30, 1000}) {
    std::string key = "h" + std::to_string(n);
    make(key, n);
    std::vector<std::string> got = call({"HRANDFIELD", key, std::to_string(-50 * n)});
    ASSERT_EQ(got.size(), static_cast<size_t>(50 * n));
    std::map<std::string, int> hits;
    for (auto& f : got) hits[f]++;
    EXPECT_EQ(hits.size(), static_cast<size_t>(n));
    double chi2 = 0;
    for (auto& [f, h] : hits) chi2 += (h - 50.0) * (h - 50.0) / 50.0;
    EXPECT_LT(chi2, (n - 1) + 6 * std::sqrt(2.0 * (n - 1))) << key;
    // WITHVALUES: flat pairs in RESP2, each value the field's.
    got = call({"HRANDFIELD", key, "-100", "WITHVALUES"});
    ASSERT_EQ(got.size(), 200u);
    for (size_t i = 0; i < got.size(); i += 2) EXPECT_EQ("v" + got[i].substr(1), got[i + 1]);
    // More picks than fields: repeats are allowed.
    got = call({"HRANDFIELD", key, std::to_string(-2 * n)});
    EXPECT_EQ(got.size(), static_cast<size_t>(2 * n));
  }
}

TEST_P(HashRandomTest, PositiveCountIsDistinct) {
  for (int n : {30, 1000}) {
    std::string key = "h" + std::to_string(n);
    make(key, n);
    // Small counts, about a third, most of the hash, all of it, more than all of it.
    for (int count : {1, 2, 5, n / 3, n / 3 + 1, n - 1, n, n + 1, 10 * n}) {
      std::vector<std::string> got = call({"HRANDFIELD", key, std::to_string(count)});
      ASSERT_EQ(got.size(), static_cast<size_t>(std::min(count, n))) << count;
      std::set<std::string> uniq(got.begin(), got.end());
      EXPECT_EQ(uniq.size(), got.size()) << count;
      got = call({"HRANDFIELD", key, std::to_string(count), "WITHVALUES"});
      ASSERT_EQ(got.size(), 2u * std::min(count, n)) << count;
      std::set<std::string> fields;
      for (size_t i = 0; i < got.size(); i += 2) {
        EXPECT_EQ("v" + got[i].substr(1), got[i + 1]);
        fields.insert(got[i]);
      }
      EXPECT_EQ(fields.size(), got.size() / 2) << count;
    }
    // Every field is reachable by a small distinct sample, evenly.
    std::map<std::string, int> hits;
    const int rounds = n * 10;
    for (int i = 0; i < rounds; i++) conn().append({"HRANDFIELD", key, "5"});
    for (int i = 0; i < rounds; i++)
      for (auto& f : strings(conn().read_reply())) hits[f]++;
    EXPECT_EQ(hits.size(), static_cast<size_t>(n));
    double chi2 = 0;
    for (auto& [f, h] : hits) chi2 += (h - 50.0) * (h - 50.0) / 50.0;
    EXPECT_LT(chi2, (n - 1) + 6 * std::sqrt(2.0 * (n - 1))) << key;
  }
  // A listpack's distinct sample keeps the listpack's order.
  std::vector<std::string> got = call({"HRANDFIELD", "h30", "10"});
  EXPECT_TRUE(
      std::is_sorted(got.begin(), got.end(), [](const std::string& a, const std::string& b) {
        return std::stoi(a.substr(1)) < std::stoi(b.substr(1));
      }));
}

TEST_P(HashTest, LargeHashOf100kFields) {
  constexpr int kN = 100000;
  fill("big", kN);
  EXPECT_EQ(encoding("big"), "hashtable");
  EXPECT_EQ(integer(conn().cmd({"HLEN", "big"})), kN);
  for (int i = 0; i < kN; i += 9973)
    EXPECT_EQ(str(conn().cmd({"HGET", "big", "f" + std::to_string(i)})), "v" + std::to_string(i));
  auto all = getall("big");
  EXPECT_EQ(all.size(), static_cast<size_t>(kN));
  EXPECT_EQ(all["f99999"], "v99999");
  EXPECT_EQ(call({"HKEYS", "big"}).size(), static_cast<size_t>(kN));
  EXPECT_EQ(call({"HVALS", "big"}).size(), static_cast<size_t>(kN));
  auto seen = full_scan("big", "1000", [](int) {});
  EXPECT_EQ(seen.size(), static_cast<size_t>(kN));
  // Updates in place and by a new node, then deletes of every field.
  EXPECT_EQ(integer(conn().cmd({"HSET", "big", "f5", std::string(1000, 'y')})), 0);
  EXPECT_EQ(integer(conn().cmd({"HSTRLEN", "big", "f5"})), 1000);
  std::string serialized = str(conn().cmd({"DEBUG", "OBJECT", "big"}));
  EXPECT_NE(serialized.find("encoding:hashtable"), std::string::npos) << serialized;
  for (int i = 0; i < kN; i += 1000) {
    std::vector<std::string> args = {"HDEL", "big"};
    for (int j = i; j < i + 1000; j++) args.push_back("f" + std::to_string(j));
    conn().append(args);
  }
  for (int i = 0; i < kN; i += 1000) ASSERT_EQ(integer(conn().read_reply()), 1000);
  EXPECT_EQ(integer(conn().cmd({"EXISTS", "big"})), 0);
}

TEST_P(HashTest, GenericCommandsOnHashes) {
  conn().cmd({"HSET", "small", "a", "1", "b", "2"});
  fill("big", 1000);
  for (std::string key : {"small", "big"}) {
    std::string enc = encoding(key);
    EXPECT_EQ(integer(conn().cmd({"COPY", key, key + ":copy"})), 1);
    EXPECT_EQ(encoding(key + ":copy"), enc);
    EXPECT_EQ(getall(key + ":copy"), getall(key));
    // The copy is deep.
    conn().cmd({"HSET", key + ":copy", "a", "changed"});
    EXPECT_NE(str(conn().cmd({"HGET", key, "a"})), "changed");
    auto before = getall(key);
    EXPECT_EQ(str(conn().cmd({"RENAME", key, key + ":renamed"})), "OK");
    EXPECT_EQ(getall(key + ":renamed"), before);
    EXPECT_EQ(integer(conn().cmd({"MOVE", key + ":renamed", "1"})), 1);
    conn().cmd({"SELECT", "1"});
    EXPECT_EQ(getall(key + ":renamed"), before);
    EXPECT_EQ(str(conn().cmd({"TYPE", key + ":renamed"})), "hash");
    EXPECT_EQ(encoding(key + ":renamed"), enc);
    conn().cmd({"SELECT", "0"});
    EXPECT_EQ(integer(conn().cmd({"DEL", key + ":copy"})), 1);
  }
  std::string dbg = str(conn().cmd({"DEBUG", "OBJECT", "small"}));
  EXPECT_EQ(dbg, str(conn().cmd({"DEBUG", "OBJECT", "small"})));
  EXPECT_EQ(str(conn().cmd({"FLUSHALL"})), "OK");
}

TEST_P(HashTest, DebugObjectShowsEncodingAndSize) {
  conn().cmd({"HSET", "h", "a", "1"});
  std::string small = str(conn().cmd({"DEBUG", "OBJECT", "h"}));
  EXPECT_NE(small.find("encoding:listpack"), std::string::npos) << small;
  fill("h", 1000);
  std::string big = str(conn().cmd({"DEBUG", "OBJECT", "h"}));
  EXPECT_NE(big.find("encoding:hashtable"), std::string::npos) << big;
  auto size_of = [](const std::string& s) {
    auto at = s.find("serializedlength:");
    return std::stoull(s.substr(at + 17));
  };
  EXPECT_GT(size_of(big), size_of(small) + 1000 * 8);
}

TEST_P(HashTest, LargeHashesAreFreedOffThread) {
  auto freed = [&] { return std::stoll(info_field(conn(), "memory", "lazyfreed_objects")); };
  fill("small", 500);  // a listpack: one block, freed inline whatever its size
  fill("big", 1000);   // a hashtable of 1000 fields: above LAZYFREE_THRESHOLD (64)
  ASSERT_EQ(encoding("small"), "listpack");
  EXPECT_EQ(integer(conn().cmd({"UNLINK", "small"})), 1);
  EXPECT_EQ(freed(), 0);
  EXPECT_EQ(integer(conn().cmd({"UNLINK", "big"})), 1);
  for (int i = 0; i < 200 && freed() == 0; i++) usleep(10000);
  EXPECT_EQ(freed(), 1);
  EXPECT_EQ(integer(conn().cmd({"EXISTS", "big"})), 0);
  // FLUSHALL ASYNC of a db holding a big hash.
  fill("big2", 100000);
  EXPECT_EQ(str(conn().cmd({"FLUSHALL", "ASYNC"})), "OK");
  EXPECT_EQ(integer(conn().cmd({"DBSIZE"})), 0);
}

RKV_INSTANTIATE_IO_MODES(HashTest);
RKV_INSTANTIATE_IO_MODES(HashRandomTest);

}  // namespace
}  // namespace rkv::test

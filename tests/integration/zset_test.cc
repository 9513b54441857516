// Sorted set family against the running server: every command with its options, both
// encodings and the conversions between them, RESP3 reply shapes, the random and scan
// commands (kept out of the compat file), and one zset of 1,000,000 members. Exact error
// texts and replies come from redis-server 7.0 (tests/compat/zset.txt compares the rest
// byte for byte).
#include <algorithm>
#include <cstdio>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include <unistd.h>

#include "harness.h"

namespace rkv::test {
namespace {

constexpr const char* kSyntax = "ERR syntax error";
constexpr const char* kWrongType =
    "WRONGTYPE Operation against a key holding the wrong kind of value";

class ZsetTest : public ServerTest {
 protected:
  std::string raw(const std::vector<std::string>& args) { return conn().raw_cmd(args); }
  std::string encoding(const std::string& key) {
    return str(conn().cmd({"OBJECT", "ENCODING", key}));
  }
  // The elements of an array reply as strings.
  std::vector<std::string> list(const std::vector<std::string>& args) {
    ReplyPtr r = conn().cmd(args);
    std::vector<std::string> out;
    EXPECT_TRUE(r && r->type == REDIS_REPLY_ARRAY) << str(r);
    if (!r || r->type != REDIS_REPLY_ARRAY) return out;
    for (size_t i = 0; i < r->elements; i++) {
      redisReply* e = r->element[i];
      out.emplace_back(e->type == REDIS_REPLY_NIL ? "<nil>" : std::string(e->str, e->len));
    }
    return out;
  }
  long long zadd_range(const std::string& key, int from, int to) {
    std::vector<std::string> args = {"ZADD", key};
    for (int i = from; i < to; i++) {
      args.push_back(std::to_string(i));
      args.push_back("m" + std::to_string(i));
    }
    return integer(conn().cmd(args));
  }
};

using V = std::vector<std::string>;

TEST_P(ZsetTest, AddOptionsAndReplies) {
  EXPECT_EQ(integer(conn().cmd({"ZADD", "z", "1", "a", "2", "b"})), 2);
  EXPECT_EQ(integer(conn().cmd({"ZADD", "z", "CH", "1", "a", "3", "b", "4", "c"})), 2);
  EXPECT_EQ(integer(conn().cmd({"ZADD", "z", "NX", "9", "a", "5", "d"})), 1);
  EXPECT_EQ(str(conn().cmd({"ZSCORE", "z", "a"})), "1");
  EXPECT_EQ(integer(conn().cmd({"ZADD", "z", "XX", "CH", "9", "a", "6", "e"})), 1);
  EXPECT_EQ(integer(conn().cmd({"ZADD", "z", "GT", "CH", "1", "a", "10", "b"})), 1);
  EXPECT_EQ(integer(conn().cmd({"ZADD", "z", "LT", "CH", "1", "a", "100", "b"})), 1);
  EXPECT_EQ(list({"ZRANGE", "z", "0", "-1", "WITHSCORES"}),
            (V{"a", "1", "c", "4", "d", "5", "b", "10"}));
  EXPECT_EQ(str(conn().cmd({"ZADD", "z", "INCR", "2.5", "a"})), "3.5");
  EXPECT_EQ(str(conn().cmd({"ZADD", "z", "XX", "INCR", "1", "nope"})), "<nil>");
  EXPECT_EQ(str(conn().cmd({"ZADD", "z", "GT", "INCR", "-1", "a"})), "<nil>");
  EXPECT_EQ(str(conn().cmd({"ZADD", "z", "NX", "XX", "1", "a"})),
            "ERR XX and NX options at the same time are not compatible");
  EXPECT_EQ(str(conn().cmd({"ZADD", "z", "GT", "LT", "1", "a"})),
            "ERR GT, LT, and/or NX options at the same time are not compatible");
  EXPECT_EQ(str(conn().cmd({"ZADD", "z", "INCR", "1", "a", "2", "b"})),
            "ERR INCR option supports a single increment-element pair");
  EXPECT_EQ(str(conn().cmd({"ZADD", "z", "nan", "a"})), "ERR value is not a valid float");
  EXPECT_EQ(str(conn().cmd({"ZADD", "z", "1", "a", "2"})), kSyntax);
  conn().cmd({"ZADD", "inf", "inf", "x"});
  EXPECT_EQ(str(conn().cmd({"ZADD", "inf", "INCR", "-inf", "x"})),
            "ERR resulting score is not a number (NaN)");
  EXPECT_EQ(str(conn().cmd({"ZINCRBY", "inf", "-inf", "x"})),
            "ERR resulting score is not a number (NaN)");
  EXPECT_EQ(str(conn().cmd({"ZSCORE", "inf", "x"})), "inf");
  EXPECT_EQ(integer(conn().cmd({"ZADD", "missing", "XX", "1", "a"})), 0);
  EXPECT_EQ(integer(conn().cmd({"EXISTS", "missing"})), 0);
  conn().cmd({"SET", "s", "v"});
  EXPECT_EQ(str(conn().cmd({"ZADD", "s", "1", "a"})), kWrongType);
  EXPECT_EQ(str(conn().cmd({"ZINCRBY", "z", "0.1", "f"})), "0.10000000000000001");
}

TEST_P(ZsetTest, Resp3ReplyShapes) {
  conn().cmd({"ZADD", "z", "1", "a", "2.5", "b", "3", "c"});
  raw({"HELLO", "3"});
  EXPECT_EQ(raw({"ZSCORE", "z", "b"}), ",2.5\r\n");
  EXPECT_EQ(raw({"ZSCORE", "z", "x"}), "_\r\n");
  EXPECT_EQ(raw({"ZMSCORE", "z", "a", "x"}), "*2\r\n,1\r\n_\r\n");
  EXPECT_EQ(raw({"ZRANGE", "z", "0", "1", "WITHSCORES"}),
            "*2\r\n*2\r\n$1\r\na\r\n,1\r\n*2\r\n$1\r\nb\r\n,2.5\r\n");
  EXPECT_EQ(raw({"ZRANGEBYSCORE", "z", "2", "+inf", "WITHSCORES", "LIMIT", "0", "1"}),
            "*1\r\n*2\r\n$1\r\nb\r\n,2.5\r\n");
  EXPECT_EQ(raw({"ZUNION", "1", "z", "WITHSCORES"}),
            "*3\r\n*2\r\n$1\r\na\r\n,1\r\n*2\r\n$1\r\nb\r\n,2.5\r\n*2\r\n$1\r\nc\r\n,3\r\n");
  EXPECT_EQ(raw({"ZINCRBY", "z", "1", "a"}), ",2\r\n");
  EXPECT_EQ(raw({"ZPOPMIN", "z"}), "*2\r\n$1\r\na\r\n,2\r\n");  // no count: flat
  EXPECT_EQ(raw({"ZPOPMIN", "z", "1"}), "*1\r\n*2\r\n$1\r\nb\r\n,2.5\r\n");
  EXPECT_EQ(raw({"ZMPOP", "1", "z", "MAX"}), "*2\r\n$1\r\nz\r\n*1\r\n*2\r\n$1\r\nc\r\n,3\r\n");
  EXPECT_EQ(raw({"ZMPOP", "1", "z", "MAX"}), "_\r\n");
  EXPECT_EQ(raw({"ZRANDMEMBER", "z"}), "_\r\n");
  conn().cmd({"ZADD", "z", "1", "only"});
  EXPECT_EQ(raw({"ZRANDMEMBER", "z", "-2", "WITHSCORES"}),
            "*2\r\n*2\r\n$4\r\nonly\r\n,1\r\n*2\r\n$4\r\nonly\r\n,1\r\n");
}

TEST_P(ZsetTest, RangesAllForms) {
  zadd_range("z", 0, 10);
  EXPECT_EQ(list({"ZRANGE", "z", "2", "4"}), (V{"m2", "m3", "m4"}));
  EXPECT_EQ(list({"ZRANGE", "z", "-2", "-1", "REV"}), (V{"m1", "m0"}));
  EXPECT_EQ(list({"ZREVRANGE", "z", "0", "1"}), (V{"m9", "m8"}));
  EXPECT_EQ(list({"ZRANGE", "z", "(2", "5", "BYSCORE"}), (V{"m3", "m4", "m5"}));
  EXPECT_EQ(list({"ZRANGE", "z", "5", "(2", "BYSCORE", "REV", "LIMIT", "1", "2"}), (V{"m4", "m3"}));
  EXPECT_EQ(list({"ZRANGEBYSCORE", "z", "-inf", "+inf", "LIMIT", "8", "-1"}), (V{"m8", "m9"}));
  EXPECT_EQ(list({"ZREVRANGEBYSCORE", "z", "+inf", "-inf", "LIMIT", "9", "5"}), (V{"m0"}));
  EXPECT_EQ(list({"ZRANGEBYSCORE", "z", "-inf", "+inf", "LIMIT", "-1", "5"}), V{});
  EXPECT_EQ(
      str(conn().cmd({"ZRANGE", "z", "0", "-1", "LIMIT", "0", "1"})),
      "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX");
  EXPECT_EQ(str(conn().cmd({"ZRANGE", "z", "-", "+", "BYLEX", "WITHSCORES"})),
            "ERR syntax error, WITHSCORES not supported in combination with BYLEX");
  EXPECT_EQ(str(conn().cmd({"ZRANGE", "z", "a", "+", "BYLEX"})),
            "ERR min or max not valid string range item");
  EXPECT_EQ(str(conn().cmd({"ZRANGE", "z", "x", "1", "BYSCORE"})), "ERR min or max is not a float");
  conn().cmd({"ZADD", "lex", "0", "a", "0", "b", "0", "c", "0", "d"});
  EXPECT_EQ(list({"ZRANGEBYLEX", "lex", "(a", "[c"}), (V{"b", "c"}));
  EXPECT_EQ(list({"ZREVRANGEBYLEX", "lex", "+", "-", "LIMIT", "1", "2"}), (V{"c", "b"}));
  EXPECT_EQ(integer(conn().cmd({"ZLEXCOUNT", "lex", "-", "(c"})), 2);
  EXPECT_EQ(integer(conn().cmd({"ZCOUNT", "z", "(1", "3"})), 2);
  EXPECT_EQ(integer(conn().cmd({"ZRANK", "z", "m7"})), 7);
  EXPECT_EQ(integer(conn().cmd({"ZREVRANK", "z", "m7"})), 2);
  // Store forms.
  EXPECT_EQ(
      integer(conn().cmd({"ZRANGESTORE", "dst", "z", "3", "+inf", "BYSCORE", "LIMIT", "1", "3"})),
      3);
  EXPECT_EQ(list({"ZRANGE", "dst", "0", "-1", "WITHSCORES"}), (V{"m4", "4", "m5", "5", "m6", "6"}));
  EXPECT_EQ(integer(conn().cmd({"ZRANGESTORE", "dst", "z", "20", "30"})), 0);
  EXPECT_EQ(integer(conn().cmd({"EXISTS", "dst"})), 0);
}

TEST_P(ZsetTest, RemovalsDeleteEmptyKeys) {
  zadd_range("z", 0, 10);
  EXPECT_EQ(integer(conn().cmd({"ZREM", "z", "m0", "m0", "x"})), 1);
  EXPECT_EQ(integer(conn().cmd({"ZREMRANGEBYRANK", "z", "0", "1"})), 2);
  EXPECT_EQ(integer(conn().cmd({"ZREMRANGEBYSCORE", "z", "(8", "+inf"})), 1);
  conn().cmd({"ZADD", "z", "0", "a", "0", "b"});
  EXPECT_EQ(integer(conn().cmd({"ZREMRANGEBYLEX", "z", "[a", "[b"})), 2);
  EXPECT_EQ(list({"ZRANGE", "z", "0", "-1"}), (V{"m3", "m4", "m5", "m6", "m7", "m8"}));
  EXPECT_EQ(integer(conn().cmd({"ZREMRANGEBYSCORE", "z", "-inf", "+inf"})), 6);
  EXPECT_EQ(integer(conn().cmd({"EXISTS", "z"})), 0);
  conn().cmd({"ZADD", "z", "1", "a"});
  EXPECT_EQ(list({"ZPOPMAX", "z", "5"}), (V{"a", "1"}));
  EXPECT_EQ(integer(conn().cmd({"EXISTS", "z"})), 0);
  conn().cmd({"ZADD", "z", "1", "a"});
  EXPECT_EQ(integer(conn().cmd({"ZREM", "z", "a"})), 1);
  EXPECT_EQ(integer(conn().cmd({"EXISTS", "z"})), 0);
}

TEST_P(ZsetTest, PopsInOrder) {
  zadd_range("z", 0, 300);  // a skiplist
  EXPECT_EQ(encoding("z"), "skiplist");
  EXPECT_EQ(list({"ZPOPMIN", "z", "3"}), (V{"m0", "0", "m1", "1", "m2", "2"}));
  EXPECT_EQ(list({"ZPOPMAX", "z"}), (V{"m299", "299"}));
  EXPECT_EQ(list({"ZMPOP", "2", "nokey", "z", "MIN", "COUNT", "2"}).size(), 2u);
  EXPECT_EQ(integer(conn().cmd({"ZCARD", "z"})), 294);
  EXPECT_EQ(list({"ZRANGE", "z", "0", "0"}), (V{"m5"}));
  EXPECT_EQ(str(conn().cmd({"ZMPOP", "0", "z", "MIN"})), "ERR numkeys should be greater than 0");
  EXPECT_EQ(str(conn().cmd({"ZPOPMIN", "z", "-1"})), "ERR value is out of range, must be positive");
}

TEST_P(ZsetTest, SetOperations) {
  conn().cmd({"ZADD", "a", "1", "x", "2", "y", "3", "z"});
  conn().cmd({"ZADD", "b", "10", "y", "20", "z", "30", "w"});
  EXPECT_EQ(list({"ZUNION", "2", "a", "b", "WITHSCORES"}),
            (V{"x", "1", "y", "12", "z", "23", "w", "30"}));
  EXPECT_EQ(list({"ZINTER", "2", "a", "b", "WEIGHTS", "2", "1", "AGGREGATE", "MAX", "WITHSCORES"}),
            (V{"y", "10", "z", "20"}));
  EXPECT_EQ(list({"ZDIFF", "2", "b", "a", "WITHSCORES"}), (V{"w", "30"}));
  EXPECT_EQ(integer(conn().cmd({"ZINTERCARD", "2", "a", "b", "LIMIT", "1"})), 1);
  EXPECT_EQ(integer(conn().cmd({"ZUNIONSTORE", "u", "2", "a", "b", "AGGREGATE", "MIN"})), 4);
  EXPECT_EQ(list({"ZRANGE", "u", "0", "-1", "WITHSCORES"}),
            (V{"x", "1", "y", "2", "z", "3", "w", "30"}));
  EXPECT_EQ(encoding("u"), "listpack");
  EXPECT_EQ(integer(conn().cmd({"ZINTERSTORE", "a", "2", "a", "b"})), 2);  // dst is a source
  EXPECT_EQ(list({"ZRANGE", "a", "0", "-1", "WITHSCORES"}), (V{"y", "12", "z", "23"}));
  EXPECT_EQ(integer(conn().cmd({"ZDIFFSTORE", "d", "2", "a", "a"})), 0);
  EXPECT_EQ(integer(conn().cmd({"EXISTS", "d"})), 0);
  EXPECT_EQ(str(conn().cmd({"ZUNION", "0", "a"})),
            "ERR at least 1 input key is needed for 'zunion' command");
  EXPECT_EQ(str(conn().cmd({"ZINTERSTORE", "d", "0", "a"})),
            "ERR at least 1 input key is needed for 'zinterstore' command");
  // A large union lands in a skiplist; its order is by score, then member.
  zadd_range("big1", 0, 200);
  zadd_range("big2", 100, 300);
  EXPECT_EQ(integer(conn().cmd({"ZUNIONSTORE", "bu", "2", "big1", "big2"})), 300);
  EXPECT_EQ(encoding("bu"), "skiplist");
  EXPECT_EQ(list({"ZRANGE", "bu", "99", "101", "WITHSCORES"}),
            (V{"m99", "99", "m100", "200", "m200", "200"}));
  EXPECT_EQ(integer(conn().cmd({"ZINTERCARD", "2", "big1", "big2"})), 100);
}

TEST_P(ZsetTest, SetsAsInputsScoreOne) {
  // A hashtable set (over the listpack limit), an intset and a listpack set.
  std::vector<std::string> sadd = {"SADD", "hs"};
  for (int i = 0; i < 300; i++) sadd.push_back("m" + std::to_string(i));
  EXPECT_EQ(integer(conn().cmd(sadd)), 300);
  EXPECT_EQ(str(conn().cmd({"OBJECT", "ENCODING", "hs"})), "hashtable");
  conn().cmd({"SADD", "is", "1", "2", "3"});
  conn().cmd({"SADD", "ls", "m1", "m2", "zz"});
  zadd_range("z", 0, 5);
  EXPECT_EQ(list({"ZINTER", "3", "z", "hs", "ls", "WITHSCORES"}), (V{"m1", "3", "m2", "4"}));
  EXPECT_EQ(integer(conn().cmd({"ZUNIONSTORE", "u", "2", "hs", "z", "WEIGHTS", "2", "1"})), 300);
  EXPECT_EQ(str(conn().cmd({"ZSCORE", "u", "m4"})), "6");
  EXPECT_EQ(str(conn().cmd({"ZSCORE", "u", "m299"})), "2");
  EXPECT_EQ(encoding("u"), "skiplist");
  EXPECT_EQ(list({"ZDIFF", "3", "ls", "hs", "is"}), (V{"zz"}));
  EXPECT_EQ(integer(conn().cmd({"ZINTERCARD", "2", "hs", "hs"})), 300);
  EXPECT_EQ(list({"ZUNION", "2", "is", "ls", "WITHSCORES"}),
            (V{"1", "1", "2", "1", "3", "1", "m1", "1", "m2", "1", "zz", "1"}));
  // Set commands still see sets, zset commands still refuse them.
  EXPECT_EQ(str(conn().cmd({"ZRANGE", "hs", "0", "-1"})), kWrongType);
  EXPECT_EQ(integer(conn().cmd({"SCARD", "hs"})), 300);
}

TEST_P(ZsetTest, EncodingConversionsAtTheThresholds) {
  conn().cmd({"CONFIG", "SET", "zset-max-listpack-entries", "3"});
  conn().cmd({"CONFIG", "SET", "zset-max-listpack-value", "5"});
  conn().cmd({"ZADD", "z", "1", "a", "2", "b", "3", "c"});
  EXPECT_EQ(encoding("z"), "listpack");
  conn().cmd({"ZADD", "z", "4", "d"});
  EXPECT_EQ(encoding("z"), "skiplist");
  conn().cmd({"ZADD", "v", "1", "abcde"});
  EXPECT_EQ(encoding("v"), "listpack");
  conn().cmd({"ZADD", "v", "1", "abcdef"});
  EXPECT_EQ(encoding("v"), "skiplist");
  EXPECT_EQ(list({"ZRANGE", "v", "0", "-1"}), (V{"abcde", "abcdef"}));
  conn().cmd({"ZADD", "w", "1", "abcdef"});  // the first member already too long
  EXPECT_EQ(encoding("w"), "skiplist");
  // Stored results pick the smallest encoding that fits.
  EXPECT_EQ(integer(conn().cmd({"ZUNIONSTORE", "u", "1", "z", "WEIGHTS", "2"})), 4);
  EXPECT_EQ(encoding("u"), "skiplist");
  conn().cmd({"ZREM", "z", "a"});
  EXPECT_EQ(encoding("z"), "skiplist");  // never converts back by itself
  EXPECT_EQ(integer(conn().cmd({"ZUNIONSTORE", "u", "1", "z"})), 3);
  EXPECT_EQ(encoding("u"), "listpack");
  EXPECT_EQ(integer(conn().cmd({"ZRANGESTORE", "r", "z", "0", "-1"})), 3);
  EXPECT_EQ(encoding("r"), "listpack");
  conn().cmd({"CONFIG", "SET", "zset-max-listpack-entries", "0"});
  conn().cmd({"ZADD", "zero", "1", "a"});
  EXPECT_EQ(encoding("zero"), "skiplist");
}

TEST_P(ZsetTest, GenericCommandsOnZsets) {
  zadd_range("z", 0, 200);
  zadd_range("small", 0, 3);
  EXPECT_EQ(str(conn().cmd({"TYPE", "z"})), "zset");
  for (const char* key : {"z", "small"}) {
    std::string k = key, c = k + "-copy", r = k + "-renamed";
    EXPECT_EQ(integer(conn().cmd({"COPY", k, c})), 1);
    EXPECT_EQ(encoding(c), encoding(k));
    EXPECT_EQ(list({"ZRANGE", c, "0", "-1", "WITHSCORES"}),
              list({"ZRANGE", k, "0", "-1", "WITHSCORES"}));
    conn().cmd({"ZADD", c, "1000", "extra"});
    EXPECT_EQ(str(conn().cmd({"ZSCORE", k, "extra"})), "<nil>");
    EXPECT_EQ(str(conn().cmd({"RENAME", c, r})), "OK");
    EXPECT_EQ(str(conn().cmd({"ZSCORE", r, "extra"})), "1000");
    EXPECT_EQ(integer(conn().cmd({"DEL", r})), 1);
  }
  EXPECT_EQ(str(conn().cmd({"GET", "z"})), kWrongType);
  EXPECT_EQ(integer(conn().cmd({"ZCARD", "z"})), 200);
}

TEST_P(ZsetTest, RandMember) {
  for (int big : {0, 1}) {
    std::string key = big ? "big" : "small";
    int n = big ? 1000 : 20;
    zadd_range(key, 0, n);
    EXPECT_EQ(encoding(key), big ? "skiplist" : "listpack");
    std::set<std::string> seen;
    for (int i = 0; i < 200; i++) {
      std::string m = str(conn().cmd({"ZRANDMEMBER", key}));
      ASSERT_EQ(m[0], 'm');
      seen.insert(m);
    }
    EXPECT_GT(seen.size(), 10u);
    // Positive counts: distinct members, at most the zset.
    for (int count : {1, 5, n / 2, n - 1, n, n + 10}) {
      V got = list({"ZRANDMEMBER", key, std::to_string(count)});
      EXPECT_EQ(got.size(), static_cast<size_t>(std::min(count, n)));
      EXPECT_EQ(std::set<std::string>(got.begin(), got.end()).size(), got.size());
    }
    // Scores belong to their members.
    V ws = list({"ZRANDMEMBER", key, "7", "WITHSCORES"});
    ASSERT_EQ(ws.size(), 14u);
    for (size_t i = 0; i < ws.size(); i += 2) EXPECT_EQ("m" + ws[i + 1], ws[i]);
    // Negative counts repeat members and return exactly |count|.
    V neg = list({"ZRANDMEMBER", key, "-50"});
    EXPECT_EQ(neg.size(), 50u);
    V negs = list({"ZRANDMEMBER", key, "-5", "WITHSCORES"});
    EXPECT_EQ(negs.size(), 10u);
  }
  EXPECT_EQ(list({"ZRANDMEMBER", "missing", "5"}), V{});
  EXPECT_EQ(str(conn().cmd({"ZRANDMEMBER", "missing"})), "<nil>");
}

TEST_P(ZsetTest, ScanVisitsEveryMember) {
  for (int n : {50, 5000}) {
    std::string key = "z" + std::to_string(n);
    zadd_range(key, 0, n);
    std::map<std::string, std::string> seen;
    std::string cursor = "0";
    int calls = 0;
    do {
      ReplyPtr r = conn().cmd({"ZSCAN", key, cursor, "COUNT", "100"});
      ASSERT_TRUE(r && r->type == REDIS_REPLY_ARRAY && r->elements == 2);
      cursor = std::string(r->element[0]->str, r->element[0]->len);
      redisReply* items = r->element[1];
      ASSERT_EQ(items->elements % 2, 0u);
      for (size_t i = 0; i < items->elements; i += 2)
        seen[items->element[i]->str] = items->element[i + 1]->str;
      calls++;
    } while (cursor != "0" && calls < 10000);
    EXPECT_EQ(seen.size(), static_cast<size_t>(n));
    EXPECT_EQ(seen["m42"], "42");
    if (n == 50) {
      EXPECT_EQ(calls, 1);  // a listpack answers whole
    }
  }
  V matched;
  std::string cursor = "0";
  do {
    ReplyPtr r = conn().cmd({"ZSCAN", "z5000", cursor, "MATCH", "m12?", "COUNT", "1000"});
    cursor = std::string(r->element[0]->str, r->element[0]->len);
    for (size_t i = 0; i < r->element[1]->elements; i += 2)
      matched.emplace_back(r->element[1]->element[i]->str);
  } while (cursor != "0");
  std::sort(matched.begin(), matched.end());
  matched.erase(std::unique(matched.begin(), matched.end()), matched.end());
  EXPECT_EQ(matched.size(), 10u);
}

// One zset of 1,000,000 members: ranks, ranges and removals stay right at that size.
TEST_P(ZsetTest, MillionMembers) {
  constexpr int kN = 1000000, kBatch = 10000;
  std::mt19937_64 rng(1);
  std::vector<int> order(kN);
  for (int i = 0; i < kN; i++) order[i] = i;
  std::shuffle(order.begin(), order.end(), rng);
  // member:N has score N, added in a random order, pipelined.
  int batches = 0;
  for (int start = 0; start < kN; start += kBatch) {
    std::vector<std::string> args = {"ZADD", "big"};
    for (int i = start; i < start + kBatch; i++) {
      args.push_back(std::to_string(order[i]));
      args.push_back("member:" + std::to_string(order[i]));
    }
    conn().append(args);
    batches++;
  }
  long long added = 0;
  for (int i = 0; i < batches; i++) added += integer(conn().read_reply());
  EXPECT_EQ(added, kN);
  EXPECT_EQ(integer(conn().cmd({"ZCARD", "big"})), kN);
  EXPECT_EQ(encoding("big"), "skiplist");
  for (int m : {0, 1, 123456, 500000, 999999}) {
    std::string member = "member:" + std::to_string(m);
    EXPECT_EQ(integer(conn().cmd({"ZRANK", "big", member})), m);
    EXPECT_EQ(integer(conn().cmd({"ZREVRANK", "big", member})), kN - 1 - m);
    EXPECT_EQ(str(conn().cmd({"ZSCORE", "big", member})), std::to_string(m));
  }
  EXPECT_EQ(list({"ZRANGE", "big", "500000", "500002"}),
            (V{"member:500000", "member:500001", "member:500002"}));
  EXPECT_EQ(list({"ZRANGE", "big", "-1", "-1", "WITHSCORES"}), (V{"member:999999", "999999"}));
  EXPECT_EQ(list({"ZRANGEBYSCORE", "big", "(250000", "+inf", "LIMIT", "400000", "2"}),
            (V{"member:650001", "member:650002"}));
  EXPECT_EQ(list({"ZREVRANGEBYSCORE", "big", "+inf", "-inf", "LIMIT", "999998", "5"}),
            (V{"member:1", "member:0"}));
  EXPECT_EQ(integer(conn().cmd({"ZCOUNT", "big", "1000", "(2000"})), 1000);
  EXPECT_EQ(integer(conn().cmd({"ZREMRANGEBYRANK", "big", "0", "99999"})), 100000);
  EXPECT_EQ(integer(conn().cmd({"ZRANK", "big", "member:100000"})), 0);
  EXPECT_EQ(integer(conn().cmd({"ZREMRANGEBYSCORE", "big", "900000", "+inf"})), 100000);
  EXPECT_EQ(integer(conn().cmd({"ZCARD", "big"})), 800000);
  EXPECT_EQ(list({"ZPOPMAX", "big"}), (V{"member:899999", "899999"}));
  EXPECT_EQ(str(conn().cmd({"ZINCRBY", "big", "-1000000", "member:500000"})), "-500000");
  EXPECT_EQ(list({"ZRANGE", "big", "0", "0"}), (V{"member:500000"}));
  // 799,999 nodes (the free effort): UNLINK hands the zset to the lazy-free thread.
  EXPECT_EQ(integer(conn().cmd({"UNLINK", "big"})), 1);
  EXPECT_EQ(integer(conn().cmd({"EXISTS", "big"})), 0);
  std::string freed;
  for (int i = 0; i < 500 && freed != "1"; i++) {
    freed = info_field(conn(), "memory", "lazyfreed_objects");
    if (freed != "1") usleep(10000);
  }
  EXPECT_EQ(freed, "1");
}

RKV_INSTANTIATE_IO_MODES(ZsetTest);

}  // namespace
}  // namespace rkv::test

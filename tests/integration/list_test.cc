// List family against the running server: LPUSH RPUSH LPUSHX RPUSHX LPOP RPOP LLEN LRANGE
// LINDEX LSET LREM LTRIM LINSERT LPOS LMOVE RPOPLPUSH LMPOP, the listpack <-> quicklist
// conversions (Redis 7.2 rules), compressed quicklists, and a list of a million elements.
// Exact replies come from redis-server 7.0 (tests/compat/list.txt covers many more).
#include <unistd.h>

#include <string>
#include <vector>

#include "harness.h"

namespace rkv::test {
namespace {

constexpr const char* kWrongType =
    "WRONGTYPE Operation against a key holding the wrong kind of value";

class ListTest : public ServerTest {
 protected:
  std::vector<std::string> server_args() const override {
    return {"--enable-debug-command", "yes"};
  }
  std::string raw(const std::vector<std::string>& args) { return conn().raw_cmd(args); }
  std::string encoding(const std::string& key) {
    return str(conn().cmd({"OBJECT", "ENCODING", key}));
  }
  long long llen(const std::string& key) { return integer(conn().cmd({"LLEN", key})); }
  std::vector<std::string> range(const std::string& key, long long start = 0, long long stop = -1) {
    auto r = conn().cmd({"LRANGE", key, std::to_string(start), std::to_string(stop)});
    std::vector<std::string> out;
    if (!r || r->type != REDIS_REPLY_ARRAY) return out;
    for (size_t i = 0; i < r->elements; i++)
      out.emplace_back(r->element[i]->str, r->element[i]->len);
    return out;
  }
  // RPUSH of many elements, pipelined in commands of `batch` values.
  void rpush_many(const std::string& key, long long from, long long to, size_t batch = 1000) {
    size_t sent = 0;
    for (long long i = from; i < to;) {
      std::vector<std::string> args{"RPUSH", key};
      for (size_t j = 0; j < batch && i < to; j++, i++) args.push_back(value(i));
      conn().append(args);
      sent++;
    }
    for (size_t i = 0; i < sent; i++) ASSERT_FALSE(is_error(conn().read_reply()));
  }
  static std::string value(long long i) {
    std::string digits = std::to_string(i);
    return "element:" + std::string(digits.size() < 6 ? 6 - digits.size() : 0, '0') + digits;
  }
  long long used_memory() { return std::stoll(info_field(conn(), "memory", "used_memory")); }
};

TEST_P(ListTest, PushPopAndReplyShapes) {
  EXPECT_EQ(integer(conn().cmd({"RPUSH", "l", "a", "b"})), 2);
  EXPECT_EQ(integer(conn().cmd({"LPUSH", "l", "x", "y"})), 4);
  EXPECT_EQ(range("l"), (std::vector<std::string>{"y", "x", "a", "b"}));
  EXPECT_EQ(integer(conn().cmd({"LPUSHX", "nope", "a"})), 0);
  EXPECT_EQ(integer(conn().cmd({"RPUSHX", "l", "c"})), 5);
  EXPECT_EQ(str(conn().cmd({"TYPE", "l"})), "list");
  EXPECT_EQ(raw({"LPOP", "l"}), "$1\r\ny\r\n");
  EXPECT_EQ(raw({"RPOP", "l", "2"}), "*2\r\n$1\r\nc\r\n$1\r\nb\r\n");
  EXPECT_EQ(raw({"LPOP", "l", "0"}), "*0\r\n");
  EXPECT_EQ(raw({"LPOP", "missing"}), "$-1\r\n");
  EXPECT_EQ(raw({"LPOP", "missing", "1"}), "*-1\r\n");
  EXPECT_EQ(raw({"LPOP", "l", "-1"}), "-ERR value is out of range, must be positive\r\n");
  EXPECT_EQ(raw({"LPOP", "l", "1", "2"}), "-ERR wrong number of arguments for 'lpop' command\r\n");
  EXPECT_EQ(raw({"LPOP", "l", "5"}), "*2\r\n$1\r\nx\r\n$1\r\na\r\n");
  EXPECT_EQ(integer(conn().cmd({"EXISTS", "l"})), 0);  // emptied lists are deleted
  // RESP3: a missing single pop and a missing counted pop are both the null type.
  conn().cmd({"HELLO", "3"});
  EXPECT_EQ(raw({"LPOP", "missing"}), "_\r\n");
  EXPECT_EQ(raw({"RPOP", "missing", "3"}), "_\r\n");
  EXPECT_EQ(raw({"LMPOP", "1", "missing", "LEFT"}), "_\r\n");
  EXPECT_EQ(raw({"LINDEX", "missing", "0"}), "_\r\n");
  EXPECT_EQ(raw({"LPOS", "missing", "x"}), "_\r\n");
  EXPECT_EQ(raw({"LPOS", "missing", "x", "COUNT", "0"}), "*0\r\n");
  EXPECT_EQ(raw({"LMOVE", "missing", "d", "LEFT", "LEFT"}), "_\r\n");
}

TEST_P(ListTest, ReadsAndEdits) {
  conn().cmd({"RPUSH", "l", "a", "b", "c", "b", "a"});
  EXPECT_EQ(llen("l"), 5);
  EXPECT_EQ(str(conn().cmd({"LINDEX", "l", "-1"})), "a");
  EXPECT_EQ(str(conn().cmd({"LINDEX", "l", "5"})), "<nil>");
  EXPECT_EQ(str(conn().cmd({"LSET", "l", "1", "B"})), "OK");
  EXPECT_EQ(str(conn().cmd({"LSET", "l", "9", "B"})), "ERR index out of range");
  EXPECT_EQ(str(conn().cmd({"LSET", "nokey", "0", "B"})), "ERR no such key");
  EXPECT_EQ(integer(conn().cmd({"LINSERT", "l", "BEFORE", "c", "m"})), 6);
  EXPECT_EQ(integer(conn().cmd({"LINSERT", "l", "AFTER", "zz", "m"})), -1);
  EXPECT_EQ(integer(conn().cmd({"LINSERT", "nokey", "AFTER", "zz", "m"})), 0);
  EXPECT_EQ(range("l"), (std::vector<std::string>{"a", "B", "m", "c", "b", "a"}));
  EXPECT_EQ(integer(conn().cmd({"LREM", "l", "-1", "a"})), 1);
  EXPECT_EQ(integer(conn().cmd({"LPOS", "l", "b"})), 4);
  EXPECT_EQ(str(conn().cmd({"LTRIM", "l", "1", "-2"})), "OK");
  EXPECT_EQ(range("l"), (std::vector<std::string>{"B", "m", "c"}));
  EXPECT_EQ(str(conn().cmd({"LTRIM", "l", "5", "1"})), "OK");
  EXPECT_EQ(integer(conn().cmd({"EXISTS", "l"})), 0);
}

TEST_P(ListTest, MovesAndMultiPop) {
  conn().cmd({"RPUSH", "src", "1", "2", "3"});
  EXPECT_EQ(str(conn().cmd({"LMOVE", "src", "src", "LEFT", "RIGHT"})), "1");  // rotation
  EXPECT_EQ(range("src"), (std::vector<std::string>{"2", "3", "1"}));
  EXPECT_EQ(str(conn().cmd({"RPOPLPUSH", "src", "dst"})), "1");
  EXPECT_EQ(range("dst"), (std::vector<std::string>{"1"}));
  conn().cmd({"SET", "s", "v"});
  EXPECT_EQ(str(conn().cmd({"LMOVE", "src", "s", "LEFT", "RIGHT"})), kWrongType);
  EXPECT_EQ(range("src"), (std::vector<std::string>{"2", "3"}));  // nothing moved
  EXPECT_EQ(str(conn().cmd({"LMOVE", "missing", "s", "LEFT", "RIGHT"})), "<nil>");
  EXPECT_EQ(raw({"LMPOP", "3", "missing", "src", "dst", "RIGHT", "COUNT", "5"}),
            "*2\r\n$3\r\nsrc\r\n*2\r\n$1\r\n3\r\n$1\r\n2\r\n");
  EXPECT_EQ(integer(conn().cmd({"EXISTS", "src"})), 0);
  EXPECT_EQ(str(conn().cmd({"LMPOP", "2", "s", "dst", "LEFT"})), kWrongType);
  EXPECT_EQ(str(conn().cmd({"LMPOP", "0", "dst", "LEFT"})), "ERR numkeys should be greater than 0");
  EXPECT_EQ(str(conn().cmd({"LMPOP", "5", "dst", "LEFT"})), "ERR syntax error");
}

TEST_P(ListTest, WrongTypeEverywhere) {
  conn().cmd({"SET", "s", "v"});
  for (std::vector<std::string> cmd : std::vector<std::vector<std::string>>{
           {"LPUSH", "s", "a"},
           {"RPUSH", "s", "a"},
           {"LPUSHX", "s", "a"},
           {"RPUSHX", "s", "a"},
           {"LPOP", "s"},
           {"RPOP", "s", "2"},
           {"LLEN", "s"},
           {"LRANGE", "s", "0", "-1"},
           {"LINDEX", "s", "0"},
           {"LSET", "s", "0", "x"},
           {"LREM", "s", "0", "x"},
           {"LTRIM", "s", "0", "1"},
           {"LINSERT", "s", "BEFORE", "a", "b"},
           {"LPOS", "s", "a"},
           {"LMOVE", "s", "d", "LEFT", "LEFT"},
           {"RPOPLPUSH", "s", "d"},
           {"LMPOP", "1", "s", "LEFT"},
       })
    EXPECT_EQ(str(conn().cmd(cmd)), kWrongType) << cmd[0];
  EXPECT_EQ(str(conn().cmd({"GET", "s"})), "v");
}

TEST_P(ListTest, ConvertsToQuicklistAndBackAtHalfTheLimit) {
  const std::string v(100, 'v');  // 103-byte listpack entries, limit 8 KB (fill -2)
  for (int i = 0; i < 79; i++) conn().cmd({"RPUSH", "l", v});
  EXPECT_EQ(encoding("l"), "listpack");
  conn().cmd({"RPUSH", "l", v});
  EXPECT_EQ(encoding("l"), "quicklist");
  // Shrinks back once one node of at most 4 KB (39 entries) is left.
  conn().cmd({"RPOP", "l", "40"});
  EXPECT_EQ(llen("l"), 40);
  EXPECT_EQ(encoding("l"), "quicklist");
  conn().cmd({"LPOP", "l"});
  EXPECT_EQ(encoding("l"), "listpack");

  // By count: fill 4 allows 4 elements; back to a listpack at 2.
  EXPECT_EQ(str(conn().cmd({"CONFIG", "SET", "list-max-listpack-size", "4"})), "OK");
  conn().cmd({"RPUSH", "c", "1", "2", "3", "4"});
  EXPECT_EQ(encoding("c"), "listpack");
  conn().cmd({"RPUSH", "c", "5"});
  EXPECT_EQ(encoding("c"), "quicklist");
  conn().cmd({"LREM", "c", "0", "5"});
  conn().cmd({"LREM", "c", "0", "4"});
  EXPECT_EQ(encoding("c"), "quicklist");  // 3 > 4 / 2
  conn().cmd({"LTRIM", "c", "1", "-1"});
  EXPECT_EQ(encoding("c"), "listpack");
  EXPECT_EQ(range("c"), (std::vector<std::string>{"2", "3"}));
  // A multi-value push converts up front; LSET and LINSERT convert on growth too.
  conn().cmd({"RPUSH", "m", "1", "2", "3", "4", "5"});
  EXPECT_EQ(encoding("m"), "quicklist");
  conn().cmd({"RPUSH", "s", "1", "2", "3", "4"});
  EXPECT_EQ(integer(conn().cmd({"LINSERT", "s", "AFTER", "nothing", "x"})), -1);
  EXPECT_EQ(encoding("s"), "quicklist");  // 7.2 checks the limit before the pivot
  conn().cmd({"CONFIG", "SET", "list-max-listpack-size", "-2"});
  conn().cmd({"RPUSH", "big", "a"});
  conn().cmd({"LSET", "big", "0", std::string(9000, 'x')});
  EXPECT_EQ(encoding("big"), "quicklist");
  conn().cmd({"LSET", "big", "0", "a"});
  EXPECT_EQ(encoding("big"), "listpack");
  // LMOVE converts the destination as a push does.
  conn().cmd({"RPUSH", "from", std::string(9000, 'y')});
  EXPECT_EQ(encoding("from"), "quicklist");
  conn().cmd({"RPUSH", "to", "a"});
  conn().cmd({"LMOVE", "from", "to", "LEFT", "RIGHT"});
  EXPECT_EQ(encoding("to"), "quicklist");
}

TEST_P(ListTest, CopyRenameAndTypeKeepTheList) {
  conn().cmd({"CONFIG", "SET", "list-max-listpack-size", "2"});
  conn().cmd({"RPUSH", "q", "a", "b", "c", "d", "e"});
  conn().cmd({"CONFIG", "SET", "list-max-listpack-size", "-2"});
  conn().cmd({"RPUSH", "p", "x", "y"});
  EXPECT_EQ(integer(conn().cmd({"COPY", "q", "q2"})), 1);
  EXPECT_EQ(integer(conn().cmd({"COPY", "p", "p2"})), 1);
  EXPECT_EQ(encoding("q2"), "quicklist");
  EXPECT_EQ(encoding("p2"), "listpack");
  conn().cmd({"RPUSH", "q2", "f"});
  EXPECT_EQ(range("q"), (std::vector<std::string>{"a", "b", "c", "d", "e"}));
  EXPECT_EQ(range("q2"), (std::vector<std::string>{"a", "b", "c", "d", "e", "f"}));
  EXPECT_EQ(str(conn().cmd({"RENAME", "q2", "r"})), "OK");
  EXPECT_EQ(str(conn().cmd({"TYPE", "r"})), "list");
  EXPECT_EQ(range("r").size(), 6u);
  EXPECT_EQ(encoding("r"), "quicklist");
}

TEST_P(ListTest, DigestFollowsTheElementsNotTheEncoding) {
  conn().cmd({"RPUSH", "lp", "a", "b", "c", "1", "2"});
  conn().cmd({"CONFIG", "SET", "list-max-listpack-size", "1"});
  conn().cmd({"RPUSH", "ql", "a", "b", "c", "1", "2"});
  ASSERT_EQ(encoding("lp"), "listpack");
  ASSERT_EQ(encoding("ql"), "quicklist");
  auto digest = [&](const std::string& key) {
    auto r = conn().cmd({"DEBUG", "DIGEST-VALUE", key});
    return r && r->type == REDIS_REPLY_ARRAY && r->elements == 1 ? std::string(r->element[0]->str)
                                                                 : std::string();
  };
  EXPECT_EQ(digest("lp"), digest("ql"));
  conn().cmd({"RPUSH", "x", "ab", "c"});
  conn().cmd({"RPUSH", "y", "a", "bc"});
  EXPECT_NE(digest("x"), digest("y"));
  std::string before = digest("lp");
  conn().cmd({"LSET", "lp", "3", "one"});
  EXPECT_NE(digest("lp"), before);
}

TEST_P(ListTest, EditsAcrossSmallNodes) {
  conn().cmd({"CONFIG", "SET", "list-max-listpack-size", "3"});
  std::vector<std::string> model;
  std::vector<std::string> args{"RPUSH", "l"};
  for (int i = 0; i < 60; i++) {
    std::string v = i % 4 == 0 ? "x" : std::to_string(i);
    args.push_back(v);
    model.push_back(v);
  }
  conn().cmd(args);
  EXPECT_EQ(encoding("l"), "quicklist");
  EXPECT_EQ(integer(conn().cmd({"LREM", "l", "4", "x"})), 4);
  EXPECT_EQ(integer(conn().cmd({"LREM", "l", "-3", "x"})), 3);
  // The model: the first 4 and the last 3 x's go.
  std::vector<std::string> expect;
  int seen = 0, total = 15;
  for (const auto& v : model) {
    if (v == "x") {
      seen++;
      if (seen <= 4 || seen > total - 3) continue;
    }
    expect.push_back(v);
  }
  EXPECT_EQ(range("l"), expect);
  EXPECT_EQ(str(conn().cmd({"LTRIM", "l", "5", "-6"})), "OK");
  expect = std::vector<std::string>(expect.begin() + 5, expect.end() - 5);
  EXPECT_EQ(range("l"), expect);
  EXPECT_EQ(integer(conn().cmd({"LINSERT", "l", "AFTER", expect[10], "ins"})),
            static_cast<long long>(expect.size()) + 1);
  expect.insert(expect.begin() + 11, "ins");
  EXPECT_EQ(str(conn().cmd({"LSET", "l", "20", "set"})), "OK");
  expect[20] = "set";
  EXPECT_EQ(range("l"), expect);
  for (size_t i = 0; i < expect.size(); i++)
    EXPECT_EQ(str(conn().cmd({"LINDEX", "l", std::to_string(i)})), expect[i]);
}

TEST_P(ListTest, CompressedQuicklist) {
  EXPECT_EQ(str(conn().cmd({"CONFIG", "SET", "list-compress-depth", "1"})), "OK");
  long long before = used_memory();
  rpush_many("c", 0, 100000);
  long long compressed = used_memory() - before;
  EXPECT_EQ(encoding("c"), "quicklist");
  EXPECT_EQ(llen("c"), 100000);
  EXPECT_EQ(str(conn().cmd({"LINDEX", "c", "50000"})), value(50000));
  EXPECT_EQ(str(conn().cmd({"LINDEX", "c", "-1"})), value(99999));
  EXPECT_EQ(integer(conn().cmd({"LPOS", "c", value(77777)})), 77777);
  auto mid = range("c", 49998, 50001);
  EXPECT_EQ(mid,
            (std::vector<std::string>{value(49998), value(49999), value(50000), value(50001)}));
  EXPECT_EQ(str(conn().cmd({"LSET", "c", "60000", "changed"})), "OK");
  EXPECT_EQ(integer(conn().cmd({"LINSERT", "c", "BEFORE", value(70000), "inserted"})), 100001);
  EXPECT_EQ(integer(conn().cmd({"LREM", "c", "0", value(80000)})), 1);
  EXPECT_EQ(str(conn().cmd({"LINDEX", "c", "60000"})), "changed");
  EXPECT_EQ(str(conn().cmd({"LINDEX", "c", "70000"})), "inserted");
  EXPECT_EQ(str(conn().cmd({"LINDEX", "c", "80001"})), value(80001));
  EXPECT_EQ(str(conn().cmd({"LTRIM", "c", "10", "-11"})), "OK");
  EXPECT_EQ(llen("c"), 99980);
  EXPECT_EQ(str(conn().cmd({"LINDEX", "c", "0"})), value(10));

  // The same list plain takes clearly more memory.
  conn().cmd({"CONFIG", "SET", "list-compress-depth", "0"});
  before = used_memory();
  rpush_many("p", 0, 100000);
  long long plain = used_memory() - before;
  if (allocator_reports_memory(conn())) {  // not in sanitizer builds
    EXPECT_LT(compressed, plain * 3 / 4) << compressed << " vs " << plain;
  }
  // A copy keeps the compressed nodes and reads back the same.
  EXPECT_EQ(integer(conn().cmd({"COPY", "c", "c2"})), 1);
  EXPECT_EQ(range("c2", 49990, 50010), range("c", 49990, 50010));
}

TEST_P(ListTest, MillionElements) {
  rpush_many("big", 0, 1000000);
  EXPECT_EQ(llen("big"), 1000000);
  EXPECT_EQ(encoding("big"), "quicklist");
  EXPECT_EQ(str(conn().cmd({"LINDEX", "big", "0"})), value(0));
  EXPECT_EQ(str(conn().cmd({"LINDEX", "big", "999999"})), value(999999));
  EXPECT_EQ(str(conn().cmd({"LINDEX", "big", "-500000"})), value(500000));
  EXPECT_EQ(str(conn().cmd({"LINDEX", "big", "123456"})), value(123456));
  EXPECT_EQ(range("big", 654321, 654323),
            (std::vector<std::string>{value(654321), value(654322), value(654323)}));
  EXPECT_EQ(integer(conn().cmd({"LPOS", "big", value(999998)})), 999998);
  EXPECT_EQ(integer(conn().cmd({"LPOS", "big", value(3), "RANK", "-1"})), 3);
  EXPECT_EQ(str(conn().cmd({"LSET", "big", "500000", "middle"})), "OK");
  EXPECT_EQ(str(conn().cmd({"LINDEX", "big", "500000"})), "middle");
  EXPECT_EQ(integer(conn().cmd({"LINSERT", "big", "AFTER", "middle", "next"})), 1000001);
  EXPECT_EQ(integer(conn().cmd({"LREM", "big", "-1", "next"})), 1);
  EXPECT_EQ(str(conn().cmd({"LPOP", "big"})), value(0));
  EXPECT_EQ(str(conn().cmd({"RPOP", "big"})), value(999999));
  EXPECT_EQ(str(conn().cmd({"LTRIM", "big", "100000", "-100001"})), "OK");
  EXPECT_EQ(llen("big"), 799998);
  EXPECT_EQ(str(conn().cmd({"LINDEX", "big", "0"})), value(100001));
  EXPECT_EQ(str(conn().cmd({"LINDEX", "big", "-1"})), value(899998));
  // Over a thousand nodes (the free effort): UNLINK hands the list to the lazy-free thread;
  // a small list is freed inline.
  conn().cmd({"RPUSH", "small", "a", "b"});
  EXPECT_EQ(integer(conn().cmd({"UNLINK", "small"})), 1);
  EXPECT_EQ(info_field(conn(), "memory", "lazyfreed_objects"), "0");
  EXPECT_EQ(integer(conn().cmd({"UNLINK", "big"})), 1);
  EXPECT_EQ(integer(conn().cmd({"EXISTS", "big"})), 0);
  std::string freed;
  for (int i = 0; i < 500 && freed != "1"; i++) {
    freed = info_field(conn(), "memory", "lazyfreed_objects");
    if (freed != "1") usleep(10000);
  }
  EXPECT_EQ(freed, "1");
}

RKV_INSTANTIATE_IO_MODES(ListTest);

}  // namespace
}  // namespace rkv::test

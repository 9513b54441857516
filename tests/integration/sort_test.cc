// SORT and SORT_RO against the running server: every option over lists, sets and sorted
// sets in each of their encodings, BY and GET through strings and hashes, STORE, and the
// errors. Exact replies come from redis-server 7.0 (tests/compat/sort.txt holds the
// byte-for-byte comparison); what 7.0 cannot show or shows nondeterministically (listpack
// sets, ties under BY ... ALPHA, big inputs) is here.
#include <algorithm>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "harness.h"

namespace rkv::test {
namespace {

constexpr const char* kWrongType =
    "WRONGTYPE Operation against a key holding the wrong kind of value";
constexpr const char* kNotDouble = "ERR One or more scores can't be converted into double";

using Strings = std::vector<std::string>;

class SortTest : public ServerTest {
 protected:
  std::string raw(const std::vector<std::string>& args) { return conn().raw_cmd(args); }
  std::string encoding(const std::string& key) {
    return str(conn().cmd({"OBJECT", "ENCODING", key}));
  }
  // An array reply as strings ("<nil>" for nulls); an error reply as its one message.
  Strings run(const std::vector<std::string>& args) {
    auto r = conn().cmd(args);
    Strings out;
    if (!r) return {"<no reply>"};
    if (r->type != REDIS_REPLY_ARRAY) return {str(r)};
    for (size_t i = 0; i < r->elements; i++) {
      const redisReply* e = r->element[i];
      out.push_back(e->type == REDIS_REPLY_NIL ? "<nil>" : std::string(e->str, e->len));
    }
    return out;
  }
  Strings lrange(const std::string& key) { return run({"LRANGE", key, "0", "-1"}); }
  void push(const std::string& cmd, const std::string& key, const Strings& values) {
    std::vector<std::string> args{cmd, key};
    args.insert(args.end(), values.begin(), values.end());
    ASSERT_FALSE(is_error(conn().cmd(args)));
  }
  static Strings numbers(int from, int to) {
    Strings out;
    for (int i = from; i <= to; i++) out.push_back(std::to_string(i));
    return out;
  }
};

TEST_P(SortTest, ListsNumericAlphaDescLimit) {
  for (const char* fill : {"-2", "2"}) {  // listpack, then a quicklist of 2-element nodes
    conn().cmd({"DEL", "l"});
    conn().cmd({"CONFIG", "SET", "list-max-listpack-size", fill});
    push("RPUSH", "l", {"3", "1", "2", "10", "-5", "2.5"});
    EXPECT_EQ(encoding("l"), fill == std::string("-2") ? "listpack" : "quicklist");
    EXPECT_EQ(run({"SORT", "l"}), (Strings{"-5", "1", "2", "2.5", "3", "10"}));
    EXPECT_EQ(run({"SORT_RO", "l", "DESC"}), (Strings{"10", "3", "2.5", "2", "1", "-5"}));
    EXPECT_EQ(run({"SORT", "l", "ALPHA"}), (Strings{"-5", "1", "10", "2", "2.5", "3"}));
    EXPECT_EQ(run({"SORT", "l", "LIMIT", "1", "2"}), (Strings{"1", "2"}));
    EXPECT_EQ(run({"SORT", "l", "LIMIT", "-3", "2", "DESC"}), (Strings{"10", "3"}));
    EXPECT_EQ(run({"SORT", "l", "LIMIT", "4", "100"}), (Strings{"3", "10"}));
    EXPECT_EQ(run({"SORT", "l", "LIMIT", "6", "1"}), Strings{});
    EXPECT_EQ(run({"SORT", "l", "LIMIT", "0", "0"}), Strings{});
    EXPECT_EQ(run({"SORT", "l", "LIMIT", "9223372036854775807", "9223372036854775807"}), Strings{});
    // BY without '*': the list's own order, reversed by DESC, cut by LIMIT.
    EXPECT_EQ(run({"SORT", "l", "BY", "nosort"}), (Strings{"3", "1", "2", "10", "-5", "2.5"}));
    EXPECT_EQ(run({"SORT", "l", "BY", "nosort", "DESC", "LIMIT", "1", "3"}),
              (Strings{"-5", "10", "2"}));
    EXPECT_EQ(run({"SORT", "l", "BY", "nosort", "LIMIT", "5", "9"}), (Strings{"2.5"}));
  }
  conn().cmd({"CONFIG", "SET", "list-max-listpack-size", "-2"});
  // Equal numbers are ordered by their bytes.
  push("RPUSH", "ties", {"1.0", "1", "01", "+1", "0x1"});
  EXPECT_EQ(run({"SORT", "ties"}), (Strings{"+1", "01", "0x1", "1", "1.0"}));
  EXPECT_EQ(run({"SORT", "ties", "DESC"}), (Strings{"1.0", "1", "0x1", "01", "+1"}));
}

TEST_P(SortTest, SetsOfEveryEncoding) {
  push("SADD", "is", {"5", "-3", "10", "0"});
  EXPECT_EQ(encoding("is"), "intset");
  push("SADD", "ls", {"pear", "apple", "fig", "10", "9"});
  EXPECT_EQ(encoding("ls"), "listpack");
  conn().cmd({"CONFIG", "SET", "set-max-listpack-entries", "2"});
  push("SADD", "hs", {"pear", "apple", "fig", "10", "9"});
  EXPECT_EQ(encoding("hs"), "hashtable");
  conn().cmd({"CONFIG", "SET", "set-max-listpack-entries", "128"});

  EXPECT_EQ(run({"SORT", "is"}), (Strings{"-3", "0", "5", "10"}));
  EXPECT_EQ(run({"SORT", "is", "BY", "nosort"}), (Strings{"-3", "0", "5", "10"}));
  for (const char* key : {"ls", "hs"}) {
    SCOPED_TRACE(key);
    EXPECT_EQ(run({"SORT", key, "ALPHA"}), (Strings{"10", "9", "apple", "fig", "pear"}));
    EXPECT_EQ(run({"SORT_RO", key, "ALPHA", "DESC", "LIMIT", "0", "2"}), (Strings{"pear", "fig"}));
    EXPECT_EQ(run({"SORT", key}), Strings{kNotDouble});
    // Unsorted: every member once, in the set's own order.
    Strings any = run({"SORT", key, "BY", "nosort"});
    EXPECT_EQ(std::set<std::string>(any.begin(), any.end()),
              (std::set<std::string>{"10", "9", "apple", "fig", "pear"}));
    EXPECT_EQ(any.size(), 5u);
    // Stored, it is sorted (ALPHA) so the stored list does not depend on that order.
    EXPECT_EQ(integer(conn().cmd({"SORT", key, "BY", "nosort", "STORE", "dst"})), 5);
    EXPECT_EQ(lrange("dst"), (Strings{"10", "9", "apple", "fig", "pear"}));
    EXPECT_EQ(integer(conn().cmd(
                  {"SORT", key, "BY", "nosort", "DESC", "LIMIT", "1", "2", "STORE", "dst"})),
              2);
    EXPECT_EQ(lrange("dst"), (Strings{"fig", "apple"}));
  }
  // The sets themselves are untouched.
  EXPECT_EQ(encoding("ls"), "listpack");
  EXPECT_EQ(integer(conn().cmd({"SCARD", "ls"})), 5);
}

TEST_P(SortTest, SortedSetsSortMembersOrKeepScoreOrder) {
  for (const char* entries : {"128", "0"}) {
    SCOPED_TRACE(entries);
    conn().cmd({"DEL", "z"});
    conn().cmd({"CONFIG", "SET", "zset-max-listpack-entries", entries});
    ASSERT_EQ(integer(conn().cmd({"ZADD", "z", "1", "30", "2", "10", "3", "20", "4", "5"})), 4);
    EXPECT_EQ(run({"SORT", "z"}), (Strings{"5", "10", "20", "30"}));
    EXPECT_EQ(run({"SORT", "z", "ALPHA"}), (Strings{"10", "20", "30", "5"}));
    EXPECT_EQ(run({"SORT", "z", "BY", "nosort"}), (Strings{"30", "10", "20", "5"}));
    EXPECT_EQ(run({"SORT", "z", "BY", "nosort", "DESC"}), (Strings{"5", "20", "10", "30"}));
    EXPECT_EQ(run({"SORT", "z", "BY", "nosort", "LIMIT", "1", "2"}), (Strings{"10", "20"}));
    EXPECT_EQ(run({"SORT", "z", "BY", "nosort", "DESC", "LIMIT", "1", "2"}), (Strings{"20", "10"}));
    EXPECT_EQ(run({"SORT", "z", "BY", "nosort", "LIMIT", "3", "5"}), (Strings{"5"}));
    EXPECT_EQ(run({"SORT", "z", "BY", "nosort", "LIMIT", "4", "5"}), Strings{});
    // Redis 7.0 converts the zset it sorts to a skiplist, SORT_RO included.
    EXPECT_EQ(encoding("z"), "skiplist");
    EXPECT_EQ(str(conn().cmd({"ZSCORE", "z", "20"})), "3");
  }
  conn().cmd({"CONFIG", "SET", "zset-max-listpack-entries", "128"});
  conn().cmd({"ZADD", "small", "1", "a"});
  EXPECT_EQ(encoding("small"), "listpack");
  EXPECT_EQ(run({"SORT_RO", "small", "BY", "nosort"}), Strings{"a"});
  EXPECT_EQ(encoding("small"), "skiplist");
}

TEST_P(SortTest, ByStringsAndHashFields) {
  push("RPUSH", "l", {"1", "2", "3", "4"});
  // int, embstr and raw strings as weights
  conn().cmd({"MSET", "w_1", "30", "w_2", "1.5", "w_3", std::string(60, '0') + "7", "w_4", "-2"});
  EXPECT_EQ(encoding("w_3"), "raw");
  EXPECT_EQ(run({"SORT", "l", "BY", "w_*"}), (Strings{"4", "2", "3", "1"}));
  EXPECT_EQ(run({"SORT", "l", "BY", "w_*", "DESC", "LIMIT", "0", "2"}), (Strings{"1", "3"}));
  EXPECT_EQ(run({"SORT", "l", "BY", "w_*", "GET", "#", "GET", "w_*"}),
            (Strings{"4", "-2", "2", "1.5", "3", std::string(60, '0') + "7", "1", "30"}));
  // A missing weight counts as 0; so does one of another type.
  conn().cmd({"DEL", "w_4"});
  conn().cmd({"RPUSH", "w_4", "x"});
  EXPECT_EQ(run({"SORT", "l", "BY", "w_*"}), (Strings{"4", "2", "3", "1"}));
  conn().cmd({"DEL", "w_4"});
  conn().cmd({"SET", "w_4", "-2"});
  conn().cmd({"SET", "w_2", "abc"});
  EXPECT_EQ(run({"SORT", "l", "BY", "w_*"}), Strings{kNotDouble});
  EXPECT_EQ(run({"SORT", "l", "BY", "w_*", "ALPHA"}),
            (Strings{"4", "3", "1", "2"}));  // "-2" < "000...7" < "30" < "abc"

  for (const char* entries : {"128", "0"}) {  // listpack hashes, then hashtable hashes
    SCOPED_TRACE(entries);
    conn().cmd({"CONFIG", "SET", "hash-max-listpack-entries", entries});
    for (int i = 1; i <= 4; i++) conn().cmd({"DEL", "h_" + std::to_string(i)});
    conn().cmd({"HSET", "h_1", "f", "3", "name", "one"});
    conn().cmd({"HSET", "h_2", "f", "1", "name", "two"});
    conn().cmd({"HSET", "h_3", "f", "4", "name", "three"});
    conn().cmd({"HSET", "h_4", "f", "2"});
    EXPECT_EQ(encoding("h_1"), entries == std::string("0") ? "hashtable" : "listpack");
    EXPECT_EQ(run({"SORT", "l", "BY", "h_*->f", "GET", "h_*->name"}),
              (Strings{"two", "<nil>", "one", "three"}));
    EXPECT_EQ(run({"SORT", "l", "BY", "h_*->name", "ALPHA", "GET", "#"}),
              (Strings{"4", "1", "3", "2"}));  // missing first, then one three two
    EXPECT_EQ(run({"SORT", "l", "BY", "h_*->nope", "DESC"}), (Strings{"4", "3", "2", "1"}));
  }
}

TEST_P(SortTest, ByAlphaTiesKeepTheirOrder) {
  // Equal BY values (and missing ones) compare equal under ALPHA; a full sort keeps the
  // input order there, as glibc's merge sort does for Redis.
  push("RPUSH", "l", {"d", "b", "a", "c", "e"});
  conn().cmd({"MSET", "k_a", "x", "k_b", "x", "k_d", "w"});
  EXPECT_EQ(run({"SORT", "l", "BY", "k_*", "ALPHA"}), (Strings{"c", "e", "d", "b", "a"}));
  EXPECT_EQ(run({"SORT", "l", "BY", "k_*", "ALPHA", "DESC"}), (Strings{"b", "a", "d", "c", "e"}));
}

TEST_P(SortTest, PatternsAsCStrings) {
  push("RPUSH", "l", {"1", "2"});
  conn().cmd({"MSET", "k_1", "a", "k_2", "b", "k_1->", "arrow", "k_2*", "star"});
  conn().cmd({"HSET", "k_1x", "f->g", "fg"});
  EXPECT_EQ(run({"SORT", "l", "GET", "#"}), (Strings{"1", "2"}));
  EXPECT_EQ(run({"SORT", "l", "GET", std::string("#\0tail", 6)}), (Strings{"1", "2"}));
  EXPECT_EQ(run({"SORT", "l", "GET", "##"}), (Strings{"<nil>", "<nil>"}));
  EXPECT_EQ(run({"SORT", "l", "GET", "k_*->"}), (Strings{"arrow", "<nil>"}));
  EXPECT_EQ(run({"SORT", "l", "GET", "k_**"}), (Strings{"<nil>", "star"}));
  EXPECT_EQ(run({"SORT", "l", "GET", "k_*x->f->g"}), (Strings{"fg", "<nil>"}));
  EXPECT_EQ(run({"SORT", "l", "GET", std::string("k_\0*", 4)}), (Strings{"<nil>", "<nil>"}));
  // A '*' after a NUL does not make BY a pattern: no sorting.
  conn().cmd({"LPUSH", "l", "3"});
  EXPECT_EQ(run({"SORT", "l", "BY", std::string("\0*", 2)}), (Strings{"3", "1", "2"}));
}

TEST_P(SortTest, AlphaComparesCStringsUnlessStored) {
  const std::string a0b("a\0b", 3), a0a("a\0a", 3);
  push("RPUSH", "l", {a0b, "b", "a", a0a, "\xff", "A"});
  // The reply compares up to a NUL (Redis's strcoll), so a, a\0b and a\0a tie and keep
  // their order; STORE compares whole strings.
  EXPECT_EQ(run({"SORT", "l", "ALPHA"}), (Strings{"A", a0b, "a", a0a, "b", "\xff"}));
  EXPECT_EQ(integer(conn().cmd({"SORT", "l", "ALPHA", "STORE", "d"})), 6);
  EXPECT_EQ(lrange("d"), (Strings{"A", "a", a0a, a0b, "b", "\xff"}));
}

TEST_P(SortTest, StoreWritesAList) {
  push("RPUSH", "l", {"3", "1", "2"});
  conn().cmd({"SET", "dst", "old"});
  conn().cmd({"EXPIRE", "dst", "1000"});
  EXPECT_EQ(raw({"SORT", "l", "STORE", "dst"}), ":3\r\n");
  EXPECT_EQ(str(conn().cmd({"TYPE", "dst"})), "list");
  EXPECT_EQ(integer(conn().cmd({"TTL", "dst"})), -1);
  EXPECT_EQ(lrange("dst"), (Strings{"1", "2", "3"}));
  EXPECT_EQ(encoding("dst"), "listpack");
  // Into the sorted key itself.
  EXPECT_EQ(integer(conn().cmd({"SORT", "l", "DESC", "STORE", "l"})), 3);
  EXPECT_EQ(lrange("l"), (Strings{"3", "2", "1"}));
  // GET values; a missing one is stored as "".
  conn().cmd({"SET", "v_1", "one"});
  EXPECT_EQ(integer(conn().cmd({"SORT", "l", "GET", "v_*", "GET", "#", "STORE", "dst"})), 6);
  EXPECT_EQ(lrange("dst"), (Strings{"one", "1", "", "2", "", "3"}));
  // An empty result deletes the destination, whatever it held.
  conn().cmd({"HSET", "dst", "f", "v"});
  EXPECT_EQ(integer(conn().cmd({"SORT", "l", "LIMIT", "0", "0", "STORE", "dst"})), 0);
  EXPECT_EQ(integer(conn().cmd({"EXISTS", "dst"})), 0);
  EXPECT_EQ(integer(conn().cmd({"SORT", "missing", "STORE", "l"})), 0);
  EXPECT_EQ(integer(conn().cmd({"EXISTS", "l"})), 0);
  // A failed sort stores nothing.
  push("RPUSH", "bad", {"x"});
  conn().cmd({"SET", "dst", "kept"});
  EXPECT_EQ(str(conn().cmd({"SORT", "bad", "STORE", "dst"})), kNotDouble);
  EXPECT_EQ(str(conn().cmd({"GET", "dst"})), "kept");
  // A large result becomes a quicklist, as any list of that size.
  push("RPUSH", "big", numbers(1, 3000));
  EXPECT_EQ(integer(conn().cmd({"SORT", "big", "DESC", "STORE", "dst"})), 3000);
  EXPECT_EQ(encoding("dst"), "quicklist");
  EXPECT_EQ(str(conn().cmd({"LINDEX", "dst", "0"})), "3000");
  EXPECT_EQ(str(conn().cmd({"LINDEX", "dst", "-1"})), "1");
}

TEST_P(SortTest, ErrorsAndTheirOrder) {
  conn().cmd({"SET", "str", "v"});
  EXPECT_EQ(raw({"SORT"}), "-ERR wrong number of arguments for 'sort' command\r\n");
  EXPECT_EQ(raw({"SORT_RO"}), "-ERR wrong number of arguments for 'sort_ro' command\r\n");
  EXPECT_EQ(str(conn().cmd({"SORT", "str"})), kWrongType);
  EXPECT_EQ(str(conn().cmd({"SORT_RO", "str", "BY", "nosort"})), kWrongType);
  // Options are parsed before the key is looked at.
  EXPECT_EQ(str(conn().cmd({"SORT", "str", "foo"})), "ERR syntax error");
  EXPECT_EQ(str(conn().cmd({"SORT", "str", "LIMIT", "a", "1"})),
            "ERR value is not an integer or out of range");
  EXPECT_EQ(str(conn().cmd({"SORT", "x", "LIMIT", "1"})), "ERR syntax error");
  EXPECT_EQ(str(conn().cmd({"SORT", "x", "LIMIT", "1", "1.5"})),
            "ERR value is not an integer or out of range");
  EXPECT_EQ(str(conn().cmd({"SORT", "x", "BY"})), "ERR syntax error");
  EXPECT_EQ(str(conn().cmd({"SORT", "x", "GET"})), "ERR syntax error");
  EXPECT_EQ(str(conn().cmd({"SORT", "x", "STORE"})), "ERR syntax error");
  EXPECT_EQ(str(conn().cmd({"SORT_RO", "x", "STORE", "d"})), "ERR syntax error");
  EXPECT_EQ(str(conn().cmd({"SORT", "x", "foo", "LIMIT", "a", "b"})), "ERR syntax error");
  EXPECT_EQ(str(conn().cmd({"SORT", "x", "LIMIT", "a", "b", "foo"})),
            "ERR value is not an integer or out of range");
  push("RPUSH", "l", {"1", "nan"});
  EXPECT_EQ(str(conn().cmd({"SORT", "l"})), kNotDouble);
  EXPECT_EQ(str(conn().cmd({"SORT", "l", "LIMIT", "0", "0"})), kNotDouble);
  EXPECT_EQ(run({"SORT", "l", "ALPHA"}), (Strings{"1", "nan"}));
  EXPECT_EQ(run({"SORT", "l", "BY", "nosort"}), (Strings{"1", "nan"}));
}

// redis-server 7.0 does not clear errno before strtod, so one weight out of range makes
// its later numeric sorts fail on the same connection; ours answer each sort by itself.
TEST_P(SortTest, OutOfRangeWeightsDoNotLeak) {
  push("RPUSH", "huge", {"1e400"});
  push("RPUSH", "tiny", {"1e-400"});
  push("RPUSH", "ok", {"2.5", "1.5"});
  EXPECT_EQ(str(conn().cmd({"SORT", "huge"})), kNotDouble);
  EXPECT_EQ(run({"SORT", "ok"}), (Strings{"1.5", "2.5"}));
  EXPECT_EQ(str(conn().cmd({"SORT", "tiny"})), kNotDouble);
  EXPECT_EQ(run({"SORT", "ok", "DESC"}), (Strings{"2.5", "1.5"}));
}

TEST_P(SortTest, Resp3Replies) {
  push("RPUSH", "l", {"2", "1"});
  conn().cmd({"SET", "v_1", "one"});
  conn().cmd({"HELLO", "3"});
  EXPECT_EQ(raw({"SORT", "l", "GET", "v_*", "GET", "#"}),
            "*4\r\n$3\r\none\r\n$1\r\n1\r\n_\r\n$1\r\n2\r\n");
  EXPECT_EQ(raw({"SORT", "missing"}), "*0\r\n");
  EXPECT_EQ(raw({"SORT", "l", "STORE", "d"}), ":2\r\n");
}

TEST_P(SortTest, LargeInputs) {
  // 100,000 shuffled integers, sorted whole and through BY with a LIMIT (partial sort).
  Strings values = numbers(0, 99999);
  std::mt19937 rng(42);
  std::shuffle(values.begin(), values.end(), rng);
  for (size_t i = 0; i < values.size(); i += 1000) {
    std::vector<std::string> args{"RPUSH", "big"};
    args.insert(args.end(), values.begin() + static_cast<long>(i),
                values.begin() + static_cast<long>(i + 1000));
    conn().append(args);
  }
  for (size_t i = 0; i < values.size(); i += 1000) ASSERT_FALSE(is_error(conn().read_reply()));
  Strings sorted = run({"SORT", "big"});
  ASSERT_EQ(sorted.size(), 100000u);
  for (int i = 0; i < 100000; i++) ASSERT_EQ(sorted[static_cast<size_t>(i)], std::to_string(i));
  conn().cmd({"MSET", "w_99999", "-1", "w_5", "-0.5", "w_7", "1"});
  EXPECT_EQ(run({"SORT", "big", "BY", "w_*", "LIMIT", "0", "4"}),
            (Strings{"99999", "5", "0", "1"}));
  EXPECT_EQ(run({"SORT", "big", "BY", "w_*", "DESC", "LIMIT", "0", "3"}),
            (Strings{"7", "99998", "99997"}));
  EXPECT_EQ(run({"SORT", "big", "DESC", "LIMIT", "10", "2"}), (Strings{"99989", "99988"}));
  EXPECT_EQ(integer(conn().cmd({"SORT", "big", "ALPHA", "STORE", "dst"})), 100000);
  EXPECT_EQ(str(conn().cmd({"LINDEX", "dst", "1"})), "1");
  EXPECT_EQ(str(conn().cmd({"LINDEX", "dst", "2"})), "10");
}

RKV_INSTANTIATE_IO_MODES(SortTest);

}  // namespace
}  // namespace rkv::test

// Set family against the running server: every command, the intset/listpack/hashtable
// encodings and their conversions (Redis 7.2's rules), RESP3 set replies, SPOP and
// SRANDMEMBER strategies (uniqueness, distribution), SSCAN across rehashing, and sets of
// 100,000 members. Exact replies come from redis-server 7.0 (tests/compat/set.txt holds
// the byte-for-byte comparison); what 7.0 cannot show (listpack sets, random members) is here.
#include <unistd.h>

#include <cmath>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "harness.h"

namespace rkv::test {
namespace {

constexpr const char* kWrongType =
    "WRONGTYPE Operation against a key holding the wrong kind of value";

class SetTest : public ServerTest {
 protected:
  std::string raw(const std::vector<std::string>& args) { return conn().raw_cmd(args); }
  std::string encoding(const std::string& key) {
    return str(conn().cmd({"OBJECT", "ENCODING", key}));
  }
  long long scard(const std::string& key) { return integer(conn().cmd({"SCARD", key})); }
  bool member(const std::string& key, const std::string& m) {
    return integer(conn().cmd({"SISMEMBER", key, m})) == 1;
  }
  long long sadd(const std::string& key, const std::vector<std::string>& members) {
    std::vector<std::string> args = {"SADD", key};
    args.insert(args.end(), members.begin(), members.end());
    return integer(conn().cmd(args));
  }
  // Adds prefix0..prefix<n-1> (just the numbers when prefix is empty), pipelined in
  // commands of 1000 members.
  void fill(const std::string& key, const std::string& prefix, size_t n, size_t from = 0) {
    size_t commands = 0;
    for (size_t i = from; i < from + n;) {
      std::vector<std::string> args = {"SADD", key};
      for (size_t j = 0; j < 1000 && i < from + n; j++, i++)
        args.push_back(prefix + std::to_string(i));
      conn().append(args);
      commands++;
    }
    for (size_t c = 0; c < commands; c++) ASSERT_FALSE(is_error(conn().read_reply()));
  }
  static std::vector<std::string> elements(const ReplyPtr& r) {
    std::vector<std::string> out;
    if (!r || r->type != REDIS_REPLY_ARRAY) return out;
    for (size_t i = 0; i < r->elements; i++)
      out.emplace_back(r->element[i]->str, r->element[i]->len);
    return out;
  }
  std::vector<std::string> list(std::initializer_list<std::string_view> args) {
    return elements(conn().cmd(args));
  }
  std::set<std::string> set_of(std::initializer_list<std::string_view> args) {
    auto v = list(args);
    return {v.begin(), v.end()};
  }
};

std::vector<std::string> numbers(int from, int to) {
  std::vector<std::string> v;
  for (int i = from; i <= to; i++) v.push_back(std::to_string(i));
  return v;
}

TEST_P(SetTest, AddRemoveCardMembers) {
  EXPECT_EQ(sadd("s", {"b", "a", "c", "a"}), 3);
  EXPECT_EQ(sadd("s", {"a", "d"}), 1);
  EXPECT_EQ(scard("s"), 4);
  EXPECT_EQ(set_of({"SMEMBERS", "s"}), (std::set<std::string>{"a", "b", "c", "d"}));
  EXPECT_TRUE(member("s", "a"));
  EXPECT_FALSE(member("s", "z"));
  EXPECT_EQ(list({"SMISMEMBER", "s", "a", "z", "d"}).size(), 3u);
  auto r = conn().cmd({"SMISMEMBER", "s", "a", "z", "d"});
  EXPECT_EQ(r->element[0]->integer, 1);
  EXPECT_EQ(r->element[1]->integer, 0);
  EXPECT_EQ(r->element[2]->integer, 1);
  EXPECT_EQ(integer(conn().cmd({"SREM", "s", "a", "z"})), 1);
  EXPECT_EQ(integer(conn().cmd({"SREM", "s", "b", "c", "d"})), 3);
  // An empty set is deleted.
  EXPECT_EQ(integer(conn().cmd({"EXISTS", "s"})), 0);
  EXPECT_EQ(scard("s"), 0);
  EXPECT_EQ(str(conn().cmd({"TYPE", "s"})), "none");
  EXPECT_EQ(list({"SMEMBERS", "s"}).size(), 0u);
}

TEST_P(SetTest, WrongTypeEverywhere) {
  conn().cmd({"SET", "str", "v"});
  conn().cmd({"SADD", "s", "1"});
  for (std::vector<std::string> args : std::vector<std::vector<std::string>>{
           {"SADD", "str", "a"},
           {"SREM", "str", "a"},
           {"SMEMBERS", "str"},
           {"SISMEMBER", "str", "a"},
           {"SMISMEMBER", "str", "a"},
           {"SCARD", "str"},
           {"SPOP", "str"},
           {"SPOP", "str", "3"},
           {"SRANDMEMBER", "str"},
           {"SRANDMEMBER", "str", "-3"},
           {"SMOVE", "str", "s", "a"},
           {"SMOVE", "s", "str", "1"},
           {"SINTER", "s", "str"},
           {"SINTER", "missing", "str"},
           {"SUNION", "s", "str"},
           {"SDIFF", "s", "str"},
           {"SINTERSTORE", "d", "s", "str"},
           {"SUNIONSTORE", "d", "str"},
           {"SDIFFSTORE", "d", "s", "str"},
           {"SINTERCARD", "2", "s", "str"},
           {"SSCAN", "str", "0"},
       })
    EXPECT_EQ(str(conn().cmd(args)), kWrongType) << args[0];
  EXPECT_EQ(integer(conn().cmd({"EXISTS", "d"})), 0);
  EXPECT_EQ(str(conn().cmd({"GET", "s"})), kWrongType);
  // A missing source with a wrong-typed destination: nothing to move, no error (Redis).
  EXPECT_EQ(integer(conn().cmd({"SMOVE", "missing", "str", "a"})), 0);
  // The destination of a STORE is overwritten whatever it held.
  EXPECT_EQ(integer(conn().cmd({"SUNIONSTORE", "str", "s"})), 1);
  EXPECT_EQ(str(conn().cmd({"TYPE", "str"})), "set");
}

TEST_P(SetTest, EncodingsAndConversions) {
  sadd("ints", numbers(1, 512));
  EXPECT_EQ(encoding("ints"), "intset");
  sadd("ints", {"513"});
  EXPECT_EQ(encoding("ints"), "hashtable");  // past 512: never a listpack

  sadd("small", {"1", "2", "3"});
  EXPECT_EQ(encoding("small"), "intset");
  sadd("small", {"x"});
  EXPECT_EQ(encoding("small"), "listpack");  // 7.2: a small intset takes a string as listpack
  sadd("small", {"4"});
  EXPECT_EQ(encoding("small"), "listpack");  // never back to intset
  EXPECT_EQ(scard("small"), 5);

  sadd("mid", numbers(1, 128));
  sadd("mid", {"x"});
  EXPECT_EQ(encoding("mid"), "hashtable");  // 128 integers + a string > 128 entries

  sadd("lp", {"a"});
  EXPECT_EQ(encoding("lp"), "listpack");
  std::vector<std::string> m;
  for (int i = 0; i < 127; i++) m.push_back("m" + std::to_string(i));
  sadd("lp", m);
  EXPECT_EQ(scard("lp"), 128);
  EXPECT_EQ(encoding("lp"), "listpack");
  sadd("lp", {"one-more"});
  EXPECT_EQ(encoding("lp"), "hashtable");
  conn().cmd({"SREM", "lp", "one-more", "m1", "m2"});
  EXPECT_EQ(encoding("lp"), "hashtable");  // removals never convert down

  sadd("long", {"a", std::string(64, 'v')});
  EXPECT_EQ(encoding("long"), "listpack");
  sadd("long", {std::string(65, 'v')});
  EXPECT_EQ(encoding("long"), "hashtable");
  sadd("long-int", {"1", std::string(65, 'v')});
  EXPECT_EQ(encoding("long-int"), "hashtable");

  // SADD of a new key: the first member and the argument count choose (setTypeCreate).
  sadd("h1", m);  // 127 strings
  EXPECT_EQ(encoding("h1"), "listpack");
  auto many = numbers(1, 600);
  sadd("h2", many);
  EXPECT_EQ(encoding("h2"), "hashtable");
  many.insert(many.begin(), "str");
  sadd("h3", std::vector<std::string>(many.begin(), many.begin() + 129));
  EXPECT_EQ(encoding("h3"), "hashtable");
  // An existing listpack given more than 128 arguments converts at once, even if they are
  // all duplicates (Redis 7.2's setTypeMaybeConvert).
  sadd("dup", {"a"});
  EXPECT_EQ(sadd("dup", std::vector<std::string>(129, "a")), 0);
  EXPECT_EQ(encoding("dup"), "hashtable");

  // The limits are read at each command.
  EXPECT_EQ(str(conn().cmd({"CONFIG", "SET", "set-max-listpack-entries", "2"})), "OK");
  sadd("cfg", {"a", "b"});
  EXPECT_EQ(encoding("cfg"), "listpack");
  sadd("cfg", {"c"});
  EXPECT_EQ(encoding("cfg"), "hashtable");
  EXPECT_EQ(str(conn().cmd({"CONFIG", "SET", "set-max-listpack-value", "3"})), "OK");
  conn().cmd({"CONFIG", "SET", "set-max-listpack-entries", "128"});
  sadd("cfg2", {"abc"});
  sadd("cfg2", {"abcd"});
  EXPECT_EQ(encoding("cfg2"), "hashtable");
  conn().cmd({"CONFIG", "SET", "set-max-intset-entries", "3"});
  sadd("cfg3", {"1", "2", "3"});
  EXPECT_EQ(encoding("cfg3"), "intset");
  sadd("cfg3", {"4"});
  EXPECT_EQ(encoding("cfg3"), "hashtable");
}

TEST_P(SetTest, StoreResultsGetTheSmallestEncoding) {
  fill("bigint", "", 1000);  // hashtable of integers
  fill("bigint2", "", 1000, 995);
  ASSERT_EQ(encoding("bigint"), "hashtable");
  EXPECT_EQ(integer(conn().cmd({"SINTERSTORE", "d", "bigint", "bigint2"})), 5);
  EXPECT_EQ(encoding("d"), "intset");
  EXPECT_EQ(list({"SMEMBERS", "d"}), (std::vector<std::string>{"995", "996", "997", "998", "999"}));
  EXPECT_EQ(integer(conn().cmd({"SDIFFSTORE", "d", "bigint2", "bigint"})), 995);
  EXPECT_EQ(encoding("d"), "hashtable");
  fill("bigstr", "m", 300);
  fill("bigstr2", "m", 300, 297);
  EXPECT_EQ(integer(conn().cmd({"SINTERSTORE", "d", "bigstr", "bigstr2"})), 3);
  EXPECT_EQ(encoding("d"), "listpack");
  // SDIFF by removal (Redis's algorithm 2, chosen when the first set is large next to the
  // sum of the others times their number) can end small: the result is rebuilt small.
  conn().cmd({"COPY", "bigint", "bigcopy"});
  conn().cmd({"SREM", "bigcopy", "0", "1", "2", "3", "4"});
  sadd("few", {"1", "2"});
  EXPECT_EQ(integer(conn().cmd(
                {"SDIFFSTORE", "d", "bigint", "bigcopy", "few", "few", "few", "few", "few"})),
            3);
  EXPECT_EQ(encoding("d"), "intset");
  EXPECT_EQ(list({"SMEMBERS", "d"}), (std::vector<std::string>{"0", "3", "4"}));
  // Subtracting everything deletes the destination.
  EXPECT_EQ(integer(conn().cmd({"SDIFFSTORE", "d", "bigint", "bigint"})), 0);
  EXPECT_EQ(integer(conn().cmd({"EXISTS", "d"})), 0);
  EXPECT_EQ(integer(conn().cmd({"SUNIONSTORE", "d", "few", "small-missing"})), 2);
  EXPECT_EQ(encoding("d"), "intset");
  sadd("s1", {"a"});
  EXPECT_EQ(integer(conn().cmd({"SUNIONSTORE", "d", "few", "s1"})), 3);
  EXPECT_EQ(encoding("d"), "listpack");
}

TEST_P(SetTest, StoreIntoASourceKey) {
  sadd("a", {"1", "2", "3", "x"});
  sadd("b", {"2", "3", "4"});
  EXPECT_EQ(integer(conn().cmd({"SINTERSTORE", "a", "a", "b"})), 2);
  EXPECT_EQ(set_of({"SMEMBERS", "a"}), (std::set<std::string>{"2", "3"}));
  EXPECT_EQ(integer(conn().cmd({"SUNIONSTORE", "b", "a", "b"})), 3);
  EXPECT_EQ(integer(conn().cmd({"SDIFFSTORE", "b", "b", "a"})), 1);
  EXPECT_EQ(list({"SMEMBERS", "b"}), (std::vector<std::string>{"4"}));
  EXPECT_EQ(integer(conn().cmd({"SDIFFSTORE", "b", "b", "b"})), 0);
  EXPECT_EQ(integer(conn().cmd({"EXISTS", "b"})), 0);
  // The empty key name is a key like any other.
  EXPECT_EQ(integer(conn().cmd({"SUNIONSTORE", "", "a"})), 2);
  EXPECT_EQ(scard(""), 2);
  // STORE replaces the destination's TTL.
  conn().cmd({"EXPIRE", "a", "100"});
  EXPECT_EQ(integer(conn().cmd({"SINTERSTORE", "a", "a", ""})), 2);
  EXPECT_EQ(integer(conn().cmd({"TTL", "a"})), -1);
}

TEST_P(SetTest, Resp3Replies) {
  raw({"HELLO", "3"});
  raw({"SADD", "s", "3", "1", "2"});
  EXPECT_EQ(raw({"SMEMBERS", "s"}), "~3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n");
  EXPECT_EQ(raw({"SMEMBERS", "missing"}), "~0\r\n");
  EXPECT_EQ(raw({"SINTER", "s", "s"}), "~3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n");
  EXPECT_EQ(raw({"SINTER", "s", "missing"}), "~0\r\n");
  EXPECT_EQ(raw({"SUNION", "s", "missing"}), "~3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n");
  EXPECT_EQ(raw({"SDIFF", "s", "s"}), "~0\r\n");
  EXPECT_EQ(raw({"SPOP", "missing"}), "_\r\n");
  EXPECT_EQ(raw({"SRANDMEMBER", "missing"}), "_\r\n");
  EXPECT_EQ(raw({"SPOP", "missing", "3"}), "~0\r\n");
  EXPECT_EQ(raw({"SRANDMEMBER", "missing", "3"}), "*0\r\n");
  EXPECT_EQ(raw({"SRANDMEMBER", "s", "-2"}).substr(0, 4), "*2\r\n");
  EXPECT_EQ(raw({"SMISMEMBER", "s", "1", "9"}), "*2\r\n:1\r\n:0\r\n");
  EXPECT_EQ(raw({"SSCAN", "s", "0"}), "*2\r\n$1\r\n0\r\n*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n");
  EXPECT_EQ(raw({"SPOP", "s", "5"}), "~3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n");
  raw({"SADD", "t", "a", "b", "c", "d", "e", "f"});
  EXPECT_EQ(raw({"SPOP", "t", "2"}).substr(0, 4), "~2\r\n");
}

TEST_P(SetTest, Smove) {
  sadd("src", {"1", "a"});
  EXPECT_EQ(integer(conn().cmd({"SMOVE", "src", "dst", "1"})), 1);
  EXPECT_EQ(encoding("dst"), "intset");
  EXPECT_EQ(integer(conn().cmd({"SMOVE", "src", "dst", "1"})), 0);
  EXPECT_EQ(integer(conn().cmd({"SMOVE", "src", "dst2", "a"})), 1);
  EXPECT_EQ(encoding("dst2"), "listpack");
  EXPECT_EQ(integer(conn().cmd({"EXISTS", "src"})), 0);  // emptied and deleted
  EXPECT_EQ(integer(conn().cmd({"SMOVE", "dst", "dst", "1"})), 1);
  EXPECT_EQ(integer(conn().cmd({"SMOVE", "dst", "dst", "2"})), 0);
  EXPECT_EQ(integer(conn().cmd({"SMOVE", "dst2", "dst", "a"})), 1);
  EXPECT_EQ(encoding("dst"), "listpack");
  EXPECT_EQ(set_of({"SMEMBERS", "dst"}), (std::set<std::string>{"1", "a"}));
  // Into a set that already has the member: still 1, and the source loses it.
  sadd("x", {"a"});
  EXPECT_EQ(integer(conn().cmd({"SMOVE", "x", "dst", "a"})), 1);
  EXPECT_EQ(integer(conn().cmd({"EXISTS", "x"})), 0);
  EXPECT_EQ(scard("dst"), 2);
}

TEST_P(SetTest, Sintercard) {
  fill("a", "", 1000);
  fill("b", "", 1000, 500);
  EXPECT_EQ(integer(conn().cmd({"SINTERCARD", "2", "a", "b"})), 500);
  EXPECT_EQ(integer(conn().cmd({"SINTERCARD", "2", "a", "b", "LIMIT", "10"})), 10);
  EXPECT_EQ(integer(conn().cmd({"SINTERCARD", "2", "a", "b", "LIMIT", "0"})), 500);
  EXPECT_EQ(integer(conn().cmd({"SINTERCARD", "2", "a", "b", "LIMIT", "5000"})), 500);
  EXPECT_EQ(integer(conn().cmd({"SINTERCARD", "1", "a"})), 1000);
  EXPECT_EQ(integer(conn().cmd({"SINTERCARD", "3", "a", "b", "missing"})), 0);
  EXPECT_EQ(str(conn().cmd({"SINTERCARD", "0", "a"})), "ERR numkeys should be greater than 0");
  EXPECT_EQ(str(conn().cmd({"SINTERCARD", "3", "a", "b"})),
            "ERR Number of keys can't be greater than number of args");
  EXPECT_EQ(str(conn().cmd({"SINTERCARD", "2", "a", "b", "LIMIT", "-1"})),
            "ERR LIMIT can't be negative");
}

TEST_P(SetTest, SpopCountStrategies) {
  // For each encoding, counts that take each of Redis's paths: one by one (remaining*5 >
  // count), keep-the-survivors (the rest), and everything (count >= size).
  struct Case {
    std::string prefix;
    size_t n;
    std::string enc;
  };
  for (const Case& c : std::vector<Case>{{"", 100, "intset"},
                                         {"m", 100, "listpack"},
                                         {"", 2000, "hashtable"},
                                         {"m", 2000, "hashtable"}}) {
    for (size_t count : {size_t{1}, c.n / 10, c.n * 9 / 10, c.n - 1, c.n, c.n + 5}) {
      conn().cmd({"DEL", "s"});
      fill("s", c.prefix, c.n);
      ASSERT_EQ(encoding("s"), c.enc);
      auto popped = list({"SPOP", "s", std::to_string(count)});
      size_t want = std::min(count, c.n);
      ASSERT_EQ(popped.size(), want) << c.enc << " count " << count;
      std::set<std::string> unique(popped.begin(), popped.end());
      ASSERT_EQ(unique.size(), want) << "SPOP members are distinct";
      for (const auto& m : popped) {
        ASSERT_EQ(m.substr(0, c.prefix.size()), c.prefix);
        ASSERT_LT(std::stoul(m.substr(c.prefix.size())), c.n);
        ASSERT_FALSE(member("s", m)) << "popped members leave the set";
      }
      ASSERT_EQ(scard("s"), static_cast<long long>(c.n - want));
      ASSERT_EQ(integer(conn().cmd({"EXISTS", "s"})), want < c.n ? 1 : 0);
      if (want < c.n) {
        // The survivors are the members that were not popped.
        auto rest = list({"SMEMBERS", "s"});
        for (const auto& m : rest) ASSERT_EQ(unique.count(m), 0u);
        ASSERT_EQ(rest.size() + popped.size(), c.n);
      }
    }
  }
}

TEST_P(SetTest, SpopKeepsSurvivorsInASmallEncoding) {
  fill("s", "", 1000);
  ASSERT_EQ(encoding("s"), "hashtable");
  EXPECT_EQ(list({"SPOP", "s", "995"}).size(), 995u);
  EXPECT_EQ(scard("s"), 5);
  // Like 7.2: the survivors of a hashtable go into a new listpack.
  EXPECT_EQ(encoding("s"), "listpack");
  fill("t", "", 100);
  EXPECT_EQ(list({"SPOP", "t", "99"}).size(), 99u);
  EXPECT_EQ(encoding("t"), "intset");
  // A listpack's survivors stay a listpack, even when they are all integers.
  fill("u", "", 100);
  sadd("u", {"x"});
  ASSERT_EQ(encoding("u"), "listpack");
  conn().cmd({"SREM", "u", "x"});
  EXPECT_EQ(list({"SPOP", "u", "99"}).size(), 99u);
  EXPECT_EQ(encoding("u"), "listpack");
  EXPECT_EQ(scard("u"), 1);
}

TEST_P(SetTest, SpopSingleDrainsTheSet) {
  fill("s", "m", 300);
  std::set<std::string> seen;
  for (int i = 0; i < 300; i++) {
    std::string m = str(conn().cmd({"SPOP", "s"}));
    ASSERT_TRUE(seen.insert(m).second) << m;
  }
  EXPECT_EQ(seen.size(), 300u);
  EXPECT_EQ(integer(conn().cmd({"EXISTS", "s"})), 0);
  EXPECT_EQ(str(conn().cmd({"SPOP", "s"})), "<nil>");
}

// Pearson's chi-square of counts over n equally likely members against its mean (n-1)
// plus 5 standard deviations: a fair sampler fails about once in three million runs.
void expect_uniform(const std::map<std::string, int>& counts, size_t n, int draws,
                    const std::string& what) {
  ASSERT_EQ(counts.size(), n) << what << ": every member drawn";
  double expected = static_cast<double>(draws) / static_cast<double>(n);
  double chi = 0;
  for (const auto& [m, c] : counts) chi += (c - expected) * (c - expected) / expected;
  double dof = static_cast<double>(n - 1);
  EXPECT_LT(chi, dof + 5 * std::sqrt(2 * dof)) << what;
}

TEST_P(SetTest, SrandmemberDistributionAndUniqueness) {
  struct Case {
    std::string prefix;
    size_t n;
    std::string enc;
  };
  for (const Case& c : std::vector<Case>{{"", 50, "intset"},
                                         {"m", 50, "listpack"},
                                         {"", 1000, "hashtable"},
                                         {"m", 1000, "hashtable"}}) {
    conn().cmd({"DEL", "s"});
    fill("s", c.prefix, c.n);
    ASSERT_EQ(encoding("s"), c.enc);
    // Negative counts: independent draws, repeats allowed.
    std::map<std::string, int> counts;
    int draws = static_cast<int>(c.n) * 100;
    for (const auto& m : list({"SRANDMEMBER", "s", std::to_string(-draws)})) counts[m]++;
    expect_uniform(counts, c.n, draws, c.enc + " negative count");
    // Single draws.
    counts.clear();
    for (int i = 0; i < 50 * static_cast<int>(c.n); i++) {
      conn().append({"SRANDMEMBER", "s"});
    }
    for (int i = 0; i < 50 * static_cast<int>(c.n); i++) counts[str(conn().read_reply())]++;
    expect_uniform(counts, c.n, 50 * static_cast<int>(c.n), c.enc + " single");
    // Positive counts in each of Redis's cases: the whole set, a large share (copy and
    // pick), a small share (draw until distinct). Members distinct and equally likely.
    for (size_t count : {c.n + 1, c.n * 2 / 3, c.n / 10}) {
      counts.clear();
      int rounds = 0;
      int total = 0;
      while (total < static_cast<int>(c.n) * 60) {
        auto got = list({"SRANDMEMBER", "s", std::to_string(count)});
        size_t want = std::min(count, c.n);
        ASSERT_EQ(got.size(), want);
        ASSERT_EQ(std::set<std::string>(got.begin(), got.end()).size(), want);
        for (const auto& m : got) counts[m]++;
        total += static_cast<int>(want);
        rounds++;
      }
      if (count < c.n)
        expect_uniform(counts, c.n, total, c.enc + " count " + std::to_string(count));
    }
    EXPECT_EQ(scard("s"), static_cast<long long>(c.n)) << "SRANDMEMBER never removes";
  }
}

TEST_P(SetTest, SscanIsCompleteAcrossRehashing) {
  fill("s", "m", 5000);
  std::set<std::string> seen;
  uint64_t cursor = 0;
  int step = 0;
  size_t added = 0;
  do {
    auto r = conn().cmd({"SSCAN", "s", std::to_string(cursor), "COUNT", "20"});
    ASSERT_EQ(r->type, REDIS_REPLY_ARRAY);
    cursor = std::stoull(std::string(r->element[0]->str, r->element[0]->len));
    for (size_t i = 0; i < r->element[1]->elements; i++)
      seen.emplace(r->element[1]->element[i]->str, r->element[1]->element[i]->len);
    // Grow the set through several table doublings during the scan, then shrink it.
    if (step % 3 == 0 && added < 30000) {
      fill("s", "grow", 2000, added);
      added += 2000;
    } else if (step > 200 && added > 0) {
      std::vector<std::string> rem = {"SREM", "s"};
      for (int i = 0; i < 2000 && added > 0; i++) rem.push_back("grow" + std::to_string(--added));
      conn().cmd(rem);
    }
    step++;
  } while (cursor != 0);
  for (int i = 0; i < 5000; i++) ASSERT_TRUE(seen.count("m" + std::to_string(i))) << i;
  EXPECT_GT(step, 10);
}

TEST_P(SetTest, SscanCountAndMatch) {
  fill("s", "m", 1000);
  auto r = conn().cmd({"SSCAN", "s", "0", "COUNT", "5"});
  EXPECT_GE(r->element[1]->elements, 1u);
  EXPECT_LT(r->element[1]->elements, 100u);
  EXPECT_NE(std::string(r->element[0]->str), "0");
  std::set<std::string> seen;
  uint64_t cursor = 0;
  do {
    auto s = conn().cmd({"SSCAN", "s", std::to_string(cursor), "MATCH", "m1*", "COUNT", "100"});
    cursor = std::stoull(s->element[0]->str);
    for (size_t i = 0; i < s->element[1]->elements; i++)
      seen.insert(s->element[1]->element[i]->str);
  } while (cursor != 0);
  EXPECT_EQ(seen.size(), 111u);  // m1, m10-m19, m100-m199
  // Compact encodings answer everything at once, cursor 0, whatever the cursor and COUNT.
  sadd("small", {"a", "b", "c"});
  auto all = conn().cmd({"SSCAN", "small", "12345", "COUNT", "1"});
  EXPECT_EQ(std::string(all->element[0]->str), "0");
  EXPECT_EQ(all->element[1]->elements, 3u);
}

TEST_P(SetTest, LargeSetsOf100k) {
  fill("a", "member:", 100000);
  fill("b", "member:", 100000, 50000);
  EXPECT_EQ(scard("a"), 100000);
  EXPECT_EQ(encoding("a"), "hashtable");
  EXPECT_TRUE(member("a", "member:99999"));
  EXPECT_FALSE(member("a", "member:100000"));
  EXPECT_EQ(integer(conn().cmd({"SINTERCARD", "2", "a", "b"})), 50000);
  EXPECT_EQ(integer(conn().cmd({"SINTERSTORE", "i", "a", "b"})), 50000);
  EXPECT_EQ(integer(conn().cmd({"SUNIONSTORE", "u", "a", "b"})), 150000);
  EXPECT_EQ(integer(conn().cmd({"SDIFFSTORE", "d", "a", "b"})), 50000);
  EXPECT_EQ(integer(conn().cmd({"SDIFFSTORE", "d2", "u", "a", "b"})), 0);
  EXPECT_EQ(list({"SMEMBERS", "a"}).size(), 100000u);
  EXPECT_EQ(list({"SUNION", "a", "b"}).size(), 150000u);
  EXPECT_EQ(list({"SINTER", "a", "b"}).size(), 50000u);
  EXPECT_EQ(list({"SDIFF", "b", "a"}).size(), 50000u);
  auto popped = list({"SPOP", "a", "60000"});
  EXPECT_EQ(popped.size(), 60000u);
  EXPECT_EQ(std::set<std::string>(popped.begin(), popped.end()).size(), 60000u);
  EXPECT_EQ(scard("a"), 40000);
  auto rnd = list({"SRANDMEMBER", "b", "30000"});
  EXPECT_EQ(std::set<std::string>(rnd.begin(), rnd.end()).size(), 30000u);
  EXPECT_EQ(integer(conn().cmd({"COPY", "b", "c"})), 1);
  EXPECT_EQ(integer(conn().cmd({"SINTERCARD", "2", "b", "c"})), 100000);
  std::vector<std::string> rem = {"SREM", "c"};
  for (int i = 50000; i < 149990; i++) rem.push_back("member:" + std::to_string(i));
  EXPECT_EQ(integer(conn().cmd(rem)), 99990);
  EXPECT_EQ(scard("c"), 10);
  EXPECT_EQ(scard("b"), 100000);
  EXPECT_EQ(integer(conn().cmd({"DEL", "a", "b", "c", "i", "u", "d"})), 6);
}

TEST_P(SetTest, KeyspaceCommands) {
  sadd("s", {"3", "1", "2"});
  EXPECT_EQ(str(conn().cmd({"TYPE", "s"})), "set");
  EXPECT_EQ(integer(conn().cmd({"COPY", "s", "c"})), 1);
  sadd("c", {"x"});
  EXPECT_EQ(scard("s"), 3);
  EXPECT_EQ(encoding("c"), "listpack");
  EXPECT_EQ(encoding("s"), "intset");
  EXPECT_EQ(str(conn().cmd({"RENAME", "c", "r"})), "OK");
  EXPECT_EQ(set_of({"SMEMBERS", "r"}), (std::set<std::string>{"1", "2", "3", "x"}));
  EXPECT_EQ(encoding("r"), "listpack");
  fill("h", "m", 200);
  EXPECT_EQ(integer(conn().cmd({"COPY", "h", "h2"})), 1);
  EXPECT_EQ(encoding("h2"), "hashtable");
  EXPECT_EQ(integer(conn().cmd({"SINTERCARD", "2", "h", "h2"})), 200);
  EXPECT_EQ(integer(conn().cmd({"MOVE", "h2", "1"})), 1);
  EXPECT_EQ(integer(conn().cmd({"EXISTS", "h2"})), 0);
  EXPECT_EQ(integer(conn().cmd({"DEL", "h", "r", "s"})), 3);
  EXPECT_EQ(integer(conn().cmd({"DBSIZE"})), 0);
  conn().cmd({"SELECT", "1"});
  EXPECT_EQ(scard("h2"), 200);
}

TEST_P(SetTest, LargeSetsAreFreedOffThread) {
  auto freed = [&] { return std::stoll(info_field(conn(), "memory", "lazyfreed_objects")); };
  fill("small", "", 500);  // an intset: one block, freed inline whatever its size
  fill("big", "m", 1000);  // a hashtable of 1000 members: above LAZYFREE_THRESHOLD (64)
  EXPECT_EQ(integer(conn().cmd({"UNLINK", "small"})), 1);
  EXPECT_EQ(freed(), 0);
  EXPECT_EQ(integer(conn().cmd({"UNLINK", "big"})), 1);
  for (int i = 0; i < 200 && freed() == 0; i++) usleep(10000);
  EXPECT_EQ(freed(), 1);
  EXPECT_EQ(integer(conn().cmd({"EXISTS", "big"})), 0);
}

RKV_INSTANTIATE_IO_MODES(SetTest);

}  // namespace
}  // namespace rkv::test

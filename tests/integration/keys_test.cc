// Generic keyspace family against the running server: DEL EXISTS TYPE, EXPIRE and TTL,
// RENAME, KEYS SCAN, MOVE COPY SWAPDB, OBJECT, and active expiry.
#include <algorithm>
#include <chrono>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "harness.h"

namespace rkv::test {
namespace {

class KeysTest : public ServerTest {
 protected:
  // Runs a whole SCAN with the given extra arguments; returns every key reported.
  std::vector<std::string> full_scan(const std::vector<std::string>& extra = {}) {
    std::vector<std::string> out;
    std::string cursor = "0";
    do {
      std::vector<std::string> args = {"SCAN", cursor};
      args.insert(args.end(), extra.begin(), extra.end());
      auto r = conn().cmd(args);
      EXPECT_EQ(r->type, REDIS_REPLY_ARRAY);
      if (r->type != REDIS_REPLY_ARRAY) break;
      cursor = r->element[0]->str;
      for (size_t i = 0; i < r->element[1]->elements; i++)
        out.emplace_back(r->element[1]->element[i]->str);
    } while (cursor != "0");
    return out;
  }

  std::vector<std::string> sorted_strings(const ReplyPtr& r) {
    std::vector<std::string> out;
    for (size_t i = 0; i < r->elements; i++) out.emplace_back(r->element[i]->str);
    std::sort(out.begin(), out.end());
    return out;
  }
};

TEST_P(KeysTest, DelExistsTypeTouch) {
  conn().cmd({"SET", "a", "1"});
  conn().cmd({"SET", "b", "x"});
  EXPECT_EQ(integer(conn().cmd({"EXISTS", "a", "a", "b", "missing"})), 3);
  EXPECT_EQ(str(conn().cmd({"TYPE", "a"})), "string");
  EXPECT_EQ(str(conn().cmd({"TYPE", "missing"})), "none");
  EXPECT_EQ(integer(conn().cmd({"TOUCH", "a", "missing", "b"})), 2);
  EXPECT_EQ(integer(conn().cmd({"DEL", "a", "a", "missing"})), 1);
  EXPECT_EQ(integer(conn().cmd({"UNLINK", "b", "missing"})), 1);
  EXPECT_EQ(integer(conn().cmd({"EXISTS", "a", "b"})), 0);
  EXPECT_EQ(str(conn().cmd({"DEL"})), "ERR wrong number of arguments for 'del' command");
  EXPECT_EQ(str(conn().cmd({"TYPE", "a", "b"})),
            "ERR wrong number of arguments for 'type' command");
}

TEST_P(KeysTest, TtlSemantics) {
  EXPECT_EQ(integer(conn().cmd({"TTL", "missing"})), -2);
  EXPECT_EQ(integer(conn().cmd({"PTTL", "missing"})), -2);
  EXPECT_EQ(integer(conn().cmd({"EXPIRETIME", "missing"})), -2);
  conn().cmd({"SET", "k", "v"});
  EXPECT_EQ(integer(conn().cmd({"TTL", "k"})), -1);
  EXPECT_EQ(integer(conn().cmd({"PEXPIRETIME", "k"})), -1);
  EXPECT_EQ(integer(conn().cmd({"EXPIRE", "k", "100"})), 1);
  EXPECT_EQ(integer(conn().cmd({"TTL", "k"})), 100);  // rounded to the nearest second
  long long pttl = integer(conn().cmd({"PTTL", "k"}));
  EXPECT_GT(pttl, 99000);
  EXPECT_LE(pttl, 100000);
  // Absolute times round-trip; EXPIRETIME rounds half up.
  EXPECT_EQ(integer(conn().cmd({"PEXPIREAT", "k", "4000000000500"})), 1);
  EXPECT_EQ(integer(conn().cmd({"PEXPIRETIME", "k"})), 4000000000500);
  EXPECT_EQ(integer(conn().cmd({"EXPIRETIME", "k"})), 4000000001);
  EXPECT_EQ(integer(conn().cmd({"PERSIST", "k"})), 1);
  EXPECT_EQ(integer(conn().cmd({"PERSIST", "k"})), 0);
  EXPECT_EQ(integer(conn().cmd({"TTL", "k"})), -1);
  // A short TTL really ends the key (lazy expiry on read).
  EXPECT_EQ(integer(conn().cmd({"PEXPIRE", "k", "50"})), 1);
  std::this_thread::sleep_for(std::chrono::milliseconds(120));
  EXPECT_EQ(str(conn().cmd({"GET", "k"})), "<nil>");
  EXPECT_EQ(integer(conn().cmd({"TTL", "k"})), -2);
  // A time in the past deletes at once and still answers 1.
  conn().cmd({"SET", "k", "v"});
  EXPECT_EQ(integer(conn().cmd({"EXPIRE", "k", "-1"})), 1);
  EXPECT_EQ(integer(conn().cmd({"EXISTS", "k"})), 0);
  EXPECT_EQ(integer(conn().cmd({"EXPIRE", "k", "10"})), 0);
}

TEST_P(KeysTest, ExpireOptionsAndErrors) {
  conn().cmd({"SET", "k", "v"});
  EXPECT_EQ(integer(conn().cmd({"EXPIRE", "k", "100", "XX"})), 0);
  EXPECT_EQ(integer(conn().cmd({"EXPIRE", "k", "100", "GT"})), 0);  // no TTL is infinite
  EXPECT_EQ(integer(conn().cmd({"EXPIRE", "k", "100", "NX"})), 1);
  EXPECT_EQ(integer(conn().cmd({"EXPIRE", "k", "200", "NX"})), 0);
  EXPECT_EQ(integer(conn().cmd({"EXPIRE", "k", "50", "GT"})), 0);
  EXPECT_EQ(integer(conn().cmd({"EXPIRE", "k", "200", "GT"})), 1);
  EXPECT_EQ(integer(conn().cmd({"EXPIRE", "k", "300", "LT"})), 0);
  EXPECT_EQ(integer(conn().cmd({"EXPIRE", "k", "150", "xx", "lt"})), 1);
  EXPECT_EQ(integer(conn().cmd({"TTL", "k"})), 150);
  EXPECT_EQ(str(conn().cmd({"EXPIRE", "k", "1", "NX", "XX"})),
            "ERR NX and XX, GT or LT options at the same time are not compatible");
  EXPECT_EQ(str(conn().cmd({"EXPIRE", "k", "1", "GT", "LT"})),
            "ERR GT and LT options at the same time are not compatible");
  EXPECT_EQ(str(conn().cmd({"EXPIRE", "k", "1", "SOON"})), "ERR Unsupported option SOON");
  EXPECT_EQ(str(conn().cmd({"EXPIRE", "k", "1x"})), "ERR value is not an integer or out of range");
  EXPECT_EQ(str(conn().cmd({"EXPIRE", "k", "9223372036854775807"})),
            "ERR invalid expire time in 'expire' command");
  EXPECT_EQ(str(conn().cmd({"PEXPIRE", "k", "9223372036854775807"})),
            "ERR invalid expire time in 'pexpire' command");
  EXPECT_EQ(str(conn().cmd({"EXPIREAT", "k", "-9223372036854775808"})),
            "ERR invalid expire time in 'expireat' command");
  EXPECT_EQ(integer(conn().cmd({"TTL", "k"})), 150);  // errors changed nothing
}

TEST_P(KeysTest, RenameOverExistingKeyWithTtl) {
  conn().cmd({"SET", "src", "fresh"});
  conn().cmd({"SET", "dst", "old"});
  conn().cmd({"EXPIRE", "dst", "1000"});
  EXPECT_EQ(str(conn().cmd({"RENAME", "src", "dst"})), "OK");
  EXPECT_EQ(str(conn().cmd({"GET", "dst"})), "fresh");
  EXPECT_EQ(integer(conn().cmd({"TTL", "dst"})), -1);  // the old key's TTL went with it
  EXPECT_EQ(integer(conn().cmd({"EXISTS", "src"})), 0);
  // The TTL moves with the renamed key.
  std::string big(100, 'x');
  conn().cmd({"SET", "src", big});
  conn().cmd({"PEXPIREAT", "src", "4000000000000"});
  EXPECT_EQ(str(conn().cmd({"RENAME", "src", "dst"})), "OK");
  EXPECT_EQ(str(conn().cmd({"GET", "dst"})), big);
  EXPECT_EQ(str(conn().cmd({"OBJECT", "ENCODING", "dst"})), "raw");
  EXPECT_EQ(integer(conn().cmd({"PEXPIRETIME", "dst"})), 4000000000000);
  EXPECT_EQ(str(conn().cmd({"RENAME", "src", "x"})), "ERR no such key");
  conn().cmd({"SET", "a", "1"});
  EXPECT_EQ(integer(conn().cmd({"RENAMENX", "a", "dst"})), 0);
  EXPECT_EQ(integer(conn().cmd({"RENAMENX", "a", "a"})), 0);
  EXPECT_EQ(str(conn().cmd({"RENAME", "a", "a"})), "OK");
  EXPECT_EQ(integer(conn().cmd({"RENAMENX", "a", "b"})), 1);
  EXPECT_EQ(str(conn().cmd({"GET", "b"})), "1");
}

TEST_P(KeysTest, MoveAndCopyBetweenDbs) {
  conn().cmd({"SET", "k", "v"});
  conn().cmd({"PEXPIREAT", "k", "4000000000000"});
  EXPECT_EQ(integer(conn().cmd({"MOVE", "k", "1"})), 1);
  EXPECT_EQ(integer(conn().cmd({"EXISTS", "k"})), 0);
  EXPECT_EQ(integer(conn().cmd({"MOVE", "k", "1"})), 0);
  EXPECT_EQ(str(conn().cmd({"MOVE", "k", "0"})), "ERR source and destination objects are the same");
  EXPECT_EQ(str(conn().cmd({"MOVE", "k", "16"})), "ERR DB index is out of range");
  EXPECT_EQ(str(conn().cmd({"SELECT", "1"})), "OK");
  EXPECT_EQ(str(conn().cmd({"GET", "k"})), "v");
  EXPECT_EQ(integer(conn().cmd({"PEXPIRETIME", "k"})), 4000000000000);

  // COPY to db 2 keeps the TTL and is independent of the source.
  EXPECT_EQ(integer(conn().cmd({"COPY", "k", "c", "DB", "2"})), 1);
  EXPECT_EQ(integer(conn().cmd({"COPY", "k", "c", "DB", "2"})), 0);
  conn().cmd({"SET", "k", "changed"});
  EXPECT_EQ(integer(conn().cmd({"COPY", "k", "c", "DB", "2", "REPLACE"})), 1);
  conn().cmd({"DEL", "k"});
  EXPECT_EQ(str(conn().cmd({"SELECT", "2"})), "OK");
  EXPECT_EQ(str(conn().cmd({"GET", "c"})), "changed");
  EXPECT_EQ(integer(conn().cmd({"TTL", "c"})), -1);
  EXPECT_EQ(str(conn().cmd({"COPY", "c", "c"})), "ERR source and destination objects are the same");
  EXPECT_EQ(str(conn().cmd({"COPY", "c", "d", "DB"})), "ERR syntax error");
  EXPECT_EQ(integer(conn().cmd({"COPY", "missing", "d"})), 0);
  // A raw string is deep-copied: deleting the source leaves the copy intact.
  std::string big(200, 'q');
  conn().cmd({"SET", "big", big});
  EXPECT_EQ(integer(conn().cmd({"COPY", "big", "big2"})), 1);
  conn().cmd({"DEL", "big"});
  EXPECT_EQ(str(conn().cmd({"GET", "big2"})), big);
}

TEST_P(KeysTest, SwapDb) {
  conn().cmd({"SET", "s", "zero"});
  EXPECT_EQ(str(conn().cmd({"SWAPDB", "0", "1"})), "OK");
  EXPECT_EQ(str(conn().cmd({"GET", "s"})), "<nil>");  // clients keep their index
  EXPECT_EQ(str(conn().cmd({"SELECT", "1"})), "OK");
  EXPECT_EQ(str(conn().cmd({"GET", "s"})), "zero");
  EXPECT_EQ(str(conn().cmd({"SWAPDB", "x", "1"})), "ERR invalid first DB index");
  EXPECT_EQ(str(conn().cmd({"SWAPDB", "1", "x"})), "ERR invalid second DB index");
  EXPECT_EQ(str(conn().cmd({"SWAPDB", "1", "16"})), "ERR DB index is out of range");
}

TEST_P(KeysTest, KeysAndRandomKey) {
  EXPECT_EQ(str(conn().cmd({"RANDOMKEY"})), "<nil>");
  for (const char* k : {"hello", "hallo", "hxllo", "world"}) conn().cmd({"SET", k, "1"});
  EXPECT_EQ(sorted_strings(conn().cmd({"KEYS", "*"})),
            (std::vector<std::string>{"hallo", "hello", "hxllo", "world"}));
  EXPECT_EQ(sorted_strings(conn().cmd({"KEYS", "h[ae]llo"})),
            (std::vector<std::string>{"hallo", "hello"}));
  EXPECT_EQ(sorted_strings(conn().cmd({"KEYS", "h?llo"})),
            (std::vector<std::string>{"hallo", "hello", "hxllo"}));
  EXPECT_EQ(conn().cmd({"KEYS", "nope*"})->elements, 0u);
  std::string r = str(conn().cmd({"RANDOMKEY"}));
  EXPECT_TRUE(r == "hello" || r == "hallo" || r == "hxllo" || r == "world") << r;
  // An expired key is never listed.
  conn().cmd({"PEXPIRE", "world", "1"});
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_EQ(sorted_strings(conn().cmd({"KEYS", "w*"})), std::vector<std::string>{});
}

TEST_P(KeysTest, ScanOptionsAndErrors) {
  for (int i = 0; i < 50; i++) conn().cmd({"SET", "key:" + std::to_string(i), "v"});
  conn().cmd({"SET", "other", "v"});
  auto all = full_scan({"COUNT", "7"});
  std::sort(all.begin(), all.end());
  all.erase(std::unique(all.begin(), all.end()), all.end());
  EXPECT_EQ(all.size(), 51u);
  EXPECT_EQ(full_scan({"MATCH", "oth*"}), std::vector<std::string>{"other"});
  EXPECT_EQ(full_scan({"TYPE", "STRING", "MATCH", "o*"}), std::vector<std::string>{"other"});
  EXPECT_TRUE(full_scan({"TYPE", "list"}).empty());
  EXPECT_EQ(str(conn().cmd({"SCAN", "x"})), "ERR invalid cursor");
  EXPECT_EQ(str(conn().cmd({"SCAN", " 0"})), "ERR invalid cursor");
  EXPECT_EQ(str(conn().cmd({"SCAN", "18446744073709551616"})), "ERR invalid cursor");
  EXPECT_EQ(str(conn().cmd({"SCAN", "0", "COUNT", "0"})), "ERR syntax error");
  EXPECT_EQ(str(conn().cmd({"SCAN", "0", "COUNT", "x"})),
            "ERR value is not an integer or out of range");
  EXPECT_EQ(str(conn().cmd({"SCAN", "0", "MATCH"})), "ERR syntax error");
  EXPECT_EQ(str(conn().cmd({"SCAN", "0", "FOO", "bar"})), "ERR syntax error");
}

// Every key present for the whole scan is returned, even while the table grows and
// other keys come and go between the calls.
TEST_P(KeysTest, ScanReturnsEveryKeyPresentThroughout) {
  constexpr int kOriginal = 2000;
  for (int i = 0; i < kOriginal; i++) conn().append({"SET", "orig:" + std::to_string(i), "v"});
  for (int i = 0; i < kOriginal; i++) conn().read_reply();
  std::set<std::string> seen;
  std::string cursor = "0";
  int round = 0, extra = 0;
  do {
    auto r = conn().cmd({"SCAN", cursor, "COUNT", "25"});
    ASSERT_EQ(r->type, REDIS_REPLY_ARRAY);
    cursor = r->element[0]->str;
    for (size_t i = 0; i < r->element[1]->elements; i++)
      seen.insert(r->element[1]->element[i]->str);
    // Grow the table (forcing rehashes mid-scan) and churn some of the newcomers.
    for (int i = 0; i < 40; i++) conn().append({"SET", "extra:" + std::to_string(extra++), "v"});
    for (int i = 0; i < 40; i++) conn().read_reply();
    if (round % 2 == 1)
      for (int i = extra - 60; i < extra - 40; i++)
        conn().cmd({"DEL", "extra:" + std::to_string(i)});
    round++;
  } while (cursor != "0" && round < 100000);
  ASSERT_EQ(cursor, "0");
  EXPECT_GT(round, 40);  // the scan really spanned many calls and table growths
  int missing = 0;
  for (int i = 0; i < kOriginal; i++) missing += seen.count("orig:" + std::to_string(i)) ? 0 : 1;
  EXPECT_EQ(missing, 0);
}

// Active expiry: keys that are never read again still leave memory.
TEST_P(KeysTest, UnreadExpiredKeysLeaveMemory) {
  constexpr int kKeys = 1000;
  for (int i = 0; i < kKeys; i++) {
    conn().append({"SET", "vol:" + std::to_string(i), "v"});
    conn().append({"PEXPIRE", "vol:" + std::to_string(i), "100"});
  }
  for (int i = 0; i < 2 * kKeys; i++) conn().read_reply();
  EXPECT_EQ(info_field(conn(), "keyspace", "db0").substr(0, 23), "keys=1000,expires=1000,");
  long long dbsize = -1;
  for (int i = 0; i < 100 && dbsize != 0; i++) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    dbsize = integer(conn().cmd({"DBSIZE"}));
  }
  EXPECT_EQ(dbsize, 0);
  EXPECT_EQ(info_field(conn(), "stats", "expired_keys"), "1000");
  EXPECT_EQ(info_field(conn(), "keyspace", "db0"), "");
}

TEST_P(KeysTest, ObjectSubcommands) {
  conn().cmd({"SET", "i", "42"});
  conn().cmd({"SET", "big", "123456"});
  conn().cmd({"SET", "e", "hello"});
  conn().cmd({"SET", "r", std::string(45, 'r')});
  EXPECT_EQ(str(conn().cmd({"OBJECT", "ENCODING", "i"})), "int");
  EXPECT_EQ(str(conn().cmd({"OBJECT", "encoding", "e"})), "embstr");
  EXPECT_EQ(str(conn().cmd({"OBJECT", "ENCODING", "r"})), "raw");
  EXPECT_EQ(str(conn().cmd({"OBJECT", "ENCODING", "missing"})), "<nil>");
  EXPECT_EQ(integer(conn().cmd({"OBJECT", "REFCOUNT", "i"})), 2147483647);  // shared integer
  EXPECT_EQ(integer(conn().cmd({"OBJECT", "REFCOUNT", "big"})), 1);
  EXPECT_EQ(integer(conn().cmd({"OBJECT", "REFCOUNT", "e"})), 1);
  EXPECT_EQ(str(conn().cmd({"OBJECT", "FREQ", "e"})),
            "ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please "
            "note that when switching between policies at runtime LRU and LFU data will take "
            "some time to adjust.");
  EXPECT_EQ(str(conn().cmd({"OBJECT", "NOPE", "e"})),
            "ERR unknown subcommand 'NOPE'. Try OBJECT HELP.");
  EXPECT_EQ(str(conn().cmd({"OBJECT", "ENCODING"})),
            "ERR wrong number of arguments for 'object|encoding' command");
  auto help = conn().cmd({"OBJECT", "HELP"});
  ASSERT_EQ(help->type, REDIS_REPLY_ARRAY);
  ASSERT_EQ(help->elements, 15u);
  EXPECT_EQ(std::string(help->element[0]->str),
            "OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
  // RESP3: a missing key is the RESP3 null.
  conn().raw_cmd({"HELLO", "3"});
  EXPECT_EQ(conn().raw_cmd({"OBJECT", "ENCODING", "missing"}), "_\r\n");
  EXPECT_EQ(conn().raw_cmd({"TYPE", "e"}), "+string\r\n");
  EXPECT_EQ(conn().raw_cmd({"SCAN", "0", "MATCH", "e"}), "*2\r\n$1\r\n0\r\n*1\r\n$1\r\ne\r\n");
}

// Introspection does not reset the idle clock; reads and writes do.
TEST_P(KeysTest, IdleTimeTracksAccess) {
  conn().cmd({"SET", "k", "v"});
  EXPECT_LE(integer(conn().cmd({"OBJECT", "IDLETIME", "k"})), 1);
  std::this_thread::sleep_for(std::chrono::milliseconds(2100));
  conn().cmd({"TYPE", "k"});
  conn().cmd({"EXISTS", "k"});
  conn().cmd({"TTL", "k"});
  EXPECT_GE(integer(conn().cmd({"OBJECT", "IDLETIME", "k"})), 2);
  conn().cmd({"GET", "k"});
  EXPECT_LE(integer(conn().cmd({"OBJECT", "IDLETIME", "k"})), 1);
}

RKV_INSTANTIATE_IO_MODES(KeysTest);

}  // namespace
}  // namespace rkv::test

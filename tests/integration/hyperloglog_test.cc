// HyperLogLog family against the running server: PFADD PFCOUNT PFMERGE PFDEBUG PFSELFTEST.
// Expected bytes and counts were produced by redis-server 7.0 with the same commands
// (tests/compat/hyperloglog.txt compares many more, byte for byte).
#include <string>
#include <vector>

#include "harness.h"

namespace rkv::test {
namespace {

constexpr const char* kNotHll = "WRONGTYPE Key is not a valid HyperLogLog string value.";
constexpr const char* kCorrupt = "INVALIDOBJ Corrupted HLL object detected";
constexpr const char* kWrongType =
    "WRONGTYPE Operation against a key holding the wrong kind of value";
constexpr size_t kDenseSize = 12304;

// 16 header bytes: magic, encoding, 3 unused, 8 of cached cardinality.
std::string header(char encoding, std::string_view card = std::string_view("\0\0\0\0\0\0\0\0", 8)) {
  return std::string("HYLL") + encoding + std::string(3, '\0') + std::string(card);
}
const std::string kEmptySparse = header('\x01') + "\x7f\xff";

class HyperLogLogTest : public ServerTest {
 protected:
  std::string raw(const std::vector<std::string>& args) { return conn().raw_cmd(args); }
  long long num(std::initializer_list<std::string_view> args) { return integer(conn().cmd(args)); }
  std::string text(std::initializer_list<std::string_view> args) { return str(conn().cmd(args)); }
  long long pfadd(const std::string& key, const std::vector<std::string>& elements) {
    std::vector<std::string> args = {"PFADD", key};
    args.insert(args.end(), elements.begin(), elements.end());
    return integer(conn().cmd(args));
  }
  // Adds prefix0 .. prefix(n-1) in batches of 1000.
  void pfadd_range(const std::string& key, const std::string& prefix, int n) {
    for (int i = 0; i < n; i += 1000) {
      std::vector<std::string> batch;
      for (int j = i; j < n && j < i + 1000; j++) batch.push_back(prefix + std::to_string(j));
      pfadd(key, batch);
    }
  }
};

TEST_P(HyperLogLogTest, PfaddCreatesSparseValue) {
  EXPECT_EQ(num({"PFADD", "h"}), 1);  // creating the key counts as a change
  // A new HLL is one XZERO run; the creation marks the cache stale (top bit of byte 15).
  EXPECT_EQ(text({"GET", "h"}),
            header('\x01', std::string_view("\0\0\0\0\0\0\0\x80", 8)) + "\x7f\xff");
  EXPECT_EQ(num({"PFADD", "h"}), 0);
  EXPECT_EQ(text({"TYPE", "h"}), "string");
  EXPECT_EQ(text({"OBJECT", "ENCODING", "h"}), "raw");
  EXPECT_EQ(num({"PFADD", "g", "a", "b", "c", "d", "e", "f", "g"}), 1);
  // Byte for byte what redis-server 7.0 stores for the same PFADD.
  EXPECT_EQ(text({"GET", "g"}), header('\x01', std::string_view("\0\0\0\0\0\0\0\x80", 8)) +
                                    "Fm\x80V\x0c\x80"
                                    "D<\x84"
                                    "8\x80P\xb1\x84I\x8c\x80"
                                    "Bm\x80"
                                    "BZ");
  EXPECT_EQ(text({"PFDEBUG", "DECODE", "g"}),
            "Z:1646 v:1,1 Z:5645 v:1,1 Z:1085 v:2,1 z:57 v:1,1 Z:4274 v:2,1 Z:2445 v:1,1 Z:622 "
            "v:1,1 Z:603");
  EXPECT_EQ(num({"PFADD", "g", "a", "b"}), 0);
  EXPECT_EQ(num({"PFADD", "g", "a", "new"}), 1);
  EXPECT_EQ(text({"PFADD"}), "ERR wrong number of arguments for 'pfadd' command");
}

TEST_P(HyperLogLogTest, PfcountCachesTheCardinality) {
  EXPECT_EQ(num({"PFCOUNT", "missing"}), 0);
  EXPECT_EQ(num({"EXISTS", "missing"}), 0);
  pfadd("h", {"a", "b", "c", "d", "e", "f", "g"});
  EXPECT_EQ(num({"PFCOUNT", "h"}), 7);
  // The count is stored little-endian in bytes 8..15 with the stale bit clear.
  EXPECT_EQ(text({"GET", "h"}).substr(8, 8), std::string("\x07\0\0\0\0\0\0\0", 8));
  EXPECT_EQ(pfadd("h", {"a"}), 0);  // no change keeps the cache valid
  EXPECT_EQ(static_cast<unsigned char>(text({"GET", "h"})[15]), 0x00);
  EXPECT_EQ(pfadd("h", {"x"}), 1);
  EXPECT_EQ(static_cast<unsigned char>(text({"GET", "h"})[15]), 0x80);
  EXPECT_EQ(num({"PFCOUNT", "h"}), 8);
  // A cache that says otherwise is trusted while its stale bit is clear.
  conn().cmd({"SETRANGE", "h", "8", std::string("\x2a", 1)});
  EXPECT_EQ(num({"PFCOUNT", "h"}), 42);
  conn().cmd({"SETRANGE", "h", "15", std::string("\x80", 1)});
  EXPECT_EQ(num({"PFCOUNT", "h"}), 8);
}

TEST_P(HyperLogLogTest, EstimatesLikeRedis) {
  pfadd_range("d", "v", 5000);
  EXPECT_EQ(text({"PFDEBUG", "ENCODING", "d"}), "dense");
  EXPECT_EQ(num({"STRLEN", "d"}), static_cast<long long>(kDenseSize));
  EXPECT_EQ(num({"PFCOUNT", "d"}), 5055);  // redis-server 7.0's answer
  pfadd_range("e", "element:", 100000);
  EXPECT_EQ(num({"PFCOUNT", "e"}), 100039);
  // Union of the two: registers' maxima, not cached.
  const long long both = num({"PFCOUNT", "d", "e"});
  EXPECT_GT(both, 100039);
  EXPECT_LT(both, 107000);
  EXPECT_EQ(num({"PFCOUNT", "d", "missing", "d"}), 5055);
}

TEST_P(HyperLogLogTest, SparsePromotesAtTheConfiguredSize) {
  conn().cmd({"CONFIG", "SET", "hll-sparse-max-bytes", "60"});
  std::string last_encoding;
  int n = 0;
  for (; n < 100; n++) {
    pfadd("h", {"e" + std::to_string(n)});
    last_encoding = text({"PFDEBUG", "ENCODING", "h"});
    if (last_encoding == "dense") break;
    EXPECT_LE(num({"STRLEN", "h"}), 60);
  }
  EXPECT_EQ(last_encoding, "dense");
  EXPECT_EQ(num({"STRLEN", "h"}), static_cast<long long>(kDenseSize));
  EXPECT_EQ(num({"PFCOUNT", "h"}), n + 1);
  // With no room at all the first growing edit promotes.
  conn().cmd({"CONFIG", "SET", "hll-sparse-max-bytes", "0"});
  pfadd("z", {"one"});
  EXPECT_EQ(text({"PFDEBUG", "ENCODING", "z"}), "dense");
}

TEST_P(HyperLogLogTest, ValuesMoveBetweenKeysAndServersAsBytes) {
  pfadd_range("src", "w", 300);
  const std::string sparse = text({"GET", "src"});
  pfadd_range("dsrc", "v", 5000);
  const std::string dense = text({"GET", "dsrc"});
  // SET makes the short sparse value embstr or raw; PFCOUNT rewrites it raw with the cache.
  conn().cmd({"SET", "copy", sparse});
  conn().cmd({"SET", "dcopy", dense});
  EXPECT_EQ(num({"PFCOUNT", "copy"}), num({"PFCOUNT", "src"}));
  EXPECT_EQ(num({"PFCOUNT", "dcopy"}), 5055);
  conn().cmd({"SET", "tiny", kEmptySparse});
  EXPECT_EQ(text({"OBJECT", "ENCODING", "tiny"}), "embstr");
  EXPECT_EQ(num({"PFCOUNT", "tiny"}), 0);
  EXPECT_EQ(text({"OBJECT", "ENCODING", "tiny"}), "raw");
  conn().cmd({"SET", "tiny", kEmptySparse});
  EXPECT_EQ(num({"PFADD", "tiny", "a"}), 1);
  EXPECT_EQ(text({"PFDEBUG", "DECODE", "tiny"}), "Z:12711 v:2,1 Z:3672");
}

TEST_P(HyperLogLogTest, Pfmerge) {
  EXPECT_EQ(text({"PFMERGE", "m0"}), "OK");  // creates an empty HLL
  EXPECT_EQ(text({"GET", "m0"}),
            header('\x01', std::string_view("\0\0\0\0\0\0\0\x80", 8)) + "\x7f\xff");
  pfadd_range("a", "a", 500);
  pfadd_range("b", "b", 500);
  pfadd_range("ab", "a", 500);
  pfadd_range("ab", "b", 500);
  EXPECT_EQ(text({"PFMERGE", "m", "a", "b", "missing"}), "OK");
  EXPECT_EQ(num({"PFCOUNT", "m"}), num({"PFCOUNT", "ab"}));
  EXPECT_EQ(num({"PFCOUNT", "m"}), num({"PFCOUNT", "a", "b"}));
  // The destination's own registers take part.
  pfadd("m", {"extra1", "extra2"});
  const long long before = num({"PFCOUNT", "m"});
  EXPECT_EQ(text({"PFMERGE", "m", "a"}), "OK");
  EXPECT_EQ(num({"PFCOUNT", "m"}), before);
  // A dense source makes the destination dense.
  pfadd_range("d", "v", 5000);
  EXPECT_EQ(text({"PFMERGE", "md", "a", "d"}), "OK");
  EXPECT_EQ(text({"PFDEBUG", "ENCODING", "md"}), "dense");
  conn().cmd({"SET", "s", "not an hll"});
  EXPECT_EQ(text({"PFMERGE", "s", "a"}), kNotHll);
  EXPECT_EQ(text({"PFMERGE", "x", "a", "s"}), kNotHll);
  EXPECT_EQ(num({"EXISTS", "x"}), 0);
}

TEST_P(HyperLogLogTest, InvalidValues) {
  for (const std::string& bad :
       {std::string("foo"), std::string("HYLL"), std::string("12345"),
        "HYLX" + kEmptySparse.substr(4), header('\x02') + "\x7f\xff", header('\x00'),
        header('\x00') + std::string(kDenseSize - 15, '\0')}) {
    conn().cmd({"SET", "bad", bad});
    EXPECT_EQ(text({"PFADD", "bad", "a"}), kNotHll);
    EXPECT_EQ(text({"PFCOUNT", "bad"}), kNotHll);
    EXPECT_EQ(text({"PFCOUNT", "missing", "bad"}), kNotHll);
    EXPECT_EQ(text({"PFMERGE", "out", "bad"}), kNotHll);
    EXPECT_EQ(text({"PFDEBUG", "ENCODING", "bad"}), kNotHll);
  }
  // Right shape, wrong registers: found when the opcodes are read. (A valid cache in the
  // header is answered without reading them, so these say stale.)
  const std::string stale = header('\x01', std::string_view("\0\0\0\0\0\0\0\x80", 8));
  for (const std::string& corrupt :
       {stale, stale + "\x7f\xfe", stale + "\x7f\xff\x80", stale + "\x7f\xfe\x87"}) {
    conn().cmd({"SET", "c", corrupt});
    EXPECT_EQ(text({"PFCOUNT", "c"}), kCorrupt);
    EXPECT_EQ(text({"PFCOUNT", "c", "missing"}), kCorrupt);
    EXPECT_EQ(text({"PFMERGE", "out", "c"}), kCorrupt);
    EXPECT_EQ(text({"PFDEBUG", "TODENSE", "c"}), kCorrupt);
  }
  conn().cmd({"SET", "c", header('\x01')});
  EXPECT_EQ(num({"PFCOUNT", "c"}), 0);  // the cache says 0 and is valid
  conn().cmd({"SET", "c", header('\x01')});
  EXPECT_EQ(text({"PFADD", "c", "a"}), kCorrupt);
  EXPECT_EQ(num({"EXISTS", "out"}), 0);
}

TEST_P(HyperLogLogTest, PfdebugAndSelftest) {
  EXPECT_EQ(text({"PFDEBUG", "GETREG", "missing"}), "ERR The specified key does not exist");
  pfadd("h", {"a"});
  EXPECT_EQ(text({"PFDEBUG", "ENCODING", "h"}), "sparse");
  EXPECT_EQ(text({"PFDEBUG", "DECODE", "h"}), "Z:12711 v:2,1 Z:3672");
  EXPECT_EQ(text({"PFDEBUG", "BOGUS", "h"}), "ERR Unknown PFDEBUG subcommand 'BOGUS'");
  ReplyPtr regs = conn().cmd({"PFDEBUG", "GETREG", "h"});
  ASSERT_EQ(regs->type, REDIS_REPLY_ARRAY);
  ASSERT_EQ(regs->elements, 16384u);
  EXPECT_EQ(regs->element[12711]->integer, 2);
  EXPECT_EQ(regs->element[12710]->integer, 0);
  // GETREG left it dense, as Redis does.
  EXPECT_EQ(text({"PFDEBUG", "ENCODING", "h"}), "dense");
  EXPECT_EQ(text({"PFDEBUG", "DECODE", "h"}), "ERR HLL encoding is not sparse");
  EXPECT_EQ(num({"PFDEBUG", "TODENSE", "h"}), 0);
  pfadd("s", {"a"});
  EXPECT_EQ(num({"PFDEBUG", "TODENSE", "s"}), 1);
  EXPECT_EQ(num({"PFCOUNT", "s"}), 1);
  EXPECT_EQ(text({"PFDEBUG", "GETREG"}), "ERR wrong number of arguments for 'pfdebug' command");
  EXPECT_EQ(text({"PFSELFTEST"}), "OK");
}

TEST_P(HyperLogLogTest, WrongType) {
  bool made = false;
  for (std::vector<std::string> cmd : std::vector<std::vector<std::string>>{
           {"SADD", "l", "x"}, {"HSET", "l", "f", "v"}, {"LPUSH", "l", "x"}}) {
    if ((made = !is_error(conn().cmd(cmd), "ERR unknown command"))) break;
  }
  if (!made) GTEST_SKIP() << "no type other than string in this build";
  EXPECT_EQ(text({"PFADD", "l", "a"}), kWrongType);
  EXPECT_EQ(text({"PFCOUNT", "l"}), kWrongType);
  EXPECT_EQ(text({"PFCOUNT", "missing", "l"}), kWrongType);
  EXPECT_EQ(text({"PFMERGE", "l"}), kWrongType);
  EXPECT_EQ(text({"PFMERGE", "d", "l"}), kWrongType);
  EXPECT_EQ(text({"PFDEBUG", "GETREG", "l"}), kWrongType);
  EXPECT_EQ(num({"EXISTS", "d"}), 0);
}

TEST_P(HyperLogLogTest, Resp3Replies) {
  EXPECT_EQ(raw({"HELLO", "3"}).substr(0, 1), "%");
  EXPECT_EQ(raw({"PFADD", "h", "a"}), ":1\r\n");
  EXPECT_EQ(raw({"PFCOUNT", "h"}), ":1\r\n");
  EXPECT_EQ(raw({"PFDEBUG", "ENCODING", "h"}), "+sparse\r\n");
  EXPECT_EQ(raw({"PFMERGE", "h"}), "+OK\r\n");
  conn().cmd({"SET", "bad", "x"});
  EXPECT_EQ(raw({"PFCOUNT", "bad"}), std::string("-") + kNotHll + "\r\n");
}

RKV_INSTANTIATE_IO_MODES(HyperLogLogTest);

}  // namespace
}  // namespace rkv::test

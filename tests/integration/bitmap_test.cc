// Bitmap family against the running server: SETBIT GETBIT BITCOUNT BITPOS BITOP BITFIELD
// BITFIELD_RO. Exact replies come from redis-server 7.0 (tests/compat/bitmap.txt compares
// the rest byte for byte).
#include <string>
#include <vector>

#include "harness.h"

namespace rkv::test {
namespace {

constexpr const char* kSyntax = "ERR syntax error";
constexpr const char* kNotInt = "ERR value is not an integer or out of range";
constexpr const char* kBadOffset = "ERR bit offset is not an integer or out of range";
constexpr const char* kWrongType =
    "WRONGTYPE Operation against a key holding the wrong kind of value";
constexpr const char* kBadType =
    "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but "
    "i64 is.";

class BitmapTest : public ServerTest {
 protected:
  std::string raw(const std::vector<std::string>& args) { return conn().raw_cmd(args); }
  long long num(std::initializer_list<std::string_view> args) { return integer(conn().cmd(args)); }
  std::string text(std::initializer_list<std::string_view> args) { return str(conn().cmd(args)); }
  std::string encoding(const std::string& key) { return text({"OBJECT", "ENCODING", key}); }
  // A key of another type (whichever this build has); false when there is none.
  bool make_other_type(const std::string& key) {
    for (std::vector<std::string> cmd : std::vector<std::vector<std::string>>{
             {"SADD", key, "x"}, {"HSET", key, "f", "v"}, {"LPUSH", key, "x"}}) {
      if (!is_error(conn().cmd(cmd), "ERR unknown command")) return true;
    }
    return false;
  }
};

TEST_P(BitmapTest, SetbitGetbit) {
  EXPECT_EQ(num({"SETBIT", "b", "7", "1"}), 0);
  EXPECT_EQ(text({"GET", "b"}), "\x01");
  EXPECT_EQ(num({"SETBIT", "b", "7", "1"}), 1);
  EXPECT_EQ(num({"SETBIT", "b", "7", "0"}), 1);
  EXPECT_EQ(num({"SETBIT", "b", "0", "1"}), 0);
  EXPECT_EQ(text({"GET", "b"}), "\x80");
  EXPECT_EQ(num({"SETBIT", "b", "100", "1"}), 0);
  EXPECT_EQ(num({"STRLEN", "b"}), 13);
  EXPECT_EQ(num({"GETBIT", "b", "100"}), 1);
  EXPECT_EQ(num({"GETBIT", "b", "99"}), 0);
  EXPECT_EQ(num({"GETBIT", "b", "104"}), 0);  // past the end
  EXPECT_EQ(num({"GETBIT", "b", "1000000"}), 0);
  EXPECT_EQ(num({"GETBIT", "missing", "5"}), 0);
  EXPECT_EQ(encoding("b"), "raw");
  // Writing a 0 still creates the key, zero-filled up to the bit's byte.
  EXPECT_EQ(num({"SETBIT", "z", "15", "0"}), 0);
  EXPECT_EQ(text({"GET", "z"}), std::string(2, '\0'));
  EXPECT_EQ(encoding("z"), "raw");
}

TEST_P(BitmapTest, SetbitErrors) {
  for (const char* bad :
       {"-1", "abc", "1.5", "", " 1", "+1", "01", "#1", "9223372036854775808", "4294967296"})
    EXPECT_EQ(text({"SETBIT", "b", bad, "1"}), kBadOffset) << bad;
  for (const char* bad : {"2", "-1", "x", "", "01"})
    EXPECT_EQ(text({"SETBIT", "b", "0", bad}), "ERR bit is not an integer or out of range") << bad;
  // The offset is checked first.
  EXPECT_EQ(text({"SETBIT", "b", "-1", "x"}), kBadOffset);
  EXPECT_EQ(text({"GETBIT", "b", "-1"}), kBadOffset);
  EXPECT_EQ(text({"GETBIT", "b", "4294967296"}), kBadOffset);
  EXPECT_EQ(num({"GETBIT", "b", "4294967295"}), 0);  // highest offset: no allocation to read it
  EXPECT_EQ(num({"EXISTS", "b"}), 0);
  EXPECT_EQ(text({"SETBIT", "b", "0"}), "ERR wrong number of arguments for 'setbit' command");
  EXPECT_EQ(text({"GETBIT", "b"}), "ERR wrong number of arguments for 'getbit' command");
}

TEST_P(BitmapTest, WritesTurnIntAndEmbstrIntoRaw) {
  conn().cmd({"SET", "i", "255"});
  EXPECT_EQ(encoding("i"), "int");
  EXPECT_EQ(num({"GETBIT", "i", "2"}), 1);  // '2' is 0x32
  EXPECT_EQ(num({"GETBIT", "i", "3"}), 1);
  EXPECT_EQ(encoding("i"), "int");  // reads leave it alone
  EXPECT_EQ(num({"SETBIT", "i", "7", "1"}), 0);
  EXPECT_EQ(text({"GET", "i"}), "355");
  EXPECT_EQ(encoding("i"), "raw");
  conn().cmd({"SET", "e", "hello"});
  EXPECT_EQ(encoding("e"), "embstr");
  EXPECT_EQ(num({"SETBIT", "e", "1", "0"}), 1);
  EXPECT_EQ(text({"GET", "e"}), "(ello");
  EXPECT_EQ(encoding("e"), "raw");
  conn().cmd({"SET", "e", "abc"});
  EXPECT_EQ(conn().cmd({"BITFIELD", "e", "SET", "u8", "40", "33"})->element[0]->integer, 0);
  EXPECT_EQ(text({"GET", "e"}), std::string("abc\0\0!", 6));
  EXPECT_EQ(encoding("e"), "raw");
  // The TTL survives the rewrite.
  conn().cmd({"SET", "t", "v", "EX", "100"});
  conn().cmd({"SETBIT", "t", "0", "1"});
  EXPECT_GE(num({"TTL", "t"}), 99);
}

class BitmapSmallLimitTest : public BitmapTest {
 protected:
  std::vector<std::string> server_args() const override { return {"--proto-max-bulk-len", "1mb"}; }
};

TEST_P(BitmapSmallLimitTest, OffsetsStopAtProtoMaxBulkLen) {
  EXPECT_EQ(num({"SETBIT", "big", "8388607", "1"}), 0);
  EXPECT_EQ(num({"STRLEN", "big"}), 1048576);
  EXPECT_EQ(text({"SETBIT", "big", "8388608", "1"}), kBadOffset);
  EXPECT_EQ(text({"GETBIT", "big", "8388608"}), kBadOffset);
  EXPECT_EQ(num({"BITCOUNT", "big"}), 1);
  EXPECT_EQ(num({"BITPOS", "big", "1"}), 8388607);
  EXPECT_EQ(num({"BITPOS", "big", "0", "-1"}), 8388600);
  EXPECT_EQ(text({"BITFIELD", "big", "GET", "u8", "8388608"}), kBadOffset);
  // A field may end past the limit when it starts before it (as in Redis).
  ReplyPtr r = conn().cmd({"BITFIELD", "big", "SET", "u8", "8388601", "255"});
  ASSERT_EQ(r->type, REDIS_REPLY_ARRAY);
  EXPECT_EQ(num({"STRLEN", "big"}), 1048577);
  EXPECT_EQ(text({"BITFIELD", "big", "SET", "u2", "#4194304", "1"}), kBadOffset);
  EXPECT_EQ(num({"BITOP", "NOT", "d", "big"}), 1048577);
}

TEST_P(BitmapTest, Bitcount) {
  EXPECT_EQ(num({"BITCOUNT", "missing"}), 0);
  // Redis 7.0 answers a missing key before it parses the range.
  EXPECT_EQ(num({"BITCOUNT", "missing", "0"}), 0);
  EXPECT_EQ(num({"BITCOUNT", "missing", "a", "b"}), 0);
  conn().cmd({"SET", "s", "foobar"});
  EXPECT_EQ(num({"BITCOUNT", "s"}), 26);
  EXPECT_EQ(num({"BITCOUNT", "s", "0", "0"}), 4);
  EXPECT_EQ(num({"BITCOUNT", "s", "1", "1"}), 6);
  EXPECT_EQ(num({"BITCOUNT", "s", "0", "-1"}), 26);
  EXPECT_EQ(num({"BITCOUNT", "s", "-2", "-1"}), 7);
  EXPECT_EQ(num({"BITCOUNT", "s", "-100", "100"}), 26);
  EXPECT_EQ(num({"BITCOUNT", "s", "3", "1"}), 0);
  EXPECT_EQ(num({"BITCOUNT", "s", "-1", "-3"}), 0);
  EXPECT_EQ(num({"BITCOUNT", "s", "100", "200"}), 0);
  EXPECT_EQ(num({"BITCOUNT", "s", "5", "30", "BIT"}), 17);
  EXPECT_EQ(num({"BITCOUNT", "s", "1", "1", "bit"}), 1);
  EXPECT_EQ(num({"BITCOUNT", "s", "-8", "-1", "BIT"}), 4);
  EXPECT_EQ(num({"BITCOUNT", "s", "0", "1", "BYTE"}), 10);
  EXPECT_EQ(num({"BITCOUNT", "s", "-9223372036854775808", "9223372036854775807", "BIT"}), 26);
  EXPECT_EQ(text({"BITCOUNT", "s", "0"}), kSyntax);
  EXPECT_EQ(text({"BITCOUNT", "s", "0", "1", "2"}), kSyntax);
  EXPECT_EQ(text({"BITCOUNT", "s", "0", "1", "BIT", "x"}), kSyntax);
  EXPECT_EQ(text({"BITCOUNT", "s", "a", "1"}), kNotInt);
  EXPECT_EQ(text({"BITCOUNT", "s", "0", "b", "BIT"}), kNotInt);  // end before the unit
  conn().cmd({"SET", "n", "1234567"});
  EXPECT_EQ(num({"BITCOUNT", "n"}), 26);
  // Popcount over a long string counts every word and the tail.
  std::string ones(100003, '\xff');
  conn().cmd({"SET", "ones", ones});
  EXPECT_EQ(num({"BITCOUNT", "ones"}), 800024);
  EXPECT_EQ(num({"BITCOUNT", "ones", "3", "-5", "BIT"}), 800024 - 7);
}

TEST_P(BitmapTest, Bitpos) {
  EXPECT_EQ(num({"BITPOS", "missing", "1"}), -1);
  EXPECT_EQ(num({"BITPOS", "missing", "0"}), 0);
  EXPECT_EQ(num({"BITPOS", "missing", "0", "x"}), 0);  // the key is looked up first
  EXPECT_EQ(text({"BITPOS", "missing", "2"}), "ERR The bit argument must be 1 or 0.");
  EXPECT_EQ(text({"BITPOS", "missing", "x"}), kNotInt);
  conn().cmd({"SET", "p", std::string("\xff\xf0\x00", 3)});
  EXPECT_EQ(num({"BITPOS", "p", "0"}), 12);
  EXPECT_EQ(num({"BITPOS", "p", "1"}), 0);
  EXPECT_EQ(num({"BITPOS", "p", "1", "2"}), -1);
  EXPECT_EQ(num({"BITPOS", "p", "0", "1"}), 12);
  EXPECT_EQ(num({"BITPOS", "p", "1", "-2"}), 8);
  EXPECT_EQ(num({"BITPOS", "p", "0", "0", "0"}), -1);  // explicit end: no zero in range
  EXPECT_EQ(num({"BITPOS", "p", "0", "5", "11", "BIT"}), -1);
  EXPECT_EQ(num({"BITPOS", "p", "0", "5", "12", "BIT"}), 12);
  EXPECT_EQ(num({"BITPOS", "p", "1", "11", "20", "bit"}), 11);
  EXPECT_EQ(num({"BITPOS", "p", "1", "12", "23", "BIT"}), -1);
  EXPECT_EQ(num({"BITPOS", "p", "1", "5", "2", "BIT"}), -1);
  EXPECT_EQ(num({"BITPOS", "p", "0", "100"}), -1);
  // Without an end, a string of ones is followed by zeros.
  conn().cmd({"SET", "ones", std::string(3, '\xff')});
  EXPECT_EQ(num({"BITPOS", "ones", "0"}), 24);
  EXPECT_EQ(num({"BITPOS", "ones", "0", "1"}), 24);
  EXPECT_EQ(num({"BITPOS", "ones", "0", "0", "-1"}), -1);
  EXPECT_EQ(num({"BITPOS", "ones", "0", "0", "23", "BIT"}), -1);
  conn().cmd({"SET", "empty", ""});
  EXPECT_EQ(num({"BITPOS", "empty", "0"}), -1);
  EXPECT_EQ(num({"BITPOS", "empty", "1"}), -1);
  EXPECT_EQ(text({"BITPOS", "p", "1", "0", "1", "bogus"}), kSyntax);
  EXPECT_EQ(text({"BITPOS", "p", "1", "0", "x", "bogus"}), kSyntax);  // unit before end
  EXPECT_EQ(text({"BITPOS", "p", "1", "0", "x"}), kNotInt);
  EXPECT_EQ(text({"BITPOS", "p", "1", "0", "1", "BIT", "x"}), kSyntax);
  // A set bit deep in a long zero string (the word-skipping path).
  std::string zeros(100000, '\0');
  zeros[77777] = '\x01';
  conn().cmd({"SET", "zeros", zeros});
  EXPECT_EQ(num({"BITPOS", "zeros", "1"}), 77777 * 8 + 7);
  EXPECT_EQ(num({"BITPOS", "zeros", "1", "77778"}), -1);
}

TEST_P(BitmapTest, Bitop) {
  conn().cmd({"SET", "a", std::string("\xff\x0f\xf0", 3)});
  conn().cmd({"SET", "b", std::string("\x0f\xff", 2)});
  EXPECT_EQ(num({"BITOP", "AND", "dest", "a", "b"}), 3);
  EXPECT_EQ(text({"GET", "dest"}), std::string("\x0f\x0f\x00", 3));
  EXPECT_EQ(encoding("dest"), "raw");
  EXPECT_EQ(num({"BITOP", "or", "dest", "a", "b"}), 3);
  EXPECT_EQ(text({"GET", "dest"}), std::string("\xff\xff\xf0", 3));
  EXPECT_EQ(num({"BITOP", "Xor", "dest", "a", "b"}), 3);
  EXPECT_EQ(text({"GET", "dest"}), std::string("\xf0\xf0\xf0", 3));
  EXPECT_EQ(num({"BITOP", "NOT", "dest", "a"}), 3);
  EXPECT_EQ(text({"GET", "dest"}), std::string("\x00\xf0\x0f", 3));
  // Missing keys read as zero bytes.
  EXPECT_EQ(num({"BITOP", "AND", "dest", "a", "missing"}), 3);
  EXPECT_EQ(text({"GET", "dest"}), std::string(3, '\0'));
  EXPECT_EQ(num({"BITOP", "OR", "dest", "missing", "b"}), 2);
  EXPECT_EQ(text({"GET", "dest"}), std::string("\x0f\xff", 2));
  // An empty result deletes the destination.
  conn().cmd({"SET", "dest", "x", "EX", "100"});
  EXPECT_EQ(num({"BITOP", "AND", "dest", "missing", "missing2"}), 0);
  EXPECT_EQ(num({"EXISTS", "dest"}), 0);
  // The destination may be a source; its TTL goes.
  conn().cmd({"EXPIRE", "a", "100"});
  EXPECT_EQ(num({"BITOP", "OR", "a", "a", "b"}), 3);
  EXPECT_EQ(text({"GET", "a"}), std::string("\xff\xff\xf0", 3));
  EXPECT_EQ(num({"TTL", "a"}), -1);
  conn().cmd({"SET", "n", "12"});  // int-encoded sources are their text
  EXPECT_EQ(num({"BITOP", "NOT", "dest", "n"}), 2);
  EXPECT_EQ(text({"GET", "dest"}), std::string("\xce\xcd", 2));
  // Longer than a word, to cover the word path and the tail.
  std::string x(37, 'x'), y(29, 'y');
  conn().cmd({"SET", "x", x});
  conn().cmd({"SET", "y", y});
  EXPECT_EQ(num({"BITOP", "XOR", "dest", "x", "y"}), 37);
  std::string want(37, '\0');
  for (size_t i = 0; i < 37; i++) want[i] = static_cast<char>(x[i] ^ (i < 29 ? y[i] : 0));
  EXPECT_EQ(text({"GET", "dest"}), want);
  EXPECT_EQ(text({"BITOP", "NOT", "dest", "a", "b"}),
            "ERR BITOP NOT must be called with a single source key.");
  EXPECT_EQ(text({"BITOP", "bogus", "dest", "a"}), kSyntax);
  EXPECT_EQ(text({"BITOP", "and", "dest"}), "ERR wrong number of arguments for 'bitop' command");
}

TEST_P(BitmapTest, BitfieldGetSetIncrby) {
  auto ints = [&](std::vector<std::string> args) {
    ReplyPtr r = conn().cmd(args);
    std::vector<std::string> out;
    if (!r || r->type != REDIS_REPLY_ARRAY) {
      out.push_back("not an array: " + str(r));
      return out;
    }
    for (size_t i = 0; i < r->elements; i++) {
      redisReply* e = r->element[i];
      out.push_back(e->type == REDIS_REPLY_NIL ? "nil" : std::to_string(e->integer));
    }
    return out;
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(ints({"BITFIELD", "missing"}), V{});
  EXPECT_EQ(num({"EXISTS", "missing"}), 0);
  EXPECT_EQ(ints({"BITFIELD", "f", "GET", "u8", "0"}), V{"0"});
  EXPECT_EQ(num({"EXISTS", "f"}), 0);
  EXPECT_EQ(ints({"BITFIELD", "f", "SET", "u8", "0", "255", "GET", "u8", "0", "GET", "i8", "0"}),
            (V{"0", "255", "-1"}));
  EXPECT_EQ(ints({"BITFIELD", "f", "SET", "i5", "3", "-1", "GET", "i5", "3", "GET", "u5", "3"}),
            (V{"-1", "-1", "31"}));
  EXPECT_EQ(ints({"BITFIELD", "f", "INCRBY", "u2", "100", "1", "INCRBY", "u2", "100", "3"}),
            (V{"1", "0"}));
  EXPECT_EQ(ints({"BITFIELD", "f",        "OVERFLOW", "SAT",    "INCRBY", "u2",  "100",
                  "7",        "OVERFLOW", "FAIL",     "INCRBY", "u2",     "100", "1",
                  "OVERFLOW", "WRAP",     "INCRBY",   "u2",     "100",    "1"}),
            (V{"3", "nil", "0"}));
  EXPECT_EQ(ints({"BITFIELD", "f", "OVERFLOW", "SAT", "INCRBY", "i8", "0", "200", "INCRBY", "i8",
                  "0", "-1000"}),
            (V{"127", "-128"}));
  EXPECT_EQ(ints({"BITFIELD", "f", "SET", "i64", "0", "-9223372036854775808", "INCRBY", "i64", "0",
                  "-1"}),
            (V{"-9223372036854775808", "9223372036854775807"}));
  EXPECT_EQ(
      ints({"BITFIELD", "f", "SET", "u63", "0", "9223372036854775807", "INCRBY", "u63", "0", "1"}),
      (V{"4611686018427387903", "0"}));
  // "#N" is field number N of the given width.
  EXPECT_EQ(ints({"BITFIELD", "f", "SET", "u8", "#2", "65", "GET", "u8", "16", "GET", "u4", "#4"}),
            (V{"0", "65", "4"}));
  // SET of a value far below an i8: Redis saturates it upwards.
  EXPECT_EQ(ints({"BITFIELD", "f", "OVERFLOW", "SAT", "SET", "i8", "0", "-9223372036854775808",
                  "GET", "i8", "0"}),
            (V{"0", "127"}));
  // Writes with OVERFLOW FAIL still create the key.
  EXPECT_EQ(ints({"BITFIELD", "nk", "OVERFLOW", "FAIL", "INCRBY", "u8", "100", "300"}), V{"nil"});
  EXPECT_EQ(text({"GET", "nk"}), std::string(14, '\0'));
  // RESP3 says null with its own type.
  EXPECT_EQ(raw({"HELLO", "3"}).substr(0, 1), "%");
  EXPECT_EQ(raw({"BITFIELD", "nk", "OVERFLOW", "FAIL", "INCRBY", "u8", "100", "300"}),
            "*1\r\n_\r\n");
}

TEST_P(BitmapTest, BitfieldErrors) {
  for (const char* bad : {"i0", "u0", "i65", "u64", "i-1", "I8", "U8", "x8", "", "i", "i08", "i8 "})
    EXPECT_EQ(text({"BITFIELD", "f", "GET", bad, "0"}), kBadType) << bad;
  // Redis reads the width up to a NUL byte.
  ReplyPtr nul = conn().cmd({"BITFIELD", "f", "GET", std::string("i8\0junk", 7), "0"});
  ASSERT_EQ(nul->type, REDIS_REPLY_ARRAY);
  EXPECT_EQ(nul->element[0]->integer, 0);
  for (const char* bad :
       {"-1", "x", "", "#", "#x", "##1", "#-1", "4294967296", "#9223372036854775807"})
    EXPECT_EQ(text({"BITFIELD", "f", "GET", "u8", bad}), kBadOffset) << bad;
  EXPECT_EQ(text({"BITFIELD", "f", "SET", "u8", "0", "x"}), kNotInt);
  EXPECT_EQ(text({"BITFIELD", "f", "INCRBY", "u8", "0", "1.5"}), kNotInt);
  EXPECT_EQ(text({"BITFIELD", "f", "OVERFLOW", "bogus"}), "ERR Invalid OVERFLOW type specified");
  for (std::vector<std::string> args :
       std::vector<std::vector<std::string>>{{"OVERFLOW"},
                                             {"GET", "u8"},
                                             {"SET", "u8", "0"},
                                             {"INCRBY", "u8", "0"},
                                             {"bogus"},
                                             {"GET", "u8", "0", "bogus"}}) {
    args.insert(args.begin(), {"BITFIELD", "f"});
    EXPECT_EQ(str(conn().cmd(args)), kSyntax) << args[2];
  }
  // Every subcommand is parsed before any runs: a bad one leaves the key untouched.
  EXPECT_EQ(text({"BITFIELD", "f", "SET", "u8", "0", "1", "GET", "i65", "0"}), kBadType);
  EXPECT_EQ(num({"EXISTS", "f"}), 0);
}

TEST_P(BitmapTest, BitfieldRo) {
  conn().cmd({"SET", "f", "A"});
  ReplyPtr r = conn().cmd({"BITFIELD_RO", "f", "GET", "u8", "0", "GET", "i4", "#1"});
  ASSERT_EQ(r->type, REDIS_REPLY_ARRAY);
  ASSERT_EQ(r->elements, 2u);
  EXPECT_EQ(r->element[0]->integer, 65);
  EXPECT_EQ(r->element[1]->integer, 1);
  EXPECT_EQ(conn().cmd({"BITFIELD_RO", "f"})->elements, 0u);
  const char* ro = "ERR BITFIELD_RO only supports the GET subcommand";
  EXPECT_EQ(text({"BITFIELD_RO", "f", "SET", "u8", "0", "1"}), ro);
  EXPECT_EQ(text({"BITFIELD_RO", "f", "GET", "u8", "0", "INCRBY", "u8", "0", "1"}), ro);
  EXPECT_EQ(text({"BITFIELD_RO", "f", "SET", "i65", "0", "1"}), kBadType);  // parsing first
  EXPECT_EQ(text({"GET", "f"}), "A");
}

TEST_P(BitmapTest, WrongType) {
  if (!make_other_type("l")) GTEST_SKIP() << "no type other than string in this build";
  for (std::vector<std::string> args :
       std::vector<std::vector<std::string>>{{"SETBIT", "l", "0", "1"},
                                             {"GETBIT", "l", "0"},
                                             {"BITCOUNT", "l"},
                                             {"BITCOUNT", "l", "x", "y"},
                                             {"BITPOS", "l", "1"},
                                             {"BITOP", "AND", "d", "missing", "l"},
                                             {"BITFIELD", "l", "GET", "u8", "0"},
                                             {"BITFIELD", "l", "SET", "u8", "0", "1"},
                                             {"BITFIELD", "l"},
                                             {"BITFIELD_RO", "l", "GET", "u8", "0"}})
    EXPECT_EQ(str(conn().cmd(args)), kWrongType) << args[0];
  // Argument errors come before the type check where Redis checks them first.
  EXPECT_EQ(text({"SETBIT", "l", "-1", "1"}), kBadOffset);
  EXPECT_EQ(text({"BITPOS", "l", "2"}), "ERR The bit argument must be 1 or 0.");
  EXPECT_EQ(num({"EXISTS", "d"}), 0);
}

RKV_INSTANTIATE_IO_MODES(BitmapTest);
RKV_INSTANTIATE_IO_MODES(BitmapSmallLimitTest);

}  // namespace
}  // namespace rkv::test

// String family against the running server: GET SET (all options) SETNX SETEX PSETEX GETSET
// GETDEL GETEX MGET MSET MSETNX INCR/DECR/INCRBY/DECRBY INCRBYFLOAT APPEND STRLEN GETRANGE
// SUBSTR SETRANGE LCS. Exact replies come from redis-server 7.0.
#include <string>

#include "harness.h"

namespace rkv::test {
namespace {

constexpr const char* kSyntax = "ERR syntax error";
constexpr const char* kNotInt = "ERR value is not an integer or out of range";
constexpr const char* kNotFloat = "ERR value is not a valid float";
constexpr const char* kWrongType =
    "WRONGTYPE Operation against a key holding the wrong kind of value";

class StringTest : public ServerTest {
 protected:
  std::string raw(const std::vector<std::string>& args) { return conn().raw_cmd(args); }
  long long ttl(const std::string& key) { return integer(conn().cmd({"TTL", key})); }
  std::string encoding(const std::string& key) {
    return str(conn().cmd({"OBJECT", "ENCODING", key}));
  }
};

TEST_P(StringTest, GetSetBasics) {
  EXPECT_EQ(raw({"GET", "missing"}), "$-1\r\n");
  EXPECT_EQ(raw({"SET", "k", "v"}), "+OK\r\n");
  EXPECT_EQ(raw({"GET", "k"}), "$1\r\nv\r\n");
  EXPECT_EQ(raw({"SET", "k", std::string("a\0b\r\n", 5)}), "+OK\r\n");
  EXPECT_EQ(raw({"GET", "k"}), std::string("$5\r\na\0b\r\n\r\n", 11));
  EXPECT_EQ(raw({"SET", "k", ""}), "+OK\r\n");
  EXPECT_EQ(raw({"GET", "k"}), "$0\r\n\r\n");
  EXPECT_EQ(str(conn().cmd({"GET"})), "ERR wrong number of arguments for 'get' command");
  EXPECT_EQ(str(conn().cmd({"SET", "k"})), "ERR wrong number of arguments for 'set' command");
  EXPECT_EQ(str(conn().cmd({"SET", "k", "v", "BOGUS"})), kSyntax);
}

TEST_P(StringTest, SetEncodingsFollowRedis) {
  conn().cmd({"SET", "i", "-9223372036854775808"});
  EXPECT_EQ(encoding("i"), "int");
  EXPECT_EQ(str(conn().cmd({"GET", "i"})), "-9223372036854775808");
  conn().cmd({"SET", "i", "9223372036854775808"});  // one past int64: text
  EXPECT_EQ(encoding("i"), "embstr");
  conn().cmd({"SET", "i", "007"});
  EXPECT_EQ(encoding("i"), "embstr");
  conn().cmd({"SET", "e", std::string(44, 'x')});
  EXPECT_EQ(encoding("e"), "embstr");
  conn().cmd({"SET", "r", std::string(45, 'x')});
  EXPECT_EQ(encoding("r"), "raw");
  EXPECT_EQ(str(conn().cmd({"GET", "r"})), std::string(45, 'x'));
}

TEST_P(StringTest, SetNxXxGet) {
  EXPECT_EQ(raw({"SET", "k", "1", "XX"}), "$-1\r\n");
  EXPECT_EQ(raw({"SET", "k", "1", "NX"}), "+OK\r\n");
  EXPECT_EQ(raw({"SET", "k", "2", "NX"}), "$-1\r\n");
  EXPECT_EQ(raw({"SET", "k", "3", "xx"}), "+OK\r\n");
  EXPECT_EQ(str(conn().cmd({"GET", "k"})), "3");
  EXPECT_EQ(str(conn().cmd({"SET", "k", "v", "NX", "XX"})), kSyntax);
  EXPECT_EQ(str(conn().cmd({"SET", "k", "v", "XX", "NX"})), kSyntax);
  // GET returns the old value, whether or not the write happens.
  EXPECT_EQ(raw({"SET", "k", "4", "GET"}), "$1\r\n3\r\n");
  EXPECT_EQ(raw({"SET", "k", "5", "NX", "GET"}), "$1\r\n4\r\n");
  EXPECT_EQ(str(conn().cmd({"GET", "k"})), "4");
  EXPECT_EQ(raw({"SET", "new", "x", "GET"}), "$-1\r\n");
  EXPECT_EQ(str(conn().cmd({"GET", "new"})), "x");
  EXPECT_EQ(raw({"SET", "none", "x", "XX", "GET"}), "$-1\r\n");
  EXPECT_EQ(integer(conn().cmd({"EXISTS", "none"})), 0);
  EXPECT_EQ(raw({"HELLO", "3"}).substr(0, 1), "%");
  EXPECT_EQ(raw({"SET", "k", "6", "XX", "GET"}), "$1\r\n4\r\n");
  EXPECT_EQ(raw({"SET", "k", "7", "NX"}), "_\r\n");
}

TEST_P(StringTest, SetExpireOptions) {
  EXPECT_EQ(str(conn().cmd({"SET", "k", "v", "EX", "100"})), "OK");
  long long t = ttl("k");
  EXPECT_GE(t, 99);
  EXPECT_LE(t, 100);
  EXPECT_EQ(str(conn().cmd({"SET", "k", "w", "KEEPTTL"})), "OK");
  EXPECT_GE(ttl("k"), 99);
  EXPECT_EQ(str(conn().cmd({"GET", "k"})), "w");
  EXPECT_EQ(str(conn().cmd({"SET", "k", "x"})), "OK");  // a plain SET clears the TTL
  EXPECT_EQ(ttl("k"), -1);
  EXPECT_EQ(str(conn().cmd({"SET", "k", "v", "PX", "50000"})), "OK");
  EXPECT_GE(ttl("k"), 49);
  EXPECT_LE(ttl("k"), 50);
  EXPECT_EQ(str(conn().cmd({"SET", "k", "v", "EXAT", "99999999999"})), "OK");
  EXPECT_GT(ttl("k"), 1000000);
  EXPECT_EQ(str(conn().cmd({"SET", "k", "v", "PXAT", "99999999999000"})), "OK");
  EXPECT_GT(ttl("k"), 1000000);
  // A timestamp in the past stores a key that is already expired.
  EXPECT_EQ(str(conn().cmd({"SET", "k", "v", "EXAT", "1"})), "OK");
  EXPECT_EQ(str(conn().cmd({"GET", "k"})), "<nil>");
  // The last of repeated EX options wins.
  EXPECT_EQ(str(conn().cmd({"SET", "k", "v", "EX", "10", "EX", "200"})), "OK");
  EXPECT_GE(ttl("k"), 199);
}

TEST_P(StringTest, SetExpireErrors) {
  const std::string invalid = "ERR invalid expire time in 'set' command";
  for (const char* bad : {"0", "-1", "9223372036854775807", "9223372036854776"})
    EXPECT_EQ(str(conn().cmd({"SET", "k", "v", "EX", bad})), invalid) << bad;
  EXPECT_EQ(str(conn().cmd({"SET", "k", "v", "PX", "0"})), invalid);
  EXPECT_EQ(str(conn().cmd({"SET", "k", "v", "PX", "9223372036854775807"})), invalid);
  EXPECT_EQ(str(conn().cmd({"SET", "k", "v", "EXAT", "0"})), invalid);
  EXPECT_EQ(str(conn().cmd({"SET", "k", "v", "PXAT", "-5"})), invalid);
  EXPECT_EQ(str(conn().cmd({"SET", "k", "v", "EX", "abc"})), kNotInt);
  EXPECT_EQ(str(conn().cmd({"SET", "k", "v", "EX", "1.5"})), kNotInt);
  for (std::vector<std::string> opts : std::vector<std::vector<std::string>>{
           {"EX"},
           {"EX", "10", "PX", "10"},
           {"PX", "10", "EXAT", "10"},
           {"EXAT", "10", "PXAT", "10"},
           {"EX", "10", "KEEPTTL"},
           {"KEEPTTL", "PX", "10"},
           {"PERSIST"},
       }) {
    std::vector<std::string> args = {"SET", "k", "v"};
    args.insert(args.end(), opts.begin(), opts.end());
    EXPECT_EQ(str(conn().cmd(args)), kSyntax) << opts[0];
  }
  EXPECT_EQ(integer(conn().cmd({"EXISTS", "k"})), 0);
  // The expire time is checked before GET looks at the old value.
  conn().cmd({"SET", "k", "old"});
  EXPECT_EQ(str(conn().cmd({"SET", "k", "v", "GET", "EX", "0"})), invalid);
  EXPECT_EQ(str(conn().cmd({"GET", "k"})), "old");
}

TEST_P(StringTest, SetnxSetexPsetex) {
  EXPECT_EQ(raw({"SETNX", "k", "a"}), ":1\r\n");
  EXPECT_EQ(raw({"SETNX", "k", "b"}), ":0\r\n");
  EXPECT_EQ(str(conn().cmd({"GET", "k"})), "a");
  EXPECT_EQ(raw({"SETEX", "k", "100", "v"}), "+OK\r\n");
  EXPECT_GE(ttl("k"), 99);
  EXPECT_EQ(str(conn().cmd({"GET", "k"})), "v");
  EXPECT_EQ(str(conn().cmd({"SETEX", "k", "0", "v"})),
            "ERR invalid expire time in 'setex' command");
  EXPECT_EQ(str(conn().cmd({"SETEX", "k", "x", "v"})), kNotInt);
  EXPECT_EQ(raw({"PSETEX", "k", "30000", "p"}), "+OK\r\n");
  EXPECT_GE(ttl("k"), 29);
  EXPECT_LE(ttl("k"), 30);
  EXPECT_EQ(str(conn().cmd({"PSETEX", "k", "-1", "v"})),
            "ERR invalid expire time in 'psetex' command");
  EXPECT_EQ(str(conn().cmd({"GET", "k"})), "p");
}

TEST_P(StringTest, GetsetGetdel) {
  EXPECT_EQ(raw({"GETSET", "k", "a"}), "$-1\r\n");
  conn().cmd({"EXPIRE", "k", "100"});
  EXPECT_EQ(raw({"GETSET", "k", "b"}), "$1\r\na\r\n");
  EXPECT_EQ(ttl("k"), -1);  // GETSET drops the TTL
  EXPECT_EQ(raw({"GETDEL", "k"}), "$1\r\nb\r\n");
  EXPECT_EQ(integer(conn().cmd({"EXISTS", "k"})), 0);
  EXPECT_EQ(raw({"GETDEL", "k"}), "$-1\r\n");
  conn().cmd({"SET", "n", "12"});
  EXPECT_EQ(raw({"GETDEL", "n"}), "$2\r\n12\r\n");
}

TEST_P(StringTest, Getex) {
  EXPECT_EQ(raw({"GETEX", "missing", "EX", "abc"}), "$-1\r\n");  // no key: nothing checked
  EXPECT_EQ(str(conn().cmd({"GETEX", "missing", "KEEPTTL"})), kSyntax);
  conn().cmd({"SET", "k", "v"});
  EXPECT_EQ(raw({"GETEX", "k"}), "$1\r\nv\r\n");
  EXPECT_EQ(ttl("k"), -1);
  EXPECT_EQ(raw({"GETEX", "k", "EX", "100"}), "$1\r\nv\r\n");
  EXPECT_GE(ttl("k"), 99);
  EXPECT_EQ(raw({"GETEX", "k", "PERSIST"}), "$1\r\nv\r\n");
  EXPECT_EQ(ttl("k"), -1);
  EXPECT_EQ(raw({"GETEX", "k", "PXAT", "99999999999000"}), "$1\r\nv\r\n");
  EXPECT_GT(ttl("k"), 1000000);
  EXPECT_EQ(str(conn().cmd({"GETEX", "k", "EX", "0"})),
            "ERR invalid expire time in 'getex' command");
  EXPECT_EQ(str(conn().cmd({"GETEX", "k", "EX", "x"})), kNotInt);
  EXPECT_EQ(str(conn().cmd({"GETEX", "k", "EX", "1", "PERSIST"})), kSyntax);
  EXPECT_EQ(str(conn().cmd({"GETEX", "k", "PERSIST", "PX", "1"})), kSyntax);
  EXPECT_EQ(str(conn().cmd({"GETEX", "k", "NX"})), kSyntax);
  // An absolute time in the past returns the value and deletes the key.
  EXPECT_EQ(raw({"GETEX", "k", "EXAT", "1"}), "$1\r\nv\r\n");
  EXPECT_EQ(integer(conn().cmd({"EXISTS", "k"})), 0);
}

TEST_P(StringTest, MgetMsetMsetnx) {
  EXPECT_EQ(raw({"MSET", "a", "1", "b", "two"}), "+OK\r\n");
  EXPECT_EQ(raw({"MGET", "a", "missing", "b"}), "*3\r\n$1\r\n1\r\n$-1\r\n$3\r\ntwo\r\n");
  EXPECT_EQ(str(conn().cmd({"MSET", "a", "1", "b"})),
            "ERR wrong number of arguments for 'mset' command");
  EXPECT_EQ(str(conn().cmd({"MSETNX", "a", "1", "b"})),
            "ERR wrong number of arguments for 'msetnx' command");
  EXPECT_EQ(raw({"MSETNX", "c", "3", "a", "x"}), ":0\r\n");
  EXPECT_EQ(integer(conn().cmd({"EXISTS", "c"})), 0);
  EXPECT_EQ(raw({"MSETNX", "c", "3", "d", "4"}), ":1\r\n");
  EXPECT_EQ(raw({"MGET", "c", "d"}), "*2\r\n$1\r\n3\r\n$1\r\n4\r\n");
  conn().cmd({"EXPIRE", "a", "100"});
  conn().cmd({"MSET", "a", "new", "a", "newer"});
  EXPECT_EQ(str(conn().cmd({"GET", "a"})), "newer");
  EXPECT_EQ(ttl("a"), -1);
  raw({"HELLO", "3"});
  EXPECT_EQ(raw({"MGET", "nope", "c"}), "*2\r\n_\r\n$1\r\n3\r\n");
}

TEST_P(StringTest, IncrDecr) {
  EXPECT_EQ(raw({"INCR", "n"}), ":1\r\n");
  EXPECT_EQ(raw({"INCRBY", "n", "41"}), ":42\r\n");
  EXPECT_EQ(raw({"DECR", "n"}), ":41\r\n");
  EXPECT_EQ(raw({"DECRBY", "n", "-9"}), ":50\r\n");
  EXPECT_EQ(str(conn().cmd({"GET", "n"})), "50");
  EXPECT_EQ(encoding("n"), "int");
  for (const char* bad : {"abc", "1.5", "", " 1", "+1", "01", "9223372036854775808"})
    EXPECT_EQ(str(conn().cmd({"INCRBY", "n", bad})), kNotInt) << bad;
  EXPECT_EQ(str(conn().cmd({"DECRBY", "n", "-9223372036854775808"})),
            "ERR decrement would overflow");
  conn().cmd({"SET", "max", "9223372036854775807"});
  EXPECT_EQ(str(conn().cmd({"INCR", "max"})), "ERR increment or decrement would overflow");
  EXPECT_EQ(integer(conn().cmd({"INCRBY", "max", "0"})), 9223372036854775807LL);
  conn().cmd({"SET", "min", "-9223372036854775808"});
  EXPECT_EQ(str(conn().cmd({"DECR", "min"})), "ERR increment or decrement would overflow");
  EXPECT_EQ(str(conn().cmd({"GET", "min"})), "-9223372036854775808");
  for (const char* text : {"hello", "1.5", " 1", "007", "-0", "99999999999999999999", ""}) {
    conn().cmd({"SET", "s", text});
    EXPECT_EQ(str(conn().cmd({"INCR", "s"})), kNotInt) << text;
  }
  // INCR keeps the TTL; it turns a textual integer into an int-encoded one.
  conn().cmd({"SETEX", "t", "100", "5"});
  EXPECT_EQ(integer(conn().cmd({"INCR", "t"})), 6);
  EXPECT_GE(ttl("t"), 99);
  conn().cmd({"SET", "r", "10"});
  conn().cmd({"APPEND", "r", "0"});
  EXPECT_EQ(encoding("r"), "raw");
  EXPECT_EQ(integer(conn().cmd({"INCR", "r"})), 101);
  EXPECT_EQ(encoding("r"), "int");
}

TEST_P(StringTest, IncrByFloat) {
  EXPECT_EQ(raw({"INCRBYFLOAT", "f", "10.5"}), "$4\r\n10.5\r\n");
  EXPECT_EQ(raw({"INCRBYFLOAT", "f", "0.1"}), "$4\r\n10.6\r\n");
  EXPECT_EQ(raw({"INCRBYFLOAT", "f", "-5"}), "$3\r\n5.6\r\n");
  // long double arithmetic shows through, exactly as in Redis.
  EXPECT_EQ(raw({"INCRBYFLOAT", "f", "5.0e3"}), "$22\r\n5005.60000000000000009\r\n");
  EXPECT_EQ(raw({"INCRBYFLOAT", "g", "3"}), "$1\r\n3\r\n");
  EXPECT_EQ(encoding("g"), "embstr");  // stored as text, unlike SET g 3
  conn().cmd({"SET", "i", "10"});
  EXPECT_EQ(raw({"INCRBYFLOAT", "i", "-10.5"}), "$4\r\n-0.5\r\n");
  EXPECT_EQ(raw({"INCRBYFLOAT", "i", "0.5"}), "$1\r\n0\r\n");  // never "-0"
  EXPECT_EQ(raw({"INCRBYFLOAT", "z", "100000000000000000000000"}),
            "$24\r\n100000000000000000000000\r\n");
  for (const char* bad : {"abc", "", " 1", "1 ", "nan", "1e5000", "1e-5000"})
    EXPECT_EQ(str(conn().cmd({"INCRBYFLOAT", "f", bad})), kNotFloat) << bad;
  EXPECT_EQ(str(conn().cmd({"INCRBYFLOAT", "f", "inf"})),
            "ERR increment would produce NaN or Infinity");
  conn().cmd({"SET", "big", "1.7e308"});
  EXPECT_EQ(raw({"INCRBYFLOAT", "big", "1.7e308"}).substr(0, 8), "$309\r\n34");  // long double
  conn().cmd({"SET", "s", "text"});
  EXPECT_EQ(str(conn().cmd({"INCRBYFLOAT", "s", "1"})), kNotFloat);
  conn().cmd({"SETEX", "t", "100", "1"});
  EXPECT_EQ(str(conn().cmd({"INCRBYFLOAT", "t", "1.5"})), "2.5");
  EXPECT_GE(ttl("t"), 99);
}

TEST_P(StringTest, AppendAndStrlen) {
  EXPECT_EQ(raw({"APPEND", "k", "hello"}), ":5\r\n");
  EXPECT_EQ(encoding("k"), "embstr");
  EXPECT_EQ(raw({"APPEND", "k", " world"}), ":11\r\n");
  EXPECT_EQ(encoding("k"), "raw");
  EXPECT_EQ(str(conn().cmd({"GET", "k"})), "hello world");
  EXPECT_EQ(raw({"STRLEN", "k"}), ":11\r\n");
  EXPECT_EQ(raw({"STRLEN", "missing"}), ":0\r\n");
  EXPECT_EQ(raw({"APPEND", "n", "123"}), ":3\r\n");
  EXPECT_EQ(encoding("n"), "int");
  EXPECT_EQ(raw({"STRLEN", "n"}), ":3\r\n");
  EXPECT_EQ(raw({"APPEND", "n", "456"}), ":6\r\n");
  EXPECT_EQ(str(conn().cmd({"GET", "n"})), "123456");
  conn().cmd({"SETEX", "t", "100", "x"});
  EXPECT_EQ(integer(conn().cmd({"APPEND", "t", "y"})), 2);
  EXPECT_GE(ttl("t"), 99);
}

TEST_P(StringTest, AppendGrowsToOneMegabyte) {
  const std::string chunk(64 * 1024, 'a');
  std::string expected;
  for (int i = 0; i < 16; i++) {
    std::string piece = chunk;
    piece[0] = static_cast<char>('A' + i);
    expected += piece;
    EXPECT_EQ(integer(conn().cmd({"APPEND", "big", piece})),
              static_cast<long long>(expected.size()));
  }
  EXPECT_EQ(integer(conn().cmd({"STRLEN", "big"})), 1024 * 1024);
  EXPECT_EQ(str(conn().cmd({"GET", "big"})), expected);
  EXPECT_EQ(str(conn().cmd({"GETRANGE", "big", "65536", "65540"})), "Baaaa");
}

TEST_P(StringTest, GetrangeSubstr) {
  conn().cmd({"SET", "s", "This is a string"});
  EXPECT_EQ(str(conn().cmd({"GETRANGE", "s", "0", "3"})), "This");
  EXPECT_EQ(str(conn().cmd({"GETRANGE", "s", "-3", "-1"})), "ing");
  EXPECT_EQ(str(conn().cmd({"GETRANGE", "s", "0", "-1"})), "This is a string");
  EXPECT_EQ(str(conn().cmd({"GETRANGE", "s", "10", "100"})), "string");
  EXPECT_EQ(str(conn().cmd({"GETRANGE", "s", "-100", "2"})), "Thi");
  EXPECT_EQ(raw({"GETRANGE", "s", "5", "2"}), "$0\r\n\r\n");
  EXPECT_EQ(raw({"GETRANGE", "s", "-1", "-5"}), "$0\r\n\r\n");
  EXPECT_EQ(raw({"GETRANGE", "s", "100", "200"}), "$0\r\n\r\n");
  EXPECT_EQ(str(conn().cmd({"GETRANGE", "s", "-9223372036854775808", "9223372036854775807"})),
            "This is a string");
  EXPECT_EQ(raw({"GETRANGE", "missing", "0", "-1"}), "$0\r\n\r\n");
  EXPECT_EQ(str(conn().cmd({"GETRANGE", "s", "a", "1"})), kNotInt);
  EXPECT_EQ(str(conn().cmd({"GETRANGE", "missing", "0", "b"})), kNotInt);
  conn().cmd({"SET", "n", "1234567"});
  EXPECT_EQ(str(conn().cmd({"GETRANGE", "n", "2", "4"})), "345");
  EXPECT_EQ(str(conn().cmd({"SUBSTR", "s", "-6", "-1"})), "string");
  EXPECT_EQ(str(conn().cmd({"SUBSTR", "s", "0"})),
            "ERR wrong number of arguments for 'substr' command");
}

TEST_P(StringTest, Setrange) {
  EXPECT_EQ(raw({"SETRANGE", "k", "0", "hello"}), ":5\r\n");
  EXPECT_EQ(encoding("k"), "raw");
  EXPECT_EQ(raw({"SETRANGE", "k", "6", "world"}), ":11\r\n");
  EXPECT_EQ(str(conn().cmd({"GET", "k"})), std::string("hello\0world", 11));
  EXPECT_EQ(raw({"SETRANGE", "k", "0", "J"}), ":11\r\n");
  EXPECT_EQ(raw({"SETRANGE", "k", "3", ""}), ":11\r\n");
  EXPECT_EQ(raw({"SETRANGE", "missing", "5", ""}), ":0\r\n");
  EXPECT_EQ(integer(conn().cmd({"EXISTS", "missing"})), 0);
  EXPECT_EQ(raw({"SETRANGE", "z", "3", "x"}), ":4\r\n");
  EXPECT_EQ(str(conn().cmd({"GET", "z"})), std::string("\0\0\0x", 4));
  EXPECT_EQ(str(conn().cmd({"SETRANGE", "k", "-1", "x"})), "ERR offset is out of range");
  EXPECT_EQ(str(conn().cmd({"SETRANGE", "k", "abc", "x"})), kNotInt);
  const std::string too_big = "ERR string exceeds maximum allowed size (proto-max-bulk-len)";
  EXPECT_EQ(str(conn().cmd({"SETRANGE", "k", "536870911", "xy"})), too_big);
  EXPECT_EQ(str(conn().cmd({"SETRANGE", "k", "9223372036854775807", "x"})), too_big);
  EXPECT_EQ(str(conn().cmd({"SETRANGE", "k2", "536870912", "x"})), too_big);
  conn().cmd({"SET", "n", "1234"});
  EXPECT_EQ(integer(conn().cmd({"SETRANGE", "n", "1", "X"})), 4);
  EXPECT_EQ(str(conn().cmd({"GET", "n"})), "1X34");
  EXPECT_EQ(encoding("n"), "raw");
  conn().cmd({"SETEX", "t", "100", "abc"});
  EXPECT_EQ(integer(conn().cmd({"SETRANGE", "t", "1", "Z"})), 3);
  EXPECT_GE(ttl("t"), 99);
}

TEST_P(StringTest, SetrangeOneMegabyte) {
  // A write at 1 MiB zero-fills the gap; later writes patch in place.
  EXPECT_EQ(integer(conn().cmd({"SETRANGE", "big", "1048575", "!"})), 1048576);
  EXPECT_EQ(integer(conn().cmd({"SETRANGE", "big", "0", "start"})), 1048576);
  EXPECT_EQ(integer(conn().cmd({"SETRANGE", "big", "524288", "mid"})), 1048576);
  std::string expected(1048576, '\0');
  expected.replace(0, 5, "start");
  expected.replace(524288, 3, "mid");
  expected[1048575] = '!';
  EXPECT_EQ(str(conn().cmd({"GET", "big"})), expected);
  EXPECT_EQ(integer(conn().cmd({"APPEND", "big", "end"})), 1048579);
  EXPECT_EQ(str(conn().cmd({"GETRANGE", "big", "-4", "-1"})), "!end");
}

TEST_P(StringTest, Lcs) {
  conn().cmd({"MSET", "a", "ohmytext", "b", "mynewtext"});
  EXPECT_EQ(raw({"LCS", "a", "b"}), "$6\r\nmytext\r\n");
  EXPECT_EQ(raw({"LCS", "a", "b", "LEN"}), ":6\r\n");
  EXPECT_EQ(raw({"LCS", "a", "b", "IDX", "MINMATCHLEN", "4", "WITHMATCHLEN"}),
            "*4\r\n$7\r\nmatches\r\n*1\r\n*3\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n:4\r\n"
            "$3\r\nlen\r\n:6\r\n");
  EXPECT_EQ(raw({"LCS", "a", "b", "IDX"}),
            "*4\r\n$7\r\nmatches\r\n*2\r\n*2\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n"
            "*2\r\n*2\r\n:2\r\n:3\r\n*2\r\n:0\r\n:1\r\n$3\r\nlen\r\n:6\r\n");
  EXPECT_EQ(raw({"LCS", "a", "missing"}), "$0\r\n\r\n");
  EXPECT_EQ(str(conn().cmd({"LCS", "a", "b", "LEN", "IDX"})),
            "ERR If you want both the length and indexes, please just use IDX.");
  EXPECT_EQ(str(conn().cmd({"LCS", "a", "b", "MINMATCHLEN", "x"})), kNotInt);
  EXPECT_EQ(str(conn().cmd({"LCS", "a", "b", "MINMATCHLEN"})), kSyntax);
  raw({"HELLO", "3"});
  EXPECT_EQ(raw({"LCS", "a", "b", "IDX", "MINMATCHLEN", "5"}),
            "%2\r\n$7\r\nmatches\r\n*0\r\n$3\r\nlen\r\n:6\r\n");
}

// Wrong-type errors, against a list.
TEST_P(StringTest, WrongTypeErrors) {
  EXPECT_EQ(integer(conn().cmd({"LPUSH", "l", "x"})), 1);
  for (std::vector<std::string> cmd : std::vector<std::vector<std::string>>{
           {"GET", "l"},
           {"SET", "l", "v", "GET"},
           {"GETSET", "l", "v"},
           {"GETDEL", "l"},
           {"GETEX", "l", "EX", "abc"},
           {"INCR", "l"},
           {"INCRBYFLOAT", "l", "x"},
           {"APPEND", "l", "x"},
           {"STRLEN", "l"},
           {"GETRANGE", "l", "0", "1"},
           {"SETRANGE", "l", "0", ""},
       })
    EXPECT_EQ(str(conn().cmd(cmd)), kWrongType) << cmd[0];
  EXPECT_EQ(str(conn().cmd({"INCRBY", "l", "x"})), kNotInt);
  EXPECT_EQ(str(conn().cmd({"SETRANGE", "l", "-1", "x"})), "ERR offset is out of range");
  EXPECT_EQ(str(conn().cmd({"LCS", "l", "x", "FOO"})),
            "ERR The specified keys must contain string values");
  EXPECT_EQ(raw({"MGET", "l"}), "*1\r\n$-1\r\n");
  EXPECT_EQ(raw({"SET", "l", "v", "NX"}), "$-1\r\n");
  EXPECT_EQ(str(conn().cmd({"SET", "l", "v"})), "OK");  // plain SET overwrites any type
  EXPECT_EQ(str(conn().cmd({"GET", "l"})), "v");
}

RKV_INSTANTIATE_IO_MODES(StringTest);

class StringLimitTest : public ServerTest {
 protected:
  std::vector<std::string> server_args() const override {
    return {"--proto-max-bulk-len", "1048576"};
  }
};

TEST_P(StringLimitTest, ProtoMaxBulkLenCapsGrowth) {
  const std::string too_big = "ERR string exceeds maximum allowed size (proto-max-bulk-len)";
  EXPECT_EQ(integer(conn().cmd({"SETRANGE", "k", "1048575", "x"})), 1048576);
  EXPECT_EQ(str(conn().cmd({"APPEND", "k", "y"})), too_big);
  EXPECT_EQ(str(conn().cmd({"SETRANGE", "k", "1048576", "y"})), too_big);
  EXPECT_EQ(str(conn().cmd({"SETRANGE", "k", "1048575", "yz"})), too_big);
  EXPECT_EQ(integer(conn().cmd({"SETRANGE", "k", "1048575", "y"})), 1048576);
  EXPECT_EQ(integer(conn().cmd({"APPEND", "k", ""})), 1048576);
  EXPECT_EQ(str(conn().cmd({"SETRANGE", "other", "1048576", "y"})), too_big);
  EXPECT_EQ(integer(conn().cmd({"EXISTS", "other"})), 0);
}

RKV_INSTANTIATE_IO_MODES(StringLimitTest);

}  // namespace
}  // namespace rkv::test

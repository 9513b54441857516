#include "store/listpack.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

namespace rkv::store {
namespace {

using Pos = Listpack::Pos;

std::string bytes_of(const Listpack& lp) {
  return std::string(reinterpret_cast<const char*>(lp.data()), lp.bytes());
}

std::string text(const Listpack& lp, Pos p) {
  Listpack::Scratch s;
  return std::string(lp.get(p, s).sv);
}

// The elements walking forward; also checks that walking backward and seek() agree.
std::vector<std::string> contents(const Listpack& lp) {
  std::vector<std::string> fwd;
  std::vector<Pos> pos;
  for (Pos p = lp.first(); p != Listpack::kNone; p = lp.next(p)) {
    fwd.push_back(text(lp, p));
    pos.push_back(p);
  }
  std::vector<Pos> back;
  for (Pos p = lp.last(); p != Listpack::kNone; p = lp.prev(p)) back.push_back(p);
  EXPECT_EQ(std::vector<Pos>(pos.rbegin(), pos.rend()), back);
  EXPECT_EQ(lp.size(), fwd.size());
  for (size_t i = 0; i < pos.size(); ++i) {
    EXPECT_EQ(lp.seek(static_cast<int64_t>(i)), pos[i]);
    EXPECT_EQ(lp.seek(static_cast<int64_t>(i) - static_cast<int64_t>(pos.size())), pos[i]);
  }
  EXPECT_TRUE(Listpack::validate(lp.data(), lp.bytes()));
  return fwd;
}

Listpack from(const std::vector<std::string>& v) {
  Listpack lp;
  for (const auto& s : v) lp.push_back(s);
  return lp;
}

TEST(Listpack, Empty) {
  Listpack lp;
  EXPECT_EQ(bytes_of(lp), std::string("\x07\x00\x00\x00\x00\x00\xff", 7));
  EXPECT_EQ(lp.size(), 0u);
  EXPECT_TRUE(lp.empty());
  EXPECT_EQ(lp.first(), Listpack::kNone);
  EXPECT_EQ(lp.last(), Listpack::kNone);
  EXPECT_EQ(lp.end(), 6u);
  EXPECT_EQ(lp.seek(0), Listpack::kNone);
  EXPECT_EQ(lp.seek(-1), Listpack::kNone);
  EXPECT_EQ(lp.find("a", lp.first()), Listpack::kNone);
  EXPECT_GE(lp.allocated_bytes(), lp.bytes());
  EXPECT_TRUE(Listpack::validate(lp.data(), lp.bytes()));
}

struct IntCase {
  int64_t v;
  std::string entry;  // encoding, data and backlen
};

TEST(Listpack, IntegerEncodingsAtEveryBoundary) {
  const std::vector<IntCase> cases = {
      {0, std::string("\x00\x01", 2)},
      {127, "\x7f\x01"},
      {128, "\xc0\x80\x02"},  // 13-bit
      {-1, "\xdf\xff\x02"},
      {4095, "\xcf\xff\x02"},
      {-4096, std::string("\xd0\x00\x02", 3)},
      {4096, std::string("\xf1\x00\x10\x03", 4)},  // 16-bit
      {-4097, "\xf1\xff\xef\x03"},
      {32767, "\xf1\xff\x7f\x03"},
      {-32768, std::string("\xf1\x00\x80\x03", 4)},
      {32768, std::string("\xf2\x00\x80\x00\x04", 5)},  // 24-bit
      {-32769, "\xf2\xff\x7f\xff\x04"},
      {8388607, "\xf2\xff\xff\x7f\x04"},
      {-8388608, std::string("\xf2\x00\x00\x80\x04", 5)},
      {8388608, std::string("\xf3\x00\x00\x80\x00\x05", 6)},  // 32-bit
      {-8388609, "\xf3\xff\xff\x7f\xff\x05"},
      {INT32_MAX, "\xf3\xff\xff\xff\x7f\x05"},
      {INT32_MIN, std::string("\xf3\x00\x00\x00\x80\x05", 6)},
      {int64_t{INT32_MAX} + 1, std::string("\xf4\x00\x00\x00\x80\x00\x00\x00\x00\x09", 10)},
      {int64_t{INT32_MIN} - 1, "\xf4\xff\xff\xff\x7f\xff\xff\xff\xff\x09"},
      {INT64_MAX, "\xf4\xff\xff\xff\xff\xff\xff\xff\x7f\x09"},
      {INT64_MIN, std::string("\xf4\x00\x00\x00\x00\x00\x00\x00\x80\x09", 10)},
  };
  const std::string header_tail = std::string("\xff", 1);
  for (const auto& c : cases) {
    SCOPED_TRACE(c.v);
    std::string s = std::to_string(c.v);
    EXPECT_EQ(Listpack::entry_bytes(s), c.entry.size());
    EXPECT_EQ(Listpack::entry_bytes_int(c.v), c.entry.size());
    Listpack a, b;
    a.push_back(s);
    b.push_back_int(c.v);
    std::string want(6, '\0');
    auto total = static_cast<uint8_t>(7 + c.entry.size());
    want[0] = static_cast<char>(total);
    want[4] = 1;
    want += c.entry + header_tail;
    EXPECT_EQ(bytes_of(a), want);
    EXPECT_EQ(bytes_of(b), want);
    Listpack::Scratch scratch;
    Listpack::Value v = a.get(a.first(), scratch);
    EXPECT_TRUE(v.is_int);
    EXPECT_EQ(v.ival, c.v);
    EXPECT_EQ(v.sv, s);
    EXPECT_TRUE(a.equals(a.first(), s));
    EXPECT_FALSE(a.equals(a.first(), s + "0"));
    EXPECT_EQ(a.find(s, a.first()), a.first());
    EXPECT_TRUE(Listpack::validate(a.data(), a.bytes()));
  }
}

TEST(Listpack, NonCanonicalIntegerTextStaysAString) {
  for (std::string s : {"012", "+1", " 1", "1 ", "-0", "00", "9223372036854775808",
                        "-9223372036854775809", "1.0", "0x10", ""}) {
    SCOPED_TRACE(s);
    Listpack lp;
    lp.push_back(s);
    Listpack::Scratch scratch;
    Listpack::Value v = lp.get(lp.first(), scratch);
    EXPECT_FALSE(v.is_int);
    EXPECT_EQ(v.sv, s);
    EXPECT_EQ(Listpack::entry_bytes(s), 1 + s.size() + 1);
    EXPECT_TRUE(lp.equals(lp.first(), s));
    EXPECT_EQ(lp.find(s, lp.first()), lp.first());
  }
  // An int element matches only its canonical text.
  Listpack lp;
  lp.push_back("12");
  EXPECT_TRUE(lp.equals(lp.first(), "12"));
  EXPECT_FALSE(lp.equals(lp.first(), "012"));
  EXPECT_FALSE(lp.equals(lp.first(), "+12"));
  EXPECT_EQ(lp.find("012", lp.first()), Listpack::kNone);
}

TEST(Listpack, StringLengthEncodings) {
  struct Case {
    size_t len;
    size_t head;  // encoding bytes
    size_t backlen;
  };
  for (Case c : {Case{0, 1, 1}, Case{63, 1, 1}, Case{64, 2, 1}, Case{125, 2, 1}, Case{126, 2, 2},
                 Case{4095, 2, 2}, Case{4096, 5, 2}, Case{16377, 5, 2}, Case{16378, 5, 3},
                 Case{70000, 5, 3}}) {
    SCOPED_TRACE(c.len);
    std::string s(c.len, 'x');
    EXPECT_EQ(Listpack::entry_bytes(s), c.head + c.len + c.backlen);
    Listpack lp = from({"a", s, "b"});
    EXPECT_EQ(contents(lp), (std::vector<std::string>{"a", s, "b"}));
    Pos p = lp.seek(1);
    EXPECT_EQ(lp.next(p) - p, c.head + c.len + c.backlen);
    EXPECT_TRUE(lp.equals(p, s));
    EXPECT_EQ(lp.find(s, lp.first()), p);
  }
}

// Entry sizes (encoding + data) on each side of the backlen width steps: 127/128,
// 16382/16383 (Redis gives 16383 three bytes), 2097150/2097151.
TEST(Listpack, BacklenWidths) {
  struct Case {
    size_t data;  // string length giving the entry size below
    size_t entry;
    size_t backlen;
  };
  for (Case c : {Case{125, 127, 1}, Case{126, 128, 2}, Case{16377, 16382, 2}, Case{16378, 16383, 3},
                 Case{2097145, 2097150, 3}, Case{2097146, 2097151, 4}}) {
    SCOPED_TRACE(c.data);
    std::string s(c.data, 'y');
    EXPECT_EQ(Listpack::entry_bytes(s), c.entry + c.backlen);
    Listpack lp = from({"1", s, s, "2"});
    EXPECT_EQ(contents(lp), (std::vector<std::string>{"1", s, s, "2"}));
    EXPECT_EQ(lp.prev(lp.end()), lp.last());
  }
}

// Bytes from Debian's redis-server 7.0.15: `DUMP` of listpack-encoded hashes (the RDB
// payload carries the listpack verbatim; rdbcompression off).
TEST(Listpack, GoldenBytesFromRedis) {
  {
    // HSET h a 1 b -5 f 200 n -4096 x 4095 y 32767 z -32768 w 8388607 v -8388608
    //        u 2147483647 t -2147483648 s 9223372036854775807 r -9223372036854775808
    //        q hello 012 +1
    const std::string redis(
        "\x81\x00\x00\x00\x1e\x00\x81\x61\x02\x01\x01\x81\x62\x02\xdf\xfb\x02\x81\x66\x02\xc0"
        "\xc8\x02\x81\x6e\x02\xd0\x00\x02\x81\x78\x02\xcf\xff\x02\x81\x79\x02\xf1\xff\x7f\x03"
        "\x81\x7a\x02\xf1\x00\x80\x03\x81\x77\x02\xf2\xff\xff\x7f\x04\x81\x76\x02\xf2\x00\x00"
        "\x80\x04\x81\x75\x02\xf3\xff\xff\xff\x7f\x05\x81\x74\x02\xf3\x00\x00\x00\x80\x05\x81"
        "\x73\x02\xf4\xff\xff\xff\xff\xff\xff\xff\x7f\x09\x81\x72\x02\xf4\x00\x00\x00\x00\x00"
        "\x00\x00\x80\x09\x81\x71\x02\x85\x68\x65\x6c\x6c\x6f\x06\x83\x30\x31\x32\x04\x82\x2b"
        "\x31\x03\xff",
        129);
    Listpack lp = from({"a",   "1",
                        "b",   "-5",
                        "f",   "200",
                        "n",   "-4096",
                        "x",   "4095",
                        "y",   "32767",
                        "z",   "-32768",
                        "w",   "8388607",
                        "v",   "-8388608",
                        "u",   "2147483647",
                        "t",   "-2147483648",
                        "s",   "9223372036854775807",
                        "r",   "-9223372036854775808",
                        "q",   "hello",
                        "012", "+1"});
    EXPECT_EQ(bytes_of(lp), redis);
  }
  {
    // HSET h2 k 127 k2 128 k3 "" k4 -1
    const std::string redis(
        "\x20\x00\x00\x00\x08\x00\x81\x6b\x02\x7f\x01\x82\x6b\x32\x03\xc0\x80\x02\x82\x6b\x33"
        "\x03\x80\x01\x82\x6b\x34\x03\xdf\xff\x02\xff",
        32);
    EXPECT_EQ(bytes_of(from({"k", "127", "k2", "128", "k3", "", "k4", "-1"})), redis);
  }
  {
    // HSET h3 f<n> <n times 'x'> for each n below (hash-max-listpack-value raised).
    const std::string x = "x";
    auto xs = [](size_t n) { return std::string(n, 'x'); };
    const std::string redis =
        std::string("\x6b\xb3\x41\x00\x18\x00\x82\x66\x30\x03\x80\x01\x83\x66\x36\x33\x04\xbf",
                    18) +
        xs(63) + std::string("\x40\x83\x66\x36\x34\x04\xe0\x40", 8) + xs(64) +
        std::string("\x42\x84\x66\x31\x32\x35\x05\xe0\x7d", 9) + xs(125) +
        std::string("\x7f\x84\x66\x31\x32\x36\x05\xe0\x7e", 9) + xs(126) +
        std::string("\x01\x80\x85\x66\x34\x30\x39\x35\x06\xef\xff", 11) + xs(4095) +
        std::string("\x20\x81\x85\x66\x34\x30\x39\x36\x06\xf0\x00\x10\x00\x00", 14) + xs(4096) +
        std::string("\x20\x85\x86\x66\x31\x36\x33\x37\x37\x07\xf0\xf9\x3f\x00\x00", 15) +
        xs(16377) +
        std::string("\x7f\xfe\x86\x66\x31\x36\x33\x37\x38\x07\xf0\xfa\x3f\x00\x00", 15) +
        xs(16378) +
        std::string("\x00\xff\xff\x86\x66\x37\x30\x30\x30\x30\x07\xf0\x70\x11\x01\x00", 16) +
        xs(70000) +
        std::string("\x04\xa2\xf5\x88\x66\x32\x30\x39\x37\x31\x34\x35\x09\xf0\xf9\xff\x1f\x00",
                    18) +
        xs(2097145) +
        std::string("\x7f\xff\xfe\x88\x66\x32\x30\x39\x37\x31\x34\x36\x09\xf0\xfa\xff\x1f\x00",
                    18) +
        xs(2097146) + std::string("\x00\xff\xff\xff\xff", 5);
    Listpack lp;
    for (size_t n : {0, 63, 64, 125, 126, 4095, 4096, 16377, 16378, 70000, 2097145, 2097146}) {
      lp.push_back("f" + std::to_string(n));
      lp.push_back(xs(n));
    }
    EXPECT_EQ(bytes_of(lp), redis);
    EXPECT_TRUE(Listpack::validate(reinterpret_cast<const uint8_t*>(redis.data()), redis.size()));
  }
}

TEST(Listpack, InsertAtHeadMiddleTail) {
  Listpack lp;
  lp.push_back("m");
  lp.push_front("h");
  lp.push_back("t");
  EXPECT_EQ(contents(lp), (std::vector<std::string>{"h", "m", "t"}));
  Pos p = lp.insert(lp.seek(1), "before-m");
  EXPECT_EQ(text(lp, p), "before-m");
  EXPECT_EQ(text(lp, lp.next(p)), "m");
  p = lp.insert(lp.end(), "99");
  EXPECT_EQ(p, lp.last());
  p = lp.insert_int(lp.first(), -7);
  EXPECT_EQ(p, lp.first());
  lp.push_front_int(1000000);
  lp.push_back_int(5);
  EXPECT_EQ(contents(lp),
            (std::vector<std::string>{"1000000", "-7", "h", "before-m", "m", "t", "99", "5"}));
}

TEST(Listpack, ReplaceGrowsShrinksAndKeepsNeighbours) {
  Listpack lp = from({"a", "b", "c"});
  for (int64_t i : {0, 1, 2}) {
    for (const std::string& s :
         {std::string(5000, 'z'), std::string("1"), std::string(100, 'q'), std::string(""),
          std::string("-9223372036854775808"), std::string("c")}) {
      Pos p = lp.seek(i);
      EXPECT_EQ(lp.replace(p, s), p);
      std::vector<std::string> want = {"a", "b", "c"};
      want[static_cast<size_t>(i)] = s;
      EXPECT_EQ(contents(lp), want);
    }
    lp.replace(lp.seek(i), std::string(1, static_cast<char>('a' + i)));
  }
  Pos p = lp.replace_int(lp.seek(1), 123456789012);
  EXPECT_EQ(text(lp, p), "123456789012");
  EXPECT_EQ(contents(lp), (std::vector<std::string>{"a", "123456789012", "c"}));
}

TEST(Listpack, EraseAtHeadMiddleTail) {
  Listpack lp = from({"0", "1", "2", "3", "4", "5"});
  Pos p = lp.erase(lp.first());
  EXPECT_EQ(p, lp.first());
  EXPECT_EQ(contents(lp), (std::vector<std::string>{"1", "2", "3", "4", "5"}));
  p = lp.erase(lp.seek(2), 2);
  EXPECT_EQ(text(lp, p), "5");
  EXPECT_EQ(contents(lp), (std::vector<std::string>{"1", "2", "5"}));
  p = lp.erase(lp.last());
  EXPECT_EQ(p, lp.end());
  EXPECT_EQ(contents(lp), (std::vector<std::string>{"1", "2"}));
  p = lp.erase(lp.first(), 100);  // stops at the end
  EXPECT_EQ(p, lp.end());
  EXPECT_TRUE(lp.empty());
  EXPECT_EQ(bytes_of(lp), std::string("\x07\x00\x00\x00\x00\x00\xff", 7));
}

TEST(Listpack, EraseRange) {
  std::vector<std::string> model;
  for (int i = 0; i < 20; ++i) model.push_back("e" + std::to_string(i));
  Listpack lp = from(model);
  lp.erase_range(3, 4);
  model.erase(model.begin() + 3, model.begin() + 7);
  EXPECT_EQ(contents(lp), model);
  lp.erase_range(0, 2);
  model.erase(model.begin(), model.begin() + 2);
  EXPECT_EQ(contents(lp), model);
  lp.erase_range(10, 1000);
  model.resize(10);
  EXPECT_EQ(contents(lp), model);
  lp.erase_range(10, 5);  // past the end: nothing
  lp.erase_range(2, 0);
  EXPECT_EQ(contents(lp), model);
}

TEST(Listpack, SeekNegativeAndOutOfRange) {
  Listpack lp = from({"a", "b", "c", "d", "e"});
  EXPECT_EQ(text(lp, lp.seek(0)), "a");
  EXPECT_EQ(text(lp, lp.seek(4)), "e");
  EXPECT_EQ(text(lp, lp.seek(-1)), "e");
  EXPECT_EQ(text(lp, lp.seek(-5)), "a");
  EXPECT_EQ(text(lp, lp.seek(3)), "d");  // found walking back from the tail
  EXPECT_EQ(lp.seek(5), Listpack::kNone);
  EXPECT_EQ(lp.seek(-6), Listpack::kNone);
  EXPECT_EQ(lp.seek(INT64_MAX), Listpack::kNone);
  EXPECT_EQ(lp.seek(INT64_MIN), Listpack::kNone);
  EXPECT_EQ(lp.next(lp.last()), Listpack::kNone);
  EXPECT_EQ(lp.prev(lp.first()), Listpack::kNone);
  EXPECT_EQ(lp.next(Listpack::kNone), Listpack::kNone);
  EXPECT_EQ(lp.prev(Listpack::kNone), Listpack::kNone);
}

TEST(Listpack, FindWithSkipLooksOnlyAtFields) {
  // field, value pairs where a value equals a later field's name.
  Listpack lp = from({"f1", "f2", "f2", "v2", "3", "f1", "f4", "3"});
  EXPECT_EQ(lp.find("f2", lp.first(), 1), lp.seek(2));
  EXPECT_EQ(lp.find("f1", lp.first(), 1), lp.seek(0));
  EXPECT_EQ(lp.find("3", lp.first(), 1), lp.seek(4));
  EXPECT_EQ(lp.find("v2", lp.first(), 1), Listpack::kNone);
  EXPECT_EQ(lp.find("f4", lp.first(), 1), lp.seek(6));
  EXPECT_EQ(lp.find("missing", lp.first(), 1), Listpack::kNone);
  // Without skip every element counts; from a later position.
  EXPECT_EQ(lp.find("f2", lp.first()), lp.seek(1));
  EXPECT_EQ(lp.find("3", lp.seek(5)), lp.seek(7));
  EXPECT_EQ(lp.find("3", Listpack::kNone), Listpack::kNone);
  // Sorted-set style: member, score with skip 1 from the first member.
  Listpack z = from({"a", "1.5", "b", "2", "c", "3"});
  EXPECT_EQ(z.find("2", z.first(), 1), Listpack::kNone);
  EXPECT_EQ(z.find("c", z.first(), 1), z.seek(4));
}

TEST(Listpack, CountSaturatesAndSizeCounts) {
  Listpack lp;
  const size_t n = 70000;
  for (size_t i = 0; i < n; ++i) lp.push_back_int(static_cast<int64_t>(i % 100));
  EXPECT_EQ(lp.data()[4], 0xFF);
  EXPECT_EQ(lp.data()[5], 0xFF);
  EXPECT_EQ(lp.size(), n);
  EXPECT_EQ(text(lp, lp.seek(-1)), "99");
  EXPECT_EQ(lp.seek(69999), lp.last());
  EXPECT_TRUE(Listpack::validate(lp.data(), lp.bytes()));
  lp.erase_range(0, 4000);
  EXPECT_EQ(lp.data()[4], 0xFF);  // still unknown: removing does not make it known
  EXPECT_EQ(lp.size(), 66000u);
  lp.erase_range(0, 1000);
  EXPECT_EQ(lp.size(), 65000u);  // recounted and written back
  EXPECT_EQ(lp.data()[4] | lp.data()[5] << 8, 65000);
  lp.push_back("x");
  EXPECT_EQ(lp.size(), 65001u);
  EXPECT_TRUE(Listpack::validate(lp.data(), lp.bytes()));
  // Exactly 65535 elements is "unknown" too.
  Listpack m;
  for (size_t i = 0; i < 65535; ++i) m.push_back_int(1);
  EXPECT_EQ(m.data()[4] | m.data()[5] << 8, 0xFFFF);
  EXPECT_EQ(m.size(), 65535u);
  m.erase(m.first());
  EXPECT_EQ(m.size(), 65534u);
}

TEST(Listpack, InsertOrReplaceFromItsOwnBytes) {
  Listpack lp = from({std::string(300, 'a'), "b"});
  Listpack::Scratch s;
  for (int i = 0; i < 50; ++i) {
    std::string_view own = lp.get(lp.first(), s).sv;  // views the listpack
    lp.push_back(own);
  }
  lp.replace(lp.seek(1), lp.get(lp.first(), s).sv);
  std::vector<std::string> got = contents(lp);
  ASSERT_EQ(got.size(), 52u);
  for (size_t i = 0; i < got.size(); ++i) EXPECT_EQ(got[i], std::string(300, 'a'));
}

TEST(Listpack, MoveCloneReleaseAdopt) {
  Listpack a = from({"x", "1", std::string(70, 'y')});
  Listpack b = a.clone();
  EXPECT_EQ(bytes_of(a), bytes_of(b));
  Listpack c = std::move(a);
  EXPECT_EQ(bytes_of(c), bytes_of(b));
  void* raw = c.release();
  Listpack d = Listpack::adopt(raw);
  EXPECT_EQ(contents(d), contents(b));
  b = std::move(d);
  EXPECT_EQ(contents(b), (std::vector<std::string>{"x", "1", std::string(70, 'y')}));
  EXPECT_GE(b.allocated_bytes(), b.bytes());
}

std::string good_bytes() {
  Listpack lp = from({"a", "1000", std::string(200, 'b'), "-3"});
  return bytes_of(lp);
}

bool valid(const std::string& s) {
  return Listpack::validate(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}

TEST(Listpack, ValidateRejectsDamage) {
  std::string g = good_bytes();
  ASSERT_TRUE(valid(g));
  EXPECT_FALSE(Listpack::validate(nullptr, 0));
  EXPECT_FALSE(valid(std::string("\x06\x00\x00\x00\x00\x00", 6)));
  for (size_t cut = 0; cut < g.size(); ++cut) {
    std::string t = g.substr(0, cut);
    if (t.size() >= 4) {
      t[0] = static_cast<char>(cut);  // total agrees with the length, the rest does not
      t[1] = 0;
    }
    EXPECT_FALSE(valid(t)) << cut;
  }
  {
    std::string t = g;
    t[0] = static_cast<char>(t[0] + 1);  // total mismatch
    EXPECT_FALSE(valid(t));
  }
  {
    std::string t = g;
    t.back() = '\xfe';  // bad terminator
    EXPECT_FALSE(valid(t));
  }
  {
    std::string t = g;
    t[4] = 5;  // count mismatch
    EXPECT_FALSE(valid(t));
    t[4] = '\xff';
    t[5] = '\xff';  // "unknown" is fine
    EXPECT_TRUE(valid(t));
  }
  {
    std::string t = g;
    t[6 + 2] = 0x05;  // backlen of "a" says 5, not 2
    EXPECT_FALSE(valid(t));
  }
  {
    // Backlen of the 200-byte string in 3 bytes instead of 2 (shift the tail right).
    Listpack lp = from({std::string(200, 'b')});
    std::string t = bytes_of(lp);
    size_t bl = t.size() - 3;  // first backlen byte
    t.insert(bl, 1, '\0');
    t[bl + 1] = static_cast<char>(t[bl + 1] | 0x80);
    t[0] = static_cast<char>(t.size());
    t[1] = static_cast<char>(t.size() >> 8);
    EXPECT_FALSE(valid(t));
  }
  {
    std::string t = g;
    t[6] = '\xf5';  // no such encoding
    EXPECT_FALSE(valid(t));
  }
  {
    std::string t = g;
    t[6] = '\xff';  // early terminator
    EXPECT_FALSE(valid(t));
  }
  {
    std::string t = g;
    t[6] = '\xbf';  // a 63-byte string running past the end
    EXPECT_FALSE(valid(t));
  }
  {
    // 32-bit string length far past the buffer.
    std::string t("\x11\x00\x00\x00\x01\x00\xf0\xff\xff\xff\xff\x61\x61\x61\x61\x01\xff", 17);
    EXPECT_FALSE(valid(t));
  }
  // Every single-byte change of the good buffer either still validates or is rejected
  // walks consistently in both directions.
  for (size_t i = 0; i < g.size(); ++i) {
    for (int b = 0; b < 256; b += 7) {
      std::string t = g;
      t[i] = static_cast<char>(b);
      if (!valid(t)) continue;
      void* copy = std::malloc(t.size());
      std::memcpy(copy, t.data(), t.size());
      Listpack lp = Listpack::adopt(copy);
      contents(lp);  // walks both ways without leaving the buffer
    }
  }
}

TEST(Listpack, RandomOperationsMatchAModel) {
  std::mt19937_64 rng(42);
  auto random_string = [&rng]() -> std::string {
    switch (rng() % 6) {
      case 0:
        return std::to_string(static_cast<int64_t>(rng()) >> (rng() % 64));
      case 1:
        return std::to_string(static_cast<int>(rng() % 300) - 150);
      case 2:
        return std::string(rng() % 70, static_cast<char>('a' + rng() % 26));
      case 3:
        return std::string(rng() % 5000, 'L');
      case 4:
        return "0" + std::to_string(rng() % 100);
      default:
        return "";
    }
  };
  Listpack lp;
  std::vector<std::string> model;
  for (int step = 0; step < 4000; ++step) {
    size_t n = model.size();
    switch (rng() % 5) {
      case 0:
      case 1: {
        size_t i = rng() % (n + 1);
        std::string s = random_string();
        Pos at = i == n ? lp.end() : lp.seek(static_cast<int64_t>(i));
        Pos p = lp.insert(at, s);
        EXPECT_EQ(text(lp, p), s);
        model.insert(model.begin() + static_cast<ptrdiff_t>(i), s);
        break;
      }
      case 2:
        if (n) {
          size_t i = rng() % n;
          std::string s = random_string();
          lp.replace(lp.seek(static_cast<int64_t>(i)), s);
          model[i] = s;
        }
        break;
      case 3:
        if (n) {
          size_t i = rng() % n, c = 1 + rng() % 3;
          Pos p = lp.erase(lp.seek(static_cast<int64_t>(i)), c);
          c = std::min(c, n - i);
          model.erase(model.begin() + static_cast<ptrdiff_t>(i),
                      model.begin() + static_cast<ptrdiff_t>(i + c));
          if (i < model.size()) {
            EXPECT_EQ(text(lp, p), model[i]);
          } else {
            EXPECT_EQ(p, lp.end());
          }
        }
        break;
      default:
        if (n) {
          size_t i = rng() % n;
          EXPECT_EQ(lp.find(model[i], lp.first()),
                    lp.seek(static_cast<int64_t>(std::find(model.begin(), model.end(), model[i]) -
                                                 model.begin())));
        }
        break;
    }
    if (step % 50 == 0) {
      ASSERT_EQ(contents(lp), model);
    }
  }
  EXPECT_EQ(contents(lp), model);
}

}  // namespace
}  // namespace rkv::store

#include "store/bitops.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace rkv::store::bits {
namespace {

// Naive references: one bit at a time, MSB of byte 0 first.
bool naive_bit(const std::string& s, uint64_t pos) {
  if ((pos >> 3) >= s.size()) return false;
  return (static_cast<uint8_t>(s[pos >> 3]) >> (7 - (pos & 7))) & 1;
}

uint64_t naive_field(const std::string& s, uint64_t offset, unsigned width) {
  uint64_t v = 0;
  for (unsigned i = 0; i < width; i++) v = (v << 1) | naive_bit(s, offset + i);
  return v;
}

const uint8_t* u(const std::string& s) {
  return reinterpret_cast<const uint8_t*>(s.data());
}

std::string random_bytes(std::mt19937_64& rng, size_t n) {
  std::string s(n, '\0');
  // Mostly-zero and mostly-one runs so the word skipping in find_bit is exercised.
  const int style = static_cast<int>(rng() % 3);
  for (char& c : s) {
    uint64_t r = rng();
    if (style == 0)
      c = static_cast<char>(r);
    else if (style == 1)
      c = static_cast<char>((r % 50) ? 0 : (r >> 8));
    else
      c = static_cast<char>((r % 50) ? 0xff : (r >> 8));
  }
  return s;
}

TEST(Bitops, PopcountMatchesNaiveAtEveryLength) {
  std::mt19937_64 rng(1);
  for (size_t n = 0; n < 200; n++) {
    std::string s = random_bytes(rng, n);
    uint64_t want = 0;
    for (uint64_t i = 0; i < n * 8; i++) want += naive_bit(s, i);
    EXPECT_EQ(popcount(u(s), n), want) << n;
  }
  std::string ones(4096 + 3, '\xff');
  EXPECT_EQ(popcount(u(ones), ones.size()), ones.size() * 8);
}

TEST(Bitops, CountRangeMatchesNaive) {
  std::mt19937_64 rng(2);
  for (int round = 0; round < 2000; round++) {
    std::string s = random_bytes(rng, 1 + rng() % 40);
    const uint64_t nbits = s.size() * 8;
    uint64_t a = rng() % nbits, b = rng() % nbits;
    if (a > b) std::swap(a, b);
    uint64_t want = 0;
    for (uint64_t i = a; i <= b; i++) want += naive_bit(s, i);
    ASSERT_EQ(count_range(u(s), a, b), want) << a << ".." << b;
  }
}

TEST(Bitops, FindBitMatchesNaive) {
  std::mt19937_64 rng(3);
  for (int round = 0; round < 4000; round++) {
    std::string s = random_bytes(rng, 1 + rng() % 200);
    const uint64_t nbits = s.size() * 8;
    uint64_t a = rng() % nbits, b = rng() % nbits;
    if (a > b) std::swap(a, b);
    for (bool bit : {false, true}) {
      int64_t want = -1;
      for (uint64_t i = a; i <= b; i++) {
        if (naive_bit(s, i) == bit) {
          want = static_cast<int64_t>(i);
          break;
        }
      }
      ASSERT_EQ(find_bit(u(s), a, b, bit), want) << a << ".." << b << " bit " << bit;
    }
  }
}

TEST(Bitops, FindBitOnLongUniformRuns) {
  std::string s(1000, '\0');
  EXPECT_EQ(find_bit(u(s), 0, 7999, true), -1);
  EXPECT_EQ(find_bit(u(s), 3, 7999, false), 3);
  s[777] = 0x01;
  EXPECT_EQ(find_bit(u(s), 0, 7999, true), 777 * 8 + 7);
  EXPECT_EQ(find_bit(u(s), 0, 777 * 8 + 6, true), -1);
  std::string ones(1000, '\xff');
  ones[900] = '\xfe';
  EXPECT_EQ(find_bit(u(ones), 1, 7999, false), 900 * 8 + 7);
}

TEST(Bitops, GetAndSetBit) {
  std::string s(2, '\0');
  auto* p = reinterpret_cast<uint8_t*>(s.data());
  set_bit(p, 0, true);
  set_bit(p, 15, true);
  EXPECT_EQ(s, std::string("\x80\x01", 2));
  EXPECT_TRUE(get_bit(p, 0));
  EXPECT_FALSE(get_bit(p, 1));
  set_bit(p, 0, false);
  EXPECT_EQ(s[0], '\0');
}

TEST(Bitops, FieldsReadAndWriteAcrossBytes) {
  std::mt19937_64 rng(4);
  for (int round = 0; round < 5000; round++) {
    std::string s = random_bytes(rng, 20);
    const unsigned width = 1 + static_cast<unsigned>(rng() % 64);
    const uint64_t offset = rng() % (20 * 8 - width + 1);
    ASSERT_EQ(get_field(s, offset, width), naive_field(s, offset, width));
    const uint64_t value = rng();
    std::string before = s;
    set_field(reinterpret_cast<uint8_t*>(s.data()), offset, width, value);
    const uint64_t mask = width == 64 ? ~uint64_t{0} : (uint64_t{1} << width) - 1;
    ASSERT_EQ(get_field(s, offset, width), value & mask);
    // Bits outside the field are untouched.
    for (uint64_t i = 0; i < 160; i++) {
      if (i >= offset && i < offset + width) continue;
      ASSERT_EQ(naive_bit(s, i), naive_bit(before, i)) << "bit " << i;
    }
  }
}

TEST(Bitops, FieldPastTheEndReadsZeros) {
  std::string s("\xff", 1);
  EXPECT_EQ(get_field(s, 4, 8), 0xf0u);
  EXPECT_EQ(get_field(s, 8, 64), 0u);
  EXPECT_EQ(get_field(s, 1000, 16), 0u);
  EXPECT_EQ(get_field({}, 0, 8), 0u);
}

TEST(Bitops, SignedFieldsExtendTheSign) {
  std::string s("\x80\x00", 2);
  EXPECT_EQ(get_signed_field(s, 0, 1), -1);
  EXPECT_EQ(get_signed_field(s, 0, 8), -128);
  EXPECT_EQ(get_signed_field(s, 0, 9), -256);
  EXPECT_EQ(get_signed_field(s, 1, 8), 0);
  std::string all(8, '\xff');
  EXPECT_EQ(get_signed_field(all, 0, 64), -1);
  EXPECT_EQ(get_field(all, 0, 64), ~uint64_t{0});
}

TEST(Bitops, UnsignedOverflow) {
  uint64_t out;
  EXPECT_FALSE(add_unsigned(250, 5, 8, Overflow::kWrap, &out));
  EXPECT_EQ(out, 255u);
  EXPECT_TRUE(add_unsigned(250, 10, 8, Overflow::kWrap, &out));
  EXPECT_EQ(out, 4u);
  EXPECT_TRUE(add_unsigned(250, 10, 8, Overflow::kSat, &out));
  EXPECT_EQ(out, 255u);
  EXPECT_TRUE(add_unsigned(5, -10, 8, Overflow::kSat, &out));
  EXPECT_EQ(out, 0u);
  EXPECT_TRUE(add_unsigned(5, -10, 8, Overflow::kWrap, &out));
  EXPECT_EQ(out, 251u);
  EXPECT_TRUE(add_unsigned(5, -10, 8, Overflow::kFail, &out));
  // A SET of a negative number is a huge unsigned value: it overflows upwards.
  EXPECT_TRUE(add_unsigned(static_cast<uint64_t>(-1), 0, 8, Overflow::kSat, &out));
  EXPECT_EQ(out, 255u);
  EXPECT_TRUE(add_unsigned(static_cast<uint64_t>(-5), 0, 8, Overflow::kWrap, &out));
  EXPECT_EQ(out, 251u);
  EXPECT_FALSE(add_unsigned(0, INT64_MAX, 63, Overflow::kFail, &out));
  EXPECT_EQ(out, static_cast<uint64_t>(INT64_MAX));
  EXPECT_TRUE(add_unsigned(1, INT64_MAX, 63, Overflow::kWrap, &out));
  EXPECT_EQ(out, 0u);
}

TEST(Bitops, SignedOverflow) {
  int64_t out;
  EXPECT_FALSE(add_signed(100, 27, 8, Overflow::kWrap, &out));
  EXPECT_EQ(out, 127);
  EXPECT_TRUE(add_signed(100, 28, 8, Overflow::kWrap, &out));
  EXPECT_EQ(out, -128);
  EXPECT_TRUE(add_signed(100, 28, 8, Overflow::kSat, &out));
  EXPECT_EQ(out, 127);
  EXPECT_TRUE(add_signed(-100, -29, 8, Overflow::kSat, &out));
  EXPECT_EQ(out, -128);
  EXPECT_TRUE(add_signed(-100, -29, 8, Overflow::kWrap, &out));
  EXPECT_EQ(out, 127);
  EXPECT_TRUE(add_signed(0, 1, 1, Overflow::kWrap, &out));  // i1 holds -1..0
  EXPECT_EQ(out, -1);
  EXPECT_TRUE(add_signed(INT64_MAX, 1, 64, Overflow::kWrap, &out));
  EXPECT_EQ(out, INT64_MIN);
  EXPECT_TRUE(add_signed(INT64_MIN, -1, 64, Overflow::kSat, &out));
  EXPECT_EQ(out, INT64_MIN);
  EXPECT_FALSE(add_signed(INT64_MIN, INT64_MAX, 64, Overflow::kFail, &out));
  EXPECT_EQ(out, -1);
  // SET of a value far below the field: Redis reports it as an upward overflow.
  EXPECT_TRUE(add_signed(INT64_MIN, 0, 8, Overflow::kSat, &out));
  EXPECT_EQ(out, 127);
  EXPECT_TRUE(add_signed(INT64_MIN + 128, 0, 8, Overflow::kSat, &out));
  EXPECT_EQ(out, -128);
  EXPECT_TRUE(add_signed(-1000, 0, 8, Overflow::kSat, &out));
  EXPECT_EQ(out, -128);
}

TEST(Bitops, BitopTreatsShortSourcesAsZeros) {
  std::vector<std::string_view> srcs = {std::string_view("\xff\x0f\xaa", 3),
                                        std::string_view("\x0f", 1)};
  uint8_t out[3];
  bitop(Op::kAnd, srcs, out, 3);
  EXPECT_EQ(std::string(reinterpret_cast<char*>(out), 3), std::string("\x0f\x00\x00", 3));
  bitop(Op::kOr, srcs, out, 3);
  EXPECT_EQ(std::string(reinterpret_cast<char*>(out), 3), std::string("\xff\x0f\xaa", 3));
  bitop(Op::kXor, srcs, out, 3);
  EXPECT_EQ(std::string(reinterpret_cast<char*>(out), 3), std::string("\xf0\x0f\xaa", 3));
  bitop(Op::kNot, srcs, out, 3);
  EXPECT_EQ(std::string(reinterpret_cast<char*>(out), 3), std::string("\x00\xf0\x55", 3));
}

TEST(Bitops, BitopWordPathMatchesBytePath) {
  std::mt19937_64 rng(5);
  for (int round = 0; round < 300; round++) {
    std::vector<std::string> data;
    size_t len = 0;
    for (int i = 0, n = 1 + static_cast<int>(rng() % 4); i < n; i++) {
      data.push_back(random_bytes(rng, rng() % 70));
      len = std::max(len, data.back().size());
    }
    std::vector<std::string_view> srcs(data.begin(), data.end());
    for (Op op : {Op::kAnd, Op::kOr, Op::kXor}) {
      std::vector<uint8_t> out(len);
      bitop(op, srcs, out.data(), len);
      for (size_t j = 0; j < len; j++) {
        auto at = [&](size_t i) -> uint8_t {
          return j < data[i].size() ? static_cast<uint8_t>(data[i][j]) : 0;
        };
        uint8_t want = at(0);
        for (size_t i = 1; i < data.size(); i++)
          want = op == Op::kAnd ? (want & at(i)) : op == Op::kOr ? (want | at(i)) : (want ^ at(i));
        ASSERT_EQ(out[j], want) << "byte " << j;
      }
    }
  }
}

}  // namespace
}  // namespace rkv::store::bits

#include "util/numbers.h"

#include <gtest/gtest.h>

#include <cfloat>
#include <cmath>
#include <string>

namespace rkv {
namespace {

TEST(Numbers, ParseInt64Strict) {
  EXPECT_EQ(parse_int64("0"), 0);
  EXPECT_EQ(parse_int64("-1"), -1);
  EXPECT_EQ(parse_int64("9223372036854775807"), INT64_MAX);
  EXPECT_EQ(parse_int64("-9223372036854775808"), INT64_MIN);
  EXPECT_FALSE(parse_int64("9223372036854775808"));
  EXPECT_FALSE(parse_int64("-9223372036854775809"));
  EXPECT_FALSE(parse_int64(""));
  EXPECT_FALSE(parse_int64(" 1"));
  EXPECT_FALSE(parse_int64("1 "));
  EXPECT_FALSE(parse_int64("+1"));
  EXPECT_FALSE(parse_int64("01"));
  EXPECT_FALSE(parse_int64("-0"));
  EXPECT_FALSE(parse_int64("1a"));
}

TEST(Numbers, ParseDouble) {
  EXPECT_EQ(parse_double("1.5"), 1.5);
  EXPECT_EQ(parse_double("inf"), HUGE_VAL);
  EXPECT_EQ(parse_double("-inf"), -HUGE_VAL);
  EXPECT_FALSE(parse_double("nan"));
  EXPECT_FALSE(parse_double(" 1"));
  EXPECT_FALSE(parse_double("1 "));
  EXPECT_FALSE(parse_double(""));
  EXPECT_FALSE(parse_double("1e999999"));
}

TEST(Numbers, FormatRoundTrips) {
  char buf[kMaxInt64Chars];
  for (int64_t v : {INT64_MIN, int64_t{-1}, int64_t{0}, int64_t{7}, INT64_MAX}) {
    size_t n = format_int64(v, buf);
    EXPECT_EQ(parse_int64(std::string_view(buf, n)), v);
  }
  EXPECT_EQ(format_long_double_human(10.5L), "10.5");
  EXPECT_EQ(format_long_double_human(3.0L), "3");
  EXPECT_EQ(format_long_double_human(-0.0L), "0");
}

TEST(Numbers, ParseInt64Edges) {
  EXPECT_FALSE(parse_int64("-"));
  EXPECT_FALSE(parse_int64("--1"));
  EXPECT_FALSE(parse_int64("1-"));
  EXPECT_FALSE(parse_int64("\t1"));
  EXPECT_FALSE(parse_int64("1\n"));
  EXPECT_FALSE(parse_int64("1\r\n"));
  EXPECT_FALSE(parse_int64("1.0"));
  EXPECT_FALSE(parse_int64("1e3"));
  EXPECT_FALSE(parse_int64(std::string_view("1\0", 2)));
  EXPECT_FALSE(parse_int64("0x10"));
  EXPECT_FALSE(parse_int64("-01"));
  // 20+ characters: leading zeros, overflow by one digit, and plain too long.
  EXPECT_FALSE(parse_int64("00000000000000000001"));
  EXPECT_FALSE(parse_int64("10000000000000000000"));
  EXPECT_FALSE(parse_int64("99999999999999999999"));
  EXPECT_FALSE(parse_int64("123456789012345678901"));
  EXPECT_FALSE(parse_int64("-92233720368547758080"));
  EXPECT_FALSE(parse_int64(std::string(100, '9')));
  EXPECT_EQ(parse_int64("-9223372036854775807"), -INT64_MAX);
  EXPECT_EQ(parse_int64("1000000000000000000"), 1000000000000000000);
}

TEST(Numbers, ParseUint64) {
  EXPECT_EQ(parse_uint64("0"), 0u);
  EXPECT_EQ(parse_uint64("18446744073709551615"), UINT64_MAX);
  EXPECT_FALSE(parse_uint64("18446744073709551616"));
  EXPECT_FALSE(parse_uint64("18446744073709551620"));
  EXPECT_FALSE(parse_uint64("99999999999999999999"));
  EXPECT_FALSE(parse_uint64("184467440737095516150"));
  EXPECT_FALSE(parse_uint64("-1"));
  EXPECT_FALSE(parse_uint64("+1"));
  EXPECT_FALSE(parse_uint64("01"));
  EXPECT_FALSE(parse_uint64(""));
  EXPECT_FALSE(parse_uint64(" 1"));
}

TEST(Numbers, ParseDoubleEdges) {
  EXPECT_EQ(parse_double("+1.5"), 1.5);  // strtod takes a sign, so does Redis
  EXPECT_EQ(parse_double(".5"), 0.5);
  EXPECT_EQ(parse_double("5."), 5.0);
  EXPECT_EQ(parse_double("1e3"), 1000.0);
  EXPECT_EQ(parse_double("-1E-3"), -0.001);
  EXPECT_EQ(parse_double("1e308"), 1e308);
  EXPECT_EQ(parse_double("+inf"), HUGE_VAL);
  EXPECT_EQ(parse_double("infinity"), HUGE_VAL);
  EXPECT_EQ(parse_double("-Infinity"), -HUGE_VAL);
  auto neg_zero = parse_double("-0");
  ASSERT_TRUE(neg_zero);
  EXPECT_EQ(*neg_zero, 0.0);
  EXPECT_TRUE(std::signbit(*neg_zero));
  EXPECT_FALSE(parse_double("1e309"));  // overflow
  EXPECT_FALSE(parse_double("-1e309"));
  EXPECT_FALSE(parse_double("1e-400"));  // underflow to zero
  EXPECT_FALSE(parse_double("NaN"));
  EXPECT_FALSE(parse_double("-nan"));
  EXPECT_FALSE(parse_double("nan(123)"));
  EXPECT_FALSE(parse_double("\t1"));
  EXPECT_FALSE(parse_double("\n1"));
  EXPECT_FALSE(parse_double("1\t"));
  EXPECT_FALSE(parse_double("1.5x"));
  EXPECT_FALSE(parse_double("1e"));
  EXPECT_FALSE(parse_double("e1"));
  EXPECT_FALSE(parse_double("-"));
  EXPECT_FALSE(parse_double("."));
  EXPECT_FALSE(parse_double(std::string_view("1\0", 2)));
  // Long but valid: Redis's string2d has no length limit.
  std::string long_one = std::string("1.").append(300, '0');
  EXPECT_EQ(parse_double(long_one), 1.0);
  auto v = parse_double(std::string(300, '1'));  // 1.11...e299
  ASSERT_TRUE(v);
  EXPECT_DOUBLE_EQ(*v, 1.1111111111111111e299);
  EXPECT_FALSE(parse_double(std::string(400, '1')));  // 1.1e399 overflows
  EXPECT_FALSE(parse_double(std::string(long_one).append(" ")));
}

TEST(Numbers, ParseLongDouble) {
  EXPECT_EQ(parse_long_double("1.5"), 1.5L);
  EXPECT_EQ(parse_long_double("-inf"), -HUGE_VALL);
  EXPECT_EQ(parse_long_double("0.1"), 0.1L);
  // 1e309 overflows a double but not an 80-bit long double.
  EXPECT_TRUE(parse_long_double("1e309"));
  EXPECT_FALSE(parse_long_double("1e5000"));
  EXPECT_FALSE(parse_long_double("nan"));
  EXPECT_FALSE(parse_long_double(" 1"));
  EXPECT_FALSE(parse_long_double("1 "));
  // string2ld's limit: MAX_LONG_DOUBLE_CHARS (5 KiB) including the terminator.
  std::string at_limit = std::string("1.").append(5 * 1024 - 3, '0');
  EXPECT_EQ(parse_long_double(at_limit), 1.0L);
  EXPECT_FALSE(parse_long_double(std::string(at_limit).append("0")));
}

TEST(Numbers, FormatInt64) {
  char buf[kMaxInt64Chars];
  EXPECT_EQ(format_int64(0, buf), 1u);
  EXPECT_STREQ(buf, "0");
  EXPECT_EQ(format_int64(INT64_MIN, buf), 20u);
  EXPECT_STREQ(buf, "-9223372036854775808");
  EXPECT_EQ(format_int64(INT64_MAX, buf), 19u);
  EXPECT_STREQ(buf, "9223372036854775807");
  EXPECT_EQ(int64_to_string(-10), "-10");
  // Every power of ten and its neighbours round-trips.
  for (int64_t p = 1; p <= INT64_MAX / 10; p *= 10) {
    for (int64_t v : {p - 1, p, p + 1, -p, -(p - 1), -(p + 1)}) {
      EXPECT_EQ(parse_int64(int64_to_string(v)), v);
    }
  }
}

TEST(Numbers, FormatDouble) {
  char buf[64];
  auto fmt = [&](double v) { return std::string(buf, format_double(v, buf, sizeof(buf))); };
  EXPECT_EQ(fmt(1.5), "1.5");
  EXPECT_EQ(fmt(0.1), "0.10000000000000001");
  EXPECT_EQ(fmt(1.0 / 3), "0.33333333333333331");
  EXPECT_EQ(fmt(1e300), "1.0000000000000001e+300");
  EXPECT_EQ(fmt(1e-5), "1.0000000000000001e-05");
  EXPECT_EQ(fmt(-2), "-2");
  EXPECT_EQ(fmt(0), "0");
  EXPECT_EQ(fmt(HUGE_VAL), "inf");
  EXPECT_EQ(fmt(-HUGE_VAL), "-inf");
  // %.17g round-trips every double.
  for (double v : {0.1, 1.0 / 3, 1e-300, 123456789.123456789, -5e-324}) {
    EXPECT_EQ(parse_double(fmt(v)), v);
  }
}

TEST(Numbers, FormatLongDoubleHuman) {
  EXPECT_EQ(format_long_double_human(5000.0L), "5000");  // zeros before the point stay
  EXPECT_EQ(format_long_double_human(100.0L), "100");
  EXPECT_EQ(format_long_double_human(-1.5L), "-1.5");
  EXPECT_EQ(format_long_double_human(0.1L), "0.1");
  EXPECT_EQ(format_long_double_human(10.5L + 0.1L), "10.6");  // INCRBYFLOAT 10.5 0.1
  EXPECT_EQ(format_long_double_human(3.14159L), "3.14159");
  EXPECT_EQ(format_long_double_human(1.23e-10L), "0.000000000123");
  EXPECT_EQ(format_long_double_human(1e20L), "100000000000000000000");
  EXPECT_EQ(format_long_double_human(0.0L), "0");
  // Below 17 decimals: rounds to zero, and never "-0".
  EXPECT_EQ(format_long_double_human(3e-18L), "0");
  EXPECT_EQ(format_long_double_human(-3e-18L), "0");
  EXPECT_EQ(format_long_double_human(HUGE_VALL), "inf");
  EXPECT_EQ(format_long_double_human(-HUGE_VALL), "-inf");
  // The biggest long double is written out in full: no exponent, ever.
  std::string max = format_long_double_human(LDBL_MAX);
  EXPECT_EQ(max.size(), 4933u);
  EXPECT_EQ(max.substr(0, 20), "11897314953572317650");
  EXPECT_EQ(max.find_first_not_of("0123456789"), std::string::npos);
  EXPECT_EQ(format_long_double_human(-LDBL_MAX), std::string("-").append(max));
}

}  // namespace
}  // namespace rkv

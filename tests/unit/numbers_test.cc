#include "util/numbers.h"

#include <gtest/gtest.h>

#include <cmath>

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

}  // namespace
}  // namespace rkv

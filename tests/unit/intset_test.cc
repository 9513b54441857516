#include "store/intset.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <random>
#include <set>
#include <string>
#include <vector>

namespace rkv::store {
namespace {

std::string bytes_of(const Intset& s) {
  return std::string(reinterpret_cast<const char*>(s.data()), s.bytes());
}

std::vector<int64_t> values(const Intset& s) {
  std::vector<int64_t> v;
  for (size_t i = 0; i < s.size(); ++i) v.push_back(s.at(i));
  EXPECT_TRUE(Intset::validate(s.data(), s.bytes()));
  return v;
}

Intset of(std::initializer_list<int64_t> vs) {
  Intset s;
  for (int64_t v : vs) s.add(v);
  return s;
}

TEST(Intset, Empty) {
  Intset s;
  EXPECT_EQ(bytes_of(s), std::string("\x02\x00\x00\x00\x00\x00\x00\x00", 8));
  EXPECT_TRUE(s.empty());
  EXPECT_EQ(s.width(), 2u);
  EXPECT_FALSE(s.contains(0));
  EXPECT_FALSE(s.remove(0));
  EXPECT_GE(s.allocated_bytes(), s.bytes());
  EXPECT_TRUE(Intset::validate(s.data(), s.bytes()));
}

// Bytes from Debian's redis-server 7.0.15: `DUMP` of intset-encoded sets.
TEST(Intset, GoldenBytesFromRedis) {
  // SADD s 1 -2 70000 5
  EXPECT_EQ(bytes_of(of({1, -2, 70000, 5})),
            std::string("\x04\x00\x00\x00\x04\x00\x00\x00\xfe\xff\xff\xff\x01\x00\x00\x00\x05"
                        "\x00\x00\x00\x70\x11\x01\x00",
                        24));
  // SADD s2 1 2 3
  EXPECT_EQ(bytes_of(of({1, 2, 3})),
            std::string("\x02\x00\x00\x00\x03\x00\x00\x00\x01\x00\x02\x00\x03\x00", 14));
  // SADD s3 1 -2147483649
  EXPECT_EQ(bytes_of(of({1, -2147483649LL})),
            std::string("\x08\x00\x00\x00\x02\x00\x00\x00\xff\xff\xff\x7f\xff\xff\xff\xff\x01"
                        "\x00\x00\x00\x00\x00\x00\x00",
                        24));
}

TEST(Intset, UpgradesAtEachBoundary) {
  struct Case {
    int64_t v;
    size_t width;
  };
  for (Case c : {Case{INT16_MAX, 2}, Case{INT16_MIN, 2}, Case{int64_t{INT16_MAX} + 1, 4},
                 Case{int64_t{INT16_MIN} - 1, 4}, Case{INT32_MAX, 4}, Case{INT32_MIN, 4},
                 Case{int64_t{INT32_MAX} + 1, 8}, Case{int64_t{INT32_MIN} - 1, 8},
                 Case{INT64_MAX, 8}, Case{INT64_MIN, 8}}) {
    SCOPED_TRACE(c.v);
    Intset s = of({-3, 0, 7});
    EXPECT_TRUE(s.add(c.v));
    EXPECT_FALSE(s.add(c.v));
    EXPECT_EQ(s.width(), c.width);
    std::vector<int64_t> want = {-3, 0, 7, c.v};
    std::sort(want.begin(), want.end());
    EXPECT_EQ(values(s), want);
    EXPECT_TRUE(s.contains(c.v));
    EXPECT_EQ(s.min(), want.front());
    EXPECT_EQ(s.max(), want.back());
  }
  // 16 -> 32 -> 64 in steps, with negatives landing at the front.
  Intset s = of({5, -5});
  s.add(-40000);
  EXPECT_EQ(s.width(), 4u);
  s.add(5000000000LL);
  EXPECT_EQ(s.width(), 8u);
  s.add(3);
  EXPECT_EQ(values(s), (std::vector<int64_t>{-40000, -5, 3, 5, 5000000000LL}));
  // Removing the wide values does not narrow it.
  EXPECT_TRUE(s.remove(5000000000LL));
  EXPECT_TRUE(s.remove(-40000));
  EXPECT_EQ(s.width(), 8u);
  EXPECT_EQ(s.bytes(), 8u + 3 * 8);
}

TEST(Intset, ContainsAndRemove) {
  Intset s = of({10, -10, 0, 300, -300});
  EXPECT_TRUE(s.contains(-300));
  EXPECT_TRUE(s.contains(0));
  EXPECT_FALSE(s.contains(1));
  EXPECT_FALSE(s.contains(100000));   // wider than the encoding
  EXPECT_FALSE(s.remove(INT64_MAX));  // wider than the encoding
  EXPECT_FALSE(s.remove(11));
  EXPECT_TRUE(s.remove(-300));  // head
  EXPECT_TRUE(s.remove(0));     // middle
  EXPECT_TRUE(s.remove(300));   // tail
  EXPECT_FALSE(s.remove(300));
  EXPECT_EQ(values(s), (std::vector<int64_t>{-10, 10}));
  EXPECT_EQ(s.bytes(), 12u);
  EXPECT_TRUE(s.remove(-10));
  EXPECT_TRUE(s.remove(10));
  EXPECT_TRUE(s.empty());
  EXPECT_EQ(bytes_of(s), std::string("\x02\x00\x00\x00\x00\x00\x00\x00", 8));
}

TEST(Intset, RandomPicksEveryMember) {
  Intset s = of({1, 2, 3, -4, 100000});
  std::mt19937_64 rng(7);
  std::set<int64_t> seen;
  for (int i = 0; i < 1000; ++i) {
    int64_t v = s.random(rng);
    EXPECT_TRUE(s.contains(v));
    seen.insert(v);
  }
  EXPECT_EQ(seen.size(), 5u);
}

TEST(Intset, MoveCloneReleaseAdopt) {
  Intset a = of({1, 2, 70000});
  Intset b = a.clone();
  EXPECT_EQ(bytes_of(a), bytes_of(b));
  Intset c = std::move(a);
  Intset d = Intset::adopt(c.release());
  EXPECT_EQ(values(d), values(b));
  b = std::move(d);
  EXPECT_EQ(values(b), (std::vector<int64_t>{1, 2, 70000}));
}

bool valid(const std::string& s) {
  return Intset::validate(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}

TEST(Intset, ValidateRejectsDamage) {
  std::string g = bytes_of(of({1, 2, 3}));
  ASSERT_TRUE(valid(g));
  EXPECT_FALSE(Intset::validate(nullptr, 0));
  for (size_t cut = 0; cut < g.size(); ++cut) EXPECT_FALSE(valid(g.substr(0, cut))) << cut;
  EXPECT_FALSE(valid(g + std::string(1, '\0')));
  std::string t = g;
  t[0] = 3;  // no such width
  EXPECT_FALSE(valid(t));
  t = g;
  t[0] = 4;  // width says 4: length no longer agrees
  EXPECT_FALSE(valid(t));
  t = g;
  t[4] = 2;  // count too small
  EXPECT_FALSE(valid(t));
  t = g;
  t[10] = 1;  // duplicate
  EXPECT_FALSE(valid(t));
  t = g;
  t[12] = 0;  // out of order
  EXPECT_FALSE(valid(t));
  t = std::string("\x02\x00\x00\x00\xff\xff\xff\xff", 8);  // count overflowing the length
  EXPECT_FALSE(valid(t));
}

TEST(Intset, RandomOperationsMatchAModel) {
  std::mt19937_64 rng(1);
  Intset s;
  std::set<int64_t> model;
  for (int step = 0; step < 20000; ++step) {
    int64_t v = 0;
    switch (rng() % 4) {
      case 0:
        v = static_cast<int64_t>(rng() % 200) - 100;
        break;
      case 1:
        v = static_cast<int32_t>(rng() % 100000) - 50000;
        break;
      case 2:
        v = static_cast<int32_t>(rng());
        break;
      default:
        v = static_cast<int64_t>(rng());
        break;
    }
    if (step < 10000 || rng() % 2) {
      EXPECT_EQ(s.add(v), model.insert(v).second);
    } else {
      EXPECT_EQ(s.remove(v), model.erase(v) == 1);
    }
    EXPECT_EQ(s.contains(v), model.count(v) == 1);
    if (step % 500 == 0) {
      ASSERT_EQ(values(s), std::vector<int64_t>(model.begin(), model.end()));
    }
  }
  EXPECT_EQ(values(s), std::vector<int64_t>(model.begin(), model.end()));
}

}  // namespace
}  // namespace rkv::store

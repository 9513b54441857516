#include "store/set_object.h"

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "store/string_set.h"

namespace rkv::store {
namespace {

const SetLimits kLimits;  // Redis's defaults: 512 / 128 / 64

std::vector<std::string> members(const SetObject& s) {
  std::vector<std::string> out;
  s.for_each([&](std::string_view m) {
    out.emplace_back(m);
    return true;
  });
  return out;
}

std::set<std::string> member_set(const SetObject& s) {
  auto v = members(s);
  return {v.begin(), v.end()};
}

// An intset of 0..n-1.
SetObject int_set(size_t n) {
  SetObject s;
  for (size_t i = 0; i < n; i++) s.add(std::to_string(i), kLimits);
  return s;
}

// A listpack (or larger) of "m0".."m<n-1>".
SetObject str_set(size_t n) {
  SetObject s = SetObject::create("m0", n, kLimits);
  for (size_t i = 0; i < n; i++) s.add("m" + std::to_string(i), kLimits);
  return s;
}

// Pearson's chi-square statistic of draw counts against a uniform expectation.
double chi_square(const std::map<std::string, int>& counts, size_t categories, int draws) {
  double expected = static_cast<double>(draws) / static_cast<double>(categories);
  double chi = 0;
  for (const auto& [m, c] : counts) chi += (c - expected) * (c - expected) / expected;
  chi += expected * static_cast<double>(categories - counts.size());  // never drawn
  return chi;
}

TEST(SetObject, CreateChoosesTheEncodingFromTheFirstMemberAndTheHint) {
  EXPECT_EQ(SetObject::create("1", 1, kLimits).encoding(), Encoding::kIntset);
  EXPECT_EQ(SetObject::create("-9223372036854775808", 512, kLimits).encoding(), Encoding::kIntset);
  // More integers than an intset holds, more than a listpack holds: straight to a table.
  EXPECT_EQ(SetObject::create("1", 513, kLimits).encoding(), Encoding::kHashtable);
  EXPECT_EQ(SetObject::create("a", 1, kLimits).encoding(), Encoding::kListpack);
  EXPECT_EQ(SetObject::create("a", 128, kLimits).encoding(), Encoding::kListpack);
  EXPECT_EQ(SetObject::create("a", 129, kLimits).encoding(), Encoding::kHashtable);
  // Not canonical integers.
  EXPECT_EQ(SetObject::create("01", 1, kLimits).encoding(), Encoding::kListpack);
  EXPECT_EQ(SetObject::create("-0", 1, kLimits).encoding(), Encoding::kListpack);
  EXPECT_EQ(SetObject::create("+1", 1, kLimits).encoding(), Encoding::kListpack);
  EXPECT_EQ(SetObject::create("9223372036854775808", 1, kLimits).encoding(), Encoding::kListpack);
  EXPECT_EQ(SetObject::create("", 1, kLimits).encoding(), Encoding::kListpack);
  EXPECT_TRUE(SetObject().empty());
  EXPECT_EQ(SetObject().encoding(), Encoding::kIntset);
}

TEST(SetObject, IntsetBecomesHashtableOneMemberPastTheLimit) {
  SetObject s = int_set(512);
  EXPECT_EQ(s.encoding(), Encoding::kIntset);
  EXPECT_FALSE(s.add("511", kLimits));  // a duplicate does not convert
  EXPECT_EQ(s.encoding(), Encoding::kIntset);
  EXPECT_TRUE(s.add("512", kLimits));
  // 7.2: never a listpack, which could not hold 513 members anyway.
  EXPECT_EQ(s.encoding(), Encoding::kHashtable);
  EXPECT_EQ(s.size(), 513u);
  for (int i = 0; i <= 512; i++) ASSERT_TRUE(s.contains(std::to_string(i))) << i;
  EXPECT_FALSE(s.contains("513"));
}

TEST(SetObject, IntsetTakesAStringAsListpackWhileSmall) {
  SetObject s = int_set(127);
  EXPECT_TRUE(s.add("x", kLimits));
  EXPECT_EQ(s.encoding(), Encoding::kListpack);
  EXPECT_EQ(s.size(), 128u);
  // Integers first, ascending (the intset's order), then the string.
  auto m = members(s);
  EXPECT_EQ(m.front(), "0");
  EXPECT_EQ(m[126], "126");
  EXPECT_EQ(m.back(), "x");
  EXPECT_TRUE(s.contains("5"));
  EXPECT_TRUE(s.contains("x"));
  // Full listpack: the next new member converts, a duplicate does not.
  EXPECT_FALSE(s.add("x", kLimits));
  EXPECT_FALSE(s.add("3", kLimits));
  EXPECT_EQ(s.encoding(), Encoding::kListpack);
  EXPECT_TRUE(s.add("y", kLimits));
  EXPECT_EQ(s.encoding(), Encoding::kHashtable);
  EXPECT_EQ(s.size(), 129u);
}

TEST(SetObject, IntsetTakesAStringAsHashtableWhenTooBig) {
  SetObject s = int_set(128);
  EXPECT_TRUE(s.add("x", kLimits));
  EXPECT_EQ(s.encoding(), Encoding::kHashtable);
  EXPECT_EQ(s.size(), 129u);
  EXPECT_TRUE(s.contains("127"));
  EXPECT_TRUE(s.contains("x"));
}

TEST(SetObject, IntsetTakesALongStringAsHashtable) {
  SetObject a = int_set(3);
  EXPECT_TRUE(a.add(std::string(64, 'v'), kLimits));
  EXPECT_EQ(a.encoding(), Encoding::kListpack);
  SetObject b = int_set(3);
  EXPECT_TRUE(b.add(std::string(65, 'v'), kLimits));
  EXPECT_EQ(b.encoding(), Encoding::kHashtable);
  // The intset's own integers must fit the value limit too.
  SetLimits tiny = kLimits;
  tiny.listpack_value = 3;
  SetObject c;
  c.add("-1000", tiny);  // 5 characters
  EXPECT_TRUE(c.add("ab", tiny));
  EXPECT_EQ(c.encoding(), Encoding::kHashtable);
  SetObject d;
  d.add("999", tiny);
  EXPECT_TRUE(d.add("ab", tiny));
  EXPECT_EQ(d.encoding(), Encoding::kListpack);
}

TEST(SetObject, ListpackBecomesHashtableOnCountOrLength) {
  SetObject s = str_set(128);
  EXPECT_EQ(s.encoding(), Encoding::kListpack);
  EXPECT_TRUE(s.add("m128", kLimits));
  EXPECT_EQ(s.encoding(), Encoding::kHashtable);
  EXPECT_EQ(member_set(s).size(), 129u);

  SetObject t = str_set(2);
  EXPECT_TRUE(t.add(std::string(64, 'x'), kLimits));
  EXPECT_EQ(t.encoding(), Encoding::kListpack);
  EXPECT_TRUE(t.add(std::string(65, 'x'), kLimits));
  EXPECT_EQ(t.encoding(), Encoding::kHashtable);
  EXPECT_TRUE(t.contains(std::string(64, 'x')));
  EXPECT_TRUE(t.contains(std::string(65, 'x')));
  EXPECT_TRUE(t.contains("m1"));
}

TEST(SetObject, ListpackKeepsIntegersAsTextMembers) {
  SetObject s = SetObject::create("a", 3, kLimits);
  s.add("a", kLimits);
  s.add("12", kLimits);
  s.add("-7", kLimits);
  EXPECT_EQ(s.encoding(), Encoding::kListpack);
  EXPECT_TRUE(s.contains("12"));
  EXPECT_FALSE(s.contains("012"));
  EXPECT_FALSE(s.add("12", kLimits));
  EXPECT_EQ(members(s), (std::vector<std::string>{"a", "12", "-7"}));
  EXPECT_TRUE(s.remove("12"));
  EXPECT_FALSE(s.remove("12"));
  EXPECT_EQ(members(s), (std::vector<std::string>{"a", "-7"}));
}

TEST(SetObject, PrepareForConvertsOnTheHintAlone) {
  SetObject lp = str_set(3);
  lp.prepare_for(128, kLimits);
  EXPECT_EQ(lp.encoding(), Encoding::kListpack);
  lp.prepare_for(129, kLimits);
  EXPECT_EQ(lp.encoding(), Encoding::kHashtable);
  EXPECT_EQ(lp.size(), 3u);

  SetObject is = int_set(3);
  is.prepare_for(512, kLimits);
  EXPECT_EQ(is.encoding(), Encoding::kIntset);
  is.prepare_for(513, kLimits);
  EXPECT_EQ(is.encoding(), Encoding::kHashtable);
  EXPECT_TRUE(is.contains("2"));
}

TEST(SetObject, NeverConvertsBackOnRemoval) {
  SetObject s = int_set(513);
  ASSERT_EQ(s.encoding(), Encoding::kHashtable);
  for (int i = 1; i < 513; i++) ASSERT_TRUE(s.remove(std::to_string(i)));
  EXPECT_EQ(s.size(), 1u);
  EXPECT_EQ(s.encoding(), Encoding::kHashtable);
  SetObject l = int_set(2);
  l.add("x", kLimits);
  ASSERT_EQ(l.encoding(), Encoding::kListpack);
  l.remove("x");
  EXPECT_EQ(l.encoding(), Encoding::kListpack);
  EXPECT_TRUE(l.remove("0"));
  EXPECT_TRUE(l.remove("1"));
  EXPECT_TRUE(l.empty());
}

TEST(SetObject, CompactPicksTheSmallestFittingEncoding) {
  SetObject s = int_set(600);
  for (int i = 10; i < 600; i++) s.remove(std::to_string(i));
  ASSERT_EQ(s.encoding(), Encoding::kHashtable);
  s.compact(kLimits);
  EXPECT_EQ(s.encoding(), Encoding::kIntset);
  EXPECT_EQ(members(s), members(int_set(10)));

  SetObject t = str_set(200);
  for (int i = 5; i < 200; i++) t.remove("m" + std::to_string(i));
  t.compact(kLimits);
  EXPECT_EQ(t.encoding(), Encoding::kListpack);
  EXPECT_EQ(t.size(), 5u);

  SetObject l = int_set(3);
  l.add("x", kLimits);
  l.remove("x");
  l.compact(kLimits);
  EXPECT_EQ(l.encoding(), Encoding::kIntset);

  SetObject big = str_set(300);
  big.compact(kLimits);  // too big for anything smaller
  EXPECT_EQ(big.encoding(), Encoding::kHashtable);
}

TEST(SetObject, ContainsAddRemoveAcrossEncodings) {
  std::vector<std::string> odd = {"",
                                  std::string("a\0b", 3),
                                  "\r\n",
                                  "007",
                                  "-0",
                                  "+5",
                                  "9223372036854775808",
                                  std::string(200, 'z')};
  for (size_t n : {size_t{0}, size_t{50}, size_t{1000}}) {
    SetObject s = int_set(n);
    for (const auto& m : odd) ASSERT_TRUE(s.add(m, kLimits)) << n;
    for (const auto& m : odd) ASSERT_TRUE(s.contains(m)) << n;
    for (const auto& m : odd) ASSERT_FALSE(s.add(m, kLimits)) << n;
    EXPECT_EQ(s.size(), n + odd.size());
    EXPECT_FALSE(s.contains("-77"));
    EXPECT_FALSE(s.contains(std::string("a\0c", 3)));
    for (const auto& m : odd) ASSERT_TRUE(s.remove(m)) << n;
    for (const auto& m : odd) ASSERT_FALSE(s.contains(m)) << n;
    EXPECT_EQ(s.size(), n);
  }
}

TEST(SetObject, IntsetIteratesAscending) {
  SetObject s;
  for (const char* m : {"5", "-3", "9223372036854775807", "0", "-9223372036854775808", "70000"})
    s.add(m, kLimits);
  EXPECT_EQ(members(s), (std::vector<std::string>{"-9223372036854775808", "-3", "0", "5", "70000",
                                                  "9223372036854775807"}));
  // for_each stops when fn returns false.
  int seen = 0;
  s.for_each([&](std::string_view) { return ++seen < 2; });
  EXPECT_EQ(seen, 2);
}

TEST(SetObject, ForEachStopsInEveryEncoding) {
  for (size_t n : {size_t{10}, size_t{100}, size_t{1000}}) {
    SetObject s = str_set(n);
    int seen = 0;
    s.for_each([&](std::string_view) { return ++seen < 3; });
    EXPECT_EQ(seen, 3) << n;
  }
}

TEST(SetObject, CloneIsIndependent) {
  for (size_t n : {size_t{5}, size_t{100}, size_t{2000}}) {
    for (bool strings : {false, true}) {
      SetObject s = strings ? str_set(n) : int_set(n);
      SetObject c = s.clone();
      EXPECT_EQ(c.encoding(), s.encoding());
      EXPECT_EQ(member_set(c), member_set(s));
      c.add("extra", kLimits);
      EXPECT_FALSE(s.contains("extra"));
      EXPECT_EQ(s.size(), n);
    }
  }
}

TEST(SetObject, AdoptAndReleaseRoundTrip) {
  SetObject s = str_set(300);
  Encoding enc = s.encoding();
  void* raw = s.release();
  void* copy = clone_set(enc, raw);
  EXPECT_GT(set_allocated_bytes(enc, raw), 300u * 16);
  SetObject back = SetObject::adopt(enc, raw);
  EXPECT_EQ(back.size(), 300u);
  SetObject other = SetObject::adopt(enc, copy);
  EXPECT_EQ(member_set(other), member_set(back));
  destroy_set(enc, other.release());
}

TEST(SetObject, AllocatedBytesGrowWithTheSet) {
  SetObject small = int_set(10);
  // 8-byte header and ten 2-byte values.
  EXPECT_GE(small.allocated_bytes(), 28u);
  EXPECT_LE(small.allocated_bytes(), 32u);
  SetObject table = str_set(10000);
  size_t per_member = table.allocated_bytes() / 10000;
  EXPECT_GE(per_member, 16u);
  EXPECT_LE(per_member, 48u);  // a node of 8 + 1 + ~5 bytes, a bucket slot
}

TEST(SetObject, RandomMembersAreUniformInEveryEncoding) {
  std::mt19937_64 rng(7);
  for (bool strings : {false, true}) {
    for (size_t n : {size_t{20}, size_t{100}, size_t{1000}}) {
      SetObject s = strings ? str_set(n) : int_set(n);
      Encoding want = n == 1000 ? Encoding::kHashtable
                      : strings ? Encoding::kListpack
                                : Encoding::kIntset;
      ASSERT_EQ(s.encoding(), want);
      std::map<std::string, int> counts;
      int draws = static_cast<int>(n) * 200;
      SetObject::Scratch scratch;
      for (int i = 0; i < draws; i++) {
        counts[std::string(s.random(rng, scratch))]++;
      }
      ASSERT_EQ(counts.size(), n) << "every member drawn";
      for (const auto& [m, c] : counts) ASSERT_TRUE(s.contains(m));
      // Chi-square with n-1 degrees of freedom: mean n-1, sd sqrt(2(n-1)). Allow 5 sd.
      double dof = static_cast<double>(n - 1);
      EXPECT_LT(chi_square(counts, n, draws), dof + 5 * std::sqrt(2 * dof))
          << (strings ? "strings " : "ints ") << n;
    }
  }
}

TEST(SetObject, RandomOfASingleMember) {
  std::mt19937_64 rng(1);
  SetObject::Scratch scratch;
  for (const char* m : {"42", "x"}) {
    SetObject s = SetObject::create(m, 1, kLimits);
    s.add(m, kLimits);
    for (int i = 0; i < 10; i++) EXPECT_EQ(s.random(rng, scratch), m);
  }
}

TEST(SetObject, PopEverythingByRandomRemoval) {
  std::mt19937_64 rng(3);
  SetObject::Scratch scratch;
  for (size_t n : {size_t{50}, size_t{3000}}) {
    SetObject s = str_set(n);
    std::set<std::string> popped;
    while (!s.empty()) {
      std::string m(s.random(rng, scratch));
      ASSERT_TRUE(s.remove(m));
      ASSERT_TRUE(popped.insert(m).second);
    }
    EXPECT_EQ(popped.size(), n);
  }
}

TEST(SetObject, ScanOfCompactEncodingsIsOneCall) {
  std::vector<SetObject> sets;
  sets.push_back(int_set(50));
  sets.push_back(str_set(50));
  for (SetObject& s : sets) {
    size_t seen = 0;
    EXPECT_EQ(s.scan(12345, [&](std::string_view) { seen++; }), 0u);
    EXPECT_EQ(seen, 50u);
  }
}

TEST(SetObject, ScanOfATableSurvivesGrowthAndShrinking) {
  SetObject s = str_set(1000);
  ASSERT_EQ(s.encoding(), Encoding::kHashtable);
  std::set<std::string> seen;
  uint64_t cursor = 0;
  int step = 0;
  do {
    cursor = s.scan(cursor, [&](std::string_view m) { seen.emplace(m); });
    // Grow the table (several rehashes) during the first half, then shrink it.
    if (step < 40)
      for (int i = 0; i < 200; i++) s.add("g" + std::to_string(step * 200 + i), kLimits);
    else if (step < 80)
      for (int i = 0; i < 200; i++) s.remove("g" + std::to_string((step - 40) * 200 + i));
    step++;
  } while (cursor != 0);
  for (size_t i = 0; i < 1000; i++) ASSERT_TRUE(seen.count("m" + std::to_string(i))) << i;
}

TEST(StringSet, AddRemoveAndShrink) {
  StringSet s;
  for (int i = 0; i < 100000; i++) ASSERT_TRUE(s.add("member:" + std::to_string(i)));
  EXPECT_EQ(s.size(), 100000u);
  EXPECT_FALSE(s.add("member:5"));
  size_t big = s.allocated_bytes();
  for (int i = 0; i < 99990; i++) ASSERT_TRUE(s.remove("member:" + std::to_string(i)));
  EXPECT_FALSE(s.remove("member:0"));
  EXPECT_EQ(s.size(), 10u);
  // Removals shrink the bucket array (below 10% fill), not only the nodes. Like Redis's,
  // the shrink is incremental: each operation moves a bucket, and a removal after a
  // shrink finished starts the next one.
  for (int round = 0; round < 5; round++) {
    for (int i = 0; i < 20000; i++) s.contains("member:99999");
    s.remove("member:99999");
    s.add("member:99999");
  }
  EXPECT_LT(s.allocated_bytes(), big / 1000);
  for (int i = 99990; i < 100000; i++) EXPECT_TRUE(s.contains("member:" + std::to_string(i)));
}

TEST(StringSet, DrawsFromADrainedTableTightenItFirst) {
  StringSet s;
  for (int i = 0; i < 200000; i++) s.add("member:" + std::to_string(i));
  // Removals alone leave a shrink mid-rehash with far more buckets than members.
  for (int i = 10; i < 200000; i++) s.remove("member:" + std::to_string(i));
  EXPECT_GT(s.allocated_bytes(), 100000u);
  std::mt19937_64 rng(5);
  std::string_view m = s.random(rng);
  EXPECT_EQ(m.substr(0, 7), "member:");
  // At most 16 buckets per member remain (plus the ten 32-byte nodes).
  EXPECT_LE(s.allocated_bytes(), 16u * 10 * 8 + 10 * 32);
}

TEST(StringSet, MemberLengthsAcrossVarintWidths) {
  StringSet s;
  std::vector<std::string> ms;
  for (size_t len : {0, 1, 127, 128, 16383, 16384, 100000}) ms.push_back(std::string(len, 'q'));
  for (const auto& m : ms) ASSERT_TRUE(s.add(m));
  for (const auto& m : ms) ASSERT_TRUE(s.contains(m));
  std::set<size_t> lens;
  s.for_each([&](std::string_view m) { lens.insert(m.size()); });
  EXPECT_EQ(lens, (std::set<size_t>{0, 1, 127, 128, 16383, 16384, 100000}));
  auto copy = s.clone();
  for (const auto& m : ms) ASSERT_TRUE(copy->remove(m));
  EXPECT_TRUE(copy->empty());
  EXPECT_EQ(s.size(), ms.size());
}

}  // namespace
}  // namespace rkv::store

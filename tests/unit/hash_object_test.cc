#include "store/hash_object.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace rkv::store {
namespace {

struct EntryDeleter {
  void operator()(Entry* e) const { Entry::destroy(e); }
};
using EntryPtr = std::unique_ptr<Entry, EntryDeleter>;

EntryPtr make_hash() {
  return EntryPtr(HashObject::make_entry("h"));
}

using Pairs = std::vector<std::pair<std::string, std::string>>;

Pairs contents(Entry* e) {
  Pairs out;
  HashObject(e).for_each([&out](std::string_view f, std::string_view v) {
    out.emplace_back(std::string(f), std::string(v));
  });
  return out;
}

std::map<std::string, std::string> sorted(const Pairs& p) {
  return {p.begin(), p.end()};
}

std::string get(Entry* e, std::string_view field) {
  Listpack::Scratch scratch;
  auto v = HashObject(e).get(field, scratch);
  return v ? std::string(*v) : "<none>";
}

constexpr HashLimits kSmall{4, 8};

TEST(HashNode, HoldsFieldAndValue) {
  HashNode* n = HashNode::create("field1", "value1");
  EXPECT_EQ(n->field(), "field1");
  EXPECT_EQ(n->value(), "value1");
  // Next pointer, two one-byte lengths, 12 bytes: 22 bytes, a 32-byte chunk of jemalloc's
  // 16-byte quantum (Redis: a dictEntry and two sds strings, 32 + 16 + 16).
  EXPECT_LE(n->allocated_bytes(), 32u);
  HashNode::destroy(n);

  std::string bin("a\0b\r\n", 5);
  n = HashNode::create(bin, "");
  EXPECT_EQ(n->field(), bin);
  EXPECT_EQ(n->value(), "");
  HashNode::destroy(n);
}

TEST(HashNode, AssignInPlaceKeepsTheFieldWhenTheLengthPrefixGrows) {
  // A 127-byte value has a one-byte length, a 128-byte one two bytes: the field moves.
  std::string field = "some-field";
  HashNode* n = HashNode::create(field, std::string(127, 'a'));
  size_t room = n->allocated_bytes();
  std::string longer(128, 'b');
  if (sizeof(HashNode) + 2 + 1 + field.size() + longer.size() <= room) {
    ASSERT_TRUE(n->assign_in_place(longer));
    EXPECT_EQ(n->field(), field);
    EXPECT_EQ(n->value(), longer);
  }
  ASSERT_TRUE(n->assign_in_place("x"));
  EXPECT_EQ(n->field(), field);
  EXPECT_EQ(n->value(), "x");
  EXPECT_FALSE(n->assign_in_place(std::string(4096, 'c')));
  EXPECT_EQ(n->value(), "x");  // unchanged on refusal
  HashNode::destroy(n);
}

TEST(HashObject, StartsAsAnEmptyListpack) {
  EntryPtr e = make_hash();
  EXPECT_EQ(e->type(), ObjType::kHash);
  EXPECT_EQ(e->encoding(), Encoding::kListpack);
  HashObject h(e.get());
  EXPECT_EQ(h.size(), 0u);
  EXPECT_FALSE(h.contains("x"));
  EXPECT_FALSE(h.erase("x"));
}

TEST(HashObject, SetGetEraseInBothEncodings) {
  for (bool convert : {false, true}) {
    EntryPtr e = make_hash();
    HashObject h(e.get());
    if (convert) h.convert_to_hashtable();
    EXPECT_TRUE(h.set("a", "1", kSmall));
    EXPECT_TRUE(h.set("b", "two", kSmall));
    EXPECT_FALSE(h.set("a", "uno", kSmall));  // update
    EXPECT_EQ(h.size(), 2u);
    EXPECT_EQ(get(e.get(), "a"), "uno");
    EXPECT_EQ(get(e.get(), "b"), "two");
    EXPECT_EQ(get(e.get(), "c"), "<none>");
    EXPECT_TRUE(h.erase("a"));
    EXPECT_FALSE(h.erase("a"));
    EXPECT_EQ(h.size(), 1u);
    EXPECT_EQ(e->encoding(), convert ? Encoding::kHashtable : Encoding::kListpack);
  }
}

TEST(HashObject, IntegerLookingTextRoundTrips) {
  // The listpack stores canonical integers as integers: the text must come back as given.
  EntryPtr e = make_hash();
  HashObject h(e.get());
  const char* values[] = {"12",  "-0", "007", "-9223372036854775808", "9223372036854775808",
                          "1e3", " 1", ""};
  for (const char* v : values) h.set(v, v, HashLimits{});
  EXPECT_EQ(e->encoding(), Encoding::kListpack);
  for (const char* v : values) EXPECT_EQ(get(e.get(), v), v) << v;
  // A field "12" stored as an integer is found by its text, not by "012".
  EXPECT_EQ(get(e.get(), "012"), "<none>");
}

TEST(HashObject, EntriesLimitConvertsOnTheFieldPastIt) {
  EntryPtr e = make_hash();
  HashObject h(e.get());
  for (int i = 0; i < 4; i++) h.set("f" + std::to_string(i), "v", kSmall);
  EXPECT_EQ(e->encoding(), Encoding::kListpack);
  h.set("f0", "updated", kSmall);  // updates at the limit do not convert
  EXPECT_EQ(e->encoding(), Encoding::kListpack);
  h.set("f4", "v", kSmall);
  EXPECT_EQ(e->encoding(), Encoding::kHashtable);
  EXPECT_EQ(h.size(), 5u);
  EXPECT_EQ(get(e.get(), "f0"), "updated");
  // Never back, even when it shrinks below the limit.
  for (int i = 0; i < 4; i++) h.erase("f" + std::to_string(i));
  EXPECT_EQ(e->encoding(), Encoding::kHashtable);
  EXPECT_EQ(h.size(), 1u);
}

TEST(HashObject, DefaultEntriesLimitIs512) {
  EntryPtr e = make_hash();
  HashObject h(e.get());
  HashLimits lim;
  for (int i = 0; i < 512; i++) h.set("field" + std::to_string(i), std::to_string(i), lim);
  EXPECT_EQ(e->encoding(), Encoding::kListpack);
  h.set("field512", "x", lim);
  EXPECT_EQ(e->encoding(), Encoding::kHashtable);
  EXPECT_EQ(h.size(), 513u);
  for (int i = 0; i < 512; i++)
    ASSERT_EQ(get(e.get(), "field" + std::to_string(i)), std::to_string(i));
}

TEST(HashObject, ValueLimitCountsFieldsAndValues) {
  std::string at(8, 'x'), past(9, 'x');
  {
    EntryPtr e = make_hash();
    HashObject h(e.get());
    h.set(at, at, kSmall);
    EXPECT_EQ(e->encoding(), Encoding::kListpack);
    h.set("v", past, kSmall);
    EXPECT_EQ(e->encoding(), Encoding::kHashtable);
    EXPECT_EQ(get(e.get(), "v"), past);
    EXPECT_EQ(get(e.get(), at), at);
  }
  {
    EntryPtr e = make_hash();
    HashObject h(e.get());
    h.set(past, "v", kSmall);
    EXPECT_EQ(e->encoding(), Encoding::kHashtable);
  }
  {
    // An update with a long value converts too.
    EntryPtr e = make_hash();
    HashObject h(e.get());
    h.set("f", "short", kSmall);
    h.set("f", past, kSmall);
    EXPECT_EQ(e->encoding(), Encoding::kHashtable);
    EXPECT_EQ(h.size(), 1u);
  }
}

TEST(HashObject, ConvertIfTooLongLooksAtEveryArgument) {
  std::string_view ok_args[] = {"f", std::string_view("12345678"), "g", "v"};
  EntryPtr e = make_hash();
  HashObject h(e.get());
  h.convert_if_too_long(ok_args, kSmall);
  EXPECT_EQ(e->encoding(), Encoding::kListpack);
  std::string_view long_args[] = {"f", "v", "123456789", "v"};
  h.convert_if_too_long(long_args, kSmall);
  EXPECT_EQ(e->encoding(), Encoding::kHashtable);
}

TEST(HashObject, LoweredLimitsApplyToTheNextWrite) {
  EntryPtr e = make_hash();
  HashObject h(e.get());
  for (int i = 0; i < 10; i++) h.set("f" + std::to_string(i), "v", HashLimits{});
  EXPECT_EQ(e->encoding(), Encoding::kListpack);
  h.set("f0", "w", kSmall);  // an update, but 10 > 4 now
  EXPECT_EQ(e->encoding(), Encoding::kHashtable);
  EXPECT_EQ(h.size(), 10u);
}

TEST(HashObject, ZeroLimitsConvertAtTheFirstField) {
  EntryPtr e = make_hash();
  HashObject h(e.get());
  h.set("a", "b", HashLimits{0, 64});
  EXPECT_EQ(e->encoding(), Encoding::kHashtable);
  EntryPtr e2 = make_hash();
  HashObject h2(e2.get());
  h2.set("", "", HashLimits{512, 0});  // empty strings fit a zero length limit
  EXPECT_EQ(e2->encoding(), Encoding::kListpack);
  h2.set("a", "", HashLimits{512, 0});
  EXPECT_EQ(e2->encoding(), Encoding::kHashtable);
}

TEST(HashObject, ListpackIteratesInInsertionOrderAndConversionKeepsEverything) {
  EntryPtr e = make_hash();
  HashObject h(e.get());
  Pairs want;
  for (int i = 9; i >= 0; i--) {
    want.emplace_back("k" + std::to_string(i), std::to_string(i * 100));
    h.set(want.back().first, want.back().second, HashLimits{});
  }
  h.set("k5", "five", HashLimits{});  // updates keep the position
  want[4].second = "five";
  EXPECT_EQ(contents(e.get()), want);
  h.convert_to_hashtable();
  EXPECT_EQ(e->encoding(), Encoding::kHashtable);
  EXPECT_EQ(sorted(contents(e.get())), sorted(want));
}

TEST(HashObject, HashtableUpdatesThatOutgrowTheNode) {
  EntryPtr e = make_hash();
  HashObject h(e.get());
  h.convert_to_hashtable();
  for (int i = 0; i < 100; i++) h.set("f" + std::to_string(i), "v", HashLimits{});
  size_t before = e->allocated_bytes();
  for (int i = 0; i < 100; i++) h.set("f" + std::to_string(i), std::string(200, 'x'), HashLimits{});
  for (int i = 0; i < 100; i++)
    ASSERT_EQ(get(e.get(), "f" + std::to_string(i)), std::string(200, 'x'));
  EXPECT_GE(e->allocated_bytes(), before + 100 * 200);
  for (int i = 0; i < 100; i++) h.set("f" + std::to_string(i), "1", HashLimits{});
  EXPECT_EQ(h.size(), 100u);
  EXPECT_EQ(get(e.get(), "f42"), "1");
}

TEST(HashObject, AllocatedBytesFollowTheContents) {
  EntryPtr e = make_hash();
  HashObject h(e.get());
  size_t empty = e->allocated_bytes();
  for (int i = 0; i < 10; i++) h.set("field" + std::to_string(i), "value", HashLimits{});
  size_t small = e->allocated_bytes();
  EXPECT_GT(small, empty);
  h.convert_to_hashtable();
  size_t table = e->allocated_bytes();
  EXPECT_GT(table, small);
  for (int i = 0; i < 10; i++) h.erase("field" + std::to_string(i));
  EXPECT_LT(e->allocated_bytes(), table);
}

TEST(HashObject, CloneIsDeepInBothEncodings) {
  for (bool convert : {false, true}) {
    EntryPtr e = make_hash();
    {
      HashObject h(e.get());
      for (int i = 0; i < 20; i++) h.set("f" + std::to_string(i), std::to_string(i), HashLimits{});
      if (convert) h.convert_to_hashtable();
    }
    EntryPtr copy(Entry::clone_with_key(*e, "copy"));
    ASSERT_TRUE(copy);
    EXPECT_EQ(copy->encoding(), e->encoding());
    HashObject(e.get()).set("f0", "changed", HashLimits{});
    EXPECT_EQ(get(copy.get(), "f0"), "0");
    EXPECT_EQ(HashObject(copy.get()).size(), 20u);
    EXPECT_EQ(sorted(contents(copy.get())).size(), 20u);
  }
}

TEST(HashObject, ScanCoversEveryFieldWhileTheTableGrows) {
  EntryPtr e = make_hash();
  HashObject h(e.get());
  h.convert_to_hashtable();
  for (int i = 0; i < 1000; i++) h.set("f" + std::to_string(i), "v", HashLimits{});
  std::set<std::string> seen;
  uint64_t cursor = 0;
  int steps = 0, added = 1000;
  do {
    cursor = h.scan(cursor, 5, 50,
                    [&](std::string_view f, std::string_view) { seen.insert(std::string(f)); });
    // Keep growing the table (and so rehashing) between steps.
    if (added < 5000) {
      for (int j = 0; j < 20; j++, added++) h.set("g" + std::to_string(added), "v", HashLimits{});
    }
    steps++;
  } while (cursor != 0 && steps < 100000);
  EXPECT_EQ(cursor, 0u);
  for (int i = 0; i < 1000; i++) EXPECT_TRUE(seen.count("f" + std::to_string(i))) << i;
}

TEST(HashObject, ListpackScanAnswersAtOnce) {
  EntryPtr e = make_hash();
  HashObject h(e.get());
  for (int i = 0; i < 50; i++) h.set("f" + std::to_string(i), "v", HashLimits{});
  size_t n = 0;
  EXPECT_EQ(h.scan(12345, 1, 10, [&](std::string_view, std::string_view) { n++; }), 0u);
  EXPECT_EQ(n, 50u);
}

class HashRandom : public ::testing::TestWithParam<bool> {
 protected:
  // 30 fields f0..f29 with values v0..v29, listpack or hashtable by the parameter.
  void SetUp() override {
    e_ = make_hash();
    HashObject h(e_.get());
    for (int i = 0; i < 30; i++) h.set("f" + std::to_string(i), "v" + std::to_string(i), {});
    if (GetParam()) h.convert_to_hashtable();
  }
  static void check_pair(std::string_view f, std::string_view v) {
    EXPECT_EQ("v" + std::string(f.substr(1)), v);
  }
  EntryPtr e_;
  std::mt19937_64 rng_{42};
};

TEST_P(HashRandom, OneReachesEveryField) {
  HashObject h(e_.get());
  std::map<std::string, int> hits;
  for (int i = 0; i < 6000; i++) {
    h.random_one(rng_, [&](std::string_view f, std::string_view v) {
      check_pair(f, v);
      hits[std::string(f)]++;
    });
  }
  ASSERT_EQ(hits.size(), 30u);
  for (auto& [f, n] : hits) {
    EXPECT_GT(n, 100) << f;  // mean 200
    EXPECT_LT(n, 330) << f;
  }
}

TEST_P(HashRandom, WithReplacementGivesCountPicksAndStopsOnRequest) {
  HashObject h(e_.get());
  size_t n = 0;
  std::set<std::string> distinct;
  h.random_with_replacement(rng_, 300, [&](std::string_view f, std::string_view v) {
    check_pair(f, v);
    distinct.insert(std::string(f));
    n++;
    return true;
  });
  EXPECT_EQ(n, 300u);
  EXPECT_GT(distinct.size(), 20u);
  n = 0;
  h.random_with_replacement(rng_, 1000,
                            [&](std::string_view, std::string_view) { return ++n < 7; });
  EXPECT_EQ(n, 7u);
}

TEST_P(HashRandom, DistinctPicksAreUnique) {
  HashObject h(e_.get());
  // 5 takes the few-of-many path of a hashtable, 20 the shuffle path.
  for (size_t count : {1u, 5u, 20u, 29u, 30u, 31u, 1000u}) {
    std::vector<std::string> got;
    h.random_distinct(rng_, count, [&](std::string_view f, std::string_view v) {
      check_pair(f, v);
      got.emplace_back(f);
    });
    EXPECT_EQ(got.size(), std::min<size_t>(count, 30)) << count;
    std::set<std::string> uniq(got.begin(), got.end());
    EXPECT_EQ(uniq.size(), got.size()) << count;
    if (!GetParam()) {
      // A listpack's picks come out in its order.
      auto index = [](const std::string& f) { return std::stoi(f.substr(1)); };
      EXPECT_TRUE(std::is_sorted(got.begin(), got.end(), [&](auto& a, auto& b) {
        return index(a) < index(b);
      })) << count;
    }
  }
}

TEST_P(HashRandom, DistinctPicksAreSpreadEvenly) {
  HashObject h(e_.get());
  std::map<std::string, int> hits;
  for (int i = 0; i < 2000; i++)
    h.random_distinct(rng_, 3,
                      [&](std::string_view f, std::string_view) { hits[std::string(f)]++; });
  ASSERT_EQ(hits.size(), 30u);
  for (auto& [f, n] : hits) {
    EXPECT_GT(n, 100) << f;  // mean 200
    EXPECT_LT(n, 330) << f;
  }
}

INSTANTIATE_TEST_SUITE_P(Encodings, HashRandom, ::testing::Values(false, true),
                         [](const ::testing::TestParamInfo<bool>& param) {
                           return param.param ? "Hashtable" : "Listpack";
                         });

}  // namespace
}  // namespace rkv::store

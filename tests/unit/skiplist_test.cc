#include "store/skiplist.h"

#include <gtest/gtest.h>

#include <cmath>
#include <iterator>
#include <limits>
#include <random>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace rkv::store {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

using Item = std::pair<double, std::string>;

std::vector<Item> contents(const Skiplist& l) {
  std::vector<Item> out;
  for (ZNode* n = l.first(); n; n = n->next())
    out.emplace_back(n->score(), std::string(n->member()));
  return out;
}

// Walks backwards too, so the backward links and the tail are checked.
std::vector<Item> contents_reversed(const Skiplist& l) {
  std::vector<Item> out;
  for (ZNode* n = l.last(); n; n = n->prev())
    out.emplace_back(n->score(), std::string(n->member()));
  return out;
}

ScoreRange score_range(double min, double max, bool minex = false, bool maxex = false) {
  return ScoreRange{min, max, minex, maxex};
}

LexBound value(std::string_view v, bool exclusive = false) {
  return LexBound{LexBound::kValue, exclusive, v};
}
const LexBound kMinus{LexBound::kMinusInf, true, {}};
const LexBound kPlus{LexBound::kPlusInf, true, {}};

TEST(Skiplist, EmptyList) {
  Skiplist l;
  EXPECT_EQ(l.size(), 0u);
  EXPECT_EQ(l.first(), nullptr);
  EXPECT_EQ(l.last(), nullptr);
  EXPECT_EQ(l.at(0), nullptr);
  EXPECT_EQ(l.first_in(score_range(-kInf, kInf)), nullptr);
  EXPECT_EQ(l.last_in(score_range(-kInf, kInf)), nullptr);
  EXPECT_EQ(l.first_in(LexRange{kMinus, kPlus}), nullptr);
  EXPECT_GT(l.allocated_bytes(), 0u);  // the header node
}

TEST(Skiplist, OrdersByScoreThenMember) {
  Skiplist l;
  l.insert(2, "b");
  l.insert(1, "z");
  l.insert(2, "a");
  l.insert(2, "ab");
  l.insert(-kInf, "m");
  l.insert(kInf, "n");
  l.insert(2, "");
  l.insert(2, std::string("\xff", 1));
  std::vector<Item> want = {{-kInf, "m"}, {1, "z"}, {2, ""},     {2, "a"},
                            {2, "ab"},    {2, "b"}, {2, "\xff"}, {kInf, "n"}};
  EXPECT_EQ(contents(l), want);
  std::vector<Item> rev(want.rbegin(), want.rend());
  EXPECT_EQ(contents_reversed(l), rev);
  for (size_t i = 0; i < want.size(); i++) {
    ZNode* n = l.at(i);
    ASSERT_NE(n, nullptr);
    EXPECT_EQ(n->member(), want[i].second);
    EXPECT_EQ(l.rank_of(n), i);
  }
  EXPECT_EQ(l.at(want.size()), nullptr);
}

TEST(Skiplist, ScoreRanges) {
  Skiplist l;
  for (int i = 1; i <= 5; i++) l.insert(i, "m" + std::to_string(i));
  EXPECT_EQ(l.first_in(score_range(2, 4))->member(), "m2");
  EXPECT_EQ(l.last_in(score_range(2, 4))->member(), "m4");
  EXPECT_EQ(l.first_in(score_range(2, 4, true, true))->member(), "m3");
  EXPECT_EQ(l.last_in(score_range(2, 4, true, true))->member(), "m3");
  EXPECT_EQ(l.first_in(score_range(2.5, 2.7)), nullptr);
  EXPECT_EQ(l.last_in(score_range(2.5, 2.7)), nullptr);
  EXPECT_EQ(l.first_in(score_range(3, 3))->member(), "m3");
  EXPECT_EQ(l.first_in(score_range(3, 3, true)), nullptr);  // empty: equal ends, one open
  EXPECT_EQ(l.first_in(score_range(4, 2)), nullptr);
  EXPECT_EQ(l.first_in(score_range(-kInf, kInf))->member(), "m1");
  EXPECT_EQ(l.last_in(score_range(-kInf, kInf))->member(), "m5");
  EXPECT_EQ(l.first_in(score_range(6, kInf)), nullptr);
  EXPECT_EQ(l.last_in(score_range(-kInf, 0)), nullptr);
  EXPECT_EQ(l.last_in(score_range(-kInf, 1, false, true)), nullptr);
  EXPECT_EQ(l.first_in(score_range(5, kInf, true)), nullptr);
}

TEST(Skiplist, LexRanges) {
  Skiplist l;
  for (std::string m : {"a", "b", "c", "d", "e"}) l.insert(0, m);
  EXPECT_EQ(l.first_in(LexRange{kMinus, kPlus})->member(), "a");
  EXPECT_EQ(l.last_in(LexRange{kMinus, kPlus})->member(), "e");
  EXPECT_EQ(l.first_in(LexRange{value("b"), value("d")})->member(), "b");
  EXPECT_EQ(l.last_in(LexRange{value("b"), value("d")})->member(), "d");
  EXPECT_EQ(l.first_in(LexRange{value("b", true), value("d", true)})->member(), "c");
  EXPECT_EQ(l.last_in(LexRange{value("b", true), value("d", true)})->member(), "c");
  EXPECT_EQ(l.first_in(LexRange{value("bb"), value("bz")}), nullptr);
  EXPECT_EQ(l.first_in(LexRange{value("c"), value("c")})->member(), "c");
  EXPECT_EQ(l.first_in(LexRange{value("c", true), value("c")}), nullptr);
  EXPECT_EQ(l.first_in(LexRange{value("d"), value("b")}), nullptr);
  EXPECT_EQ(l.first_in(LexRange{kPlus, kPlus}), nullptr);
  EXPECT_EQ(l.first_in(LexRange{kMinus, kMinus}), nullptr);
  EXPECT_EQ(l.first_in(LexRange{kPlus, kMinus}), nullptr);
  EXPECT_EQ(l.first_in(LexRange{value(""), kPlus})->member(), "a");
  EXPECT_EQ(l.last_in(LexRange{kMinus, value("")}), nullptr);
  EXPECT_TRUE((LexRange{value("a"), value("a", true)}).empty());
  EXPECT_FALSE((LexRange{value("a"), value("a")}).empty());
  EXPECT_FALSE((LexRange{kMinus, value("a")}).empty());
}

TEST(Skiplist, EraseRanges) {
  auto fill = [](Skiplist& l) {
    for (int i = 0; i < 10; i++) l.insert(i, std::string(1, static_cast<char>('a' + i)));
  };
  {
    Skiplist l;
    fill(l);
    std::vector<std::string> gone;
    size_t n = l.erase_ranks(2, 4, [&](ZNode* x) {
      gone.emplace_back(x->member());
      l.free_node(x);
    });
    EXPECT_EQ(n, 3u);
    EXPECT_EQ(gone, (std::vector<std::string>{"c", "d", "e"}));
    EXPECT_EQ(l.size(), 7u);
    EXPECT_EQ(l.at(2)->member(), "f");
    EXPECT_EQ(l.rank_of(l.last()), 6u);
  }
  {
    Skiplist l;
    fill(l);
    size_t n = l.erase_range(score_range(7, 100, true), [&](ZNode* x) { l.free_node(x); });
    EXPECT_EQ(n, 2u);
    EXPECT_EQ(l.last()->member(), "h");
    EXPECT_EQ(l.last()->next(), nullptr);
    n = l.erase_range(score_range(-kInf, kInf), [&](ZNode* x) { l.free_node(x); });
    EXPECT_EQ(n, 8u);
    EXPECT_EQ(l.size(), 0u);
    EXPECT_EQ(l.first(), nullptr);
    EXPECT_EQ(l.last(), nullptr);
    l.insert(1, "again");
    EXPECT_EQ(l.rank_of(l.first()), 0u);
  }
  {
    Skiplist l;
    fill(l);
    size_t n = l.erase_range(LexRange{kMinus, value("c", true)}, [&](ZNode* x) { l.free_node(x); });
    EXPECT_EQ(n, 2u);
    EXPECT_EQ(l.first()->member(), "c");
    EXPECT_EQ(l.first()->prev(), nullptr);
    EXPECT_EQ(l.erase_range(LexRange{value("x"), kPlus}, [&](ZNode* x) { l.free_node(x); }), 0u);
  }
}

TEST(Skiplist, UpdateScoreInPlaceAndMoving) {
  Skiplist l;
  ZNode* a = l.insert(1, "a");
  ZNode* b = l.insert(2, "b");
  ZNode* c = l.insert(3, "c");
  l.update_score(b, 2.5);  // stays between its neighbours
  EXPECT_EQ(l.rank_of(b), 1u);
  EXPECT_EQ(b->score(), 2.5);
  l.update_score(a, 10);  // moves to the end
  EXPECT_EQ(l.rank_of(a), 2u);
  EXPECT_EQ(l.last(), a);
  EXPECT_EQ(l.first(), b);
  l.update_score(a, 3);  // tie with c: member order puts a first
  EXPECT_EQ(contents(l), (std::vector<Item>{{2.5, "b"}, {3, "a"}, {3, "c"}}));
  l.update_score(c, -kInf);
  EXPECT_EQ(contents(l), (std::vector<Item>{{-kInf, "c"}, {2.5, "b"}, {3, "a"}}));
  EXPECT_EQ(contents_reversed(l), (std::vector<Item>{{3, "a"}, {2.5, "b"}, {-kInf, "c"}}));
}

TEST(Skiplist, LongMembers) {
  Skiplist l;
  std::string big(100000, 'x');
  ZNode* n = l.insert(1, big);
  EXPECT_EQ(n->member(), big);
  EXPECT_GE(l.allocated_bytes(), big.size());
  l.erase(n);
  EXPECT_EQ(l.size(), 0u);
}

// Random inserts, erases and score updates against an ordered std::set, checking order,
// ranks, positions and range lookups as it goes.
TEST(Skiplist, RandomOpsMatchSetModel) {
  std::mt19937_64 rng(42);
  Skiplist l;
  std::set<Item> model;
  std::unordered_map<std::string, ZNode*> nodes;
  auto check = [&] {
    ASSERT_EQ(l.size(), model.size());
    std::vector<Item> want(model.begin(), model.end());
    ASSERT_EQ(contents(l), want);
    std::vector<Item> rev(want.rbegin(), want.rend());
    ASSERT_EQ(contents_reversed(l), rev);
    for (size_t i = 0; i < want.size(); i += 7) {
      ZNode* n = l.at(i);
      ASSERT_NE(n, nullptr);
      ASSERT_EQ(n->member(), want[i].second);
      ASSERT_EQ(l.rank_of(nodes[want[i].second]), i);
    }
  };
  for (int step = 0; step < 20000; step++) {
    std::string m = "m" + std::to_string(rng() % 500);
    double score = static_cast<double>(rng() % 50);  // many ties
    int op = static_cast<int>(rng() % 10);
    auto it = nodes.find(m);
    if (it == nodes.end()) {
      nodes[m] = l.insert(score, m);
      model.emplace(score, m);
    } else if (op < 4) {
      model.erase({it->second->score(), m});
      l.erase(it->second);
      nodes.erase(it);
    } else if (op < 8) {
      model.erase({it->second->score(), m});
      l.update_score(it->second, score);
      model.emplace(score, m);
    } else {
      // A range query: compare with the model's bounds.
      double lo = static_cast<double>(rng() % 50), hi = lo + static_cast<double>(rng() % 10);
      bool lox = rng() & 1, hix = rng() & 1;
      ScoreRange r = score_range(lo, hi, lox, hix);
      const Item* first = nullptr;
      const Item* last = nullptr;
      for (const Item& x : model) {
        if (r.contains(x.first)) {
          if (!first) first = &x;
          last = &x;
        }
      }
      ZNode* f = l.first_in(r);
      ZNode* b = l.last_in(r);
      ASSERT_EQ(f == nullptr, first == nullptr);
      ASSERT_EQ(b == nullptr, last == nullptr);
      if (first) {
        ASSERT_EQ(f->member(), first->second);
        ASSERT_EQ(b->member(), last->second);
      }
    }
    if (step % 1000 == 0) check();
  }
  check();
  // Remove a middle rank range and compare again.
  if (l.size() > 20) {
    std::vector<Item> want(model.begin(), model.end());
    size_t removed = l.erase_ranks(5, 15, [&](ZNode* x) {
      nodes.erase(std::string(x->member()));
      l.free_node(x);
    });
    EXPECT_EQ(removed, 11u);
    want.erase(want.begin() + 5, want.begin() + 16);
    model = std::set<Item>(want.begin(), want.end());
    check();
  }
}

TEST(Skiplist, LevelsFollowQuarterProbability) {
  Skiplist l;
  constexpr int kN = 100000;
  int counts[Skiplist::kMaxLevel + 1] = {};
  for (int i = 0; i < kN; i++) counts[l.insert(i, std::to_string(i))->level()]++;
  // Expected shares: 3/4 at level 1, 3/16 at level 2, 3/64 at level 3.
  EXPECT_NEAR(counts[1] / static_cast<double>(kN), 0.75, 0.01);
  EXPECT_NEAR(counts[2] / static_cast<double>(kN), 0.1875, 0.01);
  EXPECT_NEAR(counts[3] / static_cast<double>(kN), 0.046875, 0.005);
  EXPECT_EQ(l.rank_of(l.at(kN / 2)), static_cast<size_t>(kN / 2));
}

}  // namespace
}  // namespace rkv::store

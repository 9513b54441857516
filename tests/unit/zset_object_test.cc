#include "store/zset_object.h"

#include <gtest/gtest.h>

#include <limits>
#include <memory>
#include <random>
#include <string>
#include <utility>
#include <vector>

namespace rkv::store {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

struct EntryDeleter {
  void operator()(Entry* e) const { Entry::destroy(e); }
};
using EntryPtr = std::unique_ptr<Entry, EntryDeleter>;

EntryPtr make(const ZsetLimits& limits, size_t size_hint = 0, size_t first_len = 0) {
  return EntryPtr(Zset::make_entry("k", limits, size_hint, first_len));
}

ZaddResult add(Entry* e, double score, std::string_view member, const ZsetLimits& limits,
               unsigned flags = 0, double* out = nullptr) {
  double unused;
  return Zset(e).add(score, member, flags, limits, out ? out : &unused);
}

using Items = std::vector<std::pair<std::string, double>>;

Items contents(Entry* e) {
  Items out;
  for (ZsetCursor c = Zset(e).at(0); c.valid(); c.next())
    out.emplace_back(std::string(c.member()), c.score());
  return out;
}

Items contents_reversed(Entry* e) {
  Zset z(e);
  Items out;
  if (z.empty()) return out;
  for (ZsetCursor c = z.at(z.size() - 1); c.valid(); c.prev())
    out.emplace_back(std::string(c.member()), c.score());
  return out;
}

const ZsetLimits kSmall{4, 8};

TEST(ZsetObject, StartsAsListpackAndConvertsPastTheEntryLimit) {
  EntryPtr e = make(kSmall);
  EXPECT_EQ(e->encoding(), Encoding::kListpack);
  for (int i = 1; i <= 4; i++) add(e.get(), i, "m" + std::to_string(i), kSmall);
  EXPECT_EQ(e->encoding(), Encoding::kListpack);
  EXPECT_EQ(add(e.get(), 2, "m2", kSmall), ZaddResult::kSame);  // no growth, no conversion
  EXPECT_EQ(e->encoding(), Encoding::kListpack);
  add(e.get(), 0.5, "m0", kSmall);
  EXPECT_EQ(e->encoding(), Encoding::kSkiplist);
  EXPECT_EQ(contents(e.get()), (Items{{"m0", 0.5}, {"m1", 1}, {"m2", 2}, {"m3", 3}, {"m4", 4}}));
  // Removing members never converts back.
  Zset(e.get()).remove_ranks(0, 3);
  EXPECT_EQ(e->encoding(), Encoding::kSkiplist);
  EXPECT_EQ(Zset(e.get()).size(), 1u);
}

TEST(ZsetObject, ConvertsOnALongMember) {
  EntryPtr e = make(kSmall);
  add(e.get(), 1, "12345678", kSmall);  // exactly the value limit
  EXPECT_EQ(e->encoding(), Encoding::kListpack);
  add(e.get(), 2, "123456789", kSmall);
  EXPECT_EQ(e->encoding(), Encoding::kSkiplist);
  EXPECT_EQ(contents(e.get()), (Items{{"12345678", 1}, {"123456789", 2}}));
}

TEST(ZsetObject, CreationFollowsTheFirstMemberAndTheSizeHint) {
  EXPECT_EQ(make(kSmall, 0, 8)->encoding(), Encoding::kListpack);
  EXPECT_EQ(make(kSmall, 0, 9)->encoding(), Encoding::kSkiplist);
  EXPECT_EQ(make(kSmall, 4, 0)->encoding(), Encoding::kListpack);
  EXPECT_EQ(make(kSmall, 5, 0)->encoding(), Encoding::kSkiplist);
  EXPECT_EQ(make(ZsetLimits{0, 64})->encoding(), Encoding::kSkiplist);
}

TEST(ZsetObject, StoredResultsTakeTheSmallestFittingEncoding) {
  auto build = [](int n, size_t len) {
    auto zs = std::make_unique<SkiplistZset>();
    for (int i = 0; i < n; i++) zs->insert(i, std::string(len, static_cast<char>('a' + i)));
    return zs;
  };
  EntryPtr a(Zset::make_entry("d", build(4, 8), kSmall, 8));
  EXPECT_EQ(a->encoding(), Encoding::kListpack);
  EXPECT_EQ(contents(a.get()).size(), 4u);
  EXPECT_EQ(contents(a.get())[3].second, 3);
  EntryPtr b(Zset::make_entry("d", build(5, 1), kSmall, 1));
  EXPECT_EQ(b->encoding(), Encoding::kSkiplist);
  EntryPtr c(Zset::make_entry("d", build(2, 9), kSmall, 9));
  EXPECT_EQ(c->encoding(), Encoding::kSkiplist);
}

TEST(ZsetObject, ListpackStoresScoresAsRedisDoes) {
  ZsetLimits big{128, 64};
  EntryPtr e = make(big);
  add(e.get(), -0.0, "negzero", big);
  add(e.get(), 1e17, "e17", big);
  add(e.get(), 0.1, "tenth", big);
  add(e.get(), 9.3e18, "huge", big);
  add(e.get(), -kInf, "low", big);
  Zset z(e.get());
  char buf[64];
  auto text = [&](std::string_view m) {
    return std::string(buf, z.score_text(*z.score(m), buf, sizeof(buf)));
  };
  EXPECT_EQ(text("negzero"), "0");
  EXPECT_FALSE(std::signbit(*z.score("negzero")));  // -0 does not survive a listpack
  EXPECT_EQ(text("e17"), "100000000000000000");
  EXPECT_EQ(text("tenth"), "0.10000000000000001");
  EXPECT_EQ(text("huge"), "9.3e+18");
  EXPECT_EQ(text("low"), "-inf");
  // Read back exactly.
  EXPECT_EQ(*z.score("tenth"), 0.1);
  EXPECT_EQ(*z.score("huge"), 9.3e18);
  // A skiplist keeps -0 and prints %.17g.
  z.convert_to_skiplist();
  add(e.get(), -0.0, "negzero2", big);
  EXPECT_TRUE(std::signbit(*z.score("negzero2")));
  EXPECT_EQ(text("e17"), "1e+17");
}

TEST(ZsetObject, AddFlagsOnBothEncodings) {
  for (ZsetLimits lim : {ZsetLimits{128, 64}, ZsetLimits{0, 64}}) {
    EntryPtr e = make(lim);
    double out = 0;
    EXPECT_EQ(add(e.get(), 1, "a", lim, 0, &out), ZaddResult::kAdded);
    EXPECT_EQ(add(e.get(), 5, "a", lim, kZaddNx), ZaddResult::kSkipped);
    EXPECT_EQ(add(e.get(), 5, "b", lim, kZaddXx), ZaddResult::kSkipped);
    EXPECT_EQ(add(e.get(), 0, "a", lim, kZaddGt), ZaddResult::kSkipped);
    EXPECT_EQ(add(e.get(), 2, "a", lim, kZaddGt, &out), ZaddResult::kUpdated);
    EXPECT_EQ(out, 2);
    EXPECT_EQ(add(e.get(), 3, "a", lim, kZaddLt), ZaddResult::kSkipped);
    EXPECT_EQ(add(e.get(), 1.5, "a", lim, kZaddLt | kZaddIncr, &out), ZaddResult::kSkipped);
    EXPECT_EQ(add(e.get(), -0.5, "a", lim, kZaddLt | kZaddIncr, &out), ZaddResult::kUpdated);
    EXPECT_EQ(out, 1.5);
    EXPECT_EQ(add(e.get(), 0, "a", lim, kZaddIncr, &out), ZaddResult::kSame);
    EXPECT_EQ(out, 1.5);
    EXPECT_EQ(add(e.get(), kInf, "c", lim), ZaddResult::kAdded);
    EXPECT_EQ(add(e.get(), -kInf, "c", lim, kZaddIncr), ZaddResult::kNan);
    EXPECT_EQ(*Zset(e.get()).score("c"), kInf);
    EXPECT_EQ(contents(e.get()), (Items{{"a", 1.5}, {"c", kInf}}));
  }
}

// The same random operations on a listpack zset and a skiplist zset must answer alike.
TEST(ZsetObject, EncodingsAgreeUnderRandomOperations) {
  const ZsetLimits lp_limits{1000, 64}, sl_limits{0, 64};
  std::mt19937_64 rng(7);
  for (int round = 0; round < 20; round++) {
    EntryPtr lp = make(lp_limits), sl = make(sl_limits);
    ASSERT_EQ(lp->encoding(), Encoding::kListpack);
    ASSERT_EQ(sl->encoding(), Encoding::kSkiplist);
    for (int step = 0; step < 300; step++) {
      std::string m = std::to_string(rng() % 60);  // integer-looking members, stored as ints
      if (rng() % 3 == 0) m = "m" + m;
      // Lex ranges assume equal scores (as in Redis): even rounds keep every score 0.
      const bool lex_round = round % 2 == 0;
      double s = lex_round ? 0 : static_cast<double>(rng() % 20) / 2;
      Zset a(lp.get()), b(sl.get());
      switch (rng() % 8) {
        case 0:
        case 1:
        case 2: {
          unsigned flags = static_cast<unsigned>(rng() % 32);
          if (lex_round) flags &= ~kZaddIncr;
          if ((flags & kZaddNx) && (flags & (kZaddXx | kZaddGt | kZaddLt))) flags &= ~kZaddNx;
          if ((flags & kZaddGt) && (flags & kZaddLt)) flags &= ~kZaddLt;
          double x = 0, y = 0;
          ZaddResult ra = a.add(s, m, flags, lp_limits, &x);
          ZaddResult rb = b.add(s, m, flags, sl_limits, &y);
          ASSERT_EQ(ra, rb);
          if (ra != ZaddResult::kSkipped) {
            ASSERT_EQ(x, y);
          }
          break;
        }
        case 3:
          ASSERT_EQ(a.remove(m), b.remove(m));
          break;
        case 4:
          ASSERT_EQ(a.rank(m, false), b.rank(m, false));
          ASSERT_EQ(a.rank(m, true), b.rank(m, true));
          break;
        case 5: {
          ScoreRange r{s, s + static_cast<double>(rng() % 5), (rng() & 1) != 0, (rng() & 1) != 0};
          ASSERT_EQ(a.count(r), b.count(r));
          ZsetCursor fa = a.first_in(r), fb = b.first_in(r), la = a.last_in(r), lb = b.last_in(r);
          ASSERT_EQ(fa.valid(), fb.valid());
          ASSERT_EQ(la.valid(), lb.valid());
          if (fa.valid()) {
            ASSERT_EQ(fa.member(), fb.member());
            ASSERT_EQ(la.member(), lb.member());
          }
          if (rng() % 4 == 0) {
            ASSERT_EQ(a.remove_range(r), b.remove_range(r));
          }
          break;
        }
        case 6: {
          if (!lex_round) break;
          std::string lo = std::to_string(rng() % 60), hi = std::to_string(rng() % 60);
          LexRange r{LexBound{LexBound::kValue, (rng() & 1) != 0, lo},
                     LexBound{LexBound::kValue, (rng() & 1) != 0, hi}};
          if (rng() % 5 == 0) r.min = LexBound{LexBound::kMinusInf, true, {}};
          if (rng() % 5 == 0) r.max = LexBound{LexBound::kPlusInf, true, {}};
          ASSERT_EQ(a.count(r), b.count(r));
          ZsetCursor la = a.last_in(r), lb = b.last_in(r);
          ASSERT_EQ(la.valid(), lb.valid());
          if (la.valid()) {
            ASSERT_EQ(la.member(), lb.member());
          }
          if (rng() % 4 == 0) {
            ASSERT_EQ(a.remove_range(r), b.remove_range(r));
          }
          break;
        }
        case 7:
          if (a.size() > 3) {
            size_t start = rng() % a.size(), end = start + rng() % (a.size() - start);
            ASSERT_EQ(a.remove_ranks(start, end), b.remove_ranks(start, end));
          }
          break;
      }
      ASSERT_EQ(a.size(), b.size());
      ASSERT_EQ(contents(lp.get()), contents(sl.get()));
      ASSERT_EQ(contents_reversed(lp.get()), contents_reversed(sl.get()));
      if (a.size()) {
        size_t r = rng() % a.size();
        ASSERT_EQ(a.at(r).member(), b.at(r).member());
      }
      ASSERT_FALSE(a.at(a.size()).valid());
    }
    ASSERT_EQ(lp->encoding(), Encoding::kListpack);
  }
}

TEST(ZsetObject, CloneAndAllocatedBytes) {
  for (ZsetLimits lim : {ZsetLimits{128, 64}, ZsetLimits{0, 64}}) {
    EntryPtr e = make(lim);
    for (int i = 0; i < 50; i++) add(e.get(), i * 1.5, "member:" + std::to_string(i), lim);
    EntryPtr copy(Entry::clone_with_key(*e, "copy"));
    ASSERT_NE(copy, nullptr);
    EXPECT_EQ(copy->encoding(), e->encoding());
    EXPECT_EQ(contents(copy.get()), contents(e.get()));
    add(copy.get(), 1000, "only-in-copy", lim);
    EXPECT_FALSE(Zset(e.get()).score("only-in-copy"));
    EXPECT_GT(e->allocated_bytes(), 50u * 10);
  }
}

TEST(ZsetObject, CursorsSurviveMovesAndIntegerMembers) {
  const ZsetLimits lim{128, 64};
  EntryPtr e = make(lim);
  add(e.get(), 1, "100", lim);  // stored as an integer: its text lives in the cursor
  add(e.get(), 2, "200", lim);
  std::vector<ZsetCursor> cursors;
  cursors.push_back(Zset(e.get()).at(0));
  cursors.push_back(Zset(e.get()).at(1));
  cursors.reserve(100);  // moves every cursor
  EXPECT_EQ(cursors[0].member(), "100");
  EXPECT_EQ(cursors[1].member(), "200");
  cursors[0].next();
  EXPECT_EQ(cursors[0].member(), "200");
  cursors[0].next();
  EXPECT_FALSE(cursors[0].valid());
}

}  // namespace
}  // namespace rkv::store

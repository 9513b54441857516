#include "store/quicklist.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <deque>
#include <random>
#include <string>
#include <vector>

#include "store/entry.h"
#include "store/list.h"

namespace rkv::store {
namespace {

std::vector<std::string> contents(const Quicklist& ql) {
  std::vector<std::string> out;
  if (ql.empty()) return out;
  Listpack::Scratch s;
  for (Quicklist::Reader r(ql, 0, true); r.valid(); r.advance()) out.emplace_back(r.value(s).sv);
  return out;
}

std::vector<std::string> contents_backward(const Quicklist& ql) {
  std::vector<std::string> out;
  if (ql.empty()) return out;
  Listpack::Scratch s;
  for (Quicklist::Reader r(ql, ql.size() - 1, false); r.valid(); r.advance())
    out.emplace_back(r.value(s).sv);
  return out;
}

std::vector<size_t> node_counts(const Quicklist& ql) {
  std::vector<size_t> out;
  for (const auto& n : ql.nodes()) out.push_back(n.count);
  return out;
}

std::string element(int i) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "element:%06d", i);
  return buf;
}

// Bytes one listpack entry of a string of `len` bytes takes (len < 64 and < 4096 cases).
size_t entry_size(size_t len) {
  size_t header = len < 64 ? 1 : 2;
  size_t backlen = header + len < 128 ? 1 : 2;
  return header + len + backlen;
}

TEST(ListpackLimitTest, FillRules) {
  EXPECT_EQ(ListpackLimit::from_fill(-1).bytes, 4096u);
  EXPECT_EQ(ListpackLimit::from_fill(-2).bytes, 8192u);
  EXPECT_EQ(ListpackLimit::from_fill(-5).bytes, 65536u);
  EXPECT_EQ(ListpackLimit::from_fill(-6).bytes, 65536u);  // below -5: the largest level
  EXPECT_EQ(ListpackLimit::from_fill(INT32_MIN).bytes, 65536u);
  EXPECT_EQ(ListpackLimit::from_fill(-2).count, SIZE_MAX);
  EXPECT_EQ(ListpackLimit::from_fill(0).count, 1u);  // a node holds at least one element
  EXPECT_EQ(ListpackLimit::from_fill(128).count, 128u);
  EXPECT_EQ(ListpackLimit::from_fill(128).bytes, SIZE_MAX);

  EXPECT_FALSE(ListpackLimit::exceeded(-2, 8192, 100000));
  EXPECT_TRUE(ListpackLimit::exceeded(-2, 8193, 1));
  EXPECT_FALSE(ListpackLimit::exceeded(128, 100, 128));
  EXPECT_TRUE(ListpackLimit::exceeded(128, 100, 129));
  // A positive fill still stops at the 8 KB safety limit.
  EXPECT_FALSE(ListpackLimit::exceeded(1000, 8192, 10));
  EXPECT_TRUE(ListpackLimit::exceeded(1000, 8193, 10));
}

TEST(QuicklistTest, FillByCount) {
  Quicklist ql(4, 0);
  for (int i = 0; i < 10; i++) ql.push_back(element(i));
  EXPECT_EQ(node_counts(ql), (std::vector<size_t>{4, 4, 2}));
  for (int i = 0; i < 3; i++) ql.push_front(element(100 + i));
  EXPECT_EQ(node_counts(ql), (std::vector<size_t>{3, 4, 4, 2}));
  EXPECT_EQ(ql.size(), 13u);
  EXPECT_TRUE(ql.check());
  Quicklist one(0, 0);  // fill 0: one element per node
  for (int i = 0; i < 3; i++) one.push_back("x");
  EXPECT_EQ(node_counts(one), (std::vector<size_t>{1, 1, 1}));
  Quicklist clamped(100000, 0);
  EXPECT_EQ(clamped.fill(), Quicklist::kMaxFill);
}

TEST(QuicklistTest, FillBySize) {
  Quicklist ql(-1, 0);  // 4 KB nodes
  const std::string v(100, 'v');
  for (int i = 0; i < 200; i++) ql.push_back(v);
  auto nodes = ql.nodes();
  ASSERT_GT(nodes.size(), 1u);
  for (size_t i = 0; i < nodes.size(); i++) {
    EXPECT_LE(nodes[i].bytes, 4096u);
    // Every node but the last is full: one more entry would not have fit.
    if (i + 1 < nodes.size()) {
      EXPECT_GT(nodes[i].bytes + entry_size(v.size()), 4096u);
    }
  }
  // With a positive fill the 8 KB safety limit applies before the count does.
  Quicklist counted(1000, 0);
  for (int i = 0; i < 200; i++) counted.push_back(v);
  for (const auto& n : counted.nodes()) EXPECT_LE(n.bytes, 8192u);
  EXPECT_GT(counted.node_count(), 1u);
  EXPECT_TRUE(ql.check());
  EXPECT_TRUE(counted.check());
}

TEST(QuicklistTest, LargeElementGetsItsOwnNode) {
  Quicklist ql(-1, 0);
  ql.push_back("a");
  ql.push_back(std::string(10000, 'L'));
  ql.push_back("b");
  EXPECT_EQ(node_counts(ql), (std::vector<size_t>{1, 1, 1}));
  EXPECT_EQ(contents(ql)[1], std::string(10000, 'L'));
  EXPECT_TRUE(ql.check());
}

TEST(QuicklistTest, IndexFromBothEnds) {
  Quicklist ql(5, 0);
  std::vector<std::string> want;
  for (int i = 0; i < 53; i++) {
    ql.push_back(element(i));
    want.push_back(element(i));
  }
  Listpack::Scratch s;
  for (size_t i = 0; i < want.size(); i++) {
    Quicklist::Reader fwd(ql, i, true);
    EXPECT_EQ(fwd.value(s).sv, want[i]);
    Quicklist::Reader back(ql, i, false);
    EXPECT_EQ(back.value(s).sv, want[i]);
    back.advance();
    if (i == 0)
      EXPECT_FALSE(back.valid());
    else
      EXPECT_EQ(back.value(s).sv, want[i - 1]);
  }
  EXPECT_EQ(contents(ql), want);
  std::vector<std::string> reversed(want.rbegin(), want.rend());
  EXPECT_EQ(contents_backward(ql), reversed);
}

TEST(QuicklistTest, IntegersReadBackAsText) {
  Quicklist ql(-2, 0);
  for (const char* v : {"0", "-1", "127", "9223372036854775807", "-9223372036854775808", "007"})
    ql.push_back(v);
  EXPECT_EQ(contents(ql), (std::vector<std::string>{"0", "-1", "127", "9223372036854775807",
                                                    "-9223372036854775808", "007"}));
  Quicklist::Reader r(ql, 2, true);
  EXPECT_TRUE(r.equals("127"));
  EXPECT_FALSE(r.equals("0127"));
}

TEST(QuicklistTest, InsertSplitsAFullNode) {
  Quicklist ql(4, 0);
  for (int i = 0; i < 8; i++) ql.push_back(std::to_string(i));
  ASSERT_EQ(node_counts(ql), (std::vector<size_t>{4, 4}));
  ASSERT_TRUE(ql.insert_at_pivot("1", "x", true));  // inside the full first node
  EXPECT_EQ(contents(ql), (std::vector<std::string>{"0", "1", "x", "2", "3", "4", "5", "6", "7"}));
  EXPECT_EQ(node_counts(ql), (std::vector<size_t>{3, 2, 4}));
  EXPECT_TRUE(ql.check());
  // At a full node's tail with a full next node: a node of its own in between.
  ASSERT_TRUE(ql.insert_at_pivot("7", "y", true));
  ASSERT_TRUE(ql.insert_at_pivot("3", "z", true));
  EXPECT_EQ(contents(ql),
            (std::vector<std::string>{"0", "1", "x", "2", "3", "z", "4", "5", "6", "7", "y"}));
  EXPECT_TRUE(ql.check());
  EXPECT_FALSE(ql.insert_at_pivot("missing", "w", false));
  EXPECT_EQ(ql.size(), 11u);
}

TEST(QuicklistTest, InsertAtNodeEdgesUsesNeighbours) {
  Quicklist ql(4, 0);
  for (int i = 0; i < 6; i++) ql.push_back(std::to_string(i));  // [0 1 2 3] [4 5]
  ASSERT_TRUE(ql.insert_at_pivot("3", "after3", true));         // goes to the next node
  EXPECT_EQ(node_counts(ql), (std::vector<size_t>{4, 3}));
  ASSERT_TRUE(ql.insert_at_pivot("0", "before0", false));  // full head: a new head node
  EXPECT_EQ(node_counts(ql), (std::vector<size_t>{1, 4, 3}));
  EXPECT_EQ(contents(ql),
            (std::vector<std::string>{"before0", "0", "1", "2", "3", "after3", "4", "5"}));
  EXPECT_TRUE(ql.check());
}

TEST(QuicklistTest, DeletesMergeNeighbours) {
  Quicklist ql(4, 0);
  for (int i = 0; i < 12; i++) ql.push_back(std::to_string(i));
  ASSERT_EQ(node_counts(ql), (std::vector<size_t>{4, 4, 4}));
  ql.erase_range(1, 2);  // [0 3] [4 5 6 7] [8..11]: 2 + 4 do not fit in 4
  EXPECT_EQ(node_counts(ql), (std::vector<size_t>{2, 4, 4}));
  ql.erase_range(2, 2);  // [0 3] [6 7]: now they fit
  EXPECT_EQ(node_counts(ql), (std::vector<size_t>{4, 4}));
  EXPECT_EQ(contents(ql), (std::vector<std::string>{"0", "3", "6", "7", "8", "9", "10", "11"}));
  EXPECT_TRUE(ql.check());
  // A range spanning nodes: whole middle nodes go, the partial ends merge.
  Quicklist big(4, 0);
  for (int i = 0; i < 20; i++) big.push_back(std::to_string(i));
  big.erase_range(2, 15);  // keeps 0 1 | 17 18 19
  EXPECT_EQ(contents(big), (std::vector<std::string>{"0", "1", "17", "18", "19"}));
  EXPECT_EQ(node_counts(big), (std::vector<size_t>{2, 3}));
  EXPECT_TRUE(big.check());
  // LREM thins nodes out; edited nodes merge afterwards.
  Quicklist thin(4, 0);
  for (int i = 0; i < 16; i++) thin.push_back(i % 2 ? "x" : std::to_string(i));
  EXPECT_EQ(thin.remove("x", 0, false), 8u);
  EXPECT_EQ(node_counts(thin), (std::vector<size_t>{4, 4}));
  EXPECT_TRUE(thin.check());
}

TEST(QuicklistTest, RemoveFromEitherEndWithLimit) {
  Quicklist ql(3, 0);
  for (const char* v : {"a", "x", "b", "x", "c", "x", "d", "x"}) ql.push_back(v);
  EXPECT_EQ(ql.remove("x", 1, true), 1u);
  EXPECT_EQ(contents(ql), (std::vector<std::string>{"a", "x", "b", "x", "c", "x", "d"}));
  EXPECT_EQ(ql.remove("x", 2, false), 2u);
  EXPECT_EQ(contents(ql), (std::vector<std::string>{"a", "b", "c", "x", "d"}));
  EXPECT_EQ(ql.remove("nothing", 0, false), 0u);
  EXPECT_EQ(ql.remove("x", 0, true), 1u);
  EXPECT_EQ(contents(ql), (std::vector<std::string>{"a", "b", "c", "d"}));
  EXPECT_TRUE(ql.check());
}

TEST(QuicklistTest, ReplaceGrowingPastTheNodeLimit) {
  Quicklist ql(-1, 0);
  for (int i = 0; i < 300; i++) ql.push_back(element(i));
  const std::string big(3000, 'B');
  ql.replace(150, big);
  ql.replace(0, "first");
  ql.replace(299, big);
  auto all = contents(ql);
  EXPECT_EQ(all[150], big);
  EXPECT_EQ(all[0], "first");
  EXPECT_EQ(all[299], big);
  EXPECT_EQ(all[151], element(151));
  for (const auto& n : ql.nodes()) EXPECT_LE(n.bytes, 4096u);
  EXPECT_TRUE(ql.check());
}

TEST(QuicklistTest, CompressionKeepsEndsPlainAndInnerNodesCompressed) {
  for (int depth : {1, 2, 3}) {
    Quicklist ql(-2, depth);
    std::vector<std::string> want;
    for (int i = 0; i < 20000; i++) {
      ql.push_back(element(i));
      want.push_back(element(i));
    }
    auto nodes = ql.nodes();
    ASSERT_GT(nodes.size(), 2u * depth + 2);
    for (size_t i = 0; i < nodes.size(); i++) {
      bool inside = i < static_cast<size_t>(depth) || i >= nodes.size() - depth;
      if (inside) {
        EXPECT_EQ(nodes[i].compressed_bytes, 0u) << "depth " << depth << " node " << i;
      } else {
        // Really compressed: these strings share most of their bytes.
        EXPECT_GT(nodes[i].compressed_bytes, 0u) << "depth " << depth << " node " << i;
        EXPECT_LT(nodes[i].compressed_bytes * 2, nodes[i].bytes);
      }
    }
    EXPECT_TRUE(ql.check());
    EXPECT_EQ(contents(ql), want);  // decompressed on access, byte for byte
    Listpack::Scratch s;
    Quicklist::Reader mid(ql, 10000, true);
    EXPECT_EQ(mid.value(s).sv, element(10000));
  }
}

TEST(QuicklistTest, CompressionFollowsTheEnds) {
  Quicklist ql(4, 1);
  std::deque<std::string> want;
  // Nodes of 4 elements of 20 bytes are big enough (>= 48 bytes) to compress.
  auto v = [](int i) { return "value-value-value-" + std::to_string(i % 10) + std::to_string(i); };
  for (int i = 0; i < 40; i++) {
    ql.push_back(v(i));
    want.push_back(v(i));
    ASSERT_TRUE(ql.check()) << i;
  }
  for (int i = 0; i < 40; i++) {
    ql.push_front(v(100 + i));
    want.push_front(v(100 + i));
    ASSERT_TRUE(ql.check()) << i;
  }
  while (!want.empty()) {  // pops uncover compressed nodes, which must come out plain
    ql.erase_range(0, 1);
    want.pop_front();
    if (!want.empty()) {
      ql.erase_range(ql.size() - 1, 1);
      want.pop_back();
    }
    ASSERT_TRUE(ql.check()) << want.size();
  }
  EXPECT_EQ(ql.node_count(), 0u);
}

TEST(QuicklistTest, IncompressibleAndSmallNodesStayPlain) {
  std::mt19937 rng(7);
  Quicklist ql(-1, 1);
  for (int i = 0; i < 200; i++) {
    std::string v(100, '\0');
    for (char& c : v) c = static_cast<char>(rng());
    ql.push_back(v);
  }
  for (const auto& n : ql.nodes()) EXPECT_EQ(n.compressed_bytes, 0u);
  EXPECT_TRUE(ql.check());
  Quicklist small(1, 1);  // one tiny element per node: under the 48-byte minimum
  for (int i = 0; i < 10; i++) small.push_back("x");
  for (const auto& n : small.nodes()) EXPECT_EQ(n.compressed_bytes, 0u);
  EXPECT_TRUE(small.check());
}

TEST(QuicklistTest, CloneCopiesCompressedNodes) {
  Quicklist ql(-2, 1);
  for (int i = 0; i < 5000; i++) ql.push_back(element(i));
  auto copy = ql.clone();
  EXPECT_EQ(contents(*copy), contents(ql));
  EXPECT_TRUE(copy->check());
  auto a = ql.nodes(), b = copy->nodes();
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); i++) EXPECT_EQ(a[i].compressed_bytes, b[i].compressed_bytes);
  EXPECT_GT(ql.allocated_bytes(), 5000u);
  EXPECT_LT(ql.allocated_bytes(), 5000u * 16);  // compressed: below the plain 16 B/entry
}

// Random operations against a std::deque model, every fill and depth combination.
TEST(QuicklistTest, RandomOperationsMatchAModel) {
  for (int fill : {1, 3, 16, -1}) {
    for (int depth : {0, 1, 2}) {
      std::mt19937 rng(static_cast<unsigned>(fill * 31 + depth));
      Quicklist ql(fill, depth);
      std::deque<std::string> model;
      auto value = [&] {
        int kind = static_cast<int>(rng() % 10);
        if (kind == 0) return std::string(rng() % 300, 'a' + static_cast<char>(rng() % 3));
        if (kind == 1) return std::to_string(static_cast<int>(rng() % 2000) - 1000);
        return "v" + std::to_string(rng() % 50) + "-padding-padding";
      };
      for (int step = 0; step < 3000; step++) {
        int op = static_cast<int>(rng() % 100);
        if (op < 30 || model.empty()) {
          std::string v = value();
          if (rng() % 2) {
            ql.push_back(v);
            model.push_back(v);
          } else {
            ql.push_front(v);
            model.push_front(v);
          }
        } else if (op < 45) {
          size_t start = rng() % model.size();
          size_t n = std::min<size_t>(rng() % 8, model.size() - start);
          ql.erase_range(start, n);
          model.erase(model.begin() + static_cast<long>(start),
                      model.begin() + static_cast<long>(start + n));
        } else if (op < 60) {
          size_t i = rng() % model.size();
          std::string v = value();
          ql.replace(i, v);
          model[i] = v;
        } else if (op < 75) {
          const std::string& pivot = model[rng() % model.size()];
          std::string p = pivot;
          bool after = rng() % 2;
          std::string v = value();
          ASSERT_TRUE(ql.insert_at_pivot(p, v, after));
          auto it = std::find(model.begin(), model.end(), p);
          model.insert(after ? it + 1 : it, v);
        } else if (op < 85) {
          std::string v = model[rng() % model.size()];
          size_t limit = rng() % 3;
          bool from_tail = rng() % 2;
          size_t removed = 0;
          if (!from_tail) {
            for (auto it = model.begin(); it != model.end() && (!limit || removed < limit);) {
              if (*it == v) {
                it = model.erase(it);
                removed++;
              } else {
                ++it;
              }
            }
          } else {
            for (size_t i = model.size(); i-- > 0 && (!limit || removed < limit);) {
              if (model[i] == v) {
                model.erase(model.begin() + static_cast<long>(i));
                removed++;
              }
            }
          }
          ASSERT_EQ(ql.remove(v, limit, from_tail), removed);
        } else {
          Listpack::Scratch s;
          size_t i = rng() % model.size();
          Quicklist::Reader r(ql, i, rng() % 2);
          ASSERT_EQ(r.value(s).sv, model[i]);
        }
        ASSERT_EQ(ql.size(), model.size());
        ASSERT_TRUE(ql.check()) << "fill " << fill << " depth " << depth << " step " << step;
      }
      EXPECT_EQ(contents(ql), std::vector<std::string>(model.begin(), model.end()));
    }
  }
}

// ---- list values: the listpack <-> quicklist conversion points -----------------------

struct ListEntry {
  Entry* e = list::create("k");
  ~ListEntry() { Entry::destroy(e); }
  void push(std::string_view v, const ListConfig& cfg) {
    std::string_view vs[] = {v};
    list::push(*e, ListEnd::kTail, vs, cfg);
  }
};

TEST(ListValueTest, ConvertsBySizeAndBackAtHalf) {
  ListConfig cfg{-2, 0};  // 8 KB
  ListEntry l;
  const std::string v(100, 'v');  // 103-byte entries: 7 + 103 * n bytes
  for (int i = 0; i < 79; i++) l.push(v, cfg);
  // 7 + 103 * 79 + 100 > 8192: the 80th push converts (bytes + raw length, as 7.2).
  EXPECT_EQ(l.e->encoding(), Encoding::kListpack);
  l.push(v, cfg);
  EXPECT_EQ(l.e->encoding(), Encoding::kQuicklist);
  EXPECT_EQ(list::size(*l.e), 80u);
  // Back to a listpack only with one node of at most 4096 bytes: 39 entries.
  while (list::size(*l.e) > 40) list::erase(*l.e, list::size(*l.e) - 1, 1, cfg);
  EXPECT_EQ(l.e->encoding(), Encoding::kQuicklist);
  list::erase(*l.e, 0, 1, cfg);
  EXPECT_EQ(l.e->encoding(), Encoding::kListpack);
  EXPECT_EQ(list::size(*l.e), 39u);
}

TEST(ListValueTest, ConvertsByCountAndBackAtHalf) {
  ListConfig cfg{5, 1};
  ListEntry l;
  for (int i = 0; i < 5; i++) l.push("x", cfg);
  EXPECT_EQ(l.e->encoding(), Encoding::kListpack);
  l.push("x", cfg);
  EXPECT_EQ(l.e->encoding(), Encoding::kQuicklist);
  list::erase(*l.e, 0, 3, cfg);  // 3 left in one node: more than 5 / 2
  EXPECT_EQ(l.e->encoding(), Encoding::kQuicklist);
  list::erase(*l.e, 0, 1, cfg);
  EXPECT_EQ(l.e->encoding(), Encoding::kListpack);
  EXPECT_EQ(list::size(*l.e), 2u);
}

TEST(ListValueTest, MultiValuePushConvertsUpFront) {
  ListConfig cfg{4, 0};
  ListEntry l;
  std::string_view vs[] = {"a", "b", "c", "d", "e"};
  list::push(*l.e, ListEnd::kHead, vs, cfg);
  EXPECT_EQ(l.e->encoding(), Encoding::kQuicklist);
  Listpack::Scratch s;
  list::Reader r(*l.e, 0, true);
  EXPECT_EQ(r.value(s).sv, "e");
}

TEST(ListValueTest, OperationsOnBothEncodingsAgree) {
  for (ListConfig cfg : {ListConfig{-2, 0}, ListConfig{2, 1}}) {
    ListEntry l;
    for (const char* v : {"a", "b", "c", "b", "a"}) l.push(v, cfg);
    EXPECT_TRUE(list::insert(*l.e, "c", true, "d", cfg));
    EXPECT_FALSE(list::insert(*l.e, "zz", true, "d", cfg));
    list::set(*l.e, 0, "A", cfg);
    EXPECT_EQ(list::remove(*l.e, "b", -1, cfg), 1u);
    EXPECT_EQ(list::remove(*l.e, "a", 0, cfg), 1u);
    std::vector<std::string> got;
    Listpack::Scratch s;
    for (list::Reader r(*l.e, 0, true); r.valid(); r.advance()) got.emplace_back(r.value(s).sv);
    EXPECT_EQ(got, (std::vector<std::string>{"A", "b", "c", "d"})) << cfg.fill;
    Entry* copy = Entry::clone_with_key(*l.e, "copy");
    ASSERT_NE(copy, nullptr);
    EXPECT_EQ(list::size(*copy), 4u);
    EXPECT_GT(copy->allocated_bytes(), 16u);
    Entry::destroy(copy);
  }
}

}  // namespace
}  // namespace rkv::store

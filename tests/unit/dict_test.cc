#include "store/dict.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <random>
#include <set>
#include <unordered_map>
#include <vector>

namespace rkv::store {
namespace {

struct Node {
  Node* next = nullptr;
  uint64_t key = 0;
};

uint64_t splitmix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

struct Traits {
  using Key = uint64_t;
  static Key key(const Node& n) { return n.key; }
  static uint64_t hash(Key k) { return splitmix(k); }
  static bool equal(Key a, Key b) { return a == b; }
  static Node*& next(Node& n) { return n.next; }
};

// Every key in one of 8 buckets: long chains, and rehashing moves whole chains.
struct CollidingTraits : Traits {
  static uint64_t hash(Key k) { return k % 8; }
};

using D = Dict<Node, Traits>;

// Owns the nodes; node i has key i.
struct Pool {
  explicit Pool(size_t n) : nodes(n) {
    for (size_t i = 0; i < n; i++) nodes[i].key = i;
  }
  Node* operator[](size_t i) { return &nodes[i]; }
  std::vector<Node> nodes;
};

bool is_power_of_two(size_t v) {
  return v && (v & (v - 1)) == 0;
}

TEST(Dict, EmptyDict) {
  D d;
  EXPECT_EQ(d.size(), 0u);
  EXPECT_TRUE(d.empty());
  EXPECT_EQ(d.find(1), nullptr);
  EXPECT_EQ(d.erase(1), nullptr);
  EXPECT_EQ(d.scan(0, [](Node&) { ADD_FAILURE(); }), 0u);
  std::mt19937_64 rng(1);
  EXPECT_EQ(d.random_node(rng), nullptr);
  EXPECT_FALSE(d.rehashing());
  EXPECT_FALSE(d.shrink_if_sparse());
}

TEST(Dict, GrowToAMillionWithIncrementalRehash) {
  constexpr size_t kN = 1'000'000;
  Pool pool(kN);
  D d;
  size_t rehashing_seen = 0;
  bool rehashing_at_big_growth = false;
  std::mt19937_64 rng(42);
  for (size_t i = 0; i < kN; i++) {
    d.insert(pool[i]);
    ASSERT_EQ(d.size(), i + 1);
    if (d.rehashing()) rehashing_seen++;
    // The table grows when full, to the next power of two; the new table starts
    // empty and fills one bucket per operation.
    if (i + 1 == (size_t{1} << 19) + 1) rehashing_at_big_growth = d.rehashing();
    if (i % 997 == 0) {
      size_t probe = rng() % (i + 1);
      ASSERT_EQ(d.find(probe), pool[probe]) << "after " << i + 1 << " inserts";
      ASSERT_EQ(d.find(kN + i), nullptr);
    }
  }
  EXPECT_TRUE(rehashing_at_big_growth);
  EXPECT_GT(rehashing_seen, 1000u);
  while (d.rehash_step(1000)) {
  }
  EXPECT_FALSE(d.rehashing());
  EXPECT_TRUE(is_power_of_two(d.buckets()));
  EXPECT_GE(d.buckets(), kN);
  for (size_t i = 0; i < kN; i++) ASSERT_EQ(d.find(i), pool[i]);

  // Erase the even keys, then the odd ones; lookups stay exact throughout.
  for (size_t i = 0; i < kN; i += 2) ASSERT_EQ(d.erase(i), pool[i]);
  EXPECT_EQ(d.size(), kN / 2);
  for (size_t i = 0; i < kN; i += 1001) {
    ASSERT_EQ(d.find(i), i % 2 ? pool[i] : nullptr);
  }
  for (size_t i = 1; i < kN; i += 2) ASSERT_EQ(d.erase(i), pool[i]);
  EXPECT_TRUE(d.empty());
  EXPECT_EQ(d.erase(1), nullptr);
}

TEST(Dict, OperationsDuringRehashSeeBothTables) {
  Pool pool(2000);
  D d;
  for (size_t i = 0; i < 1024; i++) d.insert(pool[i]);
  while (d.rehash_step(100)) {
  }
  d.insert(pool[1024]);  // 1024 nodes in 1024 buckets: grows to 2048
  ASSERT_TRUE(d.rehashing());
  EXPECT_EQ(d.buckets(), 1024u + 2048u);
  // Half of the nodes are still in the old table; all are found, erased and re-added.
  for (size_t i = 0; i <= 1024; i += 3) {
    ASSERT_EQ(d.find(i), pool[i]);
    ASSERT_EQ(d.erase(i), pool[i]);
    ASSERT_EQ(d.find(i), nullptr);
    d.insert(pool[i]);
  }
  EXPECT_EQ(d.size(), 1025u);
  size_t visited = 0;
  d.for_each([&](const Node&) { visited++; });
  EXPECT_EQ(visited, 1025u);
  while (d.rehash_step(1)) {
  }
  EXPECT_EQ(d.buckets(), 2048u);
  for (size_t i = 0; i <= 1024; i++) ASSERT_EQ(d.find(i), pool[i]);
}

TEST(Dict, CollidingKeys) {
  Pool pool(500);
  Dict<Node, CollidingTraits> d;
  for (size_t i = 0; i < 500; i++) d.insert(pool[i]);
  for (size_t i = 0; i < 500; i++) ASSERT_EQ(d.find(i), pool[i]);
  for (size_t i = 0; i < 500; i += 2) ASSERT_EQ(d.erase(i), pool[i]);
  for (size_t i = 0; i < 500; i++) ASSERT_EQ(d.find(i), i % 2 ? pool[i] : nullptr);
}

TEST(Dict, Replace) {
  Pool pool(100);
  D d;
  for (size_t i = 0; i < 64; i++) d.insert(pool[i]);
  Node fresh{nullptr, 10};
  d.replace(pool[10], &fresh);
  EXPECT_EQ(d.size(), 64u);
  EXPECT_EQ(d.find(10), &fresh);
  for (size_t i = 0; i < 64; i++) {
    if (i != 10) {
      ASSERT_EQ(d.find(i), pool[i]);
    }
  }
  // During a rehash, in either table.
  while (d.rehash_step(100)) {
  }
  d.insert(pool[64]);  // 64 nodes in 64 buckets: grows
  ASSERT_TRUE(d.rehashing());
  std::vector<Node> fresh_nodes(65);
  for (size_t i = 0; i < 65; i++) {
    fresh_nodes[i].key = i;
    Node* old = d.find(i);
    ASSERT_NE(old, nullptr);
    d.replace(old, &fresh_nodes[i]);
  }
  EXPECT_EQ(d.size(), 65u);
  for (size_t i = 0; i < 65; i++) ASSERT_EQ(d.find(i), &fresh_nodes[i]);
  EXPECT_EQ(d.erase(10), &fresh_nodes[10]);
}

TEST(Dict, ShrinkIfSparse) {
  Pool pool(1000);
  D d;
  for (size_t i = 0; i < 1000; i++) d.insert(pool[i]);
  while (d.rehash_step(100)) {
  }
  ASSERT_EQ(d.buckets(), 1024u);
  EXPECT_FALSE(d.shrink_if_sparse());  // full enough
  for (size_t i = 50; i < 1000; i++) d.erase(i);
  while (d.rehash_step(100)) {
  }
  ASSERT_EQ(d.buckets(), 1024u);
  EXPECT_TRUE(d.shrink_if_sparse());
  EXPECT_TRUE(d.rehashing());
  EXPECT_FALSE(d.shrink_if_sparse());  // not while rehashing
  for (size_t i = 0; i < 50; i++) ASSERT_EQ(d.find(i), pool[i]);
  while (d.rehash_step(1)) {
  }
  EXPECT_EQ(d.buckets(), 64u);  // the smallest power of two holding 50
  for (size_t i = 0; i < 50; i++) ASSERT_EQ(d.find(i), pool[i]);
  // All gone: down to the initial size, and still usable.
  for (size_t i = 0; i < 50; i++) d.erase(i);
  EXPECT_TRUE(d.shrink_if_sparse());
  while (d.rehash_step(1)) {
  }
  EXPECT_EQ(d.buckets(), 4u);
  EXPECT_FALSE(d.shrink_if_sparse());
  d.insert(pool[7]);
  EXPECT_EQ(d.find(7), pool[7]);
}

TEST(Dict, RehashForUsesTheGivenClock) {
  Pool pool(5000);
  D d;
  for (size_t i = 0; i < 4097; i++) d.insert(pool[i]);
  ASSERT_TRUE(d.rehashing());
  int64_t fake_us = 0;
  // Each clock read advances 1us: a 3us budget allows a handful of 100-bucket steps.
  size_t moved = d.rehash_for(3, [&] { return fake_us++; });
  EXPECT_GT(moved, 0u);
  EXPECT_TRUE(d.rehashing());
  while (d.rehash_for(1000000, [&] { return fake_us++; }) > 0) {
  }
  EXPECT_FALSE(d.rehashing());
  for (size_t i = 0; i < 4097; i++) ASSERT_EQ(d.find(i), pool[i]);
}

TEST(Dict, ClearAndSwap) {
  Pool pool(300);
  D a, b;
  for (size_t i = 0; i < 200; i++) a.insert(pool[i]);
  for (size_t i = 200; i < 300; i++) b.insert(pool[i]);
  a.swap(b);
  EXPECT_EQ(a.size(), 100u);
  EXPECT_EQ(b.size(), 200u);
  EXPECT_EQ(a.find(250), pool[250]);
  EXPECT_EQ(b.find(5), pool[5]);
  D moved(std::move(b));
  EXPECT_EQ(moved.size(), 200u);
  std::set<uint64_t> cleared;
  moved.clear([&](Node* n) { cleared.insert(n->key); });
  EXPECT_EQ(cleared.size(), 200u);
  EXPECT_EQ(*cleared.begin(), 0u);
  EXPECT_EQ(*cleared.rbegin(), 199u);
  EXPECT_TRUE(moved.empty());
  EXPECT_FALSE(moved.rehashing());
  EXPECT_EQ(moved.buckets(), 0u);
  moved.insert(pool[0]);
  EXPECT_EQ(moved.find(0), pool[0]);
}

TEST(Dict, RandomNodeReachesEveryNode) {
  for (size_t n : {size_t{1}, size_t{5}, size_t{1000}, size_t{1025}}) {
    Pool pool(n);
    D d;
    for (size_t i = 0; i < n; i++) d.insert(pool[i]);
    std::mt19937_64 rng(n);
    std::vector<size_t> hits(n);
    size_t draws = n * 300;
    for (size_t i = 0; i < draws; i++) {
      Node* x = d.random_node(rng);
      ASSERT_NE(x, nullptr);
      ASSERT_LT(x->key, n);
      ASSERT_EQ(x, pool[x->key]);
      hits[x->key]++;
    }
    // Uniform over buckets, then over chains: not exactly uniform, but no node may be
    // starved. With 300 draws per node the rarest stays far above 0.
    size_t min_hits = *std::min_element(hits.begin(), hits.end());
    EXPECT_GT(min_hits, 10u) << n << " nodes";
  }
}

TEST(Dict, RandomNodeDuringRehash) {
  Pool pool(2049);
  D d;
  for (size_t i = 0; i < 2049; i++) d.insert(pool[i]);
  std::mt19937_64 rng(3);
  std::vector<bool> seen(2049);
  bool saw_rehashing = false;
  for (int i = 0; i < 200000; i++) {
    saw_rehashing |= d.rehashing();
    Node* x = d.random_node(rng);
    ASSERT_NE(x, nullptr);
    ASSERT_EQ(x, pool[x->key]);
    seen[x->key] = true;
  }
  EXPECT_TRUE(saw_rehashing);
  EXPECT_EQ(std::count(seen.begin(), seen.end(), true), 2049);
}

TEST(Dict, FairRandomNodeIsUniform) {
  // 3000 nodes in 4096 slots: chains of 1 to 4+ nodes, which random_node weighs unevenly.
  constexpr size_t kN = 3000;
  Pool pool(kN);
  D d;
  for (size_t i = 0; i < kN; i++) d.insert(pool[i]);
  while (d.rehash_step(100)) {
  }
  std::mt19937_64 rng(7);
  std::vector<size_t> hits(kN);
  constexpr size_t kDraws = kN * 200;
  for (size_t i = 0; i < kDraws; i++) hits[d.fair_random_node(rng)->key]++;
  // Chi-square over 2999 degrees of freedom: mean 2999, sd ~77. A bucket-then-chain pick
  // lands far above (nodes of single-node chains drawn ~1.5x as often as the mean).
  double chi2 = 0;
  for (size_t h : hits) chi2 += (h - 200.0) * (h - 200.0) / 200.0;
  EXPECT_LT(chi2, 3400);
  D none;
  EXPECT_EQ(none.fair_random_node(rng), nullptr);
}

TEST(Dict, FairRandomNodeReachesLongChainsAndRehashingTables) {
  Pool pool(100);
  Dict<Node, CollidingTraits> d;  // everything in 8 chains of ~12
  std::mt19937_64 rng(9);
  std::vector<bool> seen(100);
  bool saw_rehashing = false;
  for (size_t i = 0; i < 100; i++) {
    d.insert(pool[i]);
    saw_rehashing |= d.rehashing();
    for (int j = 0; j < 50; j++) {
      Node* x = d.fair_random_node(rng);
      ASSERT_LE(x->key, i);
    }
  }
  for (int i = 0; i < 20000; i++) seen[d.fair_random_node(rng)->key] = true;
  EXPECT_TRUE(saw_rehashing);
  EXPECT_EQ(std::count(seen.begin(), seen.end(), true), 100);
}

// --- SCAN: every element present for the whole scan is returned at least once. ---

// A dict plus churn keys that come and go between scan calls.
class ScanHarness {
 public:
  explicit ScanHarness(size_t stable) : pool_(kMaxKeys) {
    for (size_t i = 0; i < stable; i++) d_.insert(pool_[i]);
    next_churn_ = stable;
    stable_ = stable;
  }

  void add_churn(size_t n) {
    for (size_t i = 0; i < n && next_churn_ < kMaxKeys; i++) {
      d_.insert(pool_[next_churn_]);
      live_churn_.push_back(next_churn_++);
    }
  }
  void remove_churn(size_t n) {
    for (size_t i = 0; i < n && !live_churn_.empty(); i++) {
      ASSERT_NE(d_.erase(live_churn_.back()), nullptr);
      live_churn_.pop_back();
    }
  }
  D& dict() { return d_; }

  // Runs a full scan calling between(step) after each cursor step; checks the guarantee.
  template <typename Between>
  void scan_all(Between between) {
    std::vector<int> returned(kMaxKeys);
    uint64_t cursor = 0;
    size_t steps = 0;
    do {
      cursor = d_.scan(cursor, [&](Node& n) { returned[n.key]++; });
      between(steps++);
      ASSERT_LT(steps, 10'000'000u) << "scan does not terminate";
    } while (cursor != 0);
    for (size_t i = 0; i < stable_; i++) {
      ASSERT_GE(returned[i], 1) << "stable key " << i << " missed after " << steps << " steps";
    }
    // Never anything that was not inserted.
    for (size_t i = next_churn_; i < kMaxKeys; i++) ASSERT_EQ(returned[i], 0);
  }

 private:
  static constexpr size_t kMaxKeys = 200'000;
  Pool pool_;
  D d_;
  size_t stable_ = 0;
  size_t next_churn_ = 0;
  std::vector<size_t> live_churn_;
};

TEST(DictScan, NoChanges) {
  ScanHarness h(1000);
  h.scan_all([](size_t) {});
}

TEST(DictScan, TableGrowsBetweenCalls) {
  ScanHarness h(100);
  // From 128 buckets up through several doublings, rehashing as it goes.
  bool saw_rehash = false;
  h.scan_all([&](size_t) {
    h.add_churn(40);
    saw_rehash |= h.dict().rehashing();
  });
  EXPECT_TRUE(saw_rehash);
  EXPECT_GT(h.dict().buckets(), 1024u);
}

TEST(DictScan, TableShrinksBetweenCalls) {
  ScanHarness h(100);
  h.add_churn(20000);
  while (h.dict().rehash_step(100)) {
  }
  size_t start_buckets = h.dict().buckets();
  bool saw_shrink = false;
  h.scan_all([&](size_t) {
    h.remove_churn(300);
    saw_shrink |= h.dict().shrink_if_sparse();
    h.dict().rehash_step(1);
  });
  EXPECT_TRUE(saw_shrink);
  EXPECT_LT(h.dict().buckets(), start_buckets);
}

TEST(DictScan, WholeScanDuringOneRehash) {
  for (bool growing : {true, false}) {
    ScanHarness h(1000);
    if (growing) {
      while (h.dict().rehash_step(100)) {
      }
      h.add_churn(h.dict().buckets() - h.dict().size() + 1);
    } else {
      h.add_churn(20000);
      while (h.dict().rehash_step(100)) {
      }
      h.remove_churn(20000);
      ASSERT_TRUE(h.dict().shrink_if_sparse());
    }
    ASSERT_TRUE(h.dict().rehashing());
    h.scan_all([&](size_t) { h.dict().rehash_step(1); });
  }
}

TEST(DictScan, RandomChurnBetweenCalls) {
  for (uint64_t seed = 1; seed <= 60; seed++) {
    std::mt19937_64 rng(seed);
    ScanHarness h(50 + rng() % 500);
    h.add_churn(rng() % 3000);
    h.scan_all([&](size_t) {
      switch (rng() % 5) {
        case 0:
          h.add_churn(rng() % 200);
          break;
        case 1:
          h.remove_churn(rng() % 400);
          break;
        case 2:
          h.dict().shrink_if_sparse();
          break;
        case 3:
          h.dict().rehash_step(rng() % 4);
          break;
        default:
          break;
      }
    });
    if (HasFatalFailure()) {
      ADD_FAILURE() << "seed " << seed;
      return;
    }
  }
}

}  // namespace
}  // namespace rkv::store

#include "store/evict.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "store/db.h"
#include "store/lfu.h"
#include "util/memory.h"

namespace rkv::store {
namespace {

std::string name(std::string_view prefix, int i) {
  std::string s(prefix);
  s.append(std::to_string(i));
  return s;
}

// ---- LFU counter ----

TEST(LfuTest, IncrementIsCertainUpToTheInitialValueThenLogarithmic) {
  // Below and at 5 every access counts, whatever r.
  for (uint32_t c = 0; c <= lfu::kInitCounter; c++) EXPECT_EQ(lfu::log_incr(c, 10, 0.999), c + 1);
  // At 6 the chance is 1 / (1 * 10 + 1).
  EXPECT_EQ(lfu::log_incr(6, 10, 1.0 / 11 - 1e-9), 7u);
  EXPECT_EQ(lfu::log_incr(6, 10, 1.0 / 11 + 1e-9), 6u);
  // log factor 0: every access counts.
  EXPECT_EQ(lfu::log_incr(100, 0, 0.999), 101u);
  // Saturates at 255.
  EXPECT_EQ(lfu::log_incr(255, 0, 0.0), 255u);
  EXPECT_EQ(lfu::log_incr(254, 0, 0.0), 255u);
}

// Redis documents (redis.conf) what factor 10 gives: ~10 after 100 hits, ~18 after 1000,
// ~142 after 100K. Checked with a generous band, over a fixed seed.
TEST(LfuTest, CounterGrowthMatchesRedisTableForFactor10) {
  std::mt19937_64 rng(42);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  auto hits = [&](int n) {
    uint32_t c = lfu::kInitCounter;
    for (int i = 0; i < n; i++) c = lfu::log_incr(c, 10, unit(rng));
    return c;
  };
  EXPECT_GE(hits(100), 8u);
  EXPECT_LE(hits(100), 13u);
  EXPECT_GE(hits(1000), 15u);
  EXPECT_LE(hits(1000), 22u);
  EXPECT_GE(hits(100000), 125u);
  EXPECT_LE(hits(100000), 160u);
}

TEST(LfuTest, DecayOnePerPeriodWithWrapAndNoDecay) {
  const uint32_t bits = lfu::pack(100, 20);
  EXPECT_EQ(lfu::time_of(bits), 100u);
  EXPECT_EQ(lfu::counter_of(bits), 20u);
  EXPECT_EQ(lfu::decayed(bits, 100, 1), 20u);
  EXPECT_EQ(lfu::decayed(bits, 103, 1), 17u);
  EXPECT_EQ(lfu::decayed(bits, 106, 2), 17u);
  EXPECT_EQ(lfu::decayed(bits, 107, 2), 17u);   // 7 / 2 = 3 periods
  EXPECT_EQ(lfu::decayed(bits, 5000, 1), 0u);   // never below 0
  EXPECT_EQ(lfu::decayed(bits, 5000, 0), 20u);  // decay time 0: never decays
  // The 16-bit minute clock wraps: 65530 -> 5 is 10 minutes (Redis's 65535 arithmetic).
  EXPECT_EQ(lfu::elapsed(65530, 5), 10u);
  EXPECT_EQ(lfu::decayed(lfu::pack(65530, 20), 5, 1), 10u);
  EXPECT_EQ(lfu::minutes(60'000 * 65536LL + 120'000), 2u);
}

TEST(LfuTest, AccessDecaysThenCountsAndRestampsTheTime) {
  AccessPolicy p;
  p.lfu = true;
  const uint32_t bits = lfu::on_access(lfu::pack(10, 3), 12, p, 0.5);
  EXPECT_EQ(lfu::time_of(bits), 12u);
  EXPECT_EQ(lfu::counter_of(bits), 2u);  // 3 - 2 minutes of decay, + 1
}

// ---- Eviction pool ----

TEST(EvictionPoolTest, KeepsTheSixteenBestInOrderAndHandsOutTheBestFirst) {
  EvictionPool pool;
  std::vector<uint64_t> scores(100);
  for (size_t i = 0; i < scores.size(); i++) scores[i] = i * 7 % 100;  // a permutation
  for (size_t i = 0; i < scores.size(); i++)
    pool.offer(scores[i], static_cast<int>(i % 3), name("k", static_cast<int>(scores[i])));
  ASSERT_EQ(pool.size(), EvictionPool::kSize);
  for (size_t i = 1; i < pool.size(); i++) EXPECT_LT(pool.score_at(i - 1), pool.score_at(i));
  EXPECT_EQ(pool.score_at(0), 84u);
  int db = -1;
  std::string key;
  for (uint64_t want = 99; want >= 84; want--) {
    ASSERT_TRUE(pool.take_best(&db, &key));
    EXPECT_EQ(key, name("k", static_cast<int>(want)));
  }
  EXPECT_FALSE(pool.take_best(&db, &key));
  EXPECT_EQ(pool.size(), 0u);
}

TEST(EvictionPoolTest, FullPoolRefusesWorseAndDropsItsWorstForBetter) {
  EvictionPool pool;
  for (int i = 0; i < 16; i++) pool.offer(100 + static_cast<uint64_t>(i), 0, name("k", i));
  pool.offer(100, 0, "tie-with-worst");  // not better than the worst: refused
  pool.offer(50, 0, "worse");
  EXPECT_EQ(pool.key_at(0), "k0");
  pool.offer(1000, 0, "best");
  EXPECT_EQ(pool.size(), 16u);
  EXPECT_EQ(pool.key_at(0), "k1");  // k0 dropped
  EXPECT_EQ(pool.key_at(15), "best");
  pool.offer(105, 0, "middle");
  EXPECT_EQ(pool.key_at(0), "k2");
  EXPECT_EQ(pool.key_at(3), "middle");  // after k2 k3 k4 (scores 102..104)
}

TEST(EvictionPoolTest, AKeyOffersOnceAndTakesItsNewScore) {
  EvictionPool pool;
  pool.offer(10, 0, "a");
  pool.offer(20, 0, "b");
  pool.offer(5, 1, "a");  // same name, other db: another candidate
  EXPECT_EQ(pool.size(), 3u);
  pool.offer(30, 0, "a");
  EXPECT_EQ(pool.size(), 3u);
  int db;
  std::string key;
  ASSERT_TRUE(pool.take_best(&db, &key));
  EXPECT_EQ(key, "a");
  EXPECT_EQ(db, 0);
  ASSERT_TRUE(pool.take_best(&db, &key));
  EXPECT_EQ(key, "b");
  ASSERT_TRUE(pool.take_best(&db, &key));
  EXPECT_EQ(key, "a");
  EXPECT_EQ(db, 1);
  // Long keys are kept whole.
  const std::string long_key(1000, 'x');
  pool.offer(1, 0, long_key);
  ASSERT_TRUE(pool.take_best(&db, &key));
  EXPECT_EQ(key, long_key);
}

TEST(EvictionPolicyTest, NamesAndScores) {
  EXPECT_EQ(parse_evict_policy("volatile-ttl"), EvictPolicy::kVolatileTtl);
  EXPECT_EQ(parse_evict_policy("allkeys-lfu"), EvictPolicy::kAllkeysLfu);
  EXPECT_FALSE(parse_evict_policy("lru").has_value());
  EXPECT_TRUE(evicts_allkeys(EvictPolicy::kAllkeysRandom));
  EXPECT_FALSE(evicts_allkeys(EvictPolicy::kVolatileLru));
  EXPECT_FALSE(uses_pool(EvictPolicy::kVolatileRandom));
  EXPECT_TRUE(uses_pool(EvictPolicy::kVolatileTtl));
  // LRU: idle seconds (ms units), across the 24-bit wrap too.
  EXPECT_EQ(eviction_score(EvictPolicy::kAllkeysLru, 90, -1, 100, 0, 1), 10'000u);
  EXPECT_EQ(eviction_score(EvictPolicy::kAllkeysLru, (1u << 24) - 11, -1, 5, 0, 1), 15'000u);
  // LFU: a rarely used key scores higher.
  EXPECT_GT(eviction_score(EvictPolicy::kAllkeysLfu, lfu::pack(7, 2), -1, 0, 7, 1),
            eviction_score(EvictPolicy::kAllkeysLfu, lfu::pack(7, 9), -1, 0, 7, 1));
  // TTL: the sooner, the higher.
  EXPECT_GT(eviction_score(EvictPolicy::kVolatileTtl, 0, 1000, 0, 0, 1),
            eviction_score(EvictPolicy::kVolatileTtl, 0, 2000, 0, 0, 1));
}

// ---- Sampling a Db ----

class EvictDbTest : public ::testing::Test {
 protected:
  int64_t now_ = 1'000'000'000;
  KeyspaceStats stats_;
  AccessPolicy access_;
  Db db_{0, &now_, &stats_};

  void SetUp() override { db_.set_access_policy(&access_); }
  Entry* put(std::string_view key) {
    Entry* e = Entry::make_string(key, "v");
    db_.set(e, false);
    return e;
  }
};

TEST_F(EvictDbTest, SampleReturnsDistinctLiveEntriesAndAtMostCount) {
  for (int i = 0; i < 1000; i++) put(name("k", i));
  for (size_t want : {1u, 5u, 16u, 64u}) {
    std::set<std::string> seen;
    size_t n = db_.sample_keys(want, [&](Entry& e) { seen.insert(std::string(e.key())); });
    EXPECT_EQ(n, want);
    EXPECT_EQ(seen.size(), want);
  }
  // Fewer keys than asked: all of them at most.
  Db small{1, &now_, &stats_};
  small.set(Entry::make_string("only", "1"), false);
  size_t n = small.sample_keys(5, [](Entry& e) { EXPECT_EQ(e.key(), "only"); });
  EXPECT_EQ(n, 1u);
}

TEST_F(EvictDbTest, SamplingCoversTheKeyspaceAndWorksWhileRehashing) {
  // Stop inserting as soon as the table starts growing, then sample: every key shows up
  // eventually, from both tables (a sampler stuck in one region or one table would miss
  // most of them).
  int keys = 0;
  while (keys < 100 || !db_.keys().rehashing()) put(name("k", keys++));
  ASSERT_TRUE(db_.keys().rehashing());
  std::set<std::string> seen;
  for (int round = 0; round < 100'000 && seen.size() < static_cast<size_t>(keys); round++)
    db_.sample_keys(5, [&](Entry& e) { seen.insert(std::string(e.key())); });
  EXPECT_EQ(seen.size(), static_cast<size_t>(keys));
}

TEST_F(EvictDbTest, VolatileSamplingSeesOnlyKeysWithTtl) {
  for (int i = 0; i < 200; i++) {
    Entry* e = put(name("k", i));
    if (i % 4 == 0) db_.set_expire(e, now_ + 1000 + i);
  }
  for (int round = 0; round < 50; round++)
    db_.sample_volatile(5, [&](Entry& e, int64_t when) {
      EXPECT_TRUE(e.has_expire());
      EXPECT_EQ(when, db_.expire_of(&e));
    });
  EXPECT_NE(db_.random_key(true), nullptr);
  EXPECT_TRUE(db_.random_key(true)->has_expire());
}

TEST_F(EvictDbTest, PoolFromSamplesPrefersTheIdlestKeys) {
  // Half the keys were last used 100 s ago, half now: with every key sampled (samples >=
  // keys), the pool's best candidates are all old ones.
  for (int i = 0; i < 32; i++) put(name("old", i));
  now_ += 100'000;
  for (int i = 0; i < 32; i++) put(name("new", i));
  EvictionPool pool;
  populate_pool(db_, EvictPolicy::kAllkeysLru, 64, 1, pool);
  ASSERT_EQ(pool.size(), EvictionPool::kSize);
  int db;
  std::string key;
  while (pool.take_best(&db, &key)) EXPECT_EQ(key.substr(0, 3), "old");
}

TEST_F(EvictDbTest, PoolForVolatileTtlPrefersTheSoonestExpiry) {
  for (int i = 0; i < 40; i++) db_.set_expire(put(name("k", i)), now_ + 1000 * (i + 1));
  put("persistent");
  EvictionPool pool;
  populate_pool(db_, EvictPolicy::kVolatileTtl, 64, 1, pool);
  int db;
  std::string key;
  ASSERT_TRUE(pool.take_best(&db, &key));
  EXPECT_EQ(key, "k0");
  ASSERT_TRUE(pool.take_best(&db, &key));
  EXPECT_EQ(key, "k1");
}

TEST_F(EvictDbTest, LfuPolicyCountsAccessesAndDecays) {
  access_.lfu = true;
  Entry* e = put("k");
  EXPECT_EQ(db_.lfu_counter(*e), lfu::kInitCounter);
  for (int i = 0; i < 200; i++) db_.lookup_read("k");
  const uint32_t hot = db_.lfu_counter(*db_.peek("k"));
  EXPECT_GT(hot, lfu::kInitCounter + 2);
  // Read-only inspection (OBJECT) leaves it alone.
  db_.lookup_read_notouch("k");
  EXPECT_EQ(db_.lfu_counter(*db_.peek("k")), hot);
  // A new value under the key keeps the count (Redis's dbSetValue).
  db_.set(Entry::make_string("k", "other"), false);
  EXPECT_EQ(db_.lfu_counter(*db_.peek("k")), hot);
  // Three idle minutes at decay time 1: three less.
  now_ += 3 * 60'000;
  EXPECT_EQ(db_.lfu_counter(*db_.peek("k")), hot - 3);
  // Back to LRU: lookups stamp the clock again.
  access_.lfu = false;
  db_.lookup_read("k");
  EXPECT_EQ(db_.peek("k")->lru(), db_.lru_clock());
}

// ---- used_memory ----

TEST(UsedMemoryTest, FollowsAllocationsAcrossCountedThreads) {
  if (std::string(allocator_name()).rfind("jemalloc", 0) != 0)
    GTEST_SKIP() << "per-thread counters need jemalloc (" << allocator_name() << " linked)";
  constexpr size_t kBlock = 4 << 20;
  const size_t base = used_memory();
  void* volatile block = std::malloc(kBlock);
  std::memset(block, 1, kBlock);
  EXPECT_GE(used_memory(), base + kBlock);
  std::free(block);
  EXPECT_LT(used_memory(), base + kBlock);
  // Allocated on a counted thread that then ends, freed here: counted, then gone.
  const size_t before = used_memory();
  void* from_thread = nullptr;
  std::thread t([&] {
    const CountedThread counted;
    from_thread = std::malloc(kBlock);
  });
  t.join();
  EXPECT_GE(used_memory(), before + kBlock);
  std::free(from_thread);
  EXPECT_LT(used_memory(), before + kBlock / 2);
}

}  // namespace
}  // namespace rkv::store

// Choosing keys to evict under maxmemory: Redis 7.0's approximated LRU / LFU / TTL and
// random policies, built on sampling (our own code from evict.c's description).
//
// Nothing here tracks keys in order of age: every eviction samples maxmemory-samples keys
// per database (Db::sample_keys, a run of neighbouring buckets), scores them (higher:
// evict sooner) and offers them to a pool of the 16 best candidates seen so far across
// all databases; the best candidate still present is evicted. The pool lives on between
// evictions, so the candidates sharpen as sampling goes on: with 5 samples Redis's
// approximation is close to true LRU, with 10 nearly exact. The server runs the loop
// (server/evict.cc); this file holds what does not need the server. Not thread-safe.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "store/db.h"

namespace rkv::store {

enum class EvictPolicy : uint8_t {
  kNoEviction,
  kAllkeysLru,
  kVolatileLru,
  kAllkeysLfu,
  kVolatileLfu,
  kAllkeysRandom,
  kVolatileRandom,
  kVolatileTtl,
};
// maxmemory-policy's value ("allkeys-lru"...); nullopt for anything else.
std::optional<EvictPolicy> parse_evict_policy(std::string_view name);
inline bool is_lfu(EvictPolicy p) {
  return p == EvictPolicy::kAllkeysLfu || p == EvictPolicy::kVolatileLfu;
}
// Whether the policy picks among every key (else only among keys with a TTL).
inline bool evicts_allkeys(EvictPolicy p) {
  return p == EvictPolicy::kAllkeysLru || p == EvictPolicy::kAllkeysLfu ||
         p == EvictPolicy::kAllkeysRandom;
}
// Whether the policy ranks candidates through the pool (else it picks at random).
inline bool uses_pool(EvictPolicy p) {
  return p != EvictPolicy::kNoEviction && p != EvictPolicy::kAllkeysRandom &&
         p != EvictPolicy::kVolatileRandom;
}

// How much a policy wants a key gone: LRU, idle milliseconds (the clock has seconds);
// LFU, 255 minus the decayed counter; TTL, the sooner it expires the higher.
// lru_clock / lfu_minutes: the current clocks (Db::lru_clock, lfu::minutes).
uint64_t eviction_score(EvictPolicy policy, uint32_t entry_bits, int64_t expire_ms,
                        uint32_t lru_clock, uint32_t lfu_minutes, int lfu_decay_time);

// The best candidates so far (Redis's EVPOOL_SIZE 16), ordered by score. Keys are copies,
// since a candidate may be deleted or replaced before its turn: the taker looks it up
// again and skips it when it is gone. Each slot's string keeps its capacity (255 bytes
// reserved up front, as Redis caches its sds), so steady sampling allocates nothing.
class EvictionPool {
 public:
  static constexpr size_t kSize = 16;
  static constexpr size_t kReservedKeyBytes = 255;

  EvictionPool();

  // Keeps the candidate if the pool has room or it beats the lowest score; the lowest is
  // then dropped. A key already in the pool (same db) takes the new score. tag: the sampled
  // entry's address, so that only a candidate with the same one is compared by name (keys
  // of equal length would otherwise cost a memcmp per slot).
  void offer(uint64_t score, int db, std::string_view key, const void* tag = nullptr);
  // Takes the highest-scored candidate out of the pool into *db and *key. False when the
  // pool is empty.
  bool take_best(int* db, std::string* key);
  size_t size() const { return n_; }
  void clear() { n_ = 0; }
  // Candidate i in ascending score order (tests).
  uint64_t score_at(size_t i) const { return slots_[order_[i]].score; }
  std::string_view key_at(size_t i) const { return slots_[order_[i]].key; }

 private:
  struct Slot {
    uint64_t score = 0;
    const void* tag = nullptr;
    int db = 0;
    std::string key;
  };
  // Slots stay where they are; the order is kept in a byte array, so inserting in the
  // middle moves a few bytes, not strings. order_[0, n_): the candidates by ascending
  // score; order_[n_, kSize): the free slots.
  std::array<Slot, kSize> slots_;
  std::array<uint8_t, kSize> order_;
  size_t n_ = 0;
};

// Samples `samples` keys of db (only the volatile ones for volatile-* policies), scores
// them for policy and offers them to pool. REQUIRES: uses_pool(policy).
void populate_pool(Db& db, EvictPolicy policy, size_t samples, int lfu_decay_time,
                   EvictionPool& pool);

}  // namespace rkv::store

#include "store/evict.h"

#include <algorithm>
#include <limits>

namespace rkv::store {

std::optional<EvictPolicy> parse_evict_policy(std::string_view name) {
  static constexpr std::pair<std::string_view, EvictPolicy> kNames[] = {
      {"noeviction", EvictPolicy::kNoEviction},
      {"allkeys-lru", EvictPolicy::kAllkeysLru},
      {"volatile-lru", EvictPolicy::kVolatileLru},
      {"allkeys-lfu", EvictPolicy::kAllkeysLfu},
      {"volatile-lfu", EvictPolicy::kVolatileLfu},
      {"allkeys-random", EvictPolicy::kAllkeysRandom},
      {"volatile-random", EvictPolicy::kVolatileRandom},
      {"volatile-ttl", EvictPolicy::kVolatileTtl},
  };
  for (const auto& [n, p] : kNames)
    if (n == name) return p;
  return std::nullopt;
}

uint64_t eviction_score(EvictPolicy policy, uint32_t entry_bits, int64_t expire_ms,
                        uint32_t lru_clock, uint32_t lfu_minutes, int lfu_decay_time) {
  switch (policy) {
    case EvictPolicy::kAllkeysLru:
    case EvictPolicy::kVolatileLru: {
      // The 24-bit clock wraps every 194 days (Redis's LRU_CLOCK_MAX arithmetic).
      constexpr uint32_t kLruMax = (1u << 24) - 1;
      const uint64_t idle_s =
          lru_clock >= entry_bits ? lru_clock - entry_bits : lru_clock + (kLruMax - entry_bits);
      return idle_s * 1000;
    }
    case EvictPolicy::kAllkeysLfu:
    case EvictPolicy::kVolatileLfu:
      return lfu::kMaxCounter - lfu::decayed(entry_bits, lfu_minutes, lfu_decay_time);
    case EvictPolicy::kVolatileTtl:
      return std::numeric_limits<uint64_t>::max() - static_cast<uint64_t>(expire_ms);
    default:
      return 0;
  }
}

EvictionPool::EvictionPool() {
  for (Slot& s : slots_) s.key.reserve(kReservedKeyBytes);
}

void EvictionPool::offer(uint64_t score, int db, std::string_view key) {
  // Sampling can meet a key twice (pool kept between evictions): one slot per key.
  for (size_t i = 0; i < n_; i++) {
    if (slots_[i].db == db && slots_[i].key == key) {
      std::rotate(slots_.begin() + static_cast<ptrdiff_t>(i),
                  slots_.begin() + static_cast<ptrdiff_t>(i) + 1,
                  slots_.begin() + static_cast<ptrdiff_t>(n_));
      n_--;
      break;
    }
  }
  // k: how many candidates score lower than this one.
  size_t k = 0;
  while (k < n_ && slots_[k].score < score) k++;
  size_t at;
  if (n_ < kSize) {
    // Open a slot at k: the unused slot n_ (with its reserved buffer) moves there.
    std::rotate(slots_.begin() + static_cast<ptrdiff_t>(k),
                slots_.begin() + static_cast<ptrdiff_t>(n_),
                slots_.begin() + static_cast<ptrdiff_t>(n_) + 1);
    n_++;
    at = k;
  } else {
    if (k == 0) return;  // no better than the worst of a full pool
    // Drop the lowest (slot 0) and slide [1, k) down: its buffer takes the new key.
    std::rotate(slots_.begin(), slots_.begin() + 1, slots_.begin() + static_cast<ptrdiff_t>(k));
    at = k - 1;
  }
  Slot& s = slots_[at];
  s.score = score;
  s.db = db;
  s.key.assign(key);
}

bool EvictionPool::take_best(int* db, std::string* key) {
  if (n_ == 0) return false;
  Slot& s = slots_[--n_];
  *db = s.db;
  key->assign(s.key);
  return true;
}

void populate_pool(Db& db, EvictPolicy policy, size_t samples, int lfu_decay_time,
                   EvictionPool& pool) {
  const uint32_t lru_clock = db.lru_clock();
  const uint32_t minutes = lfu::minutes(db.now_ms());
  auto offer = [&](const Entry& e, int64_t expire_ms) {
    pool.offer(eviction_score(policy, e.lru(), expire_ms, lru_clock, minutes, lfu_decay_time),
               db.id(), e.key());
  };
  if (evicts_allkeys(policy))
    db.sample_keys(samples, [&](const Entry& e) { offer(e, -1); });
  else
    db.sample_volatile(samples, offer);
}

}  // namespace rkv::store

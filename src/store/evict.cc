#include "store/evict.h"

#include <cstring>
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
  for (size_t i = 0; i < kSize; i++) {
    slots_[i].key.reserve(kReservedKeyBytes);
    order_[i] = static_cast<uint8_t>(i);
  }
}

void EvictionPool::offer(uint64_t score, int db, std::string_view key, const void* tag) {
  // Most samples of a warm pool lose to all 16 candidates: out before anything else.
  if (n_ == kSize && score <= slots_[order_[0]].score) return;
  auto* order = order_.data();
  // Sampling can meet a key twice (pool kept between evictions): one slot per key.
  for (size_t i = 0; i < n_; i++) {
    const Slot& s = slots_[order[i]];
    if (s.tag == tag && s.db == db && s.key == key) {
      const uint8_t freed = order[i];
      std::memmove(order + i, order + i + 1, n_ - i - 1);
      order[--n_] = freed;
      break;
    }
  }
  // k: how many candidates score lower than this one.
  size_t k = 0;
  while (k < n_ && slots_[order[k]].score < score) k++;
  uint8_t at;
  if (n_ < kSize) {
    // Take the first free slot and open a place for it at k.
    at = order[n_];
    std::memmove(order + k + 1, order + k, n_ - k);
    order[k] = at;
    n_++;
  } else {
    // Full, and better than the worst (k >= 1, see the top): the worst's slot is reused,
    // the candidates below k slide down one place.
    at = order[0];
    std::memmove(order, order + 1, k - 1);
    order[k - 1] = at;
  }
  Slot& s = slots_[at];
  s.score = score;
  s.tag = tag;
  s.db = db;
  s.key.assign(key);
}

bool EvictionPool::take_best(int* db, std::string* key) {
  if (n_ == 0) return false;
  const Slot& s = slots_[order_[--n_]];  // its index stays at order_[n_]: free again
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
               db.id(), e.key(), &e);
  };
  if (evicts_allkeys(policy))
    db.sample_keys(samples, [&](const Entry& e) { offer(e, -1); });
  else
    db.sample_volatile(samples, offer);
}

}  // namespace rkv::store

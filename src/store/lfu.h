// What an entry's 24 access bits (Entry::lru) hold, and the LFU counter's arithmetic.
//
// Under an LRU maxmemory-policy (or none) the bits are Redis's LRU clock: seconds, 24 bits,
// stamped on every access. Under an LFU policy they are, as in Redis,
//   last decrement time: minutes, 16 bits | access counter: 8 bits
// where the counter grows logarithmically (the more accesses it has counted, the less
// likely the next one bumps it, scaled by lfu-log-factor) and loses one per
// lfu-decay-time minutes without access. New keys start at kInitCounter so they are not
// the first evicted. The policy can change at run time: bits written under the other
// scheme are then read as if they were of this one until each key is accessed again, as
// in Redis (bounded garbage, never a crash).
#pragma once

#include <cstdint>

namespace rkv::store {

// How lookups stamp Entry::lru; the server owns one and every Db reads it.
struct AccessPolicy {
  bool lfu = false;
  int lfu_log_factor = 10;
  int lfu_decay_time = 1;  // minutes per counter decrement; 0: the counter never decays
};

namespace lfu {

inline constexpr uint32_t kInitCounter = 5;  // LFU_INIT_VAL
inline constexpr uint32_t kMaxCounter = 255;

// The 16-bit minute clock (wraps every 45 days).
inline uint32_t minutes(int64_t now_ms) {
  return static_cast<uint32_t>(now_ms / 60000) & 0xffff;
}
// Minutes from `then` to `now` on that clock (Redis's wrap arithmetic, 65535 included).
inline uint32_t elapsed(uint32_t then, uint32_t now) {
  return now >= then ? now - then : 65535 - then + now;
}
inline uint32_t pack(uint32_t minutes, uint32_t counter) {
  return (minutes & 0xffff) << 8 | (counter & 0xff);
}
inline uint32_t time_of(uint32_t bits) {
  return bits >> 8 & 0xffff;
}
inline uint32_t counter_of(uint32_t bits) {
  return bits & 0xff;
}

// The counter once decay is applied: one less per decay_time minutes since the last
// decrement, not below 0 (what OBJECT FREQ reports and eviction ranks by).
inline uint32_t decayed(uint32_t bits, uint32_t now_minutes, int decay_time) {
  const uint32_t counter = counter_of(bits);
  if (decay_time <= 0) return counter;
  const uint32_t periods = elapsed(time_of(bits), now_minutes) / static_cast<uint32_t>(decay_time);
  return periods >= counter ? 0 : counter - periods;
}

// One access: a counter c grows by one with probability 1 / ((c - 5) * log_factor + 1)
// (certainly up to 5), never past 255. r is uniform in [0, 1).
inline uint32_t log_incr(uint32_t counter, int log_factor, double r) {
  if (counter >= kMaxCounter) return kMaxCounter;
  const double base = counter > kInitCounter ? static_cast<double>(counter - kInitCounter) : 0.0;
  const double p = 1.0 / (base * log_factor + 1);
  return r < p ? counter + 1 : counter;
}

// The bits after one access at now_minutes: decay, then a logarithmic increment.
inline uint32_t on_access(uint32_t bits, uint32_t now_minutes, const AccessPolicy& policy,
                          double r) {
  const uint32_t counter = decayed(bits, now_minutes, policy.lfu_decay_time);
  return pack(now_minutes, log_incr(counter, policy.lfu_log_factor, r));
}

}  // namespace lfu
}  // namespace rkv::store

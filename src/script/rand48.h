// Rand48: the POSIX drand48 family's 48-bit linear congruential generator, which Redis
// uses (its own copy, rand.c) behind Lua's math.random so that a script draws the same
// numbers on every platform: X(n+1) = (0x5DEECE66D * X(n) + 0xB) mod 2^48.
//
// Redis 7.0 keeps one generator for the life of the process: it starts from the POSIX
// initial state (0x1234ABCD330E), is not reset between scripts, and math.randomseed(s)
// reseeds it (high 32 bits s, low 16 bits 0x330E) for every script that follows.
#pragma once

#include <cstdint>

namespace rkv::script {

class Rand48 {
 public:
  static constexpr int32_t kMax = INT32_MAX;  // REDIS_LRAND48_MAX: the divisor math.random uses

  // srand48: the seed's 32 bits above the fixed low half 0x330E.
  void seed(int32_t s) { x_ = (static_cast<uint64_t>(static_cast<uint32_t>(s)) << 16) | 0x330E; }
  // lrand48: the next state's top 31 bits, in [0, 2^31).
  int32_t next() {
    x_ = (kA * x_ + kC) & kMask;
    return static_cast<int32_t>(x_ >> 17);
  }
  // What math.random() returns without arguments: a number in [0, 1).
  double next_unit() { return static_cast<double>(next() % kMax) / static_cast<double>(kMax); }

 private:
  static constexpr uint64_t kA = 0x5DEECE66DULL;
  static constexpr uint64_t kC = 0xB;
  static constexpr uint64_t kMask = (1ULL << 48) - 1;
  uint64_t x_ = 0x1234ABCD330EULL;
};

}  // namespace rkv::script

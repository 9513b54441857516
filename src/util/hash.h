// The keyspace hash: a seeded 64-bit hash over bytes.
//
// Seeded once per process from the OS so that attackers cannot precompute colliding
// keys (Redis uses SipHash for the same reason). The mixing is a 64x64->128 multiply
// fold, which is several times cheaper than SipHash on short keys.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace rkv {

void hash_set_seed(uint64_t seed);
uint64_t hash_seed();

namespace detail {
inline uint64_t mix(uint64_t a, uint64_t b) {
  __uint128_t r = static_cast<__uint128_t>(a) * b;
  return static_cast<uint64_t>(r) ^ static_cast<uint64_t>(r >> 64);
}
inline uint64_t load64(const char* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}
inline uint64_t load32(const char* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}
}  // namespace detail

inline uint64_t hash_bytes(const char* p, size_t n, uint64_t seed) {
  using detail::load32;
  using detail::load64;
  using detail::mix;
  constexpr uint64_t k0 = 0xa0761d6478bd642full, k1 = 0xe7037ed1a0b428dbull,
                     k2 = 0x8ebc6af09c88c6e3ull;
  uint64_t h = seed ^ k0;
  uint64_t a, b;
  if (n <= 16) {
    if (n >= 4) {
      a = (load32(p) << 32) | load32(p + ((n >> 3) << 2));
      b = (load32(p + n - 4) << 32) | load32(p + n - 4 - ((n >> 3) << 2));
    } else if (n > 0) {
      a = (static_cast<uint64_t>(static_cast<uint8_t>(p[0])) << 16) |
          (static_cast<uint64_t>(static_cast<uint8_t>(p[n >> 1])) << 8) |
          static_cast<uint8_t>(p[n - 1]);
      b = 0;
    } else {
      a = b = 0;
    }
  } else {
    size_t i = n;
    while (i > 16) {
      h = mix(load64(p) ^ k1, load64(p + 8) ^ h);
      p += 16;
      i -= 16;
    }
    a = load64(p + i - 16);
    b = load64(p + i - 8);
  }
  return mix(k1 ^ n, mix(a ^ k1, b ^ h) ^ k2);
}

inline uint64_t hash_bytes(std::string_view s) {
  return hash_bytes(s.data(), s.size(), hash_seed());
}

// Hasher for standard containers keyed by client-chosen strings: the process's seeded
// hash (no precomputed collisions), transparent so a string_view finds a std::string key
// without building one (with std::equal_to<>).
struct SeededStringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const noexcept {
    return static_cast<size_t>(hash_bytes(s));
  }
};

}  // namespace rkv

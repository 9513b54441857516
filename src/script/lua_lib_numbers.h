// Conversions of Lua numbers (doubles) to narrower machine types with the results Redis's
// C libraries get on x86-64. Out of range, these conversions are undefined behaviour in C,
// but gcc's instructions give fixed answers there (cvttsd2si: 0x8000000000000000;
// cvtsd2ss: round to nearest, overflow to infinity) and scripts can observe them through
// cmsgpack and struct. Spelled out so that our build is free of undefined behaviour and
// answers the same on every target.
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>

namespace rkv::script {

inline constexpr double kTwo63 = 9223372036854775808.0;

// (int64_t)d: truncation toward zero; NaN and anything outside [-2^63, 2^63) give INT64_MIN.
inline int64_t lua_number_to_int64(double d) {
  if (std::isnan(d) || d < -kTwo63 || d >= kTwo63) return std::numeric_limits<int64_t>::min();
  return static_cast<int64_t>(d);
}

// (uint64_t)d as gcc compiles it: below 2^63 the signed conversion (negatives wrap, NaN
// gives 2^63); from 2^63 on, the signed conversion of d - 2^63 with the top bit flipped,
// which is d itself below 2^64 and 0 beyond.
inline uint64_t lua_number_to_uint64(double d) {
  if (!(d >= kTwo63)) return static_cast<uint64_t>(lua_number_to_int64(d));
  return static_cast<uint64_t>(lua_number_to_int64(d - kTwo63)) ^ (uint64_t{1} << 63);
}

// (float)d, rounding to nearest: a finite double beyond the float range becomes FLT_MAX
// up to half a float ulp past it and infinity from there (the tie rounds to "even", 2^128).
inline float lua_number_to_float(double d) {
  constexpr double kMax = std::numeric_limits<float>::max();
  constexpr double kOverflow = kMax + 0x1p103;
  constexpr float kInf = std::numeric_limits<float>::infinity();
  if (std::isnan(d)) return static_cast<float>(d);
  if (d >= kOverflow) return kInf;
  if (d <= -kOverflow) return -kInf;
  if (d > kMax) return std::numeric_limits<float>::max();
  if (d < -kMax) return -std::numeric_limits<float>::max();
  return static_cast<float>(d);
}

}  // namespace rkv::script

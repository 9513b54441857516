#include "store/bitops.h"

#include <cstring>

namespace rkv::store::bits {
namespace {

uint64_t load64(const uint8_t* p) {
  uint64_t v;
  std::memcpy(&v, p, sizeof(v));
  return v;
}

// Bit positions are big-endian within a byte: bit 0 is 0x80. These masks keep the bits
// of one byte from position `from` (0..7) on, and up to position `to` (0..7) included.
uint8_t mask_from(uint64_t from) {
  return static_cast<uint8_t>(0xff >> (from & 7));
}
uint8_t mask_to(uint64_t to) {
  return static_cast<uint8_t>(0xff << (7 - (to & 7)));
}

// The builtin compiles to one POPCNT instruction only when the target has it; the x86-64
// baseline does not, so on Linux an ifunc picks the POPCNT clone on CPUs that have it.
#if defined(__x86_64__) && defined(__linux__)
#define RKV_POPCNT_CLONES __attribute__((target_clones("popcnt", "default")))
#else
#define RKV_POPCNT_CLONES
#endif

RKV_POPCNT_CLONES uint64_t popcount_words(const uint8_t* p, size_t n) {
  // Four independent accumulators keep the adds off one dependency chain.
  uint64_t c0 = 0, c1 = 0, c2 = 0, c3 = 0;
  size_t i = 0;
  for (; i + 32 <= n; i += 32) {
    c0 += static_cast<uint64_t>(__builtin_popcountll(load64(p + i)));
    c1 += static_cast<uint64_t>(__builtin_popcountll(load64(p + i + 8)));
    c2 += static_cast<uint64_t>(__builtin_popcountll(load64(p + i + 16)));
    c3 += static_cast<uint64_t>(__builtin_popcountll(load64(p + i + 24)));
  }
  for (; i + 8 <= n; i += 8) c0 += static_cast<uint64_t>(__builtin_popcountll(load64(p + i)));
  for (; i < n; i++) c0 += static_cast<uint64_t>(__builtin_popcount(p[i]));
  return c0 + c1 + c2 + c3;
}

}  // namespace

uint64_t popcount(const uint8_t* p, size_t n) {
  return popcount_words(p, n);
}

uint64_t count_range(const uint8_t* p, uint64_t first, uint64_t last) {
  const uint64_t fb = first >> 3, lb = last >> 3;
  if (fb == lb)
    return static_cast<uint64_t>(__builtin_popcount(p[fb] & mask_from(first) & mask_to(last)));
  uint64_t n = static_cast<uint64_t>(__builtin_popcount(p[fb] & mask_from(first)));
  n += popcount(p + fb + 1, lb - fb - 1);
  n += static_cast<uint64_t>(__builtin_popcount(p[lb] & mask_to(last)));
  return n;
}

int64_t find_bit(const uint8_t* p, uint64_t first, uint64_t last, bool bit) {
  // Search for a 1 in the bytes complemented when looking for a 0.
  const uint8_t flip = bit ? 0 : 0xff;
  const uint64_t flip_word = bit ? 0 : ~uint64_t{0};
  const uint64_t fb = first >> 3, lb = last >> 3;
  auto position = [](uint64_t byte, uint8_t v) {
    return static_cast<int64_t>(byte * 8 + static_cast<uint64_t>(__builtin_clz(v) - 24));
  };
  auto v = static_cast<uint8_t>((p[fb] ^ flip) & mask_from(first));
  if (fb == lb) {
    v &= mask_to(last);
    return v ? position(fb, v) : -1;
  }
  if (v) return position(fb, v);
  // Whole bytes between the edges: skip 32, then 8 at a time while nothing is found.
  uint64_t i = fb + 1;
  while (i + 32 <= lb) {
    const uint64_t any = (load64(p + i) ^ flip_word) | (load64(p + i + 8) ^ flip_word) |
                         (load64(p + i + 16) ^ flip_word) | (load64(p + i + 24) ^ flip_word);
    if (any) break;
    i += 32;
  }
  while (i + 8 <= lb && load64(p + i) == flip_word) i += 8;
  for (; i < lb; i++) {
    v = static_cast<uint8_t>(p[i] ^ flip);
    if (v) return position(i, v);
  }
  v = static_cast<uint8_t>((p[lb] ^ flip) & mask_to(last));
  return v ? position(lb, v) : -1;
}

namespace {

// Nine bytes from byte `at` (big-endian, zeros past n) hold any 64-bit field starting in
// the first of them.
__uint128_t load_window(const uint8_t* p, size_t n, uint64_t at, unsigned bytes) {
  __uint128_t acc = 0;
  for (unsigned i = 0; i < bytes; i++) {
    acc <<= 8;
    if (at + i < n) acc |= p[at + i];
  }
  return acc;
}

uint64_t width_mask(unsigned width) {
  return width >= 64 ? ~uint64_t{0} : (uint64_t{1} << width) - 1;
}

}  // namespace

uint64_t get_field(std::string_view s, uint64_t offset, unsigned width) {
  const uint64_t at = offset >> 3;
  const unsigned shift = offset & 7;
  const auto* p = reinterpret_cast<const uint8_t*>(s.data());
  __uint128_t acc = load_window(p, s.size(), at, 9);
  return static_cast<uint64_t>(acc >> (72 - shift - width)) & width_mask(width);
}

int64_t get_signed_field(std::string_view s, uint64_t offset, unsigned width) {
  uint64_t u = get_field(s, offset, width);
  if (width < 64 && (u >> (width - 1)) & 1) u |= ~width_mask(width);
  return static_cast<int64_t>(u);
}

void set_field(uint8_t* p, uint64_t offset, unsigned width, uint64_t value) {
  const uint64_t at = offset >> 3;
  const unsigned shift = offset & 7;
  const unsigned bytes = (shift + width + 7) / 8;
  const unsigned low = bytes * 8 - shift - width;  // bits after the field in the window
  __uint128_t acc = load_window(p, at + bytes, at, bytes);
  const __uint128_t field = static_cast<__uint128_t>(width_mask(width)) << low;
  acc = (acc & ~field) | (static_cast<__uint128_t>(value & width_mask(width)) << low);
  for (unsigned i = bytes; i-- > 0;) {
    p[at + i] = static_cast<uint8_t>(acc);
    acc >>= 8;
  }
}

bool add_unsigned(uint64_t value, int64_t incr, unsigned width, Overflow mode, uint64_t* out) {
  const uint64_t max = width_mask(width);
  const __int128_t sum = static_cast<__int128_t>(value) + incr;
  const bool up = value > max || sum > static_cast<__int128_t>(max);
  const bool down = !up && sum < 0;
  if (!up && !down) {
    *out = static_cast<uint64_t>(sum);
    return false;
  }
  if (mode == Overflow::kSat)
    *out = up ? max : 0;
  else
    *out = (value + static_cast<uint64_t>(incr)) & max;
  return true;
}

bool add_signed(int64_t value, int64_t incr, unsigned width, Overflow mode, int64_t* out) {
  const int64_t max = static_cast<int64_t>(width_mask(width - 1));
  const int64_t min = -max - 1;
  const __int128_t sum = static_cast<__int128_t>(value) + incr;
  bool up = sum > max;
  bool down = sum < min;
  if (!up && !down) {
    *out = static_cast<int64_t>(sum);
    return false;
  }
  // Redis picks the direction by comparing incr with max - value in wrapping 64-bit
  // arithmetic. For a value so far below the field that the difference wraps (only a SET
  // argument can be), it reports an overflow upwards: SAT then stores max, not min.
  if (down && width < 64 && ((static_cast<uint64_t>(max) - static_cast<uint64_t>(value)) >> 63)) {
    up = true;
    down = false;
  }
  if (mode == Overflow::kSat) {
    *out = up ? max : min;
  } else {
    uint64_t c = static_cast<uint64_t>(value) + static_cast<uint64_t>(incr);
    if (width < 64) {
      if ((c >> (width - 1)) & 1)
        c |= ~width_mask(width);
      else
        c &= width_mask(width);
    }
    *out = static_cast<int64_t>(c);
  }
  return true;
}

namespace {

// out[0..n) op= src[0..n), eight bytes at a time where it can.
template <typename Combine>
void combine_into(uint8_t* out, const uint8_t* src, size_t n, Combine combine) {
  size_t j = 0;
  for (; j + 8 <= n; j += 8) {
    const uint64_t w = combine(load64(out + j), load64(src + j));
    std::memcpy(out + j, &w, sizeof(w));
  }
  for (; j < n; j++) out[j] = static_cast<uint8_t>(combine(out[j], src[j]));
}

}  // namespace

void bitop(Op op, std::span<const std::string_view> srcs, uint8_t* out, size_t len) {
  // One streaming pass per source: out starts as the first source (zero-padded), then
  // each further source is folded in over its own length. Past a source's end its bytes
  // are zeros: AND clears the rest, OR and XOR leave it.
  const std::string_view first = srcs[0];
  if (!first.empty()) std::memcpy(out, first.data(), first.size());
  std::memset(out + first.size(), 0, len - first.size());
  if (op == Op::kNot) {
    combine_into(out, out, len, [](uint64_t a, uint64_t) { return ~a; });
    return;
  }
  for (size_t i = 1; i < srcs.size(); i++) {
    const auto* src = reinterpret_cast<const uint8_t*>(srcs[i].data());
    const size_t n = srcs[i].size();
    if (op == Op::kAnd) {
      combine_into(out, src, n, [](uint64_t a, uint64_t b) { return a & b; });
      std::memset(out + n, 0, len - n);
    } else if (op == Op::kOr) {
      combine_into(out, src, n, [](uint64_t a, uint64_t b) { return a | b; });
    } else {
      combine_into(out, src, n, [](uint64_t a, uint64_t b) { return a ^ b; });
    }
  }
}

}  // namespace rkv::store::bits

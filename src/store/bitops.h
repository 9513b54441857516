// Bit-level helpers for string values used as bitmaps (SETBIT GETBIT BITCOUNT BITPOS BITOP
// BITFIELD).
//
// Bits are numbered as Redis numbers them: bit 0 is the most significant bit of byte 0,
// so a bitfield reads its bits big-endian across byte boundaries. Ranges are inclusive
// bit positions. Pure functions over caller-owned bytes; thread-compatible.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace rkv::store::bits {

// Set bits in p[0..n).
uint64_t popcount(const uint8_t* p, size_t n);

// Set bits among bit positions [first, last]. REQUIRES: first <= last < 8 * size of p.
uint64_t count_range(const uint8_t* p, uint64_t first, uint64_t last);

// The first position in [first, last] holding `bit`, or -1.
// REQUIRES: first <= last < 8 * size of p.
int64_t find_bit(const uint8_t* p, uint64_t first, uint64_t last, bool bit);

inline bool get_bit(const uint8_t* p, uint64_t pos) {
  return (p[pos >> 3] >> (7 - (pos & 7))) & 1;
}
inline void set_bit(uint8_t* p, uint64_t pos, bool on) {
  const auto mask = static_cast<uint8_t>(0x80 >> (pos & 7));
  if (on)
    p[pos >> 3] |= mask;
  else
    p[pos >> 3] &= static_cast<uint8_t>(~mask);
}

// The unsigned field of `width` bits (1..64) at bit `offset` of s; bytes past the end of
// s read as zeros (BITFIELD GET beyond the string).
uint64_t get_field(std::string_view s, uint64_t offset, unsigned width);
// The same field read as two's complement.
int64_t get_signed_field(std::string_view s, uint64_t offset, unsigned width);
// Writes the low `width` bits of value at bit `offset`.
// REQUIRES: p holds at least (offset + width + 7) / 8 bytes.
void set_field(uint8_t* p, uint64_t offset, unsigned width, uint64_t value);

// BITFIELD's OVERFLOW modes.
enum class Overflow { kWrap, kSat, kFail };

// value + incr for a field of `width` bits. Returns true on overflow; *out is then the
// wrapped or saturated result (unused for kFail), else the plain sum.
// Unsigned fields: width 1..63; value may exceed the field (a SET argument) and then
// always overflows.
bool add_unsigned(uint64_t value, int64_t incr, unsigned width, Overflow mode, uint64_t* out);
// Signed fields: width 1..64.
bool add_signed(int64_t value, int64_t incr, unsigned width, Overflow mode, int64_t* out);

enum class Op { kAnd, kOr, kXor, kNot };

// out[0..len) = op over srcs, a source shorter than len reading as zero bytes past its end
// (so AND with a missing key gives zeros). kNot takes srcs[0] only.
// REQUIRES: len is the longest source's size; out does not alias a source.
void bitop(Op op, std::span<const std::string_view> srcs, uint8_t* out, size_t len);

}  // namespace rkv::store::bits

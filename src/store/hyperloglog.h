// HyperLogLog over a string value, in Redis's representation byte for byte, so a value
// written by redis-server (GET there, SET here) reads the same here and back.
//
// Layout (all integers little-endian):
//   "HYLL" | encoding (0 dense, 1 sparse) | 3 zero bytes | cached cardinality (8 bytes,
//   the top bit of the last byte set = stale) | registers
// 16384 registers (P = 14) hold the longest run of zeros + 1 seen in the hash bits above
// the index (1..51). Dense: 6 bits each, packed from the least significant bit of each
// byte, 12288 bytes. Sparse: run-length opcodes
//   ZERO  00xxxxxx           1..64 zero registers
//   XZERO 01xxxxxx yyyyyyyy  1..16384 zero registers (14-bit length - 1)
//   VAL   1vvvvvxx           1..4 registers of value 1..32
// A sparse value turns dense when a register needs more than 32 or an update would make
// it longer than hll-sparse-max-bytes. The edits of the sparse form (where a run splits,
// which neighbours merge) are the ones Redis makes, because the resulting bytes are
// visible to GET.
//
// Elements are hashed with MurmurHash64A, seed 0xadc83b19; the estimate is Ertl's
// improved estimator ("New cardinality estimation algorithms for HyperLogLog sketches",
// arXiv:1702.01284), as Redis 7 computes it.
//
// Pure functions over BlobString / bytes (no server state); not thread-safe per value.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "store/blob_string.h"

namespace rkv::store::hll {

inline constexpr int kP = 14;
inline constexpr uint32_t kRegisters = 1u << kP;
inline constexpr int kQ = 64 - kP;  // hash bits left for the run of zeros
inline constexpr unsigned kBits = 6;
inline constexpr uint8_t kRegisterMax = (1u << kBits) - 1;
inline constexpr size_t kHeaderSize = 16;
inline constexpr size_t kDenseSize = kHeaderSize + (kRegisters * kBits + 7) / 8;
inline constexpr uint8_t kDense = 0;
inline constexpr uint8_t kSparse = 1;
inline constexpr uint8_t kSparseValMax = 32;
inline constexpr uint64_t kSeed = 0xadc83b19ull;

uint64_t murmur_hash64a(const void* data, size_t len, uint64_t seed);

// Which register an element lands in and the value it offers (1..kQ+1).
struct Pattern {
  uint32_t index;
  uint8_t count;
};
Pattern pattern_of(std::string_view element);

// A new empty (sparse) HLL, as PFADD and PFMERGE create one: 18 bytes.
BlobString* create_empty();

// The checks Redis makes before treating a string as an HLL: at least a header, the
// magic, a known encoding, and exactly kDenseSize bytes when dense. The registers are
// only checked when read (kCorrupt results).
bool is_valid(std::string_view s);
inline uint8_t encoding_of(std::string_view s) {
  return static_cast<uint8_t>(s[4]);
}

bool cache_valid(std::string_view s);
uint64_t cached_cardinality(std::string_view s);
void set_cached_cardinality(char* hll, uint64_t card);  // also marks it valid
void invalidate_cache(char* hll);

enum class Update { kCorrupt = -1, kUnchanged = 0, kChanged = 1 };

// Raises register `index` to `count` if that is higher. *b may be reallocated (sparse
// growth) or replaced by a dense copy (promotion, which keeps the header). As in Redis,
// only an edit of the sparse form marks the cached cardinality stale: callers invalidate
// it after dense updates. REQUIRES: is_valid(*b).
Update set_register(BlobString** b, uint32_t index, uint8_t count, size_t sparse_max_bytes);
Update add(BlobString** b, std::string_view element, size_t sparse_max_bytes);
// Converts a sparse HLL to dense (keeping the header bytes). False, leaving *b as it was,
// when the sparse opcodes do not cover exactly kRegisters registers.
bool to_dense(BlobString** b);

// regs[i] = max(regs[i], register i of hll); regs holds kRegisters bytes.
// REQUIRES: is_valid(hll). False when a sparse hll is corrupt (regs may be partly updated).
bool merge_into(uint8_t* regs, std::string_view hll);

// The estimate for an HLL value; *invalid is set when its sparse opcodes are corrupt.
uint64_t estimate(std::string_view hll, bool* invalid);
// The estimate for kRegisters one-byte registers (PFCOUNT of several keys).
uint64_t estimate_registers(const uint8_t* regs);

// Dense registers, `regs` pointing just past the header.
uint8_t dense_get(const uint8_t* regs, uint32_t index);
void dense_set(uint8_t* regs, uint32_t index, uint8_t value);

// PFDEBUG DECODE's text for a sparse HLL: "z:N", "Z:N", "v:VALUE,N" separated by spaces.
std::string decode_sparse(std::string_view hll);

// PFSELFTEST: dense register packing, sparse and dense agreeing register for register,
// and the estimate's error at cardinalities 10..1,000,000 (fixed-seed elements).
// Returns "" when all pass, else what failed.
std::string self_test();

}  // namespace rkv::store::hll

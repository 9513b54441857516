#include "store/hyperloglog.h"

#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

namespace rkv::store::hll {
namespace {

constexpr uint8_t kZeroMaxLen = 64;
constexpr uint8_t kValMaxLen = 4;
constexpr double kAlphaInf = 0.721347520444481703680;  // 1 / (2 ln 2)
// Runs of zero bits are counted in [1, kQ + 1]; a 64-slot histogram holds any 6-bit
// register a corrupt dense value may contain.
constexpr int kHistogramSize = 64;

uint8_t* bytes(BlobString* b) {
  return reinterpret_cast<uint8_t*>(b->data());
}

// --- Sparse opcodes -------------------------------------------------------------------

enum class OpKind : uint8_t { kZero, kXzero, kVal };

struct Op {
  OpKind kind;
  uint8_t size;   // bytes of the opcode
  uint8_t value;  // VAL only
  uint32_t run;   // registers covered
};

// A truncated XZERO at the very end reads its second byte as zero, as Redis does (its
// strings end with a NUL).
Op read_op(const uint8_t* p, const uint8_t* end) {
  const uint8_t b = *p;
  if (b & 0x80) return {OpKind::kVal, 1, static_cast<uint8_t>(((b >> 2) & 0x1f) + 1), (b & 3u) + 1};
  if (b & 0x40) {
    const uint32_t low = p + 1 < end ? p[1] : 0;
    return {OpKind::kXzero, 2, 0, (((b & 0x3fu) << 8) | low) + 1};
  }
  return {OpKind::kZero, 1, 0, (b & 0x3fu) + 1};
}

uint8_t val_op(uint32_t value, uint32_t run) {
  return static_cast<uint8_t>(0x80 | ((value - 1) << 2) | (run - 1));
}

// Writes the shortest opcode for `run` zero registers; returns the byte after it.
uint8_t* put_zeros(uint8_t* out, uint32_t run) {
  if (run > kZeroMaxLen) {
    out[0] = static_cast<uint8_t>(0x40 | ((run - 1) >> 8));
    out[1] = static_cast<uint8_t>((run - 1) & 0xff);
    return out + 2;
  }
  out[0] = static_cast<uint8_t>(run - 1);
  return out + 1;
}

// After an edit, Redis looks at up to five opcodes from the one before the edited one and
// folds adjacent VALs of equal value into one while the run fits (at most 4).
void fold_runs(BlobString* b, uint8_t* from) {
  uint8_t* end = bytes(b) + b->size();
  uint8_t* p = from;
  for (int budget = 5; p < end && budget-- > 0;) {
    if (!(*p & 0x80)) {
      p += (*p & 0x40) ? 2 : 1;
      continue;
    }
    if (p + 1 < end && (p[1] & 0x80)) {
      const Op a = read_op(p, end), c = read_op(p + 1, end);
      if (a.value == c.value && a.run + c.run <= kValMaxLen) {
        p[1] = val_op(a.value, a.run + c.run);
        std::memmove(p, p + 1, static_cast<size_t>(end - p - 1));
        end--;
        b->set_size(b->size() - 1);
        continue;  // the folded opcode may fold again with the next one
      }
    }
    p++;
  }
}

// --- Registers ------------------------------------------------------------------------

// Four 6-bit registers fill three bytes exactly: group g holds registers 4g..4g+3 in the
// little-endian 24-bit word of bytes 3g..3g+2.
template <typename Fn>
void for_each_dense_register(const uint8_t* regs, Fn&& fn) {
  for (uint32_t g = 0; g < kRegisters / 4; g++) {
    const uint8_t* r = regs + 3 * g;
    const uint32_t w = r[0] | (uint32_t{r[1]} << 8) | (uint32_t{r[2]} << 16);
    fn(4 * g, static_cast<uint8_t>(w & 63));
    fn(4 * g + 1, static_cast<uint8_t>((w >> 6) & 63));
    fn(4 * g + 2, static_cast<uint8_t>((w >> 12) & 63));
    fn(4 * g + 3, static_cast<uint8_t>(w >> 18));
  }
}

// Walks sparse opcodes calling zeros(run) and val(first_register, value, run). Returns the
// registers covered, or -1 when a VAL would run past the last register (Redis stops
// there; ZERO runs past it only show in the total).
template <typename Zeros, typename Val>
int64_t walk_sparse(std::string_view hll, bool check_val_overflow, Zeros&& zeros, Val&& val) {
  const auto* p = reinterpret_cast<const uint8_t*>(hll.data()) + kHeaderSize;
  const auto* end = reinterpret_cast<const uint8_t*>(hll.data()) + hll.size();
  int64_t idx = 0;
  while (p < end) {
    const Op op = read_op(p, end);
    if (op.kind == OpKind::kVal) {
      if (check_val_overflow && idx + op.run > kRegisters) return -1;
      val(idx, op.value, op.run);
    } else {
      zeros(op.run);
    }
    idx += op.run;
    p += op.size;
  }
  return idx;
}

// Ertl's sigma and tau series, summed until the double stops changing.
double sigma(double x) {
  if (x == 1.0) return std::numeric_limits<double>::infinity();
  double y = 1, z = x, before;
  do {
    x *= x;
    before = z;
    z += x * y;
    y += y;
  } while (before != z);
  return z;
}

double tau(double x) {
  if (x == 0.0 || x == 1.0) return 0.0;
  double y = 1.0, z = 1 - x, before;
  do {
    x = std::sqrt(x);
    before = z;
    y *= 0.5;
    z -= std::pow(1 - x, 2) * y;
  } while (before != z);
  return z / 3;
}

// The estimate from the histogram of register values (C[k] registers hold k). The
// order of the floating-point operations is Redis's, so equal histograms give equal
// numbers on both servers.
uint64_t estimate_histogram(const int* histo) {
  const double m = kRegisters;
  double z = m * tau((m - histo[kQ + 1]) / m);
  for (int j = kQ; j >= 1; --j) {
    z += histo[j];
    z *= 0.5;
  }
  z += m * sigma(histo[0] / m);
  return static_cast<uint64_t>(std::llround(kAlphaInf * m * m / z));
}

Update promote(BlobString** b, uint32_t index, uint8_t count) {
  if (!to_dense(b)) return Update::kCorrupt;
  uint8_t* regs = bytes(*b) + kHeaderSize;
  if (dense_get(regs, index) < count) dense_set(regs, index, count);
  return Update::kChanged;
}

Update sparse_set(BlobString** bp, uint32_t index, uint8_t count, size_t sparse_max_bytes) {
  if (count > kSparseValMax) return promote(bp, index, count);
  // An edit grows the string by at most 3 bytes (XZERO -> XZERO VAL XZERO); make room
  // first so the pointers below stay valid.
  BlobString* b = *bp = BlobString::grow(*bp, 3);
  uint8_t* const ops = bytes(b) + kHeaderSize;
  uint8_t* end = bytes(b) + b->size();

  // Find the opcode covering the register.
  uint8_t* p = ops;
  uint8_t* prev = nullptr;
  uint64_t first = 0;
  bool found = false;
  while (p < end) {
    // The hot loop of a sparse update: opcode lengths only.
    const uint8_t c = *p;
    uint32_t run;
    unsigned size = 1;
    if (!(c & 0xc0)) {
      run = (c & 0x3fu) + 1;
    } else if (c & 0x80) {
      run = (c & 3u) + 1;
    } else {
      run = (((c & 0x3fu) << 8) | (p + 1 < end ? p[1] : 0u)) + 1;
      size = 2;
    }
    if (index < first + run) {
      found = true;
      break;
    }
    prev = p;
    p += size;
    first += run;
  }
  if (!found) return Update::kCorrupt;
  const Op op = read_op(p, end);
  if (p + op.size > end) return Update::kCorrupt;

  if (op.kind == OpKind::kVal && op.value >= count) return Update::kUnchanged;
  if (op.run == 1 && op.kind != OpKind::kXzero) {
    // A VAL or ZERO of one register becomes the new VAL in place.
    *p = val_op(count, 1);
  } else {
    // Split the run: [before] VAL(count) [after], keeping the old kind on both sides.
    uint8_t seq[5];
    uint8_t* n = seq;
    const uint64_t last = first + op.run - 1;
    const auto before = static_cast<uint32_t>(index - first);
    const auto after = static_cast<uint32_t>(last - index);
    if (op.kind == OpKind::kVal) {
      if (before) *n++ = val_op(op.value, before);
      *n++ = val_op(count, 1);
      if (after) *n++ = val_op(op.value, after);
    } else {
      if (before) n = put_zeros(n, before);
      *n++ = val_op(count, 1);
      if (after) n = put_zeros(n, after);
    }
    const auto seq_len = static_cast<size_t>(n - seq);
    const ptrdiff_t delta = static_cast<ptrdiff_t>(seq_len) - op.size;
    if (delta > 0 && b->size() + static_cast<size_t>(delta) > sparse_max_bytes)
      return promote(bp, index, count);
    uint8_t* next = p + op.size;
    if (delta != 0 && next < end) std::memmove(next + delta, next, static_cast<size_t>(end - next));
    b->set_size(static_cast<size_t>(static_cast<ptrdiff_t>(b->size()) + delta));
    std::memcpy(p, seq, seq_len);
  }
  fold_runs(b, prev ? prev : ops);
  // A sparse edit marks the cache stale itself (a dense one leaves that to the caller);
  // visible when a later element of the same PFADD hits corruption.
  invalidate_cache(b->data());
  return Update::kChanged;
}

}  // namespace

uint64_t murmur_hash64a(const void* data, size_t len, uint64_t seed) {
  constexpr uint64_t m = 0xc6a4a7935bd1e995ull;
  constexpr int r = 47;
  const auto* p = static_cast<const uint8_t*>(data);
  uint64_t h = seed ^ (len * m);
  const size_t blocks = len / 8;
  for (size_t i = 0; i < blocks; i++) {
    uint64_t k;
    std::memcpy(&k, p + 8 * i, sizeof(k));
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    k = __builtin_bswap64(k);  // the algorithm reads blocks little-endian
#endif
    k *= m;
    k ^= k >> r;
    k *= m;
    h ^= k;
    h *= m;
  }
  const uint8_t* tail = p + 8 * blocks;
  const size_t rest = len & 7;
  if (rest) {
    for (size_t i = rest; i-- > 0;) h ^= uint64_t{tail[i]} << (8 * i);
    h *= m;
  }
  h ^= h >> r;
  h *= m;
  h ^= h >> r;
  return h;
}

Pattern pattern_of(std::string_view element) {
  uint64_t hash = murmur_hash64a(element.data(), element.size(), kSeed);
  const auto index = static_cast<uint32_t>(hash & (kRegisters - 1));
  // The run counts up to and including the first 1 bit above the index bits; the bit
  // planted at kQ bounds it to kQ + 1.
  hash = (hash >> kP) | (uint64_t{1} << kQ);
  return {index, static_cast<uint8_t>(__builtin_ctzll(hash) + 1)};
}

BlobString* create_empty() {
  constexpr size_t kXzeros = (kRegisters + 16383) / 16384;
  BlobString* b = BlobString::create({}, kHeaderSize + 2 * kXzeros);
  uint8_t* p = bytes(b);
  std::memset(p, 0, kHeaderSize);
  std::memcpy(p, "HYLL", 4);
  p[4] = kSparse;
  uint8_t* out = p + kHeaderSize;
  for (uint32_t left = kRegisters; left > 0;) {
    const uint32_t run = left < 16384 ? left : 16384;
    out = put_zeros(out, run);
    left -= run;
  }
  b->set_size(static_cast<size_t>(out - p));
  return b;
}

bool is_valid(std::string_view s) {
  if (s.size() < kHeaderSize || s.substr(0, 4) != "HYLL") return false;
  const uint8_t enc = encoding_of(s);
  if (enc > kSparse) return false;
  return enc != kDense || s.size() == kDenseSize;
}

bool cache_valid(std::string_view s) {
  return (static_cast<uint8_t>(s[15]) & 0x80) == 0;
}

uint64_t cached_cardinality(std::string_view s) {
  uint64_t card = 0;
  for (int i = 7; i >= 0; i--) card = (card << 8) | static_cast<uint8_t>(s[8 + i]);
  return card;
}

void set_cached_cardinality(char* hll, uint64_t card) {
  for (int i = 0; i < 8; i++) hll[8 + i] = static_cast<char>((card >> (8 * i)) & 0xff);
}

void invalidate_cache(char* hll) {
  hll[15] = static_cast<char>(static_cast<uint8_t>(hll[15]) | 0x80);
}

uint8_t dense_get(const uint8_t* regs, uint32_t index) {
  const uint32_t bit = index * kBits;
  const uint32_t byte = bit / 8, shift = bit % 8;
  uint32_t v = regs[byte] >> shift;
  if (shift > 8 - kBits) v |= uint32_t{regs[byte + 1]} << (8 - shift);
  return static_cast<uint8_t>(v & kRegisterMax);
}

void dense_set(uint8_t* regs, uint32_t index, uint8_t value) {
  const uint32_t bit = index * kBits;
  const uint32_t byte = bit / 8, shift = bit % 8;
  const uint32_t v = value & kRegisterMax;
  regs[byte] = static_cast<uint8_t>((regs[byte] & ~(kRegisterMax << shift)) | (v << shift));
  if (shift > 8 - kBits) {
    const uint32_t high = 8 - shift;  // bits of the register that went into this byte
    regs[byte + 1] = static_cast<uint8_t>((regs[byte + 1] & ~(kRegisterMax >> high)) | (v >> high));
  }
}

Update set_register(BlobString** b, uint32_t index, uint8_t count, size_t sparse_max_bytes) {
  if (encoding_of((*b)->view()) == kDense) {
    uint8_t* regs = bytes(*b) + kHeaderSize;
    if (dense_get(regs, index) >= count) return Update::kUnchanged;
    dense_set(regs, index, count);
    return Update::kChanged;
  }
  return sparse_set(b, index, count, sparse_max_bytes);
}

Update add(BlobString** b, std::string_view element, size_t sparse_max_bytes) {
  const Pattern pat = pattern_of(element);
  return set_register(b, pat.index, pat.count, sparse_max_bytes);
}

bool to_dense(BlobString** bp) {
  BlobString* b = *bp;
  if (encoding_of(b->view()) == kDense) return true;
  BlobString* d = BlobString::create({}, kDenseSize);
  uint8_t* out = bytes(d);
  std::memset(out, 0, kDenseSize);
  d->set_size(kDenseSize);
  std::memcpy(out, b->data(), kHeaderSize);  // magic, unused bytes and the cache
  out[4] = kDense;
  uint8_t* regs = out + kHeaderSize;
  const int64_t covered = walk_sparse(
      b->view(), true, [](uint32_t) {},
      [&](int64_t first, uint8_t value, uint32_t run) {
        for (uint32_t i = 0; i < run; i++) dense_set(regs, static_cast<uint32_t>(first + i), value);
      });
  if (covered != kRegisters) {
    BlobString::destroy(d);
    return false;
  }
  BlobString::destroy(b);
  *bp = d;
  return true;
}

bool merge_into(uint8_t* regs, std::string_view hll) {
  if (encoding_of(hll) == kDense) {
    const auto* dense = reinterpret_cast<const uint8_t*>(hll.data()) + kHeaderSize;
    for_each_dense_register(dense, [regs](uint32_t i, uint8_t v) {
      if (v > regs[i]) regs[i] = v;
    });
    return true;
  }
  const int64_t covered = walk_sparse(
      hll, true, [](uint32_t) {},
      [regs](int64_t first, uint8_t value, uint32_t run) {
        for (uint32_t i = 0; i < run; i++) {
          uint8_t& r = regs[first + i];
          if (value > r) r = value;
        }
      });
  return covered == kRegisters;
}

uint64_t estimate(std::string_view hll, bool* invalid) {
  int histo[kHistogramSize] = {};
  if (encoding_of(hll) == kDense) {
    const auto* dense = reinterpret_cast<const uint8_t*>(hll.data()) + kHeaderSize;
    for_each_dense_register(dense, [&histo](uint32_t, uint8_t v) { histo[v]++; });
  } else {
    const int64_t covered = walk_sparse(
        hll, false, [&histo](uint32_t run) { histo[0] += static_cast<int>(run); },
        [&histo](int64_t, uint8_t value, uint32_t run) { histo[value] += static_cast<int>(run); });
    if (covered != kRegisters && invalid) *invalid = true;
  }
  return estimate_histogram(histo);
}

uint64_t estimate_registers(const uint8_t* regs) {
  int histo[kHistogramSize] = {};
  for (uint32_t i = 0; i < kRegisters; i++) histo[regs[i] & (kHistogramSize - 1)]++;
  return estimate_histogram(histo);
}

std::string decode_sparse(std::string_view hll) {
  std::string out;
  const auto* p = reinterpret_cast<const uint8_t*>(hll.data()) + kHeaderSize;
  const auto* end = reinterpret_cast<const uint8_t*>(hll.data()) + hll.size();
  while (p < end) {
    const Op op = read_op(p, end);
    if (!out.empty()) out += ' ';
    if (op.kind == OpKind::kZero) {
      out += "z:" + std::to_string(op.run);
    } else if (op.kind == OpKind::kXzero) {
      out += "Z:" + std::to_string(op.run);
    } else {
      out += "v:" + std::to_string(op.value) + "," + std::to_string(op.run);
    }
    p += op.size;
  }
  return out;
}

std::string self_test() {
  std::mt19937_64 rng(0x5eed);
  // Dense packing: every register keeps its own value next to its neighbours'.
  std::vector<uint8_t> regs(kDenseSize - kHeaderSize), expected(kRegisters);
  for (int round = 0; round < 4; round++) {
    for (uint32_t i = 0; i < kRegisters; i++) {
      expected[i] = static_cast<uint8_t>(rng() & kRegisterMax);
      dense_set(regs.data(), i, expected[i]);
    }
    for (uint32_t i = 0; i < kRegisters; i++) {
      if (dense_get(regs.data(), i) != expected[i])
        return "TESTFAILED Register error at " + std::to_string(i);
    }
  }
  // Sparse and dense fed the same elements hold the same registers and estimates.
  BlobString* sparse = create_empty();
  BlobString* dense = create_empty();
  to_dense(&dense);
  std::string failure;
  const double sigma_rel = 1.04 / std::sqrt(static_cast<double>(kRegisters));
  uint64_t next_check = 10;
  char element[8];
  for (uint64_t n = 1; n <= 1000000 && failure.empty(); n++) {
    const uint64_t v = rng();
    std::memcpy(element, &v, sizeof(v));
    const std::string_view ele(element, sizeof(element));
    add(&dense, ele, 0);
    if (n <= 5000) {
      add(&sparse, ele, SIZE_MAX);
      if (n % 100 == 0 && encoding_of(sparse->view()) == kSparse &&
          estimate(sparse->view(), nullptr) != estimate(dense->view(), nullptr))
        failure = "TESTFAILED Sparse and dense estimates differ at " + std::to_string(n);
    }
    if (n == next_check) {
      const double est = static_cast<double>(estimate(dense->view(), nullptr));
      const double err = std::fabs(est - static_cast<double>(n));
      if (err > std::max(1.0, 5 * sigma_rel * static_cast<double>(n)))
        failure = "TESTFAILED Too big error. card:" + std::to_string(n) +
                  " abserr:" + std::to_string(err);
      next_check *= 10;
    }
  }
  BlobString::destroy(sparse);
  BlobString::destroy(dense);
  return failure;
}

}  // namespace rkv::store::hll

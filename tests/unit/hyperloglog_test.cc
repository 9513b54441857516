#include "store/hyperloglog.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <string>
#include <vector>

namespace rkv::store::hll {
namespace {

// Owns one HLL value the way an entry does (functions may swap the pointer).
class Hll {
 public:
  Hll() : b_(create_empty()) {}
  explicit Hll(std::string_view bytes) : b_(BlobString::create(bytes)) {}
  ~Hll() { BlobString::destroy(b_); }
  Hll(const Hll&) = delete;
  Hll& operator=(const Hll&) = delete;

  BlobString** ptr() { return &b_; }
  std::string_view view() const { return b_->view(); }
  std::string bytes() const { return std::string(view()); }
  Update set(uint32_t index, uint8_t count, size_t max_bytes = 3000) {
    return set_register(&b_, index, count, max_bytes);
  }
  Update add_element(std::string_view e, size_t max_bytes = 3000) { return add(&b_, e, max_bytes); }
  uint8_t enc() const { return encoding_of(view()); }
  std::string decode() const { return decode_sparse(view()); }
  uint8_t reg(uint32_t i) const {
    if (enc() == kDense)
      return dense_get(reinterpret_cast<const uint8_t*>(view().data()) + kHeaderSize, i);
    std::vector<uint8_t> regs(kRegisters, 0);
    EXPECT_TRUE(merge_into(regs.data(), view()));
    return regs[i];
  }

 private:
  BlobString* b_;
};

const std::string kEmpty = std::string("HYLL\x01\0\0\0\0\0\0\0\0\0\0\0\x7f\xff", 18);

TEST(HyperLogLog, MurmurHash64AKnownValues) {
  // Reference values from an independent implementation of the algorithm.
  EXPECT_EQ(murmur_hash64a("", 0, kSeed), 0xd8dfea6585bc9732ull);
  EXPECT_EQ(murmur_hash64a("a", 1, kSeed), 0x53d2470a9b43b1a7ull);
  EXPECT_EQ(murmur_hash64a("hello", 5, kSeed), 0x0f656f01eecfe400ull);
  EXPECT_EQ(murmur_hash64a("12345678", 8, kSeed), 0x95ebb86389132953ull);
  EXPECT_EQ(murmur_hash64a("123456789abcdef", 15, kSeed), 0x0a295e5895af07b9ull);
  const char* fox = "The quick brown fox jumps over the lazy dog";
  EXPECT_EQ(murmur_hash64a(fox, std::strlen(fox), kSeed), 0x51606c5c5b561aceull);
}

TEST(HyperLogLog, PatternIsRegisterAndRunLength) {
  // Checked against redis-server: PFADD x a; PFDEBUG DECODE x -> "Z:12711 v:2,1 Z:3672".
  Pattern p = pattern_of("a");
  EXPECT_EQ(p.index, 12711u);
  EXPECT_EQ(p.count, 2);
  p = pattern_of("hello");
  EXPECT_EQ(p.index, 9216u);
  EXPECT_EQ(p.count, 1);
  p = pattern_of("The quick brown fox jumps over the lazy dog");
  EXPECT_EQ(p.index, 6862u);
  EXPECT_EQ(p.count, 4);
}

TEST(HyperLogLog, EmptyIsOneXzeroRun) {
  Hll h;
  EXPECT_EQ(h.bytes(), kEmpty);
  EXPECT_TRUE(is_valid(h.view()));
  EXPECT_EQ(h.decode(), "Z:16384");
  EXPECT_TRUE(cache_valid(h.view()));
  EXPECT_EQ(cached_cardinality(h.view()), 0u);
  bool invalid = false;
  EXPECT_EQ(estimate(h.view(), &invalid), 0u);
  EXPECT_FALSE(invalid);
}

TEST(HyperLogLog, HeaderValidation) {
  EXPECT_FALSE(is_valid(""));
  EXPECT_FALSE(is_valid("HYLL"));
  EXPECT_FALSE(is_valid(std::string("HYLX\x01", 5) + std::string(13, '\0')));
  std::string two = kEmpty;
  two[4] = 2;  // unknown encoding
  EXPECT_FALSE(is_valid(two));
  std::string dense = kEmpty;
  dense[4] = kDense;  // dense must be exactly kDenseSize bytes
  EXPECT_FALSE(is_valid(dense));
  dense.resize(kDenseSize);
  EXPECT_TRUE(is_valid(dense));
  // Sixteen bytes of header and no opcodes pass the shape check; reading finds corruption.
  std::string header_only = kEmpty.substr(0, kHeaderSize);
  EXPECT_TRUE(is_valid(header_only));
  bool invalid = false;
  estimate(header_only, &invalid);
  EXPECT_TRUE(invalid);
}

TEST(HyperLogLog, CachedCardinality) {
  Hll h;
  std::string s = h.bytes();
  set_cached_cardinality(s.data(), 0x0102030405060708ull);
  EXPECT_EQ(s.substr(8, 8), std::string("\x08\x07\x06\x05\x04\x03\x02\x01", 8));
  EXPECT_TRUE(cache_valid(s));
  EXPECT_EQ(cached_cardinality(s), 0x0102030405060708ull);
  invalidate_cache(s.data());
  EXPECT_FALSE(cache_valid(s));
  EXPECT_EQ(static_cast<uint8_t>(s[15]), 0x81);
}

TEST(HyperLogLog, SparseEditsMarkTheCacheStale) {
  Hll h;
  ASSERT_TRUE(cache_valid(h.view()));
  EXPECT_EQ(h.set(7, 1), Update::kChanged);
  EXPECT_FALSE(cache_valid(h.view()));
  // Dense updates leave the cache to the caller (PFADD and PFMERGE invalidate it).
  ASSERT_TRUE(to_dense(h.ptr()));
  std::string s = h.bytes();
  set_cached_cardinality(s.data(), 1);
  Hll d(s);
  EXPECT_EQ(d.set(8, 3), Update::kChanged);
  EXPECT_TRUE(cache_valid(d.view()));
}

TEST(HyperLogLog, SparseSplitsRunsAsRedis) {
  Hll h;
  EXPECT_EQ(h.set(0, 3), Update::kChanged);
  EXPECT_EQ(h.decode(), "v:3,1 Z:16383");
  EXPECT_EQ(h.set(0, 2), Update::kUnchanged);
  EXPECT_EQ(h.set(16383, 1), Update::kChanged);
  EXPECT_EQ(h.decode(), "v:3,1 Z:16382 v:1,1");
  // Runs of 64 or fewer zeros take the one-byte ZERO opcode.
  EXPECT_EQ(h.set(65, 5), Update::kChanged);
  EXPECT_EQ(h.decode(), "v:3,1 z:64 v:5,1 Z:16317 v:1,1");
  EXPECT_EQ(h.set(64, 5), Update::kChanged);
  EXPECT_EQ(h.decode(), "v:3,1 z:63 v:5,2 Z:16317 v:1,1");
  // A zero run of one register turns into the VAL in place.
  EXPECT_EQ(h.set(2, 7), Update::kChanged);
  EXPECT_EQ(h.set(1, 7), Update::kChanged);
  EXPECT_EQ(h.decode(), "v:3,1 v:7,2 z:61 v:5,2 Z:16317 v:1,1");
  EXPECT_EQ(h.reg(1), 7);
  EXPECT_EQ(h.reg(65), 5);
  EXPECT_EQ(h.reg(100), 0);
}

TEST(HyperLogLog, SparseFoldsEqualNeighbours) {
  Hll h;
  h.set(0, 4);
  h.set(1, 4);
  EXPECT_EQ(h.decode(), "v:4,2 Z:16382");
  h.set(2, 4);
  h.set(3, 4);
  EXPECT_EQ(h.decode(), "v:4,4 Z:16380");
  h.set(4, 4);  // a VAL holds at most 4 registers
  EXPECT_EQ(h.decode(), "v:4,4 v:4,1 Z:16379");
  // Raising one register inside a VAL run splits it.
  h.set(1, 9);
  EXPECT_EQ(h.decode(), "v:4,1 v:9,1 v:4,3 Z:16379");  // the fold reaches on
}

TEST(HyperLogLog, PromotesWhenValueExceedsSparseMax) {
  Hll h;
  h.set(10, 5);
  std::string before = h.bytes();
  EXPECT_EQ(h.set(20, kSparseValMax + 1), Update::kChanged);
  EXPECT_EQ(h.enc(), kDense);
  EXPECT_EQ(h.view().size(), kDenseSize);
  EXPECT_EQ(h.view().substr(0, 4), "HYLL");
  EXPECT_EQ(h.view().substr(5, 11), before.substr(5, 11));  // unused bytes and cache kept
  EXPECT_EQ(h.reg(10), 5);
  EXPECT_EQ(h.reg(20), kSparseValMax + 1);
  EXPECT_EQ(h.reg(21), 0);
  EXPECT_EQ(h.set(20, 10), Update::kUnchanged);
}

TEST(HyperLogLog, PromotesWhenSparseWouldOutgrowTheLimit) {
  Hll h;
  // 18 bytes now; splitting the XZERO in the middle adds 3.
  EXPECT_EQ(h.set(5000, 1, 20), Update::kChanged);
  EXPECT_EQ(h.enc(), kDense);
  EXPECT_EQ(h.reg(5000), 1);
  Hll g;
  EXPECT_EQ(g.set(5000, 1, 21), Update::kChanged);
  EXPECT_EQ(g.enc(), kSparse);
  EXPECT_EQ(g.view().size(), 21u);
}

TEST(HyperLogLog, ToDenseKeepsEveryRegister) {
  Hll h;
  std::vector<uint8_t> want(kRegisters, 0);
  for (uint32_t i = 0; i < kRegisters; i += 37) {
    const auto v = static_cast<uint8_t>(1 + i % kSparseValMax);
    h.set(i, v, 1 << 20);
    want[i] = v;
  }
  ASSERT_EQ(h.enc(), kSparse);
  bool invalid = false;
  const uint64_t sparse_estimate = estimate(h.view(), &invalid);
  ASSERT_FALSE(invalid);
  ASSERT_TRUE(to_dense(h.ptr()));
  ASSERT_EQ(h.enc(), kDense);
  for (uint32_t i = 0; i < kRegisters; i++) ASSERT_EQ(h.reg(i), want[i]) << i;
  EXPECT_EQ(estimate(h.view(), nullptr), sparse_estimate);
  EXPECT_TRUE(to_dense(h.ptr()));  // already dense
}

TEST(HyperLogLog, CorruptSparseIsDetected) {
  // Opcodes covering fewer registers than 16384.
  std::string shorter = kEmpty;
  shorter[16] = 0x7f;
  shorter[17] = static_cast<char>(0xfe);
  Hll h(shorter);
  EXPECT_FALSE(to_dense(h.ptr()));
  EXPECT_EQ(h.bytes(), shorter);
  bool invalid = false;
  estimate(h.view(), &invalid);
  EXPECT_TRUE(invalid);
  std::vector<uint8_t> regs(kRegisters, 0);
  EXPECT_FALSE(merge_into(regs.data(), h.view()));
  EXPECT_EQ(h.set(16383, 1), Update::kCorrupt);
  // A VAL running past the last register.
  std::string longer = kEmpty + "\x83";
  Hll g(longer);
  EXPECT_FALSE(to_dense(g.ptr()));
}

TEST(HyperLogLog, DenseRegistersArePackedSixBits) {
  std::vector<uint8_t> regs(kDenseSize - kHeaderSize, 0);
  dense_set(regs.data(), 0, 63);
  EXPECT_EQ(regs[0], 0x3f);
  dense_set(regs.data(), 1, 1);  // bits 6..11: low two bits in byte 0, rest in byte 1
  EXPECT_EQ(regs[0], 0x7f);
  EXPECT_EQ(regs[1], 0x00);
  dense_set(regs.data(), 1, 0x3c);
  EXPECT_EQ(regs[0], 0x3f);
  EXPECT_EQ(regs[1], 0x0f);
  EXPECT_EQ(dense_get(regs.data(), 0), 63);
  EXPECT_EQ(dense_get(regs.data(), 1), 0x3c);
  dense_set(regs.data(), kRegisters - 1, 42);
  EXPECT_EQ(dense_get(regs.data(), kRegisters - 1), 42);
  EXPECT_EQ(dense_get(regs.data(), kRegisters - 2), 0);
  EXPECT_EQ(regs.back(), 42 << 2);
}

TEST(HyperLogLog, EstimateWithinRedisError) {
  // The standard error is 1.04 / sqrt(16384) = 0.81%; allow five of them.
  const double tolerance = 5 * 1.04 / std::sqrt(16384.0);
  Hll h;
  uint64_t n = 0;
  for (uint64_t target : {1ull, 10ull, 100ull, 1000ull, 10000ull, 100000ull, 1000000ull}) {
    for (; n < target; n++) h.add_element("element:" + std::to_string(n));
    bool invalid = false;
    const auto est = static_cast<double>(estimate(h.view(), &invalid));
    EXPECT_FALSE(invalid);
    EXPECT_LE(std::fabs(est - static_cast<double>(n)),
              std::max(1.0, tolerance * static_cast<double>(n)))
        << "cardinality " << n << " estimated " << est;
  }
  EXPECT_EQ(h.enc(), kDense);
}

TEST(HyperLogLog, MergedRegistersEstimateLikeTheUnion) {
  Hll a, b, both;
  for (int i = 0; i < 3000; i++) {
    std::string e = "m" + std::to_string(i);
    (i % 2 ? a : b).add_element(e);
    both.add_element(e);
  }
  std::vector<uint8_t> regs(kRegisters, 0);
  ASSERT_TRUE(merge_into(regs.data(), a.view()));
  ASSERT_TRUE(merge_into(regs.data(), b.view()));
  EXPECT_EQ(estimate_registers(regs.data()), estimate(both.view(), nullptr));
}

TEST(HyperLogLog, SelfTestPasses) {
  EXPECT_EQ(self_test(), "");
}

}  // namespace
}  // namespace rkv::store::hll

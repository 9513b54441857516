// Intset: a sorted array of distinct integers in one allocation, Redis's format byte for
// byte:  <encoding:u32 LE = 2, 4 or 8> <length:u32 LE> <values, little endian, ascending>.
// Every value uses the width of the widest; adding a wider value upgrades the whole array
// (never downgrades). Lookups are binary searches. Used for small sets of integers
// (set-max-intset-entries). Not thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <random>

namespace rkv::store {

class Intset {
 public:
  Intset();                          // empty, 16-bit
  static Intset adopt(void* bytes);  // ownership of release()'d bytes
  void* release();
  ~Intset();
  Intset(Intset&& o) noexcept;
  Intset& operator=(Intset&& o) noexcept;
  Intset(const Intset&) = delete;
  Intset& operator=(const Intset&) = delete;
  Intset clone() const;

  size_t size() const;
  bool empty() const { return size() == 0; }
  size_t width() const;  // bytes per value: 2, 4 or 8
  size_t bytes() const;  // header + values
  size_t allocated_bytes() const;
  const uint8_t* data() const { return buf_; }

  bool contains(int64_t v) const;
  bool add(int64_t v);                         // false when already present
  bool remove(int64_t v);                      // false when absent
  int64_t at(size_t i) const;                  // ascending order; REQUIRES: i < size()
  int64_t random(std::mt19937_64& rng) const;  // REQUIRES: !empty()
  int64_t min() const { return at(0); }
  int64_t max() const { return at(size() - 1); }

  static bool validate(const uint8_t* p, size_t len);

 private:
  explicit Intset(uint8_t* buf) : buf_(buf) {}
  uint8_t* buf_ = nullptr;
};

}  // namespace rkv::store

#include "store/intset.h"

#include <cstdlib>
#include <cstring>

#include "util/memory.h"

namespace rkv::store {
namespace {

constexpr size_t kHeader = 8;

uint32_t load_u32(const uint8_t* p) {
  return uint32_t{p[0]} | uint32_t{p[1]} << 8 | uint32_t{p[2]} << 16 | uint32_t{p[3]} << 24;
}
void store_u32(uint8_t* p, uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<uint8_t>(v >> (8 * i));
}

int64_t load_value(const uint8_t* p, size_t width) {
  uint64_t u = 0;
  for (size_t i = 0; i < width; ++i) u |= uint64_t{p[i]} << (8 * i);
  size_t shift = 64 - 8 * width;
  return static_cast<int64_t>(u << shift) >> shift;  // sign-extends from the top byte
}
void store_value(uint8_t* p, size_t width, int64_t v) {
  auto u = static_cast<uint64_t>(v);
  for (size_t i = 0; i < width; ++i) p[i] = static_cast<uint8_t>(u >> (8 * i));
}

size_t width_for(int64_t v) {
  if (v >= INT16_MIN && v <= INT16_MAX) return 2;
  if (v >= INT32_MIN && v <= INT32_MAX) return 4;
  return 8;
}

uint8_t* reallocate(uint8_t* buf, size_t n) {
  void* b = std::realloc(buf, n);
  if (!b) out_of_memory(n);
  return static_cast<uint8_t*>(b);
}

}  // namespace

Intset::Intset() {
  buf_ = reallocate(nullptr, kHeader);
  store_u32(buf_, 2);
  store_u32(buf_ + 4, 0);
}

Intset Intset::adopt(void* bytes) {
  return Intset(static_cast<uint8_t*>(bytes));
}

void* Intset::release() {
  uint8_t* b = buf_;
  buf_ = nullptr;
  return b;
}

Intset::~Intset() {
  std::free(buf_);
}

Intset::Intset(Intset&& o) noexcept : buf_(o.buf_) {
  o.buf_ = nullptr;
}

Intset& Intset::operator=(Intset&& o) noexcept {
  if (this != &o) {
    std::free(buf_);
    buf_ = o.buf_;
    o.buf_ = nullptr;
  }
  return *this;
}

Intset Intset::clone() const {
  uint8_t* b = reallocate(nullptr, bytes());
  std::memcpy(b, buf_, bytes());
  return Intset(b);
}

size_t Intset::size() const {
  return load_u32(buf_ + 4);
}

size_t Intset::width() const {
  return load_u32(buf_);
}

size_t Intset::bytes() const {
  return kHeader + size() * width();
}

size_t Intset::allocated_bytes() const {
  return allocation_size(buf_);
}

int64_t Intset::at(size_t i) const {
  size_t w = width();
  return load_value(buf_ + kHeader + i * w, w);
}

namespace {
// Index of v, or of where it would go (*found false).
size_t search(const Intset& s, int64_t v, bool* found) {
  size_t lo = 0, hi = s.size();
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    int64_t m = s.at(mid);
    if (m == v) {
      *found = true;
      return mid;
    }
    if (m < v) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  *found = false;
  return lo;
}
}  // namespace

bool Intset::contains(int64_t v) const {
  if (width_for(v) > width()) return false;
  bool found = false;
  search(*this, v, &found);
  return found;
}

bool Intset::add(int64_t v) {
  size_t n = size();
  size_t w = width();
  size_t need = width_for(v);
  if (need > w) {
    // v is wider than every member, so it is either below all of them or above all:
    // widen from the back (each value moves right, never over one not yet read).
    buf_ = reallocate(buf_, kHeader + (n + 1) * need);
    size_t shift = v < 0 ? 1 : 0;
    for (size_t i = n; i-- > 0;) {
      store_value(buf_ + kHeader + (i + shift) * need, need, load_value(buf_ + kHeader + i * w, w));
    }
    store_value(buf_ + kHeader + (v < 0 ? 0 : n) * need, need, v);
    store_u32(buf_, static_cast<uint32_t>(need));
    store_u32(buf_ + 4, static_cast<uint32_t>(n + 1));
    return true;
  }
  bool found = false;
  size_t i = search(*this, v, &found);
  if (found) return false;
  buf_ = reallocate(buf_, kHeader + (n + 1) * w);
  uint8_t* at = buf_ + kHeader + i * w;
  std::memmove(at + w, at, (n - i) * w);
  store_value(at, w, v);
  store_u32(buf_ + 4, static_cast<uint32_t>(n + 1));
  return true;
}

bool Intset::remove(int64_t v) {
  if (width_for(v) > width()) return false;
  bool found = false;
  size_t i = search(*this, v, &found);
  if (!found) return false;
  size_t n = size();
  size_t w = width();
  uint8_t* at = buf_ + kHeader + i * w;
  std::memmove(at, at + w, (n - i - 1) * w);
  store_u32(buf_ + 4, static_cast<uint32_t>(n - 1));
  buf_ = reallocate(buf_, kHeader + (n - 1) * w);
  return true;
}

int64_t Intset::random(std::mt19937_64& rng) const {
  std::uniform_int_distribution<size_t> pick(0, size() - 1);
  return at(pick(rng));
}

bool Intset::validate(const uint8_t* p, size_t len) {
  if (!p || len < kHeader) return false;
  uint32_t w = load_u32(p);
  if (w != 2 && w != 4 && w != 8) return false;
  uint64_t n = load_u32(p + 4);
  if (kHeader + n * w != len) return false;
  for (uint64_t i = 1; i < n; ++i) {
    if (load_value(p + kHeader + (i - 1) * w, w) >= load_value(p + kHeader + i * w, w)) {
      return false;
    }
  }
  return true;
}

}  // namespace rkv::store

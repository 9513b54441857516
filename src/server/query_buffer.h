// QueryBuffer: bytes received from a client and not yet consumed by the parser.
//
// A flat buffer (not a ring): the parser wants contiguous bytes, and consumed bytes are
// dropped by moving only the unparsed tail, which is normally empty or tiny.
#pragma once

#include <cstddef>
#include <cstring>
#include <memory>
#include <string_view>

namespace rkv::server {

class QueryBuffer {
 public:
  // Space for at least n more bytes at the end.
  char* prepare(size_t n) {
    if (cap_ - len_ < n) grow(len_ + n);
    return data_.get() + len_;
  }
  void commit(size_t n) { len_ += n; }
  void consume(size_t n) { pos_ += n; }

  std::string_view unread() const { return {data_.get() + pos_, len_ - pos_}; }
  size_t unread_size() const { return len_ - pos_; }
  size_t capacity() const { return cap_; }

  // Drops consumed bytes; frees a big buffer once it is empty.
  void compact() {
    if (pos_ == 0) return;
    if (pos_ == len_) {
      pos_ = len_ = 0;
      if (cap_ > kShrinkAbove) release();
      return;
    }
    std::memmove(data_.get(), data_.get() + pos_, len_ - pos_);
    len_ -= pos_;
    pos_ = 0;
  }
  void release() {
    data_.reset();
    cap_ = len_ = pos_ = 0;
  }

 private:
  static constexpr size_t kShrinkAbove = 64 * 1024;
  void grow(size_t need) {
    // Callers that know the size of an incoming bulk ask for all of it at once, so a
    // 100 MB value costs one allocation, not a series of doublings and copies.
    size_t cap = cap_ < (1u << 20) ? cap_ * 2 : cap_ + cap_ / 2;
    if (cap < 1024) cap = 1024;
    if (cap < need) cap = need;
    auto fresh = std::make_unique_for_overwrite<char[]>(cap);
    if (len_ > pos_) std::memcpy(fresh.get(), data_.get() + pos_, len_ - pos_);
    len_ -= pos_;
    pos_ = 0;
    data_ = std::move(fresh);
    cap_ = cap;
  }

  std::unique_ptr<char[]> data_;
  size_t cap_ = 0, len_ = 0, pos_ = 0;
};

}  // namespace rkv::server

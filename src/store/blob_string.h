// BlobString: a growable heap string for values over the embedded limit (encoding "raw").
//
// One malloc holds the header and the bytes; APPEND and SETRANGE grow it in place with
// the same doubling rule as Redis's sds (double up to 1 MiB, then add 1 MiB).
#pragma once

#include <cstddef>
#include <string_view>

namespace rkv::store {

class BlobString {
 public:
  static BlobString* create(std::string_view s, size_t reserve = 0);
  static void destroy(BlobString* b);
  // Makes room for `extra` more bytes; may move the string (returns the new address).
  static BlobString* grow(BlobString* b, size_t extra);

  std::string_view view() const { return {data(), len_}; }
  size_t size() const { return len_; }
  size_t capacity() const { return cap_; }
  char* data() { return reinterpret_cast<char*>(this + 1); }
  const char* data() const { return reinterpret_cast<const char*>(this + 1); }
  // REQUIRES: n <= capacity(). Bytes past the old size must have been written.
  void set_size(size_t n) { len_ = n; }
  size_t allocated_bytes() const;

 private:
  BlobString() = default;
  size_t len_ = 0;
  size_t cap_ = 0;
};

}  // namespace rkv::store

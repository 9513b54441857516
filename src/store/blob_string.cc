#include "store/blob_string.h"

#include <cstdlib>
#include <cstring>
#include <new>

#include "util/memory.h"

namespace rkv::store {

BlobString* BlobString::create(std::string_view s, size_t reserve) {
  size_t cap = s.size() > reserve ? s.size() : reserve;
  void* mem = std::malloc(sizeof(BlobString) + cap);
  if (!mem) out_of_memory(sizeof(BlobString) + cap);
  auto* b = ::new (mem) BlobString();
  b->len_ = s.size();
  b->cap_ = cap;
  if (!s.empty()) std::memcpy(b->data(), s.data(), s.size());
  return b;
}

void BlobString::destroy(BlobString* b) {
  std::free(b);
}

BlobString* BlobString::grow(BlobString* b, size_t extra) {
  if (b->cap_ - b->len_ >= extra) return b;
  size_t want = b->len_ + extra;
  constexpr size_t kMaxPrealloc = 1024 * 1024;
  size_t cap = want < kMaxPrealloc ? want * 2 : want + kMaxPrealloc;
  void* mem = std::realloc(b, sizeof(BlobString) + cap);
  if (!mem) out_of_memory(sizeof(BlobString) + cap);
  b = static_cast<BlobString*>(mem);
  b->cap_ = cap;
  return b;
}

size_t BlobString::allocated_bytes() const {
  return allocation_size(this);
}

}  // namespace rkv::store

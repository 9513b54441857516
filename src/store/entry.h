// Entry: one key and its value in a single allocation, linked into the keyspace Dict.
//
// Layout (16-byte header, then key bytes, then the value):
//   next | key_len:31 has_expire:1 | type:4 encoding:4 lru:24 | key | value
// The value after the key is, by encoding:
//   kInt     8 bytes, the integer (unaligned, read with memcpy)
//   kEmbstr  a varint length and the bytes (strings up to kEmbstrMax)
//   others   8 bytes, a pointer to the heap object (BlobString for kRaw)
// A 16-byte key with a 10-byte value is one 48-byte jemalloc chunk; Redis spends a
// dictEntry, an sds key and a robj for the same (about 96 bytes).
//
// Entries are immutable in size: a value change that needs another layout builds a new
// entry and Db swaps it into the table (Dict::replace). Not thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "store/blob_string.h"
#include "store/object_type.h"
#include "util/numbers.h"

namespace rkv::store {

class Entry {
 public:
  static constexpr size_t kEmbstrMax = 44;  // OBJ_ENCODING_EMBSTR_SIZE_LIMIT

  // A string entry, int/embstr/raw chosen as Redis chooses them.
  // allow_int=false keeps integer-looking text as text (INCRBYFLOAT results, as Redis).
  static Entry* make_string(std::string_view key, std::string_view value, bool allow_int = true);
  static Entry* make_int(std::string_view key, int64_t value);
  // A raw (heap) string entry taking ownership of blob.
  static Entry* make_raw(std::string_view key, BlobString* blob);
  // An entry holding a heap object of another type (lists, hashes... in later issues).
  static Entry* make_object(std::string_view key, ObjType type, Encoding enc, void* obj);
  // Frees the entry and the value it owns.
  static void destroy(Entry* e);
  // A new entry under new_key holding a deep copy of src's value (COPY); type, encoding
  // and LRU bits are kept. nullptr when the value type cannot be copied yet.
  static Entry* clone_with_key(const Entry& src, std::string_view new_key);
  // Moves src's value under new_key without copying heap objects (RENAME) and frees the
  // old entry. REQUIRES: src is not linked into any table.
  static Entry* rekey(Entry* src, std::string_view new_key);

  Entry(const Entry&) = delete;
  Entry& operator=(const Entry&) = delete;

  std::string_view key() const { return {key_data(), key_len()}; }
  ObjType type() const { return static_cast<ObjType>(meta_ & 0xf); }
  Encoding encoding() const { return static_cast<Encoding>((meta_ >> 4) & 0xf); }
  bool has_expire() const { return key_word_ >> 31; }
  void set_has_expire(bool on) { key_word_ = (key_word_ & 0x7fffffffu) | (on ? 0x80000000u : 0); }
  uint32_t lru() const { return meta_ >> 8; }
  void set_lru(uint32_t clock) { meta_ = (meta_ & 0xff) | (clock << 8); }

  // The string value; kInt values are formatted into scratch.
  std::string_view string_value(char (&scratch)[kMaxInt64Chars]) const;
  size_t string_length() const;
  int64_t int_value() const;  // REQUIRES: encoding() == kInt
  // Rewrites the integer in place (INCR without reallocating). REQUIRES: encoding() == kInt
  void set_int_value(int64_t v) { std::memcpy(value_data(), &v, sizeof(v)); }
  void* object() const;        // REQUIRES: a heap encoding
  void set_object(void* obj);  // REQUIRES: a heap encoding
  // Converts between heap encodings of one type (listpack -> hashtable...): the caller
  // has already built the new object and passes it in; the old one is its to free.
  // REQUIRES: both encodings keep a heap object (not kInt/kEmbstr).
  void set_encoding(Encoding enc, void* obj) {
    meta_ = (meta_ & ~0xf0u) | (static_cast<uint32_t>(enc) << 4);
    set_object(obj);
  }
  BlobString* blob() const { return static_cast<BlobString*>(object()); }

  // Bytes this entry and its value occupy in the allocator (MEMORY USAGE, DEBUG OBJECT).
  size_t allocated_bytes() const;

  Entry*& next() { return next_; }

 private:
  Entry() = default;
  static Entry* allocate(std::string_view key, size_t value_bytes, ObjType type, Encoding enc);
  size_t key_len() const { return key_word_ & 0x7fffffffu; }
  char* key_data() { return reinterpret_cast<char*>(this + 1); }
  const char* key_data() const { return reinterpret_cast<const char*>(this + 1); }
  char* value_data() { return key_data() + key_len(); }
  const char* value_data() const { return key_data() + key_len(); }
  size_t value_size() const;  // bytes of the value area after the key

  Entry* next_ = nullptr;
  uint32_t key_word_ = 0;
  uint32_t meta_ = 0;
};
static_assert(sizeof(Entry) == 16);

// Frees a heap value of the given type (strings here; later issues add their types).
void destroy_object(ObjType type, Encoding enc, void* obj);
// A deep copy of a heap value, or nullptr for types that cannot be copied yet.
void* clone_object(ObjType type, Encoding enc, const void* obj);
size_t object_allocated_bytes(ObjType type, Encoding enc, const void* obj);
// What freeing a value costs, in Redis's units (elements of a hash table, nodes of a
// quicklist, 1 for one allocation): above LazyFree::kThreshold it is freed off-thread.
size_t object_free_effort(ObjType type, Encoding enc, const void* obj);
inline size_t free_effort(const Entry& e) {
  const Encoding enc = e.encoding();
  if (enc == Encoding::kInt || enc == Encoding::kEmbstr) return 1;
  return object_free_effort(e.type(), enc, e.object());
}

}  // namespace rkv::store

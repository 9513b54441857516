// Listpack: Redis's compact sequence of strings and integers in one allocation, byte for
// byte the format Redis 7 writes (so an RDB can carry it as it is):
//
//   <total bytes:u32 LE> <count:u16 LE, 65535 = "count it"> <entry>... <0xFF>
//   entry = <encoding + data> <backlen: 1-5 bytes, the entry's size without itself,
//           7 bits a byte, read right to left>
//
// Encodings: 0xxxxxxx 7-bit uint; 10xxxxxx 6-bit string length; 110xxxxx 13-bit int;
// 1110xxxx 12-bit string length; 0xF0 32-bit string length; 0xF1/F2/F3/F4 16/24/32/64-bit
// int. A string that is the canonical form of an int64 is stored as that integer (as
// lpAppend does), so "12" costs one byte.
//
// Elements are addressed by Pos, the byte offset of an entry; a mutation may move the
// buffer and shift what follows, so it returns the position the caller should continue
// from. Used for small lists, hashes (field, value, field, value...), sets and sorted
// sets (member, score...). Every operation is O(size) at worst: callers keep listpacks
// small (the *-max-listpack-* configs). Not thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "util/numbers.h"

namespace rkv::store {

class Listpack {
 public:
  using Pos = uint32_t;
  static constexpr Pos kNone = UINT32_MAX;
  static constexpr size_t kHeaderBytes = 6;

  // One element: an integer, or a string that views either the listpack's bytes or the
  // scratch buffer it was formatted into. Valid until the listpack changes.
  struct Value {
    bool is_int = false;
    int64_t ival = 0;
    std::string_view sv;  // the element as text (ints formatted into the scratch)
  };
  using Scratch = char[kMaxInt64Chars];

  Listpack();  // empty
  // Takes ownership of bytes previously given up by release() (an Entry's object).
  static Listpack adopt(void* bytes);
  void* release();  // a released or moved-from Listpack may only be destroyed or assigned
  ~Listpack();
  Listpack(Listpack&& o) noexcept;
  Listpack& operator=(Listpack&& o) noexcept;
  Listpack(const Listpack&) = delete;
  Listpack& operator=(const Listpack&) = delete;
  Listpack clone() const;

  const uint8_t* data() const { return buf_; }
  size_t bytes() const;  // the header's total
  // Number of elements. When the header says 65535 ("unknown") it walks the entries and,
  // like lpLength, writes a count below 65535 back into the header.
  size_t size() const;
  bool empty() const { return buf_[kHeaderBytes] == 0xFF; }
  size_t allocated_bytes() const;  // what the allocator holds for it

  // Navigation; kNone past either end or on an empty listpack.
  Pos first() const;
  Pos last() const;
  Pos next(Pos p) const;
  Pos prev(Pos p) const;
  Pos seek(int64_t index) const;  // negative counts from the tail (-1 = last)
  Pos end() const;                // the terminator's offset: insert(end()) appends

  Value get(Pos p, Scratch& scratch) const;
  // Text of the element at p equals s (an int element matches its decimal form).
  bool equals(Pos p, std::string_view s) const;
  // First element from `from` on (stepping over `skip` elements after each compare, e.g.
  // 1 to look only at hash fields) that equals s; kNone when absent.
  Pos find(std::string_view s, Pos from, size_t skip = 0) const;

  // Mutations. insert puts s before the element at `at` (at == end() appends) and returns
  // the new element's position; replace returns the replaced element's position; erase
  // removes `count` elements from p on and returns the position of the element that
  // followed them (end() when none).
  Pos insert(Pos at, std::string_view s);
  Pos insert_int(Pos at, int64_t v);
  void push_back(std::string_view s) { insert(end(), s); }
  void push_front(std::string_view s) { insert(first_or_end(), s); }
  Pos replace(Pos p, std::string_view s);
  Pos replace_int(Pos p, int64_t v);
  void push_back_int(int64_t v) { insert_int(end(), v); }
  void push_front_int(int64_t v) { insert_int(first_or_end(), v); }
  Pos erase(Pos p, size_t count = 1);
  // Removes the elements with index in [start, start + count) (DEL range, LTRIM).
  void erase_range(size_t start, size_t count);

  // Bytes an entry holding s takes (encoding, data and backlen): lets callers check a
  // size limit before inserting.
  static size_t entry_bytes(std::string_view s);
  static size_t entry_bytes_int(int64_t v);
  // Checks a buffer's structure (lengths, backlens, count, terminator) without trusting
  // it: for data that comes from outside (RESTORE, RDB).
  static bool validate(const uint8_t* p, size_t len);

 private:
  struct Encoded;
  explicit Listpack(uint8_t* buf) : buf_(buf) {}
  Pos first_or_end() const { return kHeaderBytes; }
  Pos insert_encoded(Pos at, const Encoded& e);
  Pos replace_encoded(Pos p, const Encoded& e);
  void resize(size_t n);
  void add_count(int64_t delta);

  uint8_t* buf_ = nullptr;
};

}  // namespace rkv::store

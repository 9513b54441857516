// StringSet: a hash table of distinct byte strings, the "hashtable" encoding of large sets.
//
// Each member is one allocation: the chain pointer, a varint length and the bytes. A
// 13-byte member is one 32-byte jemalloc chunk plus its 8-byte bucket slot; Redis 7.0
// spends a dictEntry (32), an sds (32) and the slot for it (about 72 bytes).
//
// The table is store::Dict, so it grows and shrinks by incremental rehashing and can be
// walked with SSCAN's reverse-binary cursor. It shrinks itself after removals (as Redis's
// setTypeRemove does): the server cron only resizes the keyspace tables.
// Not thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <random>
#include <string_view>

#include "store/dict.h"
#include "util/hash.h"

namespace rkv::store {

class StringSet {
 public:
  StringSet() = default;
  ~StringSet();
  StringSet(const StringSet&) = delete;
  StringSet& operator=(const StringSet&) = delete;
  std::unique_ptr<StringSet> clone() const;

  size_t size() const { return dict_.size(); }
  bool empty() const { return dict_.empty(); }
  // Non-const because every table access also moves one bucket of a pending rehash.
  bool contains(std::string_view m) { return dict_.find(m) != nullptr; }
  bool add(std::string_view m);     // false when already present
  bool remove(std::string_view m);  // false when absent
  // A member chosen uniformly at random (see the definition). REQUIRES: !empty()
  std::string_view random(std::mt19937_64& rng);

  // fn(std::string_view) for every member; the set must not change meanwhile.
  template <typename Fn>
  void for_each(Fn&& fn) const {
    dict_.for_each([&fn](const Node& n) { fn(n.member()); });
  }
  // One SSCAN step: fn(std::string_view) for the members of the buckets named by cursor;
  // returns the next cursor, 0 when the walk is complete.
  template <typename Fn>
  uint64_t scan(uint64_t cursor, Fn&& fn) const {
    return dict_.scan(cursor, [&fn](const Node& n) { fn(n.member()); });
  }

  // Bytes held in the allocator for the bucket arrays and the members (sampled for large
  // sets, as Redis's MEMORY USAGE samples); not the StringSet object itself.
  size_t allocated_bytes() const;

 private:
  // next | varint length | bytes, in one malloc.
  struct Node {
    Node* next;
    std::string_view member() const {
      const auto* p = reinterpret_cast<const uint8_t*>(this + 1);
      size_t len = 0;
      for (unsigned shift = 0;; shift += 7) {
        uint8_t b = *p++;
        len |= static_cast<size_t>(b & 0x7f) << shift;
        if (!(b & 0x80)) break;
      }
      return {reinterpret_cast<const char*>(p), len};
    }
    static Node* create(std::string_view m);
    static void destroy(Node* n);
  };
  struct Traits {
    using Key = std::string_view;
    static Key key(const Node& n) { return n.member(); }
    static uint64_t hash(Key k) { return hash_bytes(k); }
    static bool equal(Key a, Key b) { return a == b; }
    static Node*& next(Node& n) { return n.next; }
  };

  void tighten();

  Dict<Node, Traits> dict_;
};

}  // namespace rkv::store

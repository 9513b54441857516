// HashObject: the value of a hash key, in one of Redis's two encodings.
//
//   listpack   field, value, field, value... in one Listpack, in insertion order, while
//              the hash has at most max_listpack_entries fields and no field or value is
//              longer than max_listpack_value bytes (hash-max-listpack-entries/-value);
//   hashtable  a Dict of HashNode, one allocation per field holding its field and value.
//
// A write that crosses a limit converts to hashtable, never back (as Redis): an HSET of a
// long value converts before it is stored, a field past the entry limit after it is
// added. Limits are passed to every write, so a CONFIG SET applies to later writes.
//
// HashObject is a view over an Entry of type kHash: mutations store the (possibly moved
// or converted) object back into the entry at once, so the view may go out of scope at
// any point, and the entry may be deleted while a view is still around as long as the
// view is not used again. Not thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <random>
#include <span>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

#include "store/dict.h"
#include "store/entry.h"
#include "store/listpack.h"
#include "util/hash.h"

namespace rkv::store {

struct HashLimits {
  size_t max_listpack_entries = 512;
  size_t max_listpack_value = 64;
};

// One field of a hashtable-encoded hash: the chain link, the two lengths as varints, then
// the field and value bytes. "field1" -> "value1" is 22 bytes, one 32-byte jemalloc
// chunk, where Redis spends a dictEntry and two sds strings (32 + 16 + 16).
class HashNode {
 public:
  static HashNode* create(std::string_view field, std::string_view value);
  static void destroy(HashNode* n);
  // Rewrites the value in place when the new layout fits the allocation; false (and
  // nothing changed) when it does not, and the caller swaps in a new node.
  bool assign_in_place(std::string_view value);

  HashNode(const HashNode&) = delete;
  HashNode& operator=(const HashNode&) = delete;

  std::string_view field() const;
  std::string_view value() const;
  size_t allocated_bytes() const;
  HashNode*& next() { return next_; }

 private:
  HashNode() = default;
  static size_t layout_bytes(size_t field_len, size_t value_len);
  const char* body() const { return reinterpret_cast<const char*>(this + 1); }
  char* body() { return reinterpret_cast<char*>(this + 1); }

  HashNode* next_ = nullptr;
};
static_assert(sizeof(HashNode) == 8);

struct HashNodeTraits {
  using Key = std::string_view;
  static Key key(const HashNode& n) { return n.field(); }
  static uint64_t hash(Key k) { return hash_bytes(k); }
  static bool equal(Key a, Key b) { return a == b; }
  static HashNode*& next(HashNode& n) { return n.next(); }
};

// The hashtable encoding's object: the nodes' allocator bytes are counted as they come
// and go, so MEMORY USAGE of a million-field hash is O(1).
struct HashTable {
  Dict<HashNode, HashNodeTraits> dict;
  size_t node_bytes = 0;
};

class HashObject {
 public:
  // A new entry holding an empty (listpack) hash; callers add a field before the key is
  // visible to anyone, as empty hashes do not exist.
  static Entry* make_entry(std::string_view key);

  // REQUIRES: e->type() == ObjType::kHash.
  explicit HashObject(Entry* e);
  ~HashObject();
  HashObject(const HashObject&) = delete;
  HashObject& operator=(const HashObject&) = delete;

  Encoding encoding() const { return entry_->encoding(); }
  bool is_listpack() const { return lp_.has_value(); }
  size_t size() const;

  // The value of field, or nullopt. It views the object's bytes (or scratch, for an
  // integer held by a listpack) and stays valid until the next mutation.
  std::optional<std::string_view> get(std::string_view field, Listpack::Scratch& scratch) const;
  bool contains(std::string_view field) const;

  // Converts to hashtable when one of args (fields and values about to be written) is
  // too long for the listpack (hashTypeTryConversion). Writes check again by themselves;
  // this only decides the conversion before any field is written, as Redis does.
  void convert_if_too_long(std::span<const std::string_view> args, const HashLimits& limits);
  // Sets field to value; true when the field is new.
  bool set(std::string_view field, std::string_view value, const HashLimits& limits);
  // True when the field was there. The caller deletes the key when size() drops to 0.
  bool erase(std::string_view field);

  // fn(field, value) for every field: insertion order for a listpack, table order for a
  // hashtable. fn must not modify the hash.
  template <typename Fn>
  void for_each(Fn&& fn) const;

  // One HSCAN step: fn(field, value) for the fields of the buckets from cursor on, until
  // at least min_fields were seen or max_buckets more were visited (as Redis's loop);
  // returns the next cursor. A listpack answers everything at once with cursor 0.
  template <typename Fn>
  uint64_t scan(uint64_t cursor, size_t min_fields, size_t max_buckets, Fn&& fn) const;

  // Random fields. REQUIRES: size() > 0.
  // fn(field, value) once for a field picked uniformly at random.
  template <typename Fn>
  void random_one(std::mt19937_64& rng, Fn&& fn);
  // `count` picks with replacement (HRANDFIELD with a negative count); fn returns false to
  // stop early.
  template <typename Fn>
  void random_with_replacement(std::mt19937_64& rng, uint64_t count, Fn&& fn);
  // min(count, size()) distinct fields (HRANDFIELD with a positive count). The order is
  // the listpack's for a listpack (as Redis), arbitrary for a hashtable.
  template <typename Fn>
  void random_distinct(std::mt19937_64& rng, size_t count, Fn&& fn);

  // Forces the hashtable encoding (conversion; also used by tests).
  void convert_to_hashtable();

 private:
  HashTable& table() const { return *static_cast<HashTable*>(entry_->object()); }
  void store_listpack() { entry_->set_object(const_cast<uint8_t*>(lp_->data())); }
  bool listpack_fits(std::string_view field, std::string_view value,
                     const HashLimits& limits) const;
  // Positions of the listpack's fields, in order.
  std::vector<Listpack::Pos> field_positions() const;
  template <typename Fn>
  void emit_listpack_pair(Listpack::Pos field_pos, Fn& fn) const;

  Entry* entry_;
  // The entry's listpack, adopted while the view lives (ownership stays with the entry:
  // the destructor gives it up without freeing).
  std::optional<Listpack> lp_;
};

// The per-type hooks Entry dispatches to (entry.cc).
void destroy_hash(Encoding enc, void* obj);
void* clone_hash(Encoding enc, const void* obj);
size_t hash_allocated_bytes(Encoding enc, const void* obj);
// Lazy free's unit: one per field of a hashtable, 1 for a listpack's single block.
size_t hash_free_effort(Encoding enc, const void* obj);

// ---- templates ------------------------------------------------------------------------

template <typename Fn>
void HashObject::emit_listpack_pair(Listpack::Pos field_pos, Fn& fn) const {
  Listpack::Scratch fs, vs;
  Listpack::Value f = lp_->get(field_pos, fs);
  Listpack::Value v = lp_->get(lp_->next(field_pos), vs);
  fn(f.sv, v.sv);
}

template <typename Fn>
void HashObject::for_each(Fn&& fn) const {
  if (lp_) {
    for (Listpack::Pos p = lp_->first(); p != Listpack::kNone; p = lp_->next(lp_->next(p)))
      emit_listpack_pair(p, fn);
    return;
  }
  table().dict.for_each([&fn](const HashNode& n) { fn(n.field(), n.value()); });
}

template <typename Fn>
uint64_t HashObject::scan(uint64_t cursor, size_t min_fields, size_t max_buckets, Fn&& fn) const {
  if (lp_) {
    for_each(fn);
    return 0;
  }
  const auto& dict = table().dict;
  size_t seen = 0;
  do {
    cursor = dict.scan(cursor, [&](const HashNode& n) {
      fn(n.field(), n.value());
      seen++;
    });
  } while (cursor != 0 && max_buckets-- > 0 && seen < min_fields);
  return cursor;
}

template <typename Fn>
void HashObject::random_one(std::mt19937_64& rng, Fn&& fn) {
  if (lp_) {
    size_t i = rng() % size();
    emit_listpack_pair(lp_->seek(static_cast<int64_t>(2 * i)), fn);
    return;
  }
  HashNode* n = table().dict.fair_random_node(rng);
  fn(n->field(), n->value());
}

template <typename Fn>
void HashObject::random_with_replacement(std::mt19937_64& rng, uint64_t count, Fn&& fn) {
  if (lp_) {
    std::vector<Listpack::Pos> fields = field_positions();
    while (count--) {
      Listpack::Pos p = fields[rng() % fields.size()];
      Listpack::Scratch fs, vs;
      if (!fn(lp_->get(p, fs).sv, lp_->get(lp_->next(p), vs).sv)) return;
    }
    return;
  }
  auto& dict = table().dict;
  while (count--) {
    HashNode* n = dict.fair_random_node(rng);
    if (!fn(n->field(), n->value())) return;
  }
}

template <typename Fn>
void HashObject::random_distinct(std::mt19937_64& rng, size_t count, Fn&& fn) {
  size_t n = size();
  if (count >= n) {
    for_each(fn);
    return;
  }
  if (lp_) {
    // Selection sampling (Knuth's algorithm S): one pass, fields come out in order.
    size_t left = n, need = count;
    for (Listpack::Pos p = lp_->first(); need > 0; p = lp_->next(lp_->next(p)), left--) {
      if (rng() % left < need) {
        emit_listpack_pair(p, fn);
        need--;
      }
    }
    return;
  }
  auto& dict = table().dict;
  std::vector<HashNode*> picked;
  picked.reserve(count * 3 > n ? n : count);
  if (count * 3 > n) {
    // Many of the fields: a partial shuffle of all of them beats retrying duplicates.
    dict.for_each([&picked](HashNode& node) { picked.push_back(&node); });
    for (size_t i = 0; i < count; i++) std::swap(picked[i], picked[i + rng() % (n - i)]);
    picked.resize(count);
  } else {
    // Few of many: random picks, duplicates skipped (count is at most a third of n, so a
    // pick is new with probability above 2/3).
    std::unordered_set<HashNode*> seen;
    seen.reserve(count);
    while (picked.size() < count) {
      HashNode* node = dict.fair_random_node(rng);
      if (seen.insert(node).second) picked.push_back(node);
    }
  }
  for (HashNode* node : picked) fn(node->field(), node->value());
}

}  // namespace rkv::store

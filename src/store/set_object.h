// SetObject: a set value over its three encodings, converted as Redis 7.2 converts them.
//
//   intset     every member is a canonical int64 text and there are at most
//              set-max-intset-entries of them; sorted, so iteration is ascending;
//   listpack   small sets with other members: at most set-max-listpack-entries members of
//              at most set-max-listpack-value bytes each; insertion order;
//   hashtable  a StringSet, beyond either limit.
//
// Conversions only go up (intset -> listpack -> hashtable, or intset -> hashtable), on the
// add that crosses a limit, by Redis 7.2's rules (t_set.c setTypeAddAux): a non-integer
// added to an intset makes a listpack only while the intset holds fewer than
// set-max-listpack-entries members and the new member (and the intset's longest integer)
// fits set-max-listpack-value; an intset that grows past set-max-intset-entries becomes a
// hashtable. Removals never convert down; computed results (SINTERSTORE...) are built
// from an empty intset, so they take the smallest encoding that fits.
//
// The object is what an Entry points at: adopt() takes the pointer an Entry holds and
// release() gives it back (BorrowedSet below does both around a command). Not thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <random>
#include <string_view>
#include <variant>

#include "store/entry.h"
#include "store/intset.h"
#include "store/listpack.h"
#include "store/object_type.h"
#include "store/string_set.h"
#include "util/numbers.h"

namespace rkv::store {

// The set-max-* configs, read at each command (CONFIG SET applies to the next add).
struct SetLimits {
  size_t intset_entries = 512;
  size_t listpack_entries = 128;
  size_t listpack_value = 64;
};

class SetObject {
 public:
  using Scratch = char[kMaxInt64Chars];
  SetObject() = default;  // an empty intset
  // The encoding Redis 7.2 gives a new set whose first member is `first`, about to get
  // size_hint members (setTypeCreate): intset, listpack or hashtable.
  static SetObject create(std::string_view first, size_t size_hint, const SetLimits& limits);
  // Takes ownership of an Entry's object; release() gives it back.
  static SetObject adopt(Encoding enc, void* obj);
  void* release();
  SetObject clone() const;

  Encoding encoding() const;
  size_t size() const;
  bool empty() const { return size() == 0; }
  size_t allocated_bytes() const;

  // Non-const: a hashtable lookup also advances its incremental rehash.
  bool contains(std::string_view m);
  bool add(std::string_view m, const SetLimits& limits);  // false when already present
  bool remove(std::string_view m);                        // false when absent
  // Before adding size_hint members to an existing set (SADD): a listpack or intset that
  // the hint alone would overflow becomes a hashtable at once (Redis 7.2's
  // setTypeMaybeConvert), instead of converting halfway through.
  void prepare_for(size_t size_hint, const SetLimits& limits);
  // Rebuilds into the smallest encoding that fits, if that is smaller than the current one
  // (a computed result that shrank after being built, e.g. SDIFF by removal).
  void compact(const SetLimits& limits);

  // A member chosen uniformly at random. The view is into the set (or scratch, where an
  // integer is formatted) and is valid until the set changes. REQUIRES: !empty()
  std::string_view random(std::mt19937_64& rng, Scratch& scratch);

  // fn(std::string_view member) for each member in the encoding's order (ascending for an
  // intset); fn returns false to stop early. The set must not change meanwhile.
  template <typename Fn>
  void for_each(Fn&& fn) const;
  // One SSCAN step. A hashtable visits the buckets named by cursor and returns the next
  // cursor; the compact encodings visit everything and return 0, as Redis does.
  template <typename Fn>
  uint64_t scan(uint64_t cursor, Fn&& fn) const;

 private:
  using Table = std::unique_ptr<StringSet>;
  explicit SetObject(Intset is) : rep_(std::move(is)) {}
  explicit SetObject(Listpack lp) : rep_(std::move(lp)) {}
  explicit SetObject(Table t) : rep_(std::move(t)) {}
  void convert_to_listpack();
  void convert_to_table();
  bool add_to_intset(std::string_view m, const SetLimits& limits);

  std::variant<Intset, Listpack, Table> rep_;
};

template <typename Fn>
void SetObject::for_each(Fn&& fn) const {
  if (const auto* is = std::get_if<Intset>(&rep_)) {
    Scratch scratch;
    for (size_t i = 0, n = is->size(); i < n; i++)
      if (!fn(std::string_view(scratch, format_int64(is->at(i), scratch)))) return;
  } else if (const auto* lp = std::get_if<Listpack>(&rep_)) {
    Listpack::Scratch scratch;
    for (Listpack::Pos p = lp->first(); p != Listpack::kNone; p = lp->next(p))
      if (!fn(lp->get(p, scratch).sv)) return;
  } else {
    // Dict::for_each cannot stop, so the rest of the walk only skips (cheap next to the
    // per-member work a caller stops to save).
    bool going = true;
    std::get<Table>(rep_)->for_each([&](std::string_view m) {
      if (going) going = fn(m);
    });
  }
}

template <typename Fn>
uint64_t SetObject::scan(uint64_t cursor, Fn&& fn) const {
  if (const auto* t = std::get_if<Table>(&rep_)) return (*t)->scan(cursor, fn);
  for_each([&fn](std::string_view m) {
    fn(m);
    return true;
  });
  return 0;
}

// Frees, copies and measures an Entry's set object (entry.cc's per-type dispatch).
void destroy_set(Encoding enc, void* obj);
void* clone_set(Encoding enc, const void* obj);
size_t set_allocated_bytes(Encoding enc, const void* obj);
// Lazy free's unit: one per member of a hashtable, 1 for the single block of the others.
size_t set_free_effort(Encoding enc, const void* obj);

// An Entry's set borrowed for one command: the object is taken out of the entry and put
// back, with its possibly new encoding and address, when the borrow ends. End it (scope
// or done()) before the entry is deleted or replaced.
class BorrowedSet {
 public:
  explicit BorrowedSet(Entry* e) : entry_(e), set_(SetObject::adopt(e->encoding(), e->object())) {}
  ~BorrowedSet() { done(); }
  BorrowedSet(BorrowedSet&& o) noexcept : entry_(o.entry_), set_(std::move(o.set_)) {
    o.entry_ = nullptr;
  }
  BorrowedSet& operator=(BorrowedSet&&) = delete;
  BorrowedSet(const BorrowedSet&) = delete;
  BorrowedSet& operator=(const BorrowedSet&) = delete;

  SetObject& operator*() { return set_; }
  SetObject* operator->() { return &set_; }
  void done() {
    if (!entry_) return;
    Encoding enc = set_.encoding();
    entry_->set_encoding(enc, set_.release());
    entry_ = nullptr;
  }

 private:
  Entry* entry_;
  SetObject set_;
};

}  // namespace rkv::store

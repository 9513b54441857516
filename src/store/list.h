// List values (TYPE list) over their two encodings, as Redis 7.2 keeps them:
//   listpack   while the whole list fits list-max-listpack-size as one node would;
//   quicklist  beyond that (store/quicklist.h).
// A push that would take the listpack over the limit converts it first (the limit is
// checked against the listpack's bytes plus the raw lengths of all the values pushed,
// as 7.2 does). A deletion that leaves a quicklist of one node within half the limit
// (bytes and count) converts it back: the half keeps a list that hovers around the limit
// from converting on every push and pop.
//
// The functions take the Entry of a list key and keep its encoding and object pointer
// right (a listpack moves when it grows). They do not delete emptied lists: the caller
// removes the key. Not thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "store/entry.h"
#include "store/listpack.h"
#include "store/quicklist.h"

namespace rkv::store {

struct ListConfig {
  int fill = -2;           // list-max-listpack-size
  int compress_depth = 0;  // list-compress-depth
};

enum class ListEnd : uint8_t { kHead, kTail };

namespace list {

// A new entry holding an empty list (listpack); the caller pushes into it before anything
// else can see it.
Entry* create(std::string_view key);
size_t size(const Entry& e);

void push(Entry& e, ListEnd end, std::span<const std::string_view> values, const ListConfig& cfg);
// Removes the elements with index in [start, start + count). REQUIRES: in range.
void erase(Entry& e, size_t start, size_t count, const ListConfig& cfg);
// Replaces the element at index. REQUIRES: index < size(e).
void set(Entry& e, size_t index, std::string_view v, const ListConfig& cfg);
// Inserts v before/after the first element equal to pivot; false when there is none.
bool insert(Entry& e, std::string_view pivot, bool after, std::string_view v,
            const ListConfig& cfg);
// LREM: count > 0 removes the first count matches from the head, < 0 from the tail,
// 0 all of them. Returns how many went.
size_t remove(Entry& e, std::string_view v, int64_t count, const ListConfig& cfg);

// Reads elements from an index toward the tail (forward) or the head. Values are valid
// until the next advance(); the list must not change while a reader is in use.
class Reader {
 public:
  // REQUIRES: index < size(e).
  Reader(const Entry& e, size_t index, bool forward);
  bool valid() const { return ql_ ? ql_->valid() : pos_ != Listpack::kNone; }
  Listpack::Value value(Listpack::Scratch& scratch) const {
    return ql_ ? ql_->value(scratch) : (*lp_)->get(pos_, scratch);
  }
  bool equals(std::string_view s) const { return ql_ ? ql_->equals(s) : (*lp_)->equals(pos_, s); }
  void advance();

 private:
  bool forward_;
  std::optional<ListpackView> lp_;
  Listpack::Pos pos_ = Listpack::kNone;
  std::optional<Quicklist::Reader> ql_;
};

// Entry dispatch (entry.cc).
void destroy(Encoding enc, void* obj);
void* clone(Encoding enc, const void* obj);
size_t allocated_bytes(Encoding enc, const void* obj);
// Lazy free's cost units, as Redis counts them: a quicklist's nodes, 1 for a listpack.
size_t free_effort(Encoding enc, const void* obj);

}  // namespace list
}  // namespace rkv::store

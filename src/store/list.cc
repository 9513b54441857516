#include "store/list.h"

#include <memory>

#include "util/memory.h"

namespace rkv::store::list {
namespace {

bool is_listpack(const Entry& e) {
  return e.encoding() == Encoding::kListpack;
}

Quicklist& quicklist_of(const Entry& e) {
  return *static_cast<Quicklist*>(e.object());
}

// A listpack-encoded entry's listpack for an edit; writes the bytes back (a growing
// listpack may move) when it goes out of scope.
class ListpackEdit {
 public:
  explicit ListpackEdit(Entry& e) : e_(e), lp_(Listpack::adopt(e.object())) {}
  ~ListpackEdit() { e_.set_object(lp_.release()); }
  ListpackEdit(const ListpackEdit&) = delete;
  ListpackEdit& operator=(const ListpackEdit&) = delete;
  Listpack* operator->() { return &lp_; }
  Listpack& operator*() { return lp_; }

 private:
  Entry& e_;
  Listpack lp_;
};

Listpack::Pos seek(const Listpack& lp, size_t index) {
  size_t n = lp.size();
  if (index > n / 2) return lp.seek(static_cast<int64_t>(index) - static_cast<int64_t>(n));
  return lp.seek(static_cast<int64_t>(index));
}

// Converts a listpack list that would exceed the limit once add_count elements of
// add_bytes raw bytes in total join it.
void convert_if_growing_past(Entry& e, size_t add_bytes, size_t add_count, const ListConfig& cfg) {
  if (!is_listpack(e)) return;
  {
    ListpackView lp(e.object());
    if (!ListpackLimit::exceeded(cfg.fill, lp->bytes() + add_bytes, lp->size() + add_count)) return;
  }
  auto ql = Quicklist::from_listpack(Listpack::adopt(e.object()), cfg.fill, cfg.compress_depth);
  e.set_encoding(Encoding::kQuicklist, ql.release());
}

// After a deletion: a quicklist down to one node within half the limit becomes a listpack.
void convert_if_shrunk(Entry& e, const ListConfig& cfg) {
  if (is_listpack(e)) return;
  Quicklist& ql = quicklist_of(e);
  if (ql.node_count() != 1) return;
  ListpackLimit limit = ListpackLimit::from_fill(cfg.fill);
  if (ql.head_bytes() > limit.bytes / 2 || ql.size() > limit.count / 2) return;
  Listpack lp = ql.take_single_node();
  destroy(Encoding::kQuicklist, &ql);
  e.set_encoding(Encoding::kListpack, lp.release());
}

}  // namespace

Entry* create(std::string_view key) {
  Listpack lp;
  return Entry::make_object(key, ObjType::kList, Encoding::kListpack, lp.release());
}

size_t size(const Entry& e) {
  if (is_listpack(e)) return ListpackView(e.object())->size();
  return quicklist_of(e).size();
}

void push(Entry& e, ListEnd end, std::span<const std::string_view> values, const ListConfig& cfg) {
  size_t add_bytes = 0;
  for (std::string_view v : values) add_bytes += v.size();
  convert_if_growing_past(e, add_bytes, values.size(), cfg);
  if (is_listpack(e)) {
    ListpackEdit lp(e);
    for (std::string_view v : values) {
      if (end == ListEnd::kHead)
        lp->push_front(v);
      else
        lp->push_back(v);
    }
    return;
  }
  Quicklist& ql = quicklist_of(e);
  for (std::string_view v : values) {
    if (end == ListEnd::kHead)
      ql.push_front(v);
    else
      ql.push_back(v);
  }
}

void erase(Entry& e, size_t start, size_t count, const ListConfig& cfg) {
  if (is_listpack(e)) {
    if (count) ListpackEdit(e)->erase_range(start, count);
    return;
  }
  quicklist_of(e).erase_range(start, count);
  convert_if_shrunk(e, cfg);  // even when nothing went, as 7.2's LTRIM
}

void set(Entry& e, size_t index, std::string_view v, const ListConfig& cfg) {
  convert_if_growing_past(e, v.size(), 1, cfg);
  if (is_listpack(e)) {
    ListpackEdit lp(e);
    lp->replace(seek(*lp, index), v);
    return;
  }
  quicklist_of(e).replace(index, v);
  convert_if_shrunk(e, cfg);  // a big element may have been replaced by a small one
}

bool insert(Entry& e, std::string_view pivot, bool after, std::string_view v,
            const ListConfig& cfg) {
  // 7.2 checks the limit before looking for the pivot: a missing pivot still converts.
  convert_if_growing_past(e, v.size(), 1, cfg);
  if (!is_listpack(e)) return quicklist_of(e).insert_at_pivot(pivot, v, after);
  ListpackEdit lp(e);
  Listpack::Pos p = lp->find(pivot, lp->first());
  if (p == Listpack::kNone) return false;
  if (after) {
    p = lp->next(p);
    if (p == Listpack::kNone) p = lp->end();
  }
  lp->insert(p, v);
  return true;
}

size_t remove(Entry& e, std::string_view v, int64_t count, const ListConfig& cfg) {
  const bool from_tail = count < 0;
  const size_t limit =
      from_tail ? static_cast<size_t>(-(count + 1)) + 1 : static_cast<size_t>(count);
  if (!is_listpack(e)) {
    size_t removed = quicklist_of(e).remove(v, limit, from_tail);
    if (removed) convert_if_shrunk(e, cfg);
    return removed;
  }
  ListpackEdit lp(e);
  size_t removed = 0;
  if (!from_tail) {
    Listpack::Pos p = lp->first();
    while (p != Listpack::kNone && p != lp->end() && (limit == 0 || removed < limit)) {
      if (lp->equals(p, v)) {
        p = lp->erase(p);
        removed++;
      } else {
        p = lp->next(p);
      }
    }
  } else {
    Listpack::Pos p = lp->last();
    while (p != Listpack::kNone && removed < limit) {
      Listpack::Pos before = lp->prev(p);  // erasing at p leaves earlier positions alone
      if (lp->equals(p, v)) {
        lp->erase(p);
        removed++;
      }
      p = before;
    }
  }
  return removed;
}

Reader::Reader(const Entry& e, size_t index, bool forward) : forward_(forward) {
  if (is_listpack(e)) {
    lp_.emplace(e.object());
    pos_ = seek(**lp_, index);
  } else {
    ql_.emplace(quicklist_of(e), index, forward);
  }
}

void Reader::advance() {
  if (ql_)
    ql_->advance();
  else
    pos_ = forward_ ? (*lp_)->next(pos_) : (*lp_)->prev(pos_);
}

void destroy(Encoding enc, void* obj) {
  if (enc == Encoding::kListpack) {
    Listpack freed = Listpack::adopt(obj);
  } else {
    std::default_delete<Quicklist>()(static_cast<Quicklist*>(obj));
  }
}

void* clone(Encoding enc, const void* obj) {
  if (enc == Encoding::kListpack) return ListpackView(obj)->clone().release();
  return static_cast<const Quicklist*>(obj)->clone().release();
}

size_t allocated_bytes(Encoding enc, const void* obj) {
  if (enc == Encoding::kListpack) return ListpackView(obj)->allocated_bytes();
  return allocation_size(obj) + static_cast<const Quicklist*>(obj)->allocated_bytes();
}

size_t free_effort(Encoding enc, const void* obj) {
  if (enc == Encoding::kListpack) return 1;
  return static_cast<const Quicklist*>(obj)->node_count();
}

}  // namespace rkv::store::list

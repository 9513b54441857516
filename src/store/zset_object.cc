#include "store/zset_object.h"

#include <cmath>

#include "util/memory.h"
#include "util/numbers.h"

namespace rkv::store {
namespace {

using Pos = Listpack::Pos;
constexpr Pos kNone = Listpack::kNone;

// Redis refuses to grow a listpack past 1 GiB (lpSafeToAdd); such a zset converts.
constexpr size_t kListpackSafetyBytes = size_t{1} << 30;

// An integral score within +-2^62 is written as that integer, anything else as its %.17g
// text: Redis's d2string, so -0 is stored as 0 and 1e17 as 100000000000000000.
std::optional<int64_t> score_as_int(double v) {
  constexpr double kLimit = 4611686018427387904.0;  // (double)(LLONG_MAX / 2)
  if (!(v >= -kLimit && v <= kLimit)) return std::nullopt;
  auto i = static_cast<int64_t>(v);
  if (static_cast<double>(i) != v) return std::nullopt;
  return i;
}

// The listpack an entry owns, borrowed for one operation: the bytes (perhaps moved by a
// mutation) go back to the entry when it ends.
class BorrowedListpack {
 public:
  explicit BorrowedListpack(Entry* e) : e_(e), lp_(Listpack::adopt(e->object())) {}
  ~BorrowedListpack() { e_->set_object(lp_.release()); }
  BorrowedListpack(const BorrowedListpack&) = delete;
  BorrowedListpack& operator=(const BorrowedListpack&) = delete;
  Listpack& operator*() { return lp_; }
  Listpack* operator->() { return &lp_; }

 private:
  Entry* e_;
  Listpack lp_;
};

double lp_score(const Listpack& lp, Pos p) {
  Listpack::Scratch scratch;
  Listpack::Value v = lp.get(p, scratch);
  if (v.is_int) return static_cast<double>(v.ival);
  return parse_double(v.sv).value_or(0);  // we wrote it: always a valid number
}

std::string_view lp_member(const Listpack& lp, Pos p, Listpack::Scratch& scratch) {
  return lp.get(p, scratch).sv;
}

// Member positions: a member is followed by its score.
Pos next_member(const Listpack& lp, Pos m) {
  Pos s = lp.next(m);
  return s == kNone ? kNone : lp.next(s);
}
Pos prev_member(const Listpack& lp, Pos m) {
  Pos s = lp.prev(m);
  return s == kNone ? kNone : lp.prev(s);
}
Pos last_member(const Listpack& lp) {
  Pos s = lp.last();
  return s == kNone ? kNone : lp.prev(s);
}

Pos lp_find(const Listpack& lp, std::string_view member) {
  return lp.find(member, lp.first(), 1);
}

void lp_insert(Listpack& lp, double score, std::string_view member) {
  // Before the first pair that sorts after (score, member).
  Pos at = lp.end();
  Listpack::Scratch scratch;
  for (Pos m = lp.first(); m != kNone; m = next_member(lp, m)) {
    double s = lp_score(lp, lp.next(m));
    if (s > score || (s == score && lp_member(lp, m, scratch) > member)) {
      at = m;
      break;
    }
  }
  Pos m = lp.insert(at, member);
  Pos after = lp.next(m);
  if (after == kNone) after = lp.end();
  if (auto i = score_as_int(score)) {
    lp.insert_int(after, *i);
  } else {
    char buf[64];
    lp.insert(after, std::string_view(buf, format_double(score, buf, sizeof(buf))));
  }
}

// The first member position from which pairs satisfy `inside`, walking up from the lowest.
template <typename Before>
Pos lp_first_where(const Listpack& lp, Before before) {
  for (Pos m = lp.first(); m != kNone; m = next_member(lp, m))
    if (!before(lp, m)) return m;
  return kNone;
}

template <typename After>
Pos lp_last_where(const Listpack& lp, After after) {
  for (Pos m = last_member(lp); m != kNone; m = prev_member(lp, m))
    if (!after(lp, m)) return m;
  return kNone;
}

Pos lp_first_in(const Listpack& lp, const ScoreRange& r) {
  if (r.empty()) return kNone;
  Pos m = lp_first_where(
      lp, [&](const Listpack& l, Pos p) { return !r.gte_min(lp_score(l, l.next(p))); });
  return m != kNone && r.lte_max(lp_score(lp, lp.next(m))) ? m : kNone;
}

Pos lp_last_in(const Listpack& lp, const ScoreRange& r) {
  if (r.empty()) return kNone;
  Pos m = lp_last_where(
      lp, [&](const Listpack& l, Pos p) { return !r.lte_max(lp_score(l, l.next(p))); });
  return m != kNone && r.gte_min(lp_score(lp, lp.next(m))) ? m : kNone;
}

Pos lp_first_in(const Listpack& lp, const LexRange& r) {
  if (r.empty()) return kNone;
  Listpack::Scratch s;
  Pos m =
      lp_first_where(lp, [&](const Listpack& l, Pos p) { return !r.gte_min(lp_member(l, p, s)); });
  return m != kNone && r.lte_max(lp_member(lp, m, s)) ? m : kNone;
}

Pos lp_last_in(const Listpack& lp, const LexRange& r) {
  if (r.empty()) return kNone;
  Listpack::Scratch s;
  Pos m =
      lp_last_where(lp, [&](const Listpack& l, Pos p) { return !r.lte_max(lp_member(l, p, s)); });
  return m != kNone && r.gte_min(lp_member(lp, m, s)) ? m : kNone;
}

std::unique_ptr<SkiplistZset> skiplist_from(const Listpack& lp) {
  auto zs = std::make_unique<SkiplistZset>();
  Listpack::Scratch scratch;
  for (Pos m = lp.first(); m != kNone; m = next_member(lp, m))
    zs->insert(lp_score(lp, lp.next(m)), lp_member(lp, m, scratch));
  return zs;
}

Listpack listpack_from(const SkiplistZset& zs) {
  Listpack lp;
  for (ZNode* n = zs.list().first(); n; n = n->next()) {
    lp.push_back(n->member());
    if (auto i = score_as_int(n->score())) {
      lp.push_back_int(*i);
    } else {
      char buf[64];
      lp.push_back(std::string_view(buf, format_double(n->score(), buf, sizeof(buf))));
    }
  }
  return lp;
}

}  // namespace

// --- SkiplistZset ---------------------------------------------------------------------

SkiplistZset::~SkiplistZset() {
  // The skip list frees the nodes; the table only links them.
  dict_.clear([](ZNode*) {});
}

ZNode* SkiplistZset::insert(double score, std::string_view member) {
  ZNode* n = list_.insert(score, member);
  dict_.insert(n);
  return n;
}

void SkiplistZset::erase(ZNode* n) {
  dict_.erase(n->member());
  list_.erase(n);
  shrink_table();
}

void SkiplistZset::forget(ZNode* x) {
  dict_.erase(x->member());
  list_.free_node(x);
}

void SkiplistZset::shrink_table() {
  // Redis shrinks a zset's table after removals (htNeedsResize); so do we, below 10% fill.
  dict_.shrink_if_sparse();
}

size_t SkiplistZset::allocated_bytes() const {
  return allocation_size(this) + list_.allocated_bytes() + dict_.bucket_bytes();
}

// --- ZsetCursor -------------------------------------------------------------------------

ZsetCursor::ZsetCursor(ZsetCursor&& o) noexcept
    : node_(o.node_), lp_(std::move(o.lp_)), pos_(o.pos_), score_(o.score_) {
  o.node_ = nullptr;
  o.lp_.reset();
  o.pos_ = kNone;
  load();  // an integer member's text lives in our own scratch
}

ZsetCursor::~ZsetCursor() {
  if (lp_) lp_->release();  // borrowed: the entry still owns the bytes
}

bool ZsetCursor::valid() const {
  return lp_ ? pos_ != kNone : node_ != nullptr;
}

void ZsetCursor::load() {
  if (lp_) {
    if (pos_ == kNone) return;
    member_ = lp_member(*lp_, pos_, scratch_);
    score_ = lp_score(*lp_, lp_->next(pos_));
  } else if (node_) {
    member_ = node_->member();
    score_ = node_->score();
  }
}

void ZsetCursor::next() {
  if (lp_)
    pos_ = next_member(*lp_, pos_);
  else
    node_ = node_->next();
  load();
}

void ZsetCursor::prev() {
  if (lp_)
    pos_ = prev_member(*lp_, pos_);
  else
    node_ = node_->prev();
  load();
}

// --- Zset -------------------------------------------------------------------------------

Entry* Zset::make_entry(std::string_view key, const ZsetLimits& limits, size_t size_hint,
                        size_t first_member_len) {
  if (limits.max_listpack_entries == 0 || size_hint > limits.max_listpack_entries ||
      first_member_len > limits.max_listpack_value) {
    auto zs = std::make_unique<SkiplistZset>();
    return Entry::make_object(key, ObjType::kZset, Encoding::kSkiplist, zs.release());
  }
  Listpack lp;
  return Entry::make_object(key, ObjType::kZset, Encoding::kListpack, lp.release());
}

Entry* Zset::make_entry(std::string_view key, std::unique_ptr<SkiplistZset> zs,
                        const ZsetLimits& limits, size_t max_member_len) {
  if (zs->size() <= limits.max_listpack_entries && max_member_len <= limits.max_listpack_value) {
    Listpack lp = listpack_from(*zs);
    return Entry::make_object(key, ObjType::kZset, Encoding::kListpack, lp.release());
  }
  return Entry::make_object(key, ObjType::kZset, Encoding::kSkiplist, zs.release());
}

size_t Zset::size() const {
  if (is_listpack()) return BorrowedListpack(e_)->size() / 2;
  return sl()->size();
}

std::optional<double> Zset::score(std::string_view member) {
  if (is_listpack()) {
    BorrowedListpack lp(e_);
    Pos m = lp_find(*lp, member);
    if (m == kNone) return std::nullopt;
    return lp_score(*lp, lp->next(m));
  }
  if (ZNode* n = sl()->find(member)) return n->score();
  return std::nullopt;
}

void Zset::convert_to_skiplist() {
  if (!is_listpack()) return;
  Listpack lp = Listpack::adopt(e_->object());
  e_->set_encoding(Encoding::kSkiplist, skiplist_from(lp).release());
}

ZaddResult Zset::add(double score, std::string_view member, unsigned flags,
                     const ZsetLimits& limits, double* newscore) {
  if (std::isnan(score)) return ZaddResult::kNan;
  // The member's current score, wherever it lives.
  std::optional<double> cur;
  ZNode* node = nullptr;
  Pos pos = kNone;
  if (is_listpack()) {
    BorrowedListpack lp(e_);
    pos = lp_find(*lp, member);
    if (pos != kNone) cur = lp_score(*lp, lp->next(pos));
  } else if ((node = sl()->find(member))) {
    cur = node->score();
  }

  if (cur) {
    if (flags & kZaddNx) return ZaddResult::kSkipped;
    if (flags & kZaddIncr) {
      score += *cur;
      if (std::isnan(score)) return ZaddResult::kNan;
    }
    if (((flags & kZaddLt) && score >= *cur) || ((flags & kZaddGt) && score <= *cur))
      return ZaddResult::kSkipped;
    *newscore = score;
    if (score == *cur) return ZaddResult::kSame;
    if (node) {
      sl()->update_score(node, score);
    } else {
      BorrowedListpack lp(e_);
      // The member's bytes may live in the listpack: copy them before the erase.
      std::string m(member);
      lp->erase(pos, 2);
      lp_insert(*lp, score, m);
    }
    return ZaddResult::kUpdated;
  }

  if (flags & kZaddXx) return ZaddResult::kSkipped;
  if (is_listpack()) {
    bool fits;
    {
      BorrowedListpack lp(e_);
      fits = lp->size() / 2 + 1 <= limits.max_listpack_entries &&
             member.size() <= limits.max_listpack_value &&
             lp->bytes() + member.size() <= kListpackSafetyBytes;
      if (fits) lp_insert(*lp, score, member);
    }
    if (!fits) {
      // Converted before the insert, as Redis does.
      convert_to_skiplist();
      sl()->insert(score, member);
    }
  } else {
    sl()->insert(score, member);
  }
  *newscore = score;
  return ZaddResult::kAdded;
}

bool Zset::remove(std::string_view member) {
  if (is_listpack()) {
    BorrowedListpack lp(e_);
    Pos m = lp_find(*lp, member);
    if (m == kNone) return false;
    lp->erase(m, 2);
    return true;
  }
  ZNode* n = sl()->find(member);
  if (!n) return false;
  sl()->erase(n);
  return true;
}

std::optional<size_t> Zset::rank(std::string_view member, bool reverse) {
  size_t r;
  if (is_listpack()) {
    BorrowedListpack lp(e_);
    Pos found = lp_find(*lp, member);
    if (found == kNone) return std::nullopt;
    r = 0;
    for (Pos m = lp->first(); m != found; m = next_member(*lp, m)) r++;
  } else {
    ZNode* n = sl()->find(member);
    if (!n) return std::nullopt;
    r = sl()->list().rank_of(n);
  }
  return reverse ? size() - 1 - r : r;
}

size_t Zset::count(const ScoreRange& r) {
  if (is_listpack()) {
    size_t n = 0;
    for (ZsetCursor c = first_in(r); c.valid() && r.lte_max(c.score()); c.next()) n++;
    return n;
  }
  const Skiplist& list = sl()->list();
  ZNode* first = list.first_in(r);
  if (!first) return 0;
  return list.rank_of(list.last_in(r)) - list.rank_of(first) + 1;
}

size_t Zset::count(const LexRange& r) {
  if (is_listpack()) {
    size_t n = 0;
    for (ZsetCursor c = first_in(r); c.valid() && r.lte_max(c.member()); c.next()) n++;
    return n;
  }
  const Skiplist& list = sl()->list();
  ZNode* first = list.first_in(r);
  if (!first) return 0;
  return list.rank_of(list.last_in(r)) - list.rank_of(first) + 1;
}

ZsetCursor Zset::lp_cursor(Pos member_pos) const {
  ZsetCursor c;
  c.lp_.emplace(Listpack::adopt(e_->object()));
  c.pos_ = member_pos;
  c.load();
  return c;
}

ZsetCursor Zset::at(size_t rank) {
  if (is_listpack()) {
    Pos m = kNone;
    if (rank < size()) m = BorrowedListpack(e_)->seek(static_cast<int64_t>(rank * 2));
    return lp_cursor(m);
  }
  ZsetCursor c;
  c.node_ = sl()->list().at(rank);
  c.load();
  return c;
}

ZsetCursor Zset::first_in(const ScoreRange& r) {
  if (is_listpack()) return lp_cursor(lp_first_in(*BorrowedListpack(e_), r));
  ZsetCursor c;
  c.node_ = sl()->list().first_in(r);
  c.load();
  return c;
}

ZsetCursor Zset::last_in(const ScoreRange& r) {
  if (is_listpack()) return lp_cursor(lp_last_in(*BorrowedListpack(e_), r));
  ZsetCursor c;
  c.node_ = sl()->list().last_in(r);
  c.load();
  return c;
}

ZsetCursor Zset::first_in(const LexRange& r) {
  if (is_listpack()) return lp_cursor(lp_first_in(*BorrowedListpack(e_), r));
  ZsetCursor c;
  c.node_ = sl()->list().first_in(r);
  c.load();
  return c;
}

ZsetCursor Zset::last_in(const LexRange& r) {
  if (is_listpack()) return lp_cursor(lp_last_in(*BorrowedListpack(e_), r));
  ZsetCursor c;
  c.node_ = sl()->list().last_in(r);
  c.load();
  return c;
}

void Zset::skip(ZsetCursor& c, size_t n, bool reverse) {
  // A few steps cost less than the two O(log n) rank walks.
  constexpr size_t kWalkLimit = 16;
  if (is_listpack() || n <= kWalkLimit || !c.valid()) {
    for (size_t i = 0; i < n && c.valid(); i++) {
      if (reverse)
        c.prev();
      else
        c.next();
    }
    return;
  }
  const Skiplist& list = sl()->list();
  size_t r = list.rank_of(c.node_);
  c.node_ = reverse ? (n > r ? nullptr : list.at(r - n)) : list.at(r + n);
  c.load();
}

size_t Zset::remove_ranks(size_t start, size_t end) {
  if (is_listpack()) {
    BorrowedListpack(e_)->erase_range(start * 2, (end - start + 1) * 2);
    return end - start + 1;
  }
  return sl()->erase_ranks(start, end);
}

// Erases the pairs from `first` on while inside(listpack, member position) holds.
template <typename Inside>
size_t Zset::lp_remove_run(Pos first, Inside inside) {
  if (first == kNone) return 0;
  BorrowedListpack lp(e_);
  size_t n = 0;
  for (Pos m = first; m != kNone && inside(*lp, m); m = next_member(*lp, m)) n++;
  lp->erase(first, n * 2);
  return n;
}

size_t Zset::remove_range(const ScoreRange& r) {
  if (is_listpack()) {
    Pos first = lp_first_in(*BorrowedListpack(e_), r);
    return lp_remove_run(
        first, [&](const Listpack& lp, Pos m) { return r.lte_max(lp_score(lp, lp.next(m))); });
  }
  return sl()->erase_range(r);
}

size_t Zset::remove_range(const LexRange& r) {
  if (is_listpack()) {
    Pos first = lp_first_in(*BorrowedListpack(e_), r);
    Listpack::Scratch s;
    return lp_remove_run(first,
                         [&](const Listpack& lp, Pos m) { return r.lte_max(lp_member(lp, m, s)); });
  }
  return sl()->erase_range(r);
}

size_t Zset::score_text(double score, char* buf, size_t cap) const {
  if (is_listpack()) {
    if (auto i = score_as_int(score)) return format_int64(*i, buf);
  }
  return format_double(score, buf, cap);
}

// --- Entry hooks --------------------------------------------------------------------------

void destroy_zset(Encoding enc, void* obj) {
  if (enc == Encoding::kListpack)
    Listpack::adopt(obj);  // the temporary frees the bytes
  else
    std::unique_ptr<SkiplistZset>(static_cast<SkiplistZset*>(obj));
}

void* clone_zset(Encoding enc, const void* obj) {
  if (enc == Encoding::kListpack) {
    Listpack src = Listpack::adopt(const_cast<void*>(obj));
    Listpack copy = src.clone();
    src.release();
    return copy.release();
  }
  const auto* src = static_cast<const SkiplistZset*>(obj);
  auto copy = std::make_unique<SkiplistZset>();
  for (ZNode* n = src->list().first(); n; n = n->next()) copy->insert(n->score(), n->member());
  return copy.release();
}

size_t zset_allocated_bytes(Encoding enc, const void* obj) {
  if (enc == Encoding::kListpack) {
    Listpack lp = Listpack::adopt(const_cast<void*>(obj));
    size_t n = lp.allocated_bytes();
    lp.release();
    return n;
  }
  return static_cast<const SkiplistZset*>(obj)->allocated_bytes();
}

size_t zset_free_effort(Encoding enc, const void* obj) {
  if (enc == Encoding::kListpack) return 1;
  return static_cast<const SkiplistZset*>(obj)->size();
}

}  // namespace rkv::store

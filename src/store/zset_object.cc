#include "store/zset_object.h"

#include <cmath>

#include "util/memory.h"

namespace rkv::store {

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
  // Redis shrinks a zset's table after removals (htNeedsResize); ours only at 10% fill.
  dict_.shrink_if_sparse();
}

size_t SkiplistZset::allocated_bytes() const {
  return allocation_size(this) + list_.allocated_bytes() + dict_.bucket_bytes();
}

// --- ZsetCursor -------------------------------------------------------------------------

ZsetCursor::ZsetCursor(ZsetCursor&& o) noexcept
    : node_(o.node_), member_(o.member_), score_(o.score_) {
  o.node_ = nullptr;
}

ZsetCursor::~ZsetCursor() = default;

bool ZsetCursor::valid() const {
  return node_ != nullptr;
}

void ZsetCursor::load() {
  if (node_) {
    member_ = node_->member();
    score_ = node_->score();
  }
}

void ZsetCursor::next() {
  node_ = node_->next();
  load();
}

void ZsetCursor::prev() {
  node_ = node_->prev();
  load();
}

// --- Zset -------------------------------------------------------------------------------

Entry* Zset::make_entry(std::string_view key, const ZsetLimits& limits, size_t size_hint,
                        size_t first_member_len) {
  (void)limits;
  (void)size_hint;
  (void)first_member_len;
  auto zs = std::make_unique<SkiplistZset>();
  return Entry::make_object(key, ObjType::kZset, Encoding::kSkiplist, zs.release());
}

Entry* Zset::make_entry(std::string_view key, std::unique_ptr<SkiplistZset> zs,
                        const ZsetLimits& limits, size_t max_member_len) {
  (void)limits;
  (void)max_member_len;
  return Entry::make_object(key, ObjType::kZset, Encoding::kSkiplist, zs.release());
}

size_t Zset::size() const {
  return sl()->size();
}

std::optional<double> Zset::score(std::string_view member) {
  if (ZNode* n = sl()->find(member)) return n->score();
  return std::nullopt;
}

ZaddResult Zset::add(double score, std::string_view member, unsigned flags,
                     const ZsetLimits& limits, double* newscore) {
  (void)limits;
  if (std::isnan(score)) return ZaddResult::kNan;
  ZNode* n = sl()->find(member);
  if (n) {
    if (flags & kZaddNx) return ZaddResult::kSkipped;
    double cur = n->score();
    if (flags & kZaddIncr) {
      score += cur;
      if (std::isnan(score)) return ZaddResult::kNan;
    }
    if (((flags & kZaddLt) && score >= cur) || ((flags & kZaddGt) && score <= cur))
      return ZaddResult::kSkipped;
    *newscore = score;
    if (score == cur) return ZaddResult::kSame;
    sl()->update_score(n, score);
    return ZaddResult::kUpdated;
  }
  if (flags & kZaddXx) return ZaddResult::kSkipped;
  sl()->insert(score, member);
  *newscore = score;
  return ZaddResult::kAdded;
}

bool Zset::remove(std::string_view member) {
  ZNode* n = sl()->find(member);
  if (!n) return false;
  sl()->erase(n);
  return true;
}

std::optional<size_t> Zset::rank(std::string_view member, bool reverse) {
  ZNode* n = sl()->find(member);
  if (!n) return std::nullopt;
  size_t r = sl()->list().rank_of(n);
  return reverse ? size() - 1 - r : r;
}

size_t Zset::count(const ScoreRange& r) {
  const Skiplist& list = sl()->list();
  ZNode* first = list.first_in(r);
  if (!first) return 0;
  return list.rank_of(list.last_in(r)) - list.rank_of(first) + 1;
}

size_t Zset::count(const LexRange& r) {
  const Skiplist& list = sl()->list();
  ZNode* first = list.first_in(r);
  if (!first) return 0;
  return list.rank_of(list.last_in(r)) - list.rank_of(first) + 1;
}

ZsetCursor Zset::at(size_t rank) {
  ZsetCursor c;
  c.node_ = sl()->list().at(rank);
  c.load();
  return c;
}

ZsetCursor Zset::first_in(const ScoreRange& r) {
  ZsetCursor c;
  c.node_ = sl()->list().first_in(r);
  c.load();
  return c;
}

ZsetCursor Zset::last_in(const ScoreRange& r) {
  ZsetCursor c;
  c.node_ = sl()->list().last_in(r);
  c.load();
  return c;
}

ZsetCursor Zset::first_in(const LexRange& r) {
  ZsetCursor c;
  c.node_ = sl()->list().first_in(r);
  c.load();
  return c;
}

ZsetCursor Zset::last_in(const LexRange& r) {
  ZsetCursor c;
  c.node_ = sl()->list().last_in(r);
  c.load();
  return c;
}

size_t Zset::remove_ranks(size_t start, size_t end) {
  return sl()->erase_ranks(start, end);
}

size_t Zset::remove_range(const ScoreRange& r) {
  return sl()->erase_range(r);
}

size_t Zset::remove_range(const LexRange& r) {
  return sl()->erase_range(r);
}

void Zset::convert_to_skiplist() {}

// --- Entry hooks --------------------------------------------------------------------------

void destroy_zset(Encoding enc, void* obj) {
  (void)enc;
  std::unique_ptr<SkiplistZset>(static_cast<SkiplistZset*>(obj));
}

void* clone_zset(Encoding enc, const void* obj) {
  (void)enc;
  const auto* src = static_cast<const SkiplistZset*>(obj);
  auto copy = std::make_unique<SkiplistZset>();
  for (ZNode* n = src->list().first(); n; n = n->next()) copy->insert(n->score(), n->member());
  return copy.release();
}

size_t zset_allocated_bytes(Encoding enc, const void* obj) {
  (void)enc;
  return static_cast<const SkiplistZset*>(obj)->allocated_bytes();
}

}  // namespace rkv::store

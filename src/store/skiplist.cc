#include "store/skiplist.h"

#include <bit>
#include <cstdlib>
#include <cstring>
#include <new>

#include "util/memory.h"

namespace rkv::store {
namespace {

// xorshift64*: the level draw needs speed, not quality beyond its two bits per level.
uint64_t g_level_rng = 0x9e3779b97f4a7c15ull;

uint64_t next_random() {
  g_level_rng ^= g_level_rng >> 12;
  g_level_rng ^= g_level_rng << 25;
  g_level_rng ^= g_level_rng >> 27;
  return g_level_rng * 0x2545f4914f6cdd1dull;
}

// Orders two bounds as points of the member space, "-" below and "+" above every value.
int compare_bounds(const LexBound& a, const LexBound& b) {
  if (a.kind != LexBound::kValue || b.kind != LexBound::kValue) {
    auto rank = [](LexBound::Kind k) {
      return k == LexBound::kMinusInf ? 0 : k == LexBound::kValue ? 1 : 2;
    };
    return rank(a.kind) - rank(b.kind);
  }
  int c = a.value.compare(b.value);
  return c < 0 ? -1 : c > 0;
}

}  // namespace

bool LexRange::empty() const {
  int c = compare_bounds(min, max);
  return c > 0 || (c == 0 && (min.exclusive || max.exclusive));
}

// A level k+1 with probability 1/4^k: every pair of zero bits below the lowest one bit
// is one more level (Redis's ZSKIPLIST_P = 0.25).
int Skiplist::random_level() {
  uint64_t r = next_random() | (1ull << (2 * (kMaxLevel - 1)));
  return 1 + std::countr_zero(r) / 2;
}

ZNode* Skiplist::allocate(int level, double score, std::string_view member) {
  size_t bytes = sizeof(ZNode) + static_cast<size_t>(level) * sizeof(ZNode::Level) + member.size();
  void* mem = std::malloc(bytes);
  if (!mem) out_of_memory(bytes);
  auto* n = ::new (mem) ZNode();
  n->score_ = score;
  n->len_level_ = (static_cast<uint64_t>(member.size()) << 8) | static_cast<uint64_t>(level);
  for (int i = 0; i < level; i++) n->levels()[i] = {nullptr, 0};
  if (!member.empty())
    std::memcpy(const_cast<char*>(n->member_data()), member.data(), member.size());
  return n;
}

void Skiplist::free_node(ZNode* n) {
  node_bytes_ -= allocation_size(n);
  n->~ZNode();
  std::free(n);
}

Skiplist::Skiplist() : header_(allocate(kMaxLevel, 0, {})) {
  node_bytes_ = allocation_size(header_);
}

Skiplist::~Skiplist() {
  ZNode* n = header_;
  while (n) {
    ZNode* next = n->levels()[0].forward;
    n->~ZNode();
    std::free(n);
    n = next;
  }
}

void Skiplist::find_path(double score, std::string_view member, ZNode** update,
                         size_t* rank) const {
  ZNode* x = header_;
  size_t r = 0;
  for (int i = level_ - 1; i >= 0; i--) {
    while (ZNode* f = x->levels()[i].forward) {
      if (!before(f, score, member)) break;
      r += x->levels()[i].span;
      x = f;
    }
    update[i] = x;
    if (rank) rank[i] = r;
  }
}

void Skiplist::link(ZNode* x) {
  ZNode* update[kMaxLevel];
  size_t rank[kMaxLevel];
  find_path(x->score_, x->member(), update, rank);
  int level = x->level();
  if (level > level_) {
    for (int i = level_; i < level; i++) {
      rank[i] = 0;
      update[i] = header_;
      header_->levels()[i].span = length_;
    }
    level_ = level;
  }
  for (int i = 0; i < level; i++) {
    ZNode::Level& prev = update[i]->levels()[i];
    x->levels()[i].forward = prev.forward;
    prev.forward = x;
    // x takes over the part of prev's span that lies after it.
    x->levels()[i].span = prev.span - (rank[0] - rank[i]);
    prev.span = (rank[0] - rank[i]) + 1;
  }
  for (int i = level; i < level_; i++) update[i]->levels()[i].span++;
  x->backward_ = update[0] == header_ ? nullptr : update[0];
  if (ZNode* f = x->levels()[0].forward)
    f->backward_ = x;
  else
    tail_ = x;
  length_++;
}

void Skiplist::unlink(ZNode* x, ZNode** update) {
  for (int i = 0; i < level_; i++) {
    ZNode::Level& prev = update[i]->levels()[i];
    if (prev.forward == x) {
      prev.span += x->levels()[i].span - 1;
      prev.forward = x->levels()[i].forward;
    } else {
      prev.span--;
    }
  }
  if (ZNode* f = x->levels()[0].forward)
    f->backward_ = x->backward_;
  else
    tail_ = x->backward_;
  while (level_ > 1 && header_->levels()[level_ - 1].forward == nullptr) level_--;
  length_--;
}

ZNode* Skiplist::insert(double score, std::string_view member) {
  ZNode* x = allocate(random_level(), score, member);
  node_bytes_ += allocation_size(x);
  link(x);
  return x;
}

void Skiplist::erase(ZNode* n) {
  ZNode* update[kMaxLevel];
  find_path(n->score_, n->member(), update, nullptr);
  unlink(n, update);
  free_node(n);
}

void Skiplist::update_score(ZNode* n, double score) {
  // Still between its neighbours: the order holds without moving (ties with a neighbour
  // would need the member compared, so they take the slow path).
  ZNode* next = n->levels()[0].forward;
  if ((!n->backward_ || n->backward_->score_ < score) && (!next || next->score_ > score)) {
    n->score_ = score;
    return;
  }
  ZNode* update[kMaxLevel];
  find_path(n->score_, n->member(), update, nullptr);
  unlink(n, update);
  n->score_ = score;
  link(n);  // the node keeps its level: the draw that made it is as good as a new one
}

size_t Skiplist::rank_of(const ZNode* n) const {
  const ZNode* x = header_;
  size_t rank = 0;
  for (int i = level_ - 1; i >= 0; i--) {
    while (const ZNode* f = x->levels()[i].forward) {
      if (f != n && !before(f, n->score_, n->member())) break;
      rank += x->levels()[i].span;
      x = f;
      if (x == n) return rank - 1;
    }
  }
  return rank - 1;  // not reached for a linked node
}

ZNode* Skiplist::at(size_t rank) const {
  if (rank >= length_) return nullptr;
  size_t want = rank + 1, traversed = 0;
  ZNode* x = header_;
  for (int i = level_ - 1; i >= 0; i--) {
    while (x->levels()[i].forward && traversed + x->levels()[i].span <= want) {
      traversed += x->levels()[i].span;
      x = x->levels()[i].forward;
    }
    if (traversed == want) return x;
  }
  return nullptr;
}

ZNode* Skiplist::first_in(const ScoreRange& r) const {
  if (r.empty()) return nullptr;
  ZNode* update[kMaxLevel];
  ZNode* x = path_to_first([&](const ZNode* n) { return !r.gte_min(n->score_); }, update);
  return x && r.lte_max(x->score_) ? x : nullptr;
}

ZNode* Skiplist::last_in(const ScoreRange& r) const {
  if (r.empty()) return nullptr;
  ZNode* x = header_;
  for (int i = level_ - 1; i >= 0; i--) {
    while (ZNode* f = x->levels()[i].forward) {
      if (!r.lte_max(f->score_)) break;
      x = f;
    }
  }
  return x != header_ && r.gte_min(x->score_) ? x : nullptr;
}

ZNode* Skiplist::first_in(const LexRange& r) const {
  if (r.empty()) return nullptr;
  ZNode* update[kMaxLevel];
  ZNode* x = path_to_first([&](const ZNode* n) { return !r.gte_min(n->member()); }, update);
  return x && r.lte_max(x->member()) ? x : nullptr;
}

ZNode* Skiplist::last_in(const LexRange& r) const {
  if (r.empty()) return nullptr;
  ZNode* x = header_;
  for (int i = level_ - 1; i >= 0; i--) {
    while (ZNode* f = x->levels()[i].forward) {
      if (!r.lte_max(f->member())) break;
      x = f;
    }
  }
  return x != header_ && r.gte_min(x->member()) ? x : nullptr;
}

}  // namespace rkv::store

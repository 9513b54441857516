// Skiplist: the ordered half of a large sorted set (encoding "skiplist"), Redis's design:
// nodes ordered by (score, member), each link carrying its span (how many nodes it jumps)
// so that ranks are found in O(log n); a new node gets level k+1 with probability 1/4^k,
// at most 32 levels.
//
// A node is one allocation holding its header, its levels and the member's bytes, and it
// carries the chain link of the zset's member -> node hash table (SkiplistZset), so one
// member costs one allocation for both structures.
//
// Invariants: nodes are strictly ordered by score, then by member bytes (memcmp, then
// length); no score is NaN; a node's level i link spans the nodes from it (exclusive) to
// its level-i successor (inclusive), or to the end of the list when there is none.
// Not thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace rkv::store {

// A score interval as ZRANGEBYSCORE takes it: "(" makes an end exclusive.
struct ScoreRange {
  double min = 0;
  double max = 0;
  bool minex = false;
  bool maxex = false;

  bool gte_min(double v) const { return minex ? v > min : v >= min; }
  bool lte_max(double v) const { return maxex ? v < max : v <= max; }
  bool contains(double v) const { return gte_min(v) && lte_max(v); }
  // True when no score can be inside (min above max, or equal ends with one open).
  bool empty() const { return min > max || (min == max && (minex || maxex)); }
};

// One end of a ZRANGEBYLEX interval: "[x" inclusive, "(x" exclusive, "-" and "+" the
// ends of the member space (Redis treats those as exclusive).
struct LexBound {
  enum Kind : uint8_t { kValue, kMinusInf, kPlusInf };
  Kind kind = kValue;
  bool exclusive = false;
  std::string_view value;

  // <0, 0, >0 as s sorts before, equal to, or after the bound.
  int compare(std::string_view s) const {
    if (kind == kMinusInf) return 1;
    if (kind == kPlusInf) return -1;
    int c = s.compare(value);
    return c < 0 ? -1 : c > 0;
  }
};

struct LexRange {
  LexBound min, max;

  bool gte_min(std::string_view s) const {
    int c = min.compare(s);
    return min.exclusive ? c > 0 : c >= 0;
  }
  bool lte_max(std::string_view s) const {
    int c = max.compare(s);
    return max.exclusive ? c < 0 : c <= 0;
  }
  bool contains(std::string_view s) const { return gte_min(s) && lte_max(s); }
  bool empty() const;
};

class ZNode {
 public:
  struct Level {
    ZNode* forward;
    size_t span;
  };

  std::string_view member() const { return {member_data(), len_level_ >> 8}; }
  double score() const { return score_; }
  ZNode* next() const { return levels()[0].forward; }  // higher in the order
  ZNode* prev() const { return backward_; }            // lower; nullptr for the first
  int level() const { return static_cast<int>(len_level_ & 0xff); }
  // The chain link of the member hash table (SkiplistZset); unused by the list itself.
  ZNode*& hash_next() { return hash_next_; }

 private:
  friend class Skiplist;
  ZNode() = default;
  Level* levels() { return reinterpret_cast<Level*>(this + 1); }
  const Level* levels() const { return reinterpret_cast<const Level*>(this + 1); }
  const char* member_data() const { return reinterpret_cast<const char*>(levels() + level()); }

  ZNode* hash_next_ = nullptr;
  double score_ = 0;
  ZNode* backward_ = nullptr;
  uint64_t len_level_ = 0;  // member length << 8 | level count
};
static_assert(sizeof(ZNode) == 32);

class Skiplist {
 public:
  static constexpr int kMaxLevel = 32;

  Skiplist();
  ~Skiplist();  // frees every node
  Skiplist(const Skiplist&) = delete;
  Skiplist& operator=(const Skiplist&) = delete;

  size_t size() const { return length_; }
  ZNode* first() const { return header_->levels()[0].forward; }
  ZNode* last() const { return tail_; }
  // Bytes of every node and the header in the allocator.
  size_t allocated_bytes() const { return node_bytes_; }

  // Allocates and links a node. REQUIRES: no node holds member; score is not NaN.
  ZNode* insert(double score, std::string_view member);
  // Unlinks n and frees it.
  void erase(ZNode* n);
  // Gives n a new score, moving it only when its neighbours require. REQUIRES: not NaN.
  void update_score(ZNode* n, double score);

  // 0-based position of n from the lowest score.
  size_t rank_of(const ZNode* n) const;
  // The node at a 0-based position; nullptr past the end.
  ZNode* at(size_t rank) const;

  // The lowest / highest node inside the range; nullptr when none is.
  ZNode* first_in(const ScoreRange& r) const;
  ZNode* last_in(const ScoreRange& r) const;
  ZNode* first_in(const LexRange& r) const;
  ZNode* last_in(const LexRange& r) const;

  // Unlinks the nodes of a range, handing each to fn (which must free it with
  // free_node once it has no other use for it). Return how many there were.
  // Positions are 0-based and inclusive; REQUIRES: start <= end < size().
  template <typename Fn>
  size_t erase_ranks(size_t start, size_t end, Fn&& fn);
  template <typename Fn>
  size_t erase_range(const ScoreRange& r, Fn&& fn);
  template <typename Fn>
  size_t erase_range(const LexRange& r, Fn&& fn);
  void free_node(ZNode* n);

 private:
  static ZNode* allocate(int level, double score, std::string_view member);
  static int random_level();
  static bool before(const ZNode* n, double score, std::string_view member) {
    return n->score_ < score || (n->score_ == score && n->member() < member);
  }
  // Fills update[i] with the last node at level i that sorts before (score, member),
  // and rank[i] (when given) with that node's 1-based position (0 for the header).
  void find_path(double score, std::string_view member, ZNode** update, size_t* rank) const;
  void link(ZNode* x);
  void unlink(ZNode* x, ZNode** update);
  // Fills update[] with the last node at each level before the first node for which
  // in(node) holds; returns that node (nullptr when past the end).
  template <typename Before>
  ZNode* path_to_first(Before before_range, ZNode** update) const;
  template <typename Fn, typename Inside>
  size_t erase_from(ZNode* x, ZNode** update, Inside inside, Fn& fn);

  ZNode* header_;
  ZNode* tail_ = nullptr;
  size_t length_ = 0;
  int level_ = 1;
  size_t node_bytes_ = 0;
};

template <typename Before>
ZNode* Skiplist::path_to_first(Before before_range, ZNode** update) const {
  ZNode* x = header_;
  for (int i = level_ - 1; i >= 0; i--) {
    while (ZNode* f = x->levels()[i].forward) {
      if (!before_range(f)) break;
      x = f;
    }
    update[i] = x;
  }
  return x->levels()[0].forward;
}

template <typename Fn, typename Inside>
size_t Skiplist::erase_from(ZNode* x, ZNode** update, Inside inside, Fn& fn) {
  size_t removed = 0;
  while (x && inside(x)) {
    ZNode* next = x->levels()[0].forward;
    unlink(x, update);
    fn(x);
    removed++;
    x = next;
  }
  return removed;
}

template <typename Fn>
size_t Skiplist::erase_ranks(size_t start, size_t end, Fn&& fn) {
  ZNode* update[kMaxLevel];
  size_t traversed = 0;
  ZNode* x = header_;
  for (int i = level_ - 1; i >= 0; i--) {
    while (ZNode* f = x->levels()[i].forward) {
      if (traversed + x->levels()[i].span > start) break;
      traversed += x->levels()[i].span;
      x = f;
    }
    update[i] = x;
  }
  size_t rank = start;
  return erase_from(
      x->levels()[0].forward, update, [&](const ZNode*) { return rank++ <= end; }, fn);
}

template <typename Fn>
size_t Skiplist::erase_range(const ScoreRange& r, Fn&& fn) {
  if (r.empty()) return 0;
  ZNode* update[kMaxLevel];
  ZNode* x = path_to_first([&](const ZNode* n) { return !r.gte_min(n->score_); }, update);
  return erase_from(
      x, update, [&](const ZNode* n) { return r.lte_max(n->score_); }, fn);
}

template <typename Fn>
size_t Skiplist::erase_range(const LexRange& r, Fn&& fn) {
  if (r.empty()) return 0;
  ZNode* update[kMaxLevel];
  ZNode* x = path_to_first([&](const ZNode* n) { return !r.gte_min(n->member()); }, update);
  return erase_from(
      x, update, [&](const ZNode* n) { return r.lte_max(n->member()); }, fn);
}

}  // namespace rkv::store

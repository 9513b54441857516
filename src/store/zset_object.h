// Sorted set values: the two encodings Redis uses and the operations the zset commands
// need, independent of the encoding.
//
//  - "listpack" (small zsets): member, score, member, score... in one Listpack, ordered
//    by score then member; a score is stored as Redis stores it (an integer when it is
//    one below 2^52 in magnitude, else its %.17g text), so the bytes match Redis's.
//  - "skiplist" (SkiplistZset): a Skiplist for order and ranks plus a Dict from member to
//    node; the node is the dict's chain element too, so a member is one allocation.
//
// A zset starts as a listpack unless the limits (zset-max-listpack-entries / -value)
// exclude its first member, and becomes a skiplist when an add would cross them, as in
// Redis 7.0; it never goes back except through shrink_to_fit (the *STORE commands).
// Not thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>

#include "store/dict.h"
#include "store/entry.h"
#include "store/listpack.h"
#include "store/skiplist.h"
#include "util/hash.h"

namespace rkv::store {

struct ZsetLimits {
  size_t max_listpack_entries = 128;
  size_t max_listpack_value = 64;
};

struct ZNodeTraits {
  using Key = std::string_view;
  static Key key(const ZNode& n) { return n.member(); }
  static uint64_t hash(Key k) { return hash_bytes(k); }
  static bool equal(Key a, Key b) { return a == b; }
  static ZNode*& next(ZNode& n) { return n.hash_next(); }
};

class SkiplistZset {
 public:
  using MemberDict = Dict<ZNode, ZNodeTraits>;

  SkiplistZset() = default;
  ~SkiplistZset();
  SkiplistZset(const SkiplistZset&) = delete;
  SkiplistZset& operator=(const SkiplistZset&) = delete;

  size_t size() const { return list_.size(); }
  ZNode* find(std::string_view member) { return dict_.find(member); }
  // REQUIRES: member absent.
  ZNode* insert(double score, std::string_view member);
  void update_score(ZNode* n, double score) { list_.update_score(n, score); }
  void erase(ZNode* n);
  const Skiplist& list() const { return list_; }

  template <typename Range>
  size_t erase_range(const Range& r) {
    size_t n = list_.erase_range(r, [this](ZNode* x) { forget(x); });
    shrink_table();
    return n;
  }
  size_t erase_ranks(size_t start, size_t end) {
    size_t n = list_.erase_ranks(start, end, [this](ZNode* x) { forget(x); });
    shrink_table();
    return n;
  }

  // One step of the member table's reverse-binary scan (ZSCAN).
  template <typename Fn>
  uint64_t scan(uint64_t cursor, Fn&& fn) const {
    return dict_.scan(cursor, [&fn](const ZNode& n) { fn(n.member(), n.score()); });
  }
  template <typename Rng>
  ZNode* random_node(Rng& rng) {
    return dict_.random_node(rng);
  }

  size_t allocated_bytes() const;

 private:
  void forget(ZNode* x);  // drops an unlinked node from the table and frees it
  void shrink_table();

  MemberDict dict_;
  Skiplist list_;
};

// ZADD's options (flags) and outcome, as Redis's zsetAdd reports them.
enum ZaddFlag : unsigned {
  kZaddNx = 1u << 0,
  kZaddXx = 1u << 1,
  kZaddGt = 1u << 2,
  kZaddLt = 1u << 3,
  kZaddIncr = 1u << 4,
};
enum class ZaddResult {
  kAdded,    // a new member
  kUpdated,  // its score changed
  kSame,     // present with that score already (still "processed" for INCR's reply)
  kSkipped,  // NX/XX/GT/LT said no
  kNan,      // INCR made the score NaN; nothing changed
};

// A position in a zset, moving in score order. Valid until the zset changes.
class ZsetCursor {
 public:
  bool valid() const;
  std::string_view member() const { return member_; }
  double score() const { return score_; }
  void next();  // towards higher scores
  void prev();

  ZsetCursor(ZsetCursor&& o) noexcept;
  ZsetCursor& operator=(ZsetCursor&&) = delete;
  ~ZsetCursor();

 private:
  friend class Zset;
  ZsetCursor() = default;
  void load();

  ZNode* node_ = nullptr;
  // Listpack encoding: a borrowed view of the entry's bytes (given back, not freed, by
  // the destructor) and the position of the current member.
  std::optional<Listpack> lp_;
  Listpack::Pos pos_ = Listpack::kNone;
  Listpack::Scratch scratch_ = {};  // an integer member's text
  std::string_view member_;
  double score_ = 0;
};

// Operations on the zset an Entry holds, whatever its encoding. Conversions rewrite the
// entry's encoding and object in place, so the entry stays linked where it is.
class Zset {
 public:
  explicit Zset(Entry* e) : e_(e) {}

  // A new zset entry with no member yet, in the encoding Redis 7.0 picks from the first
  // member's length, or from the expected size when it is known (size_hint, 0 if not).
  static Entry* make_entry(std::string_view key, const ZsetLimits& limits, size_t size_hint,
                           size_t first_member_len);
  // An entry holding a finished skiplist zset (ZUNIONSTORE and friends), turned into a
  // listpack when every member fits the limits, as Redis does for stored results.
  static Entry* make_entry(std::string_view key, std::unique_ptr<SkiplistZset> zs,
                           const ZsetLimits& limits, size_t max_member_len);

  Entry* entry() const { return e_; }
  Encoding encoding() const { return e_->encoding(); }
  size_t size() const;
  bool empty() const { return size() == 0; }

  std::optional<double> score(std::string_view member);
  // ZADD/ZINCRBY for one member. *newscore gets the score after the call (the increment's
  // result with kZaddIncr) unless the result is kSkipped or kNan.
  ZaddResult add(double score, std::string_view member, unsigned flags, const ZsetLimits& limits,
                 double* newscore);
  bool remove(std::string_view member);
  // 0-based position from the lowest score (from the highest when reverse).
  std::optional<size_t> rank(std::string_view member, bool reverse);

  size_t count(const ScoreRange& r);
  size_t count(const LexRange& r);

  // Cursors; not valid() when there is no such member.
  ZsetCursor at(size_t rank);  // 0-based from the lowest score
  ZsetCursor first_in(const ScoreRange& r);
  ZsetCursor last_in(const ScoreRange& r);
  ZsetCursor first_in(const LexRange& r);
  ZsetCursor last_in(const LexRange& r);

  // Moves c n members on (towards lower scores when reverse); a skiplist jumps by rank.
  void skip(ZsetCursor& c, size_t n, bool reverse);

  // Removals; ranks are 0-based and inclusive (REQUIRES: start <= end < size()).
  size_t remove_ranks(size_t start, size_t end);
  size_t remove_range(const ScoreRange& r);
  size_t remove_range(const LexRange& r);

  // ZSCAN: a listpack is reported whole (cursor 0 back); a skiplist one table step.
  template <typename Fn>
  uint64_t scan(uint64_t cursor, Fn&& fn);

  // A score as ZSCAN shows it: a listpack's stored text (integers up to 2^62 without an
  // exponent, as Redis's d2string writes them), else %.17g. buf needs 32 bytes.
  size_t score_text(double score, char* buf, size_t cap) const;

  void convert_to_skiplist();

 private:
  SkiplistZset* sl() const { return static_cast<SkiplistZset*>(e_->object()); }
  bool is_listpack() const { return e_->encoding() == Encoding::kListpack; }
  ZsetCursor lp_cursor(Listpack::Pos member_pos) const;
  template <typename Inside>
  size_t lp_remove_run(Listpack::Pos first, Inside inside);

  Entry* e_;
};

template <typename Fn>
uint64_t Zset::scan(uint64_t cursor, Fn&& fn) {
  if (is_listpack()) {
    for (ZsetCursor c = at(0); c.valid(); c.next()) fn(c.member(), c.score());
    return 0;
  }
  return sl()->scan(cursor, fn);
}

// The Entry-level hooks (entry.cc dispatches on the type to these).
void destroy_zset(Encoding enc, void* obj);
void* clone_zset(Encoding enc, const void* obj);
size_t zset_allocated_bytes(Encoding enc, const void* obj);
// Redis's lazyfree effort: a skiplist's length, 1 for a listpack (one allocation).
size_t zset_free_effort(Encoding enc, const void* obj);

}  // namespace rkv::store

// Dict: intrusive chained hash table with incremental rehashing (Redis's dict design).
//
// Invariants:
//  - table sizes are powers of two; while rehashing, table 0 is the old table and
//    buckets [0, rehash_idx_) of it are empty, all their nodes having moved to table 1;
//  - every lookup, insert or erase moves one bucket (rehash_step), and the server cron
//    calls rehash_for() while idle, so growing from a thousand to ten million keys never
//    stops the world: there is no full-table pass anywhere;
//  - scan() uses the reverse-binary cursor, so an element present for the whole scan is
//    returned at least once even if the table grows, shrinks or rehashes in between.
// Nodes are owned by the caller (the table only links them), found by Traits:
//   using Key = ...;  static Key key(const Node&);  static uint64_t hash(Key);
//   static bool equal(Key, Key);  static Node*& next(Node&);
// Not thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <utility>

#include "util/memory.h"

namespace rkv::store {

template <typename Node, typename Traits>
class Dict {
 public:
  using Key = typename Traits::Key;

  Dict() = default;
  Dict(const Dict&) = delete;
  Dict& operator=(const Dict&) = delete;
  Dict(Dict&& o) noexcept { swap(o); }
  Dict& operator=(Dict&& o) noexcept {
    swap(o);
    return *this;
  }

  size_t size() const { return t_[0].used + t_[1].used; }
  bool empty() const { return size() == 0; }
  size_t buckets() const { return t_[0].size + t_[1].size; }
  bool rehashing() const { return rehash_idx_ >= 0; }
  size_t bucket_bytes() const { return buckets() * sizeof(Node*); }

  Node* find(Key key) {
    if (size() == 0) return nullptr;
    if (rehashing()) rehash_step(1);
    Node** ref = find_ref(key, Traits::hash(key));
    return ref ? *ref : nullptr;
  }

  // Cache hints for lookups coming soon (a batch of pipelined commands). A lookup misses
  // the cache twice, on the bucket slot and on the node; issuing the hints for a whole
  // batch first lets those misses overlap: prefetch_slot for every key, then
  // prefetch_node (which reads the slot, by then on its way) for every key.
  void prefetch_slot(uint64_t h) const {
    for (const Table& t : t_)
      if (t.size) __builtin_prefetch(&t.slots[h & t.mask]);
  }
  void prefetch_node(uint64_t h) const {
    for (const Table& t : t_)
      if (t.size)
        if (const Node* n = t.slots[h & t.mask]) __builtin_prefetch(n);
  }

  // REQUIRES: no node with n's key is present.
  void insert(Node* n) {
    if (rehashing()) rehash_step(1);
    grow_if_needed();
    Table& t = rehashing() ? t_[1] : t_[0];
    size_t idx = Traits::hash(Traits::key(*n)) & t.mask;
    Traits::next(*n) = t.slots[idx];
    t.slots[idx] = n;
    t.used++;
  }

  // Unlinks and returns the node with this key, or nullptr.
  Node* erase(Key key) {
    if (size() == 0) return nullptr;
    if (rehashing()) rehash_step(1);
    int table = 0;
    Node** ref = find_ref(key, Traits::hash(key), &table);
    if (!ref) return nullptr;
    Node* n = *ref;
    *ref = Traits::next(*n);
    t_[table].used--;
    return n;
  }

  // Replaces old_node (present) with new_node of the same key, in place.
  void replace(Node* old_node, Node* new_node) {
    Node** ref = find_ref(Traits::key(*old_node), Traits::hash(Traits::key(*old_node)));
    Traits::next(*new_node) = Traits::next(*old_node);
    *ref = new_node;
  }

  // Visits the buckets named by cursor; returns the next cursor (0 when done).
  template <typename Fn>
  uint64_t scan(uint64_t v, Fn&& fn) const {
    if (size() == 0) return 0;
    auto emit = [&fn](Node* n) {
      while (n) {
        Node* next = Traits::next(*n);
        fn(*n);
        n = next;
      }
    };
    if (!rehashing()) {
      uint64_t m0 = t_[0].mask;
      emit(t_[0].slots[v & m0]);
      v |= ~m0;
      v = reverse_bits(reverse_bits(v) + 1);
      return v;
    }
    const Table* small = &t_[0];
    const Table* large = &t_[1];
    if (small->size > large->size) std::swap(small, large);
    uint64_t m0 = small->mask, m1 = large->mask;
    emit(small->slots[v & m0]);
    do {
      emit(large->slots[v & m1]);
      v |= ~m1;
      v = reverse_bits(reverse_bits(v) + 1);
    } while (v & (m0 ^ m1));
    return v;
  }

  // A random node (uniform over buckets, then over the chain), or nullptr when empty.
  template <typename Rng>
  Node* random_node(Rng& rng) {
    if (size() == 0) return nullptr;
    if (rehashing()) rehash_step(1);
    Node* head = nullptr;
    while (!head) {
      if (rehashing()) {
        size_t span = t_[0].size + t_[1].size - static_cast<size_t>(rehash_idx_);
        size_t i = static_cast<size_t>(rehash_idx_) + rng() % span;
        head = i >= t_[0].size ? t_[1].slots[i - t_[0].size] : t_[0].slots[i];
      } else {
        head = t_[0].slots[rng() & t_[0].mask];
      }
    }
    size_t len = 0;
    for (Node* n = head; n; n = Traits::next(*n)) len++;
    size_t pick = rng() % len;
    while (pick--) head = Traits::next(*head);
    return head;
  }

  // A random node, uniform over the nodes (HRANDFIELD, SRANDMEMBER, SPOP...), where
  // random_node favours nodes in short chains (a node sharing its bucket with two others
  // comes up a third as often as one alone). Draws a slot over both tables and a rank below
  // max(chain length, kFairRank), and keeps the pick when the chain has a node of that
  // rank: every node of a chain up to kFairRank long has the same chance, a node of a
  // longer chain a little less. At a table's load a chain of 9 or more has a probability of
  // about 1e-6; a bound of 4 let long chains show (a 1000-member set failed a chi-square
  // test). Costs kFairRank / load slot probes on average. nullptr when empty.
  template <typename Rng>
  Node* fair_random_node(Rng& rng) {
    if (size() == 0) return nullptr;
    if (rehashing()) rehash_step(1);
    constexpr size_t kFairRank = 8;
    const size_t slots = t_[0].size + t_[1].size;
    for (;;) {
      size_t i = rng() % slots;
      Node* n = i < t_[0].size ? t_[0].slots[i] : t_[1].slots[i - t_[0].size];
      if (!n) continue;
      size_t len = 0;
      for (Node* c = n; c; c = Traits::next(*c)) len++;
      size_t rank = rng() % (len > kFairRank ? len : kFairRank);
      if (rank >= len) continue;
      while (rank--) n = Traits::next(*n);
      return n;
    }
  }

  // Up to `count` nodes for eviction sampling (Redis's dictGetSomeKeys): the nodes of a run
  // of consecutive buckets from a random slot, jumping elsewhere after a long empty stretch,
  // visiting at most 10 * count slots. Cheaper than `count` random picks (neighbouring
  // slots share cache lines) and good enough where a sample only has to be unbiased by
  // age. May return fewer nodes, or one twice never. fn(Node&) must not modify the dict.
  // Returns how many nodes fn saw.
  template <typename Rng, typename Fn>
  size_t sample(size_t count, Rng& rng, Fn&& fn) {
    constexpr size_t kSamplePrefetch = 3;
    if (count > size()) count = size();
    if (count == 0) return 0;
    for (size_t j = 0; j < count && rehashing(); j++) rehash_step(1);
    const size_t mask = t_[0].mask > t_[1].mask ? t_[0].mask : t_[1].mask;
    size_t i = rng() & mask;
    size_t seen = 0, empty_run = 0;
    for (size_t steps = count * 10; seen < count && steps > 0; steps--) {
      for (int k = 0; k < (rehashing() ? 2 : 1); k++) {
        const Table& t = t_[k];
        // Slots below rehash_idx_ of the old table have moved to the new one; when the new
        // table is the smaller one (shrinking) they are nowhere, so skip ahead.
        if (k == 0 && rehashing() && i < static_cast<size_t>(rehash_idx_)) {
          if (i < t_[1].size) continue;
          i = static_cast<size_t>(rehash_idx_);
        }
        if (i >= t.size) continue;
        // The nodes are scattered in memory: start fetching a few buckets ahead so their
        // cache misses overlap instead of coming one after another (most chains hold one).
        __builtin_prefetch(t.slots[(i + kSamplePrefetch) & t.mask]);
        Node* n = t.slots[i];
        if (!n) {
          if (++empty_run >= 5 && empty_run > count) {
            i = rng() & mask;
            empty_run = 0;
          }
          continue;
        }
        empty_run = 0;
        for (; n && seen < count; n = Traits::next(*n), seen++) fn(*n);
        if (seen == count) return seen;
      }
      i = (i + 1) & mask;
    }
    return seen;
  }

  // Moves up to n buckets (visiting at most 10n empty ones). Returns false when done.
  bool rehash_step(size_t n) {
    if (!rehashing()) return false;
    size_t empty_visits = n * 10;
    while (n-- && t_[0].used > 0) {
      while (t_[0].slots[rehash_idx_] == nullptr) {
        rehash_idx_++;
        if (--empty_visits == 0) return true;
      }
      Node* node = t_[0].slots[rehash_idx_];
      while (node) {
        Node* next = Traits::next(*node);
        size_t idx = Traits::hash(Traits::key(*node)) & t_[1].mask;
        Traits::next(*node) = t_[1].slots[idx];
        t_[1].slots[idx] = node;
        t_[0].used--;
        t_[1].used++;
        node = next;
      }
      t_[0].slots[rehash_idx_] = nullptr;
      rehash_idx_++;
    }
    if (t_[0].used == 0) {
      t_[0] = std::move(t_[1]);
      t_[1] = Table{};
      rehash_idx_ = -1;
      return false;
    }
    return true;
  }

  // Rehashes for about `us` microseconds using now_us() as the clock. Returns buckets moved.
  template <typename Clock>
  size_t rehash_for(int64_t us, Clock now_us) {
    int64_t start = now_us();
    size_t moved = 0;
    while (rehash_step(100)) {
      moved += 100;
      if (now_us() - start > us) break;
    }
    return moved;
  }

  // Shrinks when under 10% full (Redis's HASHTABLE_MIN_FILL); called from the cron.
  bool shrink_if_sparse() {
    if (rehashing() || t_[0].size <= kInitialSize) return false;
    if (t_[0].used * 100 / t_[0].size >= 10) return false;
    return resize(t_[0].used);
  }

  // Unlinks every node, passing each to fn (which usually frees it).
  template <typename Fn>
  void clear(Fn&& fn) {
    for (Table& t : t_) {
      for (size_t i = 0; i < t.size; i++) {
        Node* n = t.slots[i];
        while (n) {
          Node* next = Traits::next(*n);
          fn(n);
          n = next;
        }
      }
      t = Table{};
    }
    rehash_idx_ = -1;
  }

  template <typename Fn>
  void for_each(Fn&& fn) const {
    for (const Table& t : t_)
      for (size_t i = 0; i < t.size; i++)
        for (Node* n = t.slots[i]; n; n = Traits::next(*n)) fn(*n);
  }

  void swap(Dict& o) noexcept {
    std::swap(t_[0], o.t_[0]);
    std::swap(t_[1], o.t_[1]);
    std::swap(rehash_idx_, o.rehash_idx_);
  }

 private:
  static constexpr size_t kInitialSize = 4;

  // Tables of 1 MiB and more come from map_zeroed(): zero pages from the kernel, faulted
  // in while the incremental rehash fills them. calloc() of memory the allocator had
  // used before must clear it in one go, a pause of ~10 ms per 128 MB at 16M buckets.
  static constexpr size_t kMappedTableBytes = 1 << 20;
  struct TableDeleter {
    size_t bytes = 0;
    void operator()(Node** p) const {
      if (bytes >= kMappedTableBytes)
        unmap_zeroed(p, bytes);
      else
        std::free(p);
    }
  };
  struct Table {
    std::unique_ptr<Node*[], TableDeleter> slots;
    size_t size = 0;
    size_t mask = 0;
    size_t used = 0;
  };
  static Node** allocate_slots(size_t n) {
    size_t bytes = n * sizeof(Node*);
    if (bytes >= kMappedTableBytes) return static_cast<Node**>(map_zeroed(bytes));
    return static_cast<Node**>(std::calloc(n, sizeof(Node*)));
  }

  static uint64_t reverse_bits(uint64_t v) {
    v = ((v >> 1) & 0x5555555555555555ull) | ((v & 0x5555555555555555ull) << 1);
    v = ((v >> 2) & 0x3333333333333333ull) | ((v & 0x3333333333333333ull) << 2);
    v = ((v >> 4) & 0x0F0F0F0F0F0F0F0Full) | ((v & 0x0F0F0F0F0F0F0F0Full) << 4);
    return __builtin_bswap64(v);
  }

  // The link that points at the node with this key (so callers can unlink or replace it),
  // or nullptr; *table gets the index of the table holding it.
  Node** find_ref(Key key, uint64_t h, int* table = nullptr) {
    for (int i = 0; i < 2; i++) {
      Table& t = t_[i];
      if (t.size == 0) continue;
      for (Node** ref = &t.slots[h & t.mask]; *ref; ref = &Traits::next(**ref)) {
        if (Traits::equal(Traits::key(**ref), key)) {
          if (table) *table = i;
          return ref;
        }
      }
      if (!rehashing()) break;
    }
    return nullptr;
  }

  void grow_if_needed() {
    if (rehashing()) return;
    if (t_[0].size == 0) {
      resize(kInitialSize);
      return;
    }
    if (t_[0].used >= t_[0].size) resize(t_[0].used + 1);
  }

  bool resize(size_t want) {
    size_t size = kInitialSize;
    while (size < want) size <<= 1;
    if (size == t_[0].size) return false;
    Table t;
    t.slots = std::unique_ptr<Node*[], TableDeleter>(allocate_slots(size),
                                                     TableDeleter{size * sizeof(Node*)});
    if (!t.slots) return false;
    t.size = size;
    t.mask = size - 1;
    if (t_[0].size == 0) {
      t_[0] = std::move(t);
      return true;
    }
    t_[1] = std::move(t);
    rehash_idx_ = 0;
    return true;
  }

  Table t_[2];
  int64_t rehash_idx_ = -1;
};

}  // namespace rkv::store

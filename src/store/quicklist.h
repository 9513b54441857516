// Quicklist: a long list as a doubly linked list of nodes, each node one Listpack, as
// Redis's quicklist (OBJECT ENCODING "quicklist").
//
// Node size follows list-max-listpack-size ("fill"): a positive fill caps the elements of
// a node (and, as a safety limit, its bytes at 8 KB), -1..-5 cap its bytes at 4/8/16/32/64
// KB. A node always accepts its first element, so an element larger than the limit gets a
// node of its own. Pushes and pops at either end are O(1) (plus the O(node) listpack
// move at the head); an index is found by walking nodes from the nearer end. Deletions
// merge a shrunken node into a neighbour when both fit in one node, so lists that were
// trimmed or thinned out by LREM do not keep half-empty nodes.
//
// list-compress-depth d > 0: the d nodes at each end stay plain, every node further in
// is kept LZF-compressed (stored as a 4-byte length and the LZF bytes, like Redis's
// quicklistLZF; with Redis's thresholds: only nodes of 48+ bytes, and only when that
// saves 8+ bytes; a node that does not compress is flagged and not tried again until it
// changes). Readers decompress a copy and leave the node as it is; writers decompress
// the node in place and compress it again when they are done with it.
//
// Invariants (check() verifies them for tests): no empty node; counts and byte sizes
// match the listpacks; with d > 0 the d nodes at each end are plain and every node
// beyond them is compressed or flagged as not compressible.
// Not thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "store/listpack.h"

namespace rkv::store {

// A Listpack over bytes owned by someone else (a quicklist node, an Entry's object): the
// Listpack API without taking the bytes over. Read-only.
class ListpackView {
 public:
  explicit ListpackView(const void* bytes) : lp_(Listpack::adopt(const_cast<void*>(bytes))) {}
  ~ListpackView() { lp_.release(); }
  ListpackView(const ListpackView&) = delete;
  ListpackView& operator=(const ListpackView&) = delete;
  const Listpack& operator*() const { return lp_; }
  const Listpack* operator->() const { return &lp_; }

 private:
  Listpack lp_;
};

// What list-max-listpack-size allows in one listpack (a small list, or a quicklist node).
struct ListpackLimit {
  size_t bytes;  // SIZE_MAX: no byte limit of its own
  size_t count;  // SIZE_MAX: no count limit
  static ListpackLimit from_fill(int fill);
  // True when a listpack of `bytes` holding `count` elements is over the limit for `fill`
  // (a positive fill also stops at 8 KB).
  static bool exceeded(int fill, size_t bytes, size_t count);
};

class Quicklist {
  struct Node;
  // A node's elements for reading: a view of a plain node's bytes, or a decompressed
  // copy of a compressed node's.
  class NodeListpack {
   public:
    explicit NodeListpack(const Node& n);
    const Listpack& operator*() const { return owned_ ? *owned_ : **view_; }
    const Listpack* operator->() const { return &**this; }

   private:
    std::optional<Listpack> owned_;
    std::optional<ListpackView> view_;
  };

 public:
  static constexpr int kMaxFill = 32767;           // fills are clamped to [-5, kMaxFill]
  static constexpr size_t kMinCompressBytes = 48;  // smaller nodes are never compressed
  static constexpr size_t kMinCompressGain = 8;    // keep LZF output only if this much smaller

  Quicklist(int fill, int compress_depth);
  // A quicklist whose single node is lp (listpack -> quicklist conversion).
  static std::unique_ptr<Quicklist> from_listpack(Listpack lp, int fill, int compress_depth);
  ~Quicklist();
  Quicklist(const Quicklist&) = delete;
  Quicklist& operator=(const Quicklist&) = delete;
  std::unique_ptr<Quicklist> clone() const;

  size_t size() const { return count_; }
  bool empty() const { return count_ == 0; }
  size_t node_count() const { return len_; }
  int fill() const { return fill_; }
  int compress_depth() const { return depth_; }
  size_t allocated_bytes() const;  // of the nodes, not counting this object itself

  // The listpack of the only node, handed over; the quicklist is left empty (quicklist ->
  // listpack conversion). REQUIRES: node_count() == 1.
  Listpack take_single_node();
  // Byte size of the first node's listpack (conversion checks).
  size_t head_bytes() const;

  void push_front(std::string_view v);
  void push_back(std::string_view v);
  // Removes the elements with index in [start, start + count); REQUIRES: in range.
  void erase_range(size_t start, size_t count);
  // Replaces the element at index (REQUIRES: index < size()).
  void replace(size_t index, std::string_view v);
  // Inserts v before (or after) the first element equal to pivot; false when absent.
  bool insert_at_pivot(std::string_view pivot, std::string_view v, bool after);
  // Removes up to `limit` elements equal to v (0: all), from the tail when from_tail.
  size_t remove(std::string_view v, size_t limit, bool from_tail);

  // Reads elements one by one from an index toward either end. Compressed nodes are
  // decompressed into the reader's own copy. Values are valid until the next advance();
  // the quicklist must not change while a reader is in use.
  class Reader {
   public:
    // REQUIRES: index < ql.size().
    Reader(const Quicklist& ql, size_t index, bool forward);
    bool valid() const { return node_ != nullptr; }
    Listpack::Value value(Listpack::Scratch& scratch) const { return lp().get(pos_, scratch); }
    bool equals(std::string_view s) const { return lp().equals(pos_, s); }
    void advance();

   private:
    void enter(const Node* n, size_t offset);
    const Listpack& lp() const { return **lp_; }

    const Node* node_ = nullptr;
    bool forward_;
    Listpack::Pos pos_ = Listpack::kNone;
    std::optional<NodeListpack> lp_;  // the current node's elements
  };

  // For tests: each node's element count, listpack bytes and compressed size (0 = plain).
  struct NodeInfo {
    size_t count;
    size_t bytes;
    size_t compressed_bytes;
  };
  std::vector<NodeInfo> nodes() const;
  // Verifies the invariants above (and that compressed nodes decompress to their size).
  bool check() const;

 private:
  static Node* new_node(Listpack lp);
  static void free_node(Node* n);
  bool allows(const Node* n, std::string_view v) const;
  bool can_merge(const Node* a, const Node* b) const;
  void link_after(Node* at, Node* n);  // at == nullptr: new head
  void unlink(Node* n);                // and free
  Node* locate(size_t index, size_t* offset) const;
  Listpack take(Node* n);          // the node's listpack (decompressed) for an edit
  void put(Node* n, Listpack lp);  // back after the edit
  void insert_in_node(Node* n, size_t offset, std::string_view v);
  Node* merge(Node* a, Node* b);  // b's elements appended to a; returns a
  Node* merge_neighbours(Node* n);
  // Compression: plain nodes within depth of either end, compressed beyond.
  static void decompress(Node* n);
  static void compress(Node* n);
  bool in_window(const Node* n) const;
  void recompress(Node* n);
  void settle();
  void tidy();
  void push(std::string_view v, bool front);

  Node* head_ = nullptr;
  Node* tail_ = nullptr;
  size_t count_ = 0;  // elements
  size_t len_ = 0;    // nodes
  int fill_;
  int depth_;
};

}  // namespace rkv::store

#include "store/quicklist.h"

#include <lzf.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <new>

#include "util/log.h"
#include "util/memory.h"

namespace rkv::store {

// A node is 32 bytes, as Redis's quicklistNode. `data` is the listpack, or while
// compressed a 4-byte LZF length followed by the LZF bytes.
struct Quicklist::Node {
  Node* prev;
  Node* next;
  uint8_t* data;
  uint32_t bytes;  // the listpack's size, also while compressed
  uint16_t count;  // fills are capped so a node never holds more than 32767 elements
  uint8_t compressed : 1;
  uint8_t incompressible : 1;  // LZF was tried on this content and did not pay off
  uint8_t edited : 1;          // changed by the current remove(), for tidy()
};

namespace {

constexpr size_t kSafetyBytes = 8192;  // a positive fill still stops a node at 8 KB
constexpr size_t kLevelBytes[] = {4096, 8192, 16384, 32768, 65536};
constexpr size_t kLzfLenBytes = sizeof(uint32_t);
// Header and terminator: what two listpacks stop paying when they become one.
constexpr size_t kListpackOverhead = Listpack::kHeaderBytes + 1;

uint32_t lzf_len(const uint8_t* blob) {
  uint32_t n;
  std::memcpy(&n, blob, sizeof(n));
  return n;
}

void* checked_malloc(size_t n) {
  void* p = std::malloc(n);
  if (!p) out_of_memory(n);
  return p;
}

// The listpack bytes of a compressed node, in a fresh allocation a Listpack can adopt.
uint8_t* lzf_expand(const uint8_t* blob, size_t bytes) {
  auto* out = static_cast<uint8_t*>(checked_malloc(bytes));
  unsigned got =
      lzf_decompress(blob + kLzfLenBytes, lzf_len(blob), out, static_cast<unsigned>(bytes));
  if (got != bytes) {
    // Only memory corruption gets here: the bytes were compressed by us.
    LOG_WARNING("quicklist: LZF node does not decompress to its size (%u of %zu)", got, bytes);
    std::abort();
  }
  return out;
}

// Positions element `offset` of a listpack holding `count`, walking from the nearer end.
Listpack::Pos seek_in(const Listpack& lp, size_t offset, size_t count) {
  if (offset > count / 2)
    return lp.seek(static_cast<int64_t>(offset) - static_cast<int64_t>(count));
  return lp.seek(static_cast<int64_t>(offset));
}

void free_listpack(void* bytes) {
  Listpack owner = Listpack::adopt(bytes);
}

void append_value(Listpack& lp, const Listpack::Value& v) {
  if (v.is_int)
    lp.insert_int(lp.end(), v.ival);
  else
    lp.push_back(v.sv);
}

}  // namespace

Quicklist::NodeListpack::NodeListpack(const Node& n) {
  if (n.compressed)
    owned_.emplace(Listpack::adopt(lzf_expand(n.data, n.bytes)));
  else
    view_.emplace(n.data);
}

ListpackLimit ListpackLimit::from_fill(int fill) {
  if (fill >= 0) return {SIZE_MAX, fill == 0 ? 1 : static_cast<size_t>(fill)};
  size_t level = std::min<size_t>(static_cast<size_t>(-static_cast<int64_t>(fill)) - 1, 4);
  return {kLevelBytes[level], SIZE_MAX};
}

bool ListpackLimit::exceeded(int fill, size_t bytes, size_t count) {
  ListpackLimit l = from_fill(fill);
  if (l.bytes != SIZE_MAX) return bytes > l.bytes;
  return bytes > kSafetyBytes || count > l.count;
}

// ---- construction -------------------------------------------------------------------

Quicklist::Quicklist(int fill, int compress_depth)
    : fill_(std::clamp(fill, -5, kMaxFill)), depth_(std::clamp(compress_depth, 0, 65535)) {}

std::unique_ptr<Quicklist> Quicklist::from_listpack(Listpack lp, int fill, int compress_depth) {
  auto ql = std::make_unique<Quicklist>(fill, compress_depth);
  if (!lp.empty()) {
    Node* n = new_node(std::move(lp));
    ql->link_after(nullptr, n);
    ql->count_ = n->count;
  }
  return ql;
}

Quicklist::~Quicklist() {
  Node* n = head_;
  while (n) {
    Node* next = n->next;
    free_node(n);
    n = next;
  }
}

std::unique_ptr<Quicklist> Quicklist::clone() const {
  auto copy = std::make_unique<Quicklist>(fill_, depth_);
  for (const Node* n = head_; n; n = n->next) {
    auto* c = static_cast<Node*>(checked_malloc(sizeof(Node)));
    *c = *n;
    if (n->compressed) {
      size_t len = kLzfLenBytes + lzf_len(n->data);
      c->data = static_cast<uint8_t*>(checked_malloc(len));
      std::memcpy(c->data, n->data, len);
    } else {
      c->data = static_cast<uint8_t*>(ListpackView(n->data)->clone().release());
    }
    copy->link_after(copy->tail_, c);
  }
  copy->count_ = count_;
  return copy;
}

size_t Quicklist::allocated_bytes() const {
  size_t total = 0;
  for (const Node* n = head_; n; n = n->next)
    total += allocation_size(n) + allocation_size(n->data);
  return total;
}

Quicklist::Node* Quicklist::new_node(Listpack lp) {
  static_assert(sizeof(void*) != 8 || sizeof(Node) == 32);
  auto* n = static_cast<Node*>(checked_malloc(sizeof(Node)));
  n->prev = n->next = nullptr;
  n->bytes = static_cast<uint32_t>(lp.bytes());
  n->count = static_cast<uint16_t>(lp.size());
  n->compressed = 0;
  n->incompressible = 0;
  n->edited = 0;
  n->data = static_cast<uint8_t*>(lp.release());
  return n;
}

void Quicklist::free_node(Node* n) {
  if (n->compressed)
    std::free(n->data);
  else if (n->data)
    free_listpack(n->data);
  std::free(n);
}

void Quicklist::link_after(Node* at, Node* n) {
  n->prev = at;
  n->next = at ? at->next : head_;
  if (n->next)
    n->next->prev = n;
  else
    tail_ = n;
  if (at)
    at->next = n;
  else
    head_ = n;
  len_++;
}

void Quicklist::unlink(Node* n) {
  if (n->prev)
    n->prev->next = n->next;
  else
    head_ = n->next;
  if (n->next)
    n->next->prev = n->prev;
  else
    tail_ = n->prev;
  len_--;
  free_node(n);
}

Listpack Quicklist::take_single_node() {
  Node* n = head_;
  Listpack lp = take(n);
  unlink(n);
  count_ = 0;
  return lp;
}

size_t Quicklist::head_bytes() const {
  return head_ ? head_->bytes : 0;
}

// ---- node editing -------------------------------------------------------------------

bool Quicklist::allows(const Node* n, std::string_view v) const {
  return !ListpackLimit::exceeded(fill_, n->bytes + Listpack::entry_bytes(v), n->count + 1u);
}

bool Quicklist::can_merge(const Node* a, const Node* b) const {
  return !ListpackLimit::exceeded(fill_, a->bytes + b->bytes - kListpackOverhead,
                                  a->count + b->count);
}

Quicklist::Node* Quicklist::locate(size_t index, size_t* offset) const {
  if (index < count_ / 2) {
    Node* n = head_;
    while (index >= n->count) {
      index -= n->count;
      n = n->next;
    }
    *offset = index;
    return n;
  }
  size_t from_tail = count_ - 1 - index;
  Node* n = tail_;
  while (from_tail >= n->count) {
    from_tail -= n->count;
    n = n->prev;
  }
  *offset = n->count - 1 - from_tail;
  return n;
}

Listpack Quicklist::take(Node* n) {
  decompress(n);
  Listpack lp = Listpack::adopt(n->data);
  n->data = nullptr;
  return lp;
}

void Quicklist::put(Node* n, Listpack lp) {
  n->bytes = static_cast<uint32_t>(lp.bytes());
  n->count = static_cast<uint16_t>(lp.size());
  n->incompressible = 0;
  n->data = static_cast<uint8_t*>(lp.release());
}

void Quicklist::push(std::string_view v, bool front) {
  Node* end = front ? head_ : tail_;
  count_++;
  if (end && allows(end, v)) {
    Listpack lp = take(end);
    if (front)
      lp.push_front(v);
    else
      lp.push_back(v);
    put(end, std::move(lp));
    return;  // the end nodes are plain and stay where they were
  }
  Listpack lp;
  lp.push_back(v);
  link_after(front ? nullptr : tail_, new_node(std::move(lp)));
  settle();  // a new end node pushes its neighbour one step inward
}

void Quicklist::push_front(std::string_view v) {
  push(v, true);
}
void Quicklist::push_back(std::string_view v) {
  push(v, false);
}

Quicklist::Node* Quicklist::merge(Node* a, Node* b) {
  Listpack la = take(a);
  Listpack lb = take(b);
  Listpack::Scratch s;
  for (Listpack::Pos p = lb.first(); p != Listpack::kNone; p = lb.next(p))
    append_value(la, lb.get(p, s));
  put(a, std::move(la));
  unlink(b);  // lb frees b's bytes
  return a;
}

Quicklist::Node* Quicklist::merge_neighbours(Node* n) {
  if (n->prev && can_merge(n->prev, n)) n = merge(n->prev, n);
  if (n->next && can_merge(n, n->next)) n = merge(n, n->next);
  return n;
}

void Quicklist::erase_range(size_t start, size_t count) {
  if (count == 0) return;
  size_t off;
  Node* n = locate(start, &off);
  count_ -= count;
  Node* edited[2] = {nullptr, nullptr};  // at most the first and the last node are partial
  while (count > 0) {
    Node* next = n->next;
    if (off == 0 && count >= n->count) {
      count -= n->count;
      unlink(n);
    } else {
      size_t k = std::min<size_t>(count, n->count - off);
      Listpack lp = take(n);
      lp.erase_range(off, k);
      put(n, std::move(lp));
      count -= k;
      edited[edited[0] ? 1 : 0] = n;
    }
    off = 0;
    n = next;
  }
  // Later node first: a merge keeps the earlier node, so edited[0] stays valid.
  for (int i = 1; i >= 0; i--)
    if (edited[i]) recompress(merge_neighbours(edited[i]));
  settle();
}

// Makes v element `offset` of node n (offset == n->count: after its last element).
void Quicklist::insert_in_node(Node* n, size_t offset, std::string_view v) {
  count_++;
  if (allows(n, v)) {
    Listpack lp = take(n);
    lp.insert(offset == n->count ? lp.end() : seek_in(lp, offset, n->count), v);
    put(n, std::move(lp));
    recompress(n);
    return;
  }
  const bool at_tail = offset == n->count, at_head = offset == 0;
  if (at_tail && n->next && allows(n->next, v)) {
    Listpack lp = take(n->next);
    lp.push_front(v);
    put(n->next, std::move(lp));
    recompress(n->next);
    return;
  }
  if (at_head && n->prev && allows(n->prev, v)) {
    Listpack lp = take(n->prev);
    lp.push_back(v);
    put(n->prev, std::move(lp));
    recompress(n->prev);
    return;
  }
  Listpack single;
  single.push_back(v);
  if (at_tail || at_head) {
    Node* x = new_node(std::move(single));
    link_after(at_tail ? n : n->prev, x);
    recompress(x);
    settle();
    return;
  }
  // Split n before `offset`: its elements from there on move to a new node m, and v goes
  // to whichever half has room (or between them when it fits in neither).
  Listpack left = take(n);
  Listpack right;
  Listpack::Scratch s;
  for (Listpack::Pos p = seek_in(left, offset, n->count); p != Listpack::kNone; p = left.next(p))
    append_value(right, left.get(p, s));
  left.erase_range(offset, n->count - offset);
  put(n, std::move(left));
  Node* m = new_node(std::move(right));
  link_after(n, m);
  Node* x = nullptr;
  if (allows(n, v)) {
    Listpack lp = take(n);
    lp.push_back(v);
    put(n, std::move(lp));
  } else if (allows(m, v)) {
    Listpack lp = take(m);
    lp.push_front(v);
    put(m, std::move(lp));
  } else {
    x = new_node(std::move(single));
    link_after(n, x);
  }
  // Later nodes first (see erase_range): m, then x, then n.
  recompress(merge_neighbours(m));
  if (x) recompress(merge_neighbours(x));
  recompress(merge_neighbours(n));
  settle();
}

bool Quicklist::insert_at_pivot(std::string_view pivot, std::string_view v, bool after) {
  for (Node* n = head_; n; n = n->next) {
    const NodeListpack node_lp(*n);
    const Listpack& lp = *node_lp;
    size_t i = 0;
    for (Listpack::Pos p = lp.first(); p != Listpack::kNone; p = lp.next(p), i++) {
      if (!lp.equals(p, pivot)) continue;
      insert_in_node(n, after ? i + 1 : i, v);
      return true;
    }
  }
  return false;
}

void Quicklist::replace(size_t index, std::string_view v) {
  size_t off;
  Node* n = locate(index, &off);
  Listpack lp = take(n);
  Listpack::Pos p = seek_in(lp, off, n->count);
  Listpack::Pos after = lp.next(p);
  size_t old_entry = (after == Listpack::kNone ? lp.end() : after) - p;
  size_t new_entry = Listpack::entry_bytes(v);
  if (n->count == 1 ||
      !ListpackLimit::exceeded(fill_, n->bytes - old_entry + new_entry, n->count)) {
    lp.replace(p, v);
    put(n, std::move(lp));
    recompress(new_entry < old_entry ? merge_neighbours(n) : n);
    if (new_entry < old_entry) settle();
    return;
  }
  // Too big for this node: take the old element out and place v as an insert would.
  lp.erase(p);
  put(n, std::move(lp));
  count_--;
  insert_in_node(n, off, v);
}

size_t Quicklist::remove(std::string_view v, size_t limit, bool from_tail) {
  size_t removed = 0;
  std::vector<Listpack::Pos> hits;
  Node* n = from_tail ? tail_ : head_;
  bool edited_any = false;
  while (n && (limit == 0 || removed < limit)) {
    Node* following = from_tail ? n->prev : n->next;
    // Not a NodeListpack: a compressed node's expansion is reused for the edit below.
    std::optional<Listpack> copy;
    std::optional<ListpackView> view;
    if (n->compressed)
      copy.emplace(Listpack::adopt(lzf_expand(n->data, n->bytes)));
    else
      view.emplace(n->data);
    const Listpack& lp = copy ? *copy : **view;
    hits.clear();
    Listpack::Pos p = from_tail ? lp.last() : lp.first();
    while (p != Listpack::kNone && (limit == 0 || removed + hits.size() < limit)) {
      if (lp.equals(p, v)) hits.push_back(p);
      p = from_tail ? lp.prev(p) : lp.next(p);
    }
    if (!hits.empty()) {
      view.reset();
      Listpack edit;
      if (copy) {
        edit = std::move(*copy);  // the expansion of the compressed bytes, freed here
        std::free(n->data);
        n->data = nullptr;
        n->compressed = 0;
      } else {
        edit = take(n);
      }
      // Highest position first, so the positions still to erase stay valid.
      if (!from_tail) std::reverse(hits.begin(), hits.end());
      for (Listpack::Pos h : hits) edit.erase(h);
      removed += hits.size();
      count_ -= hits.size();
      edited_any = true;
      if (edit.empty()) {
        unlink(n);  // edit frees the emptied listpack
      } else {
        put(n, std::move(edit));
        n->edited = 1;
      }
    }
    n = following;
  }
  if (edited_any) tidy();
  return removed;
}

// ---- compression ----------------------------------------------------------------------

void Quicklist::decompress(Node* n) {
  if (!n->compressed) return;
  uint8_t* plain = lzf_expand(n->data, n->bytes);
  std::free(n->data);
  n->data = plain;
  n->compressed = 0;
}

void Quicklist::compress(Node* n) {
  if (n->compressed || n->incompressible) return;
  if (n->bytes < kMinCompressBytes) {
    n->incompressible = 1;
    return;
  }
  // Single-threaded use: one scratch buffer, grown to the largest node seen.
  thread_local std::vector<uint8_t> scratch;
  if (scratch.size() < n->bytes) scratch.resize(n->bytes);
  unsigned len = lzf_compress(n->data, n->bytes, scratch.data(),
                              static_cast<unsigned>(n->bytes - kMinCompressGain - 1));
  if (len == 0) {  // would not save kMinCompressGain bytes
    n->incompressible = 1;
    return;
  }
  auto* blob = static_cast<uint8_t*>(checked_malloc(kLzfLenBytes + len));
  std::memcpy(blob, &len, kLzfLenBytes);
  std::memcpy(blob + kLzfLenBytes, scratch.data(), len);
  free_listpack(n->data);
  n->data = blob;
  n->compressed = 1;
}

bool Quicklist::in_window(const Node* n) const {
  const Node* a = n;
  const Node* b = n;
  for (int i = 0; i < depth_; i++) {
    if (!a->prev || !b->next) return true;
    a = a->prev;
    b = b->next;
  }
  return false;
}

void Quicklist::recompress(Node* n) {
  if (depth_ > 0 && !n->compressed && !in_window(n)) compress(n);
}

// Restores the compression layout after the ends moved: the depth nodes at each end
// plain, the nodes just beyond compressed. An operation moves a node across a window's
// edge by at most two places, so compressing the two nodes past each edge is enough.
void Quicklist::settle() {
  if (depth_ == 0 || !head_) return;
  Node* f = head_;
  Node* r = tail_;
  for (int i = 0; i < depth_; i++) {
    decompress(f);
    decompress(r);
    if (f == r || f->next == r) return;  // the windows meet: every node is plain
    f = f->next;
    r = r->prev;
  }
  compress(f);
  compress(r);
  if (f != r && f->next != r) {
    compress(f->next);
    compress(r->prev);
  }
}

// After edits scattered over the list (LREM): merges every edited node with a neighbour
// it fits with, then compresses the edited nodes that lie beyond the windows.
void Quicklist::tidy() {
  for (Node* n = head_; n && n->next;) {
    if ((n->edited || n->next->edited) && can_merge(n, n->next)) {
      merge(n, n->next);
      n->edited = 1;
    } else {
      n = n->next;
    }
  }
  for (Node* n = head_; n; n = n->next) {
    if (n->edited) {
      n->edited = 0;
      recompress(n);
    }
  }
  settle();
}

// ---- reading --------------------------------------------------------------------------

Quicklist::Reader::Reader(const Quicklist& ql, size_t index, bool forward) : forward_(forward) {
  size_t off;
  const Node* n = ql.locate(index, &off);
  enter(n, off);
}

void Quicklist::Reader::enter(const Node* n, size_t offset) {
  lp_.reset();
  node_ = n;
  if (!n) return;
  lp_.emplace(*n);
  pos_ = seek_in(lp(), offset, n->count);
}

void Quicklist::Reader::advance() {
  Listpack::Pos p = forward_ ? lp().next(pos_) : lp().prev(pos_);
  if (p != Listpack::kNone) {
    pos_ = p;
    return;
  }
  const Node* n = forward_ ? node_->next : node_->prev;
  enter(n, n && !forward_ ? n->count - 1u : 0);
}

// ---- tests ----------------------------------------------------------------------------

std::vector<Quicklist::NodeInfo> Quicklist::nodes() const {
  std::vector<NodeInfo> out;
  for (const Node* n = head_; n; n = n->next)
    out.push_back({n->count, n->bytes, n->compressed ? kLzfLenBytes + lzf_len(n->data) : 0});
  return out;
}

bool Quicklist::check() const {
  size_t elements = 0, nodes = 0;
  const Node* prev = nullptr;
  for (const Node* n = head_; n; prev = n, n = n->next) {
    if (n->prev != prev || n->count == 0) return false;
    nodes++;
    elements += n->count;
    const NodeListpack node_lp(*n);
    const Listpack& lp = *node_lp;
    if (lp.bytes() != n->bytes || lp.size() != n->count) return false;
    if (depth_ > 0) {
      // Plain inside the windows; beyond them compressed unless LZF could not help.
      bool inside = in_window(n);
      if (inside && n->compressed) return false;
      if (!inside && !n->compressed && !n->incompressible) return false;
    } else if (n->compressed) {
      return false;
    }
  }
  return prev == tail_ && elements == count_ && nodes == len_;
}

}  // namespace rkv::store

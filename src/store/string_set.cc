#include "store/string_set.h"

#include <cstdlib>
#include <cstring>
#include <new>

#include "util/memory.h"

namespace rkv::store {

StringSet::Node* StringSet::Node::create(std::string_view m) {
  uint8_t len_bytes[10];
  size_t n = 0;
  size_t v = m.size();
  while (v >= 0x80) {
    len_bytes[n++] = static_cast<uint8_t>((v & 0x7f) | 0x80);
    v >>= 7;
  }
  len_bytes[n++] = static_cast<uint8_t>(v);
  size_t total = sizeof(Node) + n + m.size();
  void* mem = std::malloc(total);
  if (!mem) out_of_memory(total);
  auto* node = ::new (mem) Node{nullptr};
  auto* p = reinterpret_cast<uint8_t*>(node + 1);
  std::memcpy(p, len_bytes, n);
  if (!m.empty()) std::memcpy(p + n, m.data(), m.size());
  return node;
}

void StringSet::Node::destroy(Node* n) {
  n->~Node();
  std::free(n);
}

StringSet::~StringSet() {
  dict_.clear([](Node* n) { Node::destroy(n); });
}

std::unique_ptr<StringSet> StringSet::clone() const {
  auto copy = std::make_unique<StringSet>();
  for_each([&copy](std::string_view m) { copy->dict_.insert(Node::create(m)); });
  return copy;
}

bool StringSet::add(std::string_view m) {
  if (dict_.find(m)) return false;
  dict_.insert(Node::create(m));
  return true;
}

bool StringSet::remove(std::string_view m) {
  Node* n = dict_.erase(m);
  if (!n) return false;
  Node::destroy(n);
  dict_.shrink_if_sparse();
  return true;
}

// Dict::fair_random_node draws members uniformly; tighten() first keeps a draining set's
// table from being mostly empty buckets.
std::string_view StringSet::random(std::mt19937_64& rng) {
  tighten();
  return dict_.fair_random_node(rng)->member();
}

// Removals shrink the table, but incrementally: a shrink sized when the table fell under
// 10% full can still be rehashing when most of what remained is gone too (SPOP draining a
// set), and then a draw probes buckets by the thousand for each member it finds (draining
// 300,000 members with SPOP had a batch of 100 take 2.2 s). Past 16 buckets per member the
// rehash is
// finished at once (one sequential pass over the old table, less than a single draw
// costs at that sparsity) and the next shrink started and finished the same way.
void StringSet::tighten() {
  constexpr size_t kSparse = 16;
  if (dict_.rehashing()) dict_.rehash_step(1);
  while (dict_.buckets() > kSparse * size()) {
    if (dict_.rehashing()) {
      while (dict_.rehash_step(1024)) {
      }
    } else if (!dict_.shrink_if_sparse()) {
      break;
    }
  }
}

size_t StringSet::allocated_bytes() const {
  size_t total = dict_.bucket_bytes();
  constexpr size_t kExactUpTo = 1024;
  constexpr size_t kSamples = 512;
  if (size() <= kExactUpTo) {
    dict_.for_each([&total](const Node& n) { total += allocation_size(&n); });
    return total;
  }
  // Large sets: the average of a sample spread over the table (a cursor walk from 0 visits
  // buckets far apart) times the count, so MEMORY USAGE stays cheap, as Redis's sampling.
  size_t sampled = 0, sampled_bytes = 0;
  uint64_t cursor = 0;
  do {
    cursor = dict_.scan(cursor, [&](const Node& n) {
      sampled++;
      sampled_bytes += allocation_size(&n);
    });
  } while (cursor != 0 && sampled < kSamples);
  return total + sampled_bytes * size() / sampled;
}

}  // namespace rkv::store

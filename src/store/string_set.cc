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

// Dict::random_node picks a bucket, then a chain element, so a member sharing its bucket
// with two others is drawn a third as often as one alone: SRANDMEMBER and SPOP would be
// visibly unfair. Instead a random bucket is kept with probability L/kMaxChain for a chain
// of length L, and one of its members taken uniformly: every member of a chain of up to
// kMaxChain is then drawn with the same probability. At the load of a table (at most one
// member per bucket on average) a chain of 9 or more has a probability of about 1e-6; a
// smaller bound lets long chains show (4 made a 1000-member set fail a chi-square test).
// The cost is kMaxChain / load bucket probes on average: 8 to 16 at the load of a growing
// table, up to 80 at the 10% fill below which removals shrink it.
std::string_view StringSet::random(std::mt19937_64& rng) {
  constexpr size_t kMaxChain = 8;
  constexpr size_t kKeep = 64;
  tighten();
  const Node* seen[kKeep];
  for (;;) {
    size_t len = 0;
    // A scan step at a random cursor visits one bucket (while rehashing: one bucket of
    // the small table and those of the large table it expands to).
    dict_.scan(rng(), [&](const Node& n) {
      if (len < kKeep) seen[len] = &n;
      len++;
    });
    if (len == 0) continue;
    size_t r = rng() % kMaxChain;
    if (r >= len) continue;
    size_t pick = len <= kMaxChain ? r : rng() % len;
    if (pick < kKeep) return seen[pick]->member();
  }
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

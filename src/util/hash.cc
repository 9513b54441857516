#include "util/hash.h"

namespace rkv {
namespace {
uint64_t g_seed = 0x5bd1e9955bd1e995ull;
}
void hash_set_seed(uint64_t seed) {
  g_seed = seed;
}
uint64_t hash_seed() {
  return g_seed;
}
}  // namespace rkv

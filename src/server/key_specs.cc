#include "server/key_specs.h"

#include <algorithm>
#include <climits>
#include <cstdint>

#include "util/numbers.h"
#include "util/strings.h"

namespace rkv::server {
namespace {

using Argv = std::span<const std::string_view>;

bool plain_range(const KeySpec& ks) {
  return ks.begin == KeySpec::Begin::kIndex && ks.find == KeySpec::Find::kRange;
}

// C's atoi() as glibc has it, (int)strtol(s, NULL, 10): leading blanks, a sign, digits up
// to the first non-digit, saturation at the long range, then truncation to int. Redis's
// native getkeys functions read numkeys this way, so "2abc" and "+2" count as 2 there.
int c_atoi(std::string_view s) {
  size_t i = 0;
  while (i < s.size() && (s[i] == ' ' || (s[i] >= '\t' && s[i] <= '\r'))) i++;
  bool neg = false;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) neg = s[i++] == '-';
  constexpr uint64_t kLimit = uint64_t{1} << 63;  // |LONG_MIN|
  uint64_t v = 0;
  for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; i++) {
    auto d = static_cast<uint64_t>(s[i] - '0');
    v = v > (kLimit - d) / 10 ? kLimit + 1 : v * 10 + d;  // kLimit + 1: overflowed
  }
  int64_t l;
  if (neg)
    l = v >= kLimit ? INT64_MIN : -static_cast<int64_t>(v);
  else
    l = v >= kLimit ? INT64_MAX : static_cast<int64_t>(v);
  return static_cast<int>(static_cast<uint32_t>(l));
}

// Where a keyword spec's keys begin (the argument after the keyword), or 0 when the
// keyword is absent. startfrom > 0 searches forward from there, < 0 backward from
// argc + startfrom; the last argument never counts as the keyword (no key could follow).
int keyword_start(const KeySpec& ks, Argv argv) {
  const int argc = static_cast<int>(argv.size());
  if (ks.index > 0) {
    for (int i = ks.index; i < argc - 1; i++)
      if (iequals(argv[static_cast<size_t>(i)], ks.keyword)) return i + 1;
  } else {
    for (int i = argc + ks.index; i >= 1; i--)
      if (i < argc && iequals(argv[static_cast<size_t>(i)], ks.keyword)) return i + 1;
  }
  return 0;
}

// Walks the specs in order, as Redis's getKeysUsingKeySpecs: false (keys then
// meaningless) when a spec cannot be applied: an unknown spec, a count that is not a
// non-negative integer, keys beyond argv, or an incomplete spec.
bool keys_from_specs(std::span<const KeySpec> specs, Argv argv, std::vector<KeyRef>* keys) {
  const int64_t argc = static_cast<int64_t>(argv.size());
  for (const KeySpec& ks : specs) {
    if (has_key_flag(ks, "not_key")) continue;
    int64_t first = 0;
    switch (ks.begin) {
      case KeySpec::Begin::kIndex:
        first = ks.index;
        break;
      case KeySpec::Begin::kKeyword:
        first = keyword_start(ks, argv);
        if (first == 0) continue;  // an absent keyword means no keys of this kind
        break;
      case KeySpec::Begin::kUnknown:
        return false;
    }
    int64_t last = 0;
    switch (ks.find) {
      case KeySpec::Find::kRange:
        if (ks.lastkey >= 0)
          last = first + ks.lastkey;
        else if (ks.limit == 0)
          last = argc + ks.lastkey;
        else
          last = first + ((argc - first) / ks.limit + ks.lastkey);
        break;
      case KeySpec::Find::kKeynum: {
        int64_t at = first + ks.keynumidx;
        if (at >= argc) return false;
        auto n = parse_int64(argv[static_cast<size_t>(at)]);
        if (!n || *n < 0) return false;
        first += ks.firstkey;
        // Redis adds the count as an int: 4294967298 keys is 2 keys there.
        last = first + static_cast<int>(static_cast<uint32_t>(*n)) - 1;
        break;
      }
      case KeySpec::Find::kUnknown:
        return false;
    }
    if (last >= argc || last < first || first >= argc) return false;
    const int64_t step = std::max(1, ks.keystep);
    for (int64_t i = first; i <= last; i += step) keys->push_back({static_cast<int>(i), ks.flags});
    if (has_key_flag(ks, "incomplete")) return false;
  }
  return true;
}

// The fallback Redis's native getkeys functions give every numkeys command: the count
// read leniently, all-or-nothing, then the destination key (a single-key range spec
// before the count) last, and no flags.
bool numkeys_fallback(std::span<const KeySpec> specs, Argv argv, std::vector<KeyRef>* keys) {
  auto count = std::find_if(specs.begin(), specs.end(), [](const KeySpec& ks) {
    return ks.begin == KeySpec::Begin::kIndex && ks.find == KeySpec::Find::kKeynum;
  });
  if (count == specs.end()) return false;
  const int argc = static_cast<int>(argv.size());
  const int count_at = count->index + count->keynumidx;
  const int first = count->index + count->firstkey;
  const int step = std::max(1, count->keystep);
  if (count_at >= argc) return false;
  const int num = c_atoi(argv[static_cast<size_t>(count_at)]);
  if (num < 1 || first > argc || num > (argc - first) / step) return false;
  for (int i = 0; i < num; i++) keys->push_back({first + i * step, {}});
  for (const KeySpec& ks : specs)
    if (plain_range(ks) && ks.lastkey == 0 && ks.index < count->index)
      keys->push_back({ks.index, {}});
  return true;
}

}  // namespace

bool has_key_flag(const KeySpec& spec, std::string_view flag) {
  for (auto w : split_words(spec.flags))
    if (w == flag) return true;
  return false;
}

LegacyKeyRange legacy_key_range(const CommandSpec& spec) {
  std::span<const KeySpec> specs = spec.key_specs;
  if (specs.empty()) return {spec.first_key, spec.last_key, spec.key_step, false};
  if (specs.size() == 1 && plain_range(specs[0])) {
    const KeySpec& ks = specs[0];
    return {ks.index, ks.lastkey >= 0 ? ks.index + ks.lastkey : ks.lastkey, ks.keystep,
            has_key_flag(ks, "incomplete")};
  }
  int first = INT_MAX, last = 0, prev_last = 0;
  bool movable = false;
  for (const KeySpec& ks : specs) {
    // Only consecutive plain ranges of step 1 merge; any other spec hides keys from the
    // triple, which is what movablekeys tells a client.
    if (!plain_range(ks) || ks.keystep != 1 || (prev_last != 0 && prev_last != ks.index - 1)) {
      movable = true;
      continue;
    }
    if (has_key_flag(ks, "incomplete")) movable = true;
    first = std::min(first, ks.index);
    int abs_last = ks.lastkey >= 0 ? ks.index + ks.lastkey : ks.lastkey;
    // A negative last key ("to the end") outranks any index, as Redis's unsigned max.
    if (static_cast<unsigned>(abs_last) > static_cast<unsigned>(last)) last = abs_last;
    prev_last = last;
  }
  if (first == INT_MAX) return {0, 0, 0, true};
  return {first, last, 1, movable};
}

std::vector<KeyRef> find_keys(const CommandSpec& spec, std::span<const KeySpec> specs, Argv argv) {
  std::vector<KeyRef> keys;
  // Specs whose flags depend on the arguments defer to the row's get_keys, when it has one.
  const bool variable = spec.get_keys && std::any_of(specs.begin(), specs.end(), [](auto& ks) {
                          return has_key_flag(ks, "variable_flags");
                        });
  if (!specs.empty() && !variable) {
    if (keys_from_specs(specs, argv, &keys)) return keys;
    keys.clear();
  }
  bool ok = spec.get_keys ? spec.get_keys(argv, &keys) : numkeys_fallback(specs, argv, &keys);
  if (!ok) keys.clear();
  return keys;
}

bool sort_get_keys(Argv argv, std::vector<KeyRef>* keys) {
  keys->push_back({1, "RO access"});
  // Options take no argument unless listed; the last STORE wins, as in SORT itself.
  int store = 0;
  const int argc = static_cast<int>(argv.size());
  for (int i = 2; i < argc; i++) {
    std::string_view a = argv[static_cast<size_t>(i)];
    if (iequals(a, "limit"))
      i += 2;
    else if (iequals(a, "get") || iequals(a, "by"))
      i += 1;
    else if (iequals(a, "store") && i + 1 < argc)
      store = i + 1;
  }
  if (store) keys->push_back({store, "OW update"});
  return true;
}

bool sort_ro_get_keys(Argv, std::vector<KeyRef>* keys) {
  keys->push_back({1, "RO access"});
  return true;
}

bool set_get_keys(Argv argv, std::vector<KeyRef>* keys) {
  // GET turns SET into a read of the old value as well.
  for (size_t i = 3; i < argv.size(); i++) {
    if (iequals(argv[i], "get")) {
      keys->push_back({1, "RW access update"});
      return true;
    }
  }
  keys->push_back({1, "OW update"});
  return true;
}

bool bitfield_get_keys(Argv argv, std::vector<KeyRef>* keys) {
  // Read-only when every operation is a complete GET or OVERFLOW; anything else, a
  // malformed tail included, is treated as a write.
  bool readonly = true;
  const size_t argc = argv.size();
  for (size_t i = 2; i < argc && readonly; i++) {
    const size_t rest = argc - i - 1;
    if (iequals(argv[i], "get") && rest >= 2)
      i += 2;
    else if (iequals(argv[i], "overflow") && rest >= 1)
      i += 1;
    else
      readonly = false;
  }
  keys->push_back({1, readonly ? "RO access" : "RW access update"});
  return true;
}

}  // namespace rkv::server

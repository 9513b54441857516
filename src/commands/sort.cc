// SORT and SORT_RO: the elements of a list, set or sorted set, sorted numerically or
// by bytes, by their own value or by values of other keys (BY), mapped to other keys'
// values (GET), cut by LIMIT and, for SORT, stored as a list (STORE).
//
// Redis 7.0's rules, including the ones that show in replies:
//  - numeric sorting reads every value with strtod (leading blanks, hex, "inf" accepted;
//    trailing bytes, NaN and ERANGE refused), a missing BY value counts as 0, and equal
//    scores fall back to comparing the elements' bytes so the order is deterministic;
//  - ALPHA compares bytes, but as C strings (up to a NUL) unless STORE is given, where
//    whole strings are compared: Redis uses strcoll for the reply (the server runs in the C
//    locale) and a binary compare for STORE. Elements equal under that keep their order
//    (glibc's merge sort, which Redis's qsort call gets, is stable);
//  - a BY pattern without '*' means "do not sort": lists and sorted sets keep their order
//    (reversed by DESC) and LIMIT cuts it; a set is sorted anyway (ALPHA) when the result
//    is stored, so what STORE writes does not depend on hash table order;
//  - patterns are read as C strings where Redis does: '*', "->" and "#" after a NUL byte
//    do not count;
//  - sorted sets are converted to the skiplist encoding first, as 7.0 does (SORT_RO too):
//    OBJECT ENCODING and MEMORY USAGE afterwards are what redis-server shows.
// Redis reads errno without clearing it before strtod, so after one SORT hits ERANGE its
// later numeric sorts can fail until some system call resets errno; we clear it.
#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "commands/int_args.h"
#include "server/command.h"
#include "server/errors.h"
#include "server/key_specs.h"
#include "server/notify.h"
#include "server/server.h"
#include "store/hash_object.h"
#include "store/list.h"
#include "store/set_object.h"
#include "store/zset_object.h"
#include "util/numbers.h"
#include "util/strings.h"

namespace rkv::server {
namespace {

using store::Entry;
using store::ObjType;
namespace list = store::list;

struct SortOptions {
  bool desc = false;
  bool alpha = false;
  bool dontsort = false;  // a BY pattern without '*'
  std::optional<std::string_view> by;
  int64_t limit_start = 0;
  int64_t limit_count = -1;
  std::optional<std::string_view> store;
  std::vector<std::string_view> gets;
};

// The part of s that C string functions see.
std::string_view c_string(std::string_view s) {
  size_t nul = s.find('\0');
  return nul == std::string_view::npos ? s : s.substr(0, nul);
}

// Options in any order, left to right; the first bad one answers. False after replying.
bool parse_options(CommandContext& ctx, bool readonly, SortOptions* o) {
  const size_t argc = ctx.argc();
  for (size_t j = 2; j < argc; j++) {
    std::string_view opt = ctx.arg(j);
    const size_t left = argc - j - 1;
    if (iequals(opt, "asc")) {
      o->desc = false;
    } else if (iequals(opt, "desc")) {
      o->desc = true;
    } else if (iequals(opt, "alpha")) {
      o->alpha = true;
    } else if (iequals(opt, "limit") && left >= 2) {
      if (!parse_long(ctx, ctx.arg(j + 1), &o->limit_start) ||
          !parse_long(ctx, ctx.arg(j + 2), &o->limit_count))
        return false;
      j += 2;
    } else if (!readonly && iequals(opt, "store") && left >= 1) {
      o->store = ctx.arg(++j);
    } else if (iequals(opt, "by") && left >= 1) {
      o->by = ctx.arg(++j);
      o->dontsort = c_string(*o->by).find('*') == std::string_view::npos;
    } else if (iequals(opt, "get") && left >= 1) {
      o->gets.push_back(ctx.arg(++j));
    } else {
      ctx.reply.error(err::kSyntax);
      return false;
    }
  }
  return true;
}

// Looks up what `pattern` names for `element` and calls fn(value) when it exists: the
// element itself for "#", else the string key made by replacing the pattern's first '*'
// with the element, or with "key->field" the field of that hash. Returns whether fn ran.
// A pattern without '*' names nothing.
template <typename Fn>
bool lookup_by_pattern(CommandContext& ctx, std::string_view pattern, std::string_view element,
                       std::string& key, Fn&& fn) {
  if (!pattern.empty() && pattern[0] == '#' && (pattern.size() == 1 || pattern[1] == '\0')) {
    fn(element);
    return true;
  }
  const std::string_view visible = c_string(pattern);
  const size_t star = visible.find('*');
  if (star == std::string_view::npos) return false;
  size_t key_end = pattern.size();
  std::optional<std::string_view> field;
  // "->" at the very end names no field: it is part of the key then.
  if (size_t arrow = visible.find("->", star + 1);
      arrow != std::string_view::npos && arrow + 2 < visible.size()) {
    field = pattern.substr(arrow + 2);
    key_end = arrow;
  }
  key.assign(pattern.substr(0, star));
  key.append(element);
  key.append(pattern.substr(star + 1, key_end - star - 1));
  Entry* e = ctx.db.lookup_read(key);
  if (!e) return false;
  if (field) {
    if (e->type() != ObjType::kHash) return false;
    store::HashObject hash(e);
    store::Listpack::Scratch scratch;
    auto v = hash.get(*field, scratch);
    if (!v) return false;
    fn(*v);
    return true;
  }
  if (e->type() != ObjType::kString) return false;
  char scratch[kMaxInt64Chars];
  fn(e->string_value(scratch));
  return true;
}

struct Item {
  std::string element;
  double score = 0;
  bool has_by_value = false;  // ALPHA with BY: whether the BY key/field exists
  std::string by_value;
};

// strtod as Redis applies it to a sort weight (C string, so bytes after a NUL are ignored).
bool to_score(const std::string& text, double* out) {
  char* end;
  errno = 0;
  *out = std::strtod(text.c_str(), &end);
  return *end == '\0' && errno != ERANGE && !std::isnan(*out);
}

int sign_of(int c) {
  return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

class Comparator {
 public:
  explicit Comparator(const SortOptions& o) : o_(o) {}
  bool operator()(const Item& a, const Item& b) const { return compare(a, b) < 0; }

 private:
  int compare(const Item& a, const Item& b) const {
    int cmp;
    if (!o_.alpha) {
      if (a.score != b.score)
        cmp = a.score > b.score ? 1 : -1;
      else
        cmp = sign_of(std::string_view(a.element).compare(b.element));
    } else if (o_.by) {
      if (!a.has_by_value || !b.has_by_value)
        cmp = a.has_by_value == b.has_by_value ? 0 : (a.has_by_value ? 1 : -1);
      else
        cmp = bytes(a.by_value, b.by_value);
    } else {
      cmp = bytes(a.element, b.element);
    }
    return o_.desc ? -cmp : cmp;
  }
  int bytes(std::string_view a, std::string_view b) const {
    if (!o_.store) return sign_of(c_string(a).compare(c_string(b)));
    return sign_of(a.compare(b));
  }

  const SortOptions& o_;
};

store::ListConfig list_config(CommandContext& ctx) {
  const Config& c = ctx.server.config();
  return {c.list_max_listpack_size, c.list_compress_depth};
}

void sort_generic(CommandContext& ctx, bool readonly) {
  SortOptions o;
  if (!parse_options(ctx, readonly, &o)) return;
  Entry* src = ctx.db.lookup_read(ctx.arg(1));
  if (src && src->type() != ObjType::kList && src->type() != ObjType::kSet &&
      src->type() != ObjType::kZset) {
    ctx.reply.error(err::kWrongType);
    return;
  }
  const ObjType type = src ? src->type() : ObjType::kList;  // a missing key: an empty list
  if (o.dontsort && type == ObjType::kSet && o.store) {
    o.dontsort = false;
    o.alpha = true;
    o.by.reset();
  }
  std::optional<store::Zset> zset;
  if (type == ObjType::kZset) {
    zset.emplace(src);
    zset->convert_to_skiplist();
  }

  size_t len = 0;
  if (src) {
    if (type == ObjType::kList)
      len = list::size(*src);
    else if (type == ObjType::kSet)
      len = store::BorrowedSet(src)->size();
    else
      len = zset->size();
  }
  // LIMIT clamped to the collection first, so start + count cannot overflow.
  const auto n = static_cast<int64_t>(len);
  int64_t start = std::clamp<int64_t>(o.limit_start, 0, n);
  const int64_t count = std::clamp<int64_t>(o.limit_count, -1, n);
  int64_t end = count < 0 ? n - 1 : start + count - 1;
  if (start >= n) {
    start = n - 1;
    end = n - 2;
  }
  if (end >= n) end = n - 1;

  // Unsorted lists and sorted sets load only the range asked for, in their own order.
  std::vector<Item> items;
  const bool native_order = o.dontsort && type != ObjType::kSet;
  if (native_order) {
    if (end >= start) {
      const auto first = static_cast<size_t>(start), want = static_cast<size_t>(end - start + 1);
      items.resize(want);
      if (type == ObjType::kList) {
        store::Listpack::Scratch scratch;
        list::Reader r(*src, o.desc ? len - 1 - first : first, !o.desc);
        for (size_t i = 0; i < want; i++, r.advance()) items[i].element = r.value(scratch).sv;
      } else {
        store::ZsetCursor c = zset->at(o.desc ? len - 1 - first : first);
        for (size_t i = 0; i < want; i++) {
          items[i].element = c.member();
          if (o.desc)
            c.prev();
          else
            c.next();
        }
      }
    }
    end -= start;
    start = 0;
  } else if (src) {
    items.reserve(len);
    if (type == ObjType::kList) {
      store::Listpack::Scratch scratch;
      for (list::Reader r(*src, 0, true); r.valid(); r.advance())
        items.emplace_back().element = r.value(scratch).sv;
    } else if (type == ObjType::kSet) {
      store::BorrowedSet(src)->for_each([&](std::string_view m) {
        items.emplace_back().element = m;
        return true;
      });
    } else {
      for (store::ZsetCursor c = zset->at(0); c.valid(); c.next())
        items.emplace_back().element = c.member();
    }
  }

  std::string key;  // scratch for the keys patterns name
  if (!o.dontsort) {
    bool bad_score = false;
    std::string text;
    for (Item& it : items) {
      if (o.alpha) {
        if (o.by)
          it.has_by_value = lookup_by_pattern(ctx, *o.by, it.element, key,
                                              [&](std::string_view v) { it.by_value = v; });
        continue;
      }
      if (o.by) {
        if (!lookup_by_pattern(ctx, *o.by, it.element, key, [&](std::string_view v) { text = v; }))
          continue;  // a missing weight is 0
      } else {
        text = it.element;
      }
      if (!to_score(text, &it.score)) bad_score = true;
    }
    if (bad_score) {
      ctx.reply.error("ERR One or more scores can't be converted into double");
      return;
    }
    // Redis sorts only the front of the vector when BY and LIMIT cut it (its pqsort,
    // unstable); whole vectors go through qsort, stable in glibc.
    Comparator less(o);
    if (o.by && (start != 0 || end != static_cast<int64_t>(items.size()) - 1))
      std::partial_sort(items.begin(), items.begin() + std::max<int64_t>(end + 1, 0), items.end(),
                        less);
    else
      std::stable_sort(items.begin(), items.end(), less);
  }

  const size_t rows = end >= start ? static_cast<size_t>(end - start + 1) : 0;
  const size_t per_row = o.gets.empty() ? 1 : o.gets.size();
  const auto first = static_cast<size_t>(std::max<int64_t>(start, 0));
  if (!o.store) {
    ctx.reply.array(rows * per_row);
    for (size_t j = first; j < first + rows; j++) {
      const std::string& element = items[j].element;
      if (o.gets.empty()) ctx.reply.bulk(element);
      for (std::string_view pattern : o.gets) {
        if (!lookup_by_pattern(ctx, pattern, element, key,
                               [&](std::string_view v) { ctx.reply.bulk(v); }))
          ctx.reply.null();
      }
    }
    return;
  }

  if (rows == 0) {
    if (ctx.db.remove(*o.store)) ctx.key_modified(kNotifyGeneric, "del", *o.store);
    ctx.reply.integer(0);
    return;
  }
  // The list joins the keyspace (Db::set) only once it holds every value, so clients
  // blocked on the destination (BLPOP) are woken with something to pop.
  const store::ListConfig cfg = list_config(ctx);
  Entry* dst = list::create(*o.store);
  if (o.gets.empty()) {
    std::vector<std::string_view> values;
    values.reserve(rows);
    for (size_t j = first; j < first + rows; j++) values.push_back(items[j].element);
    list::push(*dst, store::ListEnd::kTail, values, cfg);
  } else {
    // A missing GET value is stored as an empty string.
    std::vector<std::string> values(per_row);
    std::vector<std::string_view> views(per_row);
    for (size_t j = first; j < first + rows; j++) {
      for (size_t g = 0; g < per_row; g++) {
        values[g].clear();
        lookup_by_pattern(ctx, o.gets[g], items[j].element, key,
                          [&](std::string_view v) { values[g] = v; });
        views[g] = values[g];
      }
      list::push(*dst, store::ListEnd::kTail, views, cfg);
    }
  }
  ctx.db.set(dst, false);
  // Redis counts every stored element as a change.
  ctx.key_modified(kNotifyList, "sortstore", *o.store, rows * per_row);
  ctx.reply.integer(static_cast<int64_t>(rows * per_row));
}

void sort_command(CommandContext& ctx) {
  sort_generic(ctx, false);
}

void sort_ro_command(CommandContext& ctx) {
  sort_generic(ctx, true);
}

constexpr std::string_view kSortComplexity =
    "O(N+M*log(M)) where N is the number of elements in the list or set to sort, and M the "
    "number of returned elements. When the elements are not sorted, complexity is O(N).";

const CommandSpec kSortCommands[] = {
    {"sort", -2, kWrite | kDenyOom, 1, 1, 1, sort_command,
     "@write @set @sortedset @list @slow @dangerous", "generic", "1.0.0",
     "Sort the elements in a list, set or sorted set", kSortComplexity, kNoSubcommands, kKeysSort,
     sort_get_keys},
    {"sort_ro", -2, kReadonly, 1, 1, 1, sort_ro_command,
     "@read @set @sortedset @list @slow @dangerous", "generic", "7.0.0",
     "Sort the elements in a list, set or sorted set. Read-only variant of SORT.", kSortComplexity,
     kNoSubcommands, kKeysSortRo, sort_ro_get_keys},
};

}  // namespace

std::span<const CommandSpec> sort_commands() {
  return kSortCommands;
}

}  // namespace rkv::server

#include "store/set_object.h"

#include <algorithm>

#include "util/memory.h"

namespace rkv::store {
namespace {

// Redis caps the intset limit so a misconfigured huge value cannot build an intset whose
// every insertion moves gigabytes.
constexpr size_t kIntsetHardLimit = size_t{1} << 30;

size_t intset_limit(const SetLimits& limits) {
  return std::min(limits.intset_entries, kIntsetHardLimit);
}

size_t decimal_length(int64_t v) {
  char buf[kMaxInt64Chars];
  return format_int64(v, buf);
}

int encoding_rank(Encoding e) {
  return e == Encoding::kIntset ? 0 : e == Encoding::kListpack ? 1 : 2;
}

}  // namespace

SetObject SetObject::create(std::string_view first, size_t size_hint, const SetLimits& limits) {
  if (size_hint <= intset_limit(limits) && parse_int64(first)) return SetObject();
  if (size_hint <= limits.listpack_entries) return SetObject(Listpack());
  return SetObject(std::make_unique<StringSet>());
}

SetObject SetObject::adopt(Encoding enc, void* obj) {
  switch (enc) {
    case Encoding::kIntset:
      return SetObject(Intset::adopt(obj));
    case Encoding::kListpack:
      return SetObject(Listpack::adopt(obj));
    default:
      return SetObject(Table(static_cast<StringSet*>(obj)));
  }
}

void* SetObject::release() {
  if (auto* is = std::get_if<Intset>(&rep_)) return is->release();
  if (auto* lp = std::get_if<Listpack>(&rep_)) return lp->release();
  return std::get<Table>(rep_).release();
}

SetObject SetObject::clone() const {
  if (const auto* is = std::get_if<Intset>(&rep_)) return SetObject(is->clone());
  if (const auto* lp = std::get_if<Listpack>(&rep_)) return SetObject(lp->clone());
  return SetObject(std::get<Table>(rep_)->clone());
}

Encoding SetObject::encoding() const {
  switch (rep_.index()) {
    case 0:
      return Encoding::kIntset;
    case 1:
      return Encoding::kListpack;
    default:
      return Encoding::kHashtable;
  }
}

size_t SetObject::size() const {
  if (const auto* is = std::get_if<Intset>(&rep_)) return is->size();
  if (const auto* lp = std::get_if<Listpack>(&rep_)) return lp->size();
  return std::get<Table>(rep_)->size();
}

size_t SetObject::allocated_bytes() const {
  if (const auto* is = std::get_if<Intset>(&rep_)) return is->allocated_bytes();
  if (const auto* lp = std::get_if<Listpack>(&rep_)) return lp->allocated_bytes();
  const Table& t = std::get<Table>(rep_);
  return allocation_size(t.get()) + t->allocated_bytes();
}

bool SetObject::contains(std::string_view m) {
  if (auto* is = std::get_if<Intset>(&rep_)) {
    auto v = parse_int64(m);
    return v && is->contains(*v);
  }
  if (auto* lp = std::get_if<Listpack>(&rep_)) {
    Listpack::Pos first = lp->first();
    return first != Listpack::kNone && lp->find(m, first) != Listpack::kNone;
  }
  return std::get<Table>(rep_)->contains(m);
}

bool SetObject::add(std::string_view m, const SetLimits& limits) {
  if (std::holds_alternative<Intset>(rep_)) return add_to_intset(m, limits);
  if (auto* lp = std::get_if<Listpack>(&rep_)) {
    Listpack::Pos first = lp->first();
    if (first != Listpack::kNone && lp->find(m, first) != Listpack::kNone) return false;
    if (lp->size() < limits.listpack_entries && m.size() <= limits.listpack_value) {
      lp->push_back(m);
      return true;
    }
    convert_to_table();
  }
  return std::get<Table>(rep_)->add(m);
}

bool SetObject::add_to_intset(std::string_view m, const SetLimits& limits) {
  auto& is = std::get<Intset>(rep_);
  if (auto v = parse_int64(m)) {
    if (!is.add(*v)) return false;
    if (is.size() > intset_limit(limits)) convert_to_table();
    return true;
  }
  // Not an integer, so not yet a member. A listpack only if it would hold every integer
  // (all no longer than the widest of min and max) and the new member within the limits.
  size_t n = is.size();
  size_t longest = n ? std::max(decimal_length(is.min()), decimal_length(is.max())) : 0;
  if (n < limits.listpack_entries && m.size() <= limits.listpack_value &&
      longest <= limits.listpack_value) {
    convert_to_listpack();
    std::get<Listpack>(rep_).push_back(m);
  } else {
    convert_to_table();
    std::get<Table>(rep_)->add(m);
  }
  return true;
}

bool SetObject::remove(std::string_view m) {
  if (auto* is = std::get_if<Intset>(&rep_)) {
    auto v = parse_int64(m);
    return v && is->remove(*v);
  }
  if (auto* lp = std::get_if<Listpack>(&rep_)) {
    Listpack::Pos first = lp->first();
    if (first == Listpack::kNone) return false;
    Listpack::Pos p = lp->find(m, first);
    if (p == Listpack::kNone) return false;
    lp->erase(p);
    return true;
  }
  return std::get<Table>(rep_)->remove(m);
}

void SetObject::prepare_for(size_t size_hint, const SetLimits& limits) {
  if ((std::holds_alternative<Listpack>(rep_) && size_hint > limits.listpack_entries) ||
      (std::holds_alternative<Intset>(rep_) && size_hint > intset_limit(limits)))
    convert_to_table();
}

void SetObject::compact(const SetLimits& limits) {
  if (std::holds_alternative<Intset>(rep_)) return;
  if (size() > std::max(intset_limit(limits), limits.listpack_entries)) return;
  SetObject fresh;
  for_each([&](std::string_view m) {
    fresh.add(m, limits);
    return true;
  });
  if (encoding_rank(fresh.encoding()) < encoding_rank(encoding())) *this = std::move(fresh);
}

std::string_view SetObject::random(std::mt19937_64& rng, Scratch& scratch) {
  if (auto* is = std::get_if<Intset>(&rep_))
    return {scratch, format_int64(is->random(rng), scratch)};
  if (auto* lp = std::get_if<Listpack>(&rep_)) {
    Listpack::Pos p = lp->seek(static_cast<int64_t>(rng() % lp->size()));
    return lp->get(p, scratch).sv;
  }
  return std::get<Table>(rep_)->random(rng);
}

void SetObject::convert_to_listpack() {
  const auto& is = std::get<Intset>(rep_);
  Listpack lp;
  for (size_t i = 0, n = is.size(); i < n; i++) lp.insert_int(lp.end(), is.at(i));
  rep_ = std::move(lp);
}

void SetObject::convert_to_table() {
  auto table = std::make_unique<StringSet>();
  for_each([&](std::string_view m) {
    table->add(m);
    return true;
  });
  rep_ = std::move(table);
}

void destroy_set(Encoding enc, void* obj) {
  SetObject::adopt(enc, obj);  // freed as the temporary ends
}

void* clone_set(Encoding enc, const void* obj) {
  // adopt() wants a mutable pointer; the original is only read and handed back unchanged.
  SetObject original = SetObject::adopt(enc, const_cast<void*>(obj));
  SetObject copy = original.clone();
  original.release();
  return copy.release();
}

size_t set_allocated_bytes(Encoding enc, const void* obj) {
  SetObject original = SetObject::adopt(enc, const_cast<void*>(obj));
  size_t n = original.allocated_bytes();
  original.release();
  return n;
}

size_t set_free_effort(Encoding enc, const void* obj) {
  if (enc != Encoding::kHashtable) return 1;
  return static_cast<const StringSet*>(obj)->size();
}

}  // namespace rkv::store

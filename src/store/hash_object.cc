#include "store/hash_object.h"

#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>

#include "util/memory.h"

namespace rkv::store {
namespace {

// Redis converts a listpack that would pass 1 GiB whatever the limits say (lpSafeToAdd).
constexpr size_t kListpackSafeBytes = size_t{1} << 30;

size_t varint_size(size_t v) {
  size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    n++;
  }
  return n;
}

char* put_varint(char* p, size_t v) {
  while (v >= 0x80) {
    *p++ = static_cast<char>((v & 0x7f) | 0x80);
    v >>= 7;
  }
  *p++ = static_cast<char>(v);
  return p;
}

const char* get_varint(const char* p, size_t* v) {
  auto b = static_cast<unsigned char>(*p++);
  size_t out = b & 0x7f;
  for (size_t shift = 7; b & 0x80; shift += 7) {
    b = static_cast<unsigned char>(*p++);
    out |= static_cast<size_t>(b & 0x7f) << shift;
  }
  *v = out;
  return p;
}

}  // namespace

// ---- HashNode -------------------------------------------------------------------------

size_t HashNode::layout_bytes(size_t field_len, size_t value_len) {
  return varint_size(field_len) + varint_size(value_len) + field_len + value_len;
}

HashNode* HashNode::create(std::string_view field, std::string_view value) {
  size_t total = sizeof(HashNode) + layout_bytes(field.size(), value.size());
  void* mem = std::malloc(total);
  if (!mem) out_of_memory(total);
  auto* n = ::new (mem) HashNode();
  char* p = put_varint(n->body(), field.size());
  p = put_varint(p, value.size());
  std::memcpy(p, field.data(), field.size());
  std::memcpy(p + field.size(), value.data(), value.size());
  return n;
}

void HashNode::destroy(HashNode* n) {
  if (!n) return;
  n->~HashNode();
  std::free(n);
}

bool HashNode::assign_in_place(std::string_view value) {
  std::string_view f = field();
  if (sizeof(HashNode) + layout_bytes(f.size(), value.size()) > allocation_size(this)) return false;
  // The value's length prefix may change size, moving the field bytes: memmove them first.
  char* p = body();
  char* field_at = p + varint_size(f.size()) + varint_size(value.size());
  std::memmove(field_at, f.data(), f.size());
  p = put_varint(p, f.size());
  put_varint(p, value.size());
  std::memcpy(field_at + f.size(), value.data(), value.size());
  return true;
}

std::string_view HashNode::field() const {
  size_t flen, vlen;
  const char* p = get_varint(get_varint(body(), &flen), &vlen);
  return {p, flen};
}

std::string_view HashNode::value() const {
  size_t flen, vlen;
  const char* p = get_varint(get_varint(body(), &flen), &vlen);
  return {p + flen, vlen};
}

size_t HashNode::allocated_bytes() const {
  return allocation_size(this);
}

// ---- HashObject -----------------------------------------------------------------------

Entry* HashObject::make_entry(std::string_view key) {
  Listpack lp;
  return Entry::make_object(key, ObjType::kHash, Encoding::kListpack, lp.release());
}

HashObject::HashObject(Entry* e) : entry_(e) {
  if (e->encoding() == Encoding::kListpack) lp_.emplace(Listpack::adopt(e->object()));
}

HashObject::~HashObject() {
  // The entry owns the bytes (and may already have freed them): only drop the pointer.
  if (lp_) (void)lp_->release();
}

size_t HashObject::size() const {
  return lp_ ? lp_->size() / 2 : table().dict.size();
}

std::optional<std::string_view> HashObject::get(std::string_view field,
                                                Listpack::Scratch& scratch) const {
  if (lp_) {
    if (lp_->empty()) return std::nullopt;
    Listpack::Pos p = lp_->find(field, lp_->first(), 1);
    if (p == Listpack::kNone) return std::nullopt;
    return lp_->get(lp_->next(p), scratch).sv;
  }
  HashNode* n = table().dict.find(field);
  if (!n) return std::nullopt;
  return n->value();
}

bool HashObject::contains(std::string_view field) const {
  Listpack::Scratch scratch;
  return get(field, scratch).has_value();
}

void HashObject::convert_if_too_long(std::span<const std::string_view> args,
                                     const HashLimits& limits) {
  if (!lp_) return;
  size_t sum = 0;
  for (std::string_view a : args) {
    if (a.size() > limits.max_listpack_value) {
      convert_to_hashtable();
      return;
    }
    sum += a.size();
  }
  if (lp_->bytes() + sum > kListpackSafeBytes) convert_to_hashtable();
}

bool HashObject::listpack_fits(std::string_view field, std::string_view value,
                               const HashLimits& limits) const {
  return field.size() <= limits.max_listpack_value && value.size() <= limits.max_listpack_value &&
         lp_->bytes() + field.size() + value.size() <= kListpackSafeBytes;
}

bool HashObject::set(std::string_view field, std::string_view value, const HashLimits& limits) {
  if (lp_ && !listpack_fits(field, value, limits)) convert_to_hashtable();
  if (lp_) {
    Listpack::Pos p = lp_->empty() ? Listpack::kNone : lp_->find(field, lp_->first(), 1);
    bool inserted = p == Listpack::kNone;
    if (inserted) {
      lp_->push_back(field);
      lp_->push_back(value);
    } else {
      lp_->replace(lp_->next(p), value);
    }
    store_listpack();
    // Checked on updates too: a limit lowered at run time converts on the next write.
    if (size() > limits.max_listpack_entries) convert_to_hashtable();
    return inserted;
  }
  HashTable& t = table();
  HashNode* n = t.dict.find(field);
  if (!n) {
    n = HashNode::create(field, value);
    t.node_bytes += n->allocated_bytes();
    t.dict.insert(n);
    return true;
  }
  if (!n->assign_in_place(value)) {
    HashNode* fresh = HashNode::create(field, value);
    t.dict.replace(n, fresh);
    t.node_bytes = t.node_bytes - n->allocated_bytes() + fresh->allocated_bytes();
    HashNode::destroy(n);
  }
  return false;
}

bool HashObject::erase(std::string_view field) {
  if (lp_) {
    if (lp_->empty()) return false;
    Listpack::Pos p = lp_->find(field, lp_->first(), 1);
    if (p == Listpack::kNone) return false;
    lp_->erase(p, 2);
    store_listpack();
    return true;
  }
  HashTable& t = table();
  HashNode* n = t.dict.erase(field);
  if (!n) return false;
  t.node_bytes -= n->allocated_bytes();
  HashNode::destroy(n);
  t.dict.shrink_if_sparse();
  return true;
}

void HashObject::convert_to_hashtable() {
  if (!lp_) return;
  auto t = std::make_unique<HashTable>();
  for_each([&t](std::string_view field, std::string_view value) {
    HashNode* n = HashNode::create(field, value);
    t->node_bytes += n->allocated_bytes();
    t->dict.insert(n);
  });
  lp_.reset();  // frees the listpack's bytes
  entry_->set_encoding(Encoding::kHashtable, t.release());
}

std::vector<Listpack::Pos> HashObject::field_positions() const {
  std::vector<Listpack::Pos> out;
  out.reserve(size());
  for (Listpack::Pos p = lp_->first(); p != Listpack::kNone; p = lp_->next(lp_->next(p)))
    out.push_back(p);
  return out;
}

// ---- Entry hooks ----------------------------------------------------------------------

void destroy_hash(Encoding enc, void* obj) {
  if (enc == Encoding::kListpack) {
    Listpack::adopt(obj);  // the temporary frees it
    return;
  }
  std::unique_ptr<HashTable> t(static_cast<HashTable*>(obj));
  t->dict.clear([](HashNode* n) { HashNode::destroy(n); });
}

void* clone_hash(Encoding enc, const void* obj) {
  if (enc == Encoding::kListpack) {
    Listpack src = Listpack::adopt(const_cast<void*>(obj));
    Listpack copy = src.clone();
    (void)src.release();
    return copy.release();
  }
  const auto* src = static_cast<const HashTable*>(obj);
  auto t = std::make_unique<HashTable>();
  src->dict.for_each([&t](HashNode& n) {
    HashNode* c = HashNode::create(n.field(), n.value());
    t->node_bytes += c->allocated_bytes();
    t->dict.insert(c);
  });
  return t.release();
}

size_t hash_allocated_bytes(Encoding enc, const void* obj) {
  if (enc == Encoding::kListpack) {
    Listpack lp = Listpack::adopt(const_cast<void*>(obj));
    size_t n = lp.allocated_bytes();
    (void)lp.release();
    return n;
  }
  const auto* t = static_cast<const HashTable*>(obj);
  return allocation_size(t) + t->dict.bucket_bytes() + t->node_bytes;
}

size_t hash_free_effort(Encoding enc, const void* obj) {
  if (enc == Encoding::kListpack) return 1;
  return static_cast<const HashTable*>(obj)->dict.size();
}

}  // namespace rkv::store

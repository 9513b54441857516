#include "store/entry.h"

#include <cstdlib>
#include <new>

#include "store/hash_object.h"
#include "store/list.h"
#include "store/set_object.h"
#include "store/zset_object.h"
#include "util/memory.h"

namespace rkv::store {
namespace {

size_t varint_size(size_t v) {
  size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    n++;
  }
  return n;
}

size_t write_varint(char* p, size_t v) {
  size_t n = 0;
  while (v >= 0x80) {
    p[n++] = static_cast<char>((v & 0x7f) | 0x80);
    v >>= 7;
  }
  p[n++] = static_cast<char>(v);
  return n;
}

size_t read_varint(const char* p, size_t* v) {
  size_t n = 0, shift = 0, out = 0;
  for (;;) {
    auto b = static_cast<unsigned char>(p[n++]);
    out |= static_cast<size_t>(b & 0x7f) << shift;
    if (!(b & 0x80)) break;
    shift += 7;
  }
  *v = out;
  return n;
}

}  // namespace

Entry* Entry::allocate(std::string_view key, size_t value_bytes, ObjType type, Encoding enc) {
  size_t total = sizeof(Entry) + key.size() + value_bytes;
  void* mem = std::malloc(total);
  if (!mem) out_of_memory(total);
  auto* e = ::new (mem) Entry();
  e->key_word_ = static_cast<uint32_t>(key.size());
  e->meta_ = static_cast<uint32_t>(type) | (static_cast<uint32_t>(enc) << 4);
  std::memcpy(e->key_data(), key.data(), key.size());
  return e;
}

Entry* Entry::make_int(std::string_view key, int64_t value) {
  Entry* e = allocate(key, sizeof(int64_t), ObjType::kString, Encoding::kInt);
  std::memcpy(e->value_data(), &value, sizeof(value));
  return e;
}

Entry* Entry::make_string(std::string_view key, std::string_view value, bool allow_int) {
  if (allow_int && value.size() <= 20) {
    if (auto v = parse_int64(value)) return make_int(key, *v);
  }
  if (value.size() > kEmbstrMax) return make_raw(key, BlobString::create(value));
  Entry* e =
      allocate(key, varint_size(value.size()) + value.size(), ObjType::kString, Encoding::kEmbstr);
  char* p = e->value_data();
  p += write_varint(p, value.size());
  std::memcpy(p, value.data(), value.size());
  return e;
}

Entry* Entry::make_raw(std::string_view key, BlobString* blob) {
  return make_object(key, ObjType::kString, Encoding::kRaw, blob);
}

Entry* Entry::make_object(std::string_view key, ObjType type, Encoding enc, void* obj) {
  Entry* e = allocate(key, sizeof(void*), type, enc);
  std::memcpy(e->value_data(), &obj, sizeof(obj));
  return e;
}

void Entry::destroy(Entry* e) {
  if (!e) return;
  Encoding enc = e->encoding();
  if (enc != Encoding::kInt && enc != Encoding::kEmbstr)
    destroy_object(e->type(), enc, e->object());
  e->~Entry();
  std::free(e);
}

size_t Entry::value_size() const {
  switch (encoding()) {
    case Encoding::kInt:
      return sizeof(int64_t);
    case Encoding::kEmbstr: {
      size_t len;
      return read_varint(value_data(), &len) + len;
    }
    default:
      return sizeof(void*);
  }
}

Entry* Entry::clone_with_key(const Entry& src, std::string_view new_key) {
  Encoding enc = src.encoding();
  bool inline_value = enc == Encoding::kInt || enc == Encoding::kEmbstr;
  void* copy = nullptr;
  if (!inline_value) {
    copy = clone_object(src.type(), enc, src.object());
    if (!copy) return nullptr;
  }
  Entry* e = allocate(new_key, src.value_size(), src.type(), enc);
  e->meta_ = src.meta_;
  if (inline_value)
    std::memcpy(e->value_data(), src.value_data(), src.value_size());
  else
    e->set_object(copy);
  return e;
}

Entry* Entry::rekey(Entry* src, std::string_view new_key) {
  Entry* e = allocate(new_key, src->value_size(), src->type(), src->encoding());
  e->meta_ = src->meta_;
  // The value bytes (inline data or the heap pointer) change owner; only the shell goes.
  std::memcpy(e->value_data(), src->value_data(), src->value_size());
  src->~Entry();
  std::free(src);
  return e;
}

std::string_view Entry::string_value(char (&scratch)[kMaxInt64Chars]) const {
  switch (encoding()) {
    case Encoding::kInt:
      return {scratch, format_int64(int_value(), scratch)};
    case Encoding::kEmbstr: {
      size_t len;
      size_t n = read_varint(value_data(), &len);
      return {value_data() + n, len};
    }
    case Encoding::kRaw:
      return blob()->view();
    default:
      return {};
  }
}

size_t Entry::string_length() const {
  char scratch[kMaxInt64Chars];
  return string_value(scratch).size();
}

int64_t Entry::int_value() const {
  int64_t v;
  std::memcpy(&v, value_data(), sizeof(v));
  return v;
}

void* Entry::object() const {
  void* p;
  std::memcpy(&p, value_data(), sizeof(p));
  return p;
}

void Entry::set_object(void* obj) {
  std::memcpy(value_data(), &obj, sizeof(obj));
}

size_t Entry::allocated_bytes() const {
  size_t n = allocation_size(this);
  Encoding enc = encoding();
  if (enc != Encoding::kInt && enc != Encoding::kEmbstr)
    n += object_allocated_bytes(type(), enc, object());
  return n;
}

void destroy_object(ObjType type, Encoding enc, void* obj) {
  if (type == ObjType::kSet) return destroy_set(enc, obj);
  if (type == ObjType::kHash) return destroy_hash(enc, obj);
  if (type == ObjType::kZset) return destroy_zset(enc, obj);
  if (type == ObjType::kList) return list::destroy(enc, obj);
  if (type == ObjType::kString && enc == Encoding::kRaw)
    BlobString::destroy(static_cast<BlobString*>(obj));
}

void* clone_object(ObjType type, Encoding enc, const void* obj) {
  if (type == ObjType::kSet) return clone_set(enc, obj);
  if (type == ObjType::kHash) return clone_hash(enc, obj);
  if (type == ObjType::kZset) return clone_zset(enc, obj);
  if (type == ObjType::kList) return list::clone(enc, obj);
  if (type == ObjType::kString && enc == Encoding::kRaw)
    return BlobString::create(static_cast<const BlobString*>(obj)->view());
  return nullptr;
}

size_t object_allocated_bytes(ObjType type, Encoding enc, const void* obj) {
  if (type == ObjType::kSet) return set_allocated_bytes(enc, obj);
  if (type == ObjType::kHash) return hash_allocated_bytes(enc, obj);
  if (type == ObjType::kZset) return zset_allocated_bytes(enc, obj);
  if (type == ObjType::kList) return list::allocated_bytes(enc, obj);
  if (type == ObjType::kString && enc == Encoding::kRaw)
    return static_cast<const BlobString*>(obj)->allocated_bytes();
  return 0;
}

size_t object_free_effort(ObjType type, Encoding enc, const void* obj) {
  if (type == ObjType::kSet) return set_free_effort(enc, obj);
  if (type == ObjType::kHash) return hash_free_effort(enc, obj);
  if (type == ObjType::kZset) return zset_free_effort(enc, obj);
  if (type == ObjType::kList) return list::free_effort(enc, obj);
  return 1;  // strings are one allocation; each collection type adds its case
}

std::string_view type_name(ObjType t) {
  switch (t) {
    case ObjType::kString:
      return "string";
    case ObjType::kList:
      return "list";
    case ObjType::kSet:
      return "set";
    case ObjType::kZset:
      return "zset";
    case ObjType::kHash:
      return "hash";
    case ObjType::kStream:
      return "stream";
  }
  return "none";
}

std::string_view encoding_name(Encoding e) {
  switch (e) {
    case Encoding::kRaw:
      return "raw";
    case Encoding::kInt:
      return "int";
    case Encoding::kHashtable:
      return "hashtable";
    case Encoding::kIntset:
      return "intset";
    case Encoding::kSkiplist:
      return "skiplist";
    case Encoding::kEmbstr:
      return "embstr";
    case Encoding::kQuicklist:
      return "quicklist";
    case Encoding::kStream:
      return "stream";
    case Encoding::kListpack:
      return "listpack";
  }
  return "unknown";
}

}  // namespace rkv::store

#include "store/listpack.h"

#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>

#include "util/memory.h"

namespace rkv::store {
namespace {

constexpr uint8_t kEnd = 0xFF;
constexpr uint8_t kStr6 = 0x80;   // 10xxxxxx
constexpr uint8_t kInt13 = 0xC0;  // 110xxxxx yyyyyyyy
constexpr uint8_t kStr12 = 0xE0;  // 1110xxxx yyyyyyyy
constexpr uint8_t kStr32 = 0xF0;
constexpr uint8_t kInt16 = 0xF1;
constexpr uint8_t kInt24 = 0xF2;
constexpr uint8_t kInt32 = 0xF3;
constexpr uint8_t kInt64 = 0xF4;
constexpr uint16_t kCountUnknown = UINT16_MAX;
constexpr size_t kMaxIntText = 20;  // "-9223372036854775808"

uint32_t load_u32(const uint8_t* p) {
  return uint32_t{p[0]} | uint32_t{p[1]} << 8 | uint32_t{p[2]} << 16 | uint32_t{p[3]} << 24;
}
void store_u32(uint8_t* p, uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<uint8_t>(v >> (8 * i));
}
uint16_t load_u16(const uint8_t* p) {
  return static_cast<uint16_t>(p[0] | p[1] << 8);
}
void store_u16(uint8_t* p, uint16_t v) {
  p[0] = static_cast<uint8_t>(v);
  p[1] = static_cast<uint8_t>(v >> 8);
}

// Redis's thresholds, kept as they are (16383 takes 3 bytes though 14 bits would hold it)
// so our bytes match an RDB written by Redis.
size_t backlen_size(uint64_t l) {
  if (l <= 127) return 1;
  if (l < 16383) return 2;
  if (l < 2097151) return 3;
  if (l < 268435455) return 4;
  return 5;
}

// Most significant 7 bits first; every byte but the first carries 0x80, which tells a
// reader walking right to left that another byte follows.
void write_backlen(uint8_t* out, uint64_t l) {
  size_t n = backlen_size(l);
  for (size_t i = 0; i < n; ++i) {
    auto b = static_cast<uint8_t>((l >> (7 * (n - 1 - i))) & 127);
    out[i] = i > 0 ? b | 128 : b;
  }
}

// `last` points at the backlen's last byte; *nbytes gets its width.
uint64_t read_backlen(const uint8_t* last, size_t* nbytes) {
  uint64_t v = 0;
  size_t n = 0;
  for (;;) {
    uint8_t b = *(last - n);
    v |= uint64_t{b & 127u} << (7 * n);
    ++n;
    if (!(b & 128) || n == 5) break;
  }
  *nbytes = n;
  return v;
}

// Bytes of the encoding needed before the entry's size is known.
size_t size_prefix(uint8_t b) {
  if (b >= kStr12 && b < kStr32) return 2;
  if (b == kStr32) return 5;
  return 1;
}

// Encoding plus data of the entry at e (its backlen excluded); 0 for an invalid encoding.
uint64_t encoded_size(const uint8_t* e) {
  uint8_t b = e[0];
  if (b < 0x80) return 1;
  if (b < kInt13) return 1 + uint64_t{b & 0x3Fu};
  if (b < kStr12) return 2;
  if (b < kStr32) return 2 + (uint64_t{b & 0x0Fu} << 8 | e[1]);
  switch (b) {
    case kStr32:
      return 5 + uint64_t{load_u32(e + 1)};
    case kInt16:
      return 3;
    case kInt24:
      return 4;
    case kInt32:
      return 5;
    case kInt64:
      return 9;
    default:
      return 0;
  }
}

size_t entry_size(const uint8_t* e) {
  uint64_t l = encoded_size(e);
  return static_cast<size_t>(l + backlen_size(l));
}

int64_t load_signed(const uint8_t* p, int bytes) {
  uint64_t u = 0;
  for (int i = 0; i < bytes; ++i) u |= uint64_t{p[i]} << (8 * i);
  int shift = 64 - 8 * bytes;
  return static_cast<int64_t>(u << shift) >> shift;  // sign-extends from the top byte
}

// An element decoded without formatting: an int, or a string viewing the buffer.
struct Raw {
  bool is_int;
  int64_t ival;
  std::string_view sv;
};

Raw decode(const uint8_t* e) {
  uint8_t b = e[0];
  auto str = [](const uint8_t* p, size_t n) {
    return Raw{false, 0, std::string_view(reinterpret_cast<const char*>(p), n)};
  };
  if (b < 0x80) return {true, b, {}};
  if (b < kInt13) return str(e + 1, b & 0x3F);
  if (b < kStr12) {
    int v = (b & 0x1F) << 8 | e[1];
    return {true, v >= 4096 ? v - 8192 : v, {}};
  }
  if (b < kStr32) return str(e + 2, static_cast<size_t>((b & 0x0F) << 8 | e[1]));
  switch (b) {
    case kStr32:
      return str(e + 5, load_u32(e + 1));
    case kInt16:
      return {true, load_signed(e + 1, 2), {}};
    case kInt24:
      return {true, load_signed(e + 1, 3), {}};
    case kInt32:
      return {true, load_signed(e + 1, 4), {}};
    default:
      return {true, load_signed(e + 1, 8), {}};
  }
}

// Strings that are an int64's canonical text are stored as that int, as lpAppend does.
std::optional<int64_t> as_int(std::string_view s) {
  if (s.empty() || s.size() > kMaxIntText) return std::nullopt;
  return parse_int64(s);
}

}  // namespace

// One entry ready to be written: the encoding (with an int's bytes) and a string's data.
struct Listpack::Encoded {
  uint8_t head[9];
  size_t head_len = 0;
  std::string_view data;

  size_t encoded() const { return head_len + data.size(); }
  size_t total() const { return encoded() + backlen_size(encoded()); }
  void write(uint8_t* out) const {
    std::memcpy(out, head, head_len);
    if (!data.empty()) std::memcpy(out + head_len, data.data(), data.size());
    write_backlen(out + encoded(), encoded());
  }

  static Encoded of_int(int64_t v) {
    Encoded e;
    auto put = [&e, v](uint8_t tag, int bytes) {
      e.head[0] = tag;
      auto u = static_cast<uint64_t>(v);
      for (int i = 0; i < bytes; ++i) e.head[1 + i] = static_cast<uint8_t>(u >> (8 * i));
      e.head_len = 1 + static_cast<size_t>(bytes);
    };
    if (v >= 0 && v <= 127) {
      e.head[0] = static_cast<uint8_t>(v);
      e.head_len = 1;
    } else if (v >= -4096 && v <= 4095) {
      auto u = static_cast<uint32_t>(v < 0 ? v + 8192 : v);
      e.head[0] = static_cast<uint8_t>(kInt13 | (u >> 8));
      e.head[1] = static_cast<uint8_t>(u & 0xFF);
      e.head_len = 2;
    } else if (v >= INT16_MIN && v <= INT16_MAX) {
      put(kInt16, 2);
    } else if (v >= -(1 << 23) && v < (1 << 23)) {
      put(kInt24, 3);
    } else if (v >= INT32_MIN && v <= INT32_MAX) {
      put(kInt32, 4);
    } else {
      put(kInt64, 8);
    }
    return e;
  }

  static Encoded of(std::string_view s) {
    if (auto v = as_int(s)) return of_int(*v);
    Encoded e;
    size_t n = s.size();
    if (n < 64) {
      e.head[0] = static_cast<uint8_t>(kStr6 | n);
      e.head_len = 1;
    } else if (n < 4096) {
      e.head[0] = static_cast<uint8_t>(kStr12 | (n >> 8));
      e.head[1] = static_cast<uint8_t>(n & 0xFF);
      e.head_len = 2;
    } else {
      e.head[0] = kStr32;
      store_u32(e.head + 1, static_cast<uint32_t>(n));
      e.head_len = 5;
    }
    e.data = s;
    return e;
  }
};

Listpack::Listpack() {
  buf_ = static_cast<uint8_t*>(std::malloc(kHeaderBytes + 1));
  if (!buf_) out_of_memory(kHeaderBytes + 1);
  store_u32(buf_, kHeaderBytes + 1);
  store_u16(buf_ + 4, 0);
  buf_[kHeaderBytes] = kEnd;
}

Listpack Listpack::adopt(void* bytes) {
  return Listpack(static_cast<uint8_t*>(bytes));
}

void* Listpack::release() {
  uint8_t* b = buf_;
  buf_ = nullptr;
  return b;
}

Listpack::~Listpack() {
  std::free(buf_);
}

Listpack::Listpack(Listpack&& o) noexcept : buf_(o.buf_) {
  o.buf_ = nullptr;
}

Listpack& Listpack::operator=(Listpack&& o) noexcept {
  if (this != &o) {
    std::free(buf_);
    buf_ = o.buf_;
    o.buf_ = nullptr;
  }
  return *this;
}

Listpack Listpack::clone() const {
  size_t n = bytes();
  auto* b = static_cast<uint8_t*>(std::malloc(n));
  if (!b) out_of_memory(n);
  std::memcpy(b, buf_, n);
  return Listpack(b);
}

size_t Listpack::bytes() const {
  return load_u32(buf_);
}

size_t Listpack::size() const {
  uint16_t c = load_u16(buf_ + 4);
  if (c != kCountUnknown) return c;
  size_t n = 0;
  for (const uint8_t* e = buf_ + kHeaderBytes; *e != kEnd; e += entry_size(e)) ++n;
  // Caching a recount is not a visible change of the value: the bytes stay a valid
  // listpack of the same elements (Redis's lpLength does the same).
  if (n < kCountUnknown) store_u16(buf_ + 4, static_cast<uint16_t>(n));
  return n;
}

size_t Listpack::allocated_bytes() const {
  return allocation_size(buf_);
}

Listpack::Pos Listpack::first() const {
  return buf_[kHeaderBytes] == kEnd ? kNone : static_cast<Pos>(kHeaderBytes);
}

Listpack::Pos Listpack::last() const {
  return prev(end());
}

Listpack::Pos Listpack::end() const {
  return static_cast<Pos>(bytes() - 1);
}

Listpack::Pos Listpack::next(Pos p) const {
  if (p == kNone || buf_[p] == kEnd) return kNone;
  Pos q = p + static_cast<Pos>(entry_size(buf_ + p));
  return buf_[q] == kEnd ? kNone : q;
}

Listpack::Pos Listpack::prev(Pos p) const {
  if (p == kNone || p <= kHeaderBytes) return kNone;
  size_t n = 0;
  uint64_t l = read_backlen(buf_ + p - 1, &n);
  return static_cast<Pos>(p - n - l);
}

Listpack::Pos Listpack::seek(int64_t index) const {
  auto n = static_cast<int64_t>(size());
  if (index < 0) index += n;
  if (index < 0 || index >= n) return kNone;
  if (index <= n / 2) {
    Pos p = kHeaderBytes;
    for (int64_t i = 0; i < index; ++i) p += static_cast<Pos>(entry_size(buf_ + p));
    return p;
  }
  Pos p = last();
  for (int64_t i = n - 1; i > index; --i) p = prev(p);
  return p;
}

Listpack::Value Listpack::get(Pos p, Scratch& scratch) const {
  Raw r = decode(buf_ + p);
  Value v{r.is_int, r.ival, r.sv};
  if (r.is_int) v.sv = std::string_view(scratch, format_int64(r.ival, scratch));
  return v;
}

bool Listpack::equals(Pos p, std::string_view s) const {
  Raw r = decode(buf_ + p);
  if (!r.is_int) return r.sv == s;
  auto v = as_int(s);
  return v && *v == r.ival;
}

Listpack::Pos Listpack::find(std::string_view s, Pos from, size_t skip) const {
  if (from == kNone) return kNone;
  // Parse s once; each int entry is then an integer compare, each string a memcmp.
  auto sv = as_int(s);
  const uint8_t* e = buf_ + from;
  while (*e != kEnd) {
    Raw r = decode(e);
    if (r.is_int ? (sv && *sv == r.ival) : r.sv == s) return static_cast<Pos>(e - buf_);
    e += entry_size(e);
    for (size_t i = 0; i < skip && *e != kEnd; ++i) e += entry_size(e);
  }
  return kNone;
}

void Listpack::resize(size_t n) {
  // Growth within the allocation's size class needs no realloc (as Redis's lpInsert):
  // a realloc per push also made jemalloc's thread-cache GC churn, leaving ~2 MB of dirty
  // pages after a million-element list load. Shrinks are given back at once.
  if (n >= bytes() && n <= allocation_size(buf_)) return;
  void* b = std::realloc(buf_, n);
  if (!b) out_of_memory(n);
  buf_ = static_cast<uint8_t*>(b);
}

void Listpack::add_count(int64_t delta) {
  uint16_t c = load_u16(buf_ + 4);
  if (c == kCountUnknown) return;  // stays unknown until size() recounts
  int64_t n = int64_t{c} + delta;
  store_u16(buf_ + 4, n >= kCountUnknown ? kCountUnknown : static_cast<uint16_t>(n));
}

Listpack::Pos Listpack::insert_encoded(Pos at, const Encoded& e) {
  size_t old = bytes();
  size_t add = e.total();
  if (old + add > UINT32_MAX) out_of_memory(old + add);
  resize(old + add);
  std::memmove(buf_ + at + add, buf_ + at, old - at);
  e.write(buf_ + at);
  store_u32(buf_, static_cast<uint32_t>(old + add));
  add_count(1);
  return at;
}

Listpack::Pos Listpack::replace_encoded(Pos p, const Encoded& e) {
  size_t old = bytes();
  size_t was = entry_size(buf_ + p);
  size_t now = e.total();
  size_t tail = p + was;
  if (now > was) {
    if (old + now - was > UINT32_MAX) out_of_memory(old + now - was);
    resize(old + now - was);
    std::memmove(buf_ + p + now, buf_ + tail, old - tail);
  } else if (now < was) {
    std::memmove(buf_ + p + now, buf_ + tail, old - tail);
    resize(old - (was - now));
  }
  e.write(buf_ + p);
  store_u32(buf_, static_cast<uint32_t>(old - was + now));
  return p;
}

// s may view this listpack's own bytes (an element moved within the same list): those
// must be copied before a realloc or memmove changes them.
bool aliases(const uint8_t* buf, size_t n, std::string_view s) {
  auto* p = reinterpret_cast<const uint8_t*>(s.data());
  return !s.empty() && p >= buf && p < buf + n;
}

Listpack::Pos Listpack::insert(Pos at, std::string_view s) {
  if (aliases(buf_, bytes(), s)) {
    std::string copy(s);
    return insert_encoded(at, Encoded::of(copy));
  }
  return insert_encoded(at, Encoded::of(s));
}

Listpack::Pos Listpack::insert_int(Pos at, int64_t v) {
  return insert_encoded(at, Encoded::of_int(v));
}

Listpack::Pos Listpack::replace(Pos p, std::string_view s) {
  if (aliases(buf_, bytes(), s)) {
    std::string copy(s);
    return replace_encoded(p, Encoded::of(copy));
  }
  return replace_encoded(p, Encoded::of(s));
}

Listpack::Pos Listpack::replace_int(Pos p, int64_t v) {
  return replace_encoded(p, Encoded::of_int(v));
}

Listpack::Pos Listpack::erase(Pos p, size_t count) {
  if (p == kNone) return end();
  size_t old = bytes();
  size_t q = p;
  size_t removed = 0;
  while (removed < count && buf_[q] != kEnd) {
    q += entry_size(buf_ + q);
    ++removed;
  }
  if (removed == 0) return p;
  std::memmove(buf_ + p, buf_ + q, old - q);
  resize(old - (q - p));
  store_u32(buf_, static_cast<uint32_t>(old - (q - p)));
  add_count(-static_cast<int64_t>(removed));
  return p;
}

void Listpack::erase_range(size_t start, size_t count) {
  if (count == 0 || start > static_cast<size_t>(INT64_MAX)) return;
  Pos p = seek(static_cast<int64_t>(start));
  if (p != kNone) erase(p, count);
}

size_t Listpack::entry_bytes(std::string_view s) {
  return Encoded::of(s).total();
}

size_t Listpack::entry_bytes_int(int64_t v) {
  return Encoded::of_int(v).total();
}

bool Listpack::validate(const uint8_t* p, size_t len) {
  if (!p || len < kHeaderBytes + 1 || len > UINT32_MAX) return false;
  if (load_u32(p) != len || p[len - 1] != kEnd) return false;
  size_t pos = kHeaderBytes;
  size_t n = 0;
  while (pos < len - 1) {
    size_t room = len - 1 - pos;  // bytes before the terminator
    if (p[pos] == kEnd || size_prefix(p[pos]) > room) return false;
    uint64_t l = encoded_size(p + pos);
    if (l == 0) return false;
    size_t bl = backlen_size(l);
    if (l + bl > room) return false;
    // The backlen must say l in exactly the width a forward walk assumes, or prev() and
    // next() would disagree.
    size_t got_width = 0;
    if (read_backlen(p + pos + l + bl - 1, &got_width) != l || got_width != bl) return false;
    pos += static_cast<size_t>(l) + bl;
    ++n;
  }
  uint16_t c = load_u16(p + 4);
  return c == kCountUnknown || c == n;
}

}  // namespace rkv::store

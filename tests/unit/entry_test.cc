#include "store/entry.h"

#include <gtest/gtest.h>

#include <cstring>
#include <memory>
#include <string>

#include "store/blob_string.h"

namespace rkv::store {
namespace {

struct EntryDeleter {
  void operator()(Entry* e) const { Entry::destroy(e); }
};
using EntryPtr = std::unique_ptr<Entry, EntryDeleter>;

EntryPtr make(std::string_view key, std::string_view value) {
  return EntryPtr(Entry::make_string(key, value));
}

std::string value_of(const Entry& e) {
  char scratch[kMaxInt64Chars];
  return std::string(e.string_value(scratch));
}

TEST(Entry, IntegerEncodingAsRedisChooses) {
  struct Case {
    const char* value;
    bool is_int;
  };
  const Case cases[] = {
      {"123", true},
      {"0", true},
      {"-1", true},
      {"9223372036854775807", true},
      {"-9223372036854775808", true},
      {"0123", false},  // leading zero
      {"-0", false},
      {"+1", false},
      {" 1", false},
      {"1 ", false},
      {"9223372036854775808", false},    // one past INT64_MAX
      {"12345678901234567890", false},   // 20 digits, overflows
      {"-92233720368547758080", false},  // 21 chars
      {"1e3", false},
      {"", false},
  };
  for (const Case& c : cases) {
    EntryPtr e = make("k", c.value);
    EXPECT_EQ(e->type(), ObjType::kString);
    EXPECT_EQ(e->encoding(), c.is_int ? Encoding::kInt : Encoding::kEmbstr) << c.value;
    EXPECT_EQ(value_of(*e), c.value);
    EXPECT_EQ(e->string_length(), std::string_view(c.value).size());
  }
  EXPECT_EQ(make("k", "-9223372036854775808")->int_value(), INT64_MIN);
  EXPECT_EQ(make("k", "123")->int_value(), 123);
}

TEST(Entry, EmbstrUpTo44BytesThenRaw) {
  std::string v44(44, 'x'), v45(45, 'y');
  EntryPtr e44 = make("key", v44);
  EntryPtr e45 = make("key", v45);
  EXPECT_EQ(e44->encoding(), Encoding::kEmbstr);
  EXPECT_EQ(e45->encoding(), Encoding::kRaw);
  EXPECT_EQ(value_of(*e44), v44);
  EXPECT_EQ(value_of(*e45), v45);
  EXPECT_EQ(e45->blob()->view(), v45);
  EXPECT_EQ(e45->string_length(), 45u);
  // A long digit string is not an integer and not embedded.
  std::string digits(60, '7');
  EXPECT_EQ(make("k", digits)->encoding(), Encoding::kRaw);
}

TEST(Entry, KeyAndValueRoundTrip) {
  std::string binary_key("k\0e\r\ny", 6);
  for (size_t klen : {size_t{0}, size_t{1}, size_t{16}, size_t{1000}, size_t{70000}}) {
    for (size_t vlen : {size_t{0}, size_t{5}, size_t{44}, size_t{127}, size_t{128}, size_t{300}}) {
      std::string key(klen, 'k');
      for (size_t i = 0; i < klen; i++) key[i] = static_cast<char>(i * 31);
      std::string value(vlen, 'v');
      for (size_t i = 0; i < vlen; i++) value[i] = static_cast<char>('a' + i % 26);
      EntryPtr e = make(key, value);
      EXPECT_EQ(e->key(), key);
      EXPECT_EQ(value_of(*e), value);
    }
  }
  EntryPtr b = make(binary_key, "v");
  EXPECT_EQ(b->key(), binary_key);
}

TEST(Entry, ExpireFlagDoesNotTouchKeyOrValue) {
  std::string key(300, 'k');
  key[0] = 'K';
  EntryPtr e = make(key, "some value");
  EXPECT_FALSE(e->has_expire());
  e->set_has_expire(true);
  EXPECT_TRUE(e->has_expire());
  EXPECT_EQ(e->key(), key);
  EXPECT_EQ(value_of(*e), "some value");
  e->set_has_expire(true);  // idempotent
  EXPECT_EQ(e->key().size(), 300u);
  e->set_has_expire(false);
  EXPECT_FALSE(e->has_expire());
  EXPECT_EQ(e->key(), key);
}

TEST(Entry, LruDoesNotTouchTypeOrEncoding) {
  EntryPtr e = make("k", "42");
  e->set_lru(0xffffff);
  EXPECT_EQ(e->lru(), 0xffffffu);
  EXPECT_EQ(e->type(), ObjType::kString);
  EXPECT_EQ(e->encoding(), Encoding::kInt);
  e->set_lru(12345);
  EXPECT_EQ(e->lru(), 12345u);
  EXPECT_EQ(e->int_value(), 42);
  e->set_has_expire(true);
  EXPECT_EQ(e->lru(), 12345u);
}

TEST(Entry, MakeIntAndRaw) {
  EntryPtr i(Entry::make_int("n", INT64_MAX));
  EXPECT_EQ(i->encoding(), Encoding::kInt);
  EXPECT_EQ(value_of(*i), "9223372036854775807");
  EntryPtr r(Entry::make_raw("r", BlobString::create("short but raw")));
  EXPECT_EQ(r->encoding(), Encoding::kRaw);
  EXPECT_EQ(value_of(*r), "short but raw");
  // The entry owns its blob; swapping in a grown one keeps the entry valid.
  BlobString* b = BlobString::grow(r->blob(), 1000);
  std::memcpy(b->data() + b->size(), "!", 1);
  b->set_size(b->size() + 1);
  r->set_object(b);
  EXPECT_EQ(value_of(*r), "short but raw!");
  EXPECT_GE(r->allocated_bytes(), sizeof(Entry) + 1 + sizeof(void*) + 1014);
}

TEST(Entry, AllocatedBytesCoverTheLayout) {
  EntryPtr e = make("sixteen-byte-key", "ten bytes!");
  EXPECT_GE(e->allocated_bytes(), sizeof(Entry) + 16 + 1 + 10);
  std::string big(1000, 'b');
  EntryPtr r = make("k", big);
  EXPECT_GE(r->allocated_bytes(), sizeof(Entry) + 1 + sizeof(void*) + sizeof(BlobString) + 1000);
}

TEST(Entry, Names) {
  EXPECT_EQ(type_name(ObjType::kString), "string");
  EXPECT_EQ(type_name(ObjType::kHash), "hash");
  EXPECT_EQ(encoding_name(Encoding::kEmbstr), "embstr");
  EXPECT_EQ(encoding_name(Encoding::kInt), "int");
  EXPECT_EQ(encoding_name(Encoding::kRaw), "raw");
  EXPECT_EQ(encoding_name(Encoding::kListpack), "listpack");
}

TEST(Entry, IntegerLookingTextCanStayText) {
  EntryPtr e(Entry::make_string("k", "10", /*allow_int=*/false));
  EXPECT_EQ(e->encoding(), Encoding::kEmbstr);
  EXPECT_EQ(value_of(*e), "10");
}

TEST(Entry, SetIntValueInPlace) {
  EntryPtr e = make("counter", "41");
  ASSERT_EQ(e->encoding(), Encoding::kInt);
  e->set_has_expire(true);
  e->set_int_value(INT64_MIN);
  EXPECT_EQ(e->int_value(), INT64_MIN);
  EXPECT_EQ(value_of(*e), "-9223372036854775808");
  EXPECT_EQ(e->key(), "counter");
  EXPECT_TRUE(e->has_expire());
}

TEST(Entry, CloneWithKeyDeepCopies) {
  for (std::string value :
       {std::string("12345"), std::string("embedded text"), std::string(100, 'r')}) {
    EntryPtr src = make("src", value);
    src->set_lru(777);
    src->set_has_expire(true);
    EntryPtr copy(Entry::clone_with_key(*src, "a much longer destination key"));
    ASSERT_NE(copy, nullptr);
    EXPECT_EQ(copy->key(), "a much longer destination key");
    EXPECT_EQ(copy->encoding(), src->encoding());
    EXPECT_EQ(copy->lru(), 777u);
    EXPECT_FALSE(copy->has_expire());  // the TTL belongs to the db, not the value
    EXPECT_EQ(value_of(*copy), value);
    if (src->encoding() == Encoding::kRaw) {
      EXPECT_NE(copy->blob(), src->blob());
    }
    src.reset();  // the copy must not share anything with the source
    EXPECT_EQ(value_of(*copy), value);
  }
}

TEST(Entry, RekeyMovesTheValue) {
  std::string big(200, 'x');
  Entry* src = Entry::make_string("old", big);
  BlobString* blob = src->blob();
  EntryPtr moved(Entry::rekey(src, "new-key"));
  EXPECT_EQ(moved->key(), "new-key");
  EXPECT_EQ(moved->blob(), blob);  // no copy of the heap value
  EXPECT_EQ(value_of(*moved), big);
  EntryPtr small(Entry::rekey(Entry::make_string("a", "-5"), ""));
  EXPECT_EQ(small->key(), "");
  EXPECT_EQ(small->int_value(), -5);
}

TEST(Entry, DestroyNullIsANoOp) {
  Entry::destroy(nullptr);
}

TEST(BlobString, CreateAndReserve) {
  BlobString* b = BlobString::create("abc");
  EXPECT_EQ(b->view(), "abc");
  EXPECT_EQ(b->size(), 3u);
  EXPECT_EQ(b->capacity(), 3u);
  BlobString::destroy(b);
  b = BlobString::create("abc", 10);
  EXPECT_EQ(b->capacity(), 10u);
  EXPECT_EQ(b->view(), "abc");
  EXPECT_GE(b->allocated_bytes(), sizeof(BlobString) + 10);
  BlobString::destroy(b);
  b = BlobString::create("");
  EXPECT_EQ(b->size(), 0u);
  BlobString::destroy(b);
}

TEST(BlobString, GrowDoublesThenAddsAMegabyte) {
  BlobString* b = BlobString::create("hello", 8);
  // Room enough: same string, same capacity.
  BlobString* same = BlobString::grow(b, 3);
  EXPECT_EQ(same, b);
  EXPECT_EQ(b->capacity(), 8u);
  // Needs 5 + 4 = 9: doubles the need, keeps the bytes.
  b = BlobString::grow(b, 4);
  EXPECT_EQ(b->capacity(), 18u);
  EXPECT_EQ(b->view(), "hello");
  std::memcpy(b->data() + 5, " you", 4);
  b->set_size(9);
  EXPECT_EQ(b->view(), "hello you");

  const size_t kMiB = 1024 * 1024;
  std::string big(2 * kMiB, 'z');
  big[12345] = 'A';
  BlobString* g = BlobString::create(big);
  g = BlobString::grow(g, 10);
  EXPECT_EQ(g->capacity(), 2 * kMiB + 10 + kMiB);
  EXPECT_EQ(g->view(), big);
  BlobString::destroy(g);
  BlobString::destroy(b);
}

}  // namespace
}  // namespace rkv::store

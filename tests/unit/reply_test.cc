#include "resp/reply.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "resp/reply_buffer.h"

namespace rkv::resp {
namespace {

// Concatenates by appending: GCC 12 warns (-Wrestrict) on chains of string operator+.
template <typename... Parts>
std::string cat(const Parts&... parts) {
  std::string s;
  (s.append(std::string_view(parts)), ...);
  return s;
}

// Everything pending in the buffer, in write order, without consuming it.
std::string pending(const ReplyBuffer& buf) {
  std::vector<iovec> iov(4096);
  int n = buf.gather(iov.data(), static_cast<int>(iov.size()));
  std::string out;
  for (int i = 0; i < n; i++) out.append(static_cast<const char*>(iov[i].iov_base), iov[i].iov_len);
  return out;
}

// The bytes one call produces for the given protocol.
std::string encode(int proto, const std::function<void(Reply&)>& fn) {
  ReplyBuffer buf;
  Reply r(buf, proto);
  fn(r);
  std::string out = pending(buf);
  EXPECT_EQ(buf.bytes(), out.size());
  return out;
}

std::string resp2(const std::function<void(Reply&)>& fn) {
  return encode(2, fn);
}
std::string resp3(const std::function<void(Reply&)>& fn) {
  return encode(3, fn);
}

TEST(Reply, SameInBothProtocols) {
  for (int proto : {2, 3}) {
    SCOPED_TRACE(proto);
    EXPECT_EQ(encode(proto, [](Reply& r) { r.ok(); }), "+OK\r\n");
    EXPECT_EQ(encode(proto, [](Reply& r) { r.simple("PONG"); }), "+PONG\r\n");
    EXPECT_EQ(encode(proto, [](Reply& r) { r.error("ERR syntax error"); }),
              "-ERR syntax error\r\n");
    // An error stays on one line.
    EXPECT_EQ(encode(proto, [](Reply& r) { r.error("ERR a\r\nb\nc"); }), "-ERR a  b c\r\n");
    EXPECT_EQ(encode(proto, [](Reply& r) { r.integer(0); }), ":0\r\n");
    EXPECT_EQ(encode(proto, [](Reply& r) { r.integer(-42); }), ":-42\r\n");
    EXPECT_EQ(encode(proto, [](Reply& r) { r.integer(INT64_MIN); }), ":-9223372036854775808\r\n");
    EXPECT_EQ(encode(proto, [](Reply& r) { r.integer(INT64_MAX); }), ":9223372036854775807\r\n");
    EXPECT_EQ(encode(proto, [](Reply& r) { r.bulk(""); }), "$0\r\n\r\n");
    EXPECT_EQ(encode(proto, [](Reply& r) { r.bulk("hello"); }), "$5\r\nhello\r\n");
    EXPECT_EQ(encode(proto, [](Reply& r) { r.bulk(std::string_view("a\0\r\n", 4)); }),
              std::string("$4\r\na\0\r\n\r\n", 10));
    EXPECT_EQ(encode(proto, [](Reply& r) { r.bulk_int(-7); }), "$2\r\n-7\r\n");
    EXPECT_EQ(encode(proto, [](Reply& r) { r.array(0); }), "*0\r\n");
    EXPECT_EQ(encode(proto, [](Reply& r) { r.array(3); }), "*3\r\n");
    EXPECT_EQ(encode(proto, [](Reply& r) { r.raw("+RAW\r\n"); }), "+RAW\r\n");
  }
}

TEST(Reply, Resp2Fallbacks) {
  EXPECT_EQ(resp2([](Reply& r) { r.null(); }), "$-1\r\n");
  EXPECT_EQ(resp2([](Reply& r) { r.null_array(); }), "*-1\r\n");
  EXPECT_EQ(resp2([](Reply& r) { r.map(2); }), "*4\r\n");
  EXPECT_EQ(resp2([](Reply& r) { r.map(0); }), "*0\r\n");
  EXPECT_EQ(resp2([](Reply& r) { r.set(2); }), "*2\r\n");
  EXPECT_EQ(resp2([](Reply& r) { r.push(3); }), "*3\r\n");
  EXPECT_EQ(resp2([](Reply& r) { r.dbl(1.5); }), "$3\r\n1.5\r\n");
  EXPECT_EQ(resp2([](Reply& r) { r.dbl(0.1); }), "$19\r\n0.10000000000000001\r\n");
  EXPECT_EQ(resp2([](Reply& r) { r.dbl(HUGE_VAL); }), "$3\r\ninf\r\n");
  EXPECT_EQ(resp2([](Reply& r) { r.dbl(-HUGE_VAL); }), "$4\r\n-inf\r\n");
  EXPECT_EQ(resp2([](Reply& r) { r.boolean(true); }), ":1\r\n");
  EXPECT_EQ(resp2([](Reply& r) { r.boolean(false); }), ":0\r\n");
  EXPECT_EQ(resp2([](Reply& r) { r.verbatim("hello"); }), "$5\r\nhello\r\n");
  EXPECT_EQ(resp2([](Reply& r) { r.big_number("1234567890123456789012"); }),
            "$22\r\n1234567890123456789012\r\n");
}

TEST(Reply, Resp3Types) {
  EXPECT_EQ(resp3([](Reply& r) { r.null(); }), "_\r\n");
  EXPECT_EQ(resp3([](Reply& r) { r.null_array(); }), "_\r\n");
  EXPECT_EQ(resp3([](Reply& r) { r.map(2); }), "%2\r\n");
  EXPECT_EQ(resp3([](Reply& r) { r.set(2); }), "~2\r\n");
  EXPECT_EQ(resp3([](Reply& r) { r.push(3); }), ">3\r\n");
  EXPECT_EQ(resp3([](Reply& r) { r.attribute(1); }), "|1\r\n");
  EXPECT_EQ(resp3([](Reply& r) { r.dbl(1.5); }), ",1.5\r\n");
  EXPECT_EQ(resp3([](Reply& r) { r.dbl(0.1); }), ",0.10000000000000001\r\n");
  EXPECT_EQ(resp3([](Reply& r) { r.dbl(-2); }), ",-2\r\n");
  EXPECT_EQ(resp3([](Reply& r) { r.dbl(1e300); }), ",1.0000000000000001e+300\r\n");
  EXPECT_EQ(resp3([](Reply& r) { r.dbl(HUGE_VAL); }), ",inf\r\n");
  EXPECT_EQ(resp3([](Reply& r) { r.dbl(-HUGE_VAL); }), ",-inf\r\n");
  EXPECT_EQ(resp3([](Reply& r) { r.boolean(true); }), "#t\r\n");
  EXPECT_EQ(resp3([](Reply& r) { r.boolean(false); }), "#f\r\n");
  EXPECT_EQ(resp3([](Reply& r) { r.verbatim("hello"); }), "=9\r\ntxt:hello\r\n");
  EXPECT_EQ(resp3([](Reply& r) { r.verbatim("", "mkd"); }), "=4\r\nmkd:\r\n");
  EXPECT_EQ(resp3([](Reply& r) { r.big_number("-1234567890123456789012"); }),
            "(-1234567890123456789012\r\n");
}

TEST(Reply, ErrorCodesForErrorStats) {
  ReplyBuffer buf;
  Reply r(buf, 2);
  EXPECT_EQ(r.error_count(), 0u);
  r.error("ERR syntax error");
  EXPECT_EQ(r.last_error_code(), "ERR");
  r.error("WRONGTYPE Operation against a key holding the wrong kind of value");
  EXPECT_EQ(r.last_error_code(), "WRONGTYPE");
  EXPECT_EQ(r.error_count(), 2u);
  // No space at all: Redis counts it as ERR. Kept in a heap string of the exact size so a
  // sanitizer build catches any read past it.
  auto no_space = std::make_unique<char[]>(5);
  std::memcpy(no_space.get(), "NOSPC", 5);
  r.error(std::string_view(no_space.get(), 5));
  EXPECT_EQ(r.last_error_code(), "ERR");
  // Redis looks for the space within the first 32 bytes of "-CODE ...".
  std::string code30(30, 'C');
  r.error(code30 + " message");
  EXPECT_EQ(r.last_error_code(), code30);
  std::string code31(31, 'D');
  r.error(code31 + " message");
  EXPECT_EQ(r.last_error_code(), "ERR");
  EXPECT_EQ(r.error_count(), 5u);
  EXPECT_EQ(pending(buf).substr(0, 19), "-ERR syntax error\r\n");
}

TEST(Reply, ProtocolCanChange) {
  ReplyBuffer buf;
  Reply r(buf, 2);
  r.null();
  r.set_proto(3);
  EXPECT_EQ(r.proto(), 3);
  r.null();
  EXPECT_EQ(pending(buf), "$-1\r\n_\r\n");
}

TEST(Reply, BulkOfEverySizeAroundTheBlockSize) {
  for (size_t n : {size_t{0}, size_t{1}, ReplyBuffer::kBlockSize - 30, ReplyBuffer::kBlockSize - 1,
                   ReplyBuffer::kBlockSize, ReplyBuffer::kBlockSize + 1, size_t{100000}}) {
    std::string s(n, 'x');
    for (size_t i = 0; i < n; i += 7) s[i] = static_cast<char>('a' + i % 26);
    // Something already pending, so the bulk does not start a fresh buffer.
    std::string got = resp2([&](Reply& r) {
      r.simple("first");
      r.bulk(s);
      r.integer(1);
    });
    EXPECT_EQ(got, cat("+first\r\n$", std::to_string(n), "\r\n", s, "\r\n:1\r\n")) << n;
  }
}

TEST(Reply, LargeBulkGetsItsOwnBlock) {
  ReplyBuffer buf;
  Reply r(buf, 2);
  r.simple("x");
  std::string big(20000, 'b');
  r.bulk(big);
  std::vector<iovec> iov(16);
  int n = buf.gather(iov.data(), 16);
  bool found = false;
  for (int i = 0; i < n; i++) {
    if (iov[i].iov_len == big.size()) {
      found = std::memcmp(iov[i].iov_base, big.data(), big.size()) == 0;
    }
  }
  EXPECT_TRUE(found) << "the body should be one iovec of exactly its size";
  // The big block is sized exactly: no rounding up to a multiple of the block size.
  EXPECT_EQ(buf.allocated(), 2 * ReplyBuffer::kBlockSize + big.size());
}

TEST(Reply, DeferredLengths) {
  auto three_elements = [](Reply& r, Reply::Aggregate kind) {
    size_t h = r.begin_deferred();
    r.bulk("a");
    r.bulk("b");
    r.end_deferred(h, kind, kind == Reply::Aggregate::kMap ? 1 : 2);
  };
  using A = Reply::Aggregate;
  EXPECT_EQ(resp2([&](Reply& r) { three_elements(r, A::kArray); }), "*2\r\n$1\r\na\r\n$1\r\nb\r\n");
  EXPECT_EQ(resp3([&](Reply& r) { three_elements(r, A::kArray); }), "*2\r\n$1\r\na\r\n$1\r\nb\r\n");
  EXPECT_EQ(resp2([&](Reply& r) { three_elements(r, A::kMap); }), "*2\r\n$1\r\na\r\n$1\r\nb\r\n");
  EXPECT_EQ(resp3([&](Reply& r) { three_elements(r, A::kMap); }), "%1\r\n$1\r\na\r\n$1\r\nb\r\n");
  EXPECT_EQ(resp2([&](Reply& r) { three_elements(r, A::kSet); }), "*2\r\n$1\r\na\r\n$1\r\nb\r\n");
  EXPECT_EQ(resp3([&](Reply& r) { three_elements(r, A::kSet); }), "~2\r\n$1\r\na\r\n$1\r\nb\r\n");
  EXPECT_EQ(resp2([](Reply& r) {
              size_t h = r.begin_deferred();
              r.end_deferred(h, Reply::Aggregate::kArray, 0);
            }),
            "*0\r\n");
}

TEST(Reply, NestedDeferredLengths) {
  std::string got = resp3([](Reply& r) {
    r.ok();
    size_t outer = r.begin_deferred();
    r.bulk("k");
    size_t inner = r.begin_deferred();
    r.integer(1);
    r.integer(2);
    size_t innermost = r.begin_deferred();
    r.end_deferred(innermost, Reply::Aggregate::kSet, 0);
    r.end_deferred(inner, Reply::Aggregate::kArray, 3);
    r.end_deferred(outer, Reply::Aggregate::kMap, 1);
    r.ok();
  });
  EXPECT_EQ(got, "+OK\r\n%1\r\n$1\r\nk\r\n*3\r\n:1\r\n:2\r\n~0\r\n+OK\r\n");
}

TEST(Reply, DeferredAroundALargeBulk) {
  std::string big(50000, 'z');
  std::string got = resp2([&](Reply& r) {
    size_t h = r.begin_deferred();
    r.bulk(big);
    r.bulk("x");
    r.end_deferred(h, Reply::Aggregate::kArray, 2);
  });
  EXPECT_EQ(got, cat("*2\r\n$50000\r\n", big, "\r\n$1\r\nx\r\n"));
}

// --- ReplyBuffer on its own. ---

// Builds a buffer that spans several blocks: small replies, a deferred header, a large
// bulk, and a tail. Returns the bytes it must send.
std::string fill_mixed(ReplyBuffer& buf) {
  Reply r(buf, 3);
  std::string want;
  for (int i = 0; i < 300; i++) {
    r.integer(i);
    want += cat(":", std::to_string(i), "\r\n");
  }
  size_t h = r.begin_deferred();
  std::string big(ReplyBuffer::kBlockSize + 100, 'q');
  for (size_t i = 0; i < big.size(); i += 11) big[i] = static_cast<char>('0' + i % 10);
  r.bulk(big);
  std::string medium(ReplyBuffer::kBlockSize / 2, 'm');
  r.bulk(medium);
  r.bulk(medium);  // does not fit in the tail: a new block
  r.end_deferred(h, Reply::Aggregate::kArray, 3);
  want += "*3\r\n";
  want += cat("$", std::to_string(big.size()), "\r\n", big, "\r\n");
  want += cat("$", std::to_string(medium.size()), "\r\n", medium, "\r\n");
  want += cat("$", std::to_string(medium.size()), "\r\n", medium, "\r\n");
  r.simple("end");
  want += "+end\r\n";
  return want;
}

// Like writev with a byte limit: copies up to `limit` bytes of the gathered data.
size_t fake_writev(const ReplyBuffer& buf, size_t limit, std::string* sink, int max_iov = 64) {
  std::vector<iovec> iov(static_cast<size_t>(max_iov));
  int n = buf.gather(iov.data(), max_iov);
  size_t written = 0;
  for (int i = 0; i < n && written < limit; i++) {
    size_t take = std::min(limit - written, iov[i].iov_len);
    sink->append(static_cast<const char*>(iov[i].iov_base), take);
    written += take;
  }
  return written;
}

TEST(ReplyBuffer, PartialWriteAtEveryOffsetReassembles) {
  ReplyBuffer probe;
  const std::string want = fill_mixed(probe);
  ASSERT_EQ(pending(probe), want);
  ASSERT_GT(want.size(), 2 * ReplyBuffer::kBlockSize);
  for (size_t first = 0; first <= want.size(); first++) {
    ReplyBuffer buf;
    fill_mixed(buf);
    std::string sent;
    size_t w = fake_writev(buf, first, &sent);
    ASSERT_EQ(w, first);
    buf.consume(w);
    ASSERT_EQ(buf.bytes(), want.size() - first);
    // The rest in one go must be exactly the remaining bytes.
    std::vector<iovec> iov(64);
    int n = buf.gather(iov.data(), 64);
    size_t off = first;
    for (int i = 0; i < n; i++) {
      ASSERT_LE(off + iov[i].iov_len, want.size());
      ASSERT_EQ(std::memcmp(iov[i].iov_base, want.data() + off, iov[i].iov_len), 0)
          << "first write " << first << ", iovec " << i;
      off += iov[i].iov_len;
    }
    ASSERT_EQ(off, want.size()) << "first write " << first;
  }
}

TEST(ReplyBuffer, DrainInChunksOfEverySize) {
  ReplyBuffer probe;
  const std::string want = fill_mixed(probe);
  for (size_t chunk : {size_t{1}, size_t{2}, size_t{3}, size_t{7}, size_t{100}, size_t{4095},
                       ReplyBuffer::kBlockSize - 1, ReplyBuffer::kBlockSize + 1, want.size()}) {
    ReplyBuffer buf;
    fill_mixed(buf);
    std::string sent;
    while (!buf.empty()) {
      size_t w = fake_writev(buf, chunk, &sent, /*max_iov=*/2);
      ASSERT_GT(w, 0u);
      buf.consume(w);
    }
    EXPECT_EQ(sent, want) << "chunk " << chunk;
    EXPECT_EQ(buf.bytes(), 0u);
    EXPECT_EQ(buf.gather(nullptr, 0), 0);
  }
}

TEST(ReplyBuffer, GatherRespectsMax) {
  ReplyBuffer buf;
  fill_mixed(buf);
  iovec iov[2];
  EXPECT_EQ(buf.gather(iov, 2), 2);
  EXPECT_EQ(buf.gather(iov, 1), 1);
  EXPECT_EQ(buf.gather(iov, 0), 0);
}

TEST(ReplyBuffer, KeepsOneBlockAfterDrainingAndReusesIt) {
  ReplyBuffer buf;
  std::string want = fill_mixed(buf);
  buf.consume(want.size());
  EXPECT_TRUE(buf.empty());
  EXPECT_EQ(buf.allocated(), ReplyBuffer::kBlockSize);
  buf.append("+again\r\n");
  EXPECT_EQ(pending(buf), "+again\r\n");
  EXPECT_EQ(buf.allocated(), ReplyBuffer::kBlockSize);
  buf.release();
  EXPECT_EQ(buf.allocated(), 0u);
  EXPECT_TRUE(buf.empty());
  buf.append("x");
  EXPECT_EQ(pending(buf), "x");
}

TEST(ReplyBuffer, NeverFullyDrainedClientDropsOldBlocks) {
  ReplyBuffer buf;
  std::string want;
  std::string block(ReplyBuffer::kBlockSize, 'a');
  for (int i = 0; i < 100; i++) {
    block[0] = static_cast<char>('A' + i % 26);
    buf.append(block);
    want += block;
  }
  size_t sent = 0;
  std::string out;
  // Write one block, queue one more: the buffer never drains completely.
  for (int i = 0; i < 99; i++) {
    size_t w = fake_writev(buf, ReplyBuffer::kBlockSize, &out);
    buf.consume(w);
    sent += w;
    std::string more(ReplyBuffer::kBlockSize, 'b');
    more[0] = static_cast<char>('a' + i % 26);
    buf.append(more);
    want += more;
  }
  // 100 blocks pending; without trimming, all 199 blocks written so far would be kept.
  EXPECT_EQ(buf.bytes(), 100 * ReplyBuffer::kBlockSize);
  EXPECT_LE(buf.allocated(), buf.bytes() + 65 * ReplyBuffer::kBlockSize);
  while (!buf.empty()) buf.consume(fake_writev(buf, 5000, &out));
  EXPECT_EQ(out, want);
}

TEST(ReplyBuffer, ReserveAndCommit) {
  ReplyBuffer buf;
  char* p = buf.reserve(5);
  std::memcpy(p, "abcde", 5);
  buf.commit(3);
  EXPECT_EQ(pending(buf), "abc");
  // A reservation bigger than a block still returns contiguous space.
  size_t n = ReplyBuffer::kBlockSize * 3;
  p = buf.reserve(n);
  std::memset(p, 'z', n);
  buf.commit(n);
  EXPECT_EQ(pending(buf), cat("abc", std::string(n, 'z')));
  EXPECT_EQ(buf.bytes(), n + 3);
}

}  // namespace
}  // namespace rkv::resp

// RESP request protocol over raw sockets: protocol errors (exact bytes, then the close),
// inline commands, requests split at every byte, deep pipelines and 100 MB values.
// Every expected byte string here was checked against redis-server 7.0.
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

#include "harness.h"

namespace rkv::test {
namespace {

constexpr size_t kInlineMax = 64 * 1024;  // PROTO_INLINE_MAX_SIZE

void set_nodelay(Conn& c) {
  int yes = 1;
  setsockopt(c.ctx()->fd, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof(yes));
}

// A value that does not repeat with a short period, so a misplaced or dropped chunk shows.
std::string pattern(size_t n, uint32_t seed) {
  std::string s(n, '\0');
  uint32_t x = seed;
  for (size_t i = 0; i < n; i++) {
    x = x * 1664525u + 1013904223u;
    s[i] = static_cast<char>('!' + (x >> 24) % 90);
  }
  return s;
}

// Index of the first differing byte (or the shorter length), for readable failures.
size_t first_diff(const std::string& a, const std::string& b) {
  size_t n = std::min(a.size(), b.size());
  for (size_t i = 0; i < n; i++)
    if (a[i] != b[i]) return i;
  return n;
}

class ProtocolTest : public ServerTest {
 protected:
  // Sends `bytes` on a fresh connection, expects exactly `reply` and then the server
  // closing the connection; then a new client must still be served.
  void expect_error_and_close(const std::string& bytes, const std::string& reply) {
    SCOPED_TRACE("request starts with: " + bytes.substr(0, 40));
    {
      Conn c(port());
      c.send_raw(bytes);
      EXPECT_EQ(c.recv_raw(reply.size() + 1, 3000), reply);
      EXPECT_TRUE(c.wait_closed(3000)) << "connection left open after a protocol error";
    }
    Conn fresh(port());
    EXPECT_EQ(str(fresh.cmd({"PING"})), ping_reply_);
  }

  std::string ping_reply_ = "PONG";  // what a new client's PING gets
};

// Reads exactly the bytes of `want` (or fewer on timeout/close) and compares.
void expect_reply(Conn& c, const std::string& want, int timeout_ms = 3000) {
  EXPECT_EQ(c.recv_raw(want.size(), timeout_ms), want);
}

TEST_P(ProtocolTest, InvalidMultibulkLength) {
  const std::string err = "-ERR Protocol error: invalid multibulk length\r\n";
  expect_error_and_close("*abc\r\n", err);
  expect_error_and_close("*3000000000\r\n", err);        // above INT_MAX
  expect_error_and_close("*01\r\n$4\r\nPING\r\n", err);  // leading zero: not canonical
  expect_error_and_close("*+1\r\n$4\r\nPING\r\n", err);
  expect_error_and_close("*1\n$4\r\nPING\r\n", err);  // the count ends at '\r' only
}

TEST_P(ProtocolTest, InvalidBulkLength) {
  const std::string err = "-ERR Protocol error: invalid bulk length\r\n";
  expect_error_and_close("*1\r\n$abc\r\n", err);
  expect_error_and_close("*1\r\n$-1\r\n", err);
  expect_error_and_close("*1\r\n$04\r\nPING\r\n", err);
  expect_error_and_close("*1\r\n$ 4\r\nPING\r\n", err);
  expect_error_and_close("*1\r\n$4x\r\nPING\r\n", err);
  // Just above the default proto-max-bulk-len (512mb).
  expect_error_and_close("*2\r\n$3\r\nGET\r\n$536870913\r\n", err);
}

TEST_P(ProtocolTest, ExpectedDollar) {
  expect_error_and_close("*1\r\nx3\r\n", "-ERR Protocol error: expected '$', got 'x'\r\n");
  expect_error_and_close("*2\r\n$3\r\nGET\r\n:1\r\n",
                         "-ERR Protocol error: expected '$', got ':'\r\n");
}

TEST_P(ProtocolTest, TooBigInlineAndCountStrings) {
  expect_error_and_close(std::string(kInlineMax + 1, 'a'),
                         "-ERR Protocol error: too big inline request\r\n");
  expect_error_and_close("*" + std::string(kInlineMax, '1'),
                         "-ERR Protocol error: too big mbulk count string\r\n");
  expect_error_and_close("*1\r\n$" + std::string(kInlineMax + 10, '1'),
                         "-ERR Protocol error: too big bulk count string\r\n");
}

TEST_P(ProtocolTest, InlineExactlyAtLimitWaitsForMore) {
  // 64 KB without a newline is still a possible request: no error, no close.
  Conn c(port());
  c.send_raw(std::string(kInlineMax, 'a'));
  EXPECT_EQ(c.recv_raw(1, 300), "");
  EXPECT_FALSE(c.wait_closed(100));
  // A long inline command with its newline is executed.
  std::string big(70 * 1024, 'v');
  Conn d(port());
  d.send_raw("ECHO " + big + "\r\n");
  std::string want = "$" + std::to_string(big.size()) + "\r\n" + big + "\r\n";
  EXPECT_EQ(d.recv_raw(want.size(), 5000), want);
}

TEST_P(ProtocolTest, UnbalancedQuotes) {
  const std::string err = "-ERR Protocol error: unbalanced quotes in request\r\n";
  expect_error_and_close("SET a \"unbalanced\r\n", err);
  expect_error_and_close("SET 'a'b c\r\n", err);  // closing quote must end the argument
  expect_error_and_close("SET \"a\"b c\n", err);
}

TEST_P(ProtocolTest, RepliesBeforeTheBadCommandAreSent) {
  Conn c(port());
  c.send_raw("PING\r\n*1\r\n$4\r\nPING\r\n*2\r\n$4\r\nECHO\r\n$2\r\nhi\r\n*x\r\nPING\r\n");
  std::string want =
      "+PONG\r\n+PONG\r\n$2\r\nhi\r\n-ERR Protocol error: invalid multibulk length\r\n";
  // The PING after the bad command must not run: nothing follows the error.
  EXPECT_EQ(c.recv_raw(want.size() + 7, 3000), want);
  EXPECT_TRUE(c.wait_closed());
  Conn fresh(port());
  EXPECT_EQ(str(fresh.cmd({"PING"})), "PONG");
}

TEST_P(ProtocolTest, EmptyCommandsAreSkipped) {
  Conn c(port());
  // "*0", "*-1", "*-5", blank and whitespace-only lines are no-ops without a reply.
  c.send_raw("*0\r\n*-1\r\n*-5\r\n\r\n\n   \r\n\t\nPING\r\n");
  expect_reply(c, "+PONG\r\n");
  EXPECT_EQ(str(c.cmd({"PING"})), "PONG");
}

TEST_P(ProtocolTest, BulkTrailerIsNotChecked) {
  // Like Redis, the two bytes after a bulk are skipped whatever they are.
  Conn c(port());
  c.send_raw("*1\r\n$4\r\nPINGxx*1\r\n$4\r\nPING\r\n");
  expect_reply(c, "+PONG\r\n+PONG\r\n");
}

TEST_P(ProtocolTest, InlineCommands) {
  Conn c(port());
  // Telnet style: "\n"-only line ends, mixed with "\r\n", tabs and repeated spaces.
  c.send_raw("set foo bar\nget foo\r\nGET   foo\t\n");
  expect_reply(c, "+OK\r\n$3\r\nbar\r\n$3\r\nbar\r\n");
  // Quoting: double quotes with escapes, single quotes with \'.
  c.send_raw("set \"my key\" 'it\\'s here'\r\n");
  expect_reply(c, "+OK\r\n");
  EXPECT_EQ(str(c.cmd({"GET", "my key"})), "it's here");
  c.send_raw("set k2 \"a\\x41\\n\\\"b\\tc\\\\\"\n");
  expect_reply(c, "+OK\r\n");
  EXPECT_EQ(str(c.cmd({"GET", "k2"})), std::string("aA\n\"b\tc\\"));
  c.send_raw("echo \"\"\n");  // an empty quoted argument is still an argument
  expect_reply(c, "$0\r\n\r\n");
  // Inline and multibulk interleaved in one write.
  c.send_raw("PING\n" + encode_command({"ECHO", "x\r\ny"}) + "ECHO 'a b'\r\n");
  expect_reply(c, "+PONG\r\n$4\r\nx\r\ny\r\n$3\r\na b\r\n");
  // Errors from inline commands do not close the connection.
  c.send_raw("nosuchcmd a 'b c'\n");
  std::string err = "-ERR unknown command 'nosuchcmd', with args beginning with: 'a' 'b c' \r\n";
  expect_reply(c, err);
  EXPECT_EQ(str(c.cmd({"PING"})), "PONG");
}

// One request mixing every parser state: multibulk header, bulk with CRLF inside,
// inline with quotes.
const std::string kSplitRequest = encode_command({"SET", "key", "va\r\nlue"}) +
                                  encode_command({"GET", "key"}) + "PING\r\nECHO \"x y\"\n";
const std::string kSplitReply = "+OK\r\n$7\r\nva\r\nlue\r\n+PONG\r\n$3\r\nx y\r\n";

TEST_P(ProtocolTest, RequestSentByteByByte) {
  Conn c(port());
  set_nodelay(c);
  for (char ch : kSplitRequest) {
    c.send_raw(std::string_view(&ch, 1));
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  expect_reply(c, kSplitReply);
  EXPECT_EQ(c.recv_raw(1, 100), "");  // and nothing more
}

TEST_P(ProtocolTest, RequestSplitAtEveryByte) {
  Conn c(port());
  set_nodelay(c);
  for (size_t cut = 1; cut < kSplitRequest.size(); cut++) {
    SCOPED_TRACE("split at byte " + std::to_string(cut));
    c.send_raw(std::string_view(kSplitRequest).substr(0, cut));
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    c.send_raw(std::string_view(kSplitRequest).substr(cut));
    ASSERT_EQ(c.recv_raw(kSplitReply.size(), 3000), kSplitReply);
  }
}

TEST_P(ProtocolTest, Pipeline100kCommands) {
  constexpr int kCommands = 100000;
  std::string request, want;
  request.reserve(kCommands * 40);
  for (int i = 0; i < kCommands / 2; i++) {
    std::string key = "key:" + std::to_string(i), val = "value-" + std::to_string(i * 7);
    request += encode_command({"SET", key, val});
    want += "+OK\r\n";
    if (i % 10 == 0) {
      request += encode_command({"GET", "missing:" + key});
      want += "$-1\r\n";
    } else {
      request += encode_command({"GET", key});
      want.append("$").append(std::to_string(val.size())).append("\r\n").append(val).append("\r\n");
    }
  }
  Conn c(port());
  // One write from another thread while this one drains the replies, so neither side
  // can stall on a full socket buffer.
  std::thread writer([&] { c.send_raw(request); });
  std::string got = c.recv_raw(want.size(), 60000);
  writer.join();
  ASSERT_EQ(got.size(), want.size());
  EXPECT_TRUE(got == want) << "first difference at byte " << first_diff(got, want);
  EXPECT_EQ(str(conn().cmd({"GET", "key:49999"})), "value-349993");
}

constexpr size_t k100MB = 100 * 1024 * 1024;

TEST_P(ProtocolTest, HundredMegabyteValue) {
  std::string value = pattern(k100MB, 12345);
  EXPECT_EQ(str(conn().cmd({"SET", "big", value})), "OK");
  auto r = conn().cmd({"GET", "big"});
  ASSERT_TRUE(r);
  ASSERT_EQ(r->type, REDIS_REPLY_STRING);
  ASSERT_EQ(r->len, value.size());
  std::string got(r->str, r->len);
  EXPECT_TRUE(got == value) << "first difference at byte " << first_diff(got, value);
}

TEST_P(ProtocolTest, HundredMegabyteValueInSmallChunks) {
  std::string value = pattern(k100MB, 777);
  Conn c(port());
  std::string header = "*3\r\n$3\r\nSET\r\n$3\r\nbig\r\n$" + std::to_string(value.size());
  c.send_raw(header);  // the bulk length line itself arrives in two parts
  c.send_raw("\r\n");
  constexpr size_t kChunk = 8 * 1024;
  for (size_t off = 0; off < value.size(); off += kChunk)
    c.send_raw(std::string_view(value).substr(off, kChunk));
  c.send_raw("\r");
  c.send_raw("\n");
  expect_reply(c, "+OK\r\n", 30000);
  auto r = c.cmd({"GET", "big"});
  ASSERT_TRUE(r);
  ASSERT_EQ(r->type, REDIS_REPLY_STRING);
  ASSERT_EQ(r->len, value.size());
  std::string got(r->str, r->len);
  EXPECT_TRUE(got == value) << "first difference at byte " << first_diff(got, value);
}

RKV_INSTANTIATE_IO_MODES(ProtocolTest);

// With requirepass, an unauthenticated client may only send tiny requests.
class UnauthenticatedProtocolTest : public ProtocolTest {
 protected:
  std::vector<std::string> server_args() const override { return {"--requirepass", "pw"}; }
  void SetUp() override {
    ProtocolTest::SetUp();
    ping_reply_ = "NOAUTH Authentication required.";
  }
};

TEST_P(UnauthenticatedProtocolTest, LimitsBeforeAuth) {
  expect_error_and_close("*11\r\n", "-ERR Protocol error: unauthenticated multibulk length\r\n");
  expect_error_and_close("*1\r\n$16385\r\n",
                         "-ERR Protocol error: unauthenticated bulk length\r\n");
  // The limits themselves are allowed.
  Conn c(port());
  c.send_raw("*10\r\n");
  EXPECT_EQ(c.recv_raw(1, 300), "");
  EXPECT_FALSE(c.wait_closed(100));
  Conn d(port());
  d.send_raw("*2\r\n$4\r\nECHO\r\n$16384\r\n" + std::string(16384, 'e') + "\r\n");
  expect_reply(d, "-NOAUTH Authentication required.\r\n");
}

TEST_P(UnauthenticatedProtocolTest, AuthenticatedClientsHaveNormalLimits) {
  Conn c(port());
  // AUTH pipelined with the big request: the limit follows the state at parse time.
  std::vector<std::string> del = {"DEL"};
  // (append, not "k" + to_string: GCC 12 reports a false -Wrestrict on the latter)
  for (int i = 0; i < 10; i++) del.push_back(std::string("k").append(std::to_string(i)));
  c.send_raw("AUTH pw\r\n" + encode_command(del) +
             encode_command({"ECHO", std::string(20000, 'x')}));
  std::string want = "+OK\r\n:0\r\n$20000\r\n" + std::string(20000, 'x') + "\r\n";
  expect_reply(c, want);
}

RKV_INSTANTIATE_IO_MODES(UnauthenticatedProtocolTest);

}  // namespace
}  // namespace rkv::test

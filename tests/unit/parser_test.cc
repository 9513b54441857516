#include "resp/parser.h"

#include <gtest/gtest.h>

#include <optional>
#include <ostream>
#include <random>
#include <string>
#include <vector>

namespace rkv::resp {
namespace {

using Args = std::vector<std::string>;

// What a connection would have seen: the commands in order, then maybe an error, and the
// bytes still buffered at the end.
struct Outcome {
  std::vector<Args> commands;
  std::string error;     // empty when no protocol error
  std::string leftover;  // unconsumed bytes at the end (none after an error)

  bool operator==(const Outcome&) const = default;
};

std::ostream& operator<<(std::ostream& os, const Outcome& o) {
  os << "{commands=[";
  for (const Args& a : o.commands) {
    os << "[";
    for (const std::string& s : a) os << '"' << s << "\" ";
    os << "] ";
  }
  return os << "], error=\"" << o.error << "\", leftover=" << o.leftover.size() << " bytes}";
}

// Drives the parser the way the server does: bytes accumulate in a buffer, and the caller
// drops *consumed bytes after kCommand and after kIncomplete. With `move` set, each call
// sees the unconsumed bytes at a fresh address, as after a query buffer reallocation.
Outcome feed(const std::vector<std::string_view>& chunks, const ParserLimits& limits = {},
             bool move = true) {
  RequestParser p;
  Outcome out;
  std::string buf;
  for (std::string_view chunk : chunks) {
    buf.append(chunk);
    for (;;) {
      std::string copy;
      std::string_view view = buf;
      if (move) {
        copy = buf;
        view = copy;
      }
      size_t consumed = ~size_t{0};
      auto r = p.parse(view, limits, &consumed);
      if (r == RequestParser::Result::kError) {
        // The connection closes after the error: whatever was still buffered is moot.
        out.error = p.error();
        return out;
      }
      EXPECT_LE(consumed, view.size());
      if (r == RequestParser::Result::kIncomplete) {
        buf.erase(0, consumed);
        break;
      }
      EXPECT_GT(consumed, 0u);
      EXPECT_FALSE(p.args().empty()) << "empty commands must be skipped, not returned";
      Args args;
      for (std::string_view a : p.args()) args.emplace_back(a);
      out.commands.push_back(std::move(args));
      buf.erase(0, consumed);
    }
  }
  out.leftover = buf;
  return out;
}

Outcome feed_whole(std::string_view s, const ParserLimits& limits = {}) {
  return feed({s}, limits);
}

// Checks that `input` gives `want` whole, split at every byte, and byte by byte.
void expect_every_split(std::string_view input, const Outcome& want,
                        const ParserLimits& limits = {}) {
  EXPECT_EQ(feed_whole(input, limits), want) << "whole input";
  for (size_t k = 1; k < input.size(); k++) {
    EXPECT_EQ(feed({input.substr(0, k), input.substr(k)}, limits), want) << "split at " << k;
  }
  std::vector<std::string_view> bytes;
  for (size_t i = 0; i < input.size(); i++) bytes.push_back(input.substr(i, 1));
  EXPECT_EQ(feed(bytes, limits), want) << "byte by byte";
}

Outcome commands(std::vector<Args> cmds, std::string leftover = "") {
  return Outcome{std::move(cmds), "", std::move(leftover)};
}

Outcome error_after(std::vector<Args> cmds, std::string error) {
  return Outcome{std::move(cmds), std::move(error), ""};
}

// Builds a multibulk request the way clients encode one.
std::string mbulk(const Args& args) {
  // Appends piece by piece: GCC 12 warns (-Wrestrict) on chains of string operator+.
  std::string s;
  s.append("*").append(std::to_string(args.size())).append("\r\n");
  for (const std::string& a : args) {
    s.append("$").append(std::to_string(a.size())).append("\r\n").append(a).append("\r\n");
  }
  return s;
}

TEST(Parser, MultibulkAtEverySplit) {
  expect_every_split("*1\r\n$4\r\nPING\r\n", commands({{"PING"}}));
  expect_every_split("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$0\r\n\r\n", commands({{"SET", "k", ""}}));
  // CRLF and NUL inside a bulk are data.
  std::string binary("a\r\nb\0c\n", 7);
  expect_every_split(mbulk({"SET", binary, "*1\r\n"}), commands({{"SET", binary, "*1\r\n"}}));
}

TEST(Parser, InlineAtEverySplit) {
  expect_every_split("PING\r\n", commands({{"PING"}}));
  expect_every_split("PING\n", commands({{"PING"}}));
  expect_every_split("  set   a    b  \r\n", commands({{"set", "a", "b"}}));
  expect_every_split("SET k \"v v\" 'x y'\r\n", commands({{"SET", "k", "v v", "x y"}}));
}

TEST(Parser, PipelineOfMixedCommandsAtEverySplit) {
  std::string input = mbulk({"SET", "key", "value"}) + "GET key\r\n" + "*0\r\n" +
                      mbulk({"DEL", "key"}) + "\r\n" + "\n" + "*-1\r\n" + "ECHO \"a\\tb\"\n" +
                      mbulk({"PING"});
  expect_every_split(
      input,
      commands(
          {{"SET", "key", "value"}, {"GET", "key"}, {"DEL", "key"}, {"ECHO", "a\tb"}, {"PING"}}));
}

TEST(Parser, IncompleteInputStaysBuffered) {
  expect_every_split("*2\r\n$3\r\nGET\r\n$3\r\nke", commands({}, "*2\r\n$3\r\nGET\r\n$3\r\nke"));
  expect_every_split("GET ke", commands({}, "GET ke"));
  expect_every_split("PING\r\nGET", commands({{"PING"}}, "GET"));
}

TEST(Parser, ConsumedCountsExactly) {
  RequestParser p;
  ParserLimits limits;
  size_t consumed = 0;
  std::string one = mbulk({"GET", "foo"});
  std::string two = one + "PING\r\n";
  ASSERT_EQ(p.parse(two, limits, &consumed), RequestParser::Result::kCommand);
  EXPECT_EQ(consumed, one.size());
  ASSERT_EQ(p.parse(std::string_view(two).substr(consumed), limits, &consumed),
            RequestParser::Result::kCommand);
  EXPECT_EQ(consumed, 6u);
  ASSERT_EQ(p.args().size(), 1u);
  EXPECT_EQ(p.args()[0], "PING");
}

TEST(Parser, EmptyCommandsBeforeAnIncompleteOneAreConsumed) {
  RequestParser p;
  ParserLimits limits;
  size_t consumed = 0;
  std::string skipped = "*0\r\n\r\n*-1\r\n\n";
  std::string pending = "*1\r\n$3\r\nfo";
  std::string buf = skipped + pending;
  ASSERT_EQ(p.parse(buf, limits, &consumed), RequestParser::Result::kIncomplete);
  EXPECT_EQ(consumed, skipped.size());
  EXPECT_TRUE(p.in_multibulk());
  // The offsets kept by the parser are relative to the first unconsumed byte.
  buf = pending + "o\r\n";
  ASSERT_EQ(p.parse(buf, limits, &consumed), RequestParser::Result::kCommand);
  EXPECT_EQ(consumed, buf.size());
  ASSERT_EQ(p.args().size(), 1u);
  EXPECT_EQ(p.args()[0], "foo");
}

TEST(Parser, OnlyEmptyCommands) {
  expect_every_split("*0\r\n*-1\r\n\r\n\n   \r\n*-5\r\n", commands({}));
}

TEST(Parser, ArgsOfMultibulkPointIntoCallerBytes) {
  RequestParser p;
  size_t consumed = 0;
  std::string buf = mbulk({"GET", "k"});
  ASSERT_EQ(p.parse(buf, {}, &consumed), RequestParser::Result::kCommand);
  ASSERT_EQ(p.args().size(), 2u);
  for (std::string_view a : p.args()) {
    EXPECT_GE(a.data(), buf.data());
    EXPECT_LE(a.data() + a.size(), buf.data() + buf.size());
  }
}

TEST(Parser, ParsedPrefix) {
  RequestParser p;
  size_t consumed = 0;
  EXPECT_EQ(p.parsed_prefix(), 0u);
  ASSERT_EQ(p.parse("*2\r\n", {}, &consumed), RequestParser::Result::kIncomplete);
  EXPECT_EQ(p.parsed_prefix(), 4u);  // the header
  // The first argument, and the length line of the second whose body is pending.
  std::string buf = "*2\r\n$3\r\nGET\r\n$3\r\nke";
  ASSERT_EQ(p.parse(buf, {}, &consumed), RequestParser::Result::kIncomplete);
  EXPECT_EQ(p.parsed_prefix(), buf.size() - 2);
  buf += "y\r\n";
  ASSERT_EQ(p.parse(buf, {}, &consumed), RequestParser::Result::kCommand);
  EXPECT_EQ(p.parsed_prefix(), 0u);
  ASSERT_EQ(p.parse("GET k", {}, &consumed), RequestParser::Result::kIncomplete);
  EXPECT_EQ(p.parsed_prefix(), 0u);  // inline commands keep no state
}

TEST(Parser, BodyTerminatorIsNotChecked) {
  // Redis skips the two bytes after a bulk body without looking at them.
  expect_every_split("*1\r\n$3\r\nfooXY", commands({{"foo"}}));
}

TEST(Parser, PendingBulkBytes) {
  RequestParser p;
  size_t consumed = 0;
  std::string buf = "*1\r\n$10\r\nab";
  ASSERT_EQ(p.parse(buf, {}, &consumed), RequestParser::Result::kIncomplete);
  EXPECT_EQ(consumed, 0u);
  EXPECT_TRUE(p.in_multibulk());
  // 10 body bytes + CRLF, 2 of them present.
  EXPECT_EQ(p.pending_bulk_bytes(buf.size()), 10u);
  EXPECT_EQ(p.pending_bulk_bytes(buf.size() + 10), 0u);
  buf += "cdefghij\r\n";
  ASSERT_EQ(p.parse(buf, {}, &consumed), RequestParser::Result::kCommand);
  EXPECT_EQ(p.pending_bulk_bytes(buf.size()), 0u);
  EXPECT_FALSE(p.in_multibulk());
}

TEST(Parser, BigBulkAtManySplits) {
  // Past kBigBulkSize; every split would be quadratic, so take the interesting ones.
  std::string value(kBigBulkSize * 2 + 7, 'v');
  for (size_t i = 0; i < value.size(); i += 13) value[i] = static_cast<char>('a' + i % 26);
  std::string input = mbulk({"SET", "k", value}) + "PING\r\n";
  Outcome want = commands({{"SET", "k", value}, {"PING"}});
  EXPECT_EQ(feed_whole(input), want);
  for (size_t k = 1; k < input.size(); k += (k < 40 || k + 40 > input.size()) ? 1 : 1009) {
    EXPECT_EQ(feed({std::string_view(input).substr(0, k), std::string_view(input).substr(k)}), want)
        << "split at " << k;
  }
  std::vector<std::string_view> bytes;
  for (size_t i = 0; i < input.size(); i++) bytes.push_back(std::string_view(input).substr(i, 1));
  EXPECT_EQ(feed(bytes, {}, /*move=*/false), want);
}

// --- Protocol errors, with Redis's exact text. ---

TEST(Parser, InvalidMultibulkLength) {
  const char* kErr = "Protocol error: invalid multibulk length";
  for (const char* in : {"*abc\r\n", "*\r\n", "*1x\r\n", "*+1\r\n", "*01\r\n", "*-0\r\n", "* 1\r\n",
                         "*2147483648\r\n", "*9223372036854775808\r\n"}) {
    expect_every_split(in, error_after({}, kErr));
  }
  // Commands before the bad one are still delivered.
  expect_every_split("PING\r\n*x\r\n", error_after({{"PING"}}, kErr));
}

TEST(Parser, IntMaxMultibulkIsAcceptedAndWaitsForMore) {
  RequestParser p;
  size_t consumed = 0;
  ASSERT_EQ(p.parse("*2147483647\r\n$1\r\na\r\n", {}, &consumed),
            RequestParser::Result::kIncomplete);
  EXPECT_EQ(consumed, 0u);
  EXPECT_TRUE(p.in_multibulk());
}

TEST(Parser, InvalidBulkLength) {
  const char* kErr = "Protocol error: invalid bulk length";
  for (const char* in : {"*1\r\n$-1\r\n", "*1\r\n$abc\r\n", "*1\r\n$\r\n", "*1\r\n$01\r\n",
                         "*1\r\n$1 \r\n", "*2\r\n$1\r\na\r\n$99999999999999999999\r\n"}) {
    expect_every_split(in, error_after({}, kErr));
  }
}

TEST(Parser, ExpectedDollar) {
  expect_every_split("*1\r\nx\r\n", error_after({}, "Protocol error: expected '$', got 'x'"));
  expect_every_split("*2\r\n$1\r\na\r\n:1\r\n",
                     error_after({}, "Protocol error: expected '$', got ':'"));
  expect_every_split("*1\r\n\r\n", error_after({}, "Protocol error: expected '$', got '\r'"));
}

TEST(Parser, ProtoMaxBulkLen) {
  ParserLimits limits;
  limits.max_bulk_len = 10;
  expect_every_split("*1\r\n$10\r\n0123456789\r\n", commands({{"0123456789"}}), limits);
  expect_every_split("*1\r\n$11\r\n", error_after({}, "Protocol error: invalid bulk length"),
                     limits);
}

TEST(Parser, UnauthenticatedLimits) {
  ParserLimits limits;
  limits.authenticated = false;
  std::string ten = mbulk(Args(10, "a"));
  expect_every_split(ten, commands({Args(10, "a")}), limits);
  expect_every_split("*11\r\n", error_after({}, "Protocol error: unauthenticated multibulk length"),
                     limits);
  std::string ok_bulk(16384, 'b');
  EXPECT_EQ(feed_whole(mbulk({"AUTH", ok_bulk}), limits), commands({{"AUTH", ok_bulk}}));
  expect_every_split("*1\r\n$16385\r\n",
                     error_after({}, "Protocol error: unauthenticated bulk length"), limits);
  // Authenticated clients are not limited that way.
  EXPECT_EQ(feed_whole("*11\r\n"), commands({}, "*11\r\n"));
  EXPECT_EQ(feed_whole("*1\r\n$16385\r\n"), commands({}, "*1\r\n$16385\r\n"));
}

TEST(Parser, TooBigInlineRequest) {
  std::string at_limit(kMaxInlineSize, 'a');
  EXPECT_EQ(feed_whole(at_limit), commands({}, at_limit));
  Outcome o = feed_whole(at_limit + "b");
  EXPECT_EQ(o.error, "Protocol error: too big inline request");
  EXPECT_TRUE(o.commands.empty());
  // The limit is per line, not per buffer: a long pipeline of short lines is fine.
  std::string many;
  while (many.size() <= kMaxInlineSize) many += "PING\r\n";
  EXPECT_EQ(feed_whole(many).commands.size(), many.size() / 6);
}

TEST(Parser, TooBigCountStrings) {
  std::string mb = "*" + std::string(kMaxInlineSize - 1, '1');
  EXPECT_EQ(feed_whole(mb), commands({}, mb));
  EXPECT_EQ(feed_whole(mb + "1").error, "Protocol error: too big mbulk count string");

  std::string head = "*1\r\n";
  std::string bulk = head + "$" + std::string(kMaxInlineSize - 1, '1');
  EXPECT_EQ(feed_whole(bulk), commands({}, bulk));
  EXPECT_EQ(feed_whole(bulk + "1").error, "Protocol error: too big bulk count string");
}

TEST(Parser, UnbalancedQuotes) {
  const char* kErr = "Protocol error: unbalanced quotes in request";
  for (const char* in : {"SET k \"abc\r\n", "SET k 'abc\n", "SET \"a\"b\r\n", "SET 'a'b\r\n",
                         "ECHO \"abc\\\"\r\n"}) {
    expect_every_split(in, error_after({}, kErr));
  }
}

TEST(Parser, RecoversAfterResetFromError) {
  RequestParser p;
  size_t consumed = 0;
  ASSERT_EQ(p.parse("*1\r\n$x\r\n", {}, &consumed), RequestParser::Result::kError);
  EXPECT_EQ(p.error(), "Protocol error: invalid bulk length");
  EXPECT_FALSE(p.in_multibulk());
  ASSERT_EQ(p.parse("*1\r\n$4\r\nPING\r\n", {}, &consumed), RequestParser::Result::kCommand);
  ASSERT_EQ(p.args().size(), 1u);
  EXPECT_EQ(p.args()[0], "PING");
}

TEST(Parser, ResetDropsPartialState) {
  RequestParser p;
  size_t consumed = 0;
  ASSERT_EQ(p.parse("*2\r\n$3\r\nGET\r\n", {}, &consumed), RequestParser::Result::kIncomplete);
  EXPECT_TRUE(p.in_multibulk());
  p.reset();
  EXPECT_FALSE(p.in_multibulk());
  ASSERT_EQ(p.parse("PING\r\n", {}, &consumed), RequestParser::Result::kCommand);
  EXPECT_EQ(p.args()[0], "PING");
}

// --- split_inline_args (sdssplitargs rules). ---

std::optional<Args> split(std::string_view line) {
  Args out{"stale"};
  if (!split_inline_args(line, &out)) return std::nullopt;
  return out;
}

TEST(SplitInlineArgs, Spaces) {
  EXPECT_EQ(split(""), Args{});
  EXPECT_EQ(split("   \t "), Args{});
  EXPECT_EQ(split("a"), Args{"a"});
  EXPECT_EQ(split("  a  b\tc  "), (Args{"a", "b", "c"}));
}

TEST(SplitInlineArgs, DoubleQuoteEscapes) {
  EXPECT_EQ(split(R"("hello world")"), Args{"hello world"});
  EXPECT_EQ(split(R"("\n\r\t\b\a\\\"")"), Args{"\n\r\t\b\a\\\""});
  EXPECT_EQ(split(R"("\x41\x7a\xff\x00")"), Args{std::string("Az\xff\0", 4)});
  EXPECT_EQ(split(R"("\x4G")"), Args{"x4G"});  // not two hex digits: \x is just x
  EXPECT_EQ(split(R"("\x4")"), Args{"x4"});
  EXPECT_EQ(split(R"("\q")"), Args{"q"});  // unknown escape: the character itself
  EXPECT_EQ(split(R"("a'b")"), Args{"a'b"});
  EXPECT_EQ(split(R"("")"), Args{""});
  EXPECT_EQ(split(R"("a" "b")"), (Args{"a", "b"}));
  EXPECT_EQ(split("\"a\"\t\"b\""), (Args{"a", "b"}));
}

TEST(SplitInlineArgs, SingleQuotes) {
  EXPECT_EQ(split(R"('it\'s')"), Args{"it's"});
  EXPECT_EQ(split(R"('a\nb')"), Args{"a\\nb"});  // no other escapes in single quotes
  EXPECT_EQ(split(R"('a"b')"), Args{"a\"b"});
  EXPECT_EQ(split(R"('' "")"), (Args{"", ""}));
}

TEST(SplitInlineArgs, QuotesInsideAWord) {
  // A quote opens in the middle of a word and the word continues inside it.
  EXPECT_EQ(split(R"(foo"bar baz")"), Args{"foobar baz"});
  EXPECT_EQ(split(R"(foo'bar')"), Args{"foobar"});
}

TEST(SplitInlineArgs, Unbalanced) {
  for (const char* in : {R"("abc)", R"('abc)", R"("abc"def)", R"('abc'def)", R"("abc\")",
                         R"("abc\)", R"('abc\')", R"(a "b)", R"(")", R"(')"}) {
    EXPECT_EQ(split(in), std::nullopt) << in;
  }
}

// --- Garbage never crashes and does not depend on how it was split. ---

TEST(Parser, RandomGarbageIsSplitIndependent) {
  std::mt19937_64 rng(20240611);
  const std::string alphabet = "*$\r\n0123456789-+ \"'\\xabcPING\t";
  for (int iter = 0; iter < 3000; iter++) {
    size_t len = rng() % 120;
    std::string input;
    for (size_t i = 0; i < len; i++) {
      input.push_back(rng() % 4 == 0 ? static_cast<char>(rng())
                                     : alphabet[rng() % alphabet.size()]);
    }
    ParserLimits limits;
    limits.authenticated = rng() % 2;
    limits.max_bulk_len = rng() % 2 ? 8 : 512ll * 1024 * 1024;
    Outcome whole = feed_whole(input, limits);
    // Either a protocol error, or everything up to the leftover tail was parsed.
    EXPECT_LE(whole.leftover.size(), input.size());
    size_t k = input.empty() ? 0 : rng() % input.size();
    std::string_view in(input);
    EXPECT_EQ(feed({in.substr(0, k), in.substr(k)}, limits), whole) << "split at " << k;
    std::vector<std::string_view> bytes;
    for (size_t i = 0; i < in.size(); i++) bytes.push_back(in.substr(i, 1));
    EXPECT_EQ(feed(bytes, limits, /*move=*/false), whole);
  }
}

TEST(Parser, RandomValidPipelinesRoundTrip) {
  std::mt19937_64 rng(7);
  for (int iter = 0; iter < 300; iter++) {
    std::string input;
    std::vector<Args> want;
    int n = 1 + static_cast<int>(rng() % 6);
    for (int c = 0; c < n; c++) {
      Args args;
      int argc = 1 + static_cast<int>(rng() % 4);
      bool as_inline = rng() % 2;
      for (int a = 0; a < argc; a++) {
        std::string s;
        size_t alen = 1 + rng() % 8;
        for (size_t i = 0; i < alen; i++) {
          // Inline words cannot hold spaces or quotes unescaped; bulks take any byte.
          s.push_back(as_inline ? static_cast<char>('a' + rng() % 26) : static_cast<char>(rng()));
        }
        args.push_back(s);
      }
      if (as_inline) {
        for (size_t a = 0; a < args.size(); a++) input += (a ? " " : "") + args[a];
        input += rng() % 2 ? "\r\n" : "\n";
      } else {
        input += mbulk(args);
      }
      want.push_back(args);
    }
    std::string_view in(input);
    size_t k = rng() % input.size();
    EXPECT_EQ(feed({in.substr(0, k), in.substr(k)}), commands(want));
  }
}

}  // namespace
}  // namespace rkv::resp

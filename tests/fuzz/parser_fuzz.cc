// libFuzzer target for RequestParser (and peek_keys, which looks ahead at the same bytes).
//
// The first byte picks the limits and where the input is split; the rest is fed once whole
// and once in two pieces, the way a connection receives it (the caller drops *consumed
// bytes after kCommand and after kIncomplete). Beyond "no crash, no sanitizer report" it
// checks that consumed never exceeds the input, that multibulk arguments point inside the
// bytes given, and that the split does not change what is parsed.
//
//   CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DRKV_FUZZ=ON -DRKV_JEMALLOC=OFF
//   cmake --build build-fuzz --target fuzz_parser
//   build-fuzz/tests/fuzz_parser -max_total_time=300 CORPUS_DIR
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "resp/key_peek.h"
#include "resp/parser.h"

namespace {

using rkv::resp::ParserLimits;
using rkv::resp::RequestParser;

struct Outcome {
  std::vector<std::vector<std::string>> commands;
  std::string error;
  std::string leftover;
  bool operator==(const Outcome&) const = default;
};

[[noreturn]] void fail(const char* what) {
  __builtin_printf("invariant violated: %s\n", what);
  std::abort();
}

Outcome feed(const std::vector<std::string_view>& chunks, const ParserLimits& limits) {
  RequestParser p;
  Outcome out;
  std::string buf;
  for (std::string_view chunk : chunks) {
    buf.append(chunk);
    for (;;) {
      // A fresh heap copy per call: the parser must keep offsets, never pointers, and
      // ASan sees any read past the bytes it was given.
      std::vector<char> copy(buf.begin(), buf.end());
      std::string_view view(copy.data(), copy.size());
      size_t consumed = ~size_t{0};
      auto r = p.parse(view, limits, &consumed);
      if (r == RequestParser::Result::kError) {
        if (p.error().rfind("Protocol error: ", 0) != 0) fail("error text");
        out.error = p.error();
        return out;
      }
      if (consumed > view.size()) fail("consumed > size");
      if (r == RequestParser::Result::kIncomplete) {
        buf.erase(0, consumed);
        break;
      }
      if (consumed == 0) fail("a command of zero bytes");
      if (p.args().empty()) fail("an empty command was returned");
      std::vector<std::string> args;
      for (std::string_view a : p.args()) {
        // Multibulk arguments are views into the consumed bytes, inline ones live in the
        // parser: an argument straddling the end of the command, or the end of the
        // buffer, points at bytes that are not the command's.
        const char* lo = view.data();
        const char* hi = view.data() + view.size();
        bool inside = a.data() >= lo && a.data() + a.size() <= lo + consumed;
        bool outside = a.data() + a.size() <= lo || a.data() >= hi;
        if (!a.empty() && !inside && !outside) fail("an argument overlaps unconsumed bytes");
        args.emplace_back(a);
      }
      out.commands.push_back(std::move(args));
      buf.erase(0, consumed);
    }
  }
  out.leftover = buf;
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t control = data[0];
  std::string_view input(reinterpret_cast<const char*>(data + 1), size - 1);

  // The look-ahead for prefetching: every key it reports lies inside the input (ASan
  // catches reads past it; the heap copy makes sure there is nothing beyond).
  {
    std::vector<char> copy(input.begin(), input.end());
    std::string_view view(copy.data(), copy.size());
    std::string_view keys[16];
    size_t n = rkv::resp::peek_keys(view, keys);
    if (n > 16) fail("peek_keys count");
    for (size_t i = 0; i < n; i++) {
      const char* end = view.data() + view.size();
      if (!keys[i].empty() &&
          (keys[i].data() < view.data() || keys[i].data() + keys[i].size() > end))
        fail("peek_keys key outside the input");
    }
  }

  ParserLimits limits;
  limits.authenticated = !(control & 1);
  if (control & 2) limits.max_bulk_len = 16;

  Outcome whole = feed({input}, limits);
  // 64 split choices: every point of a short input, evenly spread over a long one.
  size_t choice = control >> 2;
  size_t split =
      input.size() <= 64 ? (input.empty() ? 0 : choice % input.size()) : input.size() * choice / 64;
  Outcome parts = feed({input.substr(0, split), input.substr(split)}, limits);
  if (!(whole == parts)) fail("the split changed the result");
  return 0;
}

// The cursor argument of SCAN and the per-type SCANs (SSCAN, HSCAN, ZSCAN), and the
// MATCH/COUNT options of the per-type ones, read as Redis reads them.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "commands/typed_lookup.h"
#include "server/command.h"
#include "server/errors.h"
#include "util/glob.h"
#include "util/numbers.h"
#include "util/strings.h"

namespace rkv::server {

inline constexpr std::string_view kInvalidCursor = "ERR invalid cursor";

// The cursor as Redis reads it (strtoul, base 10): an optional sign, digits up to the first
// NUL; no leading space, no trailing junk, no overflow. "" and "-1" are accepted.
inline std::optional<uint64_t> parse_scan_cursor(std::string_view s) {
  s = s.substr(0, s.find('\0'));
  if (s.empty()) return 0;
  size_t i = 0;
  bool negative = false;
  if (s[0] == '+' || s[0] == '-') {
    negative = s[0] == '-';
    i = 1;
  }
  if (i == s.size()) return std::nullopt;
  uint64_t v = 0;
  for (; i < s.size(); i++) {
    if (s[i] < '0' || s[i] > '9') return std::nullopt;
    auto digit = static_cast<uint64_t>(s[i] - '0');
    if (v > (UINT64_MAX - digit) / 10) return std::nullopt;
    v = v * 10 + digit;
  }
  return negative ? 0 - v : v;
}

// MATCH and COUNT of SCAN, HSCAN, SSCAN and ZSCAN (TYPE is SCAN's alone).
struct ElementScanOptions {
  size_t count = 10;
  std::string_view pattern;
  bool use_pattern = false;  // false for no MATCH and for MATCH *
  bool keep(std::string_view element) const { return !use_pattern || glob_match(pattern, element); }
};

enum class ScanOption { kTaken, kOther, kError };

// MATCH or COUNT at argv[i], its value at argv[i + 1], into opt; kOther for anything else
// (for the caller's own options, or its syntax error); kError after replying.
inline ScanOption take_match_or_count(CommandContext& ctx, size_t i, ElementScanOptions* opt) {
  if (i + 1 >= ctx.argc()) return ScanOption::kOther;
  std::string_view name = ctx.arg(i);
  if (iequals(name, "count")) {
    auto n = parse_int64(ctx.arg(i + 1));
    if (!n) {
      ctx.reply.error(err::kNotInteger);
      return ScanOption::kError;
    }
    if (*n < 1) {
      ctx.reply.error(err::kSyntax);
      return ScanOption::kError;
    }
    opt->count = static_cast<size_t>(*n);
    return ScanOption::kTaken;
  }
  if (iequals(name, "match")) {
    opt->pattern = ctx.arg(i + 1);
    opt->use_pattern = opt->pattern != "*";
    return ScanOption::kTaken;
  }
  return ScanOption::kOther;
}

// Parses argv[first..]; false after replying with the error.
inline bool parse_element_scan_options(CommandContext& ctx, size_t first, ElementScanOptions* opt) {
  for (size_t i = first; i < ctx.argc(); i += 2) {
    ScanOption r = take_match_or_count(ctx, i, opt);
    if (r == ScanOption::kError) return false;
    if (r == ScanOption::kOther) {
      ctx.reply.error(err::kSyntax);
      return false;
    }
  }
  return true;
}

// The start HSCAN, SSCAN and ZSCAN share, in Redis's order: the cursor, then the key
// (WRONGTYPE; a missing key answers an empty scan before the options are read), then
// MATCH/COUNT. False when the reply is already written; otherwise *e is the value.
inline bool begin_element_scan(CommandContext& ctx, store::ObjType type, uint64_t* cursor,
                               store::Entry** e, ElementScanOptions* opt) {
  auto c = parse_scan_cursor(ctx.arg(2));
  if (!c) {
    ctx.reply.error(kInvalidCursor);
    return false;
  }
  *cursor = *c;
  if (!lookup_read_typed(ctx, ctx.arg(1), type, e)) return false;
  if (!*e) {
    ctx.reply.array(2);
    ctx.reply.bulk("0");
    ctx.reply.array(0);
    return false;
  }
  return parse_element_scan_options(ctx, 3, opt);
}

}  // namespace rkv::server

// The cursor argument of SCAN and the per-type SCANs (SSCAN, HSCAN, ZSCAN).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace rkv::server {

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

}  // namespace rkv::server

#include "util/numbers.h"

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace rkv {

std::optional<uint64_t> parse_uint64(std::string_view s) {
  if (s.empty() || s.size() > 20) return std::nullopt;
  if (s.size() == 1 && s[0] == '0') return 0;
  if (s[0] < '1' || s[0] > '9') return std::nullopt;
  uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    uint64_t d = static_cast<uint64_t>(c - '0');
    if (v > (UINT64_MAX - d) / 10) return std::nullopt;
    v = v * 10 + d;
  }
  return v;
}

std::optional<int64_t> parse_int64(std::string_view s) {
  if (s.empty() || s.size() > 20) return std::nullopt;
  bool negative = s[0] == '-';
  if (negative) s.remove_prefix(1);
  auto u = parse_uint64(s);
  if (!u) return std::nullopt;
  if (negative) {
    if (*u == 0) return std::nullopt;  // "-0" is not an integer to Redis
    if (*u > static_cast<uint64_t>(INT64_MAX) + 1) return std::nullopt;
    return static_cast<int64_t>(0 - *u);
  }
  if (*u > static_cast<uint64_t>(INT64_MAX)) return std::nullopt;
  return static_cast<int64_t>(*u);
}

namespace {
constexpr size_t kMaxLongDoubleChars = 5 * 1024;  // Redis's MAX_LONG_DOUBLE_CHARS

// max_len follows Redis: string2ld takes up to MAX_LONG_DOUBLE_CHARS - 1 bytes, while
// doubles (string2d) have no limit, so "1.000...0" with 300 zeros is a valid score.
template <typename T, typename Fn>
std::optional<T> parse_floating(std::string_view s, size_t max_len, Fn strto) {
  if (s.empty() || s.size() > max_len) return std::nullopt;
  if (std::isspace(static_cast<unsigned char>(s[0]))) return std::nullopt;
  // strto* needs a terminator; nearly every number fits the stack buffer.
  char stack_buf[256];
  std::string heap_buf;
  char* buf = stack_buf;
  if (s.size() >= sizeof(stack_buf)) {
    heap_buf.assign(s);
    buf = heap_buf.data();
  } else {
    std::memcpy(buf, s.data(), s.size());
    buf[s.size()] = '\0';
  }
  char* end = nullptr;
  errno = 0;
  T v = strto(buf, &end);
  if (end != buf + s.size()) return std::nullopt;
  if (errno == ERANGE && (v == HUGE_VAL || v == -HUGE_VAL || std::fpclassify(v) == FP_ZERO))
    return std::nullopt;
  if (std::isnan(v)) return std::nullopt;
  return v;
}
}  // namespace

std::optional<double> parse_double(std::string_view s) {
  return parse_floating<double>(s, SIZE_MAX,
                                [](const char* b, char** e) { return std::strtod(b, e); });
}

std::optional<long double> parse_long_double(std::string_view s) {
  return parse_floating<long double>(s, kMaxLongDoubleChars - 1,
                                     [](const char* b, char** e) { return std::strtold(b, e); });
}

size_t format_int64(int64_t v, char* buf) {
  char tmp[kMaxInt64Chars];
  uint64_t u = v < 0 ? 0 - static_cast<uint64_t>(v) : static_cast<uint64_t>(v);
  size_t n = 0;
  do {
    tmp[n++] = static_cast<char>('0' + u % 10);
    u /= 10;
  } while (u);
  size_t len = 0;
  if (v < 0) buf[len++] = '-';
  while (n) buf[len++] = tmp[--n];
  buf[len] = '\0';
  return len;
}

std::string int64_to_string(int64_t v) {
  char buf[kMaxInt64Chars];
  return std::string(buf, format_int64(v, buf));
}

size_t format_double(double v, char* buf, size_t cap) {
  if (std::isinf(v)) {
    const char* s = v > 0 ? "inf" : "-inf";
    size_t n = std::strlen(s);
    std::memcpy(buf, s, n + 1);
    return n;
  }
  int n = std::snprintf(buf, cap, "%.17g", v);
  return n < 0 ? 0 : static_cast<size_t>(n);
}

std::string format_long_double_human(long double v) {
  char buf[5600];
  int n = std::snprintf(buf, sizeof(buf), "%.17Lf", v);
  if (n <= 0 || static_cast<size_t>(n) >= sizeof(buf)) return "0";
  std::string s(buf, static_cast<size_t>(n));
  if (s.find('.') != std::string::npos) {
    while (!s.empty() && s.back() == '0') s.pop_back();
    if (!s.empty() && s.back() == '.') s.pop_back();
  }
  if (s == "-0") s = "0";
  return s;
}

}  // namespace rkv

// Number <-> text conversions with Redis's exact acceptance rules.
//
// Redis is strict: no leading/trailing spaces, no '+', no leading zeros for integers,
// and NaN is never a valid float. These functions are the single place where the
// server decides what "an integer" or "a float" is, so every command agrees.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace rkv {

// Longest text of an int64 ("-9223372036854775808") plus a terminator.
inline constexpr size_t kMaxInt64Chars = 21;

std::optional<int64_t> parse_int64(std::string_view s);
std::optional<uint64_t> parse_uint64(std::string_view s);
// strtod semantics (accepts "inf", "-inf", exponents), rejects NaN, spaces and trailing junk.
std::optional<double> parse_double(std::string_view s);
std::optional<long double> parse_long_double(std::string_view s);

// Writes the decimal form of v into buf (at least kMaxInt64Chars); returns the length.
size_t format_int64(int64_t v, char* buf);
std::string int64_to_string(int64_t v);
// "%.17g" with "inf"/"-inf", as Redis 7.0 replies doubles.
size_t format_double(double v, char* buf, size_t cap);
// Human form for INCRBYFLOAT: fixed notation, no trailing zeros, no exponent.
std::string format_long_double_human(long double v);

}  // namespace rkv

#include "resp/key_peek.h"

#include <cstdint>

namespace rkv::resp {
namespace {

// Reads "<type><digits>\r\n" at *pos; false on anything else (signs, long numbers, junk).
bool read_length(std::string_view data, size_t* pos, char type, uint64_t* out) {
  size_t p = *pos;
  if (p >= data.size() || data[p] != type) return false;
  uint64_t v = 0;
  size_t digits = 0;
  for (p++; p < data.size() && data[p] >= '0' && data[p] <= '9'; p++) {
    if (++digits > 12) return false;
    v = v * 10 + static_cast<uint64_t>(data[p] - '0');
  }
  if (digits == 0 || data.size() - p < 2 || data[p] != '\r' || data[p + 1] != '\n') return false;
  *pos = p + 2;
  *out = v;
  return true;
}

}  // namespace

size_t peek_keys(std::string_view data, std::span<std::string_view> out) {
  size_t pos = 0, found = 0;
  while (found < out.size()) {
    uint64_t argc = 0;
    if (!read_length(data, &pos, '*', &argc) || argc == 0) break;
    std::string_view key;
    uint64_t arg = 0;
    for (; arg < argc; arg++) {
      uint64_t len = 0;
      if (!read_length(data, &pos, '$', &len) || data.size() - pos < len + 2) break;
      if (arg == 1) key = data.substr(pos, len);
      pos += len + 2;
    }
    if (arg < argc) break;
    out[found++] = key;
  }
  return found;
}

}  // namespace rkv::resp

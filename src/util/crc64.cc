#include "util/crc64.h"

#include <array>

namespace rkv {
namespace {

// One table of 256 entries, bytewise: payloads are small (a DUMP), speed is not the point.
constexpr std::array<uint64_t, 256> make_table() {
  constexpr uint64_t kReflectedPoly = 0x95ac9329ac4bc9b5ULL;  // 0xad93d23594c935a9 reversed
  std::array<uint64_t, 256> t{};
  for (uint64_t i = 0; i < 256; i++) {
    uint64_t c = i;
    for (int bit = 0; bit < 8; bit++) c = (c & 1) ? (c >> 1) ^ kReflectedPoly : c >> 1;
    t[i] = c;
  }
  return t;
}

constexpr std::array<uint64_t, 256> kTable = make_table();

}  // namespace

uint64_t crc64(uint64_t crc, std::string_view data) {
  for (unsigned char b : data) crc = kTable[(crc ^ b) & 0xff] ^ (crc >> 8);
  return crc;
}

}  // namespace rkv

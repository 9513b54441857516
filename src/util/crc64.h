// CRC-64/Jones as Redis computes it (crc64.c): reflected polynomial 0xad93d23594c935a9,
// initial value 0, no final xor. It closes DUMP and FUNCTION DUMP payloads.
// Check value: crc64(0, "123456789") = 0xe9c6d914c4b8d9ca.
#pragma once

#include <cstdint>
#include <string_view>

namespace rkv {

uint64_t crc64(uint64_t crc, std::string_view data);

}  // namespace rkv

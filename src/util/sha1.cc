#include "util/sha1.h"

#include <algorithm>
#include <cstring>

namespace rkv {
namespace {

constexpr uint32_t rol(uint32_t v, int n) {
  return (v << n) | (v >> (32 - n));
}

}  // namespace

Sha1::Sha1() : h_{0x67452301u, 0xEFCDAB89u, 0x98BADCFEu, 0x10325476u, 0xC3D2E1F0u}, buf_{} {}

void Sha1::block(const uint8_t* p) {
  uint32_t w[80];
  for (int i = 0; i < 16; i++)
    w[i] = static_cast<uint32_t>(p[4 * i]) << 24 | static_cast<uint32_t>(p[4 * i + 1]) << 16 |
           static_cast<uint32_t>(p[4 * i + 2]) << 8 | p[4 * i + 3];
  for (int i = 16; i < 80; i++) w[i] = rol(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
  uint32_t a = h_[0], b = h_[1], c = h_[2], d = h_[3], e = h_[4];
  for (int i = 0; i < 80; i++) {
    uint32_t f, k;
    if (i < 20) {
      f = (b & c) | (~b & d);
      k = 0x5A827999u;
    } else if (i < 40) {
      f = b ^ c ^ d;
      k = 0x6ED9EBA1u;
    } else if (i < 60) {
      f = (b & c) | (b & d) | (c & d);
      k = 0x8F1BBCDCu;
    } else {
      f = b ^ c ^ d;
      k = 0xCA62C1D6u;
    }
    uint32_t t = rol(a, 5) + f + e + k + w[i];
    e = d;
    d = c;
    c = rol(b, 30);
    b = a;
    a = t;
  }
  h_[0] += a;
  h_[1] += b;
  h_[2] += c;
  h_[3] += d;
  h_[4] += e;
}

void Sha1::update(const void* data, size_t len) {
  const auto* p = static_cast<const uint8_t*>(data);
  total_ += len;
  while (len > 0) {
    size_t n = std::min(len, sizeof(buf_) - buf_len_);
    std::memcpy(buf_ + buf_len_, p, n);
    buf_len_ += n;
    p += n;
    len -= n;
    if (buf_len_ == sizeof(buf_)) {
      block(buf_);
      buf_len_ = 0;
    }
  }
}

Sha1::Digest Sha1::finish() {
  uint64_t bits = total_ * 8;
  static constexpr uint8_t kPad[64] = {0x80};
  // Pad to 56 mod 64, leaving room for the 8-byte big-endian bit count.
  size_t pad = buf_len_ < 56 ? 56 - buf_len_ : 120 - buf_len_;
  update(kPad, pad);
  uint8_t len_be[8];
  for (int i = 0; i < 8; i++) len_be[i] = static_cast<uint8_t>(bits >> (56 - 8 * i));
  update(len_be, 8);
  Digest out;
  for (int i = 0; i < 5; i++)
    for (int j = 0; j < 4; j++)
      out[static_cast<size_t>(4 * i + j)] = static_cast<uint8_t>(h_[i] >> (24 - 8 * j));
  return out;
}

Sha1::Digest Sha1::of(std::string_view s) {
  Sha1 h;
  h.update(s);
  return h.finish();
}

std::string Sha1::hex(const Digest& d) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(40);
  for (uint8_t b : d) {
    out += kHex[b >> 4];
    out += kHex[b & 15];
  }
  return out;
}

}  // namespace rkv

// SHA-1 (FIPS 180-4), used for DEBUG DIGEST fingerprints. Not for security.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace rkv {

class Sha1 {
 public:
  using Digest = std::array<uint8_t, 20>;

  Sha1();
  void update(const void* data, size_t len);
  void update(std::string_view s) { update(s.data(), s.size()); }
  // Pads and returns the digest; the object must not be updated afterwards.
  Digest finish();

  static Digest of(std::string_view s);
  static std::string hex(const Digest& d);

 private:
  void block(const uint8_t* p);

  uint32_t h_[5];
  uint8_t buf_[64];
  size_t buf_len_ = 0;
  uint64_t total_ = 0;
};

}  // namespace rkv

// ReplyBuffer: pending output of one client, a chain of blocks written with writev.
//
// Small replies are appended into the tail block (16 KiB); a large bulk gets a block of
// its own sized exactly, so a 100 MB GET costs one allocation and one copy. Deferred
// lengths (replies whose element count is known only at the end, e.g. KEYS) reserve a
// header block that is filled in later. Not thread-safe; one owner at a time.
#pragma once

#include <sys/uio.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

namespace rkv::resp {

class ReplyBuffer {
 public:
  static constexpr size_t kBlockSize = 16 * 1024;

  void append(std::string_view s);
  void append(const char* p, size_t n) { append(std::string_view(p, n)); }
  // Returns space for at least n bytes at the tail; commit() how many were written.
  char* reserve(size_t n);
  void commit(size_t n) {
    blocks_.back().used += n;
    bytes_ += n;
  }

  // Opens a placeholder for a header written later with fill_deferred().
  size_t begin_deferred();
  void fill_deferred(size_t handle, std::string_view header);

  size_t bytes() const { return bytes_; }  // pending, not yet written
  bool empty() const { return bytes_ == 0; }
  // Fills up to max iovecs from the unsent data; returns the count.
  int gather(iovec* out, int max) const;
  // Marks n bytes as sent; releases drained blocks but keeps one for reuse.
  void consume(size_t n);
  // Frees everything (e.g. idle client).
  void release();
  size_t allocated() const;

 private:
  struct Block {
    std::unique_ptr<char[]> data;
    size_t cap = 0;
    size_t used = 0;
  };
  void add_block(size_t cap);

  std::vector<Block> blocks_;
  size_t head_ = 0;  // first block with unsent bytes
  size_t sent_ = 0;  // bytes of blocks_[head_] already written
  size_t bytes_ = 0;
};

}  // namespace rkv::resp

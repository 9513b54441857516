#include "resp/reply_buffer.h"

#include <algorithm>
#include <cstring>

namespace rkv::resp {

void ReplyBuffer::add_block(size_t cap) {
  Block b;
  b.data = std::make_unique_for_overwrite<char[]>(cap);
  b.cap = cap;
  blocks_.push_back(std::move(b));
}

char* ReplyBuffer::reserve(size_t n) {
  if (blocks_.empty() || blocks_.back().cap - blocks_.back().used < n) {
    add_block(std::max(n, kBlockSize));
  }
  Block& b = blocks_.back();
  return b.data.get() + b.used;
}

void ReplyBuffer::append(std::string_view s) {
  if (s.empty()) return;
  if (!blocks_.empty()) {
    Block& b = blocks_.back();
    size_t room = b.cap - b.used;
    if (room >= s.size()) {
      std::memcpy(b.data.get() + b.used, s.data(), s.size());
      b.used += s.size();
      bytes_ += s.size();
      return;
    }
    if (s.size() < kBlockSize && room > 0) {
      // Fill the tail, put the rest in a new block: blocks stay dense.
      std::memcpy(b.data.get() + b.used, s.data(), room);
      b.used += room;
      bytes_ += room;
      s.remove_prefix(room);
    }
  }
  add_block(std::max(s.size(), kBlockSize));
  Block& nb = blocks_.back();
  std::memcpy(nb.data.get(), s.data(), s.size());
  nb.used = s.size();
  bytes_ += s.size();
}

size_t ReplyBuffer::begin_deferred() {
  // An empty block marks the place; fill_deferred gives it the header bytes.
  blocks_.push_back(Block{});
  size_t handle = blocks_.size() - 1;
  add_block(kBlockSize);
  return handle;
}

void ReplyBuffer::fill_deferred(size_t handle, std::string_view header) {
  Block& b = blocks_[handle];
  b.data = std::make_unique_for_overwrite<char[]>(header.size());
  std::memcpy(b.data.get(), header.data(), header.size());
  b.cap = b.used = header.size();
  bytes_ += header.size();
}

int ReplyBuffer::gather(iovec* out, int max) const {
  int n = 0;
  for (size_t i = head_; i < blocks_.size() && n < max; i++) {
    const Block& b = blocks_[i];
    size_t off = i == head_ ? sent_ : 0;
    if (b.used <= off) continue;
    out[n].iov_base = b.data.get() + off;
    out[n].iov_len = b.used - off;
    n++;
  }
  return n;
}

void ReplyBuffer::consume(size_t n) {
  bytes_ -= n;
  while (n > 0 && head_ < blocks_.size()) {
    Block& b = blocks_[head_];
    size_t avail = b.used - sent_;
    if (n < avail) {
      sent_ += n;
      return;
    }
    n -= avail;
    head_++;
    sent_ = 0;
  }
  // Skip over blocks that hold nothing (drained or empty placeholders).
  while (head_ < blocks_.size() && blocks_[head_].used == sent_ && head_ + 1 < blocks_.size()) {
    head_++;
    sent_ = 0;
  }
  if (bytes_ == 0) {
    // Everything written: keep one standard block for the next reply, drop the rest.
    Block keep;
    for (Block& b : blocks_) {
      if (b.cap == kBlockSize) {
        keep = std::move(b);
        break;
      }
    }
    blocks_.clear();
    if (keep.data) {
      keep.used = 0;
      blocks_.push_back(std::move(keep));
    }
    head_ = sent_ = 0;
  } else if (head_ >= 64) {
    // A client that never fully drains must not keep every block it ever wrote.
    blocks_.erase(blocks_.begin(), blocks_.begin() + static_cast<ptrdiff_t>(head_));
    head_ = 0;
  }
}

void ReplyBuffer::release() {
  blocks_.clear();
  blocks_.shrink_to_fit();
  head_ = sent_ = bytes_ = 0;
}

size_t ReplyBuffer::allocated() const {
  size_t total = 0;
  for (const Block& b : blocks_) total += b.cap;
  return total;
}

}  // namespace rkv::resp

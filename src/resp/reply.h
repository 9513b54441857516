// Reply: typed RESP2/RESP3 writer over a ReplyBuffer.
//
// Command handlers speak in types (map, set, double, null...) and the writer picks the
// encoding for the client's protocol: RESP3 gets its own type bytes, RESP2 the
// traditional fallbacks (map -> flat array, double -> bulk string, null -> $-1 or *-1,
// boolean -> integer, push -> array).
#pragma once

#include <cstdint>
#include <string_view>

#include "resp/reply_buffer.h"

namespace rkv::resp {

class Reply {
 public:
  Reply(ReplyBuffer& buf, int proto) : buf_(&buf), proto_(proto) {}

  int proto() const { return proto_; }
  void set_proto(int proto) { proto_ = proto; }
  ReplyBuffer& buffer() { return *buf_; }

  void ok() { buf_->append("+OK\r\n"); }
  void simple(std::string_view s);
  // msg is the full error line without '-', e.g. "ERR syntax error" or "WRONGTYPE ...".
  void error(std::string_view msg);
  void integer(int64_t v);
  void bulk(std::string_view s);
  void bulk_int(int64_t v);  // an integer as a bulk string ("$2\r\n42\r\n")
  void null();               // missing value: $-1 (RESP2) / _ (RESP3)
  void null_array();         // missing aggregate: *-1 (RESP2) / _ (RESP3)
  void array(size_t n);
  void map(size_t n);
  void set(size_t n);
  void push(size_t n);
  void attribute(size_t n);  // RESP3 only; RESP2 callers must not use it
  void dbl(double v);
  void boolean(bool v);
  void verbatim(std::string_view s, std::string_view format = "txt");
  void big_number(std::string_view digits);
  void raw(std::string_view bytes) { buf_->append(bytes); }

  // Errors written so far, and the code of the last one ("ERR", "WRONGTYPE"), so the
  // server can keep Redis's error statistics without handlers having to report them.
  uint64_t error_count() const { return errors_; }
  std::string_view last_error_code() const { return {last_code_, last_code_len_}; }

  // Aggregates whose length is known only at the end.
  enum class Aggregate { kArray, kMap, kSet };
  size_t begin_deferred() { return buf_->begin_deferred(); }
  void end_deferred(size_t handle, Aggregate kind, size_t n);

 private:
  void header(char type, int64_t n);

  ReplyBuffer* buf_;
  int proto_;
  uint64_t errors_ = 0;
  char last_code_[32] = {};
  size_t last_code_len_ = 0;
};

}  // namespace rkv::resp

#include "resp/reply.h"

#include <algorithm>
#include <cstring>

#include "util/numbers.h"

namespace rkv::resp {

namespace {
constexpr size_t kMaxHeaderChars = kMaxInt64Chars + 3;

// "<type><n>\r\n" into p (at least kMaxHeaderChars); returns the length.
size_t format_header(char* p, char type, int64_t n) {
  p[0] = type;
  size_t len = 1 + format_int64(n, p + 1);
  p[len++] = '\r';
  p[len++] = '\n';
  return len;
}
}  // namespace

void Reply::header(char type, int64_t n) {
  buf_->commit(format_header(buf_->reserve(kMaxHeaderChars), type, n));
}

void Reply::simple(std::string_view s) {
  char* p = buf_->reserve(s.size() + 3);
  p[0] = '+';
  std::memcpy(p + 1, s.data(), s.size());
  p[s.size() + 1] = '\r';
  p[s.size() + 2] = '\n';
  buf_->commit(s.size() + 3);
}

void Reply::error(std::string_view msg) {
  errors_++;
  // As Redis's afterErrorReply: the code is the first word if a space comes within the
  // first 32 bytes of the "-..." line, else "ERR". (min(find, 32) never yields npos, so
  // it must not be used to detect "no space": that read 32 bytes past short messages.)
  size_t space = msg.substr(0, sizeof(last_code_) - 1).find(' ');
  if (space == std::string_view::npos) {
    std::memcpy(last_code_, "ERR", 3);
    last_code_len_ = 3;
  } else {
    std::memcpy(last_code_, msg.data(), space);
    last_code_len_ = space;
  }
  // An error must stay one line: Redis replaces newlines with spaces.
  char* p = buf_->reserve(msg.size() + 3);
  p[0] = '-';
  for (size_t i = 0; i < msg.size(); i++) {
    char c = msg[i];
    p[i + 1] = (c == '\r' || c == '\n') ? ' ' : c;
  }
  p[msg.size() + 1] = '\r';
  p[msg.size() + 2] = '\n';
  buf_->commit(msg.size() + 3);
}

void Reply::integer(int64_t v) {
  header(':', v);
}

void Reply::bulk(std::string_view s) {
  if (s.size() >= ReplyBuffer::kBlockSize) {
    header('$', static_cast<int64_t>(s.size()));
    buf_->append(s);
    buf_->append("\r\n");
    return;
  }
  char* p = buf_->reserve(s.size() + kMaxInt64Chars + 5);
  p[0] = '$';
  size_t len = 1 + format_int64(static_cast<int64_t>(s.size()), p + 1);
  p[len++] = '\r';
  p[len++] = '\n';
  std::memcpy(p + len, s.data(), s.size());
  len += s.size();
  p[len++] = '\r';
  p[len++] = '\n';
  buf_->commit(len);
}

void Reply::bulk_int(int64_t v) {
  char digits[kMaxInt64Chars];
  bulk(std::string_view(digits, format_int64(v, digits)));
}

void Reply::null() {
  buf_->append(proto_ >= 3 ? std::string_view("_\r\n") : "$-1\r\n");
}
void Reply::null_array() {
  buf_->append(proto_ >= 3 ? std::string_view("_\r\n") : "*-1\r\n");
}
void Reply::array(size_t n) {
  header('*', static_cast<int64_t>(n));
}
void Reply::map(size_t n) {
  if (proto_ >= 3)
    header('%', static_cast<int64_t>(n));
  else
    header('*', static_cast<int64_t>(n * 2));
}
void Reply::set(size_t n) {
  header(proto_ >= 3 ? '~' : '*', static_cast<int64_t>(n));
}
void Reply::push(size_t n) {
  header(proto_ >= 3 ? '>' : '*', static_cast<int64_t>(n));
}
void Reply::attribute(size_t n) {
  header('|', static_cast<int64_t>(n));
}

void Reply::dbl(double v) {
  char num[64];
  size_t n = format_double(v, num, sizeof(num));
  if (proto_ >= 3) {
    buf_->append(",");
    buf_->append(num, n);
    buf_->append("\r\n");
  } else {
    bulk(std::string_view(num, n));
  }
}

void Reply::boolean(bool v) {
  if (proto_ >= 3)
    buf_->append(v ? std::string_view("#t\r\n") : "#f\r\n");
  else
    buf_->append(v ? std::string_view(":1\r\n") : ":0\r\n");
}

void Reply::verbatim(std::string_view s, std::string_view format) {
  if (proto_ < 3) {
    bulk(s);
    return;
  }
  header('=', static_cast<int64_t>(s.size() + format.size() + 1));
  buf_->append(format);
  buf_->append(":");
  buf_->append(s);
  buf_->append("\r\n");
}

void Reply::big_number(std::string_view digits) {
  if (proto_ < 3) {
    bulk(digits);
    return;
  }
  buf_->append("(");
  buf_->append(digits);
  buf_->append("\r\n");
}

void Reply::end_deferred(size_t handle, Aggregate kind, size_t n) {
  char tmp[kMaxHeaderChars];
  char type = '*';
  int64_t count = static_cast<int64_t>(n);
  if (kind == Aggregate::kMap) {
    if (proto_ >= 3)
      type = '%';
    else
      count *= 2;
  } else if (kind == Aggregate::kSet && proto_ >= 3) {
    type = '~';
  }
  buf_->fill_deferred(handle, std::string_view(tmp, format_header(tmp, type, count)));
}

}  // namespace rkv::resp

#include "resp/parser.h"

#include <cctype>
#include <climits>
#include <cstring>

#include "util/numbers.h"

namespace rkv::resp {
namespace {

// Bulk and multibulk lengths are almost always short, positive and well-formed: parse
// those inline and leave every odd case (signs, overflow, junk) to the strict parser.
std::optional<int64_t> parse_length(std::string_view s) {
  if (!s.empty() && s.size() <= 9 && s[0] >= '1' && s[0] <= '9') {
    int64_t v = 0;
    for (char c : s) {
      if (c < '0' || c > '9') return std::nullopt;
      v = v * 10 + (c - '0');
    }
    return v;
  }
  return parse_int64(s);
}

}  // namespace

void RequestParser::reset() {
  expected_args_ = 0;
  bulk_len_ = -1;
  scan_ = 0;
  spans_.clear();
}

RequestParser::Result RequestParser::fail(std::string msg) {
  error_ = std::move(msg);
  reset();
  return Result::kError;
}

size_t RequestParser::pending_bulk_bytes(size_t have) const {
  if (bulk_len_ < 0) return 0;
  size_t want = scan_ + static_cast<size_t>(bulk_len_) + 2;
  return want > have ? want - have : 0;
}

RequestParser::Result RequestParser::parse(std::string_view data, const ParserLimits& limits,
                                           size_t* consumed) {
  size_t skipped = 0;
  for (;;) {
    std::string_view rest = data.substr(skipped);
    if (rest.empty()) {
      *consumed = skipped;
      return Result::kIncomplete;
    }
    size_t used = 0;
    Result r = (rest[0] == '*' || expected_args_ > 0) ? parse_multibulk(rest, limits, &used)
                                                      : parse_inline(rest, &used);
    if (r != Result::kCommand) {
      *consumed = skipped;
      return r;
    }
    skipped += used;
    if (!args_.empty()) {
      *consumed = skipped;
      return r;
    }
    // An empty command: keep going so the caller sees either a command or "need more".
  }
}

RequestParser::Result RequestParser::parse_multibulk(std::string_view data,
                                                     const ParserLimits& limits, size_t* consumed) {
  if (expected_args_ == 0) {
    size_t cr = data.find('\r');
    if (cr == std::string_view::npos || cr + 1 >= data.size()) {
      if (data.size() > kMaxInlineSize) return fail("Protocol error: too big mbulk count string");
      return Result::kIncomplete;
    }
    auto n = parse_length(data.substr(1, cr - 1));
    if (!n || *n > INT_MAX) return fail("Protocol error: invalid multibulk length");
    if (!limits.authenticated && *n > 10)
      return fail("Protocol error: unauthenticated multibulk length");
    scan_ = cr + 2;
    if (*n <= 0) {  // "*0" and "*-1" are empty commands
      args_.clear();
      *consumed = scan_;
      reset();
      return Result::kCommand;
    }
    expected_args_ = *n;
    spans_.clear();
    spans_.reserve(static_cast<size_t>(std::min<int64_t>(*n, 1024)));
  }

  while (static_cast<int64_t>(spans_.size()) < expected_args_) {
    if (bulk_len_ < 0) {
      size_t cr = data.find('\r', scan_);
      if (cr == std::string_view::npos || cr + 1 >= data.size()) {
        if (data.size() - scan_ > kMaxInlineSize)
          return fail("Protocol error: too big bulk count string");
        return Result::kIncomplete;
      }
      if (data[scan_] != '$')
        return fail(std::string("Protocol error: expected '$', got '") + data[scan_] + "'");
      auto len = parse_length(data.substr(scan_ + 1, cr - scan_ - 1));
      if (!len || *len < 0 || *len > limits.max_bulk_len)
        return fail("Protocol error: invalid bulk length");
      if (!limits.authenticated && *len > 16384)
        return fail("Protocol error: unauthenticated bulk length");
      bulk_len_ = *len;
      scan_ = cr + 2;
    }
    size_t need = static_cast<size_t>(bulk_len_) + 2;
    if (data.size() - scan_ < need) return Result::kIncomplete;
    // Like Redis, the two bytes after the body are skipped without being checked.
    spans_.emplace_back(scan_, static_cast<size_t>(bulk_len_));
    scan_ += need;
    bulk_len_ = -1;
  }

  args_.clear();
  for (auto [off, len] : spans_) args_.emplace_back(data.data() + off, len);
  *consumed = scan_;
  reset();
  return Result::kCommand;
}

RequestParser::Result RequestParser::parse_inline(std::string_view data, size_t* consumed) {
  size_t nl = data.find('\n');
  if (nl == std::string_view::npos) {
    if (data.size() > kMaxInlineSize) return fail("Protocol error: too big inline request");
    return Result::kIncomplete;
  }
  std::string_view line = data.substr(0, nl);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (!split_inline_args(line, &inline_args_))
    return fail("Protocol error: unbalanced quotes in request");
  args_.clear();
  for (const std::string& a : inline_args_) args_.emplace_back(a);
  *consumed = nl + 1;
  return Result::kCommand;
}

namespace {
int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}
}  // namespace

bool split_inline_args(std::string_view line, std::vector<std::string>* out) {
  out->clear();
  size_t i = 0, n = line.size();
  for (;;) {
    while (i < n && std::isspace(static_cast<unsigned char>(line[i]))) i++;
    if (i >= n) return true;
    std::string cur;
    bool in_dq = false, in_sq = false, done = false;
    while (!done) {
      if (in_dq) {
        if (i >= n) return false;
        if (line[i] == '\\' && i + 3 < n && line[i + 1] == 'x' && hex_digit(line[i + 2]) >= 0 &&
            hex_digit(line[i + 3]) >= 0) {
          cur.push_back(static_cast<char>(hex_digit(line[i + 2]) * 16 + hex_digit(line[i + 3])));
          i += 3;
        } else if (line[i] == '\\' && i + 1 < n) {
          i++;
          char c = line[i];
          switch (c) {
            case 'n':
              c = '\n';
              break;
            case 'r':
              c = '\r';
              break;
            case 't':
              c = '\t';
              break;
            case 'b':
              c = '\b';
              break;
            case 'a':
              c = '\a';
              break;
            default:
              break;
          }
          cur.push_back(c);
        } else if (line[i] == '"') {
          // The closing quote must be followed by a space or nothing.
          if (i + 1 < n && !std::isspace(static_cast<unsigned char>(line[i + 1]))) return false;
          done = true;
        } else {
          cur.push_back(line[i]);
        }
      } else if (in_sq) {
        if (i >= n) return false;
        if (line[i] == '\\' && i + 1 < n && line[i + 1] == '\'') {
          i++;
          cur.push_back('\'');
        } else if (line[i] == '\'') {
          if (i + 1 < n && !std::isspace(static_cast<unsigned char>(line[i + 1]))) return false;
          done = true;
        } else {
          cur.push_back(line[i]);
        }
      } else {
        if (i >= n) {
          done = true;
          break;
        }
        char c = line[i];
        if (c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\0') {
          done = true;
        } else if (c == '"') {
          in_dq = true;
        } else if (c == '\'') {
          in_sq = true;
        } else {
          cur.push_back(c);
        }
      }
      if (i < n) i++;
    }
    out->push_back(std::move(cur));
  }
}

}  // namespace rkv::resp

// RequestParser: incremental RESP request parser (multibulk and inline).
//
// The caller owns the bytes. It calls parse() with everything received since the start
// of the current (unfinished) command; the same prefix may arrive again with more bytes
// appended and may have moved in memory, because the parser keeps only offsets. Work
// already done is not repeated: a command split at any byte costs O(bytes) in total.
//
// On kCommand, args() views point into the caller's bytes (multibulk) or into the
// parser's own storage (inline) and stay valid until the next parse() or reset().
// On kError, error() holds Redis's reply text ("Protocol error: ..."); the caller replies
// with it and closes the connection, as Redis does.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace rkv::resp {

struct ParserLimits {
  int64_t max_bulk_len = 512ll * 1024 * 1024;  // proto-max-bulk-len
  bool authenticated = true;  // unauthenticated clients get tiny limits (Redis 7.0)
};

inline constexpr size_t kMaxInlineSize = 64 * 1024;  // PROTO_INLINE_MAX_SIZE
// Bulks at least this big are read straight into a buffer of the exact size.
inline constexpr size_t kBigBulkSize = 32 * 1024;

class RequestParser {
 public:
  enum class Result { kIncomplete, kCommand, kError };

  // Parses one command from the start of data. *consumed is always set (except on
  // kError) and the caller drops that many bytes before the next call: the command's
  // length on kCommand, or the empty commands ("*0\r\n", blank inline lines) skipped
  // before an incomplete one on kIncomplete.
  Result parse(std::string_view data, const ParserLimits& limits, size_t* consumed);

  std::span<const std::string_view> args() const { return args_; }
  const std::string& error() const { return error_; }

  // While a bulk body is being received: its bytes still missing (incl. CRLF), else 0.
  size_t pending_bulk_bytes(size_t have) const;
  // True once a multibulk header has been parsed and its body is incomplete.
  bool in_multibulk() const { return expected_args_ > 0; }
  // Bytes of the unfinished command already parsed into arguments. Redis's
  // client-query-buffer-limit counts only what is left, so a big command made of many
  // small arguments is legal however long it is in total.
  size_t parsed_prefix() const { return expected_args_ > 0 ? scan_ : 0; }
  void reset();

 private:
  Result parse_multibulk(std::string_view data, const ParserLimits& limits, size_t* consumed);
  Result parse_inline(std::string_view data, size_t* consumed);
  Result fail(std::string msg);

  // Multibulk state, offsets relative to the command start.
  int64_t expected_args_ = 0;  // from the "*N" header; 0 = header not parsed yet
  int64_t bulk_len_ = -1;      // current bulk's length once its "$N" line is parsed
  size_t scan_ = 0;            // next unparsed byte
  std::vector<std::pair<size_t, size_t>> spans_;  // (offset, length) of finished args

  std::vector<std::string_view> args_;
  std::vector<std::string> inline_args_;
  std::string error_;
};

// Splits an inline command line like Redis's sdssplitargs: spaces separate, "double"
// quotes take \n \r \t \b \a \\ \" and \xHH escapes, 'single' quotes take \'. A closing
// quote must be followed by a space or the end. Returns false on unbalanced quotes.
bool split_inline_args(std::string_view line, std::vector<std::string>* out);

}  // namespace rkv::resp

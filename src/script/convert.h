// Conversions between Redis replies and Lua values, both ways, with Redis 7.0's rules.
//
// Reply -> Lua (what redis.call returns), by the RESP type the script client received:
//   integer -> number; bulk -> string; null bulk / null array (RESP2) -> false;
//   array -> table 1..n (a nil element leaves a hole); status -> {ok=s};
//   error -> {err="CODE msg"} (see push_error); RESP3 null -> nil; boolean -> boolean;
//   double -> {double=d}; big number -> {big_number=s};
//   verbatim -> {verbatim_string={format=f, string=s}}; map -> {map={k=v}};
//   set -> {set={m=true}}; attributes are skipped.
// Lua -> reply (what a script returns), by the Lua type:
//   string -> bulk; number -> integer (truncated, as C's cast: out of range and NaN give
//   INT64_MIN); boolean -> with RESP2 scripts true -> 1 and false -> null, after
//   redis.setresp(3) a boolean; table -> {err=} error, {ok=} status, {double=},
//   {big_number=}, {verbatim_string=}, {map=}, {set=}, else an array of t[1], t[2]...
//   up to the first nil; anything else -> null.
// The reply side writes through resp::Reply, so RESP3 types fall back to their RESP2
// forms for a RESP2 caller (map -> flat array, double -> bulk...).
//
// Lua errors raised here (out of memory, stack overflow) unwind with longjmp: callers
// hold no C++ object with a destructor across these calls.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "resp/reply.h"

struct lua_State;

namespace rkv::script {

// The field Redis adds to error tables built from a command's error reply: the error was
// counted (errorstats) when the command replied it, so returning it does not count again.
inline constexpr const char* kIgnoreStatsField = "ignore_error_stats_update";

// Pushes {err="CODE msg"} built as Redis's luaPushErrorBuff does: "-CODE msg" keeps its
// code, a message without the leading '-' gets "ERR", and \r\n are trimmed from the ends.
// from_reply adds kIgnoreStatsField = true.
void push_error(lua_State* L, std::string_view error, bool from_reply = false);

// Pushes the Lua value of the one complete reply at the start of bytes (written by our
// own Reply, so well-formed). Returns the number of bytes it spanned.
size_t push_reply(lua_State* L, std::string_view bytes);

// Pops the value on top of L and writes it to reply. script_resp (2 or 3, from
// redis.setresp) decides how booleans are written. An error table that came from a
// command's reply (kIgnoreStatsField) is written without counting it (the command's
// call counted it); returns true when it wrote such an error, so that the caller can
// still count its command as failed, as Redis does.
bool write_lua_value(lua_State* L, resp::Reply& reply, int script_resp);

// Writes msg as an error reply ("-" + msg, newlines made spaces) that error statistics
// do not count: see write_lua_value.
void write_uncounted_error(resp::Reply& reply, std::string_view msg);

// Lua's number as a command argument: "%.17g", as Redis formats it (3 -> "3",
// 0.1 -> "0.10000000000000001"), which Lua's own tostring (%.14g) would not.
std::string number_arg(double v);
// Lua's number as an integer reply: C's truncating cast on x86-64 (INT64_MIN when the
// value does not fit, NaN included).
int64_t number_to_integer(double v);

}  // namespace rkv::script

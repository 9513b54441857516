#include "script/convert.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <lua.hpp>

#include "util/numbers.h"

namespace rkv::script {
namespace {

// One reply element's header line ("+OK", ":12", "$5"...) split from bytes at p.
struct Line {
  char type;
  std::string_view text;  // after the type byte, without \r\n
};

Line read_line(std::string_view bytes, size_t* pos) {
  const size_t start = *pos;
  const size_t end = bytes.find("\r\n", start);
  *pos = end + 2;
  return {bytes[start], bytes.substr(start + 1, end - start - 1)};
}

int64_t line_int(std::string_view text) {
  return parse_int64(text).value_or(0);
}

// Room for the few values a conversion step pushes. Replies nest only a few levels, so
// this fails only on a runaway structure; luaL_checkstack raises the Lua error then.
void need_stack(lua_State* L, int n) {
  luaL_checkstack(L, n, "reached lua stack limit");
}

// Parses the reply at *pos; pushes its value when L is set (attributes are parsed with
// L null, which only skips them).
void parse(lua_State* L, std::string_view bytes, size_t* pos) {
  const Line line = read_line(bytes, pos);
  if (L) need_stack(L, 4);
  switch (line.type) {
    case '+':
      if (!L) return;
      lua_createtable(L, 0, 1);
      lua_pushlstring(L, line.text.data(), line.text.size());
      lua_setfield(L, -2, "ok");
      return;
    case '-':
      if (L) push_error(L, bytes.substr(*pos - line.text.size() - 3, line.text.size() + 1), true);
      return;
    case ':':
      if (L) lua_pushnumber(L, static_cast<lua_Number>(line_int(line.text)));
      return;
    case '$': {
      const int64_t n = line_int(line.text);
      if (n < 0) {
        if (L) lua_pushboolean(L, 0);
        return;
      }
      if (L) lua_pushlstring(L, bytes.data() + *pos, static_cast<size_t>(n));
      *pos += static_cast<size_t>(n) + 2;
      return;
    }
    case '=': {
      const size_t n = static_cast<size_t>(line_int(line.text));
      std::string_view payload = bytes.substr(*pos, n);
      *pos += n + 2;
      if (!L) return;
      // "fmt:text": three format bytes, a colon, the text.
      const std::string_view format = payload.substr(0, 3);
      const std::string_view text = payload.size() > 4 ? payload.substr(4) : std::string_view();
      lua_createtable(L, 0, 1);
      lua_createtable(L, 0, 2);
      lua_pushlstring(L, text.data(), text.size());
      lua_setfield(L, -2, "string");
      lua_pushlstring(L, format.data(), format.size());
      lua_setfield(L, -2, "format");
      lua_setfield(L, -2, "verbatim_string");
      return;
    }
    case '*':
    case '>': {
      const int64_t n = line_int(line.text);
      if (n < 0) {
        if (L) lua_pushboolean(L, 0);
        return;
      }
      if (L) lua_createtable(L, static_cast<int>(n), 0);
      for (int64_t i = 0; i < n; i++) {
        if (L) lua_pushnumber(L, static_cast<lua_Number>(i + 1));
        parse(L, bytes, pos);
        if (L) lua_settable(L, -3);  // a nil element leaves a hole, as in Redis
      }
      return;
    }
    case '%':
    case '~': {
      const bool is_map = line.type == '%';
      const int64_t n = line_int(line.text);
      if (L) {
        lua_createtable(L, 0, 1);
        lua_createtable(L, 0, static_cast<int>(n));
      }
      for (int64_t i = 0; i < n; i++) {
        parse(L, bytes, pos);
        if (is_map)
          parse(L, bytes, pos);
        else if (L)
          lua_pushboolean(L, 1);
        if (!L) continue;
        if (lua_isnil(L, -2)) {  // a null key has no Lua form: the pair is dropped
          lua_pop(L, 2);
          continue;
        }
        lua_settable(L, -3);
      }
      if (L) lua_setfield(L, -2, is_map ? "map" : "set");
      return;
    }
    case '_':
      if (L) lua_pushnil(L);
      return;
    case '#':
      if (L) lua_pushboolean(L, line.text == "t");
      return;
    case ',': {
      if (!L) return;
      // Our doubles are "%.17g", "inf", "-inf" or "nan": strtod reads them all back.
      char buf[64];
      const size_t n = std::min(line.text.size(), sizeof(buf) - 1);
      line.text.copy(buf, n);
      buf[n] = '\0';
      lua_createtable(L, 0, 1);
      lua_pushnumber(L, std::strtod(buf, nullptr));
      lua_setfield(L, -2, "double");
      return;
    }
    case '(':
      if (!L) return;
      lua_createtable(L, 0, 1);
      lua_pushlstring(L, line.text.data(), line.text.size());
      lua_setfield(L, -2, "big_number");
      return;
    case '|': {
      const int64_t n = line_int(line.text);
      for (int64_t i = 0; i < 2 * n; i++) parse(nullptr, bytes, pos);
      parse(L, bytes, pos);
      return;
    }
    default:  // not produced by our writer
      if (L) lua_pushnil(L);
      return;
  }
}

// t[field] of the table at idx when it is a string (numbers excluded, as lua_type).
bool string_field(lua_State* L, int idx, const char* field, std::string_view* out) {
  lua_pushstring(L, field);
  lua_rawget(L, idx < 0 ? idx - 1 : idx);
  if (lua_type(L, -1) != LUA_TSTRING) {
    lua_pop(L, 1);
    return false;
  }
  size_t len;
  const char* s = lua_tolstring(L, -1, &len);
  *out = {s, len};  // stays valid: the table keeps the string alive
  lua_pop(L, 1);
  return true;
}

// Status and big-number texts must stay one line: Redis maps \r and \n to spaces.
template <typename Write>
void one_line(std::string_view s, Write write) {
  if (s.find_first_of("\r\n") == std::string_view::npos) {
    write(s);
    return;
  }
  std::string copy(s);
  for (char& c : copy)
    if (c == '\r' || c == '\n') c = ' ';
  write(std::string_view(copy));
}

bool write_value(lua_State* L, resp::Reply& reply, int script_resp);

// Entries of the table on top of the stack (a RESP3 map or set needs its count first).
size_t table_size(lua_State* L) {
  size_t n = 0;
  lua_pushnil(L);
  while (lua_next(L, -2)) {
    lua_pop(L, 1);
    n++;
  }
  return n;
}

// The table on top (left there) as a reply.
bool write_table(lua_State* L, resp::Reply& reply, int script_resp) {
  std::string_view s;
  if (string_field(L, -1, "err", &s)) {
    lua_pushstring(L, kIgnoreStatsField);
    lua_rawget(L, -2);
    const bool counted_before = lua_toboolean(L, -1);
    lua_pop(L, 1);
    if (counted_before) {
      write_uncounted_error(reply, s);
      return true;
    }
    reply.error(s);
    return false;
  }
  if (string_field(L, -1, "ok", &s)) {
    one_line(s, [&](std::string_view line) { reply.simple(line); });
    return false;
  }
  lua_pushstring(L, "double");
  lua_rawget(L, -2);
  if (lua_type(L, -1) == LUA_TNUMBER) {
    reply.dbl(lua_tonumber(L, -1));
    lua_pop(L, 1);
    return false;
  }
  lua_pop(L, 1);
  if (string_field(L, -1, "big_number", &s)) {
    one_line(s, [&](std::string_view line) { reply.big_number(line); });
    return false;
  }
  lua_pushstring(L, "verbatim_string");
  lua_rawget(L, -2);
  if (lua_type(L, -1) == LUA_TTABLE) {
    std::string_view format, text;
    if (string_field(L, -1, "format", &format) && string_field(L, -1, "string", &text)) {
      // RESP3 takes exactly three format bytes; Redis pads a shorter one with spaces.
      char fmt[3] = {' ', ' ', ' '};
      format.substr(0, 3).copy(fmt, 3);
      reply.verbatim(text, std::string_view(fmt, 3));
      lua_pop(L, 1);
      return false;
    }
  }
  lua_pop(L, 1);
  bool uncounted = false;
  lua_pushstring(L, "map");
  lua_rawget(L, -2);
  if (lua_type(L, -1) == LUA_TTABLE) {
    reply.map(table_size(L));
    lua_pushnil(L);
    while (lua_next(L, -2)) {
      lua_pushvalue(L, -2);
      uncounted |= write_value(L, reply, script_resp);  // the key
      uncounted |= write_value(L, reply, script_resp);  // the value
    }
    lua_pop(L, 1);
    return uncounted;
  }
  lua_pop(L, 1);
  lua_pushstring(L, "set");
  lua_rawget(L, -2);
  if (lua_type(L, -1) == LUA_TTABLE) {
    reply.set(table_size(L));
    lua_pushnil(L);
    while (lua_next(L, -2)) {
      lua_pop(L, 1);
      lua_pushvalue(L, -1);
      uncounted |= write_value(L, reply, script_resp);
    }
    lua_pop(L, 1);
    return uncounted;
  }
  lua_pop(L, 1);
  // An array: t[1], t[2]... up to the first nil.
  size_t n = 0;
  for (;;) {
    lua_rawgeti(L, -1, static_cast<int>(n + 1));
    const bool nil = lua_isnil(L, -1);
    lua_pop(L, 1);
    if (nil) break;
    n++;
  }
  reply.array(n);
  for (size_t i = 1; i <= n; i++) {
    lua_rawgeti(L, -1, static_cast<int>(i));
    uncounted |= write_value(L, reply, script_resp);
  }
  return uncounted;
}

// Pops the top value and writes it.
bool write_value(lua_State* L, resp::Reply& reply, int script_resp) {
  if (!lua_checkstack(L, 4)) {
    // A table that contains itself ends here, as in Redis, instead of overflowing.
    reply.error("ERR reached lua stack limit");
    lua_pop(L, 1);
    return false;
  }
  bool uncounted = false;
  switch (lua_type(L, -1)) {
    case LUA_TSTRING: {
      size_t len;
      const char* s = lua_tolstring(L, -1, &len);
      reply.bulk(std::string_view(s, len));
      break;
    }
    case LUA_TBOOLEAN:
      if (script_resp == 2) {
        if (lua_toboolean(L, -1))
          reply.integer(1);
        else
          reply.null();
      } else {
        reply.boolean(lua_toboolean(L, -1));
      }
      break;
    case LUA_TNUMBER:
      reply.integer(number_to_integer(lua_tonumber(L, -1)));
      break;
    case LUA_TTABLE:
      uncounted = write_table(L, reply, script_resp);
      break;
    default:
      reply.null();
      break;
  }
  lua_pop(L, 1);
  return uncounted;
}

}  // namespace

void push_error(lua_State* L, std::string_view error, bool from_reply) {
  std::string_view code = "ERR", msg = error;
  if (!error.empty() && error[0] == '-') {
    const size_t space = error.find(' ');
    if (space == std::string_view::npos) {
      msg = error.substr(1);
    } else {
      code = error.substr(1, space - 1);
      msg = error.substr(space + 1);
    }
  }
  while (!msg.empty() && (msg.front() == '\r' || msg.front() == '\n')) msg.remove_prefix(1);
  while (!msg.empty() && (msg.back() == '\r' || msg.back() == '\n')) msg.remove_suffix(1);
  need_stack(L, 4);
  lua_createtable(L, 0, from_reply ? 2 : 1);
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  luaL_addlstring(&b, code.data(), code.size());
  luaL_addchar(&b, ' ');
  luaL_addlstring(&b, msg.data(), msg.size());
  luaL_pushresult(&b);
  lua_setfield(L, -2, "err");
  if (from_reply) {
    lua_pushboolean(L, 1);
    lua_setfield(L, -2, kIgnoreStatsField);
  }
}

size_t push_reply(lua_State* L, std::string_view bytes) {
  size_t pos = 0;
  parse(L, bytes, &pos);
  return pos;
}

bool write_lua_value(lua_State* L, resp::Reply& reply, int script_resp) {
  return write_value(L, reply, script_resp);
}

void write_uncounted_error(resp::Reply& reply, std::string_view msg) {
  std::string line;
  line.reserve(msg.size() + 3);
  line += '-';
  for (char c : msg) line += (c == '\r' || c == '\n') ? ' ' : c;
  line += "\r\n";
  reply.raw(line);
}

std::string number_arg(double v) {
  char buf[64];
  const int n = std::snprintf(buf, sizeof(buf), "%.17g", v);
  return std::string(buf, n > 0 ? static_cast<size_t>(n) : 0);
}

int64_t number_to_integer(double v) {
  // cvttsd2si answers INT64_MIN for NaN and for anything outside [-2^63, 2^63).
  if (!(v >= -9223372036854775808.0 && v < 9223372036854775808.0)) return INT64_MIN;
  return static_cast<int64_t>(v);
}

}  // namespace rkv::script

// struct: binary packing for scripts, with the observable behaviour of the struct library
// (Roberto Ierusalimschy's, version 1.7 with Redis's fixes) that Redis 7.0 bundles. The
// facts below were checked against redis-server 7.0.15 on x86-64.
//
// Format: a C string (it ends at the first NUL byte) of options:
//   > < big / little endian (default: native, little here); ![n] alignment (n a power of 2,
//   default 8; the initial alignment is 1); ' ' ignored;
//   b B h H l L T i[n] I[n]: signed/unsigned integers of 1, 2, 8, 8 (size_t), n bytes
//   (n <= 32, default 4); x: one padding byte; f d: float, double;
//   c[n]: n bytes of a string (pack: c0 = the whole string; unpack: c0 = as many bytes as
//   the previous result says); s: zero-terminated string.
// The results include the quirks of the original's C on x86-64: numbers out of an integer
// type's range convert as gcc's instructions do (lua_lib_numbers.h), integers wider than 8
// bytes pack zeros beyond the low 8 bytes and unpack through a 64-bit value whose sign
// mask is shifted by (8n - 1) mod 64, and struct.size ignores unknown letters and digits.
#include <climits>
#include <cstdint>
#include <cstring>

#include "script/lua_lib_numbers.h"
#include "script/lua_libs.h"

extern "C" {
#include <lauxlib.h>
#include <lua.h>
}

namespace rkv::script {
namespace {

constexpr int kMaxIntSize = 32;
constexpr int kDefaultIntSize = 4;
constexpr int kMaxAlign = 8;  // what "!" alone sets: the alignment of double on x86-64

struct Options {
  bool little_endian = true;
  int align = 1;
};

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_alnum(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// The number after an option letter, or `fallback` when there is none.
int read_number(lua_State* L, const char** fmt, int fallback) {
  if (!is_digit(**fmt)) return fallback;
  int n = 0;
  while (is_digit(**fmt)) {
    int digit = **fmt - '0';
    if (n > INT_MAX / 10 || n * 10 > INT_MAX - digit) luaL_error(L, "integral size overflow");
    n = n * 10 + digit;
    ++*fmt;
  }
  return n;
}

// Size in bytes of option `opt` (reading its count from the format); 0 for the options
// that hold no fixed-size value.
size_t option_size(lua_State* L, char opt, const char** fmt) {
  switch (opt) {
    case 'b':
    case 'B':
    case 'x':
      return 1;
    case 'h':
    case 'H':
      return 2;
    case 'f':
      return 4;
    case 'l':
    case 'L':
    case 'T':
    case 'd':
      return 8;
    case 'c':
      return static_cast<size_t>(read_number(L, fmt, 1));
    case 'i':
    case 'I': {
      int size = read_number(L, fmt, kDefaultIntSize);
      if (size > kMaxIntSize) {
        luaL_error(L, "integral size %d is larger than limit of %d", size, kMaxIntSize);
      }
      return static_cast<size_t>(size);
    }
    default:
      return 0;
  }
}

// Padding bytes before an option of `size` bytes at offset `pos`: the size (capped by
// the alignment) is taken to be a power of 2, as the original does even when it is not.
size_t padding(size_t pos, const Options& options, char opt, size_t size) {
  if (size == 0 || opt == 'c') return 0;
  if (size > static_cast<size_t>(options.align)) size = static_cast<size_t>(options.align);
  return (size - (pos & (size - 1))) & (size - 1);
}

// Endianness, alignment and blanks; anything else is an invalid option.
void control_option(lua_State* L, char opt, const char** fmt, Options* options) {
  switch (opt) {
    case ' ':
      return;
    case '>':
      options->little_endian = false;
      return;
    case '<':
      options->little_endian = true;
      return;
    case '!': {
      int align = read_number(L, fmt, kMaxAlign);
      if (align <= 0 || (align & (align - 1)) != 0) {
        luaL_error(L, "alignment %d is not a power of 2", align);
      }
      options->align = align;
      return;
    }
    default: {
      const char* msg = lua_pushfstring(L, "invalid format option '%c'", opt);
      luaL_argerror(L, 1, msg);
    }
  }
}

bool is_integer_option(char opt) {
  return std::strchr("bBhHlLTiI", opt) != nullptr && opt != '\0';
}

// `size` bytes of `value` in the given order; bytes beyond the 8 of a uint64 are zero.
void add_integer_bytes(luaL_Buffer* b, uint64_t value, size_t size, bool little_endian) {
  for (size_t i = 0; i < size; ++i) {
    size_t significance = little_endian ? i : size - 1 - i;
    luaL_addchar(b, significance < 8 ? static_cast<char>(value >> (8 * significance)) : '\0');
  }
}

int struct_pack(lua_State* L) {
  const char* fmt = luaL_checkstring(L, 1);
  Options options;
  int arg = 2;
  size_t total = 0;
  // A nil above the arguments: a missing argument reads as "got nil", and never as one
  // of the buffer's pieces on the stack.
  lua_pushnil(L);
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  while (*fmt != '\0') {
    char opt = *fmt++;
    size_t size = option_size(L, opt, &fmt);
    size_t pad = padding(total, options, opt, size);
    total += pad;
    for (; pad > 0; --pad) luaL_addchar(&b, '\0');
    if (is_integer_option(opt)) {
      double n = luaL_checknumber(L, arg++);
      uint64_t value =
          n < 0 ? static_cast<uint64_t>(lua_number_to_int64(n)) : lua_number_to_uint64(n);
      add_integer_bytes(&b, value, size, options.little_endian);
    } else if (opt == 'x') {
      luaL_addchar(&b, '\0');
    } else if (opt == 'f') {
      float f = lua_number_to_float(luaL_checknumber(L, arg++));
      uint32_t bits = 0;
      std::memcpy(&bits, &f, sizeof bits);
      add_integer_bytes(&b, bits, 4, options.little_endian);
    } else if (opt == 'd') {
      double d = luaL_checknumber(L, arg++);
      uint64_t bits = 0;
      std::memcpy(&bits, &d, sizeof bits);
      add_integer_bytes(&b, bits, 8, options.little_endian);
    } else if (opt == 'c' || opt == 's') {
      size_t len = 0;
      const char* s = luaL_checklstring(L, arg++, &len);
      if (size == 0) size = len;
      // The original names the argument after the string's.
      luaL_argcheck(L, len >= size, arg, "string too short");
      luaL_addlstring(&b, s, size);
      if (opt == 's') {
        luaL_addchar(&b, '\0');
        ++size;
      }
    } else {
      control_option(L, opt, &fmt, &options);
    }
    total += size;
  }
  luaL_pushresult(&b);
  return 1;
}

// An integer of `size` bytes, folded into 64 bits as the original does: wider values
// keep their last 8 bytes read (big endian: the low ones; little endian: the first 8),
// and signed ones extend the sign with a mask shifted by (8 * size - 1) mod 64, the
// x86 shift of its out-of-range shift counts.
double read_integer(const char* p, size_t size, bool little_endian, bool is_signed) {
  uint64_t value = 0;
  for (size_t i = 0; i < size; ++i) {
    size_t index = little_endian ? size - 1 - i : i;
    value = (value << 8) | static_cast<unsigned char>(p[index]);
  }
  if (!is_signed) return static_cast<double>(value);
  uint64_t mask = ~uint64_t{0} << ((8 * size - 1) & 63);
  if ((value & mask) != 0) value |= mask;
  return static_cast<double>(static_cast<int64_t>(value));
}

int struct_unpack(lua_State* L) {
  const char* fmt = luaL_checkstring(L, 1);
  size_t len = 0;
  const char* data = luaL_checklstring(L, 2, &len);
  // As a size_t, so a negative offset passes this check and fails the length check.
  auto pos = static_cast<size_t>(luaL_optinteger(L, 3, 1));
  luaL_argcheck(L, pos > 0, 3, "offset must be 1 or greater");
  --pos;
  int results = 0;
  Options options;
  while (*fmt != '\0') {
    char opt = *fmt++;
    size_t size = option_size(L, opt, &fmt);
    pos += padding(pos, options, opt, size);
    luaL_argcheck(L, size <= len && pos <= len - size, 2, "data string too short");
    luaL_checkstack(L, 2, "too many results");
    if (is_integer_option(opt)) {
      bool is_signed = opt >= 'a' && opt <= 'z';
      lua_pushnumber(L, read_integer(data + pos, size, options.little_endian, is_signed));
      ++results;
    } else if (opt == 'x') {
      // padding only
    } else if (opt == 'f' || opt == 'd') {
      uint64_t bits = 0;
      for (size_t i = 0; i < size; ++i) {
        size_t index = options.little_endian ? size - 1 - i : i;
        bits = (bits << 8) | static_cast<unsigned char>(data[pos + index]);
      }
      if (opt == 'f') {
        auto bits32 = static_cast<uint32_t>(bits);
        float f = 0;
        std::memcpy(&f, &bits32, sizeof f);
        lua_pushnumber(L, f);
      } else {
        double d = 0;
        std::memcpy(&d, &bits, sizeof d);
        lua_pushnumber(L, d);
      }
      ++results;
    } else if (opt == 'c') {
      if (size == 0) {
        // c0: the length is the previous result (a number or a numeric string), which
        // is replaced by the bytes.
        if (results == 0 || !lua_isnumber(L, -1)) {
          luaL_error(L, "format 'c0' needs a previous size");
        }
        size = static_cast<size_t>(lua_number_to_uint64(lua_tonumber(L, -1)));
        lua_pop(L, 1);
        --results;
        luaL_argcheck(L, size <= len && pos <= len - size, 2, "data string too short");
      }
      lua_pushlstring(L, data + pos, size);
      ++results;
    } else if (opt == 's') {
      const void* end = std::memchr(data + pos, '\0', len - pos);
      if (end == nullptr) luaL_error(L, "unfinished string in data");
      size = static_cast<size_t>(static_cast<const char*>(end) - (data + pos)) + 1;
      lua_pushlstring(L, data + pos, size - 1);
      ++results;
    } else {
      control_option(L, opt, &fmt, &options);
    }
    pos += size;
  }
  lua_pushinteger(L, static_cast<lua_Integer>(pos + 1));  // where the next value starts
  return results + 1;
}

int struct_size(lua_State* L) {
  const char* fmt = luaL_checkstring(L, 1);
  size_t pos = 0;
  Options options;
  while (*fmt != '\0') {
    char opt = *fmt++;
    size_t option_bytes = option_size(L, opt, &fmt);
    pos += padding(pos, options, opt, option_bytes);
    if (opt == 's') {
      luaL_argerror(L, 1, "option 's' has no fixed size");
    } else if (opt == 'c' && option_bytes == 0) {
      luaL_argerror(L, 1, "option 'c0' has no fixed size");
    }
    // Letters and digits are never checked here: unknown ones count as 0 bytes.
    if (!is_alnum(opt)) control_option(L, opt, &fmt, &options);
    pos += option_bytes;
  }
  lua_pushinteger(L, static_cast<lua_Integer>(pos));
  return 1;
}

const luaL_Reg kFunctions[] = {
    {"pack", struct_pack},
    {"unpack", struct_unpack},
    {"size", struct_size},
    {nullptr, nullptr},
};

}  // namespace
}  // namespace rkv::script

int rkv_luaopen_struct(lua_State* L) {
  luaL_register(L, "struct", rkv::script::kFunctions);
  return 1;
}

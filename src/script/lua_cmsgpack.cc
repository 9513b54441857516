// cmsgpack: MessagePack for scripts, with the observable behaviour of the lua-cmsgpack 0.4.0
// that Redis 7.0 bundles (the facts below were checked against redis-server 7.0.15).
//
// Encoding (pack):
// - A number that is an exact int64 becomes the smallest msgpack integer that holds it
//   (-0.0 too, as 0); any other number a float32 when it survives the round trip through
//   float (so do +-inf), else a float64. NaN is always a float64.
// - A table whose keys are exactly the integers 1..n (all within int) is an array, any
//   other a map in lua_next order; {} is the empty array. A table inside 16 enclosing
//   tables (so a cycle ends there), and values msgpack cannot hold (functions, userdata,
//   threads), become nil.
// - Strings are str types (fixstr, str8, str16, str32); the bin and ext types are never
//   produced.
// Decoding (unpack*): every type but bin and ext; integers become numbers through
// lua_Integer (so uint64 values of 2^63 and more wrap to negatives, as Redis's do).
//
// The Lua stack is used exactly as the original uses it (the same pushes, the same
// lua_checkstack requests, the same order), because its depth limit is observable: errors
// such as "stack overflow (too many return values at once; ...)" must fire on the same input.
#include <climits>
#include <cstdint>
#include <cstring>
#include <string>

#include "script/lua_lib_numbers.h"
#include "script/lua_libs.h"

extern "C" {
#include <lauxlib.h>
#include <lua.h>
}

namespace rkv::script {
namespace {

constexpr int kMaxNesting = 16;

// ---------------------------------------------------------------------------- encoding

// Appends the msgpack form of Lua values to a byte string. It never raises a Lua error
// while the string is alive (an error longjmps past destructors): where the original
// library calls luaL_checkstack, encode() asks lua_checkstack and returns the message that
// the caller raises once the Encoder is gone. Only an out-of-memory error inside a Lua API
// call could still cross it.
class Encoder {
 public:
  explicit Encoder(lua_State* L) : L_(L) {}

  // Encodes the value on top of the stack, nested `level` tables deep, and pops it.
  // Returns nullptr, or the luaL_checkstack message of a stack that cannot grow.
  const char* encode(int level) {
    int type = lua_type(L_, -1);
    if (type == LUA_TTABLE && level == kMaxNesting) type = LUA_TNIL;
    switch (type) {
      case LUA_TSTRING: {
        size_t len = 0;
        const char* s = lua_tolstring(L_, -1, &len);
        put_string(s, len);
        break;
      }
      case LUA_TBOOLEAN:
        put_byte(lua_toboolean(L_, -1) ? 0xc3 : 0xc2);
        break;
      case LUA_TNUMBER:
        put_number(lua_tonumber(L_, -1));
        break;
      case LUA_TTABLE:
        if (const char* failure = put_table(level)) return failure;
        break;
      default:
        put_byte(0xc0);
        break;
    }
    lua_pop(L_, 1);
    return nullptr;
  }

  const std::string& bytes() const { return out_; }
  void clear() { out_.clear(); }

 private:
  void put_byte(uint8_t b) { out_.push_back(static_cast<char>(b)); }

  void put_big_endian(uint64_t v, int bytes) {
    for (int shift = 8 * (bytes - 1); shift >= 0; shift -= 8) put_byte((v >> shift) & 0xff);
  }

  void put_int(int64_t n) {
    if (n >= 0) {
      if (n <= 127) {
        put_byte(static_cast<uint8_t>(n));
      } else if (n <= 0xff) {
        put_byte(0xcc);
        put_big_endian(n, 1);
      } else if (n <= 0xffff) {
        put_byte(0xcd);
        put_big_endian(n, 2);
      } else if (n <= 0xffffffffLL) {
        put_byte(0xce);
        put_big_endian(n, 4);
      } else {
        put_byte(0xcf);
        put_big_endian(n, 8);
      }
      return;
    }
    auto bits = static_cast<uint64_t>(n);
    if (n >= -32) {
      put_byte(bits & 0xff);  // negative fixint: the byte is the two's complement value
    } else if (n >= -128) {
      put_byte(0xd0);
      put_big_endian(bits, 1);
    } else if (n >= -32768) {
      put_byte(0xd1);
      put_big_endian(bits, 2);
    } else if (n >= INT32_MIN) {
      put_byte(0xd2);
      put_big_endian(bits, 4);
    } else {
      put_byte(0xd3);
      put_big_endian(bits, 8);
    }
  }

  void put_number(double d) {
    int64_t as_int = lua_number_to_int64(d);
    if (static_cast<double>(as_int) == d) {
      put_int(as_int);
      return;
    }
    float f = lua_number_to_float(d);
    if (static_cast<double>(f) == d) {
      uint32_t bits = 0;
      std::memcpy(&bits, &f, sizeof bits);
      put_byte(0xca);
      put_big_endian(bits, 4);
    } else {
      uint64_t bits = 0;
      std::memcpy(&bits, &d, sizeof bits);
      put_byte(0xcb);
      put_big_endian(bits, 8);
    }
  }

  void put_string(const char* s, size_t len) {
    if (len < 32) {
      put_byte(0xa0 | static_cast<uint8_t>(len));
    } else if (len <= 0xff) {
      put_byte(0xd9);
      put_big_endian(len, 1);
    } else if (len <= 0xffff) {
      put_byte(0xda);
      put_big_endian(len, 2);
    } else {
      put_byte(0xdb);
      put_big_endian(len, 4);
    }
    out_.append(s, len);
  }

  // Array and map headers: fix form up to 15 entries, then 16 and 32 bits.
  void put_header(size_t n, uint8_t fix, uint8_t marker16) {
    if (n <= 15) {
      put_byte(fix | static_cast<uint8_t>(n));
    } else if (n <= 0xffff) {
      put_byte(marker16);
      put_big_endian(n, 2);
    } else {
      put_byte(marker16 + 1);
      put_big_endian(n, 4);
    }
  }

  // True when the keys of the table on top are exactly 1..n: every key a number that is
  // a positive int, and the largest equal to the count (keys are distinct).
  bool keys_are_a_sequence() {
    int top = lua_gettop(L_);
    int count = 0;
    int max = 0;
    lua_pushnil(L_);
    while (lua_next(L_, -2) != 0) {
      lua_pop(L_, 1);
      double key = lua_type(L_, -1) == LUA_TNUMBER ? lua_tonumber(L_, -1) : 0;
      if (!(key > 0) || key > INT_MAX || static_cast<int>(key) != key) {
        lua_settop(L_, top);
        return false;
      }
      if (key > max) max = static_cast<int>(key);
      ++count;
    }
    return max == count;  // the final lua_next popped the key: the stack is as it was
  }

  const char* put_table(int level) {
    if (!lua_checkstack(L_, 2)) return "in function table_is_an_array";
    if (keys_are_a_sequence()) {
      size_t len = lua_objlen(L_, -1);
      put_header(len, 0x90, 0xdc);
      if (!lua_checkstack(L_, 1)) return "in function mp_encode_lua_table_as_array";
      for (size_t i = 1; i <= len; ++i) {
        // Raw access is what the original's lua_gettable amounts to: every key is present.
        lua_rawgeti(L_, -1, static_cast<int>(i));
        if (const char* failure = encode(level + 1)) return failure;
      }
      return nullptr;
    }
    if (!lua_checkstack(L_, 3)) return "in function mp_encode_lua_table_as_map";
    size_t count = 0;
    lua_pushnil(L_);
    while (lua_next(L_, -2) != 0) {
      lua_pop(L_, 1);
      ++count;
    }
    put_header(count, 0x80, 0xde);
    lua_pushnil(L_);
    while (lua_next(L_, -2) != 0) {
      lua_pushvalue(L_, -2);  // the key copy is consumed; the key stays for lua_next
      if (const char* failure = encode(level + 1)) return failure;
      if (const char* failure = encode(level + 1)) return failure;
    }
    return nullptr;
  }

  lua_State* L_;
  std::string out_;
};

// Encodes arguments 1..nargs, pushing one string each (the original's stack layout).
// Returns nullptr or the message of a stack that could not grow.
const char* encode_arguments(lua_State* L, int nargs) {
  Encoder encoder(L);
  for (int i = 1; i <= nargs; ++i) {
    if (!lua_checkstack(L, 1)) return "in function mp_check";
    lua_pushvalue(L, i);
    if (const char* failure = encoder.encode(0)) return failure;
    lua_pushlstring(L, encoder.bytes().data(), encoder.bytes().size());
    encoder.clear();
  }
  return nullptr;
}

int pack(lua_State* L) {
  int nargs = lua_gettop(L);
  if (nargs == 0) return luaL_argerror(L, 0, "MessagePack pack needs input.");
  if (!lua_checkstack(L, nargs)) {
    return luaL_argerror(L, 0, "Too many arguments for MessagePack pack.");
  }
  if (const char* failure = encode_arguments(L, nargs)) {
    return luaL_error(L, "stack overflow (%s)", failure);
  }
  lua_concat(L, nargs);
  return 1;
}

// ---------------------------------------------------------------------------- decoding

// Reads msgpack values onto the Lua stack. Plain data only: its errors are Lua errors
// raised on the spot.
class Decoder {
 public:
  Decoder(lua_State* L, const unsigned char* p, size_t left) : L_(L), p_(p), left_(left) {}

  size_t left() const { return left_; }

  // Pushes the next value.
  void decode() {
    need(1);
    luaL_checkstack(L_, 1,
                    "too many return values at once; use unpack_one or unpack_limit instead.");
    uint8_t type = p_[0];
    switch (type) {
      case 0xc0:
        lua_pushnil(L_);
        skip(1);
        return;
      case 0xc2:
      case 0xc3:
        lua_pushboolean(L_, type == 0xc3);
        skip(1);
        return;
      case 0xcc:
      case 0xcd:
      case 0xce:
      case 0xcf: {
        int size = 1 << (type - 0xcc);
        uint64_t n = read_big_endian(size);
        // Through lua_Integer like the original: 2^63 and above wrap to negatives.
        lua_pushinteger(L_, static_cast<lua_Integer>(n));
        return;
      }
      case 0xd0:
      case 0xd1:
      case 0xd2:
      case 0xd3: {
        int size = 1 << (type - 0xd0);
        uint64_t n = read_big_endian(size);
        int unused_bits = 64 - 8 * size;
        auto value = static_cast<int64_t>(n << unused_bits) >> unused_bits;  // sign-extend
        lua_pushnumber(L_, static_cast<lua_Number>(value));
        return;
      }
      case 0xca: {
        auto bits = static_cast<uint32_t>(read_big_endian(4));
        float f = 0;
        std::memcpy(&f, &bits, sizeof f);
        lua_pushnumber(L_, f);
        return;
      }
      case 0xcb: {
        uint64_t bits = read_big_endian(8);
        double d = 0;
        std::memcpy(&d, &bits, sizeof d);
        lua_pushnumber(L_, d);
        return;
      }
      case 0xd9:
      case 0xda:
      case 0xdb:
        string(1 << (type - 0xd9));
        return;
      case 0xdc:
      case 0xdd:
        array(static_cast<size_t>(read_big_endian(type == 0xdc ? 2 : 4)));
        return;
      case 0xde:
      case 0xdf:
        map(static_cast<size_t>(read_big_endian(type == 0xde ? 2 : 4)));
        return;
      default:
        break;
    }
    if (type < 0x80) {
      lua_pushinteger(L_, type);
      skip(1);
    } else if (type >= 0xe0) {
      lua_pushinteger(L_, static_cast<int8_t>(type));
      skip(1);
    } else if ((type & 0xe0) == 0xa0) {
      size_t len = type & 0x1f;
      need(1 + len);
      lua_pushlstring(L_, reinterpret_cast<const char*>(p_ + 1), len);
      skip(1 + len);
    } else if ((type & 0xf0) == 0x90) {
      skip(1);
      array(type & 0x0f);
    } else if ((type & 0xf0) == 0x80) {
      skip(1);
      map(type & 0x0f);
    } else {
      luaL_error(L_, "Bad data format in input.");  // bin, ext, 0xc1: unsupported
    }
  }

 private:
  void need(size_t n) {
    if (left_ < n) luaL_error(L_, "Missing bytes in input.");
  }
  void skip(size_t n) {
    p_ += n;
    left_ -= n;
  }

  // Consumes the type byte and a big-endian number of `size` bytes after it.
  uint64_t read_big_endian(int size) {
    need(1 + static_cast<size_t>(size));
    uint64_t n = 0;
    for (int i = 1; i <= size; ++i) n = (n << 8) | p_[i];
    skip(1 + static_cast<size_t>(size));
    return n;
  }

  // str8/16/32: the type byte, a length of `size_bytes`, the bytes.
  void string(int size_bytes) {
    auto len = static_cast<size_t>(read_big_endian(size_bytes));
    need(len);
    lua_pushlstring(L_, reinterpret_cast<const char*>(p_), len);
    skip(len);
  }

  void array(size_t len) {
    lua_newtable(L_);
    luaL_checkstack(L_, 1, "in function mp_decode_to_lua_array");
    for (size_t i = 1; i <= len; ++i) {
      lua_pushnumber(L_, static_cast<lua_Number>(i));
      decode();
      lua_settable(L_, -3);
    }
  }

  void map(size_t len) {
    lua_newtable(L_);
    while (len-- > 0) {
      decode();
      decode();
      lua_settable(L_, -3);  // "table index is nil" / "is NaN" for such keys
    }
  }

  lua_State* L_;
  const unsigned char* p_;
  size_t left_;
};

// The three unpack functions: decode up to `limit` values of argument 1 from byte
// `offset`; limit == offset == 0 means every value and no offset result. Otherwise the
// first result is where the next value starts, or -1 at the end of the input.
int unpack_values(lua_State* L, lua_Integer limit, lua_Integer offset) {
  size_t len = 0;
  const char* s = luaL_checklstring(L, 1, &len);
  bool decode_all = limit == 0 && offset == 0;
  // The messages print ints, and the first one the input length as the "limit".
  if (offset < 0 || limit < 0) {
    return luaL_error(L, "Invalid request to unpack with offset of %d and limit of %d.",
                      static_cast<int>(offset), static_cast<int>(len));
  }
  if (static_cast<size_t>(offset) > len) {
    return luaL_error(L, "Start offset %d greater than input length %d.", static_cast<int>(offset),
                      static_cast<int>(len));
  }
  if (decode_all) limit = INT_MAX;
  auto start = static_cast<size_t>(offset);
  Decoder decoder(L, reinterpret_cast<const unsigned char*>(s) + start, len - start);
  int count = 0;
  for (; decoder.left() > 0 && count < limit; ++count) decoder.decode();
  if (decode_all) return count;
  luaL_checkstack(L, 1, "in function mp_unpack_full");
  size_t next = len - decoder.left();
  lua_pushinteger(L, decoder.left() == 0 ? -1 : static_cast<lua_Integer>(next));
  lua_insert(L, 2);  // after the input string, before the values
  return count + 1;
}

int unpack(lua_State* L) {
  return unpack_values(L, 0, 0);
}

// Drops the arguments after the first; with none, the stack stays empty ("got no value").
void keep_first_argument(lua_State* L) {
  if (lua_gettop(L) > 1) lua_settop(L, 1);
}

int unpack_one(lua_State* L) {
  lua_Integer offset = luaL_optinteger(L, 2, 0);
  keep_first_argument(L);
  return unpack_values(L, 1, offset);
}

int unpack_limit(lua_State* L) {
  lua_Integer limit = luaL_checkinteger(L, 2);
  lua_Integer offset = luaL_optinteger(L, 3, 0);
  keep_first_argument(L);
  return unpack_values(L, limit, offset);
}

}  // namespace
}  // namespace rkv::script

int rkv_luaopen_cmsgpack(lua_State* L) {
  using namespace rkv::script;
  // Field order as in the original, so that pairs() walks the table the same way.
  lua_newtable(L);
  lua_pushcfunction(L, pack);
  lua_setfield(L, -2, "pack");
  lua_pushcfunction(L, unpack);
  lua_setfield(L, -2, "unpack");
  lua_pushcfunction(L, unpack_one);
  lua_setfield(L, -2, "unpack_one");
  lua_pushcfunction(L, unpack_limit);
  lua_setfield(L, -2, "unpack_limit");
  lua_pushliteral(L, "cmsgpack");
  lua_setfield(L, -2, "_NAME");
  lua_pushliteral(L, "lua-cmsgpack 0.4.0");
  lua_setfield(L, -2, "_VERSION");
  lua_pushliteral(L, "Copyright (C) 2012, Salvatore Sanfilippo");
  lua_setfield(L, -2, "_COPYRIGHT");
  lua_pushliteral(L, "MessagePack C implementation for Lua");
  lua_setfield(L, -2, "_DESCRIPTION");
  lua_pushvalue(L, -1);
  lua_setglobal(L, "cmsgpack");
  return 1;
}

// Value types and encodings, numbered as Redis numbers them (RDB type ids, OBJECT ENCODING).
#pragma once

#include <cstdint>
#include <string_view>

namespace rkv::store {

enum class ObjType : uint8_t {
  kString = 0,
  kList = 1,
  kSet = 2,
  kZset = 3,
  kHash = 4,
  kStream = 6
};

enum class Encoding : uint8_t {
  kRaw = 0,
  kInt = 1,
  kHashtable = 2,
  kIntset = 6,
  kSkiplist = 7,
  kEmbstr = 8,
  kQuicklist = 9,
  kStream = 10,
  kListpack = 11,
};

std::string_view type_name(ObjType t);       // "string", "list", ... as TYPE replies
std::string_view encoding_name(Encoding e);  // "embstr", "int", ... as OBJECT ENCODING replies

}  // namespace rkv::store

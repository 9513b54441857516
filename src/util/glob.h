// Redis-style glob matching (KEYS, SCAN MATCH, CONFIG GET, PSUBSCRIBE).
//
// Supports *, ?, [abc], [^a-z] and backslash escapes; as in Redis, only '^' negates a
// class ("[!a]" matches '!' or 'a'). Iterative with single-star backtracking, so hostile
// patterns such as "a*a*a*a*...b" cost O(pattern * string) instead of exponential time.
#pragma once

#include <string_view>

namespace rkv {

bool glob_match(std::string_view pattern, std::string_view str, bool nocase = false);

}  // namespace rkv

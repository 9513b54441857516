#include "util/glob.h"

#include <cctype>

namespace rkv {
namespace {

char fold(char c, bool nocase) {
  return nocase ? static_cast<char>(std::tolower(static_cast<unsigned char>(c))) : c;
}

// Matches one [...] class at pattern[p] (pointing at '['). On return p points past the
// closing ']' (or at the end of an unterminated class, which Redis treats as closed).
bool match_class(std::string_view pat, size_t& p, char c, bool nocase) {
  ++p;  // skip '['
  bool negate = p < pat.size() && (pat[p] == '^');
  if (negate) ++p;
  bool matched = false;
  while (p < pat.size() && pat[p] != ']') {
    if (pat[p] == '\\' && p + 1 < pat.size()) {
      ++p;
      if (fold(pat[p], nocase) == fold(c, nocase)) matched = true;
      ++p;
    } else if (p + 2 < pat.size() && pat[p + 1] == '-' && pat[p + 2] != ']') {
      char lo = fold(pat[p], nocase), hi = fold(pat[p + 2], nocase);
      if (lo > hi) std::swap(lo, hi);
      char fc = fold(c, nocase);
      if (fc >= lo && fc <= hi) matched = true;
      p += 3;
    } else {
      if (fold(pat[p], nocase) == fold(c, nocase)) matched = true;
      ++p;
    }
  }
  if (p < pat.size()) ++p;  // skip ']'
  return negate ? !matched : matched;
}

}  // namespace

bool glob_match(std::string_view pat, std::string_view str, bool nocase) {
  size_t p = 0, s = 0;
  size_t star_p = std::string_view::npos, star_s = 0;
  while (s < str.size()) {
    if (p < pat.size()) {
      char pc = pat[p];
      if (pc == '*') {
        while (p < pat.size() && pat[p] == '*') ++p;
        if (p == pat.size()) return true;
        star_p = p;
        star_s = s;
        continue;
      }
      if (pc == '?') {
        ++p;
        ++s;
        continue;
      }
      if (pc == '[') {
        size_t q = p;
        if (match_class(pat, q, str[s], nocase)) {
          p = q;
          ++s;
          continue;
        }
      } else {
        size_t q = p;
        if (pc == '\\' && q + 1 < pat.size()) ++q;
        if (fold(pat[q], nocase) == fold(str[s], nocase)) {
          p = q + 1;
          ++s;
          continue;
        }
      }
    }
    // Mismatch: let the last '*' swallow one more character, or fail.
    if (star_p == std::string_view::npos) return false;
    p = star_p;
    s = ++star_s;
  }
  while (p < pat.size() && pat[p] == '*') ++p;
  return p == pat.size();
}

}  // namespace rkv

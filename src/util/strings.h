// Small ASCII string helpers shared by the command families and the config parser.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace rkv {

// Case-insensitive ASCII equality (command options such as "EX" or "nx").
inline bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); i++) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x | 0x20);
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y | 0x20);
    if (x != y) return false;
  }
  return true;
}

// ASCII lowercase copy (config names, command names, option words).
inline std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c | 0x20);
  return out;
}

// Space-separated words of s, empty words skipped ("a  b" -> {"a", "b"}).
inline std::vector<std::string_view> split_words(std::string_view s) {
  std::vector<std::string_view> out;
  size_t pos = 0;
  while (pos < s.size()) {
    size_t sp = s.find(' ', pos);
    if (sp == std::string_view::npos) sp = s.size();
    if (sp > pos) out.push_back(s.substr(pos, sp - pos));
    pos = sp + 1;
  }
  return out;
}

}  // namespace rkv

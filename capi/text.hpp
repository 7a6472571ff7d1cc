// Error texts that fit engine_last_error()'s buffer (512 bytes) with their
// reason: a long path is shortened in the middle, never the reason at the
// end cut off.
#pragma once

#include <string>

namespace capi {

// The longest text kept whole; a longer one keeps its head and its tail
// (where the reason is) around " ... ".
inline constexpr std::size_t kTextMax = 480;

inline std::string fit(std::string text) {
  if (text.size() <= kTextMax)
    return text;
  constexpr std::size_t kHead = 120;
  constexpr std::size_t kTail = kTextMax - kHead - 5;
  return text.substr(0, kHead) + " ... " + text.substr(text.size() - kTail);
}

} // namespace capi

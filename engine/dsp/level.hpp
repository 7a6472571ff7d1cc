// The level of one plane of samples: its peak, its sum of squares and how
// many samples pass full scale, in one pass. The meters' inner loop: four
// samples at a time with SSE2 (every x86-64 has it), which a compiler may
// not do by itself (a float max or sum is not associative, so it keeps the
// scalar order). Thread: any; no state.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace ringengine {

struct PlaneLevel {
  float peak = 0;           // the largest |x|; infinite when one is NaN
  float squares = 0;        // the sum of x * x
  std::uint32_t over = 0;   // samples with |x| > 1, or NaN
};

inline PlaneLevel measure(const float* x, std::uint32_t n) noexcept {
  PlaneLevel level;
  std::uint32_t i = 0;
#if defined(__SSE2__)
  const __m128 magnitude = _mm_castsi128_ps(_mm_set1_epi32(0x7fffffff));
  const __m128 one = _mm_set1_ps(1.0f);
  __m128 peak = _mm_setzero_ps(), squares = _mm_setzero_ps();
  __m128i over = _mm_setzero_si128();
  for (; i + 4 <= n; i += 4) {
    const __m128 v = _mm_loadu_ps(x + i);
    const __m128 a = _mm_and_ps(v, magnitude);
    peak = _mm_max_ps(peak, a);
    squares = _mm_add_ps(squares, _mm_mul_ps(v, v));
    // not <= 1: past full scale, or NaN (true is -1)
    over = _mm_sub_epi32(over, _mm_castps_si128(_mm_cmpnle_ps(a, one)));
  }
  alignas(16) float p[4], s[4];
  alignas(16) std::int32_t o[4];
  _mm_store_ps(p, peak);
  _mm_store_ps(s, squares);
  _mm_store_si128(reinterpret_cast<__m128i*>(o), over);
  level.peak = std::max(std::max(p[0], p[1]), std::max(p[2], p[3]));
  level.squares = (s[0] + s[1]) + (s[2] + s[3]);
  level.over = static_cast<std::uint32_t>(o[0] + o[1] + o[2] + o[3]);
#endif
  for (; i < n; ++i) {
    const float a = std::fabs(x[i]);
    level.peak = std::max(level.peak, a);
    level.squares += x[i] * x[i];
    level.over += !(a <= 1.0f);
  }
  // A NaN (which max() passes over) reads as an infinite peak, never as
  // silence; its square made the sum NaN.
  if (std::isnan(level.squares))
    level.peak = INFINITY;
  return level;
}

} // namespace ringengine

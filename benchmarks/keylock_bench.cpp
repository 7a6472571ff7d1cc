// What one key-locked stereo voice costs the audio thread: Keylock::render()
// of a 256-frame block at 48 kHz, its input pulled from a tone, for R3
// (standard and short window) and R2, at a steady rate of 1.25, and with
// the rate, the pitch or both moving every block. Counters:
// core_pct, the share of one core a voice takes (the block's time over the
// block's 5.33 ms), and voices_rt, how many such voices one core holds in
// real time at this block size with nothing else to do (docs/benchmarks.md).
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdint>
#include <numbers>
#include <vector>

#include "dsp/keylock.hpp"

namespace {

using ringengine::Keylock;

constexpr double kRate = 48000.0;
constexpr std::uint32_t kBlock = 256;

void BM_KeylockVoice(benchmark::State& state) {
  if (!Keylock::available()) {
    state.SkipWithError("built without Rubber Band");
    return;
  }
  // 3: R3; 1: R3 with its short window; 2: R2.
  const auto stretcher = state.range(0) == 3   ? Keylock::Stretcher::finer
                         : state.range(0) == 1 ? Keylock::Stretcher::finer_short
                                               : Keylock::Stretcher::faster;
  // 0: steady; 1: rate and pitch move every block; 2: only the rate; 3:
  // only the pitch.
  const auto moving = state.range(1);
  Keylock keylock(kRate, 2, kBlock, stretcher);
  std::vector<float> left(kBlock), right(kBlock);
  float* out[2] = {left.data(), right.data()};
  double phase = 0.0;
  auto tone = [&phase](float* const* in, std::uint32_t n) noexcept {
    for (std::uint32_t i = 0; i < n; ++i) {
      in[0][i] = static_cast<float>(0.5 * std::sin(phase));
      in[1][i] = static_cast<float>(0.5 * std::cos(phase));
      phase += 2.0 * std::numbers::pi * 440.0 / kRate;
    }
    return n;
  };
  keylock.set(1.25, 0.0);
  // Past the start, so that the steady state is measured.
  for (int b = 0; b < 64; ++b)
    keylock.render(out, 2, kBlock, tone);
  std::uint64_t block = 0;
  for (auto _ : state) {
    if (moving != 0) {
      const double t = static_cast<double>(block) * 0.01;
      keylock.set(moving == 3 ? 1.25 : std::exp2(std::sin(t)),
                  moving == 2 ? 0.0 : 7.0 * std::cos(t * 1.3));
    }
    benchmark::DoNotOptimize(keylock.render(out, 2, kBlock, tone));
    benchmark::ClobberMemory();
    ++block;
  }
  state.SetLabel(state.range(0) == 3 ? "R3" : state.range(0) == 1 ? "R3 short window" : "R2");
  // From the seconds per block (time / iterations): core_pct = 100 * that
  // / period, voices_rt = period / that.
  const double period = kBlock / kRate;
  state.counters["core_pct"] = benchmark::Counter(
      period / 100.0, benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
  state.counters["voices_rt"] =
      benchmark::Counter(period, benchmark::Counter::kIsIterationInvariantRate);
}
// {engine version, what moves}
BENCHMARK(BM_KeylockVoice)->ArgsProduct({{3, 1, 2}, {0, 1, 2, 3}})->ArgNames({"R", "moving"})->Unit(benchmark::kMicrosecond);

} // namespace

BENCHMARK_MAIN();

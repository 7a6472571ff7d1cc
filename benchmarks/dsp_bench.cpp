// What each DSP stage costs alone, without the Engine: one 256-frame block
// through the stage (stereo unless named), ns per block. The stages'
// in-place work runs on whatever the block left there; denormals are
// flushed, as on the engine's audio thread, so a signal fading to nothing
// costs what a loud one does.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <memory>
#include <vector>

#if defined(__SSE2__)
#include <xmmintrin.h>
#endif

#include "channels/snapshot.hpp"
#include "dsp/fade.hpp"
#include "dsp/gain.hpp"
#include "dsp/isolator.hpp"
#include "dsp/level.hpp"
#include "dsp/meter.hpp"
#include "dsp/pan.hpp"
#include "dsp/sample_player.hpp"
#include "voices/bus.hpp"
#include "voices/voice.hpp"

namespace {

using namespace ringengine;

constexpr std::uint32_t kBlock = 256;
constexpr double kRate = 48000;

// `channels` planes of a block, holding a sum of two sines.
struct Planes {
  explicit Planes(std::uint32_t channels)
      : data(channels, std::vector<float>(kBlock)), pointers(channels) {
    for (std::uint32_t c = 0; c < channels; ++c) {
      pointers[c] = data[c].data();
      for (std::uint32_t i = 0; i < kBlock; ++i)
        data[c][i] = static_cast<float>(0.4 * std::sin(0.05 * i * (c + 1)) +
                                        0.3 * std::sin(0.31 * i));
    }
  }
  float* const* planes() { return pointers.data(); }
  Signal signal(std::uint32_t channels) { return Signal{pointers.data(), channels, kBlock}; }
  std::vector<std::vector<float>> data;
  std::vector<float*> pointers;
};

SampleBuffer buffer(std::uint64_t frames, std::uint32_t channels) {
  SampleBuffer b;
  b.frames = frames;
  b.channels = channels;
  b.samples = std::make_unique<float[]>(frames * channels);
  for (std::uint64_t i = 0; i < frames * channels; ++i)
    b.samples[i] = static_cast<float>(0.5 * std::sin(0.013 * static_cast<double>(i)));
  return b;
}

// SamplePlayer: a looping buffer of 1 s, `channels` (range 0) at a steady
// rate of range 1 / 100 (1: the plain copy).
void BM_SamplePlayer(benchmark::State& state) {
  const auto channels = static_cast<std::uint32_t>(state.range(0));
  const double rate = static_cast<double>(state.range(1)) / 100;
  const SampleBuffer b = buffer(48000, channels);
  SamplePlayer player;
  player.start(&b, 1, true, PlayRegion{24000, 0, 0, 0});
  Planes out{channels};
  for (auto _ : state) {
    Signal s = out.signal(1);
    benchmark::DoNotOptimize(player.render(s, channels, nullptr, rate));
    benchmark::ClobberMemory();
  }
}

// SamplePlayer with a rate for every frame (a ramp, or the engine's speed moving).
void BM_SamplePlayerRamp(benchmark::State& state) {
  const auto channels = static_cast<std::uint32_t>(state.range(0));
  const SampleBuffer b = buffer(48000, channels);
  SamplePlayer player;
  player.start(&b, 1, true, PlayRegion{24000, 0, 0, 0});
  std::vector<double> rates(kBlock);
  for (std::uint32_t i = 0; i < kBlock; ++i)
    rates[i] = 0.8 + 0.6 * i / kBlock;
  Planes out{channels};
  for (auto _ : state) {
    Signal s = out.signal(1);
    benchmark::DoNotOptimize(player.render(s, channels, rates.data(), 0.0));
    benchmark::ClobberMemory();
  }
}

// Fade: moving through the whole block (range 0 = 1), or at rest (0).
void BM_Fade(benchmark::State& state) {
  const bool moving = state.range(0) != 0;
  Fade fade;
  fade.reset();
  Planes p{2};
  for (auto _ : state) {
    if (moving)
      fade.in(2 * kBlock);
    Signal s = p.signal(2);
    benchmark::DoNotOptimize(fade.process(s));
    benchmark::ClobberMemory();
  }
}

// Gain: 1 (nothing to do, range 0 = 0), steady 0.5 and 2 in turn (1), or
// ramping all the time (2).
void BM_Gain(benchmark::State& state) {
  const auto mode = state.range(0);
  Gain gain;
  gain.init();
  Planes p{2};
  bool up = false;
  for (auto _ : state) {
    if (mode == 1)
      gain.set(up ? 2.0f : 0.5f, 0);
    else if (mode == 2)
      gain.set(up ? 1.5f : 0.5f, 2 * kBlock);
    up = !up;
    Signal s = p.signal(2);
    gain.process(s);
    benchmark::ClobberMemory();
  }
}

// Pan: a mono (range 0 = 1) or stereo (2) signal added into a stereo mix,
// law range 1 (0 balance, 1 equal power), off centre; ramping when range 2
// is 1; metered when range 3 is 1.
void BM_Pan(benchmark::State& state) {
  const auto from = static_cast<std::uint32_t>(state.range(0));
  Pan pan;
  pan.init(state.range(1) != 0 ? PanLaw::equal_power : PanLaw::balance);
  pan.set(0.3f, 0);
  Meter meter;
  meter.init(2, state.range(3) != 0 ? 2400 : 0);
  Snapshot<MeterReading> readings;
  Planes x{from}, mix{2};
  std::uint64_t frame = 0;
  bool left = false;
  for (auto _ : state) {
    if (state.range(2) != 0)
      pan.set(left ? -0.5f : 0.5f, 2 * kBlock);
    left = !left;
    pan.mix_into(x.signal(from), mix.planes(), 2, meter);
    if (meter.on())
      meter.advance(kBlock, frame += kBlock, readings);
    benchmark::ClobberMemory();
  }
}

// Isolator: out of the path (range 0 = 0) or in it, steady (1).
void BM_Isolator(benchmark::State& state) {
  Isolator eq;
  eq.init(kRate, 2);
  if (state.range(0) != 0) {
    eq.set(Isolator::low, 0.0, 0);
    eq.set(Isolator::mid, 0.7, 0);
    eq.set(Isolator::high, 1.3, 0);
    Planes warm{2}; // past its fade in: the steady path
    for (int k = 0; k < 4; ++k) {
      Signal s = warm.signal(2);
      eq.process(s);
    }
  }
  Planes p{2};
  for (auto _ : state) {
    Signal s = p.signal(2);
    eq.process(s);
    benchmark::ClobberMemory();
  }
}

// Meter: a stereo block measured and taken, and the window advanced (a
// window of 2400 frames: published every tenth block or so).
void BM_Meter(benchmark::State& state) {
  Meter meter;
  meter.init(2, 2400);
  Snapshot<MeterReading> readings;
  Planes p{2};
  std::uint64_t frame = 0;
  for (auto _ : state) {
    for (std::uint32_t c = 0; c < 2; ++c)
      meter.take(c, measure(p.planes()[c], kBlock), 0.7f, p.planes()[c], kBlock);
    meter.advance(kBlock, frame += kBlock, readings);
    benchmark::ClobberMemory();
  }
}

// Voice: a sine (range 0 = 0), a mono buffer at rate 1 (1), a stereo buffer
// looping at 1.5 (2), into a stereo mix, gain 0.8, pan 0.3.
void BM_Voice(benchmark::State& state) {
  const auto mode = state.range(0);
  const SampleBuffer b = buffer(48000, mode == 2 ? 2 : 1);
  Voice voice;
  voice.init(kRate, 2, PanLaw::balance, 0);
  voice.set(Param::gain, 0.8f, 0);
  voice.set(Param::pan, 0.3f, 0);
  if (mode == 0) {
    voice.set(Param::freq, 440.0f, 0);
  } else {
    voice.set(Param::rate, mode == 2 ? 1.5f : 1.0f, 0);
    voice.play(&b, 1, true, 0, false, false);
  }
  Planes scratch{2}, tail{2}, mix{2};
  std::vector<double> rates(kBlock);
  const VoiceScratch lend{scratch.planes(), tail.planes(), rates.data(), nullptr, 1.0};
  for (auto _ : state) {
    benchmark::DoNotOptimize(voice.render(mix.planes(), 2, kBlock, lend));
    benchmark::ClobberMemory();
  }
}

// Bus: a stereo bus fed a block (its input cleared and one source added)
// and rendered into the next stage: at its defaults (range 0 = 0), with gain
// and pan (1), with the EQ in its path too (2).
void BM_Bus(benchmark::State& state) {
  const auto mode = state.range(0);
  Planes input{2}, source{2}, next{2};
  Bus bus;
  bus.init(kRate, 2, PanLaw::balance, input.planes(), 0);
  if (mode >= 1) {
    bus.set(BusParam::gain, 0.8f, 0);
    bus.set(BusParam::pan, -0.2f, 0);
  }
  if (mode == 2) {
    bus.set(BusParam::eq_low, -80.0f, 0);
    bus.set(BusParam::eq_high, 3.0f, 0);
  }
  for (auto _ : state) {
    float* const* in = bus.input(kBlock);
    for (std::uint32_t c = 0; c < 2; ++c)
      for (std::uint32_t i = 0; i < kBlock; ++i)
        in[c][i] += source.data[c][i];
    bus.render(next.planes(), kBlock);
    benchmark::ClobberMemory();
  }
}

} // namespace

// Every case: ns a block, with the min and max of the repetitions beside
// the median (this VM's timings swing; docs/benchmarks.md).
benchmark::internal::Benchmark* spread(benchmark::internal::Benchmark* b) {
  return b
      ->ComputeStatistics("min", [](const std::vector<double>& v) {
        return *std::min_element(v.begin(), v.end());
      })
      ->ComputeStatistics("max", [](const std::vector<double>& v) {
        return *std::max_element(v.begin(), v.end());
      })
      ->Unit(benchmark::kNanosecond);
}

BENCHMARK(BM_SamplePlayer)->Name("dsp/sample_player")->ArgNames({"ch", "rate%"})
    ->Args({1, 100})->Args({2, 100})->Args({1, 150})->Args({2, 150})->Args({3, 150})
    ->Args({2, 73})->Args({2, -125})->Apply([](auto* b) { spread(b); });
BENCHMARK(BM_SamplePlayerRamp)->Name("dsp/sample_player_rate_ramp")->ArgNames({"ch"})
    ->Arg(1)->Arg(2)->Apply([](auto* b) { spread(b); });
BENCHMARK(BM_Fade)->Name("dsp/fade")->ArgNames({"moving"})->Arg(0)->Arg(1)
    ->Apply([](auto* b) { spread(b); });
BENCHMARK(BM_Gain)->Name("dsp/gain")->ArgNames({"mode"})->Arg(0)->Arg(1)->Arg(2)
    ->Apply([](auto* b) { spread(b); });
BENCHMARK(BM_Pan)->Name("dsp/pan")->ArgNames({"ch", "equal_power", "ramp", "meter"})
    ->Args({1, 0, 0, 0})->Args({1, 1, 0, 0})->Args({2, 0, 0, 0})->Args({1, 1, 1, 0})
    ->Args({1, 1, 0, 1})->Args({2, 0, 0, 1})->Apply([](auto* b) { spread(b); });
BENCHMARK(BM_Isolator)->Name("dsp/isolator")->ArgNames({"engaged"})->Arg(0)->Arg(1)
    ->Apply([](auto* b) { spread(b); });
BENCHMARK(BM_Meter)->Name("dsp/meter")->Apply([](auto* b) { spread(b); });
BENCHMARK(BM_Voice)->Name("dsp/voice")->ArgNames({"source"})->Arg(0)->Arg(1)->Arg(2)
    ->Apply([](auto* b) { spread(b); });
BENCHMARK(BM_Bus)->Name("dsp/bus")->ArgNames({"mode"})->Arg(0)->Arg(1)->Arg(2)
    ->Apply([](auto* b) { spread(b); });

int main(int argc, char** argv) {
#if defined(__SSE2__)
  _mm_setcsr(_mm_getcsr() | 0x8040); // flush to zero, denormals are zero
#endif
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv))
    return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}

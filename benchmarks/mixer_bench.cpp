// What the mixer costs the audio thread: process() of 32 sounding voices at
// 256 frames, stereo, with the voices on 1 bus or spread over 8, the
// three-band EQ in every bus's and the master's path or out of it, and the
// meters on (meter_ms 50) or off (meter_ms 0). Each case reports its time
// per block and the DSP load it means: that time over the block's period
// (5.33 ms at 48 kHz). The target (docs/benchmarks.md): 32 voices into 8
// buses with EQ and meters at most 5 % of the period.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "core/engine.hpp"

namespace {

using namespace ringengine;

constexpr std::uint32_t kBlock = 256;
constexpr std::uint32_t kVoices = 32;

void send(Engine& engine, Message m) {
  if (!engine.send(m))
    std::abort();
}

// Args: buses the voices are spread over (1 or 8), EQ (0 or 1), meters (0 or 1).
void BM_Mix(benchmark::State& state) {
  const auto buses = static_cast<std::uint32_t>(state.range(0));
  const bool eq = state.range(1) != 0, meters = state.range(2) != 0;
  EngineConfig c;
  c.buses = 8;
  c.meter_ms = meters ? 50 : 0;
  Engine engine{c};
  for (std::uint32_t v = 0; v < kVoices; ++v) {
    send(engine, Message::set_param(v, Param::freq, 110.0f + 7.0f * v));
    send(engine, Message::set_param(v, Param::gain, 1.0f / kVoices));
    send(engine, Message::set_param(v, Param::pan, -1.0f + 2.0f * v / kVoices));
    send(engine, Message::set_param(v, Param::bus, static_cast<float>(v % buses)));
  }
  if (eq)
    for (std::uint32_t b = 0; b <= c.buses; ++b) {
      const std::uint32_t bus = b == c.buses ? kMasterBus : b;
      send(engine, Message::set_bus(bus, BusParam::eq_low, -INFINITY));
      send(engine, Message::set_bus(bus, BusParam::eq_mid, -3.0f));
      send(engine, Message::set_bus(bus, BusParam::eq_high, 2.0f));
    }
  std::vector<float> out(kBlock * 2);
  for (int i = 0; i < 8; ++i) // past the EQ's fade in
    engine.process(AudioOut{out.data(), nullptr}, kBlock);
  for (auto _ : state) {
    engine.process(AudioOut{out.data(), nullptr}, kBlock);
    benchmark::DoNotOptimize(out.data());
  }
  // The time per block over the block's period: kIsRate divides by the
  // seconds taken, kInvert turns that over.
  const double period_s = static_cast<double>(kBlock) / c.sample_rate;
  state.counters["dsp_load"] = benchmark::Counter(
      static_cast<double>(state.iterations()) * period_s,
      benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

} // namespace

BENCHMARK(BM_Mix)
    ->Name("mixer/32_voices")
    ->ArgNames({"buses", "eq", "meters"})
    ->Args({1, 0, 0})
    ->Args({1, 0, 1})
    ->Args({8, 0, 0})
    ->Args({8, 0, 1})
    ->Args({8, 1, 0})
    ->Args({8, 1, 1})
    ->ComputeStatistics("min", [](const std::vector<double>& v) {
      return *std::min_element(v.begin(), v.end());
    })
    ->ComputeStatistics("max", [](const std::vector<double>& v) {
      return *std::max_element(v.begin(), v.end());
    })
    ->Unit(benchmark::kMicrosecond);

BENCHMARK_MAIN();

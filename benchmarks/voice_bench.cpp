// What sound costs the audio thread: process() with voices sounding (ns per
// voice-sample), with parameters ramping, with commands applied at frames
// inside the block (ns per command), and an empty block with 32 idle voices.
// Targets (docs/benchmarks.md): at most 3 ns a voice-sample (64 voices at
// 48 kHz under 1% of a core), at most 100 ns for the empty block.
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdint>
#include <vector>

#include "core/engine.hpp"

namespace {

using ringengine::AudioOut;
using ringengine::Engine;
using ringengine::EngineConfig;
using ringengine::Message;
using ringengine::Param;

constexpr std::uint32_t kBlock = 256;

EngineConfig with_voices(std::uint32_t voices) {
  EngineConfig c;
  c.voices = voices;
  c.schedule = 4096;
  return c;
}

void send(Engine& engine, Message m) {
  if (!engine.send(m))
    std::abort();
}

// N voices at constant frequency, gain and pan, into a stereo interleaved
// block: the steady cost of sound.
void BM_Voices(benchmark::State& state) {
  const auto voices = static_cast<std::uint32_t>(state.range(0));
  Engine engine{with_voices(voices)};
  for (std::uint32_t v = 0; v < voices; ++v) {
    send(engine, Message::set_param(v, Param::freq, 110.0f + 7.0f * v));
    send(engine, Message::set_param(v, Param::gain, 1.0f / voices));
    send(engine, Message::set_param(v, Param::pan, -1.0f + 2.0f * v / voices));
  }
  std::vector<float> out(kBlock * 2);
  for (auto _ : state) {
    engine.process(AudioOut{out.data(), nullptr}, kBlock);
    benchmark::DoNotOptimize(out.data());
  }
  state.counters["ns_per_voice_sample"] = benchmark::Counter(
      static_cast<double>(state.iterations()) * voices * kBlock,
      benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

// The same voices with gain and pan always moving: the per-frame path.
void BM_VoicesRamping(benchmark::State& state) {
  const auto voices = static_cast<std::uint32_t>(state.range(0));
  Engine engine{with_voices(voices)};
  for (std::uint32_t v = 0; v < voices; ++v)
    send(engine, Message::set_param(v, Param::freq, 110.0f + 7.0f * v));
  std::vector<float> out(kBlock * 2);
  bool up = false;
  for (auto _ : state) {
    state.PauseTiming();
    for (std::uint32_t v = 0; v < voices; ++v)
      send(engine, Message::set_param(v, Param::gain, up ? 0.5f : 0.1f, ringengine::kFrameNext,
                                      kBlock));
    up = !up;
    state.ResumeTiming();
    engine.process(AudioOut{out.data(), nullptr}, kBlock);
    benchmark::DoNotOptimize(out.data());
  }
  state.counters["ns_per_voice_sample"] = benchmark::Counter(
      static_cast<double>(state.iterations()) * voices * kBlock,
      benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

// N set_param commands per block, each at its own frame inside the block,
// on 32 idle voices: the cost of taking, scheduling and applying commands
// (and of cutting the block at each one). Timed alone, by hand.
void BM_Commands(benchmark::State& state) {
  const auto n = static_cast<std::uint32_t>(state.range(0));
  Engine engine{with_voices(32)};
  std::vector<float> out(kBlock * 2);
  std::uint64_t position = 0;
  for (auto _ : state) {
    for (std::uint32_t i = 0; i < n; ++i)
      send(engine, Message::set_param(i % 32, Param::pan, 0.5f, position + (i * kBlock) / n));
    const auto t0 = std::chrono::steady_clock::now();
    engine.process(AudioOut{out.data(), nullptr}, kBlock);
    const auto t1 = std::chrono::steady_clock::now();
    state.SetIterationTime(std::chrono::duration<double>(t1 - t0).count());
    position += kBlock;
  }
  state.counters["commands"] = n;
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * n));
}

// An empty block: 32 idle voices, nothing pending, silence written.
void BM_EmptyBlock(benchmark::State& state) {
  Engine engine{with_voices(32)};
  std::vector<float> out(kBlock * 2);
  for (auto _ : state) {
    engine.process(AudioOut{out.data(), nullptr}, kBlock);
    benchmark::DoNotOptimize(out.data());
  }
}

} // namespace

BENCHMARK(BM_Voices)->Name("voices/steady")->Arg(1)->Arg(32)->Arg(64)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_VoicesRamping)->Name("voices/ramping")->Arg(64)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Commands)->Name("voices/commands")->Arg(1)->Arg(16)->Arg(256)->UseManualTime()->Unit(benchmark::kNanosecond);
BENCHMARK(BM_EmptyBlock)->Name("voices/empty_block_32_idle")->Unit(benchmark::kNanosecond);

BENCHMARK_MAIN();

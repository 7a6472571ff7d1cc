// The audio thread's cost of messages: Engine::process() on a 256-frame
// block with 0, 1, 64 and 1024 pending pings. (The rings themselves beside
// their peers: ring_compare.cpp.)
//
// Run through tools/bench.sh, which interleaves repetitions at random and
// reports medians.
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdint>
#include <vector>

#include "core/engine.hpp"
#include "messages/message.hpp"

namespace {

using ringengine::Message;

constexpr std::size_t kCapacity = 1024; // the default ring capacity

// ---- The audio thread's cost: process() with N pending pings --------------

// Times only process(): the control side fills the ring and drains the
// replies outside the timed region (manual timing, steady_clock).
void BM_Process(benchmark::State& state) {
  const auto pending = static_cast<std::uint32_t>(state.range(0));
  ringengine::Engine engine{ringengine::EngineConfig{}};
  std::vector<Message> replies(kCapacity);
  std::uint32_t first = 0;
  for (auto _ : state) {
    engine.send_pings(pending, first);
    const auto t0 = std::chrono::steady_clock::now();
    engine.process(ringengine::AudioOut{}, 256);
    const auto t1 = std::chrono::steady_clock::now();
    state.SetIterationTime(std::chrono::duration<double>(t1 - t0).count());
    engine.recv_many(replies.data(), replies.size());
  }
  state.counters["pings"] = pending;
  if (pending > 0)
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * pending));
}

// An empty block without the timer's own cost in the figure: nothing needs
// refilling, so the loop times process() alone.
void BM_ProcessEmptyBlock(benchmark::State& state) {
  ringengine::Engine engine{ringengine::EngineConfig{}};
  for (auto _ : state)
    engine.process(ringengine::AudioOut{}, 256);
}

// The timer's own cost, to read BM_Process's figures against.
void BM_ClockPair(benchmark::State& state) {
  for (auto _ : state) {
    auto t0 = std::chrono::steady_clock::now();
    auto t1 = std::chrono::steady_clock::now();
    benchmark::DoNotOptimize(t1 - t0);
  }
}

} // namespace

BENCHMARK(BM_Process)->Name("process/pending")->Arg(0)->Arg(1)->Arg(64)->Arg(1024)->UseManualTime()->Unit(benchmark::kNanosecond);
BENCHMARK(BM_ProcessEmptyBlock)->Name("process/empty_block")->Unit(benchmark::kNanosecond);
BENCHMARK(BM_ClockPair)->Name("process/clock_pair")->Unit(benchmark::kNanosecond);

BENCHMARK_MAIN();

// Ring benchmarks: our SPSC ring beside boost::lockfree::spsc_queue and
// moodycamel::ReaderWriterQueue, on the same 16-byte messages with room for
// 1024, the two threads pinned to different cores; and the audio thread's
// cost of Engine::process() with 0, 1, 64 and 1024 pending pings.
//
// Run through tools/bench.sh, which interleaves repetitions of all
// benchmarks at random and reports medians and ratios to the peers.
#include <benchmark/benchmark.h>
#include <pthread.h>
#include <sched.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <thread>

#include <boost/lockfree/spsc_queue.hpp>
#include <readerwriterqueue/readerwriterqueue.h>

#include "engine.hpp"
#include "message.hpp"
#include "spsc_ring.hpp"

namespace {

using ringengine::Message;

constexpr std::size_t kCapacity = 1024;

// ---- The three queues behind one interface -------------------------------

struct OurRing {
  static constexpr const char* name = "ringengine";
  std::pair<ringengine::Producer<Message>, ringengine::Consumer<Message>> ends =
      ringengine::make_ring<Message>(kCapacity);
  bool push(const Message& m) { return ends.first.try_push(m); }
  bool pop(Message& m) { return ends.second.try_pop(m); }
};

struct BoostRing {
  // capacity<N> holds N - 1 elements: one more slot for the same room.
  boost::lockfree::spsc_queue<Message, boost::lockfree::capacity<kCapacity + 1>> q;
  bool push(const Message& m) { return q.push(m); }
  bool pop(Message& m) { return q.pop(m); }
};

struct MoodyRing {
  moodycamel::ReaderWriterQueue<Message> q{kCapacity};
  bool push(const Message& m) { return q.try_enqueue(m); } // never allocates
  bool pop(Message& m) { return q.try_dequeue(m); }
};

void pin_to_cpu(int cpu) {
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu % std::max(1u, std::thread::hardware_concurrency()), &set);
  pthread_setaffinity_np(pthread_self(), sizeof set, &set);
}

// ---- Throughput: one producer, one consumer -------------------------------

template <typename Q> void BM_Throughput(benchmark::State& state) {
  constexpr std::uint64_t kMessages = 1 << 20;
  pin_to_cpu(0);
  for (auto _ : state) {
    Q q;
    std::thread consumer([&q] {
      pin_to_cpu(1);
      Message m;
      for (std::uint64_t got = 0; got < kMessages;)
        if (q.pop(m)) {
          benchmark::DoNotOptimize(m);
          ++got;
        }
    });
    for (std::uint64_t i = 0; i < kMessages;)
      if (q.push(Message::ping(static_cast<std::uint32_t>(i))))
        ++i;
    consumer.join();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kMessages));
}

// ---- Round trip: ping over one ring, pong back over another ----------------

template <typename Q> void BM_RoundTrip(benchmark::State& state) {
  constexpr std::uint32_t kTrips = 1 << 16;
  pin_to_cpu(0);
  for (auto _ : state) {
    Q there, back;
    std::thread echo([&] {
      pin_to_cpu(1);
      Message m;
      for (std::uint32_t n = 0; n < kTrips;)
        if (there.pop(m)) {
          while (!back.push(Message::pong(m.id, 0))) {
          }
          ++n;
        }
    });
    Message m;
    for (std::uint32_t i = 0; i < kTrips; ++i) {
      while (!there.push(Message::ping(i))) {
      }
      while (!back.pop(m)) {
      }
    }
    echo.join();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kTrips));
  state.counters["ns_per_round_trip"] = benchmark::Counter(
      static_cast<double>(state.iterations() * kTrips),
      benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

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

BENCHMARK_TEMPLATE(BM_Throughput, OurRing)->Name("throughput/ringengine")->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK_TEMPLATE(BM_Throughput, BoostRing)->Name("throughput/boost")->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK_TEMPLATE(BM_Throughput, MoodyRing)->Name("throughput/moodycamel")->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK_TEMPLATE(BM_RoundTrip, OurRing)->Name("round_trip/ringengine")->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK_TEMPLATE(BM_RoundTrip, BoostRing)->Name("round_trip/boost")->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK_TEMPLATE(BM_RoundTrip, MoodyRing)->Name("round_trip/moodycamel")->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Process)->Name("process/pending")->Arg(0)->Arg(1)->Arg(64)->Arg(1024)->UseManualTime()->Unit(benchmark::kNanosecond);
BENCHMARK(BM_ProcessEmptyBlock)->Name("process/empty_block")->Unit(benchmark::kNanosecond);
BENCHMARK(BM_ClockPair)->Name("process/clock_pair")->Unit(benchmark::kNanosecond);

BENCHMARK_MAIN();

// The null backend: a thread that calls process() once per block period,
// paced by the clock, standing in for a sound card's interrupt.
#include <pthread.h>
#include <sched.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <system_error>
#include <thread>

#include "backends/backend_impl.hpp"
#include "backends/realtime_scope.hpp"

namespace ringengine {

namespace {

using Clock = std::chrono::steady_clock;

class NullBackend final : public Backend {
public:
  explicit NullBackend(AudioCallback& engine) : engine_(engine) {
    const StreamConfig c = engine.stream();
    info_.kind = BackendKind::null;
    info_.device = "null";
    info_.block_frames = c.block_frames;
    period_ = std::chrono::nanoseconds(std::uint64_t{c.block_frames} * 1'000'000'000u /
                                       c.sample_rate);
    thread_ = std::thread([this] { run(); });
    pthread_setname_np(thread_.native_handle(), "ringengine-null");
    // As an audio driver's thread would run: real-time scheduling when the
    // system grants it (root, or an rtprio limit), normal priority otherwise.
    sched_param param{};
    param.sched_priority = kRealtimePriority;
    pthread_setschedparam(thread_.native_handle(), SCHED_FIFO, &param);
  }
  ~NullBackend() override { stop(); }

  void stop() noexcept override {
    stopping_.store(true, std::memory_order_relaxed);
    if (thread_.joinable())
      thread_.join();
  }

private:
  void run() noexcept {
    const std::uint32_t frames = engine_.stream().block_frames;
    auto next = Clock::now();
    while (!stopping_.load(std::memory_order_relaxed)) {
      {
        RealtimeScope realtime;
        engine_.process(AudioOut{}, frames); // computed, heard by no one
      }
      next += period_;
      const auto now = Clock::now();
      if (now - next > period_) {
        // More than a block late: a sound card would have run dry.
        engine_.note_xrun();
        next = now;
      }
      wait_until(next);
    }
  }

  // The "driver" side, between blocks, as a real device's thread waits on
  // its interrupt. Sleeps in short slices so stop() returns promptly even
  // with long blocks.
  void wait_until(Clock::time_point deadline) const noexcept {
    constexpr auto kSlice = std::chrono::milliseconds(2);
    for (auto now = Clock::now(); now < deadline; now = Clock::now()) {
      if (stopping_.load(std::memory_order_relaxed))
        return;
      std::this_thread::sleep_for(std::min<Clock::duration>(deadline - now, kSlice));
    }
  }

  static constexpr int kRealtimePriority = 70; // below JACK's default (the driver's 80+)

  AudioCallback& engine_;
  Clock::duration period_{};
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

} // namespace

std::unique_ptr<Backend> start_null_backend(AudioCallback& engine, const BackendRequest&) {
  try {
    return std::make_unique<NullBackend>(engine);
  } catch (const std::system_error& e) {
    throw BackendError(BackendError::Code::unavailable,
                       std::string("cannot start the null backend's thread: ") + e.what());
  }
}

} // namespace ringengine

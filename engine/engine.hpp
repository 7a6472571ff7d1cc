// The Engine: a command ring (control side -> audio thread), a reply ring
// (audio thread -> control side), and the audio thread's process() that
// drains the commands and answers them.
//
// Two sides, two sets of rules:
// - Control side (send_*, recv_*, stats): any thread. Callers of the same
//   direction are serialized by a control-side mutex that the audio thread
//   never takes, so the audio thread never waits for them.
// - Audio side (process, note_xrun): one thread at a time, the backend's.
//   Wait-free: no allocation, no lock, no system call.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <mutex>

#include "message.hpp"
#include "spsc_ring.hpp"
#include "tick_clock.hpp"

namespace ringengine {

struct EngineConfig {
  std::size_t capacity = 1024; // messages per ring, exactly
  std::uint32_t sample_rate = 48000;
  std::uint32_t block_frames = 256;
  std::uint32_t channels = 2;
};

// A snapshot of the counters. Each field is read atomically; the set is not
// one instant (a block may finish between two reads).
struct EngineStats {
  std::uint64_t callbacks;       // blocks processed
  std::uint64_t frames;          // frames processed
  std::uint64_t pings_sent;      // pings accepted by the command ring
  std::uint64_t pings_rejected;  // pings refused: command ring full
  std::uint64_t pings_handled;   // pings taken by the audio thread
  std::uint64_t pongs_sent;      // pongs pushed to the reply ring
  std::uint64_t pongs_dropped;   // pongs dropped: reply ring full
  std::uint64_t pongs_received;  // pongs taken by the control side
  std::uint64_t xruns;           // under/overruns the backend reported
  std::uint64_t max_callback_ns; // longest process() so far
};

class Engine {
public:
  // Largest capacity accepted: 2^20 messages, 16 MiB per ring.
  static constexpr std::size_t kMaxCapacity = std::size_t{1} << 20;

  // Allocates both rings. Throws std::invalid_argument on a capacity of 0 or
  // above kMaxCapacity, std::bad_alloc when memory runs out.
  explicit Engine(const EngineConfig& config);
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  const EngineConfig& config() const noexcept { return config_; }

  // Control side. Thread: any. Blocks only while another thread is inside
  // a send call; never waits on the audio thread.
  // Pushes a ping; its sequence number goes to `seq`. False when the command
  // ring is full: the ping is dropped and counted in pings_rejected.
  [[nodiscard]] bool send_ping(std::uint32_t& seq) noexcept;
  // Pushes up to n pings with consecutive sequence numbers from `first_seq`;
  // returns how many went in. The rest are counted in pings_rejected.
  std::size_t send_pings(std::size_t n, std::uint32_t& first_seq) noexcept;

  // Control side. Thread: any. Blocks only while another thread is inside
  // a recv call; never waits on the audio thread.
  // Pops one reply; false when none is waiting.
  [[nodiscard]] bool try_recv(Message& out) noexcept;
  // Pops up to n replies into out[0..n); returns how many.
  std::size_t recv_many(Message* out, std::size_t n) noexcept;

  // Audio side. Thread: the audio thread only, one call at a time.
  // Non-blocking: wait-free. Handles the commands waiting at the start of
  // the block (at most one ring's worth), answers each ping with a pong
  // stamped with this block's first frame, then advances the position.
  void process(std::uint32_t frames) noexcept;
  // Audio side. Counts an under/overrun reported by the backend.
  void note_xrun() noexcept;

  // Thread: any. Non-blocking.
  EngineStats stats() const noexcept;

#ifdef RINGENGINE_TEST_HOOKS
  // Test builds only: makes the next process() break the real-time rules
  // once, so a test can show that the checks catch it.
  enum class Violation { none, allocate, lock };
  void inject_violation_for_testing(Violation v) noexcept { inject_.store(v); }
#endif

private:
  using Ends = std::pair<Producer<Message>, Consumer<Message>>;
  struct Rings {
    Ends commands, replies;
  };
  static Rings make_rings(std::size_t capacity);
  Engine(const EngineConfig& config, Rings rings);

  // Single writer per counter, so increments need no read-modify-write.
  static void bump(std::atomic<std::uint64_t>& c, std::uint64_t by) noexcept {
    c.store(c.load(std::memory_order_relaxed) + by, std::memory_order_relaxed);
  }

  const EngineConfig config_;
  const TickClock clock_; // times process() for max_callback_ns

  // The ends of both rings, grouped by the thread that owns them.
  struct Sender {
    std::mutex lock;
    Producer<Message> commands;
    std::uint32_t next_seq = 0;
  };
  struct Receiver {
    std::mutex lock;
    Consumer<Message> replies;
  };
  struct Audio {
    Consumer<Message> commands;
    Producer<Message> replies;
    std::uint64_t position = 0; // frames processed so far
  };
  alignas(kCacheLine) Sender sender_;
  alignas(kCacheLine) Receiver receiver_;
  alignas(kCacheLine) Audio audio_;

  // Counters, relaxed: each is written by one side (under its lock, or by
  // the audio thread) and only read elsewhere; nothing is published by them.
  alignas(kCacheLine) std::atomic<std::uint64_t> callbacks_{0}, frames_{0},
      pings_handled_{0}, pongs_sent_{0}, pongs_dropped_{0}, xruns_{0},
      max_callback_ticks_{0};
  alignas(kCacheLine) std::atomic<std::uint64_t> pings_sent_{0},
      pings_rejected_{0};
  alignas(kCacheLine) std::atomic<std::uint64_t> pongs_received_{0};
#ifdef RINGENGINE_TEST_HOOKS
  std::atomic<Violation> inject_{Violation::none};
  std::mutex injected_lock_;
#endif
};

} // namespace ringengine

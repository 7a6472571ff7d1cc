// The Engine: a command ring (control side -> audio thread), a reply ring
// (audio thread -> control side), a pool of voices, and the audio thread's
// process() that takes the commands, applies each at its frame, renders the
// voices into the block, and answers.
//
// Two sides, two sets of rules:
// - Control side (send*, recv*, stats, frame): any thread. Callers of the
//   same direction are serialized by a control-side mutex that the audio
//   thread never takes, so the audio thread never waits for them.
// - Audio side (process, note_xrun): one thread at a time, the backend's.
//   Wait-free: no allocation, no lock, no system call.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>

#include "resources/buffers.hpp"
#include "messages/message.hpp"
#include "core/schedule.hpp"
#include "rings/spsc_ring.hpp"
#include "rings/tick_clock.hpp"
#include "voices/voice.hpp"

namespace ringengine {

// The defaults: engine_config_init() hands these to C and, through it, to
// Python (ringengine.DEFAULTS), so there is one copy of them.
struct EngineConfig {
  std::size_t capacity = 1024; // messages per ring, exactly
  std::uint32_t sample_rate = 48000;
  std::uint32_t block_frames = 256;
  std::uint32_t channels = 2;
  std::uint32_t voices = 32;     // voices in the pool
  std::size_t schedule = 1024;   // commands held for future frames
  std::uint32_t buffers = 256;   // sample buffers loaded at once
};

// A snapshot of the counters. Each field is read atomically; the set is not
// one instant (a block may finish between two reads). The C ABI's
// engine_stats begins with these fields, in this order (capi/ asserts it).
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
  std::uint64_t commands_sent;     // commands of every kind accepted by the ring
  std::uint64_t commands_rejected; // commands of every kind refused: ring full
  std::uint64_t late;      // commands whose frame had passed: applied at a block's start
  std::uint64_t dropped;   // commands for a later frame that the full schedule refused
  std::uint64_t unhandled; // commands the audio thread could not carry out
  std::uint64_t events_dropped; // voice_ended, buffer_released: reply ring full
  std::uint64_t buffers_live;   // buffers loaded and not yet freed
};

// The block's output, as the backend has it: interleaved (frame i, channel
// c at interleaved[i * channels + c]) or planar (channel c at planes[c]).
// Neither: the block is computed and discarded.
struct AudioOut {
  float* interleaved = nullptr;
  float* const* planes = nullptr;
};

class Engine {
public:
  // Largest capacity (and schedule) accepted: 2^20 messages.
  static constexpr std::size_t kMaxCapacity = std::size_t{1} << 20;
  static constexpr std::uint32_t kMaxVoices = 4096;
  // The longest stretch rendered at once; longer blocks are cut up.
  static constexpr std::uint32_t kChunk = 256;

  // Allocates the rings, the schedule and the voices. Throws
  // std::invalid_argument on a size out of range, std::bad_alloc when
  // memory runs out.
  explicit Engine(const EngineConfig& config);
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  const EngineConfig& config() const noexcept { return config_; }

  // Why `m` is not a command this engine can take (nullptr: it can): an
  // unknown kind, a voice or parameter out of range, a NaN. Thread: any.
  const char* invalid(const Message& m) const noexcept;

  // Control side. Thread: any. Blocks only while another thread is inside
  // a send call; never waits on the audio thread.
  // Pushes a command (checked with invalid() first: the caller's job); a
  // ping gets the next sequence number in m.id. False when the command ring
  // is full: the command is dropped and counted.
  [[nodiscard]] bool send(Message& m) noexcept;
  // Pushes a ping to be answered at the next block; its number goes to `seq`.
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

  // Control side: sample buffers (the protocol: buffers.hpp). Thread: any;
  // serialized by a buffer lock the audio thread never takes.
  // Copies frames * channels interleaved samples into a buffer the engine
  // owns and returns its id; 0 when `buffers` are loaded already. Throws
  // std::bad_alloc.
  std::uint32_t load_buffer(const float* samples, std::uint64_t frames, std::uint32_t channels);
  // Starts letting go of buffer `id`: voices playing it stop at the next
  // block, and its memory is freed by a later control call once the audio
  // thread has let go. False when `id` is not a loaded, open buffer.
  bool close_buffer(std::uint32_t id) noexcept;
  // Whether `id` may be played.
  bool buffer_live(std::uint32_t id) const noexcept;
  // Frees the buffers the audio thread has let go of (and sends the closes
  // a full ring refused before). The receive calls do it too.
  void collect_buffers() noexcept;

  // Audio side. Thread: the audio thread only, one call at a time.
  // Non-blocking: wait-free. Takes the commands waiting at the start of the
  // block (at most one ring's worth), applies each at its frame (the
  // block is split there), renders the voices into `out`, answers, then
  // advances the position by `frames`.
  void process(const AudioOut& out, std::uint32_t frames) noexcept;
  // Audio side. Counts an under/overrun reported by the backend.
  void note_xrun() noexcept;

  // The engine's position: frames processed so far. Thread: any.
  std::uint64_t frame() const noexcept { return frames_.load(std::memory_order_relaxed); }

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
  static Rings make_rings(const EngineConfig& config);
  Engine(const EngineConfig& config, Rings rings);

  // Audio side: the one place a command takes effect, at `offset` frames
  // into the current block.
  void dispatch(const Message& m, std::uint32_t offset) noexcept;
  // Audio side: a command just taken from the ring goes to dispatch() now
  // or to the schedule.
  void admit(const Message& m) noexcept;
  // Audio side: renders frames [offset, offset + n) of the block, n <= kChunk.
  void render(const AudioOut& out, std::uint32_t offset, std::uint32_t n) noexcept;
  // Audio side: a reply that is not a pong; a full ring drops and counts it.
  void emit(const Message& m) noexcept;
  // Audio side: puts voice v in the active list.
  void activate(std::uint32_t v) noexcept;
  // Audio side: ends the buffer voice v plays, saying so, at `frame`.
  void end_buffer(std::uint32_t v, std::uint64_t frame) noexcept;

  // Single writer per counter, so increments need no read-modify-write.
  static void bump(std::atomic<std::uint64_t>& c, std::uint64_t by) noexcept {
    c.store(c.load(std::memory_order_relaxed) + by, std::memory_order_relaxed);
  }

  const EngineConfig config_;
  const TickClock clock_; // times process() for max_callback_ns

  // The ends of both rings and the audio thread's state, grouped by the
  // thread that owns them.
  // What one send touches, by cache line: this struct's first line (the
  // lock, the sequence number and the two counters a send writes), the
  // producer end, the slot, and the ring's tail (docs/architecture.md).
  struct Sender {
    std::mutex lock;
    std::uint32_t next_seq = 0;
    // Written under the lock, read by stats() from any thread.
    std::atomic<std::uint64_t> pings_sent{0}, commands_sent{0};
    Producer<Message> commands;
  };
  struct Receiver {
    std::mutex lock;
    Consumer<Message> replies;
  };
  struct Audio {
    Consumer<Message> commands;
    Producer<Message> replies;
    Schedule schedule;
    std::unique_ptr<Voice[]> voices;
    // The voices that are not resting, so that idle voices cost nothing:
    // active[0 .. active_count), each listed once (listed[v]).
    std::unique_ptr<std::uint32_t[]> active;
    std::unique_ptr<bool[]> listed;
    std::uint32_t active_count = 0;
    std::unique_ptr<float[]> mix;       // channels planes of kChunk frames
    std::unique_ptr<float*[]> planes;   // into mix
    std::unique_ptr<float[]> scratch;   // kChunk frames, for one voice
    std::uint64_t position = 0;         // frames processed before this block
  };
  BufferTable buffers_;          // slots: see buffers.hpp for who touches what
  mutable std::mutex buffer_lock_; // the control side's, around buffers_
  std::atomic<std::uint32_t> closing_{0}; // buffers closing; read without the lock

  alignas(kCacheLine) Sender sender_;
  static_assert(offsetof(Sender, commands) == kCacheLine,
                "a send's lock, sequence and counters share one line");
  alignas(kCacheLine) Receiver receiver_;
  alignas(kCacheLine) Audio audio_;

  // Counters, relaxed: each is written by one side (under its lock, or by
  // the audio thread) and only read elsewhere; nothing is published by them.
  alignas(kCacheLine) std::atomic<std::uint64_t> callbacks_{0}, frames_{0},
      pings_handled_{0}, pongs_sent_{0}, pongs_dropped_{0}, xruns_{0},
      max_callback_ticks_{0}, late_{0}, dropped_{0}, unhandled_{0}, events_dropped_{0};
  alignas(kCacheLine) std::atomic<std::uint64_t> pings_rejected_{0}, commands_rejected_{0};
  alignas(kCacheLine) std::atomic<std::uint64_t> pongs_received_{0};
  std::atomic<std::uint64_t> buffers_live_{0}; // under buffer_lock_
#ifdef RINGENGINE_TEST_HOOKS
  std::atomic<Violation> inject_{Violation::none};
  std::mutex injected_lock_;
#endif
};

} // namespace ringengine

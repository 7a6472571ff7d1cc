// The Engine: the parts of the program, owned and run in order. Each part
// has one job and its own file (docs/architecture.md draws them):
//   CommandChecks (core/checks)       why a command cannot be taken
//   CommandPort   (core/command_port) the command and reply rings, the
//                                     parameter path, their counters
//   Dispatcher    (core/dispatch)     the schedule, one handler per kind
//   Mixer         (voices/mixer)      voices, buses, the render, voice state
//   BufferTable   (resources/buffer_table) the buffers lent, the file loader
//   Recordings    (resources/recordings)   the recorders lent
//   Metrics       (telemetry/metrics) counters, load, DSP load, meters
//
// Two sides, two sets of rules:
// - Control side (send*, recv*, buffers, recordings, stats, frame): any
//   thread. Callers of the same direction are serialized by a control-side
//   mutex that the audio thread never takes, so the audio thread never
//   waits for them.
// - Audio side (process, note_xrun): one thread at a time, the backend's.
//   Wait-free: no allocation, no lock, no system call.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <utility>

#include "backends/audio_callback.hpp"
#include "core/checks.hpp"
#include "core/command_port.hpp"
#include "core/config.hpp"
#include "core/dispatch.hpp"
#include "core/refusal.hpp"
#include "messages/message.hpp"
#include "resources/buffer_table.hpp"
#include "resources/file_loader.hpp"
#include "resources/handoff.hpp"
#include "resources/recordings.hpp"
#include "resources/sample_buffer.hpp"
#include "rings/spsc_ring.hpp"
#include "time/transport.hpp"
#include "telemetry/metrics.hpp"
#include "voices/bus.hpp"
#include "voices/mixer.hpp"
#include "voices/voice.hpp"
#include "voices/voice_state.hpp"

namespace ringengine {

// A snapshot of the counters. Each field is read atomically; the set is not
// one instant (a block may finish between two reads). The C ABI's
// engine_stats begins with the fields up to buffers_live, in this order
// (capi/ asserts it); the rest follow its warnings.
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
  std::uint64_t events_dropped; // voice_ended, buffer_released dropped: reply ring full
  std::uint64_t buffers_live;   // buffers loaded and not yet freed
  // Since 1.1:
  std::uint64_t params_set;      // values written to the parameter path
  std::uint64_t params_applied;  // of those, taken by the audio thread (the latest per slot)
  std::uint64_t commands_handled; // commands taken from the command ring
  std::uint64_t cancelled;        // scheduled commands taken back by cancel
  // Since 1.2:
  std::uint64_t meter_events_dropped; // meter events not sent: the reply ring half full
  std::uint64_t input_nonfinite;      // input samples that were NaN or infinite, taken as 0
};

class Engine final : public AudioCallback {
public:
  // Largest capacity (and schedule) accepted: 2^20 messages.
  // The limits of config.def's ranges (core/config.hpp), also by these names.
  static constexpr std::size_t kMaxCapacity = ringengine::kMaxCapacity;
  static constexpr std::uint32_t kMaxVoices = ringengine::kMaxVoices;
  static constexpr std::uint32_t kMaxBuffers = ringengine::kMaxBuffers;
  // The hand-off has a slot for each buffer open and one more for each
  // being let go of, so a slot closed is free to load again at once.
  static_assert(2 * kMaxBuffers <= Handoff<SampleBuffer>::kMaxSlots);
  // The most channels and samples a buffer holds.
  static constexpr std::uint32_t kMaxBufferChannels = BufferTable::kMaxBufferChannels;
  static constexpr std::uint64_t kMaxBufferSamples = BufferTable::kMaxBufferSamples;
  // The longest stretch rendered at once; longer blocks are cut up.
  static constexpr std::uint32_t kChunk = Mixer::kChunk;
  static constexpr std::uint32_t kMaxBuses = ringengine::kMaxBuses;
  static constexpr std::uint32_t kMaxFade = 1u << 24; // frames of a fade or crossfade
  static constexpr std::uint32_t kMaxChannels = ringengine::kMaxChannels;
  static constexpr std::uint32_t kMaxMeterMs = ringengine::kMaxMeterMs;
  static constexpr std::uint32_t kMaxMeterEventsHz = ringengine::kMaxMeterEventsHz;
  static constexpr std::uint32_t kMaxInputs = ringengine::kMaxInputs;
  // Recordings held at once (running, or ended and not yet closed).
  static constexpr std::uint32_t kMaxRecordings = Recordings::kMaxRecordings;
  static_assert(kMaxBuffers == BufferTable::kMaxBuffers);

  // Allocates the rings, the schedule, the voices, the hand-off, the
  // parameter path and the snapshots. Throws std::invalid_argument on a
  // size out of range, std::bad_alloc when memory runs out.
  explicit Engine(const EngineConfig& config);
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  const EngineConfig& config() const noexcept { return config_; }

  // Why `m` is not a command this engine can take (a Refusal of kind none,
  // false: it can): an unknown kind, a voice or parameter out of range, a
  // NaN. Thread: any. The checks are CommandChecks (core/checks.hpp).
  Refusal invalid(const Message& m) const noexcept { return checks_.check(m); }
  // Why a play of buffer `id` cannot loop over [loop_start, loop_end)
  // (loop_end 0: its end): CommandChecks::check_region against the
  // buffer's frames (none for a buffer not open: the play's check says
  // so). Thread: any; takes the buffer table's lock.
  Refusal invalid_region(std::uint32_t id, std::uint64_t loop_start,
                         std::uint64_t loop_end) const {
    SampleBuffer b;
    if (!buffers_.info(id, b))
      return {};
    return CommandChecks::check_region(b.frames, loop_start, loop_end);
  }

  // Control side. Thread: any. Blocks only while another thread is inside
  // a send call; never waits on the audio thread.
  // Pushes a command (checked with invalid() first: the caller's job); a
  // ping gets the next sequence number in m.id. False when the command ring
  // is full: the command is dropped and counted.
  [[nodiscard]] bool send(Message& m) noexcept { return port_.send(m); }
  // Pushes ms[0 .. n) together, all or none (no pings among them): for a
  // play and the settings it takes, which must not arrive in part. With
  // `any_voice`, first chooses the voice they are for (every message's
  // voice field is set to it, and `voice` says which): one that is free,
  // or else the one whose play began longest ago. False when the ring has
  // no room for all n (none is pushed; counted), or there are no voices.
  [[nodiscard]] bool send_all(Message* ms, std::size_t n, bool any_voice,
                              std::uint32_t& voice) noexcept {
    return port_.send_all(ms, n, any_voice, voice);
  }
  // Pushes a ping to be answered at the next block; its number goes to `seq`.
  [[nodiscard]] bool send_ping(std::uint32_t& seq) noexcept { return port_.send_ping(seq); }
  // Pushes up to n pings with consecutive sequence numbers from `first_seq`;
  // returns how many went in. The rest are counted in pings_rejected.
  std::size_t send_pings(std::size_t n, std::uint32_t& first_seq) noexcept {
    return port_.send_pings(n, first_seq);
  }
  // The parameter path: `param` of `voice` moves to `value` over `ramp`
  // frames from the start of the next block, the latest value written
  // before that block winning. Never full. Checked with invalid() first.
  void set_param_latest(std::uint32_t voice, Param param, float value,
                        std::uint32_t ramp) noexcept {
    port_.set_param_latest(voice, param, value, ramp);
  }

  // Control side. Thread: any. Blocks only while another thread is inside
  // a recv call; never waits on the audio thread or on a sender.
  // Pops one reply; false when none is waiting.
  // Collects after it pops: a BUFFER_RELEASED taken is a buffer already
  // handed back (Engine::let_go_of_buffers), so by the time the caller sees
  // it, its memory is freed (unless another thread holds the buffers' lock:
  // that thread frees it).
  [[nodiscard]] bool try_recv(Message& out) noexcept {
    const bool got = port_.try_recv(out);
    buffers_.collect_if_free();
    return got;
  }
  // Pops up to n replies into out[0..n); returns how many. Collects after, as try_recv().
  std::size_t recv_many(Message* out, std::size_t n) noexcept {
    const std::size_t got = port_.recv_many(out, n);
    buffers_.collect_if_free();
    return got;
  }
  // Whether replies wait: 1 yes, 0 no, -1 unknown (a receive is under way).
  // Thread: any. Never waits.
  int replies_waiting() noexcept { return port_.replies_waiting(); }

  // Control side: sample buffers, lent through the hand-off
  // (resources/handoff.hpp). Thread: any; serialized by a lock the audio
  // thread never takes.
  // Copies frames * channels interleaved samples into a buffer the engine
  // owns and returns its id, which names no other buffer for the life of
  // the engine; 0 when `buffers` are open already (closed ones do not
  // count, also before the audio thread has let go of them), or when as
  // many again are still being let go of. Throws std::invalid_argument for
  // no samples, no frames or channels outside 1 .. 64, std::length_error
  // past kMaxBufferSamples, std::bad_alloc when memory runs out.
  std::uint32_t load_buffer(const float* samples, std::uint64_t frames, std::uint32_t channels) {
    return buffers_.load(samples, frames, channels);
  }
  // Starts letting go of buffer `id`: voices playing it stop at the next
  // block, and its memory is freed by a later control call once the audio
  // thread has let go. False when `id` is not a loaded, open buffer.
  bool close_buffer(std::uint32_t id) noexcept { return buffers_.close(id); }
  // Installs a buffer prepared elsewhere (a decoded file); as load_buffer().
  std::uint32_t adopt_buffer(std::unique_ptr<SampleBuffer> buffer) {
    return buffers_.adopt(std::move(buffer));
  }
  // What buffer `id` is: its frames, channels, source rate and path (the
  // samples left out). False when it is not a live buffer.
  bool buffer_info(std::uint32_t id, SampleBuffer& out) const { return buffers_.info(id, out); }
  // A copy of a buffer's samples (BufferTable::read()). Thread: any control.
  bool read_buffer(std::uint32_t id, std::uint64_t start, std::uint64_t frames, float* out,
                   std::uint64_t& copied) const {
    return buffers_.read(id, start, frames, out, copied);
  }
  // The engine's loader of files, started on first use (two threads).
  // Throws std::system_error when no thread can be started.
  FileLoader& loader() { return buffers_.loader(); }
  // The loader, or nullptr when no file was ever loaded.
  FileLoader* loader_if_started() noexcept { return buffers_.loader_if_started(); }
  // Whether `id` may be played.
  bool buffer_live(std::uint32_t id) const noexcept { return buffers_.live(id); }
  // Buffers loaded and not closed.
  std::uint32_t buffers_open() const noexcept { return buffers_.open(); }
  // Frees the buffers the audio thread has let go of. The receive calls do
  // it too, when no other control thread is at it.
  void collect_buffers() noexcept { buffers_.collect(); }

  // Recordings. Control side, any thread; serialized by a lock the audio
  // thread never takes. record() prepares the memory (a ring for a file,
  // the whole buffer for a buffer), opens the file, and lends the recorder
  // to the audio thread; returns its id (never 0). Throws
  // std::invalid_argument (a source, frames or format), std::runtime_error
  // (the file cannot be opened), std::length_error (kMaxRecordings held),
  // std::bad_alloc.
  std::uint32_t record(const RecordRequest& request) { return recordings_.record(request); }
  // Asks recording `id` to end just before frame `at` (kNever: at the next
  // block). False: no such recording.
  bool record_stop(std::uint32_t id, std::uint64_t at) noexcept {
    return recordings_.stop(id, at);
  }
  bool record_status(std::uint32_t id, RecordStatus& out) { return recordings_.status(id, out); }
  // A buffer recording that is done: its frames as a buffer, installed as
  // load_buffer() does, and the recording closed; 0 when the buffer table
  // is full, and then the take is kept, whole, to be taken again once a
  // slot frees (issue 37: it was lost). Throws std::invalid_argument when
  // `id` is not a done buffer recording, or it took no frames. Takes the
  // buffer table's lock, then the recordings' (never the other order).
  std::uint32_t record_take_buffer(std::uint32_t id) {
    recordings_.check_take(id); // its refusals even while the table is full
    return buffers_.adopt_if_room([&] { return recordings_.take_buffer(id); });
  }
  // The caller is done with `id` (a running recording is stopped at the
  // next block); its memory is freed once neither thread uses it.
  bool record_close(std::uint32_t id) noexcept { return recordings_.close(id); }

  // Snapshots. Thread: any. Never waits for the audio thread.
  EngineLoad load() const noexcept { return metrics_.load(); }
  // Precondition: voice < config().voices.
  VoiceState voice_state(std::uint32_t voice) const noexcept {
    return mixer_.voice_state(voice);
  }
  // Frames rendered through the key-lock stretchers so far (a test's
  // proof that key-locked plays ran through them).
  std::uint64_t keylock_frames() const noexcept { return mixer_.keylock_frames(); }
  // The last window of a meter: source kMeterVoice (index < voices),
  // kMeterBus (index < buses) or kMeterMaster. Precondition: in range.
  MeterReading meter(std::uint16_t source, std::uint32_t index) const noexcept {
    if (source == kMeterVoice)
      return metrics_.voice_meter(index);
    return metrics_.bus_meter(source == kMeterMaster ? config_.buses : index);
  }
  // The transport as at the end of the last block, and its tempo map (the
  // changes applied and held): convert with map.beat_at() and
  // map.frame_at() as the audio thread does.
  TransportState transport() const noexcept { return transport_.state(); }
  TempoMap tempo_map() const noexcept { return transport_.published_map(); }
  // The DSP load since the last call (the first: since the start).
  // Serialized by a lock the audio thread never takes.
  DspLoad dsp_load() noexcept { return metrics_.dsp_load(); }

  // Audio side. Thread: the audio thread only, one call at a time.
  // Non-blocking: wait-free. Installs the buffers lent since the last block,
  // takes the commands waiting (at most messages_per_block) and the
  // parameter path's changes (as many), applies each at its frame (the
  // block is split there), lets go of what was retired, renders the voices
  // into `out`, answers, writes the snapshots, then advances the position
  // by `frames`.
  // `in`: the block's input (inputs channels), silence when empty.
  void process(const AudioOut& out, std::uint32_t frames,
               const AudioIn& in = {}) noexcept override;
  // Audio side. Counts an under/overrun reported by the backend.
  void note_xrun() noexcept override { bump(metrics_.counters().xruns, 1); }
  // Offline, between blocks: the recordings' writer makes room for the
  // block first, so nothing recorded offline is lost to an overrun.
  void before_offline_block(std::uint32_t frames) noexcept override {
    try {
      recordings_.wait_for_room(frames);
    } catch (...) { // a failed wait (std::system_error): the block runs
    }
  }
  // What a backend opens (AudioCallback): the config's rate, block and channels.
  StreamConfig stream() const noexcept override {
    return {config_.sample_rate, config_.block_frames, config_.channels, config_.inputs};
  }

  // The engine's position: frames processed so far. Thread: any.
  std::uint64_t frame() const noexcept {
    return metrics_.counters().frames.load(std::memory_order_relaxed);
  }

  // Thread: any. Non-blocking.
  EngineStats stats() const noexcept;

#ifdef RINGENGINE_TEST_HOOKS
  // Test builds only: makes the next process() break the real-time rules
  // once, so a test can show that the checks catch it.
  enum class Violation { none, allocate, lock };
  void inject_violation_for_testing(Violation v) noexcept { inject_.store(v); }
#endif

private:
  using Ends = CommandPort::Ends;
  struct Rings {
    Ends commands, replies;
  };
  static Rings make_rings(const EngineConfig& config);
  Engine(const EngineConfig& config, Rings rings);

  // process()'s steps, on the audio thread.
  // The commands sent before this block, at most messages_per_block, with
  // the buffers lent before them.
  void take_commands() noexcept;
  // The parameter path's latest values, as many again.
  void apply_latest_params() noexcept;
  // The buffers retired, once the commands sent before the retire are taken.
  void let_go_of_buffers() noexcept;
  // The block, cut at each scheduled command's frame.
  void render_block(const AudioOut& out, const AudioIn& in, std::uint32_t frames) noexcept;
  // The recordings that ended, given back and said.
  void end_recordings() noexcept;
#ifdef RINGENGINE_TEST_HOOKS
  void break_rules_if_asked() noexcept;
#endif

  const EngineConfig config_;
  const CommandChecks checks_; // reads config_ and the buffer table
  // The parts, in the order they are made; destroyed in reverse, the
  // buffer table (and its loader's threads) first.
  Metrics metrics_;
  Recordings recordings_;
  alignas(kCacheLine) Mixer mixer_;
  CommandPort port_; // after mixer_: it reads the voices' snapshots
  Transport transport_; // before dispatch_: quantized commands read its tempo map
  Dispatcher dispatch_;
  // The audio thread's: frames processed before this block.
  alignas(kCacheLine) std::uint64_t position_ = 0;
#ifdef RINGENGINE_TEST_HOOKS
  std::atomic<Violation> inject_{Violation::none};
  std::mutex injected_lock_;
#endif
  // Last, so it is destroyed first: its loader's threads deliver into it.
  BufferTable buffers_;
};

} // namespace ringengine

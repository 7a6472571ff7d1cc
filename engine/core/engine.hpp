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
#include <string>
#include <vector>

#include "channels/param_path.hpp"
#include "channels/snapshot.hpp"
#include "core/checks.hpp"
#include "core/refusal.hpp"
#include "core/schedule.hpp"
#include "messages/message.hpp"
#include "resources/file_loader.hpp"
#include "resources/handoff.hpp"
#include "resources/recorder.hpp"
#include "resources/sample_buffer.hpp"
#include "rings/spsc_ring.hpp"
#include "rings/tick_clock.hpp"
#include "voices/bus.hpp"
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
  // Messages handled per block on each path (the command ring, the
  // parameter path); the rest wait for the next block.
  std::uint32_t messages_per_block = 1024;
  std::size_t reply_capacity = 0; // replies the reply ring holds; 0: `capacity`
  // The largest buffer load_file() makes, in bytes of decoded float samples.
  std::uint64_t max_load_bytes = std::uint64_t{2} << 30; // 2 GiB
  // Since 1.2: the mixer.
  std::uint32_t buses = 8;           // buses between the voices and the master
  std::uint32_t meter_ms = 50;       // the meters' window; 0: no meters
  std::uint32_t meter_events_hz = 0; // meter events a second; 0: none
  PanLaw pan_law = PanLaw::balance;
  // Since 1.3: voices 0 .. keylock_voices - 1 may key-lock (a stretcher
  // each, made and primed now: about 0.2 s apiece); needs Rubber Band.
  std::uint32_t keylock_voices = 0;
  // Since 1.3: input channels (0: none). Not heard unless a bus takes
  // them (BusParam::input_db).
  std::uint32_t inputs = 0;
};

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
};

// Read rather than awaited: written by the audio thread at the end of each
// block, read by any thread (Engine::load()).
struct EngineLoad {
  std::uint64_t frame = 0;      // the position after the block
  std::uint64_t callbacks = 0;  // blocks so far
  double last = 0;              // the block's process() time / the block's duration
  double average = 0;           // the same, smoothed over about a second
  std::uint32_t active_voices = 0; // voices still sounding (or moving) at the block's end
};

// One voice, as it was at the end of the last block it was heard in (or
// when it came to rest).
struct VoiceState {
  std::uint64_t frame = 0;    // the engine position this describes
  std::uint64_t position = 0; // the buffer's next frame, when one plays
  std::uint32_t buffer = 0;   // the id of the buffer playing, or 0
  std::uint32_t flags = 0;    // kVoicePlaying | kVoiceLooping | kVoiceSounding
  double freq = 0, gain = 1, pan = 0;
};
// The share of the block period the audio thread spent in process(), over
// the blocks since the last Engine::dsp_load() (as jack_cpu_load() reports
// it): on average, and the most of any one block.
struct DspLoad {
  double average = 0;
  double peak = 0;
  std::uint64_t frames = 0; // the frames those blocks held; 0: no block ran
};

inline constexpr std::uint32_t kVoicePlaying = 1;  // a buffer plays
inline constexpr std::uint32_t kVoiceLooping = 2;  // ... looped
inline constexpr std::uint32_t kVoiceSounding = 4; // the sine sounds

// The block's output, as the backend has it: interleaved (frame i, channel
// c at interleaved[i * channels + c]) or planar (channel c at planes[c]).
// Neither: the block is computed and discarded.
struct AudioOut {
  float* interleaved = nullptr;
  float* const* planes = nullptr;
};

// The block's input, as the backend has it (interleaved, inputs channels,
// or planar); neither: silence.
struct AudioIn {
  const float* interleaved = nullptr;
  const float* const* planes = nullptr;
};

// A recording asked for (Engine::record).
struct RecordRequest {
  std::uint32_t source = kRecordMaster; // kRecordMaster, kRecordInput or a bus
  std::uint64_t at = Recorder::kNever;  // the first frame; kNever: the next block's
  std::uint64_t frames = 0;             // 0: until stopped (a file only)
  bool to_buffer = false;               // into a buffer (frames needed) or a file
  std::string path;                     // the file's
  int format = 0;                       // RecordWriter::open's
  std::uint64_t ring_frames = 0;        // the file's ring; 0: two seconds
};

// What a recording is doing, read from its atomics.
struct RecordStatus {
  std::uint32_t state = 0;  // 0 waiting, 1 recording, 2 ended (the writer finishing), 3 done
  std::uint32_t channels = 0;
  std::uint64_t start_frame = 0; // the first frame taken (once recording)
  std::uint64_t frames = 0;      // frames taken by the audio thread
  std::uint64_t written = 0;     // of those, in the file
  std::uint64_t overruns = 0;    // frames lost
  std::string error;             // once done: why it failed, or ""
};

class Engine {
public:
  // Largest capacity (and schedule) accepted: 2^20 messages.
  static constexpr std::size_t kMaxCapacity = std::size_t{1} << 20;
  static constexpr std::uint32_t kMaxVoices = 4096;
  static constexpr std::uint32_t kMaxBuffers = 1u << 16;
  // The hand-off has a slot for each buffer open and one more for each
  // being let go of, so a slot closed is free to load again at once.
  static_assert(2 * kMaxBuffers <= Handoff<SampleBuffer>::kMaxSlots);
  // The most channels and samples a buffer holds.
  static constexpr std::uint32_t kMaxBufferChannels = 64;
  static constexpr std::uint64_t kMaxBufferSamples = std::uint64_t{1} << 38;
  // The longest stretch rendered at once; longer blocks are cut up.
  static constexpr std::uint32_t kChunk = 256;
  static constexpr std::uint32_t kMaxBuses = 64;
  static constexpr std::uint32_t kMaxFade = 1u << 24; // frames of a fade or crossfade
  static constexpr std::uint32_t kMaxChannels = 64;
  static constexpr std::uint32_t kMaxMeterMs = 10000;
  static constexpr std::uint32_t kMaxMeterEventsHz = 1000;
  static constexpr std::uint32_t kMaxInputs = 64;
  // Recordings held at once (running, or ended and not yet closed).
  static constexpr std::uint32_t kMaxRecordings = 32;

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

  // Control side. Thread: any. Blocks only while another thread is inside
  // a send call; never waits on the audio thread.
  // Pushes a command (checked with invalid() first: the caller's job); a
  // ping gets the next sequence number in m.id. False when the command ring
  // is full: the command is dropped and counted.
  [[nodiscard]] bool send(Message& m) noexcept;
  // Pushes ms[0 .. n) together, all or none (no pings among them): for a
  // play and the settings it takes, which must not arrive in part. With
  // `any_voice`, first chooses the voice they are for (every message's
  // voice field is set to it, and `voice` says which): one that is free,
  // or else the one whose play began longest ago. False when the ring has
  // no room for all n (none is pushed; counted), or there are no voices.
  [[nodiscard]] bool send_all(Message* ms, std::size_t n, bool any_voice,
                              std::uint32_t& voice) noexcept;
  // Pushes a ping to be answered at the next block; its number goes to `seq`.
  [[nodiscard]] bool send_ping(std::uint32_t& seq) noexcept;
  // Pushes up to n pings with consecutive sequence numbers from `first_seq`;
  // returns how many went in. The rest are counted in pings_rejected.
  std::size_t send_pings(std::size_t n, std::uint32_t& first_seq) noexcept;
  // The parameter path: `param` of `voice` moves to `value` over `ramp`
  // frames from the start of the next block, the latest value written
  // before that block winning. Never full. Checked with invalid() first.
  void set_param_latest(std::uint32_t voice, Param param, float value,
                        std::uint32_t ramp) noexcept;

  // Control side. Thread: any. Blocks only while another thread is inside
  // a recv call; never waits on the audio thread or on a sender.
  // Pops one reply; false when none is waiting.
  [[nodiscard]] bool try_recv(Message& out) noexcept;
  // Pops up to n replies into out[0..n); returns how many.
  std::size_t recv_many(Message* out, std::size_t n) noexcept;

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
  std::uint32_t load_buffer(const float* samples, std::uint64_t frames, std::uint32_t channels);
  // Starts letting go of buffer `id`: voices playing it stop at the next
  // block, and its memory is freed by a later control call once the audio
  // thread has let go. False when `id` is not a loaded, open buffer.
  bool close_buffer(std::uint32_t id) noexcept;
  // Installs a buffer prepared elsewhere (a decoded file); as load_buffer().
  std::uint32_t adopt_buffer(std::unique_ptr<SampleBuffer> buffer);
  // What buffer `id` is: its frames, channels, source rate and path (the
  // samples left out). False when it is not a live buffer.
  bool buffer_info(std::uint32_t id, SampleBuffer& out) const;
  // The engine's loader of files, started on first use (two threads).
  // Throws std::system_error when no thread can be started.
  FileLoader& loader();
  // The loader, or nullptr when no file was ever loaded.
  FileLoader* loader_if_started() noexcept;
  // Whether `id` may be played.
  bool buffer_live(std::uint32_t id) const noexcept;
  // Buffers loaded and not closed.
  std::uint32_t buffers_open() const noexcept;
  // Frees the buffers the audio thread has let go of. The receive calls do
  // it too, when no other control thread is at it.
  void collect_buffers() noexcept;

  // Recordings. Control side, any thread; serialized by a lock the audio
  // thread never takes. record() prepares the memory (a ring for a file,
  // the whole buffer for a buffer), opens the file, and lends the recorder
  // to the audio thread; returns its id (never 0). Throws
  // std::invalid_argument (a source, frames or format), std::runtime_error
  // (the file cannot be opened), std::length_error (kMaxRecordings held),
  // std::bad_alloc.
  std::uint32_t record(const RecordRequest& request);
  // Asks recording `id` to end just before frame `at` (kNever: at the next
  // block). False: no such recording.
  bool record_stop(std::uint32_t id, std::uint64_t at) noexcept;
  bool record_status(std::uint32_t id, RecordStatus& out);
  // A buffer recording that is done: its frames as a buffer, installed as
  // load_buffer() does; 0 when the buffer table is full. Throws
  // std::invalid_argument when `id` is not a done buffer recording, or it
  // took no frames. The recording is closed.
  std::uint32_t record_take_buffer(std::uint32_t id);
  // The caller is done with `id` (a running recording is stopped at the
  // next block); its memory is freed once neither thread uses it.
  bool record_close(std::uint32_t id) noexcept;

  // Snapshots. Thread: any. Never waits for the audio thread.
  EngineLoad load() const noexcept;
  // Precondition: voice < config().voices.
  VoiceState voice_state(std::uint32_t voice) const noexcept {
    return voice_states_[voice].read();
  }
  // The last window of a meter: source kMeterVoice (index < voices),
  // kMeterBus (index < buses) or kMeterMaster. Precondition: in range.
  MeterReading meter(std::uint16_t source, std::uint32_t index) const noexcept {
    if (source == kMeterVoice)
      return voice_meters_[index].read();
    return bus_meters_[source == kMeterMaster ? config_.buses : index].read();
  }
  // The DSP load since the last call (the first: since the start).
  // Serialized by a lock the audio thread never takes.
  DspLoad dsp_load() noexcept;

  // Audio side. Thread: the audio thread only, one call at a time.
  // Non-blocking: wait-free. Installs the buffers lent since the last block,
  // takes the commands waiting (at most messages_per_block) and the
  // parameter path's changes (as many), applies each at its frame (the
  // block is split there), lets go of what was retired, renders the voices
  // into `out`, answers, writes the snapshots, then advances the position
  // by `frames`.
  // `in`: the block's input (inputs channels), silence when empty.
  void process(const AudioOut& out, std::uint32_t frames, const AudioIn& in = {}) noexcept;
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

  // Control side, under the sender lock: notes a play pushed; chooses a voice.
  void note_play(const Message& m) noexcept;
  std::uint32_t choose_voice(std::uint32_t limit) const noexcept; // among 0 .. limit - 1

  // Control side: collect_buffers(), unless another thread holds the lock.
  void collect_buffers_if_free() noexcept;

  // Audio side: the one place a command takes effect, at `offset` frames
  // into the current block: a switch over messages.def to on_<kind>().
  void dispatch(const Message& m, std::uint32_t offset) noexcept;
  // One handler per command kind; false when it could not be carried out
  // (counted in `unhandled`).
#define COMMAND(kind, NAME, number) bool on_##kind(const Message& m, std::uint64_t now) noexcept;
#include "messages/messages.def"
  // Audio side: a command just taken from the ring goes to dispatch() now
  // or to the schedule.
  void admit(const Message& m) noexcept;
  // Audio side: renders frames [offset, offset + n) of the block, n <= kChunk.
  void render(const AudioOut& out, std::uint32_t offset, std::uint32_t n) noexcept;
  // Audio side: pushes a reply, after an events_lost for those dropped
  // before it; a full ring drops it, and the next reply that fits says so.
  bool reply(const Message& m) noexcept;
  // Audio side: the recorders of `source` take frames [offset, offset + n)
  // of `planes`.
  void capture(std::uint32_t source, const float* const* planes, std::uint32_t offset,
               std::uint32_t n) noexcept;
  // Audio side: the recorders lent since the last block; and those that
  // ended, given back.
  void take_recorders() noexcept;
  void retire_recorders() noexcept;
  // Control side, under recorder_lock_: takes back what the audio thread
  // let go of, and frees what no thread uses any more.
  void collect_recorders() noexcept;
  // Audio side: an event (a reply that is not a pong), counted when dropped.
  void emit(const Message& m) noexcept;
  // Audio side: puts voice v in the active list.
  void activate(std::uint32_t v) noexcept;
  // Audio side: ends the buffer voice v plays, saying so, at `frame`.
  void end_buffer(std::uint32_t v, std::uint64_t frame) noexcept;
  // Audio side: the snapshot of voice v now.
  void publish_voice(std::uint32_t v, std::uint64_t frame) noexcept;
  // Audio side, at a block's end: closes the meters' windows that are due,
  // and sends the meter events that are.
  void advance_meters(std::uint32_t frames) noexcept;
  // Audio side: a meter event, unless the reply ring is half full.
  void send_meter(std::uint16_t source, std::uint32_t index, const Meter& m) noexcept;

  // Single writer per counter, so increments need no read-modify-write.
  static void bump(std::atomic<std::uint64_t>& c, std::uint64_t by) noexcept {
    c.store(c.load(std::memory_order_relaxed) + by, std::memory_order_relaxed);
  }

  const EngineConfig config_;
  const CommandChecks checks_; // reads config_ and the buffer table
  const TickClock clock_; // times process() for max_callback_ns and the load

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
    // For choosing a voice (send_all): the frame each voice's last play was
    // sent for; until the engine has passed it, the voice is taken.
    std::unique_ptr<std::uint64_t[]> played_at;
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
    std::unique_ptr<float[]> mix;       // channels planes of kChunk frames: the master's output
    std::unique_ptr<float*[]> planes;   // into mix
    // buses + 1 buses, the master last, and their input planes.
    std::unique_ptr<Bus[]> buses;
    std::unique_ptr<float[]> bus_inputs;     // (buses + 1) * channels planes of kChunk
    std::unique_ptr<float*[]> bus_planes;    // into bus_inputs, channels per bus
    std::unique_ptr<float[]> scratch;   // channels planes of kChunk, for one voice
    std::unique_ptr<float*[]> scratch_planes; // into scratch
    std::unique_ptr<float[]> tail_scratch;    // as many again, for a voice's fading tail
    std::unique_ptr<float*[]> tail_scratch_planes;
    std::unique_ptr<double[]> rates;    // kChunk: a voice's rate frame by frame
    std::unique_ptr<double[]> speeds;   // kChunk: the engine's speed, while it moves
    Ramp speed{1.0, 1.0, 0.0, 0};       // every voice's rate times this
    std::uint64_t position = 0;         // frames processed before this block
    std::uint64_t taken = 0;            // commands taken from the ring so far
    std::uint32_t lost = 0;             // replies dropped since the last events_lost
    double ticks_per_frame = 0;         // process()'s, smoothed over about a second
    std::uint64_t busy_ticks = 0;       // process()'s time, in all
    std::uint64_t peak_ticks_per_frame = 0; // the most of one block since dsp_epoch
    std::uint32_t dsp_epoch = 0;        // the last epoch of dsp_load_epoch_ seen
    std::int64_t until_meter_events = 0; // frames until the next meter events
    AudioIn in{}; // this block's
    // The input, deinterleaved: inputs planes of kChunk frames.
    std::unique_ptr<float[]> input{};
    std::unique_ptr<float*[]> input_planes{};
    std::unique_ptr<float[]> tap{};       // channels planes of kChunk: a bus recorded
    std::unique_ptr<float*[]> tap_planes{};
    // The recorders running: recorders[0 .. recorder_count).
    Recorder* recorders[kMaxRecordings] = {};
    std::uint32_t recorder_count = 0;
    std::unique_ptr<std::uint32_t[]> bus_taps{}; // recorders of each bus
    bool taps_master = false, taps_input = false;
  };

  // The hand-off of sample buffers; its control side under resource_lock_.
  mutable std::mutex resource_lock_;
  Handoff<SampleBuffer> buffers_;
  // The parameter path; its control side under param_lock_.
  std::mutex param_lock_;
  ParamPath params_;

  alignas(kCacheLine) Sender sender_;
  // offsetof on a class that is not standard-layout (the ring's Producer has
  // private members) is conditionally supported; GCC and Clang give the
  // layout's real offset, and Clang warns that the standard does not.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Winvalid-offsetof"
  static_assert(offsetof(Sender, commands) == kCacheLine,
                "a send's lock, sequence and counters share one line");
#pragma GCC diagnostic pop
  alignas(kCacheLine) Receiver receiver_;
  alignas(kCacheLine) Audio audio_;

  // What the audio thread records of its load: clock ticks, which load()
  // turns into fractions of the period (the conversion reads the system
  // clock, which the audio thread must not).
  struct LoadRecord {
    std::uint64_t frame = 0, callbacks = 0;
    std::uint64_t last_ticks = 0; // the last block's process() time
    std::uint32_t last_frames = 0;
    std::uint32_t active_voices = 0;
    double ticks_per_frame = 0;   // smoothed over about a second of blocks
    std::uint64_t busy_ticks = 0; // process()'s time in all blocks so far
    std::uint64_t peak_ticks_per_frame = 0; // the most of one block in `epoch`
    std::uint32_t epoch = 0;      // the dsp_load() call the peak is since
  };
  // Snapshots: the audio thread writes, anyone reads.
  alignas(kCacheLine) Snapshot<LoadRecord> load_;
  std::unique_ptr<Snapshot<VoiceState>[]> voice_states_;
  std::unique_ptr<Snapshot<MeterReading>[]> voice_meters_;
  std::unique_ptr<Snapshot<MeterReading>[]> bus_meters_; // buses + 1, the master last
  // The stretchers of the voices that may key-lock, made at create.
  std::unique_ptr<std::unique_ptr<Keylock>[]> keylocks_;
  // dsp_load(): each call starts an epoch, which the audio thread sees at
  // its next block and starts a new peak for.
  std::atomic<std::uint32_t> dsp_load_epoch_{0};
  std::mutex dsp_load_lock_;
  std::uint64_t dsp_last_busy_ = 0, dsp_last_frame_ = 0; // under dsp_load_lock_

  // Counters, relaxed: each is written by one side (under its lock, or by
  // the audio thread) and only read elsewhere; nothing is published by them.
  alignas(kCacheLine) std::atomic<std::uint64_t> callbacks_{0}, frames_{0},
      pings_handled_{0}, pongs_sent_{0}, pongs_dropped_{0}, xruns_{0},
      max_callback_ticks_{0}, late_{0}, dropped_{0}, unhandled_{0}, events_dropped_{0},
      params_applied_{0}, commands_handled_{0}, cancelled_{0}, meter_events_dropped_{0};
  alignas(kCacheLine) std::atomic<std::uint64_t> pings_rejected_{0}, commands_rejected_{0};
  alignas(kCacheLine) std::atomic<std::uint64_t> pongs_received_{0};
  std::atomic<std::uint64_t> buffers_live_{0}; // under resource_lock_
  std::atomic<std::uint64_t> params_set_{0};   // under param_lock_
#ifdef RINGENGINE_TEST_HOOKS
  std::atomic<Violation> inject_{Violation::none};
  std::mutex injected_lock_;
#endif
  // Recorders: lent through `install`, given back through `retired`;
  // owned by `recordings` (under recorder_lock_). The writer is destroyed
  // before them (declared after), so it closes the files first.
  std::mutex recorder_lock_;
  std::pair<Producer<Recorder*>, Consumer<Recorder*>> install_, retired_;
  std::vector<std::unique_ptr<Recorder>> recordings_;
  std::uint32_t next_recording_ = 1;
  std::unique_ptr<RecordWriter> writer_;
  // Last, so it is destroyed first: its threads deliver into the hand-off.
  std::mutex loader_lock_;
  std::unique_ptr<FileLoader> loader_;
};

} // namespace ringengine

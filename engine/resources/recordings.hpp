// Recordings: the recorders the audio thread writes into (a ring a writer
// thread empties into a file, or a whole buffer), lent to it through the
// hand-off (resources/handoff.hpp) as buffers are: installed by record(),
// let go of by the audio thread when its take ends, retired by close() and
// freed once the writer is done too. Control side: any thread, serialized
// by a lock the audio thread never takes. Audio side (take, capture,
// finish): the audio thread, wait-free.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "resources/handoff.hpp"
#include "resources/recorder.hpp"
#include "resources/sample_buffer.hpp"

namespace ringengine {

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

class Recordings {
public:
  // Recordings held at once (running, or ended and not yet closed).
  static constexpr std::uint32_t kMaxRecordings = 32;

  struct Shape {
    std::uint32_t sample_rate, channels, inputs, buses;
    std::uint64_t max_samples; // the most a buffer recording holds
    std::uint32_t min_ring;    // the least frames of a file's ring
  };
  explicit Recordings(const Shape& shape);
  Recordings(const Recordings&) = delete;
  Recordings& operator=(const Recordings&) = delete;

  // ---- Control side (Engine's contracts: core/engine.hpp) ----
  std::uint32_t record(const RecordRequest& request);
  bool stop(std::uint32_t id, std::uint64_t at) noexcept;
  bool status(std::uint32_t id, RecordStatus& out);
  // A done buffer recording's frames, as a buffer to install; the
  // recording is closed. Throws std::invalid_argument as
  // Engine::record_take_buffer says.
  std::unique_ptr<SampleBuffer> take_buffer(std::uint32_t id);
  // Throws as take_buffer() would, taking nothing.
  void check_take(std::uint32_t id);
  bool close(std::uint32_t id) noexcept;
  // Offline, between blocks: waits until every file recording running has
  // room in its ring for `frames` more frames (RecordWriter::wait_for_room).
  void wait_for_room(std::uint64_t frames);

  // ---- Audio side ----
  // The recorders lent since the last block, from `position` on.
  void take(std::uint64_t position) noexcept;
  // The recorders of `source` take frames [offset, offset + n) of `planes`,
  // the first of them at frame `now`.
  void capture(std::uint32_t source, const float* const* planes, std::uint64_t now,
               std::uint32_t n) noexcept {
    for (std::uint32_t i = 0; i < audio_.count; ++i) {
      Recorder* r = audio_.running[i].recorder;
      if (r->source == source && r->state.load(std::memory_order_relaxed) != Recorder::finished)
        r->capture(planes, now, n);
    }
  }
  // Whether a recorder takes the master, the input, bus b.
  bool taps_master() const noexcept { return audio_.taps_master; }
  bool taps_input() const noexcept { return audio_.taps_input; }
  bool taps_bus(std::uint32_t b) const noexcept { return audio_.bus_taps[b] != 0; }
  // Those whose take ended, let go of (the hand-off's let_go): ended(id,
  // cause, frames) for each, at the block's end (`position`).
  template <typename Ended> void finish(std::uint64_t position, Ended&& ended) noexcept;

private:
  // Control side, under lock_: the recorder `id` names, unless closed.
  Recorder* find(std::uint32_t id) noexcept;
  // Under lock_: the ended recording into a buffer `id` names, with its
  // frames taken; throws std::invalid_argument saying why there is none.
  Recorder& takeable(std::uint32_t id, std::uint64_t& frames);
  // Control side, under lock_: takes back what the audio thread let go
  // of, and retires (frees) what is closed, let go of and written.
  void collect() noexcept;

  const Shape shape_;
  std::mutex lock_;
  // The hand-off owns the recorders; its control side under lock_. A
  // closed one waits in `closed_` until the audio thread has let go of it
  // and the writer has closed its file, then is retired. The writer is
  // destroyed before them (declared after), so it closes the files first.
  Handoff<Recorder> handoff_{kMaxRecordings};
  std::vector<std::uint32_t> closed_; // reserved: kMaxRecordings
  std::unique_ptr<RecordWriter> writer_;

  struct Running {
    Recorder* recorder;
    std::uint32_t id;
  };
  struct Audio {
    // The recorders running: running[0 .. count). The hand-off lends at
    // most kMaxRecordings.
    Running running[kMaxRecordings] = {};
    std::uint32_t count = 0;
    std::unique_ptr<std::uint32_t[]> bus_taps{}; // recorders of each bus
    bool taps_master = false, taps_input = false;
  };
  Audio audio_;
};

template <typename Ended>
void Recordings::finish(std::uint64_t position, Ended&& ended) noexcept {
  std::uint32_t kept = 0;
  bool master = false, input = false;
  for (std::uint32_t i = 0; i < audio_.count; ++i) {
    const Running run = audio_.running[i];
    Recorder* r = run.recorder;
    // One that was never captured (its source was silent: no inputs) ends
    // here too, when its frames have passed or it was stopped.
    if (r->state.load(std::memory_order_relaxed) != Recorder::finished)
      r->capture(nullptr, position, 0);
    if (r->state.load(std::memory_order_relaxed) == Recorder::finished) {
      // Everything the event needs is read first: once let go of, the
      // control thread may free the recorder at any moment.
      const std::uint32_t source = r->source;
      const auto end = static_cast<std::uint16_t>(r->end.load(std::memory_order_relaxed));
      const std::uint64_t head = r->head.load(std::memory_order_relaxed);
      handoff_.let_go(run.id); // the audio thread's last touch of r
      if (source < shape_.buses)
        --audio_.bus_taps[source];
      ended(run.id, end, head);
      continue;
    }
    master |= r->source == kRecordMaster;
    input |= r->source == kRecordInput;
    audio_.running[kept++] = run;
  }
  audio_.count = kept;
  audio_.taps_master = master;
  audio_.taps_input = input;
}

} // namespace ringengine

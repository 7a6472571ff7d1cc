// Recording: what the audio thread copies out of a block (the master, the
// input, or one bus) into memory the control side prepared, and the writer
// thread that takes it from there to a file.
//
// A Recorder is made by the control side (Engine::record*) and lent to the
// audio thread through the hand-off (Recordings: resources/recordings.hpp),
// which owns it; the audio thread lets go of it when its take ends. Only
// then, once the caller closed it and the writer closed its file, is it
// freed. Between the three threads only atomics are shared:
//   control -> audio:  stop_at, stop_next
//   writer  -> audio:  abort, tail (the frames the file has taken)
//   audio   -> others: state, start_frame, head, overruns, end
// The audio side never waits: a ring without room for a chunk ends the
// recording there (the frames counted in overruns), as does a writer that
// failed (abort). What the file could not take is counted too.
#pragma once

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <cstring>
#include <limits>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace ringengine {

// Record sources besides a bus number.
inline constexpr std::uint32_t kRecordMaster = 0xffffffffu;
inline constexpr std::uint32_t kRecordInput = 0xfffffffeu;

// Why a recording ended.
enum class RecordEnd : int {
  none = 0,        // still going
  done = 1,        // its frames, or a stop
  overrun = 2,     // the writer fell behind: the ring had no room
  write_error = 3, // the file refused a write (a full disk, ...)
  closed = 4,      // the engine stopped before the recording ended
};

struct Recorder {
  static constexpr std::uint64_t kNever = std::numeric_limits<std::uint64_t>::max();
  enum State : int { waiting = 0, recording = 1, finished = 2 };

  // Set by the control side before the install; read-only after.
  std::uint32_t source = kRecordMaster;
  std::uint32_t channels = 0;
  std::uint64_t at = kNever;     // the first frame asked; kNever: the next block's
  std::uint64_t length = 0;      // frames asked; 0: until stopped
  std::uint64_t capacity = 0;    // frames `memory` holds
  std::unique_ptr<float[]> memory; // capacity * channels, interleaved
  bool ring = false;             // a file's ring (else: a buffer, filled once)

  // Control -> audio.
  std::atomic<std::uint64_t> stop_at{kNever}; // the frame just past the last
  std::atomic<bool> stop_next{false};         // stop at the next block's start
  // Writer -> audio.
  std::atomic<bool> abort{false};
  std::atomic<std::uint64_t> tail{0}; // frames the writer has taken

  // Audio -> others.
  std::atomic<int> state{waiting};
  std::atomic<std::uint64_t> start_frame{0}; // the first frame taken
  std::atomic<std::uint64_t> head{0};        // frames stored
  std::atomic<std::uint64_t> overruns{0};    // frames lost
  std::atomic<int> end{static_cast<int>(RecordEnd::none)};

  // The audio side's own.
  std::uint64_t begin_ = 0, end_ = kNever;

  // The writer's.
  void* file = nullptr; // SNDFILE*
  std::string path;
  std::string error;              // written before `written` is set
  std::atomic<bool> written{false}; // the file is closed (or there is none)

  // The control side's (under the Recordings' lock).
  bool closed = false; // the caller is done with it

  // Audio side. Resolves the frames asked against the position of the
  // block it is installed in.
  void install(std::uint64_t position) noexcept {
    begin_ = at == kNever || at < position ? position : at;
    end_ = length != 0 ? begin_ + length : kNever;
  }

  // Audio side. Takes frames [now, now + n) of `planes` (channels planes)
  // that fall within the recording; true once it has ended. Wait-free.
  bool capture(const float* const* planes, std::uint64_t now, std::uint32_t n) noexcept {
    if (abort.load(std::memory_order_acquire))
      return finish(RecordEnd::write_error);
    std::uint64_t stop = std::min(end_, stop_at.load(std::memory_order_relaxed));
    if (stop_next.load(std::memory_order_relaxed))
      stop = std::min(stop, now);
    const std::uint64_t lo = std::max(now, begin_);
    const std::uint64_t hi = std::min(now + n, stop);
    if (lo < hi) {
      const std::uint64_t k = hi - lo;
      const std::uint64_t h = head.load(std::memory_order_relaxed);
      const std::uint64_t room = capacity - (h - (ring ? tail.load(std::memory_order_acquire) : 0));
      if (room < k) {
        overruns.store(overruns.load(std::memory_order_relaxed) + k, std::memory_order_relaxed);
        return finish(RecordEnd::overrun);
      }
      if (state.load(std::memory_order_relaxed) == waiting) {
        start_frame.store(lo, std::memory_order_relaxed);
        state.store(recording, std::memory_order_release);
      }
      const std::uint32_t from = static_cast<std::uint32_t>(lo - now);
      std::uint64_t slot = ring ? h % capacity : h;
      float* to = &memory[slot * channels];
      for (std::uint64_t i = 0; i < k; ++i) {
        for (std::uint32_t c = 0; c < channels; ++c)
          *to++ = planes[c][from + i];
        if (++slot == capacity) {
          slot = 0;
          to = memory.get();
        }
      }
      head.store(h + k, std::memory_order_release);
    }
    if (now + n >= stop)
      return finish(RecordEnd::done);
    return false;
  }

  // Control side (offline, between blocks): whether the ring lacks room
  // for `frames` more frames (all of it, when it holds fewer) while the
  // recording still runs and its writer has not failed.
  bool lacks_room(std::uint64_t frames) const noexcept {
    if (!ring || state.load(std::memory_order_acquire) == finished ||
        abort.load(std::memory_order_acquire))
      return false;
    // acquire: pairs with the releases of head (audio) and tail (writer).
    const std::uint64_t used = head.load(std::memory_order_acquire) -
                               tail.load(std::memory_order_acquire);
    return capacity - used < std::min(frames, capacity);
  }

  // Audio side: ends the recording, saying why.
  bool finish(RecordEnd why) noexcept {
    end.store(static_cast<int>(why), std::memory_order_relaxed);
    state.store(finished, std::memory_order_release);
    return true;
  }
};

// The thread that writes the files' rings with libsndfile. It polls (every
// few ms) rather than being woken: the audio thread never signals anything
// (an offline render waiting for room wakes it: wait_for_room).
// Thread: add() from the control side; the rest is the writer's own.
class RecordWriter {
public:
  RecordWriter();
  // Writes what is left of every file and closes them.
  ~RecordWriter();
  RecordWriter(const RecordWriter&) = delete;
  RecordWriter& operator=(const RecordWriter&) = delete;

  // Takes a recorder whose file is open; it sets r->written once the file
  // is closed, and touches r no more after that.
  void add(Recorder* r);

  // Opens `path` for writing `channels` channels at `rate`: format 0 by the
  // suffix (.wav: 32-bit float WAV, .flac: 24-bit FLAC), 1 WAV, 2 FLAC.
  // Returns the SNDFILE*, or throws std::invalid_argument (a format) or
  // std::runtime_error (the file) naming the cause.
  static void* open(const std::string& path, std::uint32_t channels, std::uint32_t rate,
                    int format);
  // Closes a file open() gave that no recorder took; nullptr: nothing.
  static void close(void* file) noexcept;

  // Waits until every running recorder's ring has room for `frames` more
  // frames (Recorder::lacks_room), waking the writer at once for each pass.
  // Offline only: the caller renders the blocks itself, so it can wait,
  // and nothing it records is lost. Thread: the control side. Blocks.
  void wait_for_room(std::uint64_t frames);

private:
  void run() noexcept;
  // Writes what r's ring holds; true once r is done (its file closed);
  // run() then sets r->written.
  bool drain(Recorder& r, bool final) noexcept;

  std::mutex lock_;
  std::condition_variable wake_;    // the writer's: stopping_ or kick_
  std::condition_variable drained_; // wait_for_room's: passes_ moved on
  bool stopping_ = false;
  bool kick_ = false;           // a pass now, not in a few ms
  std::uint64_t passes_ = 0;    // the writer's passes over its jobs
  std::vector<Recorder*> jobs_; // under lock_
  std::thread thread_;
};

} // namespace ringengine

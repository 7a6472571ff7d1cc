// Audio backends: what calls AudioCallback::process() (the Engine), and from which thread.
//
// - jack:    a JACK client through libjack; process() runs in its callback.
// - pulse:   a PulseAudio (or PipeWire-Pulse) playback stream through
//            libpulse, at block latency; process() runs in its write callback.
// - rtaudio: an RtAudio output stream (ALSA, and RtAudio's own PulseAudio
//            code); process() runs in its callback.
// - null:    a thread of ours paced by the clock at the block period, for
//            machines without a sound card.
// - offline: no thread; the caller steps blocks (OfflineBackend).
// - automatic: the first server API that opens (JACK, PulseAudio, ALSA),
//            otherwise null; why is kept in BackendInfo::note.
//
// Control side only, but for what each function says: opening and stopping
// allocate, lock and wait.
#pragma once

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdint>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "backends/audio_callback.hpp"
#include "backends/warning_log.hpp"

namespace ringengine {

// The backends of backends.def; the values are the C ABI's engine_backend
// (capi/ asserts each).
enum class BackendKind : std::uint32_t {
#define BACKEND(kind, NAME, number, name, devices, api) kind = number,
#include "backends/backends.def"
};
inline constexpr std::uint32_t kBackendKinds = 0
#define BACKEND(kind, NAME, number, name, devices, api) +1
#include "backends/backends.def"
    ;

// Its name in backends.def ("auto", "jack", ...); "unknown" otherwise.
const char* backend_name(BackendKind kind) noexcept;
// Whether a config may name a device of it, or an api (backends.def).
bool backend_has_devices(BackendKind kind) noexcept;
bool backend_takes_api(BackendKind kind) noexcept;

class BackendError : public std::runtime_error {
public:
  enum class Code {
    no_device,   // the named device does not exist (or is ambiguous)
    unavailable, // the backend could not be opened or started
  };
  BackendError(Code code, const std::string& what)
      : std::runtime_error(what), code(code) {}
  Code code;
};

struct BackendRequest {
  BackendKind kind = BackendKind::automatic;
  std::string api;    // auto and rtaudio: "jack", "pulse", "alsa"; empty: each in turn
  std::string device; // empty: the default output device
};

struct BackendInfo {
  BackendKind kind = BackendKind::offline; // never automatic once open
  std::string device;                      // the device in use
  std::uint32_t block_frames = 0;          // as granted by the backend
  std::uint32_t latency_frames = 0;        // output latency the backend reports
  std::uint32_t input_latency_frames = 0;  // input latency the backend reports (inputs > 0)
  std::string note;                        // why auto chose what it chose
};

class OfflineBackend;

class Backend {
public:
  virtual ~Backend() = default;
  const BackendInfo& info() const noexcept { return info_; }
  // Stops calling process() and returns once no call is running.
  // Idempotent. Thread: control side; may block for about one block.
  virtual void stop() noexcept = 0;
  // This backend as the offline one, or nullptr.
  virtual OfflineBackend* offline() noexcept { return nullptr; }

  // The one record of a stream that ended by itself (the server went away,
  // or the stream failed): true once it has, with the reason. Thread: any.
  // Non-blocking: reads our own atomics, never the audio library.
  bool ended() const noexcept { return end_state_.load(std::memory_order_acquire) == kEnded; }
  // Why, once ended() is true ("" before). Valid as long as the backend.
  const char* end_reason() const noexcept { return ended() ? end_text_.data() : ""; }

  void set_note(std::string note) { info_.note = std::move(note); }
  // What the audio library warned about while this backend was open.
  WarningLog& warnings() noexcept { return warnings_; }

protected:
  // Records that the stream ended by itself: `what` (such as "Jack: the
  // server shut the client down") and the library's own words `why`. The
  // first call wins. Thread: any, the audio thread included. Wait-free, no
  // allocation.
  void mark_ended(std::string_view what, std::string_view why) noexcept {
    int expected = kRunning;
    if (!end_state_.compare_exchange_strong(expected, kEnding, std::memory_order_relaxed))
      return;
    std::size_t n = 0;
    const auto append = [&](std::string_view s) {
      const std::size_t k = std::min(s.size(), end_text_.size() - 1 - n);
      std::memcpy(end_text_.data() + n, s.data(), k);
      n += k;
    };
    append(what);
    if (!why.empty()) {
      append(": ");
      append(why);
    }
    end_text_[n] = '\0';
    // release: publishes end_text_ to the acquire in ended().
    end_state_.store(kEnded, std::memory_order_release);
  }

  BackendInfo info_;
  WarningLog warnings_;

private:
  static constexpr int kRunning = 0, kEnding = 1, kEnded = 2;
  std::atomic<int> end_state_{kRunning};
  std::array<char, WarningLog::kTextMax> end_text_{};
};

// No thread: the caller runs each block, as the audio thread would.
class OfflineBackend final : public Backend {
public:
  explicit OfflineBackend(AudioCallback& engine);
  void stop() noexcept override {}
  OfflineBackend* offline() noexcept override { return this; }

  // Runs one block of `frames` frames into `out`, on the calling thread in
  // a real-time scope. False, with nothing done, when another thread is
  // inside process() or render() on this backend. Blocks only in
  // before_offline_block(), outside the scope, while a recording's writer
  // makes room for the block.
  [[nodiscard]] bool process(const AudioOut& out, std::uint32_t frames) noexcept;
  // Runs `frames` frames in blocks of block_frames (the last may be
  // shorter), interleaved into out[0 .. frames * channels). False, with
  // nothing done, as process(). Blocks as process(), before each block.
  // `in`: the input, frames * inputs interleaved (nullptr: silence).
  [[nodiscard]] bool render(float* out, std::uint64_t frames,
                            const float* in = nullptr) noexcept;

private:
  AudioCallback& engine_;
  std::atomic<bool> busy_{false};
};

// Opens the requested backend on `engine` and starts it. The engine must
// outlive the backend. Throws BackendError; with `automatic` and no device
// named, falls back to null instead of throwing.
std::unique_ptr<Backend> start_backend(AudioCallback& engine, const BackendRequest& request);

struct DeviceInfo {
  std::string api;  // "jack", "pulse", "alsa"
  std::string name; // what `device` matches
  unsigned int output_channels = 0;
  bool is_default = false; // the API's default output device
};

// The output devices of `api` (empty: of every API, in the order `auto`
// tries them). `notes` gets what each API that listed nothing answered.
// Control side: probes the audio servers, may block for a second.
std::vector<DeviceInfo> list_output_devices(const std::string& api, std::string& notes);

} // namespace ringengine

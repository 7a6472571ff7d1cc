// Audio backends: what calls Engine::process(), and from which thread.
//
// - rtaudio: an RtAudio output stream; process() runs in its callback.
// - null:    a thread of ours paced by the clock at the block period, for
//            machines without a sound card.
// - offline: no thread; the caller steps blocks with Engine::process().
// - automatic: rtaudio when a stream opens, otherwise null; the reason for
//            the fallback is kept in BackendInfo::note.
//
// Control side only: opening and stopping allocate, lock and wait.
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

#include "engine.hpp"
#include "warning_log.hpp"

namespace ringengine {

enum class BackendKind { automatic, rtaudio, null, offline };

const char* backend_name(BackendKind kind) noexcept;

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
  std::string api;    // rtaudio: "jack", "pulse", "alsa"; empty: each in turn
  std::string device; // empty: the default output device
};

struct BackendInfo {
  BackendKind kind = BackendKind::offline; // never automatic once open
  std::string device;                      // the device in use
  std::uint32_t block_frames = 0;          // as granted by the backend
  std::string note;                        // why auto chose what it chose
};

class Backend {
public:
  virtual ~Backend() = default;
  const BackendInfo& info() const noexcept { return info_; }
  // Stops calling process() and returns once no call is running.
  // Idempotent. Thread: control side; may block for about one block.
  virtual void stop() noexcept = 0;
  // True once the backend stopped by itself (the audio server closed the
  // stream). Thread: control side. Non-blocking.
  virtual bool stopped() const noexcept { return false; }
  // Why it stopped, once stopped() is true.
  virtual std::string failure() const { return {}; }
  void set_note(std::string note) { info_.note = std::move(note); }
  // What the audio library warned about while this backend was open.
  WarningLog& warnings() noexcept { return warnings_; }

protected:
  // Records that the stream ended by itself, and why; the first call wins.
  // Thread: any, the audio thread included. Wait-free, no allocation.
  void mark_ended(std::string_view why) noexcept {
    int expected = kRunning;
    if (!end_state_.compare_exchange_strong(expected, kEnding, std::memory_order_relaxed))
      return;
    const std::size_t n = std::min(why.size(), end_text_.size() - 1);
    std::memcpy(end_text_.data(), why.data(), n);
    end_text_[n] = '\0';
    // release: publishes end_text_ to the acquire in ended().
    end_state_.store(kEnded, std::memory_order_release);
  }
  // Whether mark_ended() has finished. Thread: any. Non-blocking.
  bool ended() const noexcept { return end_state_.load(std::memory_order_acquire) == kEnded; }
  // Why, once ended() is true.
  const char* end_text() const noexcept { return end_text_.data(); }

  BackendInfo info_;
  WarningLog warnings_;

private:
  static constexpr int kRunning = 0, kEnding = 1, kEnded = 2;
  std::atomic<int> end_state_{kRunning};
  std::array<char, WarningLog::kTextMax> end_text_{};
};

// Opens the requested backend on `engine` and starts it. The engine must
// outlive the backend. Throws BackendError; with `automatic` and no device
// named, falls back to null instead of throwing.
std::unique_ptr<Backend> start_backend(Engine& engine, const BackendRequest& request);

// Whether this build has RtAudio.
bool have_rtaudio() noexcept;

struct DeviceInfo {
  std::string api;  // "jack", "pulse", "alsa"
  std::string name; // as RtAudio names it; what `device` matches
  unsigned int output_channels = 0;
  bool is_default = false; // the API's default output device
};

// The output devices of `api` (empty: of every API, in the order `auto`
// tries them). `notes` gets what each API that listed nothing answered.
// Control side: probes the audio servers, may block for a second.
std::vector<DeviceInfo> list_output_devices(const std::string& api, std::string& notes);

} // namespace ringengine

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

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
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
  BackendInfo info_;
  WarningLog warnings_;
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

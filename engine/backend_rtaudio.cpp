// The RtAudio backend: an output stream whose callback runs process() and
// writes silence. Built only when Meson finds RtAudio.
//
// With no API named, the APIs are tried in a fixed order (api_order()), and
// the first that opens and starts a stream on the wanted device wins. Nothing
// is printed: RtAudio instances are made per API with stderr warnings off,
// an open stream's warnings go to the engine's WarningLog (on_error), and
// ALSA's own messages are caught by a per-thread handler while we probe.
#include <cstdarg>
#include <algorithm>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "backend_impl.hpp"
#include "realtime_scope.hpp"

#ifdef RINGENGINE_HAVE_RTAUDIO
#include <RtAudio.h>
#endif
#ifdef RINGENGINE_HAVE_ALSA
extern "C" {
#include <alsa/error.h>
}
#endif

namespace ringengine {

#ifdef RINGENGINE_HAVE_RTAUDIO

bool have_rtaudio() noexcept { return true; }

namespace {

// JACK first: when a JACK server runs, it is what the user wants for low
// latency. Then PulseAudio (also PipeWire's Pulse layer), which shares the
// device with the desktop. ALSA last: it opens the hardware directly and
// fails when a sound server holds it.
std::vector<RtAudio::Api> api_order() {
  std::vector<RtAudio::Api> compiled, order;
  RtAudio::getCompiledApi(compiled);
  for (RtAudio::Api api : {RtAudio::UNIX_JACK, RtAudio::LINUX_PULSE, RtAudio::LINUX_ALSA})
    if (std::find(compiled.begin(), compiled.end(), api) != compiled.end())
      order.push_back(api);
  for (RtAudio::Api api : compiled)
    if (api != RtAudio::RTAUDIO_DUMMY && std::find(order.begin(), order.end(), api) == order.end())
      order.push_back(api);
  return order;
}

// Silences the ALSA library's messages on this thread while alive; its
// failures reach us anyway, as RtAudio's errors.
class QuietAlsa {
#ifdef RINGENGINE_HAVE_ALSA
public:
  QuietAlsa() : previous_(snd_lib_error_set_local(&QuietAlsa::discard)) {}
  ~QuietAlsa() { snd_lib_error_set_local(previous_); }

private:
  static void discard(const char*, int, const char*, int, const char*, va_list) {}
  snd_local_error_handler_t previous_;
#endif
};

struct OutputDevice {
  unsigned int id;
  RtAudio::DeviceInfo info;
};

// The output devices RtAudio lists for `audio`'s API. Throws BackendError
// when it lists none, saying why.
std::vector<OutputDevice> output_devices(RtAudio& audio) {
  std::vector<OutputDevice> found;
  try {
    const unsigned int count = audio.getDeviceCount();
    for (unsigned int id = 0; id < count; ++id) {
      RtAudio::DeviceInfo info = audio.getDeviceInfo(id);
      if (info.probed && info.outputChannels > 0)
        found.push_back({id, std::move(info)});
    }
  } catch (const RtAudioError& e) {
    throw BackendError(BackendError::Code::unavailable, e.getMessage());
  }
  if (found.empty()) {
    // JACK and PulseAudio list no device exactly when no server answers.
    const RtAudio::Api api = audio.getCurrentApi();
    throw BackendError(BackendError::Code::unavailable,
                       api == RtAudio::UNIX_JACK || api == RtAudio::LINUX_PULSE
                           ? "no server running"
                           : "no audio device found");
  }
  return found;
}

// The APIs to try: the one named, or all in order. Throws on an unknown name.
std::vector<RtAudio::Api> apis_for(const std::string& api) {
  std::vector<RtAudio::Api> apis = api_order();
  if (api.empty())
    return apis;
  const RtAudio::Api wanted = RtAudio::getCompiledApiByName(api);
  if (wanted == RtAudio::UNSPECIFIED || wanted == RtAudio::RTAUDIO_DUMMY) {
    std::string names;
    for (RtAudio::Api a : apis)
      names += (names.empty() ? "" : ", ") + RtAudio::getApiName(a);
    throw BackendError(BackendError::Code::unavailable,
                       "unknown audio API '" + api + "'; this build has: " + names);
  }
  return {wanted};
}

class RtAudioBackend;

// RtAudio 5.2 reports warnings and errors to a callback that carries no user
// pointer, on the thread that met them: ours, inside a call on the stream,
// or its own callback thread. Each of those records here which backend it is
// working for. initial-exec: reading it is a plain load from the thread
// pointer, so the audio thread never enters __tls_get_addr (which allocates
// on a thread's first use of a dlopen()ed library's variables).
[[gnu::tls_model("initial-exec")]] constinit thread_local RtAudioBackend* t_backend = nullptr;

// Sets t_backend for the length of a control-side call into RtAudio.
class Reporting {
public:
  explicit Reporting(RtAudioBackend* backend) noexcept : previous_(t_backend) {
    t_backend = backend;
  }
  ~Reporting() { t_backend = previous_; }
  Reporting(const Reporting&) = delete;
  Reporting& operator=(const Reporting&) = delete;

private:
  RtAudioBackend* previous_;
};

// Whether RtAudio's `text` means the stream is dead although RtAudio only
// warned. After a failed write (PulseAudio: "audio write error, Connection
// terminated."; ALSA: "audio write error, No such device.") RtAudio 5.2
// calls back at once, again and again, so the server's end is found here.
// An ALSA underrun is also reported as a write error, and is not fatal.
bool ends_stream(std::string_view text) noexcept {
  const auto has = [text](std::string_view part) { return text.find(part) != text.npos; };
  return (has("write error") || has("read error")) && !has("underrun");
}

class RtAudioBackend final : public Backend {
public:
  RtAudioBackend(Engine& engine, RtAudio::Api api, const std::string& device)
      : engine_(engine), audio_(api), api_(api) {
    audio_.showWarnings(false);
    const EngineConfig& c = engine.config();
    channels_ = c.channels;

    RtAudio::StreamParameters out;
    out.deviceId = find_device(device);
    out.nChannels = channels_;
    unsigned int frames = c.block_frames;
    RtAudio::StreamOptions options;
    options.streamName = "ringengine";
    try {
      // With an error callback RtAudio reports the stream's warnings to it
      // instead of stderr, and its errors after the open too, instead of
      // throwing: startStream() failing shows as ended().
      audio_.openStream(&out, nullptr, RTAUDIO_FLOAT32, c.sample_rate, &frames,
                        &RtAudioBackend::callback, this, &options, &RtAudioBackend::on_error);
      Reporting reporting(this);
      audio_.startStream();
    } catch (const RtAudioError& e) {
      throw unavailable(e.getMessage());
    }
    if (ended()) {
      stop();
      throw unavailable(end_text());
    }
    info_.kind = BackendKind::rtaudio;
    info_.device = RtAudio::getApiDisplayName(audio_.getCurrentApi()) + ": " + device_name_;
    info_.block_frames = frames;
  }
  ~RtAudioBackend() override { stop(); }

  // Stopped when the stream failed (see ends_stream), or when RtAudio
  // closed it itself.
  bool stopped() const noexcept override { return ended() || !audio_.isStreamOpen(); }
  std::string failure() const override {
    const std::string api = RtAudio::getApiDisplayName(api_);
    if (ended())
      return api + ": the stream failed: " + end_text();
    return stopped() ? api + ": the audio server closed the stream" : std::string();
  }

  void stop() noexcept override {
    QuietAlsa quiet;
    Reporting reporting(this);
    try {
      // abortStream, not stopStream: stopStream waits for the callback to
      // drain the output, and when the server has gone no callback ever
      // comes. We only ever write silence: nothing to drain.
      if (audio_.isStreamRunning())
        audio_.abortStream();
      if (audio_.isStreamOpen())
        audio_.closeStream();
    } catch (const RtAudioError&) {
      // The stream is gone either way; nothing left to stop.
    }
  }

private:
  static BackendError unavailable(const std::string& why) {
    return BackendError(BackendError::Code::unavailable, why);
  }

  // RtAudio's error callback. Thread: the one that met the problem (see
  // t_backend). Real-time safe on our side: a bounded copy, no allocation.
  static void on_error(RtAudioError::Type type, const std::string& text) {
    RtAudioBackend* self = t_backend;
    if (self == nullptr)
      return; // not inside a call for one of our streams: cannot happen
    self->warnings_.add(text);
    if ((type != RtAudioError::WARNING && type != RtAudioError::DEBUG_WARNING) ||
        ends_stream(text))
      self->mark_ended(text); // the first failure's text is the stop reason
  }

  // The default output device when `wanted` is empty; otherwise the device
  // whose name equals `wanted`, or else the only one containing it.
  unsigned int find_device(const std::string& wanted) {
    const std::vector<OutputDevice> devices = output_devices(audio_);
    std::vector<std::string> names;
    for (const OutputDevice& d : devices)
      names.push_back(d.info.name);
    std::string name = match_device(names, wanted);
    if (wanted.empty())
      for (const OutputDevice& d : devices)
        if (d.info.isDefaultOutput)
          name = d.info.name;
    for (const OutputDevice& d : devices)
      if (d.info.name == name) {
        device_name_ = name;
        return d.id;
      }
    throw BackendError(BackendError::Code::unavailable, "device list changed while opening");
  }

  // Thread: the audio server's callback thread. Real-time: no allocation,
  // no lock, no I/O.
  static int callback(void* output, void* /*input*/, unsigned int frames,
                      double /*time*/, RtAudioStreamStatus status, void* user) {
    RealtimeScope realtime;
    auto& self = *static_cast<RtAudioBackend*>(user);
    t_backend = &self; // RtAudio's warnings on this thread are about this stream
    std::memset(output, 0, std::size_t{frames} * self.channels_ * sizeof(float));
    if (self.ended())
      return 2; // abort: RtAudio would otherwise call again at once, forever
    if (status & RTAUDIO_OUTPUT_UNDERFLOW)
      self.engine_.note_xrun();
    self.engine_.process(frames);
    return 0;
  }

  Engine& engine_;
  RtAudio audio_;
  RtAudio::Api api_;
  unsigned int channels_ = 0;
  std::string device_name_;
};

} // namespace

std::unique_ptr<Backend> start_rtaudio_backend(Engine& engine, const std::string& api,
                                               const std::string& device) {
  const std::vector<RtAudio::Api> apis = apis_for(api);
  if (apis.empty())
    throw BackendError(BackendError::Code::unavailable, "RtAudio was built without any API");

  // Every API is tried; the error says what each one answered. When one that
  // answered has no such device, the device is what is missing.
  std::string reasons;
  bool no_device = false;
  for (RtAudio::Api a : apis) {
    QuietAlsa quiet;
    try {
#ifdef RINGENGINE_HAVE_JACK
      if (a == RtAudio::UNIX_JACK)
        return start_jack_backend(engine, device);
#endif
      return std::make_unique<RtAudioBackend>(engine, a, device);
    } catch (const BackendError& e) {
      no_device = no_device || e.code == BackendError::Code::no_device;
      reasons += (reasons.empty() ? "" : "; ") + RtAudio::getApiDisplayName(a) + ": " + e.what();
    }
  }
  throw BackendError(no_device ? BackendError::Code::no_device : BackendError::Code::unavailable,
                     reasons);
}

std::vector<DeviceInfo> list_output_devices(const std::string& api, std::string& notes) {
  std::vector<DeviceInfo> list;
  notes.clear();
  for (RtAudio::Api a : apis_for(api)) {
    QuietAlsa quiet;
    RtAudio audio(a);
    audio.showWarnings(false);
    try {
      for (const OutputDevice& d : output_devices(audio))
        list.push_back({RtAudio::getApiName(a), d.info.name, d.info.outputChannels,
                        d.info.isDefaultOutput});
    } catch (const BackendError& e) {
      notes += (notes.empty() ? "" : "; ") + RtAudio::getApiDisplayName(a) + ": " + e.what();
    }
  }
  return list;
}

#else

bool have_rtaudio() noexcept { return false; }

std::vector<DeviceInfo> list_output_devices(const std::string&, std::string& notes) {
  notes = "built without RtAudio";
  return {};
}

std::unique_ptr<Backend> start_rtaudio_backend(Engine&, const std::string&, const std::string&) {
  throw BackendError(BackendError::Code::unavailable, "built without RtAudio");
}

#endif

} // namespace ringengine

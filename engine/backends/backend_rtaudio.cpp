// The RtAudio backend: an output stream whose callback runs process() into
// RtAudio's interleaved buffer. Serves ALSA (and RtAudio's own PulseAudio
// code, for comparison: backend 'pulse' is ours); JACK is backend 'jack'.
// Built with RtAudio when Meson finds it; without, opening it says so.
//
// Nothing is printed: RtAudio instances are made per API with stderr warnings off,
// an open stream's warnings go to the engine's WarningLog (on_error), and
// ALSA's own messages are caught by a per-thread handler while we probe.
#include <cstdarg>
#include <algorithm>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "backends/backend_impl.hpp"
#include "backends/realtime_scope.hpp"

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

namespace {

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

// The RtAudio API named `api`. Throws on a name this build lacks, and on
// JACK, which backend 'jack' serves: RtAudio 5.2's JACK code closes the
// stream from a thread of its own when the server shuts down, and prints.
RtAudio::Api api_by_name(const std::string& api) {
  if (api == "jack")
    throw BackendError(BackendError::Code::unavailable,
                       "JACK is served by backend 'jack', not through RtAudio");
  const RtAudio::Api wanted = RtAudio::getCompiledApiByName(api);
  std::vector<RtAudio::Api> compiled;
  RtAudio::getCompiledApi(compiled);
  if (wanted == RtAudio::UNSPECIFIED || wanted == RtAudio::RTAUDIO_DUMMY ||
      std::find(compiled.begin(), compiled.end(), wanted) == compiled.end()) {
    std::string names;
    for (RtAudio::Api a : compiled)
      if (a != RtAudio::RTAUDIO_DUMMY && a != RtAudio::UNIX_JACK)
        names += (names.empty() ? "" : ", ") + RtAudio::getApiName(a);
    throw BackendError(BackendError::Code::unavailable,
                       "unknown RtAudio API '" + api + "'; this build has: " + names);
  }
  return wanted;
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
  RtAudioBackend(AudioCallback& engine, RtAudio::Api api, const std::string& device)
      : engine_(engine), audio_(api) {
    audio_.showWarnings(false);
    failed_ = RtAudio::getApiDisplayName(api) + ": the stream failed";
    const StreamConfig c = engine.stream();
    channels_ = c.channels;

    RtAudio::StreamParameters out;
    out.deviceId = find_device(device);
    out.nChannels = channels_;
    // The input (config.inputs): the API's default input device, in the same
    // duplex stream, so the callback gets both buffers of one period.
    RtAudio::StreamParameters in;
    if (c.inputs > 0) {
      in.deviceId = audio_.getDefaultInputDevice();
      in.nChannels = c.inputs;
    }
    unsigned int frames = c.block_frames;
    RtAudio::StreamOptions options;
    options.streamName = "ringengine";
    try {
      // With an error callback RtAudio reports the stream's warnings to it
      // instead of stderr, and its errors after the open too, instead of
      // throwing: startStream() failing shows as ended().
      audio_.openStream(&out, c.inputs > 0 ? &in : nullptr, RTAUDIO_FLOAT32, c.sample_rate, &frames,
                        &RtAudioBackend::callback, this, &options, &RtAudioBackend::on_error);
      Reporting reporting(this);
      audio_.startStream();
    } catch (const RtAudioError& e) {
      throw unavailable(e.getMessage());
    }
    if (ended()) {
      stop();
      throw unavailable(end_reason());
    }
    info_.kind = BackendKind::rtaudio;
    info_.device = RtAudio::getApiDisplayName(audio_.getCurrentApi()) + ": " + device_name_;
    info_.block_frames = frames;
    try {
      Reporting reporting(this);
      info_.latency_frames = static_cast<std::uint32_t>(std::max(0L, audio_.getStreamLatency()));
    } catch (const RtAudioError&) {
      // An API that cannot say: 0, as documented.
    }
    // RtAudio gives only the sum of both directions, and only once
    // callbacks have run. What the callback reads was captured over the
    // period before it: a period is the input's latency here (the server's
    // or the converter's part, which RtAudio does not tell, not counted).
    if (c.inputs > 0)
      info_.input_latency_frames = frames;
  }
  ~RtAudioBackend() override { stop(); }

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
      self->mark_ended(self->failed_, text); // the first failure's text is the reason
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
  static int callback(void* output, void* input, unsigned int frames,
                      double /*time*/, RtAudioStreamStatus status, void* user) {
    RealtimeScope realtime;
    auto& self = *static_cast<RtAudioBackend*>(user);
    t_backend = &self; // RtAudio's warnings on this thread are about this stream
    if (self.ended()) {
      std::memset(output, 0, std::size_t{frames} * self.channels_ * sizeof(float));
      return 2; // abort: RtAudio would otherwise call again at once, forever
    }
    if (status & (RTAUDIO_OUTPUT_UNDERFLOW | RTAUDIO_INPUT_OVERFLOW))
      self.engine_.note_xrun();
    self.engine_.process(AudioOut{static_cast<float*>(output), nullptr}, frames,
                         AudioIn{static_cast<const float*>(input), nullptr});
    return 0;
  }

  AudioCallback& engine_;
  RtAudio audio_;
  std::string failed_; // "<API>: the stream failed", the start of end_reason()
  unsigned int channels_ = 0;
  std::string device_name_;
};

} // namespace

std::unique_ptr<Backend> start_rtaudio_backend(AudioCallback& engine, const BackendRequest& request) {
  const RtAudio::Api a = api_by_name(request.api.empty() ? "alsa" : request.api);
  const std::string& device = request.device;
  QuietAlsa quiet;
  return std::make_unique<RtAudioBackend>(engine, a, device);
}

std::vector<DeviceInfo> list_rtaudio_devices(const std::string& api) {
  const RtAudio::Api a = api_by_name(api);
  QuietAlsa quiet;
  RtAudio audio(a);
  audio.showWarnings(false);
  std::vector<DeviceInfo> list;
  for (const OutputDevice& d : output_devices(audio))
    list.push_back({RtAudio::getApiName(a), d.info.name, d.info.outputChannels,
                    d.info.isDefaultOutput});
  return list;
}

#else

std::vector<DeviceInfo> list_rtaudio_devices(const std::string&) {
  throw BackendError(BackendError::Code::unavailable, "built without RtAudio");
}

std::unique_ptr<Backend> start_rtaudio_backend(AudioCallback&, const BackendRequest&) {
  throw BackendError(BackendError::Code::unavailable, "built without RtAudio");
}

#endif

} // namespace ringengine

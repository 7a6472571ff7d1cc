// The RtAudio backend: an output stream whose callback runs process() and
// writes silence. Built only when Meson finds RtAudio.
//
// With no API named, the APIs are tried in a fixed order (api_order()), and
// the first that opens and starts a stream on the wanted device wins. RtAudio
// instances are made per API with warnings off, and ALSA's own messages are
// caught by a per-thread handler while we probe, so nothing is printed.
#include <cctype>
#include <cstdarg>
#include <algorithm>
#include <cstring>
#include <string>
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

bool contains_nocase(const std::string& haystack, const std::string& needle) {
  auto lower = [](std::string s) {
    for (char& c : s)
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
  };
  return lower(haystack).find(lower(needle)) != std::string::npos;
}

class RtAudioBackend final : public Backend {
public:
  RtAudioBackend(Engine& engine, RtAudio::Api api, const std::string& device)
      : engine_(engine), audio_(api) {
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
      audio_.openStream(&out, nullptr, RTAUDIO_FLOAT32, c.sample_rate, &frames,
                        &RtAudioBackend::callback, this, &options);
      audio_.startStream();
    } catch (const RtAudioError& e) {
      throw unavailable(e.getMessage());
    }
    info_.kind = BackendKind::rtaudio;
    info_.device = RtAudio::getApiDisplayName(audio_.getCurrentApi()) + ": " + device_name_;
    info_.block_frames = frames;
  }
  ~RtAudioBackend() override { stop(); }

  void stop() noexcept override {
    QuietAlsa quiet;
    try {
      if (audio_.isStreamRunning())
        audio_.stopStream();
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

  // The default output device when `wanted` is empty; otherwise the device
  // whose name equals `wanted`, or else the only one containing it.
  unsigned int find_device(const std::string& wanted) {
    std::vector<unsigned int> ids;
    std::vector<std::string> names;
    try {
      const unsigned int count = audio_.getDeviceCount();
      if (count == 0) {
        // JACK and PulseAudio list no device exactly when no server answers.
        const RtAudio::Api api = audio_.getCurrentApi();
        throw unavailable(api == RtAudio::UNIX_JACK || api == RtAudio::LINUX_PULSE
                              ? "no server running"
                              : "no audio device found");
      }
      if (wanted.empty()) {
        const unsigned int id = audio_.getDefaultOutputDevice();
        const RtAudio::DeviceInfo info = audio_.getDeviceInfo(id);
        if (!info.probed || info.outputChannels == 0)
          throw unavailable("no default output device");
        device_name_ = info.name;
        return id;
      }
      for (unsigned int id = 0; id < count; ++id) {
        const RtAudio::DeviceInfo info = audio_.getDeviceInfo(id);
        if (!info.probed || info.outputChannels == 0)
          continue;
        if (info.name == wanted) {
          device_name_ = info.name;
          return id;
        }
        ids.push_back(id);
        names.push_back(info.name);
      }
    } catch (const RtAudioError& e) {
      throw unavailable(e.getMessage());
    }
    std::vector<std::string> hits;
    unsigned int hit_id = 0;
    for (std::size_t i = 0; i < names.size(); ++i)
      if (contains_nocase(names[i], wanted)) {
        hits.push_back(names[i]);
        hit_id = ids[i];
      }
    if (hits.size() == 1) {
      device_name_ = hits[0];
      return hit_id;
    }
    const bool ambiguous = !hits.empty();
    throw BackendError(BackendError::Code::no_device,
                       "output device '" + wanted +
                           (ambiguous ? "' is ambiguous: " : "' not found; devices: ") +
                           quoted_list(ambiguous ? hits : names));
  }

  static std::string quoted_list(const std::vector<std::string>& names) {
    if (names.empty())
      return "none";
    std::string list;
    for (const std::string& n : names)
      list += (list.empty() ? "'" : ", '") + n + "'";
    return list;
  }

  // Thread: the audio server's callback thread. Real-time: no allocation,
  // no lock, no I/O.
  static int callback(void* output, void* /*input*/, unsigned int frames,
                      double /*time*/, RtAudioStreamStatus status, void* user) {
    RealtimeScope realtime;
    auto& self = *static_cast<RtAudioBackend*>(user);
    if (status & RTAUDIO_OUTPUT_UNDERFLOW)
      self.engine_.note_xrun();
    self.engine_.process(frames);
    std::memset(output, 0, std::size_t{frames} * self.channels_ * sizeof(float));
    return 0;
  }

  Engine& engine_;
  RtAudio audio_;
  unsigned int channels_ = 0;
  std::string device_name_;
};

} // namespace

std::unique_ptr<Backend> start_rtaudio_backend(Engine& engine, const std::string& api,
                                               const std::string& device) {
  std::vector<RtAudio::Api> apis = api_order();
  std::string names;
  for (RtAudio::Api a : apis)
    names += (names.empty() ? "" : ", ") + RtAudio::getApiName(a);
  if (!api.empty()) {
    const RtAudio::Api wanted = RtAudio::getCompiledApiByName(api);
    if (wanted == RtAudio::UNSPECIFIED || wanted == RtAudio::RTAUDIO_DUMMY)
      throw BackendError(BackendError::Code::unavailable,
                         "unknown audio API '" + api + "'; this build has: " + names);
    apis = {wanted};
  }
  if (apis.empty())
    throw BackendError(BackendError::Code::unavailable, "RtAudio was built without any API");

  // Every API is tried; the error says what each one answered.
  std::string reasons;
  bool only_no_device = true;
  for (RtAudio::Api a : apis) {
    QuietAlsa quiet;
    try {
      return std::make_unique<RtAudioBackend>(engine, a, device);
    } catch (const BackendError& e) {
      only_no_device = only_no_device && e.code == BackendError::Code::no_device;
      reasons += (reasons.empty() ? "" : "; ") + RtAudio::getApiDisplayName(a) + ": " + e.what();
    }
  }
  throw BackendError(only_no_device ? BackendError::Code::no_device
                                    : BackendError::Code::unavailable,
                     reasons);
}

#else

bool have_rtaudio() noexcept { return false; }

std::unique_ptr<Backend> start_rtaudio_backend(Engine&, const std::string&, const std::string&) {
  throw BackendError(BackendError::Code::unavailable, "built without RtAudio");
}

#endif

} // namespace ringengine

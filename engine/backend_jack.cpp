// The JACK output stream, through libjack directly: a client with one output
// port per channel, connected to the device's playback ports, whose process
// callback runs Engine::process() and writes silence.
//
// Why not RtAudio's JACK code (5.2, Debian 12): when the server goes away it
// closes the stream from a detached thread of its own, which the owner cannot
// wait for, so closing the engine at that moment used freed memory (a
// segfault from Python in tests/python/test_servers.py), and it prints to
// stderr. Here the shutdown callback only raises a flag.
#include <jack/jack.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "backend_impl.hpp"
#include "realtime_scope.hpp"

namespace ringengine {

namespace {

void silent(const char*) {}

class JackBackend final : public Backend {
public:
  JackBackend(Engine& engine, const std::string& device) : engine_(engine) {
    // As RtAudio does: libjack's messages would go to stderr.
    jack_set_error_function(&silent);
    jack_set_info_function(&silent);
    jack_status_t status;
    client_ = jack_client_open("ringengine", JackNoStartServer, &status);
    if (client_ == nullptr)
      throw unavailable("no server running");
    try {
      open(device);
    } catch (...) {
      jack_client_close(client_);
      throw;
    }
  }
  ~JackBackend() override { stop(); }

  void stop() noexcept override {
    if (client_ == nullptr)
      return;
    // With the server gone, deactivating would wait for it in vain.
    if (!ended())
      jack_deactivate(client_);
    jack_client_close(client_); // after deactivation no callback runs
    client_ = nullptr;
  }

  bool stopped() const noexcept override { return ended(); }
  std::string failure() const override {
    return stopped() ? std::string("Jack: the server shut the client down: ") + end_text() : "";
  }

private:
  static BackendError unavailable(const std::string& why) {
    return BackendError(BackendError::Code::unavailable, why);
  }

  void open(const std::string& device) {
    const EngineConfig& c = engine_.config();
    const jack_nframes_t rate = jack_get_sample_rate(client_);
    if (rate != c.sample_rate)
      throw unavailable("the server runs at " + std::to_string(rate) + " Hz, not " +
                        std::to_string(c.sample_rate) + " Hz");
    const std::vector<std::string> playback = playback_ports(device);
    for (std::uint32_t ch = 0; ch < c.channels; ++ch) {
      const std::string name = "out_" + std::to_string(ch + 1);
      jack_port_t* port = jack_port_register(client_, name.c_str(), JACK_DEFAULT_AUDIO_TYPE,
                                             JackPortIsOutput, 0);
      if (port == nullptr)
        throw unavailable("cannot register port " + name);
      ports_.push_back(port);
    }
    jack_set_process_callback(client_, &JackBackend::process, this);
    jack_set_xrun_callback(client_, &JackBackend::xrun, this);
    jack_on_info_shutdown(client_, &JackBackend::shutdown, this);
    if (jack_activate(client_) != 0)
      throw unavailable("cannot activate the client");
    // Channel i to the device's i-th playback port, as far as there are
    // ports. A failed connection leaves the stream running, unheard: warn.
    for (std::size_t i = 0; i < ports_.size() && i < playback.size(); ++i)
      if (jack_connect(client_, jack_port_name(ports_[i]), playback[i].c_str()) != 0)
        warnings_.add("Jack: cannot connect " + std::string(jack_port_name(ports_[i])) +
                      " to " + playback[i]);
    info_.kind = BackendKind::rtaudio;
    info_.device = "Jack: " + device_;
    info_.block_frames = jack_get_buffer_size(client_);
  }

  // The playback ports of the device: the client (before ':') named `wanted`,
  // or the only one containing it, or with no name the first physical one.
  std::vector<std::string> playback_ports(const std::string& wanted) {
    const char** names =
        jack_get_ports(client_, nullptr, JACK_DEFAULT_AUDIO_TYPE, JackPortIsInput | JackPortIsPhysical);
    std::vector<std::string> ports, clients;
    for (const char** p = names; p != nullptr && *p != nullptr; ++p) {
      ports.emplace_back(*p);
      const std::string client = ports.back().substr(0, ports.back().find(':'));
      if (clients.empty() || clients.back() != client)
        clients.push_back(client);
    }
    if (names != nullptr)
      jack_free(names);
    if (clients.empty())
      throw unavailable("the server has no playback ports");
    device_ = match_device(clients, wanted);
    std::vector<std::string> mine;
    for (const std::string& p : ports)
      if (p.compare(0, device_.size() + 1, device_ + ":") == 0)
        mine.push_back(p);
    return mine;
  }

  // Thread: JACK's real-time process thread.
  static int process(jack_nframes_t frames, void* user) {
    RealtimeScope realtime;
    auto& self = *static_cast<JackBackend*>(user);
    self.engine_.process(frames);
    for (jack_port_t* port : self.ports_)
      std::memset(jack_port_get_buffer(port, frames), 0, frames * sizeof(jack_default_audio_sample_t));
    return 0;
  }

  // Thread: JACK's notification thread (the only writer of the xrun count).
  static int xrun(void* user) {
    static_cast<JackBackend*>(user)->engine_.note_xrun();
    return 0;
  }

  // Thread: a libjack thread, when the server goes away or drops us.
  // Copies only: no allocation.
  static void shutdown(jack_status_t, const char* reason, void* user) {
    auto& self = *static_cast<JackBackend*>(user);
    const std::string_view why = reason != nullptr ? reason : "";
    self.warnings_.add(why);
    self.mark_ended(why);
  }

  Engine& engine_;
  jack_client_t* client_ = nullptr;
  std::vector<jack_port_t*> ports_;
  std::string device_;
};

} // namespace

std::unique_ptr<Backend> start_jack_backend(Engine& engine, const std::string& device) {
  return std::make_unique<JackBackend>(engine, device);
}

} // namespace ringengine

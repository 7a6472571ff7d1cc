// Backend 'jack': a JACK client through libjack, with one output port per
// channel, connected to the device's playback ports, whose process callback
// runs Engine::process() straight into the ports' buffers. Works on jackd
// and on PipeWire's JACK layer (pw-jack).
//
// Why not RtAudio's JACK code (5.2, Debian 12): when the server goes away it
// closes the stream from a detached thread of its own, which the owner cannot
// wait for, so closing the engine at that moment used freed memory (a
// segfault from Python in tests/python/test_servers.py), and it prints to
// stderr. Here the shutdown callback only raises a flag.
//
// libjack waits for the server without a time limit (a stopped or hung
// server leaves jack_deactivate() blocked in read() for good), so stop()
// gives libjack's teardown a thread of its own and waits for it a bounded
// time; past that, the callbacks find their gate shut (CallbackGate). Our
// opens and teardowns of clients take turns (libjack_lock()), as libjack
// deadlocks when one overlaps another.
#ifdef RINGENGINE_HAVE_JACK
#include <jack/jack.h>
#include <pthread.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "backends/backend_impl.hpp"
#include "backends/realtime_scope.hpp"

namespace ringengine {

namespace {

void silent(const char*) {}

// How long stop() waits for libjack to let go of the client. A live server
// answers in milliseconds; a dying one makes libjack wait up to its own 5 s.
constexpr std::chrono::milliseconds kCloseWait{2000};

class JackBackend;

// What libjack's threads reach the backend through. It outlives the backend
// when stop() stops waiting for libjack: the thread still in libjack keeps
// it, and a callback that comes after shut() writes silence and leaves
// without touching the backend or the engine.
struct CallbackGate {
  JackBackend* backend = nullptr;
  std::vector<jack_port_t*> ports;
  std::vector<float*> buffers; // the ports' buffers in this callback
  std::vector<jack_port_t*> inputs; // in_1 .. in_N (config.inputs)
  std::vector<const float*> input_buffers;

  // Thread: libjack's. Wait-free. False once shut(): touch nothing but ports.
  bool enter() noexcept {
    // seq_cst, with shut()'s: either shut() sees us inside and waits, or we
    // see the gate shut.
    inside_.fetch_add(1, std::memory_order_seq_cst);
    if (open_.load(std::memory_order_seq_cst))
      return true;
    leave();
    return false;
  }
  void leave() noexcept {
    // release: our reads of the backend happen before shut() returns.
    inside_.fetch_sub(1, std::memory_order_release);
  }
  // Thread: the control side. Waits (sleeping) for the callbacks inside,
  // which each take less than a block.
  void shut() noexcept {
    open_.store(false, std::memory_order_seq_cst);
    while (inside_.load(std::memory_order_acquire) != 0)
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }

private:
  std::atomic<bool> open_{true};
  std::atomic<int> inside_{0};
};

// Audio input ports of `client`'s server other than its own, as
// "client:port": the physical ones if any are marked, else all.
std::vector<std::string> jack_playback_ports(jack_client_t* client) {
  std::vector<std::string> ports;
  for (unsigned long flags : {0ul + (JackPortIsInput | JackPortIsPhysical), 0ul + JackPortIsInput}) {
    const char** names = jack_get_ports(client, nullptr, JACK_DEFAULT_AUDIO_TYPE, flags);
    const std::string self = std::string(jack_get_client_name(client)) + ":";
    for (const char** p = names; p != nullptr && *p != nullptr; ++p)
      if (std::string_view(*p).substr(0, self.size()) != self)
        ports.emplace_back(*p);
    if (names != nullptr)
      jack_free(names);
    if (!ports.empty())
      break;
  }
  return ports;
}

// The clients (before ':') of `ports`, in order of first appearance.
std::vector<std::string> clients_of(const std::vector<std::string>& ports) {
  std::vector<std::string> clients;
  for (const std::string& p : ports) {
    const std::string client = p.substr(0, p.find(':'));
    if (std::find(clients.begin(), clients.end(), client) == clients.end())
      clients.push_back(client);
  }
  return clients;
}

// libjack deadlocks when one thread opens a client while another closes one
// (seen here: jack_client_open() and jack_client_close() each waiting on a
// lock the other holds), which a close that stop() stopped waiting for makes
// possible. So this library opens, sets up and tears down its clients one at
// a time; an open waits for a teardown at most kOpenWait.
std::mutex& libjack_lock() {
  static std::mutex lock;
  return lock;
}
constexpr std::chrono::seconds kOpenWait{10};

// Polls rather than std::timed_mutex::try_lock_for(), whose
// pthread_mutex_clocklock() ThreadSanitizer does not see (GCC 12).
std::unique_lock<std::mutex> lock_libjack() {
  std::unique_lock<std::mutex> lock(libjack_lock(), std::try_to_lock);
  const auto deadline = std::chrono::steady_clock::now() + kOpenWait;
  while (!lock.owns_lock()) {
    if (std::chrono::steady_clock::now() > deadline)
      throw BackendError(BackendError::Code::unavailable,
                         "an earlier JACK client of this process is still closing "
                         "(its server does not answer)");
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    lock.try_lock();
  }
  return lock;
}

// Thread: the caller holds lock_libjack().
jack_client_t* open_client(const char* name) {
  // As RtAudio does: libjack's messages would go to stderr.
  jack_set_error_function(&silent);
  jack_set_info_function(&silent);
  jack_status_t status;
  return jack_client_open(name, JackNoStartServer, &status);
}

class JackBackend final : public Backend {
public:
  JackBackend(AudioCallback& engine, const std::string& device)
      : engine_(engine), gate_(std::make_shared<CallbackGate>()) {
    gate_->backend = this;
    const auto libjack = lock_libjack();
    client_ = open_client("ringengine");
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
    jack_client_t* client = std::exchange(client_, nullptr);
    // With the server gone, deactivating would wait for it in vain.
    const bool deactivate = !ended();
    auto teardown = [client, deactivate] {
      const std::lock_guard libjack(libjack_lock());
      if (deactivate)
        jack_deactivate(client);
      jack_client_close(client); // after it returns, no callback runs
    };
    std::future<void> done;
    try {
      auto finished = std::make_shared<std::promise<void>>();
      done = finished->get_future();
      std::thread([teardown, finished, gate = gate_] {
        teardown();
        finished->set_value();
      }).detach();
    } catch (...) { // no thread to be had: wait here, without a bound
      teardown();
      return;
    }
    if (done.wait_for(kCloseWait) != std::future_status::ready)
      gate_->shut(); // the thread keeps the gate; the backend may go
  }

private:
  static BackendError unavailable(const std::string& why) {
    return BackendError(BackendError::Code::unavailable, why);
  }

  void open(const std::string& device) {
    const StreamConfig c = engine_.stream();
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
      gate_->ports.push_back(port);
    }
    gate_->buffers.assign(gate_->ports.size(), nullptr);
    for (std::uint32_t ch = 0; ch < c.inputs; ++ch) {
      const std::string name = "in_" + std::to_string(ch + 1);
      jack_port_t* port = jack_port_register(client_, name.c_str(), JACK_DEFAULT_AUDIO_TYPE,
                                             JackPortIsInput, 0);
      if (port == nullptr)
        throw unavailable("cannot register port " + name);
      gate_->inputs.push_back(port);
    }
    gate_->input_buffers.assign(gate_->inputs.size(), nullptr);
    jack_set_process_callback(client_, &JackBackend::process, gate_.get());
    jack_set_xrun_callback(client_, &JackBackend::xrun, gate_.get());
    jack_on_info_shutdown(client_, &JackBackend::shutdown, gate_.get());
    if (jack_activate(client_) != 0)
      throw unavailable("cannot activate the client");
    // Channel i to the device's i-th playback port, as far as there are
    // ports. A failed connection leaves the stream running, unheard: warn.
    if (playback.empty())
      warnings_.add("Jack: the server has no playback ports: the client runs unconnected");
    const std::vector<jack_port_t*>& ports = gate_->ports;
    for (std::size_t i = 0; i < ports.size() && i < playback.size(); ++i)
      if (jack_connect(client_, jack_port_name(ports[i]), playback[i].c_str()) != 0)
        warnings_.add("Jack: cannot connect " + std::string(jack_port_name(ports[i])) +
                      " to " + playback[i]);
    // The inputs to the server's first capture ports, when asked
    // (RINGENGINE_JACK_CONNECT_INPUTS=1): by default they wait unconnected,
    // so that nothing is recorded that the caller did not connect.
    const char* connect = std::getenv("RINGENGINE_JACK_CONNECT_INPUTS");
    if (connect != nullptr && std::string_view(connect) == "1") {
      const std::vector<std::string> capture = capture_ports();
      if (capture.empty() && !gate_->inputs.empty())
        warnings_.add("Jack: the server has no capture ports: the inputs are unconnected");
      for (std::size_t i = 0; i < gate_->inputs.size() && i < capture.size(); ++i)
        if (jack_connect(client_, capture[i].c_str(), jack_port_name(gate_->inputs[i])) != 0)
          warnings_.add("Jack: cannot connect " + capture[i] + " to " +
                        std::string(jack_port_name(gate_->inputs[i])));
    }
    if (!gate_->inputs.empty()) {
      jack_latency_range_t in_range{0, 0};
      jack_port_get_latency_range(gate_->inputs.front(), JackCaptureLatency, &in_range);
      info_.input_latency_frames = in_range.max;
    }
    info_.kind = BackendKind::jack;
    info_.device = "Jack: " + (device_.empty() ? std::string("(unconnected)") : device_);
    info_.block_frames = jack_get_buffer_size(client_);
    // Our port adds nothing to the latency of the port it plays to, so that
    // port's is read: the server sets our own port's only after it has
    // recomputed the graph for the new connection, which may come after
    // jack_connect() returns (0 was read now and then under ASan).
    jack_port_t* heard = playback.empty() || !jack_port_connected(ports.front())
                             ? nullptr
                             : jack_port_by_name(client_, playback.front().c_str());
    jack_latency_range_t range{0, 0};
    jack_port_get_latency_range(heard != nullptr ? heard : ports.front(), JackPlaybackLatency,
                                &range);
    info_.latency_frames = range.max;
  }

  // Audio output ports of other clients: the physical ones (capture) if
  // any are marked, else every one.
  std::vector<std::string> capture_ports() {
    std::vector<std::string> ports;
    const std::string self = std::string(jack_get_client_name(client_)) + ":";
    for (unsigned long flags :
         {0ul + (JackPortIsOutput | JackPortIsPhysical), 0ul + JackPortIsOutput}) {
      const char** names = jack_get_ports(client_, nullptr, JACK_DEFAULT_AUDIO_TYPE, flags);
      for (const char** p = names; p != nullptr && *p != nullptr; ++p)
        if (std::string_view(*p).substr(0, self.size()) != self)
          ports.emplace_back(*p);
      if (names != nullptr)
        jack_free(names);
      if (!ports.empty())
        break;
    }
    return ports;
  }

  // The playback ports of the device: the client (before ':') named `wanted`,
  // or the only one containing it, or with no name the first. Physical
  // ports when the server marks any (jackd's system:playback_N), otherwise
  // every audio input port of another client (PipeWire's JACK layer marks
  // none physical on a null sink). None at all: no ports, a warning later,
  // unless a device was named.
  std::vector<std::string> playback_ports(const std::string& wanted) {
    std::vector<std::string> ports = jack_playback_ports(client_);
    std::vector<std::string> clients = clients_of(ports);
    if (clients.empty()) {
      if (!wanted.empty())
        throw BackendError(BackendError::Code::no_device,
                           "output device '" + wanted + "' not found; the server has no playback ports");
      return {};
    }
    device_ = match_device(clients, wanted);
    std::vector<std::string> mine;
    for (const std::string& p : ports)
      if (p.compare(0, device_.size() + 1, device_ + ":") == 0)
        mine.push_back(p);
    return mine;
  }

  // Thread: JACK's real-time process thread. libjack (JACK2) stops a
  // client's thread with an asynchronous pthread_cancel() when the client
  // deactivates: a thread still inside the callback, one that is late or
  // overloaded, was unwound from wherever it was, and the unwind reaching a
  // noexcept frame of the engine's called std::terminate (seen closing an
  // engine whose key-locked voices took more than a period). So the
  // callback runs with cancellation off, and a cancel that came meanwhile
  // acts when it is turned back on, after the engine and the gate are left:
  // no destructor or noexcept frame lies between here and libjack. The
  // calls set a flag of the thread's; no system call.
  static int process(jack_nframes_t frames, void* user) {
    int cancel_state = PTHREAD_CANCEL_ENABLE;
    pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, &cancel_state);
    run_block(frames, *static_cast<CallbackGate*>(user));
    pthread_setcancelstate(cancel_state, nullptr);
    return 0;
  }

  static void run_block(jack_nframes_t frames, CallbackGate& gate) noexcept {
    RealtimeScope realtime;
    for (std::size_t i = 0; i < gate.ports.size(); ++i)
      gate.buffers[i] = static_cast<float*>(jack_port_get_buffer(gate.ports[i], frames));
    for (std::size_t i = 0; i < gate.inputs.size(); ++i)
      gate.input_buffers[i] =
          static_cast<const float*>(jack_port_get_buffer(gate.inputs[i], frames));
    if (!gate.enter()) {
      for (float* buffer : gate.buffers)
        std::fill_n(buffer, frames, 0.0f);
      return;
    }
    gate.backend->engine_.process(
        AudioOut{nullptr, gate.buffers.data()}, frames,
        AudioIn{nullptr, gate.inputs.empty() ? nullptr : gate.input_buffers.data()});
    gate.leave();
  }

  // Thread: JACK's notification thread (the only writer of the xrun count).
  static int xrun(void* user) {
    auto& gate = *static_cast<CallbackGate*>(user);
    if (gate.enter()) {
      gate.backend->engine_.note_xrun();
      gate.leave();
    }
    return 0;
  }

  // Thread: a libjack thread, when the server goes away or drops us.
  // Copies only: no allocation.
  static void shutdown(jack_status_t, const char* reason, void* user) {
    auto& gate = *static_cast<CallbackGate*>(user);
    if (!gate.enter())
      return;
    JackBackend& self = *gate.backend;
    const std::string_view why = reason != nullptr ? reason : "";
    self.warnings_.add(why);
    self.mark_ended("Jack: the server shut the client down", why);
    gate.leave();
  }

  AudioCallback& engine_;
  std::shared_ptr<CallbackGate> gate_; // the callbacks' way in, and the ports
  jack_client_t* client_ = nullptr;
  std::string device_;
};

} // namespace

std::unique_ptr<Backend> start_jack_backend(AudioCallback& engine, const BackendRequest& request) {
  return std::make_unique<JackBackend>(engine, request.device);
}

std::vector<DeviceInfo> list_jack_devices(const std::string&) {
  std::vector<std::string> ports;
  {
    const auto libjack = lock_libjack();
    jack_client_t* client = open_client("ringengine-probe");
    if (client == nullptr)
      throw BackendError(BackendError::Code::unavailable, "no server running");
    ports = jack_playback_ports(client);
    jack_client_close(client);
  }
  std::vector<DeviceInfo> list;
  for (const std::string& c : clients_of(ports)) {
    const auto n = std::count_if(ports.begin(), ports.end(), [&](const std::string& p) {
      return p.compare(0, c.size() + 1, c + ":") == 0;
    });
    list.push_back({"jack", c, static_cast<unsigned int>(n), list.empty()});
  }
  if (list.empty())
    throw BackendError(BackendError::Code::unavailable, "the server has no playback ports");
  return list;
}

} // namespace ringengine

#else // built without libjack: the backend says so

#include "backends/backend_impl.hpp"

namespace ringengine {

std::unique_ptr<Backend> start_jack_backend(AudioCallback&, const BackendRequest&) {
  throw BackendError(BackendError::Code::unavailable, "built without libjack");
}
std::vector<DeviceInfo> list_jack_devices(const std::string&) {
  throw BackendError(BackendError::Code::unavailable, "built without libjack");
}

} // namespace ringengine

#endif

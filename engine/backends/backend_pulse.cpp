// Backend 'pulse': a playback stream through libpulse's asynchronous API, on
// PulseAudio or PipeWire's Pulse layer, at block latency; with inputs, a
// record stream beside it, on a connection of its own.
//
// Why not RtAudio's PulseAudio code (5.2): it writes through pa_simple and
// leaves the buffer length to the server, which picks seconds: a ping took
// 100 ms to 2 s. Here the stream asks for two blocks of buffer
// (PA_STREAM_ADJUST_LATENCY: the server sizes its own latency to fit), and
// the write callback, on libpulse's main-loop thread, runs Engine::process()
// one block at a time. Nothing process-global is touched: no environment
// variable, no signal handler.
#ifdef RINGENGINE_HAVE_PULSE
#include <pulse/pulseaudio.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "backends/backend_impl.hpp"
#include "backends/realtime_scope.hpp"

namespace ringengine {

namespace {

constexpr pa_usec_t kConnectTimeoutUs = 3'000'000;

BackendError unavailable(const std::string& why) {
  return BackendError(BackendError::Code::unavailable, why);
}

// libpulse's contexts on a threaded main loop of their own: the first
// connects in the constructor (throws when no server answers), a second
// when the input asks for it (connect_input()); the destructor disconnects
// both and stops the loop. Callers hold the loop's lock (Lock) around every
// call into libpulse.
class Connection {
public:
  Connection() {
    loop_ = pa_threaded_mainloop_new();
    if (loop_ == nullptr)
      throw std::bad_alloc();
    pa_threaded_mainloop_set_name(loop_, "ringengine-pulse");
    if (pa_threaded_mainloop_start(loop_) < 0) {
      pa_threaded_mainloop_free(loop_);
      throw unavailable("cannot start libpulse's main loop");
    }
    Lock lock(*this);
    try {
      context_ = connect("ringengine");
    } catch (...) {
      lock.release();
      close();
      throw;
    }
  }
  ~Connection() { close(); }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  class Lock {
  public:
    explicit Lock(Connection& c) : loop_(c.loop_) { pa_threaded_mainloop_lock(loop_); }
    ~Lock() { release(); }
    void release() {
      if (loop_ != nullptr)
        pa_threaded_mainloop_unlock(loop_);
      loop_ = nullptr;
    }

  private:
    pa_threaded_mainloop* loop_;
  };

  // With the lock held: waits until done() or 3 s have passed (on a timer
  // of `timing`'s, the first context's by default); false then.
  template <typename Done> bool wait(Done done, pa_context* timing = nullptr) {
    timed_out_ = false;
    pa_time_event* timer =
        pa_context_rttime_new(timing != nullptr ? timing : context_,
                              pa_rtclock_now() + kConnectTimeoutUs, &Connection::on_timeout, this);
    while (!done() && !timed_out_)
      pa_threaded_mainloop_wait(loop_);
    if (timer != nullptr)
      pa_threaded_mainloop_get_api(loop_)->time_free(timer);
    return !timed_out_ || done();
  }
  // With the lock held: until done() or `ms` milliseconds have passed,
  // looks every 5 ms, the lock released between looks; false then. For a
  // state the loop's callbacks change without signalling (a signal is a
  // system call, which the audio callbacks do not make).
  template <typename Done> bool poll(Done done, int ms) {
    for (int waited = 0; !done(); waited += 5) {
      if (waited >= ms)
        return false;
      pa_threaded_mainloop_unlock(loop_);
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
      pa_threaded_mainloop_lock(loop_);
    }
    return true;
  }
  // With the lock held: runs `op` to completion (false: timed out).
  bool complete(pa_operation* op) {
    if (op == nullptr)
      return false;
    const bool done = wait([op] { return pa_operation_get_state(op) != PA_OPERATION_RUNNING; });
    pa_operation_unref(op);
    return done;
  }
  void signal() { pa_threaded_mainloop_signal(loop_, 0); }

  // With the lock held: a second context, for the record stream. On
  // PipeWire's Pulse layer (0.3.65) a connection that carries a playback
  // stream gets its record stream's data in bursts of up to half a second,
  // each just after one of the playback's writes; on a connection of its
  // own, a fragment comes every block, as parec gets it.
  void connect_input() {
    if (input_context_ == nullptr)
      input_context_ = connect("ringengine input");
  }

  pa_context* context() const noexcept { return context_; }
  pa_context* input_context() const noexcept { return input_context_; }
  static const char* error(pa_context* context) noexcept {
    return pa_strerror(pa_context_errno(context));
  }
  const char* error() const noexcept { return error(context_); }

private:
  // With the lock held: a new context, connected (throws when it is not).
  pa_context* connect(const char* name) {
    pa_context* context = pa_context_new(pa_threaded_mainloop_get_api(loop_), name);
    if (context == nullptr)
      throw std::bad_alloc();
    pa_context_set_state_callback(context, &Connection::on_state, this);
    const bool started =
        pa_context_connect(context, nullptr, PA_CONTEXT_NOAUTOSPAWN, nullptr) >= 0;
    const bool ready = started && wait(
                                      [context] {
                                        const pa_context_state_t s = pa_context_get_state(context);
                                        return s == PA_CONTEXT_READY || !PA_CONTEXT_IS_GOOD(s);
                                      },
                                      context);
    if (!started || !ready || pa_context_get_state(context) != PA_CONTEXT_READY) {
      pa_context_set_state_callback(context, nullptr, nullptr);
      pa_context_disconnect(context);
      pa_context_unref(context);
      throw unavailable(started && !ready ? "the server did not answer in 3 s"
                                          : "no server running");
    }
    return context;
  }
  void close() {
    if (loop_ == nullptr)
      return;
    pa_threaded_mainloop_lock(loop_);
    for (pa_context* context : {input_context_, context_}) {
      if (context == nullptr)
        continue;
      pa_context_set_state_callback(context, nullptr, nullptr);
      pa_context_disconnect(context);
      pa_context_unref(context);
    }
    input_context_ = context_ = nullptr;
    pa_threaded_mainloop_unlock(loop_);
    pa_threaded_mainloop_stop(loop_); // after this no callback runs
    pa_threaded_mainloop_free(loop_);
    loop_ = nullptr;
  }
  static void on_state(pa_context*, void* user) { static_cast<Connection*>(user)->signal(); }
  static void on_timeout(pa_mainloop_api*, pa_time_event*, const struct timeval*, void* user) {
    auto& self = *static_cast<Connection*>(user);
    self.timed_out_ = true;
    self.signal();
  }

  pa_threaded_mainloop* loop_ = nullptr;
  pa_context* context_ = nullptr;       // the playback's, and the queries'
  pa_context* input_context_ = nullptr; // the record stream's
  bool timed_out_ = false;              // guarded by the loop's lock
};

struct Sink {
  std::string name;        // the server's name, such as "null" or "auto_null"
  std::string description; // what users see and `device` matches, "Null Output"
  unsigned int channels;
  bool idle; // open, but no stream plays to it
};

// With the lock held: the sinks, the default one first.
std::vector<Sink> sinks(Connection& c) {
  struct Query {
    Connection* c;
    std::vector<Sink> sinks;
    std::string default_sink;
  } q{&c, {}, {}};
  c.complete(pa_context_get_server_info(
      c.context(),
      [](pa_context*, const pa_server_info* info, void* user) {
        auto& q = *static_cast<Query*>(user);
        if (info != nullptr && info->default_sink_name != nullptr)
          q.default_sink = info->default_sink_name;
        q.c->signal();
      },
      &q));
  c.complete(pa_context_get_sink_info_list(
      c.context(),
      [](pa_context*, const pa_sink_info* info, int eol, void* user) {
        auto& q = *static_cast<Query*>(user);
        if (eol == 0 && info != nullptr)
          q.sinks.push_back({info->name, info->description ? info->description : info->name,
                             info->channel_map.channels, info->state == PA_SINK_IDLE});
        q.c->signal();
      },
      &q));
  // The default sink to the front, the others in the server's order.
  const auto default_sink = std::find_if(q.sinks.begin(), q.sinks.end(),
                                         [&](const Sink& s) { return s.name == q.default_sink; });
  if (default_sink != q.sinks.end())
    std::rotate(q.sinks.begin(), default_sink, default_sink + 1);
  return q.sinks;
}

class PulseBackend final : public Backend {
public:
  PulseBackend(AudioCallback& engine, const std::string& device) : engine_(engine) {
    const StreamConfig c = engine.stream();
    block_bytes_ = std::size_t{c.block_frames} * c.channels * sizeof(float);
    block_.assign(std::size_t{c.block_frames} * c.channels, 0.0f);
    // The input: a block for process(), and a FIFO (16 blocks, at least
    // half a second: the server may start the record stream well before the
    // playback asks) between the record stream's reads and the playback's
    // writes (one thread, the loop's: no atomics needed).
    in_block_.assign(std::size_t{c.block_frames} * c.inputs, 0.0f);
    fifo_.assign(std::max<std::size_t>(16 * std::size_t{c.block_frames}, c.sample_rate / 2) *
                     c.inputs,
                 0.0f);

    Connection::Lock lock(connection_);
    try {
      open(device);
    } catch (...) {
      close_stream();
      throw;
    }
  }
  ~PulseBackend() override { stop(); }

  void stop() noexcept override {
    Connection::Lock lock(connection_);
    close_stream();
    // The connection's main loop idles until the backend goes.
  }

private:
  // With the lock held.
  void open(const std::string& device) {
    const StreamConfig c = engine_.stream();
    const Sink sink = find_sink(device);
    const pa_sample_spec spec{PA_SAMPLE_FLOAT32NE, c.sample_rate,
                              static_cast<std::uint8_t>(c.channels)};
    if (!pa_sample_spec_valid(&spec))
      throw unavailable("PulseAudio cannot play " + std::to_string(c.channels) + " channels at " +
                        std::to_string(c.sample_rate) + " Hz");
    stream_ = pa_stream_new(connection_.context(), "ringengine", &spec, nullptr);
    if (stream_ == nullptr)
      throw unavailable(std::string("cannot create a stream: ") + connection_.error());
    pa_stream_set_state_callback(stream_, &PulseBackend::on_state, this);
    pa_stream_set_write_callback(stream_, &PulseBackend::on_write, this);
    pa_stream_set_underflow_callback(stream_, &PulseBackend::on_underflow, this);

    // Two blocks of buffer, refilled a block at a time.
    const auto block = static_cast<std::uint32_t>(block_bytes_);
    pa_buffer_attr attr;
    attr.maxlength = static_cast<std::uint32_t>(-1);
    attr.tlength = 2 * block;
    attr.prebuf = block; // play as soon as a block is there
    attr.minreq = block;
    attr.fragsize = static_cast<std::uint32_t>(-1);
    const auto flags = static_cast<pa_stream_flags_t>(
        PA_STREAM_ADJUST_LATENCY | PA_STREAM_AUTO_TIMING_UPDATE | PA_STREAM_INTERPOLATE_TIMING);
    if (pa_stream_connect_playback(stream_, sink.name.c_str(), &attr, flags, nullptr, nullptr) < 0)
      throw unavailable(std::string("cannot connect the stream: ") + connection_.error());
    // An idle sink may have rendered its whole idle latency ahead
    // (PulseAudio's null sink: 2 s) and would play our first block only
    // after it; a rewind cannot undo that, since our small latency also
    // shrinks how far it may rewind. A sink resumed from suspension starts
    // its clock afresh, at the latency of the streams it then has. So an
    // idle sink, one no stream plays to, is suspended while our stream
    // connects and resumed once it is there, as module-suspend-on-idle
    // would have it. Nobody plays to it: nobody hears the pause.
    const bool restart = sink.idle && suspend(sink, true);
    const bool ready = connection_.wait([this] {
      const pa_stream_state_t s = pa_stream_get_state(stream_);
      return s == PA_STREAM_READY || !PA_STREAM_IS_GOOD(s);
    });
    if (restart)
      suspend(sink, false);
    if (!ready || pa_stream_get_state(stream_) != PA_STREAM_READY) {
      const std::string why = ready ? connection_.error() : "no answer in 3 s";
      throw unavailable("cannot open a stream on '" + sink.description + "': " + why);
    }
    if (c.inputs > 0)
      open_record();
    info_.kind = BackendKind::pulse;
    info_.device = "Pulse: " + sink.description;
    info_.block_frames = c.block_frames;
    const pa_buffer_attr* granted = pa_stream_get_buffer_attr(stream_);
    info_.latency_frames = granted != nullptr
                               ? static_cast<std::uint32_t>(granted->tlength / (c.channels * sizeof(float)))
                               : 2 * c.block_frames;
  }

  // A record stream from the default source beside the playback, its
  // fragments a block long: the input's latency about the playback's.
  void open_record() {
    const StreamConfig c = engine_.stream();
    const pa_sample_spec spec{PA_SAMPLE_FLOAT32NE, c.sample_rate,
                              static_cast<std::uint8_t>(c.inputs)};
    if (!pa_sample_spec_valid(&spec))
      throw unavailable("PulseAudio cannot record " + std::to_string(c.inputs) +
                        " channels at " + std::to_string(c.sample_rate) + " Hz");
    connection_.connect_input();
    pa_context* context = connection_.input_context();
    record_ = pa_stream_new(context, "ringengine input", &spec, nullptr);
    if (record_ == nullptr)
      throw unavailable(std::string("cannot create a record stream: ") +
                        Connection::error(context));
    pa_stream_set_state_callback(record_, &PulseBackend::on_state, this);
    pa_stream_set_read_callback(record_, &PulseBackend::on_read, this);
    // The server dropped what it could not hand us in time: a loss the
    // FIFO never sees, so an xrun too.
    pa_stream_set_overflow_callback(record_, &PulseBackend::on_underflow, this);
    pa_buffer_attr attr;
    attr.maxlength = static_cast<std::uint32_t>(-1);
    attr.tlength = static_cast<std::uint32_t>(-1);
    attr.prebuf = static_cast<std::uint32_t>(-1);
    attr.minreq = static_cast<std::uint32_t>(-1);
    attr.fragsize = static_cast<std::uint32_t>(std::size_t{c.block_frames} * c.inputs * sizeof(float));
    const auto flags = static_cast<pa_stream_flags_t>(PA_STREAM_ADJUST_LATENCY);
    // The source: RINGENGINE_PULSE_SOURCE when set (a name, such as
    // "auto_null.monitor"), else the server's default source.
    const char* source = std::getenv("RINGENGINE_PULSE_SOURCE");
    if (source != nullptr && *source == '\0')
      source = nullptr;
    if (pa_stream_connect_record(record_, source, &attr, flags) < 0)
      throw unavailable(std::string("cannot connect the record stream: ") +
                        Connection::error(context));
    const bool ready = connection_.wait([this] {
      const pa_stream_state_t st = pa_stream_get_state(record_);
      return st == PA_STREAM_READY || !PA_STREAM_IS_GOOD(st);
    });
    if (!ready || pa_stream_get_state(record_) != PA_STREAM_READY)
      throw unavailable("cannot open a record stream: " +
                        std::string(ready ? Connection::error(context) : "no answer in 3 s"));
    // The input's latency: the FIFO's depth, which the first priming sets
    // (see take_input) once both streams run, within a few blocks. (Its
    // sum with the output's latency was the round trip measured through
    // PipeWire's null sink to the frame or a block long, and 24 to 48
    // frames short through PulseAudio's, 264 once on a loaded machine:
    // test_record_servers.py.) A source that
    // gives nothing yet (a suspended sink's monitor) leaves the least
    // depth, two blocks.
    const bool primed = connection_.poll([this] { return depth_ != 0; }, 1000);
    info_.input_latency_frames =
        static_cast<std::uint32_t>(primed ? depth_ : 2 * std::size_t{c.block_frames});
  }

  // Thread: the loop's. The record stream's fragments into the FIFO; what
  // does not fit is dropped (and counted as an xrun). A hole (no data, a
  // length: frames the server did not have) comes in as silence and is
  // counted as an xrun too.
  static void on_read(pa_stream* stream, std::size_t, void* user) {
    auto& self = *static_cast<PulseBackend*>(user);
    const std::size_t inputs = self.engine_.stream().inputs;
    const std::size_t cap = self.fifo_.size() / inputs; // frames
    const void* data = nullptr;
    std::size_t bytes = 0;
    while (pa_stream_readable_size(stream) > 0 && pa_stream_peek(stream, &data, &bytes) == 0 &&
           bytes > 0) {
      const std::size_t frames = bytes / (inputs * sizeof(float));
      self.largest_ = std::min(std::max(self.largest_, frames), cap / 2);
      const auto* from = static_cast<const float*>(data);
      if (from == nullptr)
        self.engine_.note_xrun();
      for (std::size_t i = 0; i < frames; ++i) {
        if (self.fifo_frames_ == cap) {
          self.engine_.note_xrun();
          break;
        }
        const std::size_t slot = (self.fifo_start_ + self.fifo_frames_) % cap;
        for (std::size_t ch = 0; ch < inputs; ++ch)
          self.fifo_[slot * inputs + ch] = from != nullptr ? from[i * inputs + ch] : 0.0f;
        ++self.fifo_frames_;
      }
      pa_stream_drop(stream);
    }
  }

  // Thread: the loop's. A block of the input for process(): silence for
  // what has not come.
  // The FIFO first fills to two blocks, or to the largest fragment the
  // server has sent plus the largest write it asked for (PipeWire sends and
  // asks for its quantum, 1024 frames, whatever fragment was asked): a
  // cushion for the two streams' jitter. What it holds then is its depth,
  // the input's delay behind the output (both streams run on the server's
  // clock, so it stays).
  // One that runs dry after is an xrun, and fills again to the same depth,
  // the oldest frames above it dropped, so that the input keeps its
  // latency: a looper's takes stay aligned across a dropout. (Deeper only
  // when the server's fragments or writes have grown past it.)
  void take_input(std::uint32_t frames) noexcept {
    const std::size_t inputs = engine_.stream().inputs;
    const std::size_t cap = fifo_.size() / inputs;
    if (!primed_) {
      const std::size_t cushion = std::max(2 * std::size_t{frames}, largest_ + largest_write_);
      if (depth_ == 0 && fifo_frames_ >= cushion)
        depth_ = fifo_frames_;
      depth_ = depth_ == 0 ? 0 : std::max(depth_, cushion);
      if (depth_ != 0 && fifo_frames_ >= depth_) {
        const std::size_t above = fifo_frames_ - depth_;
        fifo_start_ = (fifo_start_ + above) % cap;
        fifo_frames_ = depth_;
        primed_ = true;
      }
    }
    if (!primed_) {
      std::fill(in_block_.begin(), in_block_.end(), 0.0f);
      return;
    }
    for (std::size_t i = 0; i < frames; ++i) {
      if (fifo_frames_ == 0) {
        std::fill(in_block_.begin() + static_cast<std::ptrdiff_t>(i * inputs), in_block_.end(),
                  0.0f);
        engine_.note_xrun();
        primed_ = false;
        return;
      }
      for (std::size_t ch = 0; ch < inputs; ++ch)
        in_block_[i * inputs + ch] = fifo_[fifo_start_ * inputs + ch];
      fifo_start_ = (fifo_start_ + 1) % cap;
      --fifo_frames_;
    }
  }

  Sink find_sink(const std::string& wanted) {
    const std::vector<Sink> all = sinks(connection_);
    std::vector<std::string> names;
    for (const Sink& s : all) {
      if (s.name == wanted)
        return s;
      names.push_back(s.description);
    }
    const std::string name = match_device(names, wanted);
    for (const Sink& s : all)
      if (s.description == name)
        return s;
    throw unavailable("the sink list changed while opening");
  }

  // With the lock held. Suspends or resumes `sink`; false when the server
  // refused (then the start is slow, not broken).
  bool suspend(const Sink& sink, bool on) {
    struct Result {
      Connection* c;
      int success = 0;
    } result{&connection_};
    pa_operation* op = pa_context_suspend_sink_by_name(
        connection_.context(), sink.name.c_str(), on ? 1 : 0,
        [](pa_context*, int success, void* user) {
          auto& r = *static_cast<Result*>(user);
          r.success = success;
          r.c->signal();
        },
        &result);
    return connection_.complete(op) && result.success != 0;
  }

  // With the lock held.
  void close_stream() noexcept {
    if (record_ != nullptr) {
      pa_stream_set_read_callback(record_, nullptr, nullptr);
      pa_stream_set_overflow_callback(record_, nullptr, nullptr);
      pa_stream_set_state_callback(record_, nullptr, nullptr);
      pa_stream_disconnect(record_);
      pa_stream_unref(record_);
      record_ = nullptr;
    }
    if (stream_ == nullptr)
      return;
    pa_stream_set_write_callback(stream_, nullptr, nullptr);
    pa_stream_set_underflow_callback(stream_, nullptr, nullptr);
    pa_stream_set_state_callback(stream_, nullptr, nullptr);
    pa_stream_disconnect(stream_);
    pa_stream_unref(stream_);
    stream_ = nullptr;
  }

  // Thread: libpulse's main loop, with its lock held. Writes whole blocks
  // covering what the server asks for: the server may grant a buffer that
  // is not a whole number of blocks, and a request left short by a part
  // of a block would never be asked again.
  static void on_write(pa_stream* stream, std::size_t bytes, void* user) {
    auto& self = *static_cast<PulseBackend*>(user);
    const std::uint32_t frames = self.engine_.stream().block_frames;
    const std::size_t blocks =
        std::max<std::size_t>(1, (bytes + self.block_bytes_ - 1) / self.block_bytes_);
    self.largest_write_ = std::min(std::max(self.largest_write_, blocks * frames),
                                   self.fifo_.size() / std::max<std::size_t>(1, self.engine_.stream().inputs) / 2);
    for (std::size_t i = 0; i < blocks; ++i) {
      const bool input = self.record_ != nullptr;
      {
        // The input's FIFO is read inside the scope too: it is real-time work.
        RealtimeScope realtime;
        if (input)
          self.take_input(frames);
        self.engine_.process(AudioOut{self.block_.data(), nullptr}, frames,
                             AudioIn{input ? self.in_block_.data() : nullptr, nullptr});
      }
      // libpulse copies the block into its own memory pool.
      if (pa_stream_write(stream, self.block_.data(), self.block_bytes_, nullptr, 0,
                          PA_SEEK_RELATIVE) < 0)
        return;
    }
  }

  // Thread: libpulse's main loop (the only writer of the xrun count): the
  // playback's underflow, or the record stream's overflow.
  static void on_underflow(pa_stream*, void* user) {
    static_cast<PulseBackend*>(user)->engine_.note_xrun();
  }

  // Thread: libpulse's main loop. A failed stream or context (the server
  // went away) ends the backend; waiters in the constructor are woken.
  static void on_state(pa_stream* stream, void* user) {
    auto& self = *static_cast<PulseBackend*>(user);
    const pa_stream_state_t s = pa_stream_get_state(stream);
    if (s == PA_STREAM_FAILED || s == PA_STREAM_TERMINATED) {
      const char* why = pa_strerror(pa_context_errno(pa_stream_get_context(stream)));
      self.warnings_.add(why);
      self.mark_ended("Pulse: the server closed the stream", why);
    }
    self.connection_.signal();
  }

  AudioCallback& engine_;
  Connection connection_;
  pa_stream* stream_ = nullptr; // guarded by the loop's lock
  std::size_t block_bytes_ = 0;
  std::vector<float> block_; // one block, interleaved; written on the loop's thread
  pa_stream* record_ = nullptr; // the input (config.inputs > 0); guarded as stream_
  std::vector<float> in_block_, fifo_; // the loop's thread's
  std::size_t fifo_start_ = 0, fifo_frames_ = 0;
  bool primed_ = false;
  std::size_t depth_ = 0;         // the FIFO's at priming, in frames; 0 until the first
  std::size_t largest_ = 0;       // the largest fragment read, in frames
  std::size_t largest_write_ = 0; // the largest write asked, in frames
};

} // namespace

std::unique_ptr<Backend> start_pulse_backend(AudioCallback& engine, const BackendRequest& request) {
  const std::string& device = request.device;
  return std::make_unique<PulseBackend>(engine, device);
}

std::vector<DeviceInfo> list_pulse_devices(const std::string&) {
  Connection connection;
  Connection::Lock lock(connection);
  std::vector<DeviceInfo> list;
  for (const Sink& s : sinks(connection))
    list.push_back({"pulse", s.description, s.channels, list.empty()});
  if (list.empty())
    throw unavailable("the server has no sinks");
  return list;
}

} // namespace ringengine

#else // built without libpulse: the backend says so

#include "backends/backend_impl.hpp"

namespace ringengine {

std::unique_ptr<Backend> start_pulse_backend(AudioCallback&, const BackendRequest&) {
  throw BackendError(BackendError::Code::unavailable, "built without libpulse");
}
std::vector<DeviceInfo> list_pulse_devices(const std::string&) {
  throw BackendError(BackendError::Code::unavailable, "built without libpulse");
}

} // namespace ringengine

#endif

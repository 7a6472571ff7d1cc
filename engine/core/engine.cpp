#include "core/engine.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <new>
#include <stdexcept>

#if defined(__x86_64__)
#include <xmmintrin.h>
#endif

namespace ringengine {

namespace {

// Flushes denormals to zero on this thread for the length of a block, and
// puts the caller's setting back after (an offline caller's thread is not
// ours to change). Two register moves; no system call.
class DenormalsOff {
public:
#if defined(__x86_64__)
  DenormalsOff() noexcept : saved_(_mm_getcsr()) { _mm_setcsr(saved_ | kFtzDaz); }
  ~DenormalsOff() { _mm_setcsr(saved_); }

private:
  static constexpr unsigned kFtzDaz = 0x8040; // MXCSR: flush-to-zero, denormals-are-zero
  unsigned saved_;
#endif
};

} // namespace

Engine::Rings Engine::make_rings(const EngineConfig& c) {
  if (const Refusal refused = validate(c))
    throw ConfigError(refused);
  return {make_ring<Message>(c.capacity),
          make_ring<Message>(c.reply_capacity != 0 ? c.reply_capacity : c.capacity)};
}

Engine::Engine(const EngineConfig& config) : Engine(config, make_rings(config)) {}

Engine::Engine(const EngineConfig& config, Rings rings)
    : config_(config),
      checks_(config_,
              [](const void* engine, std::uint32_t id) noexcept {
                return static_cast<const Engine*>(engine)->buffer_live(id);
              },
              this),
      metrics_(config.sample_rate, config.voices, config.buses, config.channels),
      recordings_({config.sample_rate, config.channels, config.inputs, config.buses,
                   kMaxBufferSamples, 4 * kChunk}),
      mixer_({config.sample_rate, config.channels, config.voices, config.buses, config.inputs,
              config.keylock_voices, config.meter_ms, config.meter_events_hz, config.pan_law},
             port_, recordings_, metrics_),
      port_(std::move(rings.commands), std::move(rings.replies), config.voices,
            config.keylock_voices, mixer_.voice_states(), metrics_.counters()),
      transport_(config.sample_rate),
      dispatch_({config.schedule, config.voices, config.buses}, mixer_, buffers_, port_,
                metrics_.counters(), transport_),
      buffers_(config.buffers, port_) {
  mixer_.follow(transport_.map());
}

// ---- The audio thread ----

void Engine::process(const AudioOut& out, std::uint32_t frames, const AudioIn& in) noexcept {
  const std::uint64_t start = metrics_.now();
  DenormalsOff denormals_off;
#ifdef RINGENGINE_TEST_HOOKS
  break_rules_if_asked();
#endif
  take_commands();
  apply_latest_params();
  let_go_of_buffers();
  recordings_.take(position_); // the recorders lent before this block
  render_block(out, in, frames);
  position_ += frames;
  transport_.end_block(position_);
  end_recordings();
  mixer_.publish_active(position_);
  mixer_.advance_meters(frames, position_);
  metrics_.end_block(position_, frames, metrics_.now() - start, mixer_.active_count());
}

void Engine::take_commands() noexcept {
  // At most messages_per_block: the rest wait in the ring for the next
  // block, so a burst neither holds the audio thread here nor is dropped.
  constexpr std::size_t kBatch = 64;
  Message batch[kBatch];
  std::uint64_t taken = 0;
  for (std::size_t budget = config_.messages_per_block; budget > 0;) {
    const std::size_t want = std::min(kBatch, budget);
    const std::size_t n = port_.take(batch, want);
    // What was lent before these commands were sent, so a play finds the
    // buffer it names (the pops' acquire makes those installs visible).
    buffers_.take();
    dispatch_.admit(batch, n, position_);
    taken += n;
    budget -= n;
    if (n < want)
      break;
  }
  bump(metrics_.counters().commands_handled, taken);
}

void Engine::apply_latest_params() noexcept {
  const std::uint32_t applied =
      port_.drain_params(config_.messages_per_block,
                         [this](std::uint32_t voice, std::uint32_t param, float value,
                                std::uint32_t ramp) {
                           dispatch_.dispatch(Message::set_param(voice, static_cast<Param>(param),
                                                                 value, kFrameNext, ramp),
                                              position_);
                         });
  bump(metrics_.counters().params_applied, applied);
}

void Engine::let_go_of_buffers() noexcept {
  // BUFFER_RELEASED after the buffer is handed back: a receive that takes
  // the reply then finds the buffer to free (try_recv collects after it pops).
  buffers_.finish(
      port_.taken(),
      [this](std::uint32_t id, const SampleBuffer*) { mixer_.let_go(id, position_); },
      [this](std::uint32_t id) { port_.emit(Message::buffer_released(id, position_)); });
}

void Engine::render_block(const AudioOut& out, const AudioIn& in, std::uint32_t frames) noexcept {
  const std::uint64_t first = position_;
  std::uint32_t done = 0;
  while (done < frames) {
    dispatch_.run_due(first + done);
    // To the next command held, or the next tempo change (a locked voice
    // takes its step from a steady tempo).
    const std::uint64_t next = std::min(dispatch_.next_frame(),
                                        transport_.map().next_change_after(first + done));
    const std::uint64_t until = std::min<std::uint64_t>(next - first, frames);
    const auto n = static_cast<std::uint32_t>(std::min<std::uint64_t>(until - done, kChunk));
    mixer_.render(out, in, first, done, n);
    done += n;
  }
}

void Engine::end_recordings() noexcept {
  recordings_.finish(position_, [this](std::uint32_t id, std::uint16_t end,
                                       std::uint64_t frames) {
    port_.emit(Message::record_ended(id, end, position_, frames));
  });
}

#ifdef RINGENGINE_TEST_HOOKS
void Engine::break_rules_if_asked() noexcept {
  switch (inject_.exchange(Violation::none, std::memory_order_relaxed)) {
  case Violation::allocate: {
    int* volatile p = new (std::nothrow) int[4]; // deliberately not real-time safe
    delete[] p;
    break;
  }
  case Violation::lock:
    injected_lock_.lock(); // deliberately not real-time safe
    injected_lock_.unlock();
    break;
  case Violation::none:
    break;
  }
}
#endif

// ---- Control side ----

EngineStats Engine::stats() const noexcept {
  constexpr auto r = std::memory_order_relaxed;
  const AudioCounters& a = metrics_.counters();
  const CommandPort::Counts p = port_.counts();
  return {a.callbacks.load(r),     a.frames.load(r),         p.pings_sent,
          p.pings_rejected,        a.pings_handled.load(r),  a.pongs_sent.load(r),
          a.pongs_dropped.load(r), p.pongs_received,         a.xruns.load(r),
          metrics_.max_callback_ns(),
          p.commands_sent,         p.commands_rejected,      a.late.load(r),
          a.dropped.load(r),       a.unhandled.load(r),      a.events_dropped.load(r),
          buffers_.held(),         p.params_set,             a.params_applied.load(r),
          a.commands_handled.load(r), a.cancelled.load(r),   a.meter_events_dropped.load(r),
          a.input_nonfinite.load(r)};
}

} // namespace ringengine

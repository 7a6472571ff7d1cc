// The command port: the command ring (control side -> audio thread), the
// reply ring (audio thread -> control side), the parameter path, the ping
// sequence numbers and the counters of each side.
//
// Control side (send*, set_param_latest, try_recv, recv_many): any thread.
// Callers of the same direction are serialized by a mutex that the audio
// thread never takes, so the audio thread never waits for them.
// Audio side (take, drain_params, reply, emit, offer): the audio thread.
// Wait-free.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <utility>

#include "channels/param_path.hpp"
#include "channels/snapshot.hpp"
#include "messages/message.hpp"
#include "rings/spsc_ring.hpp"
#include "telemetry/metrics.hpp"
#include "voices/voice_state.hpp"

namespace ringengine {

class CommandPort {
public:
  using Ends = std::pair<Producer<Message>, Consumer<Message>>;

  // `voice_states` (voices of them) and `frames` (the engine's position)
  // are what send_all() chooses a voice by; `counters` the audio side's.
  // All outlive the port.
  CommandPort(Ends commands, Ends replies, std::uint32_t voices, std::uint32_t keylock_voices,
              const Snapshot<VoiceState>* voice_states, AudioCounters& counters);

  // ---- Control side (Engine's contracts: core/engine.hpp) ----
  [[nodiscard]] bool send(Message& m) noexcept;
  [[nodiscard]] bool send_all(Message* ms, std::size_t n, bool any_voice,
                              std::uint32_t& voice) noexcept;
  [[nodiscard]] bool send_ping(std::uint32_t& seq) noexcept;
  std::size_t send_pings(std::size_t n, std::uint32_t& first_seq) noexcept;
  void set_param_latest(std::uint32_t voice, Param param, float value,
                        std::uint32_t ramp) noexcept;
  [[nodiscard]] bool try_recv(Message& out) noexcept;
  std::size_t recv_many(Message* out, std::size_t n) noexcept;

  // Commands accepted so far. acquire: pairs with the audio thread's pops,
  // for a retire that must come after them (Engine::close_buffer).
  std::uint64_t commands_sent() const noexcept {
    return sender_.commands_sent.load(std::memory_order_acquire);
  }
  // The control side's counters, for Engine::stats(). Relaxed.
  struct Counts {
    std::uint64_t pings_sent, pings_rejected, pongs_received, commands_sent, commands_rejected,
        params_set;
  };
  Counts counts() const noexcept;

  // ---- Audio side ----
  // Pops up to n commands into out[0 .. n); returns how many.
  std::size_t take(Message* out, std::size_t n) noexcept {
    const std::size_t k = audio_.commands.try_pop_bulk(out, n);
    audio_.taken += k;
    return k;
  }
  // Commands taken from the ring so far.
  std::uint64_t taken() const noexcept { return audio_.taken; }
  // The parameter path's latest values, at most `budget`: fn(voice, param,
  // value, ramp) each; returns how many.
  template <typename F> std::uint32_t drain_params(std::uint32_t budget, F&& fn) noexcept {
    return params_.drain(budget, std::forward<F>(fn));
  }
  // Pushes a reply, after an events_lost for those dropped before it; a
  // full ring drops it, and the next reply that fits says so.
  bool reply(const Message& m) noexcept {
    if (audio_.lost != 0) {
      if (!audio_.replies.try_push(Message::events_lost(audio_.lost, m.frame))) {
        if (audio_.lost != UINT32_MAX)
          ++audio_.lost;
        return false;
      }
      audio_.lost = 0;
    }
    if (audio_.replies.try_push(m))
      return true;
    audio_.lost = 1;
    return false;
  }
  // An event (a reply that is not a pong), counted when dropped.
  void emit(const Message& m) noexcept {
    if (!reply(m))
      bump(counters_.events_dropped, 1);
  }
  // A reply that may be lost (a meter's): pushed unless the ring is half
  // full, so half stays for the events that must not be. False: not sent.
  bool offer(const Message& m) noexcept {
    if (audio_.replies.slots() <= audio_.replies.capacity() / 2)
      return false;
    return audio_.replies.try_push(m);
  }

  // Whether replies wait in the reply ring: 1 yes, 0 no, -1 unknown (a
  // receiver is taking them right now). Thread: any control thread.
  // Non-blocking: try-locks the receiver lock, never waits for it.
  int replies_waiting() noexcept {
    std::unique_lock guard(receiver_.lock, std::try_to_lock);
    if (!guard.owns_lock())
      return -1;
    return receiver_.replies.size() != 0 ? 1 : 0;
  }

private:
  // Control side, under the sender lock: notes a play pushed; chooses a voice.
  void note_play(const Message& m) noexcept;
  std::uint32_t choose_voice(std::uint32_t limit) const noexcept; // among 0 .. limit - 1
  std::uint64_t frame() const noexcept {
    return counters_.frames.load(std::memory_order_relaxed);
  }

  const std::uint32_t voices_, keylock_voices_;
  const Snapshot<VoiceState>* const voice_states_;
  AudioCounters& counters_;

  // What one send touches, by cache line: this struct's first line (the
  // lock, the sequence number and the two counters a send writes), the
  // producer end, the slot, and the ring's tail (docs/architecture.md).
  struct Sender {
    std::mutex lock;
    std::uint32_t next_seq = 0;
    // Written under the lock, read by stats() from any thread.
    std::atomic<std::uint64_t> pings_sent{0}, commands_sent{0};
    Producer<Message> commands;
    // For choosing a voice (send_all): the frame each voice's last play was
    // sent for; until the engine has passed it, the voice is taken.
    std::unique_ptr<std::uint64_t[]> played_at;
  };
  struct Receiver {
    std::mutex lock;
    Consumer<Message> replies;
  };
  struct Audio {
    Consumer<Message> commands;
    Producer<Message> replies;
    std::uint64_t taken = 0; // commands taken from the ring so far
    std::uint32_t lost = 0;  // replies dropped since the last events_lost
  };

  // The parameter path; its control side under param_lock_.
  std::mutex param_lock_;
  ParamPath params_;

  alignas(kCacheLine) Sender sender_;
  // offsetof on a class that is not standard-layout (the ring's Producer has
  // private members) is conditionally supported; GCC and Clang give the
  // layout's real offset, and Clang warns that the standard does not.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Winvalid-offsetof"
  static_assert(offsetof(Sender, commands) == kCacheLine,
                "a send's lock, sequence and counters share one line");
#pragma GCC diagnostic pop
  alignas(kCacheLine) Receiver receiver_;
  alignas(kCacheLine) Audio audio_;

  // Counters, relaxed: each is written by one side under its lock and only
  // read elsewhere; nothing is published by them. Grouped by writer.
  alignas(kCacheLine) std::atomic<std::uint64_t> pings_rejected_{0}, commands_rejected_{0};
  alignas(kCacheLine) std::atomic<std::uint64_t> pongs_received_{0}; // under the receiver lock
  std::atomic<std::uint64_t> params_set_{0}; // under param_lock_
};

} // namespace ringengine

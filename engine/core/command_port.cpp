#include "core/command_port.hpp"

#include <algorithm>

namespace ringengine {

CommandPort::CommandPort(Ends commands, Ends replies, std::uint32_t voices,
                         std::uint32_t keylock_voices, const Snapshot<VoiceState>* voice_states,
                         AudioCounters& counters)
    : voices_(voices),
      keylock_voices_(keylock_voices),
      voice_states_(voice_states),
      counters_(counters),
      params_(voices, kParamCount),
      sender_{{}, 0, {0}, {0}, std::move(commands.first),
              std::make_unique<std::uint64_t[]>(voices)},
      receiver_{{}, std::move(replies.second)},
      audio_{std::move(commands.second), std::move(replies.first)} {
  for (std::uint32_t v = 0; v < voices; ++v)
    sender_.played_at[v] = kFrameNext; // never
}

bool CommandPort::send(Message& m) noexcept {
  std::lock_guard guard(sender_.lock);
  const bool ping = m.kind == MessageKind::ping;
  if (ping)
    m.id = sender_.next_seq;
  if (!sender_.commands.try_push(m)) {
    bump(commands_rejected_, 1);
    if (ping)
      bump(pings_rejected_, 1);
    return false;
  }
  bump(sender_.commands_sent, 1);
  if (ping) {
    ++sender_.next_seq;
    bump(sender_.pings_sent, 1);
  }
  note_play(m);
  return true;
}

void CommandPort::note_play(const Message& m) noexcept {
  if (m.kind != MessageKind::play || field::play::voice(m) >= voices_)
    return;
  const std::uint64_t at = field::play::at(m);
  sender_.played_at[field::play::voice(m)] = at == kFrameNext ? frame() : at;
}

std::uint32_t CommandPort::choose_voice(std::uint32_t limit) const noexcept {
  const std::uint64_t now = frame();
  std::uint32_t oldest = 0;
  for (std::uint32_t v = 0; v < limit; ++v) {
    // Taken while a play sent for it has not been reached, or while its
    // snapshot (written at the end of the blocks it sounds in) says it plays.
    const bool pending = sender_.played_at[v] != kFrameNext && sender_.played_at[v] >= now;
    const bool busy = (voice_states_[v].read().flags & (kVoicePlaying | kVoiceSounding)) != 0;
    if (!pending && !busy)
      return v;
    if (sender_.played_at[v] < sender_.played_at[oldest])
      oldest = v;
  }
  return oldest;
}

bool CommandPort::send_all(Message* ms, std::size_t n, bool any_voice,
                           std::uint32_t& voice) noexcept {
  std::lock_guard guard(sender_.lock);
  if (any_voice) {
    // A key-locked play chooses among the voices that can key-lock.
    std::uint32_t limit = voices_;
    for (std::size_t i = 0; i < n; ++i)
      if (ms[i].kind == MessageKind::play && (field::play::flags(ms[i]) & kPlayKeylock) != 0)
        limit = keylock_voices_;
    if (limit == 0)
      return false;
    voice = choose_voice(limit);
    // Each command for a voice (messages.def's TARGET) is for this one.
    for (std::size_t i = 0; i < n; ++i)
      (void)set_voice_of(ms[i], voice);
  }
  if (sender_.commands.slots() < n) {
    bump(commands_rejected_, n);
    return false;
  }
  for (std::size_t i = 0; i < n; ++i) {
    const bool pushed = sender_.commands.try_push(ms[i]);
    (void)pushed; // room was checked: the consumer only makes more
    note_play(ms[i]);
  }
  bump(sender_.commands_sent, n);
  return true;
}

bool CommandPort::send_ping(std::uint32_t& seq) noexcept {
  Message m = Message::ping(0);
  if (!send(m))
    return false;
  seq = m.id;
  return true;
}

std::size_t CommandPort::send_pings(std::size_t n, std::uint32_t& first_seq) noexcept {
  constexpr std::size_t kBatch = 64;
  Message batch[kBatch];
  std::lock_guard guard(sender_.lock);
  first_seq = sender_.next_seq;
  std::size_t sent = 0;
  while (sent < n) {
    const std::size_t want = std::min(kBatch, n - sent);
    for (std::size_t i = 0; i < want; ++i)
      batch[i] = Message::ping(sender_.next_seq + static_cast<std::uint32_t>(i));
    const std::size_t k = sender_.commands.try_push_bulk(batch, want);
    sender_.next_seq += static_cast<std::uint32_t>(k);
    sent += k;
    if (k < want)
      break;
  }
  bump(sender_.pings_sent, sent);
  bump(pings_rejected_, n - sent);
  bump(sender_.commands_sent, sent);
  bump(commands_rejected_, n - sent);
  return sent;
}

void CommandPort::set_param_latest(std::uint32_t voice, Param param, float value,
                                   std::uint32_t ramp) noexcept {
  std::lock_guard guard(param_lock_);
  params_.set(voice, static_cast<std::uint32_t>(param), value, ramp);
  bump(params_set_, 1);
}

bool CommandPort::try_recv(Message& out) noexcept {
  std::lock_guard guard(receiver_.lock);
  if (!receiver_.replies.try_pop(out))
    return false;
  if (out.kind == MessageKind::pong)
    bump(pongs_received_, 1);
  return true;
}

std::size_t CommandPort::recv_many(Message* out, std::size_t n) noexcept {
  std::lock_guard guard(receiver_.lock);
  const std::size_t k = receiver_.replies.try_pop_bulk(out, n);
  std::uint64_t pongs = 0;
  for (std::size_t i = 0; i < k; ++i)
    pongs += out[i].kind == MessageKind::pong;
  bump(pongs_received_, pongs);
  return k;
}

CommandPort::Counts CommandPort::counts() const noexcept {
  constexpr auto r = std::memory_order_relaxed;
  return {sender_.pings_sent.load(r),    pings_rejected_.load(r),    pongs_received_.load(r),
          sender_.commands_sent.load(r), commands_rejected_.load(r), params_set_.load(r)};
}

} // namespace ringengine

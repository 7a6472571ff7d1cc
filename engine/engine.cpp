#include "engine.hpp"

#include <algorithm>
#include <new>
#include <stdexcept>

namespace ringengine {

Engine::Rings Engine::make_rings(std::size_t capacity) {
  if (capacity == 0 || capacity > kMaxCapacity)
    throw std::invalid_argument("capacity must be between 1 and 1048576");
  return {make_ring<Message>(capacity), make_ring<Message>(capacity)};
}

Engine::Engine(const EngineConfig& config) : Engine(config, make_rings(config.capacity)) {}

Engine::Engine(const EngineConfig& config, Rings rings)
    : config_(config),
      sender_{{}, std::move(rings.commands.first), 0},
      receiver_{{}, std::move(rings.replies.second)},
      audio_{std::move(rings.commands.second), std::move(rings.replies.first), 0} {}

bool Engine::send_ping(std::uint32_t& seq) noexcept {
  std::lock_guard guard(sender_.lock);
  if (!sender_.commands.try_push(Message::ping(sender_.next_seq))) {
    bump(pings_rejected_, 1);
    return false;
  }
  seq = sender_.next_seq++;
  bump(pings_sent_, 1);
  return true;
}

std::size_t Engine::send_pings(std::size_t n, std::uint32_t& first_seq) noexcept {
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
  bump(pings_sent_, sent);
  bump(pings_rejected_, n - sent);
  return sent;
}

bool Engine::try_recv(Message& out) noexcept {
  std::lock_guard guard(receiver_.lock);
  if (!receiver_.replies.try_pop(out))
    return false;
  bump(pongs_received_, 1);
  return true;
}

std::size_t Engine::recv_many(Message* out, std::size_t n) noexcept {
  std::lock_guard guard(receiver_.lock);
  const std::size_t k = receiver_.replies.try_pop_bulk(out, n);
  bump(pongs_received_, k);
  return k;
}

void Engine::process(std::uint32_t frames) noexcept {
  const std::uint64_t start = clock_.now();
#ifdef RINGENGINE_TEST_HOOKS
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
#endif
  constexpr std::size_t kBatch = 64;
  Message batch[kBatch];
  std::uint64_t handled = 0, sent = 0;
  // At most one ring's worth per block: a control side that keeps pushing
  // cannot hold the audio thread here.
  for (std::size_t budget = config_.capacity; budget > 0;) {
    const std::size_t want = std::min(kBatch, budget);
    const std::size_t n = audio_.commands.try_pop_bulk(batch, want);
    // Answer in place: each ping's slot becomes its pong.
    std::size_t pongs = 0;
    for (std::size_t i = 0; i < n; ++i)
      if (batch[i].kind == MessageKind::ping)
        batch[pongs++] = Message::pong(batch[i].seq, audio_.position);
    handled += pongs;
    sent += audio_.replies.try_push_bulk(batch, pongs);
    budget -= n;
    if (n < want)
      break;
  }
  audio_.position += frames;

  if (handled != 0) {
    bump(pings_handled_, handled);
    bump(pongs_sent_, sent);
    bump(pongs_dropped_, handled - sent);
  }
  bump(frames_, frames);
  bump(callbacks_, 1);
  const std::uint64_t elapsed = clock_.now() - start;
  if (elapsed > max_callback_ticks_.load(std::memory_order_relaxed))
    max_callback_ticks_.store(elapsed, std::memory_order_relaxed);
}

void Engine::note_xrun() noexcept { bump(xruns_, 1); }

EngineStats Engine::stats() const noexcept {
  constexpr auto r = std::memory_order_relaxed;
  return {callbacks_.load(r),     frames_.load(r),        pings_sent_.load(r),
          pings_rejected_.load(r), pings_handled_.load(r), pongs_sent_.load(r),
          pongs_dropped_.load(r),  pongs_received_.load(r), xruns_.load(r),
          clock_.to_ns(max_callback_ticks_.load(r))};
}

} // namespace ringengine

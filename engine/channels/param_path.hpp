// The parameter path: beside the ordered command ring, a slot per (voice,
// parameter) where the latest value wins. A performer turning a knob writes
// here; however fast it turns, it takes one slot per parameter, so the
// command ring keeps its room for triggers, and the audio thread applies
// only the last value each block.
//
// Each slot holds its value and ramp in one 64-bit atomic and a dirty flag;
// an index is queued on the dirty ring when its flag goes from clear to set,
// so the ring holds each index at most once and can never be full, and the
// audio thread visits only what changed.
//
// Threads: set() from one control thread at a time (the Engine's lock);
// drain() on the audio thread: wait-free, no allocation.
#pragma once

#include <atomic>
#include <bit>
#include <cstdint>
#include <memory>

#include "rings/spsc_ring.hpp"

namespace ringengine {

class ParamPath {
public:
  // Slots for `voices` x `params`. Control side.
  ParamPath(std::uint32_t voices, std::uint32_t params)
      : params_(params), slots_(std::size_t{voices} * params),
        values_(std::make_unique<std::atomic<std::uint64_t>[]>(slots_ ? slots_ : 1)),
        dirty_(std::make_unique<std::atomic<bool>[]>(slots_ ? slots_ : 1)) {
    auto ring = make_ring<std::uint32_t>(slots_ ? slots_ : 1);
    in_ = std::make_unique<Producer<std::uint32_t>>(std::move(ring.first));
    out_ = std::make_unique<Consumer<std::uint32_t>>(std::move(ring.second));
  }

  // Control side: the value (and ramp) `param` of `voice` moves to next. Never fails.
  void set(std::uint32_t voice, std::uint32_t param, float value, std::uint32_t ramp) noexcept {
    const std::uint32_t slot = voice * params_ + param;
    const std::uint64_t packed =
        std::uint64_t{std::bit_cast<std::uint32_t>(value)} | std::uint64_t{ramp} << 32;
    values_[slot].store(packed, std::memory_order_relaxed);
    // acq_rel: the value above happens before a drain that clears the flag
    // after this; a drain that cleared it before sees `true` here become
    // false, and the index is queued again.
    if (!dirty_[slot].exchange(true, std::memory_order_acq_rel))
      (void)in_->try_push(slot); // cannot fail: room for every slot
  }

  // Audio side: applies at most `budget` changed slots, apply(voice, param,
  // value, ramp) each, and returns how many; the rest wait for the next call.
  template <typename Apply> std::uint32_t drain(std::uint32_t budget, Apply apply) noexcept {
    std::uint32_t done = 0;
    std::uint32_t slot;
    while (done < budget && out_->try_pop(slot)) {
      // acquire: pairs with set()'s exchange, so its value is seen.
      dirty_[slot].exchange(false, std::memory_order_acquire);
      const std::uint64_t packed = values_[slot].load(std::memory_order_relaxed);
      apply(slot / params_, slot % params_, std::bit_cast<float>(static_cast<std::uint32_t>(packed)),
            static_cast<std::uint32_t>(packed >> 32));
      ++done;
    }
    return done;
  }

private:
  const std::uint32_t params_;
  const std::size_t slots_;
  std::unique_ptr<std::atomic<std::uint64_t>[]> values_;
  std::unique_ptr<std::atomic<bool>[]> dirty_;
  std::unique_ptr<Producer<std::uint32_t>> in_;
  std::unique_ptr<Consumer<std::uint32_t>> out_;
};

} // namespace ringengine

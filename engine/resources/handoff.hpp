// The staged hand-off: how the audio thread borrows memory it must never
// allocate or free. One Handoff<T> per kind of thing lent (sample buffers
// and recorders today; chain changes next).
//
// The stages (drawn in docs/architecture.md):
// 1. prepare (control): the caller builds a T, with whatever allocation it
//    takes, and install() gives it a slot and an id.
// 2. install (control -> audio): install() pushes {pointer, id} onto the
//    hand-off's own ring; the audio thread takes it (take()) before it
//    carries out any command sent after the install, so a command naming
//    the id finds it: the engine calls take() again after each batch it pops
//    from its command ring.
// 3. retire (control -> audio): retire(id, after) pushes the id onto the
//    same ring with `after`, the number of commands the engine had accepted
//    when it was retired; the audio thread applies it (finish(done)) once it
//    has taken that many commands, so every command sent before the retire
//    is carried out first, also when a budget leaves some for a later
//    block. It calls the engine's let-go for the voices still using it.
// 4. let go (audio -> control): the audio thread forgets the pointer and
//    pushes the id onto the released ring: its last touch of the object.
//    What ends on the audio side (a recorder whose take is done) is let go
//    of there, unretired: let_go(id).
// 5. free (control): collect() pops the released ids and frees exactly
//    those objects: no scan of every slot, no lock the audio thread takes.
//    One let go of unretired is kept, still readable (peek), until the
//    control side retires it, which frees it at once.
//
// Neither ring can be full when pushed: the released ring holds one id a
// slot (a slot comes back once per use); the ops ring three: the slot's
// install and retire, and a retire of its use before that crossed that
// use's let_go() and is not popped yet (anything older is: the audio side
// took that use's install, which came after it). So a retire is never
// refused and never retried.
//
// Ids: slot + k * capacity for k = 1, 2, ...: one id names one object for
// the life of the Handoff. A slot whose next id would pass 2^32 - 1 is not
// used again, so install() says "no slot" only when all are in use or,
// after about 2^32 installs, spent.
//
// Threads: the control side is one thread at a time (the caller's lock);
// the audio side is the audio thread. The audio side is wait-free, never
// allocates and never frees.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "rings/spsc_ring.hpp"

namespace ringengine {

template <typename T> class Handoff {
public:
  static constexpr std::uint32_t kMaxSlots = 1u << 17;

  // Allocates `capacity` slots (1 .. kMaxSlots) and both rings. Control side.
  explicit Handoff(std::uint32_t capacity)
      : capacity_(capacity), control_(std::make_unique<ControlSlot[]>(capacity)),
        audio_(std::make_unique<AudioSlot[]>(capacity)),
        retiring_(std::make_unique<Retire[]>(capacity)) {
    auto ops = make_ring<Op>(3 * std::size_t{capacity});
    auto released = make_ring<std::uint32_t>(capacity);
    ops_in_ = std::make_unique<Producer<Op>>(std::move(ops.first));
    ops_out_ = std::make_unique<Consumer<Op>>(std::move(ops.second));
    released_in_ = std::make_unique<Producer<std::uint32_t>>(std::move(released.first));
    released_out_ = std::make_unique<Consumer<std::uint32_t>>(std::move(released.second));
    free_.reserve(capacity);
    for (std::uint32_t i = capacity; i-- > 0;)
      free_.push_back(i);
  }

  // ---- Control side: one thread at a time ----

  // Takes `object` and gives its id; 0 (never an id) when no slot is free,
  // and `object` is left with the caller.
  std::uint32_t install(std::unique_ptr<T>&& object) {
    collect();
    while (!free_.empty()) {
      const std::uint32_t slot = free_.back();
      free_.pop_back();
      ControlSlot& s = control_[slot];
      const std::uint64_t use = std::uint64_t{s.uses} + 1;
      const std::uint64_t id = slot + use * capacity_;
      if (id > UINT32_MAX)
        continue; // spent: this slot's ids are used up; it is not used again
      s.uses = static_cast<std::uint32_t>(use);
      s.id = static_cast<std::uint32_t>(id);
      s.owned = std::move(object);
      s.state = State::live;
      ++held_;
      ++open_;
      // Cannot fail: see the header comment. The ring's release publishes
      // the object's contents with its pointer.
      [[maybe_unused]] const bool pushed = ops_in_->try_push(Op{s.owned.get(), s.id, 0});
      return s.id;
    }
    return 0;
  }

  // Starts letting go of `id` once the audio side has taken `after`
  // commands (see finish()); frees it at once when the audio side let go
  // of it by itself (collect() saw it back). False when it is not a live id.
  bool retire(std::uint32_t id, std::uint64_t after) noexcept {
    ControlSlot* s = slot_of(id);
    if (s == nullptr || (s->state != State::live && s->state != State::returned))
      return false;
    --open_;
    if (s->state == State::returned) {
      free_slot(id % capacity_);
      return true;
    }
    s->state = State::retiring;
    [[maybe_unused]] const bool pushed = ops_in_->try_push(Op{nullptr, id, after});
    return true;
  }

  // The object `id` names, for the control side; nullptr when it is not
  // installed and not retired.
  const T* peek(std::uint32_t id) const noexcept {
    const ControlSlot* s = slot_of(id);
    return s != nullptr && s->state != State::retiring ? s->owned.get() : nullptr;
  }
  T* peek(std::uint32_t id) noexcept {
    return const_cast<T*>(static_cast<const Handoff*>(this)->peek(id));
  }

  // Whether `id` is installed and not retired.
  bool live(std::uint32_t id) const noexcept { return peek(id) != nullptr; }

  // Whether the audio side may hold `id`: installed, and not seen back by
  // collect().
  bool lent(std::uint32_t id) const noexcept {
    const ControlSlot* s = slot_of(id);
    return s != nullptr && s->state != State::returned;
  }

  // Frees what the audio thread has let go of after a retire, and keeps
  // what it let go of by itself (until retired); returns how many were
  // freed.
  std::uint32_t collect() noexcept {
    std::uint32_t freed = 0;
    std::uint32_t id;
    while (released_out_->try_pop(id)) {
      const std::uint32_t slot = id % capacity_;
      if (control_[slot].state == State::live) {
        control_[slot].state = State::returned;
        continue;
      }
      free_slot(slot);
      ++freed;
    }
    return freed;
  }

  // Objects installed and not yet freed.
  std::uint32_t held() const noexcept { return held_; }
  // Objects installed and not retired: held, less those being let go of.
  std::uint32_t open() const noexcept { return open_; }
  std::uint32_t capacity() const noexcept { return capacity_; }

  // ---- Audio side: wait-free, no allocation, no free ----

  // Installs what came; keeps the retires for finish(). Call it before
  // carrying out commands that may name what was installed.
  void take() noexcept {
    take([](std::uint32_t, T*) noexcept {});
  }
  // The same, calling installed(id, object) for each install, in order.
  template <typename Installed> void take(Installed installed) noexcept {
    Op op;
    while (ops_out_->try_pop(op)) {
      AudioSlot& a = audio_[op.id % capacity_];
      if (op.object != nullptr) {
        a = AudioSlot{op.object, op.id};
        installed(op.id, op.object);
      } else if (a.id == op.id) { // else: the audio side let go of it already
        retiring_[retiring_count_++] = Retire{op.id, op.after}; // one per slot held
      }
    }
  }

  // After the commands: for each retired id whose `after` is at most `done`
  // (the commands taken so far), `stop_users(id, object)` (the engine stops
  // what uses it), then the object is forgotten and handed back to the
  // control side, then `released(id)`: what it tells the control side (the
  // engine's reply) comes after the control side can collect the object.
  // The others wait for a later call.
  template <typename StopUsers> void finish(std::uint64_t done, StopUsers stop_users) noexcept {
    finish(done, stop_users, [](std::uint32_t) noexcept {});
  }
  template <typename StopUsers, typename Released>
  void finish(std::uint64_t done, StopUsers stop_users, Released released) noexcept {
    std::uint32_t kept = 0;
    for (std::uint32_t i = 0; i < retiring_count_; ++i) {
      const Retire r = retiring_[i];
      if (r.after > done) {
        retiring_[kept++] = r;
        continue;
      }
      AudioSlot& a = audio_[r.id % capacity_];
      stop_users(r.id, a.object);
      a = AudioSlot{};
      // Cannot fail: a slot is released once per install. release: all the
      // audio thread did with the object happens before the control side
      // frees it.
      [[maybe_unused]] const bool pushed = released_in_->try_push(r.id);
      released(r.id);
    }
    retiring_count_ = kept;
  }

  // Lets go of `id` unretired (it ended on the audio side): forgets it,
  // drops a retire taken for it, and hands it back. The push is the last
  // touch: the caller reads what it needs of the object before.
  void let_go(std::uint32_t id) noexcept {
    AudioSlot& a = audio_[id % capacity_];
    if (id == 0 || a.id != id)
      return;
    a = AudioSlot{};
    std::uint32_t kept = 0;
    for (std::uint32_t i = 0; i < retiring_count_; ++i)
      if (retiring_[i].id != id)
        retiring_[kept++] = retiring_[i];
    retiring_count_ = kept;
    // Cannot fail, and release, as in finish().
    [[maybe_unused]] const bool pushed = released_in_->try_push(id);
  }

  // The object `id` names, or nullptr when it names none installed.
  T* find(std::uint32_t id) const noexcept {
    const AudioSlot& a = audio_[id % capacity_];
    return a.id == id && id != 0 ? a.object : nullptr;
  }

private:
  // live: installed; retiring: retired, the audio side not done with it;
  // returned: the audio side let go of it unretired.
  enum class State : std::uint8_t { free, live, retiring, returned };
  struct Op {
    T* object; // install: the object; retire: nullptr
    std::uint32_t id;
    std::uint64_t after; // retire: the commands to take before it applies
  };
  struct Retire {
    std::uint32_t id;
    std::uint64_t after;
  };
  struct ControlSlot {
    std::unique_ptr<T> owned;
    std::uint32_t id = 0;
    std::uint32_t uses = 0;
    State state = State::free;
  };
  struct AudioSlot {
    T* object = nullptr;
    std::uint32_t id = 0;
  };

  ControlSlot* slot_of(std::uint32_t id) const noexcept {
    if (id == 0)
      return nullptr;
    ControlSlot& s = control_[id % capacity_];
    return s.id == id && s.state != State::free ? &s : nullptr;
  }

  void free_slot(std::uint32_t slot) noexcept {
    ControlSlot& s = control_[slot];
    s.owned.reset();
    s.state = State::free;
    free_.push_back(slot); // reserved for every slot: never allocates
    --held_;
  }

  const std::uint32_t capacity_;
  // Control side.
  std::unique_ptr<ControlSlot[]> control_;
  std::vector<std::uint32_t> free_;
  std::uint32_t held_ = 0, open_ = 0;
  std::unique_ptr<Producer<Op>> ops_in_;
  std::unique_ptr<Consumer<std::uint32_t>> released_out_;
  // Audio side.
  std::unique_ptr<AudioSlot[]> audio_;
  std::unique_ptr<Retire[]> retiring_;
  std::uint32_t retiring_count_ = 0;
  std::unique_ptr<Consumer<Op>> ops_out_;
  std::unique_ptr<Producer<std::uint32_t>> released_in_;
};

} // namespace ringengine

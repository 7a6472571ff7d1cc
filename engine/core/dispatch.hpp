// Dispatch: where a command takes effect. Each command just taken from the
// ring is carried out at once or held in the schedule for its frame; then
// one handler per kind (messages.def), as scsynth's meth_*, acts on the
// mixer. Audio side: the audio thread only, wait-free.
#pragma once

#include <cstddef>
#include <cstdint>

#include "core/schedule.hpp"
#include "messages/message.hpp"

namespace ringengine {

struct AudioCounters;
class BufferTable;
class CommandPort;
class Mixer;

class Dispatcher {
public:
  struct Shape {
    std::size_t schedule; // commands held for future frames
    std::uint32_t voices, buses;
  };
  // Acts on `mixer`, finds buffers in `buffers`, answers through `port`,
  // counts in `counters`; all outlive it.
  Dispatcher(const Shape& shape, Mixer& mixer, const BufferTable& buffers, CommandPort& port,
             AudioCounters& counters);

  // Commands just taken from the ring, ms[0 .. n), the block starting at
  // `position`: each carried out now (also a late one) or held for its
  // frame. A batch per call, so the handlers inline into the loop.
  void admit(const Message* ms, std::size_t n, std::uint64_t position) noexcept;
  // The frame of the first command held (kFrameNext: none).
  std::uint64_t next_frame() const noexcept { return schedule_.next_frame(); }
  // Carries out the commands held for frames up to `now`, at `now`.
  void run_due(std::uint64_t now) noexcept {
    while (schedule_.next_frame() <= now)
      dispatch(schedule_.pop(), now);
  }
  // The one place a command takes effect, at frame `now`: a switch over
  // messages.def to on_<kind>(); what could not be carried out is counted
  // in `unhandled`.
  void dispatch(const Message& m, std::uint64_t now) noexcept;

  // One handler per command kind; false when it could not be carried out.
#define COMMAND(kind, NAME, number) bool on_##kind(const Message& m, std::uint64_t now) noexcept;
#include "messages/messages.def"

private:
  const Shape shape_;
  Mixer& mixer_;
  const BufferTable& buffers_;
  CommandPort& port_;
  AudioCounters& counters_;
  Schedule schedule_;
};

} // namespace ringengine

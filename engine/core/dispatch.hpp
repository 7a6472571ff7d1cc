// Dispatch: where a command takes effect. Each command just taken from the
// ring is carried out at once or held in the schedule for its frame; then
// one handler per kind (messages.def), as scsynth's meth_*, acts on the
// mixer. Audio side: the audio thread only, wait-free.
#pragma once

#include <cstddef>
#include <cstdint>

#include "core/schedule.hpp"
#include "messages/message.hpp"
#include "time/tempo_map.hpp"

namespace ringengine {

struct AudioCounters;
class BufferTable;
class CommandPort;
class Mixer;
class Transport;

class Dispatcher {
public:
  struct Shape {
    std::size_t schedule; // commands held for future frames
    std::uint32_t voices, buses;
  };
  // Acts on `mixer`, finds buffers in `buffers`, answers through `port`,
  // counts in `counters`; all outlive it.
  Dispatcher(const Shape& shape, Mixer& mixer, const BufferTable& buffers, CommandPort& port,
             AudioCounters& counters, Transport& transport);

  // Commands just taken from the ring, ms[0 .. n), the block starting at
  // `position`: each carried out now (also a late one) or held for its
  // frame. A batch per call, so the handlers inline into the loop.
  void admit(const Message* ms, std::size_t n, std::uint64_t position) noexcept;
  // The frame of the first command held (kFrameNext: none).
  std::uint64_t next_frame() const noexcept;
  // Carries out the commands held for frames up to `now`, at `now`: those
  // held by frame first, then those held by beat (quantized).
  void run_due(std::uint64_t now) noexcept;
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
  Transport& transport_;
  Schedule schedule_;
  // Quantized commands, held by the beat of their grid line rather than a
  // frame, so a tempo change made after they arrived still lands them on
  // the line: their `frame` holds the beat's bits (a beat is never
  // negative, and non-negative doubles order as their bits do).
  Schedule on_beat_;
  // The quantize group being taken: commands left in it, its line, and
  // whether it was dropped whole (the schedule had no room for all).
  std::uint32_t group_left_ = 0;
  GridPoint group_line_{0, 0.0};
  bool group_dropped_ = false;

  void begin_group(const Message& quantize, std::uint64_t position) noexcept;
  void admit_in_group(Message m, std::uint64_t position) noexcept;
  // A key-locked play is heard its stretcher's latency after it is carried
  // out: the frames it is carried out early (0: not such a play).
  std::uint32_t preroll_of(const Message& m) const noexcept;
  // A key-locked play for frame `at`, with its voice's commands held for
  // `at`: carried out `preroll` frames early, or at once (counted late).
  void pre_roll(Message play, std::uint64_t at, std::uint32_t preroll,
                std::uint64_t position) noexcept;
};

} // namespace ringengine

// The buffer table: the sample buffers the audio thread plays, lent through
// the hand-off (resources/handoff.hpp), and the loader that decodes files
// into it. Control side: any thread, serialized by a lock the audio thread
// never takes. Audio side (take, find, finish): the audio thread, wait-free.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>

#include "resources/file_loader.hpp"
#include "resources/handoff.hpp"
#include "resources/sample_buffer.hpp"

namespace ringengine {

class CommandPort;

class BufferTable {
public:
  static constexpr std::uint32_t kMaxBuffers = 1u << 16;
  // The hand-off has a slot for each buffer open and one more for each
  // being let go of, so a slot closed is free to load again at once.
  static_assert(2 * kMaxBuffers <= Handoff<SampleBuffer>::kMaxSlots);
  // The most channels and samples a buffer holds.
  static constexpr std::uint32_t kMaxBufferChannels = 64;
  static constexpr std::uint64_t kMaxBufferSamples = std::uint64_t{1} << 38;

  // Up to `buffers` open at once; a close comes after every command `port`
  // has accepted by then. `port` outlives the table.
  BufferTable(std::uint32_t buffers, const CommandPort& port);
  BufferTable(const BufferTable&) = delete;
  BufferTable& operator=(const BufferTable&) = delete;

  // ---- Control side (Engine's contracts: core/engine.hpp) ----
  std::uint32_t load(const float* samples, std::uint64_t frames, std::uint32_t channels);
  std::uint32_t adopt(std::unique_ptr<SampleBuffer> buffer);
  // adopt(make()) when the table has room, make() called under the table's
  // lock only then (so what it gives up is never given up for nothing);
  // 0, make() not called, when the table is full.
  template <typename Make> std::uint32_t adopt_if_room(Make&& make) {
    std::lock_guard guard(lock_);
    handoff_.collect();
    if (handoff_.open() >= buffers_)
      return 0;
    const std::uint32_t id = handoff_.install(make());
    held_.store(handoff_.held(), std::memory_order_relaxed);
    return id;
  }
  bool close(std::uint32_t id) noexcept;
  bool info(std::uint32_t id, SampleBuffer& out) const;
  // Copies up to `frames` frames of buffer `id` from frame `start`,
  // interleaved, into out (room for frames * channels floats); `copied`
  // the frames copied (fewer at the end, 0 from its end). False when `id`
  // is not a live buffer or `start` is past its end. Under the lock, as
  // info(): a close waits for the copy, the audio thread never does.
  bool read(std::uint32_t id, std::uint64_t start, std::uint64_t frames, float* out,
            std::uint64_t& copied) const;
  bool live(std::uint32_t id) const noexcept;
  std::uint32_t open() const noexcept;
  void collect() noexcept;
  // collect(), unless another thread holds the lock (a receive never waits
  // for a load or a close on another thread: that thread collects).
  void collect_if_free() noexcept;
  FileLoader& loader();
  FileLoader* loader_if_started() noexcept;
  // Buffers loaded and not yet freed. Thread: any.
  std::uint64_t held() const noexcept { return held_.load(std::memory_order_relaxed); }

  // ---- Audio side ----
  // What was lent since the last call.
  void take() noexcept { handoff_.take(); }
  // The buffer `id` names; nullptr when closed (or never lent).
  const SampleBuffer* find(std::uint32_t id) const noexcept { return handoff_.find(id); }
  // What was retired once the `taken` commands sent before it are taken:
  // let_go(id, buffer) each, then the table forgets it (hands it back for
  // the control side to free), then released(id) each, when given.
  template <typename LetGo> void finish(std::uint64_t taken, LetGo&& let_go) noexcept {
    handoff_.finish(taken, std::forward<LetGo>(let_go));
  }
  template <typename LetGo, typename Released>
  void finish(std::uint64_t taken, LetGo&& let_go, Released&& released) noexcept {
    handoff_.finish(taken, std::forward<LetGo>(let_go), std::forward<Released>(released));
  }

private:
  const std::uint32_t buffers_;
  const CommandPort& port_;
  // The hand-off; its control side under lock_.
  mutable std::mutex lock_;
  Handoff<SampleBuffer> handoff_;
  std::atomic<std::uint64_t> held_{0}; // written under lock_
  // Last, so it is destroyed first: its threads deliver into the hand-off.
  std::mutex loader_lock_;
  std::unique_ptr<FileLoader> loader_;
};

} // namespace ringengine

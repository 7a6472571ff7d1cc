#include "resources/buffer_table.hpp"

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <string>

#include "core/command_port.hpp"

namespace ringengine {

BufferTable::BufferTable(std::uint32_t buffers, const CommandPort& port)
    : buffers_(buffers), port_(port), handoff_(2 * buffers) {}

std::uint32_t BufferTable::load(const float* samples, std::uint64_t frames,
                                std::uint32_t channels) {
  if (samples == nullptr || frames == 0 || channels == 0 || channels > kMaxBufferChannels)
    throw std::invalid_argument("a buffer needs samples, frames >= 1 and channels 1 .. 64");
  if (frames > kMaxBufferSamples / channels)
    throw std::length_error("a buffer holds at most 2^38 samples (1 TiB)");
  auto buffer = std::make_unique<SampleBuffer>();
  buffer->frames = frames;
  buffer->channels = channels;
  buffer->samples = std::make_unique<float[]>(frames * channels);
  std::memcpy(buffer->samples.get(), samples, frames * channels * sizeof(float));
  return adopt(std::move(buffer));
}

std::uint32_t BufferTable::adopt(std::unique_ptr<SampleBuffer> buffer) {
  std::lock_guard guard(lock_);
  if (handoff_.open() >= buffers_)
    return 0;
  const std::uint32_t id = handoff_.install(std::move(buffer));
  held_.store(handoff_.held(), std::memory_order_relaxed);
  return id;
}

bool BufferTable::close(std::uint32_t id) noexcept {
  std::lock_guard guard(lock_);
  handoff_.collect();
  held_.store(handoff_.held(), std::memory_order_relaxed);
  // After every command accepted so far: the audio thread lets go once it
  // has taken them all, so a play sent before the close is carried out (and
  // stopped) first, also when the block's budget leaves some for later.
  return handoff_.retire(id, port_.commands_sent());
}

bool BufferTable::info(std::uint32_t id, SampleBuffer& out) const {
  std::lock_guard guard(lock_);
  const SampleBuffer* b = handoff_.peek(id);
  if (b == nullptr)
    return false;
  out.frames = b->frames;
  out.channels = b->channels;
  out.source_rate = b->source_rate;
  out.path = b->path;
  return true;
}

bool BufferTable::read(std::uint32_t id, std::uint64_t start, std::uint64_t frames, float* out,
                       std::uint64_t& copied) const {
  std::lock_guard guard(lock_);
  const SampleBuffer* b = handoff_.peek(id);
  if (b == nullptr || start > b->frames)
    return false;
  copied = std::min(frames, b->frames - start);
  std::copy_n(b->samples.get() + start * b->channels, copied * b->channels, out);
  return true;
}

FileLoader& BufferTable::loader() {
  std::lock_guard guard(loader_lock_);
  if (!loader_)
    loader_ = std::make_unique<FileLoader>(
        2,
        [this](std::unique_ptr<SampleBuffer> buffer, DecodeError& error) {
          const std::uint32_t id = adopt(std::move(buffer));
          if (id == 0)
            error = {DecodeError::Kind::table_full,
                     "all " + std::to_string(buffers_) +
                         " buffers (engine_config.buffers) are open, or as many again are "
                         "being let go of"};
          return id;
        },
        [this](std::uint32_t id) { close(id); });
  return *loader_;
}

FileLoader* BufferTable::loader_if_started() noexcept {
  std::lock_guard guard(loader_lock_);
  return loader_.get();
}

std::uint32_t BufferTable::open() const noexcept {
  std::lock_guard guard(lock_);
  return handoff_.open();
}

bool BufferTable::live(std::uint32_t id) const noexcept {
  std::lock_guard guard(lock_);
  return handoff_.live(id);
}

void BufferTable::collect() noexcept {
  std::lock_guard guard(lock_);
  handoff_.collect();
  held_.store(handoff_.held(), std::memory_order_relaxed);
}

void BufferTable::collect_if_free() noexcept {
  std::unique_lock guard(lock_, std::try_to_lock);
  if (!guard.owns_lock())
    return;
  handoff_.collect();
  held_.store(handoff_.held(), std::memory_order_relaxed);
}

} // namespace ringengine

// Decoding an audio file into a SampleBuffer at the engine's rate:
// libsndfile reads it (WAV, AIFF, FLAC, Ogg Vorbis, Opus, MP3, ...), libsoxr
// resamples it when its rate differs. Nothing here is written by hand that
// those libraries do. Thread: a loader thread (file_loader.hpp), never the
// audio thread: it allocates, reads the disk and may take seconds.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "resources/sample_buffer.hpp"

namespace ringengine {

// libsoxr's quality recipes, by the names the C API and Python use.
enum class ResampleQuality : std::uint32_t { quick = 0, low = 1, medium = 2, high = 3, very_high = 4 };

// Why a decode failed; `what` says it in words, naming the path.
struct DecodeError {
  enum class Kind {
    none, not_found, unreadable, too_large, cancelled, no_memory, table_full
  } kind = Kind::none;
  std::string what;
};

struct DecodeRequest {
  std::string path;
  std::uint32_t target_rate = 48000;
  ResampleQuality quality = ResampleQuality::high;
  std::uint64_t max_bytes = 0; // the decoded buffer's largest size; 0: no limit
};

// Decodes `request.path`. On success returns the buffer (interleaved float,
// at target_rate, its source_rate and path set); on failure nullptr and
// `error`. `progress` goes from 0 to 1 as frames are read; `cancel` set by
// another thread stops it (DecodeError::Kind::cancelled).
std::unique_ptr<SampleBuffer> decode_file(const DecodeRequest& request,
                                          std::atomic<float>& progress,
                                          const std::atomic<bool>& cancel, DecodeError& error);

// Whether this build has libsndfile and libsoxr.
bool can_decode_files() noexcept;

} // namespace ringengine

#include "resources/file_decoder.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <new>
#include <vector>

#ifdef RINGENGINE_HAVE_FILES
#include <sndfile.h>
#include <soxr.h>
#endif

namespace ringengine {

bool can_decode_files() noexcept {
#ifdef RINGENGINE_HAVE_FILES
  return true;
#else
  return false;
#endif
}

#ifndef RINGENGINE_HAVE_FILES

std::unique_ptr<SampleBuffer> decode_file(const DecodeRequest& request, std::atomic<float>&,
                                          const std::atomic<bool>&, DecodeError& error) {
  error = {DecodeError::Kind::unreadable,
           request.path + ": this build reads no files (built without libsndfile or libsoxr)"};
  return nullptr;
}

#else

namespace {

constexpr sf_count_t kChunkFrames = 8192;

struct SndfileCloser {
  void operator()(SNDFILE* f) const noexcept { sf_close(f); }
};
struct SoxrDeleter {
  void operator()(soxr* r) const noexcept { soxr_delete(r); }
};

unsigned long recipe(ResampleQuality q) noexcept {
  switch (q) {
  case ResampleQuality::quick: return SOXR_QQ;
  case ResampleQuality::low: return SOXR_LQ;
  case ResampleQuality::medium: return SOXR_MQ;
  case ResampleQuality::high: return SOXR_HQ;
  case ResampleQuality::very_high: return SOXR_VHQ;
  }
  return SOXR_HQ;
}

// Formats whose header says the frame count exactly, so fewer frames read
// than it says means the file was cut short. (MP3's and Ogg's counts are
// estimates or need the whole stream: what decodes is what there is.)
bool counts_exactly(int format) noexcept {
  const int major = format & SF_FORMAT_TYPEMASK;
  return major != SF_FORMAT_OGG && major != SF_FORMAT_MPEG;
}

// The line of libsndfile's log where the sound chunk's size is more than
// the file holds ("data : 192000 (should be 99956)", " SSND : 96008
// (should be 49920)" in AIFF, indented), or "". A size of 0 or of 2^31 - 1
// and more is what a writer to a pipe leaves, not knowing the length
// ("data : 4294967295"): that file is whole, not cut short.
std::string claimed_past_the_end(SNDFILE* file) {
  char log[8192];
  const int n = sf_command(file, SFC_GET_LOG_INFO, log, sizeof log);
  const std::string text(log, n > 0 ? std::min<std::size_t>(static_cast<std::size_t>(n), sizeof log)
                                    : 0);
  std::size_t at = 0;
  while (at < text.size()) {
    const std::size_t end = std::min(text.find('\n', at), text.size());
    std::string line = text.substr(at, end - at);
    at = end + 1;
    line.erase(0, line.find_first_not_of(' '));
    if ((line.rfind("data :", 0) != 0 && line.rfind("SSND :", 0) != 0) ||
        line.find("(should be") == std::string::npos)
      continue;
    const unsigned long long declared = std::strtoull(line.c_str() + 6, nullptr, 10);
    if (declared == 0 || declared >= 0x7fffffffull)
      continue; // written to a pipe: the length was not known
    return line;
  }
  return "";
}

std::unique_ptr<SampleBuffer> fail(DecodeError& error, DecodeError::Kind kind,
                                   std::string what) {
  error = {kind, std::move(what)};
  return nullptr;
}

std::unique_ptr<SampleBuffer> too_large(DecodeError& error, const std::string& path, double bytes,
                                        std::uint64_t limit) {
  char size[32];
  std::snprintf(size, sizeof size, "%.0f", bytes);
  return fail(error, DecodeError::Kind::too_large,
              path + ": decoded, it would take " + size + " bytes or more, over max_load_bytes (" +
                  std::to_string(limit) + ")");
}

// sf_open's reason for a file it could not open is libsndfile's global
// error, which the loader threads would race on: opened one at a time.
std::mutex open_lock;

} // namespace

std::unique_ptr<SampleBuffer> decode_file(const DecodeRequest& request,
                                          std::atomic<float>& progress,
                                          const std::atomic<bool>& cancel, DecodeError& error) {
  const std::string& path = request.path;
  struct stat st;
  if (::stat(path.c_str(), &st) != 0)
    return fail(error, errno == ENOENT || errno == ENOTDIR ? DecodeError::Kind::not_found
                                                           : DecodeError::Kind::unreadable,
                path + ": " + std::strerror(errno));
  if (S_ISDIR(st.st_mode))
    return fail(error, DecodeError::Kind::unreadable, path + ": is a directory");
  if (st.st_size == 0)
    return fail(error, DecodeError::Kind::unreadable, path + ": the file is empty");

  SF_INFO info{};
  std::unique_ptr<SNDFILE, SndfileCloser> file;
  std::string why;
  {
    std::lock_guard guard(open_lock);
    file.reset(sf_open(path.c_str(), SFM_READ, &info));
    if (!file)
      why = sf_strerror(nullptr);
  }
  if (!file) {
    // sf_open's own reason; a file it could not open for reading says so.
    if (::access(path.c_str(), R_OK) != 0)
      why = std::strerror(errno);
    return fail(error, DecodeError::Kind::unreadable, path + ": " + why);
  }
  if (info.channels < 1 || info.channels > 64 || info.samplerate < 1)
    return fail(error, DecodeError::Kind::unreadable,
                path + ": " + std::to_string(info.channels) + " channels at " +
                    std::to_string(info.samplerate) + " Hz: not 1 to 64 channels");
  // A header that claims more sound than the file holds: libsndfile reads
  // what there is and says so in its log ("data : 192000 (should be
  // 99956)"); a file cut short is an error here, not a shorter sound.
  if (const std::string cut = claimed_past_the_end(file.get()); !cut.empty())
    return fail(error, DecodeError::Kind::unreadable,
                path + ": truncated: the header says more than the file holds (" + cut + ")");
  // Integer files read as float in [-1, 1), as python-soundfile reads them.
  sf_command(file.get(), SFC_SET_NORM_FLOAT, nullptr, SF_TRUE);

  const auto channels = static_cast<std::uint32_t>(info.channels);
  const double ratio = static_cast<double>(request.target_rate) / info.samplerate;
  const bool resample = info.samplerate != static_cast<int>(request.target_rate);
  // The length, when the header knows it (a FLAC written to a pipe says
  // SF_COUNT_MAX: unknown; the limit is then checked as the sound comes).
  const bool known = info.frames > 0 && info.frames < (sf_count_t{1} << 40);
  const double expected = known ? std::ceil(static_cast<double>(info.frames) * ratio) : 0;
  const double limit = request.max_bytes != 0 ? static_cast<double>(request.max_bytes) : 1e300;
  if (expected * channels * sizeof(float) > limit)
    return too_large(error, path, expected * channels * sizeof(float), request.max_bytes);

  std::unique_ptr<soxr, SoxrDeleter> resampler;
  if (resample) {
    const soxr_io_spec_t io = soxr_io_spec(SOXR_FLOAT32_I, SOXR_FLOAT32_I);
    const soxr_quality_spec_t quality = soxr_quality_spec(recipe(request.quality), 0);
    soxr_error_t err = nullptr;
    resampler.reset(soxr_create(info.samplerate, request.target_rate, channels, &err, &io,
                                &quality, nullptr));
    if (err != nullptr)
      return fail(error, DecodeError::Kind::unreadable, path + ": libsoxr: " + err);
  }

  std::vector<float> out;
  sf_count_t read_total = 0;
  try {
    if (known)
      out.reserve(static_cast<std::size_t>(expected) * channels);
    std::vector<float> in(static_cast<std::size_t>(kChunkFrames) * channels);
    // A fixed output block: the resampler takes only as much input as fits.
    std::vector<float> resampled(static_cast<std::size_t>(kChunkFrames) * channels);
    // Resamples `frames` frames of `from` (nullptr: the flush at the end)
    // onto `out`; false on a libsoxr error.
    const auto push = [&](const float* from, std::size_t frames) -> soxr_error_t {
      for (;;) {
        std::size_t used = 0, made = 0;
        if (soxr_error_t err = soxr_process(resampler.get(), from, frames, &used,
                                            resampled.data(), kChunkFrames, &made))
          return err;
        out.insert(out.end(), resampled.begin(),
                   resampled.begin() + static_cast<std::ptrdiff_t>(made * channels));
        if (from != nullptr) {
          from += used * channels;
          frames -= used;
          if (frames == 0)
            return nullptr;
        } else if (made == 0) {
          return nullptr; // flushed: nothing is held back any more
        }
      }
    };
    for (;;) {
      if (cancel.load(std::memory_order_relaxed))
        return fail(error, DecodeError::Kind::cancelled, path + ": cancelled");
      const sf_count_t got = sf_readf_float(file.get(), in.data(), kChunkFrames);
      if (got <= 0)
        break;
      read_total += got;
      if (known)
        progress.store(static_cast<float>(std::min(1.0, static_cast<double>(read_total) /
                                                            static_cast<double>(info.frames))),
                       std::memory_order_relaxed);
      if (!resample) {
        out.insert(out.end(), in.begin(), in.begin() + got * channels);
      } else if (soxr_error_t err = push(in.data(), static_cast<std::size_t>(got))) {
        return fail(error, DecodeError::Kind::unreadable, path + ": libsoxr: " + err);
      }
      if (static_cast<double>(out.size()) * sizeof(float) > limit)
        return too_large(error, path, static_cast<double>(out.size()) * sizeof(float),
                         request.max_bytes);
    }
    if (resample) {
      if (soxr_error_t err = push(nullptr, 0))
        return fail(error, DecodeError::Kind::unreadable, path + ": libsoxr: " + err);
    }
  } catch (const std::exception&) { // bad_alloc, length_error
    return fail(error, DecodeError::Kind::no_memory, path + ": out of memory");
  }
  if (sf_error(file.get()) != SF_ERR_NO_ERROR)
    return fail(error, DecodeError::Kind::unreadable, path + ": " + sf_strerror(file.get()));
  if (known && counts_exactly(info.format) && read_total < info.frames)
    return fail(error, DecodeError::Kind::unreadable,
                path + ": truncated: the header says " + std::to_string(info.frames) +
                    " frames, the file holds " + std::to_string(read_total));
  if (out.empty())
    return fail(error, DecodeError::Kind::unreadable, path + ": no frames");
  // A float file can hold a NaN or an infinity: refused, as
  // engine_load_buffer() refuses them, before it reaches any mix.
  for (std::size_t i = 0; i < out.size(); ++i)
    if (!std::isfinite(out[i]))
      return fail(error, DecodeError::Kind::unreadable,
                  path + ": samples must be finite: frame " + std::to_string(i / channels) +
                      ", channel " + std::to_string(i % channels) + " is " +
                      (std::isnan(out[i]) ? "NaN" : "infinite"));

  try {
    auto buffer = std::make_unique<SampleBuffer>();
    buffer->channels = channels;
    buffer->frames = out.size() / channels;
    buffer->samples = std::make_unique<float[]>(out.size());
    std::memcpy(buffer->samples.get(), out.data(), out.size() * sizeof(float));
    buffer->source_rate = static_cast<std::uint32_t>(info.samplerate);
    buffer->path = path;
    progress.store(1.0f, std::memory_order_relaxed);
    return buffer;
  } catch (const std::bad_alloc&) {
    return fail(error, DecodeError::Kind::no_memory, path + ": out of memory");
  }
}

#endif

} // namespace ringengine

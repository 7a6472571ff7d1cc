#include "resources/recorder.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <stdexcept>

#ifdef RINGENGINE_HAVE_SNDFILE
#include <sndfile.h>
#endif

namespace ringengine {

RecordWriter::RecordWriter() : thread_([this] { run(); }) {}

RecordWriter::~RecordWriter() {
  {
    std::lock_guard guard(lock_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void RecordWriter::add(Recorder* r) {
  std::lock_guard guard(lock_);
  jobs_.push_back(r);
}

void* RecordWriter::open(const std::string& path, std::uint32_t channels, std::uint32_t rate,
                         int format) {
#ifdef RINGENGINE_HAVE_SNDFILE
  if (format == 0) {
    const auto dot = path.rfind('.');
    std::string suffix = dot == std::string::npos ? "" : path.substr(dot + 1);
    for (char& ch : suffix)
      ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    if (suffix == "wav")
      format = 1;
    else if (suffix == "flac")
      format = 2;
    else
      throw std::invalid_argument("cannot tell the format of '" + path +
                                  "' by its suffix: name it .wav or .flac, or give the format");
  }
  SF_INFO info{};
  info.samplerate = static_cast<int>(rate);
  info.channels = static_cast<int>(channels);
  if (format == 1)
    info.format = SF_FORMAT_WAV | SF_FORMAT_FLOAT;
  else if (format == 2)
    info.format = SF_FORMAT_FLAC | SF_FORMAT_PCM_24;
  else
    throw std::invalid_argument("format must be 0 (by the suffix), 1 (WAV) or 2 (FLAC)");
  if (format == 2 && channels > 8)
    throw std::invalid_argument("FLAC holds at most 8 channels, not " + std::to_string(channels));
  SNDFILE* f = sf_open(path.c_str(), SFM_WRITE, &info);
  if (f == nullptr)
    throw std::runtime_error("cannot open '" + path + "' for writing: " + sf_strerror(nullptr));
  // Samples past full scale are clipped in an integer format, not wrapped.
  sf_command(f, SFC_SET_CLIPPING, nullptr, SF_TRUE);
  return f;
#else
  (void)path, (void)channels, (void)rate, (void)format;
  throw std::runtime_error("this library was built without libsndfile: it cannot record to files");
#endif
}

void RecordWriter::close(void* file) noexcept {
#ifdef RINGENGINE_HAVE_SNDFILE
  if (file != nullptr)
    sf_close(static_cast<SNDFILE*>(file));
#else
  (void)file;
#endif
}

void RecordWriter::wait_for_room(std::uint64_t frames) {
  std::unique_lock guard(lock_);
  // A job in jobs_ is not freed before the writer drops it (under lock_).
  while (!stopping_ && std::any_of(jobs_.begin(), jobs_.end(),
                                   [frames](const Recorder* r) { return r->lacks_room(frames); })) {
    const std::uint64_t pass = passes_;
    kick_ = true;
    wake_.notify_all();
    drained_.wait(guard, [&] { return passes_ != pass || stopping_; });
  }
}

bool RecordWriter::drain(Recorder& r, bool final) noexcept {
#ifdef RINGENGINE_HAVE_SNDFILE
  auto* f = static_cast<SNDFILE*>(r.file);
  // state before head: a finished recorder's head is its last.
  const bool ended = r.state.load(std::memory_order_acquire) == Recorder::finished;
  const std::uint64_t head = r.head.load(std::memory_order_acquire);
  std::uint64_t tail = r.tail.load(std::memory_order_relaxed);
  while (r.error.empty() && tail < head) {
    const std::uint64_t slot = tail % r.capacity;
    const std::uint64_t k = std::min(head - tail, r.capacity - slot);
    errno = 0;
    const sf_count_t n = sf_writef_float(f, &r.memory[slot * r.channels],
                                         static_cast<sf_count_t>(k));
    const int saved = errno;
    tail += n > 0 ? static_cast<std::uint64_t>(n) : 0;
    r.tail.store(tail, std::memory_order_release);
    if (static_cast<std::uint64_t>(n) != k) {
      r.error = "writing '" + r.path + "' failed: " +
                (saved != 0 ? std::string(std::strerror(saved)) : std::string(sf_strerror(f)));
      r.abort.store(true, std::memory_order_release);
    }
  }
  if (!ended && !final)
    return false;
  // What never reached the file, now that nothing more comes.
  const std::uint64_t lost = r.head.load(std::memory_order_acquire) - tail;
  if (lost != 0)
    r.overruns.fetch_add(lost, std::memory_order_relaxed);
  const int rc = sf_close(f);
  r.file = nullptr;
  if (rc != 0 && r.error.empty())
    r.error = "closing '" + r.path + "' failed: " + sf_error_number(rc);
  if (r.error.empty() && !ended)
    r.error = "the engine stopped before the recording ended";
  if (r.error.empty() && r.end.load(std::memory_order_relaxed) == static_cast<int>(RecordEnd::overrun))
    r.error = "overrun: the writer fell behind the audio thread (a ring of " +
              std::to_string(r.capacity) + " frames was full); the disk is too slow";
  return true;
#else
  (void)final;
  return true;
#endif
}

void RecordWriter::run() noexcept {
  std::vector<Recorder*> jobs;
  for (;;) {
    bool stopping;
    {
      std::unique_lock guard(lock_);
      wake_.wait_for(guard, std::chrono::milliseconds(5), [this] { return stopping_ || kick_; });
      kick_ = false;
      stopping = stopping_;
      jobs = jobs_;
    }
    std::vector<Recorder*> finished;
    for (Recorder* r : jobs)
      if (drain(*r, stopping))
        finished.push_back(r);
    if (!finished.empty()) {
      std::lock_guard guard(lock_);
      std::erase_if(jobs_, [&](Recorder* r) {
        return std::find(finished.begin(), finished.end(), r) != finished.end();
      });
    }
    // Last: once `written` is set the control side may free the recorder.
    for (Recorder* r : finished)
      r->written.store(true, std::memory_order_release);
    {
      std::lock_guard guard(lock_);
      ++passes_;
    }
    drained_.notify_all();
    if (stopping)
      return;
  }
}

} // namespace ringengine

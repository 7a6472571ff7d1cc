// The loader: decodes files on threads of its own, so that neither the
// audio thread nor the caller waits for a disk (unless it asks to). Jobs are
// numbered; each can be polled, waited for, taken, cancelled or abandoned,
// and several run at once. A finished job's buffer is handed to `deliver`
// (the engine installs it through the hand-off) on the loader thread; a job
// abandoned before it is taken hands its buffer to `discard`.
//
// Threads: every method from any control thread; the work on the loader's
// own threads. The audio thread never calls anything here.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "resources/file_decoder.hpp"

namespace ringengine {

class FileLoader {
public:
  // What a finished decode becomes: the id of the installed buffer, or 0
  // with `error` set (a full table, say).
  using Deliver = std::function<std::uint32_t(std::unique_ptr<SampleBuffer>, DecodeError&)>;
  // Lets go of an installed buffer nobody will take (its id).
  using Discard = std::function<void(std::uint32_t)>;

  enum class State { pending, done, failed };
  struct Status {
    State state = State::pending;
    float progress = 0;
    std::uint32_t buffer = 0; // done: the buffer's id
    DecodeError error;        // failed: why
  };

  // Starts `threads` loader threads (at least 1). Throws std::system_error.
  FileLoader(unsigned threads, Deliver deliver, Discard discard);
  // Cancels what is queued or running and joins the threads.
  ~FileLoader();
  FileLoader(const FileLoader&) = delete;
  FileLoader& operator=(const FileLoader&) = delete;

  // Queues a decode; returns its job number (never 0).
  std::uint64_t submit(DecodeRequest request);
  // The job's status now; false when there is no such job.
  bool poll(std::uint64_t job, Status& out) const;
  // Waits until the job has finished, at most `timeout_us` (always when
  // negative); false on a timeout, or when there is no such job (any more).
  bool wait(std::uint64_t job, std::int64_t timeout_us) const;
  // A finished job's outcome, once: the job is forgotten as it is taken, so
  // of two threads taking it one gets it. False when it is pending or gone.
  bool take(std::uint64_t job, Status& out);
  // Asks a pending job to stop; what it decoded is freed and its outcome is
  // `cancelled`. False for no such job, or one finished or delivering.
  bool cancel(std::uint64_t job);
  // Nobody will take this job: a pending one is cancelled and forgotten
  // when it stops; a finished one's buffer goes to `discard`. False for no
  // such job.
  bool abandon(std::uint64_t job);

private:
  struct Job {
    DecodeRequest request;
    std::atomic<float> progress{0};
    std::atomic<bool> cancel{false};
    State state = State::pending; // under lock_, as the rest
    bool delivering = false;      // decoded: no cancel can stop it now
    bool abandoned = false;
    std::uint32_t buffer = 0;
    DecodeError error;
  };
  void run();
  void stop_threads() noexcept;
  // A job's status, under lock_.
  static Status status_of(const Job& job);

  Deliver deliver_;
  Discard discard_;
  mutable std::mutex lock_;
  mutable std::condition_variable changed_;
  std::map<std::uint64_t, std::shared_ptr<Job>> jobs_; // under lock_
  std::deque<std::shared_ptr<Job>> queue_;             // under lock_
  std::uint64_t next_ = 1;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

} // namespace ringengine

#include "resources/file_loader.hpp"

#include <chrono>

namespace ringengine {

FileLoader::Status FileLoader::status_of(const Job& j) {
  Status s;
  s.state = j.state;
  s.progress = j.progress.load(std::memory_order_relaxed);
  s.buffer = j.buffer;
  s.error = j.error;
  return s;
}

FileLoader::FileLoader(unsigned threads, Deliver deliver, Discard discard)
    : deliver_(std::move(deliver)), discard_(std::move(discard)) {
  try {
    for (unsigned i = 0; i < (threads == 0 ? 1 : threads); ++i)
      threads_.emplace_back([this] { run(); });
  } catch (...) {
    stop_threads(); // those that started
    throw;
  }
}

FileLoader::~FileLoader() { stop_threads(); }

void FileLoader::stop_threads() noexcept {
  {
    std::lock_guard guard(lock_);
    stopping_ = true;
    for (auto& [id, job] : jobs_)
      job->cancel.store(true, std::memory_order_relaxed);
  }
  changed_.notify_all();
  for (std::thread& t : threads_)
    t.join();
  threads_.clear();
  // What was still queued will never run: it ends, cancelled, so that no
  // waiter waits for it.
  {
    std::lock_guard guard(lock_);
    for (auto& job : queue_) {
      job->state = State::failed;
      job->error = {DecodeError::Kind::cancelled, job->request.path + ": cancelled"};
    }
    queue_.clear();
  }
  changed_.notify_all();
}

std::uint64_t FileLoader::submit(DecodeRequest request) {
  auto job = std::make_shared<Job>();
  job->request = std::move(request);
  std::uint64_t id;
  {
    std::lock_guard guard(lock_);
    id = next_++;
    jobs_.emplace(id, job);
    queue_.push_back(job);
  }
  changed_.notify_all();
  return id;
}

bool FileLoader::poll(std::uint64_t job, Status& out) const {
  std::lock_guard guard(lock_);
  const auto it = jobs_.find(job);
  if (it == jobs_.end() || it->second->abandoned)
    return false;
  out = status_of(*it->second);
  return true;
}

bool FileLoader::wait(std::uint64_t job, std::int64_t timeout_us) const {
  std::unique_lock guard(lock_);
  bool gone = false;
  const auto finished = [&] {
    const auto it = jobs_.find(job);
    gone = it == jobs_.end() || it->second->abandoned;
    return gone || it->second->state != State::pending;
  };
  if (timeout_us < 0)
    changed_.wait(guard, finished);
  else if (!changed_.wait_for(guard, std::chrono::microseconds(timeout_us), finished))
    return false;
  return !gone;
}

bool FileLoader::take(std::uint64_t job, Status& out) {
  std::lock_guard guard(lock_);
  const auto it = jobs_.find(job);
  if (it == jobs_.end() || it->second->abandoned || it->second->state == State::pending)
    return false;
  out = status_of(*it->second);
  jobs_.erase(it);
  return true;
}

bool FileLoader::cancel(std::uint64_t job) {
  std::lock_guard guard(lock_);
  const auto it = jobs_.find(job);
  if (it == jobs_.end() || it->second->abandoned || it->second->state != State::pending ||
      it->second->delivering)
    return false;
  it->second->cancel.store(true, std::memory_order_relaxed);
  return true;
}

bool FileLoader::abandon(std::uint64_t job) {
  std::uint32_t orphan = 0;
  {
    std::lock_guard guard(lock_);
    const auto it = jobs_.find(job);
    if (it == jobs_.end() || it->second->abandoned)
      return false;
    Job& j = *it->second;
    if (j.state == State::pending) {
      j.abandoned = true; // run() forgets it, and discards a buffer it delivers
      j.cancel.store(true, std::memory_order_relaxed);
      return true;
    }
    orphan = j.state == State::done ? j.buffer : 0;
    jobs_.erase(it);
  }
  if (orphan != 0)
    discard_(orphan);
  return true;
}

void FileLoader::run() {
  for (;;) {
    std::shared_ptr<Job> job;
    {
      std::unique_lock guard(lock_);
      changed_.wait(guard, [&] { return stopping_ || !queue_.empty(); });
      if (stopping_)
        return;
      job = std::move(queue_.front());
      queue_.pop_front();
    }
    DecodeError error;
    std::unique_ptr<SampleBuffer> buffer = decode_file(job->request, job->progress, job->cancel,
                                                       error);
    {
      // Decoded and not cancelled: from here no cancel can stop it, so a
      // cancel that says it worked always does.
      std::lock_guard guard(lock_);
      if (buffer && job->cancel.load(std::memory_order_relaxed)) {
        buffer.reset();
        error = {DecodeError::Kind::cancelled, job->request.path + ": cancelled"};
      }
      job->delivering = buffer != nullptr;
    }
    std::uint32_t id = 0;
    if (buffer)
      id = deliver_(std::move(buffer), error);
    bool orphan = false;
    {
      std::lock_guard guard(lock_);
      job->buffer = id;
      job->error = std::move(error);
      job->state = id != 0 ? State::done : State::failed;
      if (job->abandoned) {
        orphan = id != 0;
        for (auto it = jobs_.begin(); it != jobs_.end(); ++it)
          if (it->second == job) {
            jobs_.erase(it);
            break;
          }
      }
    }
    if (orphan)
      discard_(id);
    changed_.notify_all();
  }
}

} // namespace ringengine

#include "resources/file_loader.hpp"

#include <chrono>

namespace ringengine {

FileLoader::FileLoader(unsigned threads, Deliver deliver) : deliver_(std::move(deliver)) {
  for (unsigned i = 0; i < (threads == 0 ? 1 : threads); ++i)
    threads_.emplace_back([this] { run(); });
}

FileLoader::~FileLoader() {
  {
    std::lock_guard guard(lock_);
    stopping_ = true;
    for (auto& [id, job] : jobs_)
      job->cancel.store(true, std::memory_order_relaxed);
  }
  changed_.notify_all();
  for (std::thread& t : threads_)
    t.join();
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
  if (it == jobs_.end())
    return false;
  const Job& j = *it->second;
  out.state = j.state;
  out.progress = j.progress.load(std::memory_order_relaxed);
  out.buffer = j.buffer;
  out.error = j.error;
  return true;
}

bool FileLoader::wait(std::uint64_t job, std::int64_t timeout_us, Status& out) const {
  std::unique_lock guard(lock_);
  const auto finished = [&] {
    const auto it = jobs_.find(job);
    return it == jobs_.end() || it->second->state != State::pending;
  };
  if (timeout_us < 0)
    changed_.wait(guard, finished);
  else if (!changed_.wait_for(guard, std::chrono::microseconds(timeout_us), finished))
    return false;
  guard.unlock();
  return poll(job, out) && out.state != State::pending;
}

bool FileLoader::cancel(std::uint64_t job) {
  std::lock_guard guard(lock_);
  const auto it = jobs_.find(job);
  if (it == jobs_.end() || it->second->state != State::pending)
    return false;
  it->second->cancel.store(true, std::memory_order_relaxed);
  return true;
}

void FileLoader::forget(std::uint64_t job) {
  std::lock_guard guard(lock_);
  const auto it = jobs_.find(job);
  if (it != jobs_.end() && it->second->state != State::pending)
    jobs_.erase(it);
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
    std::uint32_t id = 0;
    if (buffer && job->cancel.load(std::memory_order_relaxed)) {
      buffer.reset(); // cancelled as it finished: what was decoded goes
      error = {DecodeError::Kind::cancelled, job->request.path + ": cancelled"};
    }
    if (buffer)
      id = deliver_(std::move(buffer), error);
    {
      std::lock_guard guard(lock_);
      job->buffer = id;
      job->error = std::move(error);
      job->state = id != 0 ? State::done : State::failed;
    }
    changed_.notify_all();
  }
}

} // namespace ringengine

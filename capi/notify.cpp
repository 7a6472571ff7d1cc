// The C ABI, something to wait on: engine_fileno()'s descriptor, readable
// while replies wait. The audio thread makes no system call for it: a
// watcher thread of the control side, started by the first
// engine_fileno(), looks at the reply ring's fill on a short period and
// raises or lowers an eventfd. Contracts are in ringengine.h; the design is
// in docs/c-api.md.
#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <thread>

#include "handle.hpp"

namespace capi {

// The watcher's period: a reply is seen within about this long, and an idle
// engine costs this many wake-ups a second (1000: a small fraction of a
// core, the price of no system call on the audio thread).
inline constexpr std::chrono::microseconds kWatchPeriod{1000};

struct Notifier {
  int fd = -1; // the eventfd: counter 0 (not readable) or 1 (readable)
  std::thread thread;
  std::mutex lock;
  std::condition_variable wake;
  bool stop = false;   // under lock: the watcher ends
  bool raised = false; // the watcher's own: whether fd is readable

  void raise() noexcept {
    if (raised)
      return;
    const std::uint64_t one = 1;
    while (::write(fd, &one, sizeof one) < 0 && errno == EINTR) {
    }
    raised = true;
  }
  void lower() noexcept {
    if (!raised)
      return;
    std::uint64_t value;
    while (::read(fd, &value, sizeof value) < 0 && errno == EINTR) {
    }
    raised = false;
  }

  // The watcher: readable while a reply of any kind waits in the reply
  // ring. While a receive is under way (the receiver lock taken) it leaves
  // the descriptor as it was and looks again next period.
  void watch(ringengine::Engine& core) noexcept {
    std::unique_lock guard(lock);
    while (!stop) {
      const int waiting = core.replies_waiting();
      if (waiting > 0)
        raise();
      else if (waiting == 0)
        lower();
      wake.wait_for(guard, kWatchPeriod, [this] { return stop; });
    }
  }
};

// engine_close(): the watcher ends and the descriptor stays readable, so a
// loop waiting on it wakes and its receive call says the engine is closed.
// Called under e->close_lock.
void notify_close(engine* e) noexcept {
  Notifier* n = e->notifier;
  if (n == nullptr || !n->thread.joinable())
    return;
  {
    std::lock_guard guard(n->lock);
    n->stop = true;
  }
  n->wake.notify_all();
  n->thread.join();
  n->raise();
}

// engine_destroy(): after engine_close(); the descriptor is closed.
void notify_free(engine* e) noexcept {
  Notifier* n = e->notifier;
  if (n == nullptr)
    return;
  notify_close(e);
  ::close(n->fd);
  delete n;
  e->notifier = nullptr;
}

} // namespace capi

ENGINE_EXPORT int engine_fileno(engine* e) {
  if (int rc = capi::check(e); rc != ENGINE_OK)
    return rc;
  std::lock_guard guard(e->close_lock); // engine_close() takes it too
  if (e->closed.load(std::memory_order_relaxed))
    return capi::fail(ENGINE_ERR_CLOSED, "the engine is closed");
  if (e->notifier != nullptr)
    return e->notifier->fd;
  auto* n = new (std::nothrow) capi::Notifier;
  if (n == nullptr)
    return capi::fail(ENGINE_ERR_NOMEM, "out of memory");
  n->fd = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (n->fd < 0) {
    const int err = errno;
    delete n;
    return capi::fail(err == EMFILE || err == ENFILE ? ENGINE_ERR_NOMEM : ENGINE_ERR_INTERNAL,
                      std::string("eventfd: ") + std::strerror(err));
  }
  try {
    n->thread = std::thread([n, core = e->core.get()] { n->watch(*core); });
  } catch (const std::exception& err) {
    ::close(n->fd);
    delete n;
    return capi::fail(ENGINE_ERR_NOMEM, std::string("no watcher thread: ") + err.what());
  }
  e->notifier = n;
  return n->fd;
}

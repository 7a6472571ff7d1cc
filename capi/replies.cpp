// The C ABI, replies: taking them, at once or waiting. Contracts are in
// ringengine.h.
#include <time.h>

#include <chrono>

#include "handle.hpp"

using ringengine::Message;

namespace {

// engine_recv's poll: the nap doubles from the first to the last, so a reply
// that comes at once is seen at once, and a long wait costs ~2000 wake-ups a
// second (a few % of a core) while still waking within ~0.6 ms of a reply.
constexpr std::int64_t kFirstNapNs = 50'000;
constexpr std::int64_t kLastNapNs = 500'000;

} // namespace

ENGINE_EXPORT int engine_try_recv(engine* e, engine_message* out) {
  if (int rc = capi::check(e); rc != ENGINE_OK)
    return rc;
  if (out == nullptr)
    return ENGINE_ERR_INVALID;
  Message m;
  if (!e->core->try_recv(m))
    return ENGINE_EMPTY;
  std::memcpy(out, &m, sizeof m);
  return ENGINE_OK;
}

ENGINE_EXPORT int engine_recv_many(engine* e, engine_message* out, std::uint32_t max,
                                   std::uint32_t* count) {
  if (int rc = capi::check(e); rc != ENGINE_OK)
    return rc;
  if ((out == nullptr && max != 0) || count == nullptr)
    return ENGINE_ERR_INVALID;
  // engine_message and Message are the same bytes (asserted above), so the
  // ring copies straight into the caller's array.
  *count = static_cast<std::uint32_t>(
      e->core->recv_many(reinterpret_cast<Message*>(out), max));
  return ENGINE_OK;
}

ENGINE_EXPORT int engine_recv(engine* e, engine_message* out, std::uint32_t timeout_us) {
  using Clock = std::chrono::steady_clock;
  const auto deadline = Clock::now() + std::chrono::microseconds(timeout_us);
  std::int64_t nap_ns = kFirstNapNs;
  for (;;) {
    const int rc = engine_try_recv(e, out);
    if (rc != ENGINE_EMPTY)
      return rc;
    const auto now = Clock::now();
    if (now >= deadline)
      return ENGINE_ERR_TIMEOUT;
    if (e->backend->ended())
      return ENGINE_ERR_BACKEND; // no reply will ever come
    const std::int64_t left =
        std::chrono::duration_cast<std::chrono::nanoseconds>(deadline - now).count();
    const timespec nap{0, static_cast<long>(std::min(left, nap_ns))};
    nanosleep(&nap, nullptr);
    nap_ns = std::min(nap_ns * 2, kLastNapNs);
  }
}

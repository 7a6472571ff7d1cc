// The C ABI: every function with NULL or invalid arguments returns an error
// and never crashes; ping/pong, full and empty rings, closed engines,
// concurrent callers, and the status codes.
#include <gtest/gtest.h>
#include <poll.h>
#include <fcntl.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cmath>
#include <chrono>
#include <cstring>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "ringengine.h"

namespace {

// An engine for one test, destroyed at the end of it.
struct Handle {
  engine* e = nullptr;
  ~Handle() { engine_destroy(e); }
};

engine_config offline(std::uint32_t capacity = ENGINE_DEFAULT_CAPACITY) {
  engine_config c;
  engine_config_init_size(&c, sizeof c);
  c.backend = ENGINE_BACKEND_OFFLINE;
  c.capacity = capacity;
  return c;
}

int create(const engine_config& c, Handle& h) { return engine_create(&c, &h.e); }

engine_stats stats(engine* e) {
  engine_stats s{};
  EXPECT_EQ(engine_get_stats(e, &s, sizeof s), ENGINE_OK);
  return s;
}

TEST(CApiTest, EveryFunctionRejectsANullHandle) {
  std::uint32_t u = 0;
  engine_message m{};
  engine_stats s{};
  engine_info info{};
  EXPECT_EQ(engine_send_ping(nullptr), ENGINE_ERR_INVALID);
  EXPECT_EQ(engine_send_pings(nullptr, 3, &u, &u), ENGINE_ERR_INVALID);
  EXPECT_EQ(engine_try_recv(nullptr, &m), ENGINE_ERR_INVALID);
  EXPECT_EQ(engine_recv_many(nullptr, &m, 1, &u), ENGINE_ERR_INVALID);
  EXPECT_EQ(engine_recv(nullptr, &m, 1000), ENGINE_ERR_INVALID);
  EXPECT_EQ(engine_process(nullptr, 64), ENGINE_ERR_INVALID);
  EXPECT_EQ(engine_get_stats(nullptr, &s, sizeof s), ENGINE_ERR_INVALID);
  EXPECT_EQ(engine_get_info(nullptr, &info, sizeof info), ENGINE_ERR_INVALID);
  char text[8];
  EXPECT_EQ(engine_next_warning(nullptr, text, sizeof text), ENGINE_ERR_INVALID);
  EXPECT_EQ(engine_fileno(nullptr), ENGINE_ERR_INVALID);
  EXPECT_EQ(engine_close(nullptr), ENGINE_ERR_INVALID);
  engine_destroy(nullptr);   // a no-op
  engine_config_init(nullptr); // a no-op
}

TEST(CApiTest, EveryFunctionRejectsNullOrInvalidArguments) {
  Handle h;
  ASSERT_EQ(create(offline(), h), ENGINE_OK);
  std::uint32_t u = 0;
  EXPECT_EQ(engine_try_recv(h.e, nullptr), ENGINE_ERR_INVALID);
  EXPECT_EQ(engine_recv(h.e, nullptr, 0), ENGINE_ERR_INVALID);
  EXPECT_EQ(engine_recv_many(h.e, nullptr, 4, &u), ENGINE_ERR_INVALID);
  engine_message m{};
  EXPECT_EQ(engine_recv_many(h.e, &m, 1, nullptr), ENGINE_ERR_INVALID);
  EXPECT_EQ(engine_process(h.e, 0), ENGINE_ERR_INVALID);
  EXPECT_EQ(engine_process(h.e, 65537), ENGINE_ERR_INVALID);
  EXPECT_EQ(engine_get_stats(h.e, nullptr, sizeof(engine_stats)), ENGINE_ERR_INVALID);
  engine_stats s{};
  EXPECT_EQ(engine_get_stats(h.e, &s, 0), ENGINE_ERR_INVALID);
  EXPECT_EQ(engine_get_info(h.e, nullptr, sizeof(engine_info)), ENGINE_ERR_INVALID);
  char text[8];
  EXPECT_EQ(engine_next_warning(h.e, nullptr, sizeof text), ENGINE_ERR_INVALID);
  EXPECT_EQ(engine_next_warning(h.e, text, 0), ENGINE_ERR_INVALID);
  // Optional outputs may be NULL.
  EXPECT_EQ(engine_send_ping(h.e), 0);
  EXPECT_EQ(engine_send_pings(h.e, 2, nullptr, nullptr), ENGINE_OK);
  EXPECT_EQ(stats(h.e).pings_sent, 3u);
}

TEST(CApiTest, CreateRejectsBadConfigurationsAndSaysWhy) {
  struct Case {
    const char* what;
    void (*spoil)(engine_config&);
  };
  static char long_name[200];
  std::memset(long_name, 'x', sizeof long_name - 1);
  const Case cases[] = {
      {"size", [](engine_config& c) { c.size = 12; }},
      {"size", [](engine_config& c) { c.size = sizeof(engine_config) + 8; }},
      {"backend", [](engine_config& c) { c.backend = 6; }},
      {"capacity", [](engine_config& c) { c.capacity = 0; }},
      {"capacity", [](engine_config& c) { c.capacity = ENGINE_MAX_CAPACITY + 1; }},
      {"capacity", [](engine_config& c) { c.capacity = 0xffffffffu; }},
      {"sample_rate", [](engine_config& c) { c.sample_rate = 0; }},
      {"block_frames", [](engine_config& c) { c.block_frames = 0; }},
      {"block_frames", [](engine_config& c) { c.block_frames = 1u << 20; }},
      {"channels", [](engine_config& c) { c.channels = 0; }},
      {"channels", [](engine_config& c) { c.channels = 65; }},
      {"voices", [](engine_config& c) { c.voices = ENGINE_MAX_VOICES + 1; }},
      {"schedule", [](engine_config& c) { c.schedule = 0; }},
      {"schedule", [](engine_config& c) { c.schedule = ENGINE_MAX_CAPACITY + 1; }},
      {"device", [](engine_config& c) { c.device = long_name; }},
  };
  for (const Case& k : cases) {
    engine_config c = offline();
    k.spoil(c);
    engine* e = reinterpret_cast<engine*>(0x1);
    EXPECT_EQ(engine_create(&c, &e), ENGINE_ERR_INVALID) << k.what;
    EXPECT_EQ(e, nullptr) << k.what;
    EXPECT_NE(std::string(engine_last_error()).find(k.what), std::string::npos)
        << k.what << ": " << engine_last_error();
  }
  engine_config c = offline();
  EXPECT_EQ(engine_create(&c, nullptr), ENGINE_ERR_INVALID);
}

TEST(CApiTest, CreateWithNullConfigUsesTheDefaults) {
  Handle h;
  ASSERT_EQ(engine_create(nullptr, &h.e), ENGINE_OK) << engine_last_error();
  engine_info info{};
  ASSERT_EQ(engine_get_info(h.e, &info, sizeof info), ENGINE_OK);
  EXPECT_EQ(info.capacity, 1024u);
  EXPECT_EQ(info.sample_rate, 48000u);
  EXPECT_EQ(info.channels, 2u);
  // auto opens RtAudio when a stream can be opened, and otherwise says why
  // it fell back to null.
  ASSERT_TRUE(info.backend == ENGINE_BACKEND_RTAUDIO || info.backend == ENGINE_BACKEND_NULL);
  if (info.backend == ENGINE_BACKEND_NULL) {
    EXPECT_STRNE(info.note, "");
  }
  EXPECT_STREQ(engine_last_error(), "");
}

TEST(CApiTest, PingIsAnsweredWithAPongCarryingSeqAndFrame) {
  Handle h;
  ASSERT_EQ(create(offline(), h), ENGINE_OK);
  ASSERT_EQ(engine_process(h.e, 100), ENGINE_OK);
  const std::int64_t seq = engine_send_ping(h.e);
  ASSERT_EQ(seq, 0);
  engine_message m{};
  EXPECT_EQ(engine_try_recv(h.e, &m), ENGINE_EMPTY);
  ASSERT_EQ(engine_process(h.e, 100), ENGINE_OK);
  ASSERT_EQ(engine_try_recv(h.e, &m), ENGINE_OK);
  EXPECT_EQ(m.kind, static_cast<std::uint32_t>(ENGINE_MSG_PONG));
  EXPECT_EQ(m.id, 0u);
  EXPECT_EQ(m.frame, 100u);
}

bool readable(int fd, int timeout_ms) {
  pollfd p{fd, POLLIN, 0};
  return ::poll(&p, 1, timeout_ms) == 1 && (p.revents & POLLIN) != 0;
}

TEST(CApiTest, FilenoIsReadableWhileAPongWaits) {
  Handle h;
  ASSERT_EQ(create(offline(), h), ENGINE_OK);
  const int fd = engine_fileno(h.e);
  ASSERT_GE(fd, 0);
  EXPECT_EQ(engine_fileno(h.e), fd); // the same one
  EXPECT_FALSE(readable(fd, 20));
  ASSERT_GE(engine_send_ping(h.e), 0);
  EXPECT_FALSE(readable(fd, 20)); // no block has run: no pong yet
  ASSERT_EQ(engine_process(h.e, 64), ENGINE_OK);
  EXPECT_TRUE(readable(fd, 2000));
  engine_message m{};
  ASSERT_EQ(engine_try_recv(h.e, &m), ENGINE_OK);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  while (readable(fd, 0) && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  EXPECT_FALSE(readable(fd, 0)); // lowered once the pong was taken
}

TEST(CApiTest, FilenoStaysReadableAfterCloseAndDestroyClosesIt) {
  engine_config c = offline();
  engine* e = nullptr;
  ASSERT_EQ(engine_create(&c, &e), ENGINE_OK);
  const int fd = engine_fileno(e);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(engine_close(e), ENGINE_OK);
  EXPECT_TRUE(readable(fd, 1000)); // a waiting loop wakes, and finds it closed
  EXPECT_EQ(engine_fileno(e), ENGINE_ERR_CLOSED);
  engine_destroy(e);
  EXPECT_EQ(::fcntl(fd, F_GETFD), -1); // closed by engine_destroy
}

TEST(CApiTest, FullCommandRingReturnsFullAndCountsTheDrop) {
  Handle h;
  ASSERT_EQ(create(offline(1024), h), ENGINE_OK);
  for (int i = 0; i < 1024; ++i)
    ASSERT_EQ(engine_send_ping(h.e), i);
  EXPECT_EQ(engine_send_ping(h.e), ENGINE_ERR_FULL);
  EXPECT_EQ(stats(h.e).pings_rejected, 1u);
  EXPECT_EQ(stats(h.e).pings_sent, 1024u);

  std::uint32_t first = 0, sent = 0;
  ASSERT_EQ(engine_process(h.e, 64), ENGINE_OK);
  EXPECT_EQ(engine_send_pings(h.e, 1030, &first, &sent), ENGINE_ERR_FULL);
  EXPECT_EQ(first, 1024u);
  EXPECT_EQ(sent, 1024u);
  EXPECT_EQ(stats(h.e).pings_rejected, 7u);
}

TEST(CApiTest, EmptyReceiveReturnsEmptyAndLeavesTheMessageUntouched) {
  Handle h;
  ASSERT_EQ(create(offline(), h), ENGINE_OK);
  engine_message m{7, 1, 8, 9, 10.0f, 11};
  EXPECT_EQ(engine_try_recv(h.e, &m), ENGINE_EMPTY);
  EXPECT_EQ(m.kind, 7u);
  EXPECT_EQ(m.id, 8u);
  EXPECT_EQ(m.frame, 9u);
  EXPECT_EQ(m.param, 1u);
  EXPECT_EQ(m.value, 10.0f);
  EXPECT_EQ(m.arg, 11u);
  std::uint32_t n = 99;
  EXPECT_EQ(engine_recv_many(h.e, &m, 1, &n), ENGINE_OK);
  EXPECT_EQ(n, 0u);
  EXPECT_EQ(engine_process(h.e, 64), ENGINE_OK);
  EXPECT_EQ(stats(h.e).callbacks, 1u);
}

TEST(CApiTest, RecvWaitsForTheTimeoutThenGivesUp) {
  Handle h;
  ASSERT_EQ(create(offline(), h), ENGINE_OK);
  engine_message m{};
  const auto t0 = std::chrono::steady_clock::now();
  EXPECT_EQ(engine_recv(h.e, &m, 20'000), ENGINE_ERR_TIMEOUT);
  EXPECT_GE(std::chrono::steady_clock::now() - t0, std::chrono::milliseconds(20));
  EXPECT_EQ(engine_recv(h.e, &m, 0), ENGINE_ERR_TIMEOUT);
}

TEST(CApiTest, RecvReturnsAReplyThatArrivesWhileWaiting) {
  engine_config c;
  engine_config_init(&c);
  c.backend = ENGINE_BACKEND_NULL;
  Handle h;
  ASSERT_EQ(create(c, h), ENGINE_OK);
  const std::int64_t seq = engine_send_ping(h.e);
  ASSERT_GE(seq, 0);
  engine_message m{};
  ASSERT_EQ(engine_recv(h.e, &m, 5'000'000), ENGINE_OK);
  EXPECT_EQ(m.id, static_cast<std::uint32_t>(seq));
  EXPECT_EQ(m.kind, static_cast<std::uint32_t>(ENGINE_MSG_PONG));
}

TEST(CApiTest, ProcessIsOnlyForTheOfflineBackend) {
  engine_config c;
  engine_config_init(&c);
  c.backend = ENGINE_BACKEND_NULL;
  Handle h;
  ASSERT_EQ(create(c, h), ENGINE_OK);
  EXPECT_EQ(engine_process(h.e, 64), ENGINE_ERR_UNSUPPORTED);
  engine_info info{};
  ASSERT_EQ(engine_get_info(h.e, &info, sizeof info), ENGINE_OK);
  EXPECT_EQ(info.backend, static_cast<std::uint32_t>(ENGINE_BACKEND_NULL));
  EXPECT_STREQ(info.device, "null");
}

TEST(CApiTest, EveryCallOnAClosedEngineReturnsClosed) {
  Handle h;
  ASSERT_EQ(create(offline(), h), ENGINE_OK);
  ASSERT_EQ(engine_close(h.e), ENGINE_OK);
  EXPECT_EQ(engine_close(h.e), ENGINE_OK) << "closing twice is harmless";
  std::uint32_t u = 0;
  engine_message m{};
  engine_stats s{};
  engine_info info{};
  EXPECT_EQ(engine_send_ping(h.e), ENGINE_ERR_CLOSED);
  EXPECT_EQ(engine_send_pings(h.e, 2, &u, &u), ENGINE_ERR_CLOSED);
  EXPECT_EQ(engine_try_recv(h.e, &m), ENGINE_ERR_CLOSED);
  EXPECT_EQ(engine_recv_many(h.e, &m, 1, &u), ENGINE_ERR_CLOSED);
  EXPECT_EQ(engine_recv(h.e, &m, 1000), ENGINE_ERR_CLOSED);
  EXPECT_EQ(engine_process(h.e, 64), ENGINE_ERR_CLOSED);
  EXPECT_EQ(engine_get_stats(h.e, &s, sizeof s), ENGINE_ERR_CLOSED);
  EXPECT_EQ(engine_get_info(h.e, &info, sizeof info), ENGINE_ERR_CLOSED);
}

// Warnings outlive close(): they may say why the stream ended.
TEST(CApiTest, WarningsCanBeTakenBeforeAndAfterClose) {
  Handle h;
  ASSERT_EQ(create(offline(), h), ENGINE_OK);
  char text[ENGINE_WARNING_MAX] = "untouched";
  EXPECT_EQ(engine_next_warning(h.e, text, sizeof text), ENGINE_EMPTY);
  EXPECT_STREQ(text, "untouched");
  const engine_stats s = stats(h.e);
  EXPECT_EQ(s.warnings, 0u);
  EXPECT_EQ(s.warnings_dropped, 0u);
  ASSERT_EQ(engine_close(h.e), ENGINE_OK);
  EXPECT_EQ(engine_next_warning(h.e, text, sizeof text), ENGINE_EMPTY);
}

TEST(CApiTest, CloseWakesAWaitingReceiver) {
  Handle h;
  ASSERT_EQ(create(offline(), h), ENGINE_OK);
  std::atomic<int> rc{1};
  std::thread waiter([&] {
    engine_message m{};
    rc = engine_recv(h.e, &m, 60'000'000);
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  ASSERT_EQ(engine_close(h.e), ENGINE_OK);
  waiter.join();
  EXPECT_EQ(rc.load(), ENGINE_ERR_CLOSED);
}

TEST(CApiTest, StatsFillOnlyTheSizeTheCallerKnows) {
  Handle h;
  ASSERT_EQ(create(offline(), h), ENGINE_OK);
  ASSERT_EQ(engine_process(h.e, 64), ENGINE_OK);
  engine_stats s;
  std::memset(&s, 0xab, sizeof s);
  ASSERT_EQ(engine_get_stats(h.e, &s, 2 * sizeof(std::uint64_t)), ENGINE_OK);
  EXPECT_EQ(s.callbacks, 1u);
  EXPECT_EQ(s.frames, 64u);
  EXPECT_EQ(s.pings_sent, 0xababababababababu) << "wrote past the given size";
  // A larger size than the library knows is fine too.
  std::vector<unsigned char> big(sizeof(engine_stats) + 64, 0xcd);
  ASSERT_EQ(engine_get_stats(h.e, reinterpret_cast<engine_stats*>(big.data()), big.size()),
            ENGINE_OK);
  EXPECT_EQ(big[sizeof(engine_stats)], 0xcd);
}

TEST(CApiTest, InfoDescribesTheEngine) {
  Handle h;
  engine_config c = offline(77);
  c.sample_rate = 44100;
  c.block_frames = 128;
  c.channels = 1;
  ASSERT_EQ(create(c, h), ENGINE_OK);
  engine_info info{};
  ASSERT_EQ(engine_get_info(h.e, &info, sizeof info), ENGINE_OK);
  EXPECT_EQ(info.backend, static_cast<std::uint32_t>(ENGINE_BACKEND_OFFLINE));
  EXPECT_EQ(info.capacity, 77u);
  EXPECT_EQ(info.sample_rate, 44100u);
  EXPECT_EQ(info.block_frames, 128u);
  EXPECT_EQ(info.channels, 1u);
  EXPECT_STREQ(info.device, "offline");
  EXPECT_STREQ(info.note, "");
}

TEST(CApiTest, BulkReceiveTakesUpToMaxInOrder) {
  Handle h;
  ASSERT_EQ(create(offline(), h), ENGINE_OK);
  std::uint32_t first = 0, sent = 0;
  ASSERT_EQ(engine_send_pings(h.e, 500, &first, &sent), ENGINE_OK);
  EXPECT_EQ(sent, 500u);
  ASSERT_EQ(engine_process(h.e, 64), ENGINE_OK);
  std::vector<engine_message> out(300);
  std::uint32_t n = 0;
  ASSERT_EQ(engine_recv_many(h.e, out.data(), 300, &n), ENGINE_OK);
  ASSERT_EQ(n, 300u);
  for (std::uint32_t i = 0; i < n; ++i)
    ASSERT_EQ(out[i].id, i);
  ASSERT_EQ(engine_recv_many(h.e, out.data(), 300, &n), ENGINE_OK);
  EXPECT_EQ(n, 200u);
  EXPECT_EQ(out[0].id, 300u);
  EXPECT_EQ(stats(h.e).pongs_received, 500u);
}

TEST(CApiTest, StatusCodesHaveDistinctMessages) {
  std::set<std::string> texts;
  const int codes[] = {ENGINE_OK,          ENGINE_EMPTY,         ENGINE_ERR_INVALID,
                       ENGINE_ERR_NOMEM,   ENGINE_ERR_FULL,      ENGINE_ERR_CLOSED,
                       ENGINE_ERR_BACKEND, ENGINE_ERR_NO_DEVICE, ENGINE_ERR_BUSY,
                       ENGINE_ERR_TIMEOUT, ENGINE_ERR_UNSUPPORTED, ENGINE_ERR_INTERNAL};
  for (int code : codes) {
    const std::string text = engine_strerror(code);
    EXPECT_NE(text, "unknown status") << code;
    texts.insert(text);
    if (code != ENGINE_OK && code != ENGINE_EMPTY) {
      EXPECT_LT(code, 0) << "errors are negative";
    }
  }
  EXPECT_EQ(texts.size(), std::size(codes));
  EXPECT_STREQ(engine_strerror(12345), "unknown status");
  EXPECT_STREQ(engine_strerror(-12345), "unknown status");
}

TEST(CApiTest, VersionOfTheLibraryMatchesTheHeader) {
  EXPECT_EQ(engine_version_number(), static_cast<unsigned>(ENGINE_VERSION_NUMBER));
  const std::string want = std::to_string(ENGINE_VERSION_MAJOR) + "." +
                           std::to_string(ENGINE_VERSION_MINOR) + "." +
                           std::to_string(ENGINE_VERSION_PATCH);
  EXPECT_EQ(engine_version_string(), want);
  EXPECT_EQ(engine_nop(), ENGINE_OK);
}

TEST(CApiTest, BackendNames) {
  EXPECT_STREQ(engine_backend_name(ENGINE_BACKEND_AUTO), "auto");
  EXPECT_STREQ(engine_backend_name(ENGINE_BACKEND_RTAUDIO), "rtaudio");
  EXPECT_STREQ(engine_backend_name(ENGINE_BACKEND_NULL), "null");
  EXPECT_STREQ(engine_backend_name(ENGINE_BACKEND_OFFLINE), "offline");
  EXPECT_STREQ(engine_backend_name(ENGINE_BACKEND_JACK), "jack");
  EXPECT_STREQ(engine_backend_name(ENGINE_BACKEND_PULSE), "pulse");
  EXPECT_STREQ(engine_backend_name(-1), "unknown");
  EXPECT_STREQ(engine_backend_name(6), "unknown");
}

TEST(CApiTest, UnknownDeviceIsAnErrorThatSaysWhy) {
  engine_config c;
  engine_config_init(&c);
  c.backend = ENGINE_BACKEND_RTAUDIO;
  c.device = "no such device 0x5eed";
  engine* e = nullptr;
  const int rc = engine_create(&c, &e);
  EXPECT_TRUE(rc == ENGINE_ERR_NO_DEVICE || rc == ENGINE_ERR_BACKEND) << rc;
  EXPECT_EQ(e, nullptr);
  EXPECT_STRNE(engine_last_error(), "");
}

// ---- Concurrent callers ----

// Eight threads send at once: each accepted ping has its own sequence number,
// the numbers have no gaps, and accepted + rejected equals attempts.
TEST(CApiConcurrencyTest, ConcurrentSendersGetDistinctSeqsAndCountsAddUp) {
  constexpr int kThreads = 8, kPerThread = 20'000;
  Handle h;
  ASSERT_EQ(create(offline(100'000), h), ENGINE_OK); // some will be refused
  std::vector<std::vector<std::uint32_t>> seqs(kThreads);
  std::atomic<int> full{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        const std::int64_t rc = engine_send_ping(h.e);
        if (rc >= 0)
          seqs[t].push_back(static_cast<std::uint32_t>(rc));
        else if (rc == ENGINE_ERR_FULL)
          ++full;
        else
          ADD_FAILURE() << "unexpected status " << rc;
      }
    });
  for (auto& t : threads)
    t.join();
  std::set<std::uint32_t> all;
  std::size_t total = 0;
  for (auto& v : seqs) {
    total += v.size();
    all.insert(v.begin(), v.end());
  }
  EXPECT_EQ(total, 100'000u);
  EXPECT_EQ(all.size(), total) << "two pings shared a sequence number";
  EXPECT_EQ(*all.rbegin(), total - 1);
  EXPECT_EQ(full.load(), kThreads * kPerThread - 100'000);
  const engine_stats s = stats(h.e);
  EXPECT_EQ(s.pings_sent, total);
  EXPECT_EQ(s.pings_rejected, static_cast<std::uint64_t>(full.load()));
}

// Four threads receive at once: every pong is delivered exactly once.
TEST(CApiConcurrencyTest, ConcurrentReceiversGetEachPongExactlyOnce) {
  constexpr std::uint32_t kPongs = 50'000;
  Handle h;
  engine_config c = offline(kPongs);
  c.messages_per_block = kPongs; // every ping answered in one block
  ASSERT_EQ(create(c, h), ENGINE_OK);
  std::uint32_t sent = 0;
  ASSERT_EQ(engine_send_pings(h.e, kPongs, nullptr, &sent), ENGINE_OK);
  ASSERT_EQ(engine_process(h.e, 64), ENGINE_OK);
  std::vector<std::vector<std::uint32_t>> got(4);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      engine_message m;
      while (engine_try_recv(h.e, &m) == ENGINE_OK)
        got[t].push_back(m.id);
    });
  for (auto& t : threads)
    t.join();
  std::set<std::uint32_t> all;
  std::size_t total = 0;
  for (auto& v : got) {
    total += v.size();
    all.insert(v.begin(), v.end());
    EXPECT_TRUE(std::is_sorted(v.begin(), v.end())) << "each receiver sees FIFO order";
  }
  EXPECT_EQ(total, kPongs);
  EXPECT_EQ(all.size(), std::size_t{kPongs});
  EXPECT_EQ(stats(h.e).pongs_received, kPongs);
}

// Two threads call engine_process at once: one runs, the other is told
// BUSY; every OK is one block, nothing is corrupted.
TEST(CApiConcurrencyTest, ConcurrentProcessCallsAreRefusedNotRaced) {
  Handle h;
  ASSERT_EQ(create(offline(), h), ENGINE_OK);
  std::atomic<int> ok{0}, busy{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 2; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 20'000; ++i) {
        engine_send_ping(h.e);
        const int rc = engine_process(h.e, 16);
        if (rc == ENGINE_OK)
          ++ok;
        else if (rc == ENGINE_ERR_BUSY)
          ++busy;
        else
          ADD_FAILURE() << "unexpected status " << rc;
        engine_message m;
        while (engine_try_recv(h.e, &m) == ENGINE_OK) {
        }
      }
    });
  for (auto& t : threads)
    t.join();
  const engine_stats s = stats(h.e);
  EXPECT_EQ(ok.load() + busy.load(), 40'000);
  EXPECT_EQ(s.callbacks, static_cast<std::uint64_t>(ok.load()));
  EXPECT_EQ(s.frames, 16u * ok.load());
  EXPECT_EQ(s.pongs_sent + s.pongs_dropped, s.pings_handled);
}

} // namespace

// ---- Commands, sound, render ----

namespace {

TEST(CApiSoundTest, NewFunctionsRejectANullOrClosedHandle) {
  float buf[4];
  std::uint64_t frame = 0;
  engine_message m{};
  EXPECT_EQ(engine_send(nullptr, &m), ENGINE_ERR_INVALID);
  EXPECT_EQ(engine_set_param(nullptr, 0, ENGINE_PARAM_FREQ, 440.0, ENGINE_AT_NEXT, 0),
            ENGINE_ERR_INVALID);
  EXPECT_EQ(engine_render(nullptr, buf, 2), ENGINE_ERR_INVALID);
  EXPECT_EQ(engine_get_frame(nullptr, &frame), ENGINE_ERR_INVALID);
  Handle h;
  ASSERT_EQ(create(offline(), h), ENGINE_OK);
  EXPECT_EQ(engine_send(h.e, nullptr), ENGINE_ERR_INVALID);
  EXPECT_EQ(engine_render(h.e, nullptr, 2), ENGINE_ERR_INVALID);
  EXPECT_EQ(engine_render(h.e, nullptr, 0), ENGINE_OK);
  EXPECT_EQ(engine_get_frame(h.e, nullptr), ENGINE_ERR_INVALID);
  ASSERT_EQ(engine_close(h.e), ENGINE_OK);
  EXPECT_EQ(engine_send(h.e, &m), ENGINE_ERR_CLOSED);
  EXPECT_EQ(engine_set_param(h.e, 0, ENGINE_PARAM_FREQ, 440.0, ENGINE_AT_NEXT, 0),
            ENGINE_ERR_CLOSED);
  EXPECT_EQ(engine_render(h.e, buf, 2), ENGINE_ERR_CLOSED);
  EXPECT_EQ(engine_get_frame(h.e, &frame), ENGINE_ERR_CLOSED);
}

TEST(CApiSoundTest, SendRefusesWhatIsNotACommandAndSaysWhy) {
  Handle h;
  ASSERT_EQ(create(offline(), h), ENGINE_OK);
  engine_message m{};
  m.kind = ENGINE_MSG_PONG;
  EXPECT_EQ(engine_send(h.e, &m), ENGINE_ERR_INVALID);
  EXPECT_STREQ(engine_last_error(), "not a command kind");
  m.kind = 77;
  EXPECT_EQ(engine_send(h.e, &m), ENGINE_ERR_INVALID);
  EXPECT_EQ(engine_set_param(h.e, 32, ENGINE_PARAM_GAIN, 0.5, 0, 0), ENGINE_ERR_INVALID);
  EXPECT_STREQ(engine_last_error(), "no such voice 32 (voices are 0 .. 31)");
  EXPECT_EQ(engine_set_param(h.e, 0, 7, 0.5, 0, 0), ENGINE_ERR_INVALID);
  EXPECT_STREQ(engine_last_error(), "no such parameter 7 (0 .. 6)");
  EXPECT_EQ(engine_set_param(h.e, 0, ENGINE_PARAM_PAN, 1.5, 0, 0), ENGINE_ERR_INVALID);
  EXPECT_STREQ(engine_last_error(), "pan must be -1 .. 1, not 1.5");
  EXPECT_EQ(engine_set_param(h.e, 0, -1, 0.5, 0, 0), ENGINE_ERR_INVALID);
  EXPECT_EQ(engine_set_param(h.e, 0, ENGINE_PARAM_GAIN, NAN, 0, 0), ENGINE_ERR_INVALID);
  EXPECT_EQ(engine_set_param(h.e, 0, ENGINE_PARAM_GAIN, 1e300, 0, 0), ENGINE_ERR_INVALID);
  EXPECT_EQ(engine_set_param(h.e, 0, ENGINE_PARAM_FREQ, 24000.5, 0, 0), ENGINE_ERR_INVALID);
  EXPECT_EQ(stats(h.e).commands_sent, 0u);
}

TEST(CApiSoundTest, SendOfAPingNumbersItAndSetParamSoundsAtItsFrame) {
  engine_config c = offline();
  c.channels = 1;
  c.voices = 2;
  Handle h;
  ASSERT_EQ(create(c, h), ENGINE_OK);
  engine_message ping{};
  ping.kind = ENGINE_MSG_PING;
  ping.id = 12345; // numbered by the library
  ping.frame = static_cast<std::uint64_t>(std::int64_t{ENGINE_AT_NEXT});
  EXPECT_EQ(engine_send(h.e, &ping), 0);
  EXPECT_EQ(engine_send_ping(h.e), 1);
  ASSERT_EQ(engine_set_param(h.e, 1, ENGINE_PARAM_FREQ, 12000.0, 300, 0), ENGINE_OK);
  std::vector<float> out(512, -1.0f);
  ASSERT_EQ(engine_render(h.e, out.data(), out.size()), ENGINE_OK);
  for (int i = 0; i <= 300; ++i)
    ASSERT_EQ(out[i], 0.0f) << i;
  EXPECT_NEAR(out[301], 1.0f, 1e-6f);
  std::uint64_t frame = 0;
  ASSERT_EQ(engine_get_frame(h.e, &frame), ENGINE_OK);
  EXPECT_EQ(frame, 512u);
  engine_message pong{};
  ASSERT_EQ(engine_try_recv(h.e, &pong), ENGINE_OK);
  EXPECT_EQ(pong.kind, ENGINE_MSG_PONG);
  EXPECT_EQ(pong.id, 0u);
  const engine_stats s = stats(h.e);
  EXPECT_EQ(s.commands_sent, 3u);
  EXPECT_EQ(s.pings_sent, 2u);
  EXPECT_EQ(s.callbacks, 2u) << "512 frames in blocks of 256";
}

TEST(CApiSoundTest, RenderIsOnlyForTheOfflineBackend) {
  engine_config c;
  engine_config_init(&c);
  c.backend = ENGINE_BACKEND_NULL;
  Handle h;
  ASSERT_EQ(create(c, h), ENGINE_OK);
  float buf[8];
  EXPECT_EQ(engine_render(h.e, buf, 4), ENGINE_ERR_UNSUPPORTED);
}

TEST(CApiSoundTest, ConfigInitGivesTheVoicesAndScheduleDefaults) {
  engine_config c;
  engine_config_init(&c);
  EXPECT_EQ(c.voices, 32u);
  EXPECT_EQ(c.schedule, 1024u);
  Handle h;
  c.backend = ENGINE_BACKEND_OFFLINE;
  ASSERT_EQ(create(c, h), ENGINE_OK);
  engine_info info{};
  ASSERT_EQ(engine_get_info(h.e, &info, sizeof info), ENGINE_OK);
  EXPECT_EQ(info.voices, 32u);
  EXPECT_EQ(info.latency_frames, 0u);
}

} // namespace

// ---- Sample buffers ----

namespace {

TEST(CApiBufferTest, EveryBufferFunctionRejectsBadArguments) {
  float samples[8] = {};
  std::uint32_t id = 0;
  EXPECT_EQ(engine_load_buffer(nullptr, samples, 8, 1, &id), ENGINE_ERR_INVALID);
  EXPECT_EQ(engine_play(nullptr, 0, 1, ENGINE_AT_NEXT, 0), ENGINE_ERR_INVALID);
  EXPECT_EQ(engine_stop(nullptr, 0, ENGINE_AT_NEXT), ENGINE_ERR_INVALID);
  EXPECT_EQ(engine_buffer_close(nullptr, 1), ENGINE_ERR_INVALID);
  Handle h;
  ASSERT_EQ(create(offline(), h), ENGINE_OK);
  EXPECT_EQ(engine_load_buffer(h.e, nullptr, 8, 1, &id), ENGINE_ERR_INVALID);
  EXPECT_EQ(engine_load_buffer(h.e, samples, 8, 1, nullptr), ENGINE_ERR_INVALID);
  EXPECT_EQ(engine_load_buffer(h.e, samples, 0, 1, &id), ENGINE_ERR_INVALID);
  EXPECT_EQ(engine_load_buffer(h.e, samples, 8, 0, &id), ENGINE_ERR_INVALID);
  EXPECT_EQ(engine_load_buffer(h.e, samples, 1, 65, &id), ENGINE_ERR_INVALID);
  EXPECT_EQ(engine_load_buffer(h.e, samples, std::uint64_t{1} << 62, 2, &id), ENGINE_ERR_NOMEM);
  EXPECT_EQ(engine_play(h.e, 0, 12345, ENGINE_AT_NEXT, 0), ENGINE_ERR_INVALID);
  EXPECT_STREQ(engine_last_error(), "no such buffer, or it is closed: 12345");
  EXPECT_EQ(engine_buffer_close(h.e, 12345), ENGINE_ERR_INVALID);
  EXPECT_EQ(engine_stop(h.e, 32, ENGINE_AT_NEXT), ENGINE_ERR_INVALID);
  ASSERT_EQ(engine_load_buffer(h.e, samples, 8, 1, &id), ENGINE_OK);
  EXPECT_EQ(engine_play(h.e, 32, id, ENGINE_AT_NEXT, 0), ENGINE_ERR_INVALID);
  engine_message close{};
  close.kind = ENGINE_MSG_BUFFER_CLOSE;
  close.arg = id;
  EXPECT_EQ(engine_send(h.e, &close), ENGINE_ERR_INVALID) << "only engine_buffer_close closes";
  ASSERT_EQ(engine_buffer_close(h.e, id), ENGINE_OK);
  EXPECT_EQ(engine_buffer_close(h.e, id), ENGINE_ERR_INVALID) << "closed twice";
  EXPECT_EQ(engine_play(h.e, 0, id, ENGINE_AT_NEXT, 0), ENGINE_ERR_INVALID);
  ASSERT_EQ(engine_close(h.e), ENGINE_OK);
  EXPECT_EQ(engine_load_buffer(h.e, samples, 8, 1, &id), ENGINE_ERR_CLOSED);
  EXPECT_EQ(engine_buffer_close(h.e, id), ENGINE_ERR_CLOSED);
}

// Destroying an engine with buffers loaded, playing and closing frees each
// once (the ASan build's LeakSanitizer fails the test on a leak, and ASan
// on a double free).
TEST(CApiBufferTest, DestroyFreesEveryBufferOnce) {
  engine_config c = offline();
  c.buffers = 4;
  Handle h;
  ASSERT_EQ(create(c, h), ENGINE_OK);
  std::vector<float> samples(4096, 0.5f);
  std::uint32_t ids[4];
  for (std::uint32_t& id : ids)
    ASSERT_EQ(engine_load_buffer(h.e, samples.data(), 2048, 2, &id), ENGINE_OK);
  std::uint32_t extra = 0;
  EXPECT_EQ(engine_load_buffer(h.e, samples.data(), 1, 1, &extra), ENGINE_ERR_TABLE_FULL)
      << "a full buffer table is not a full ring";
  ASSERT_EQ(engine_play(h.e, 0, ids[0], ENGINE_AT_NEXT, 1), ENGINE_OK);
  ASSERT_EQ(engine_process(h.e, 256), ENGINE_OK);
  ASSERT_EQ(engine_buffer_close(h.e, ids[1]), ENGINE_OK); // closing, not yet let go
  EXPECT_EQ(stats(h.e).buffers_live, 4u);
}

TEST(CApiBufferTest, PlaybackIsBitExactAndEndsWithAnEvent) {
  engine_config c = offline();
  c.channels = 1;
  Handle h;
  ASSERT_EQ(create(c, h), ENGINE_OK);
  std::vector<float> samples(300);
  for (std::size_t i = 0; i < samples.size(); ++i)
    samples[i] = static_cast<float>(i) / 7.0f - 20.0f;
  std::uint32_t id = 0;
  ASSERT_EQ(engine_load_buffer(h.e, samples.data(), samples.size(), 1, &id), ENGINE_OK);
  ASSERT_EQ(engine_play(h.e, 3, id, 100, 0), ENGINE_OK);
  std::vector<float> out(512, -1.0f);
  ASSERT_EQ(engine_render(h.e, out.data(), out.size()), ENGINE_OK);
  for (std::size_t i = 0; i < out.size(); ++i)
    ASSERT_EQ(out[i], i >= 100 && i < 400 ? samples[i - 100] : 0.0f) << i;
  engine_message m{};
  ASSERT_EQ(engine_try_recv(h.e, &m), ENGINE_OK);
  EXPECT_EQ(m.kind, ENGINE_MSG_VOICE_ENDED);
  EXPECT_EQ(m.id, 3u);
  EXPECT_EQ(m.frame, 400u);
  ASSERT_EQ(engine_buffer_close(h.e, id), ENGINE_OK);
  ASSERT_EQ(engine_process(h.e, 64), ENGINE_OK);
  ASSERT_EQ(engine_try_recv(h.e, &m), ENGINE_OK);
  EXPECT_EQ(m.kind, ENGINE_MSG_BUFFER_RELEASED);
  EXPECT_EQ(m.arg, id);
  EXPECT_EQ(stats(h.e).buffers_live, 0u);
}

// Replies waiting, as (kind, id, frame).
std::vector<std::array<std::uint64_t, 3>> replies(engine* e) {
  std::vector<std::array<std::uint64_t, 3>> got;
  engine_message m{};
  while (engine_try_recv(e, &m) == ENGINE_OK)
    got.push_back({static_cast<std::uint64_t>(m.kind), m.id, m.frame});
  return got;
}

// A play on voice 0 from `play_at`, replaced at 1000 by a play faded over
// 256 frames; the VOICE_ENDED events of the first `until` frames.
std::vector<std::array<std::uint64_t, 3>> replaced(engine* e, std::uint32_t old_frames,
                                                   std::uint32_t fade, std::size_t until) {
  std::vector<float> samples(std::max<std::uint32_t>(old_frames, 10000), 0.5f);
  std::uint32_t old_id = 0, new_id = 0;
  EXPECT_EQ(engine_load_buffer(e, samples.data(), old_frames, 1, &old_id), ENGINE_OK);
  EXPECT_EQ(engine_load_buffer(e, samples.data(), 10000, 1, &new_id), ENGINE_OK);
  EXPECT_EQ(engine_play(e, 0, old_id, 0, 0), ENGINE_OK);
  engine_play_options o;
  engine_play_options_init_size(&o, sizeof o);
  o.voice = 0;
  o.buffer = new_id;
  o.at = 1000;
  o.fade = fade;
  EXPECT_EQ(engine_play_with(e, &o, nullptr), ENGINE_OK) << engine_last_error();
  std::vector<float> out(until);
  EXPECT_EQ(engine_render(e, out.data(), out.size()), ENGINE_OK);
  return replies(e);
}

TEST(CApiBufferTest, APlayReplacedByAFadedPlayEndsJustPastItsLastSample) {
  engine_config c = offline();
  c.channels = 1;
  using R = std::array<std::uint64_t, 3>;
  {
    Handle h;
    ASSERT_EQ(create(c, h), ENGINE_OK);
    // Faded out over 256 frames from 1000: its last sample is at 1255.
    EXPECT_EQ(replaced(h.e, 10000, 256, 4096),
              (std::vector<R>{{ENGINE_MSG_VOICE_ENDED, 0, 1256}}));
  }
  {
    Handle h;
    ASSERT_EQ(create(c, h), ENGINE_OK);
    // Its buffer runs out at 1100, inside the fade.
    EXPECT_EQ(replaced(h.e, 1100, 256, 4096),
              (std::vector<R>{{ENGINE_MSG_VOICE_ENDED, 0, 1100}}));
  }
  {
    Handle h;
    ASSERT_EQ(create(c, h), ENGINE_OK);
    // Cut (no fade): it ends at the new play's frame.
    EXPECT_EQ(replaced(h.e, 10000, 0, 4096),
              (std::vector<R>{{ENGINE_MSG_VOICE_ENDED, 0, 1000}}));
  }
  {
    Handle h;
    ASSERT_EQ(create(c, h), ENGINE_OK);
    // The fading tail cut by a third play at 1100: the tail's play ends
    // there, and so does the second, cut; each play ends once.
    replaced(h.e, 10000, 256, 1050);
    std::uint32_t third = 0;
    std::vector<float> samples(500, 0.25f);
    ASSERT_EQ(engine_load_buffer(h.e, samples.data(), samples.size(), 1, &third), ENGINE_OK);
    ASSERT_EQ(engine_play(h.e, 0, third, 1100, 0), ENGINE_OK);
    std::vector<float> out(1000);
    ASSERT_EQ(engine_render(h.e, out.data(), out.size()), ENGINE_OK);
    EXPECT_EQ(replies(h.e), (std::vector<R>{{ENGINE_MSG_VOICE_ENDED, 0, 1100},
                                            {ENGINE_MSG_VOICE_ENDED, 0, 1100},
                                            {ENGINE_MSG_VOICE_ENDED, 0, 1600}}));
  }
}

TEST(CApiBufferTest, AReplacedPlaysTailCutByACrossfadedLoopJumpEndsThere) {
  engine_config c = offline();
  c.channels = 1;
  Handle h;
  ASSERT_EQ(create(c, h), ENGINE_OK);
  std::vector<float> samples(10000, 0.5f);
  std::uint32_t id = 0;
  ASSERT_EQ(engine_load_buffer(h.e, samples.data(), samples.size(), 1, &id), ENGINE_OK);
  ASSERT_EQ(engine_play(h.e, 0, id, 0, 0), ENGINE_OK);
  // At 1000 a looping play replaces it, fading it out over 512 frames.
  engine_play_options o;
  engine_play_options_init_size(&o, sizeof o);
  o.voice = 0;
  o.buffer = id;
  o.at = 1000;
  o.fade = 512;
  o.loop = 1;
  o.loop_end = 2000;
  ASSERT_EQ(engine_play_with(h.e, &o, nullptr), ENGINE_OK) << engine_last_error();
  // At 1100 its loop moves away from where it reads (100): it jumps,
  // crossfaded over 64 frames, which takes the place of the fading tail.
  ASSERT_EQ(engine_set_loop(h.e, 0, 500, 600, 64, 1100), ENGINE_OK) << engine_last_error();
  std::vector<float> out(4096);
  ASSERT_EQ(engine_render(h.e, out.data(), out.size()), ENGINE_OK);
  using R = std::array<std::uint64_t, 3>;
  EXPECT_EQ(replies(h.e), (std::vector<R>{{ENGINE_MSG_VOICE_ENDED, 0, 1100}}));
}

TEST(CApiBufferTest, AVoicesPositionStaysWhereItsPlayEndedUntilItSoundsAgain) {
  engine_config c = offline();
  c.channels = 1;
  c.block_frames = 256;
  Handle h;
  ASSERT_EQ(create(c, h), ENGINE_OK);
  std::vector<float> samples(1000, 0.5f);
  std::uint32_t id = 0;
  ASSERT_EQ(engine_load_buffer(h.e, samples.data(), samples.size(), 1, &id), ENGINE_OK);
  ASSERT_EQ(engine_play(h.e, 1, id, 100, 0), ENGINE_OK); // ends at 1100
  std::vector<float> out(1280);
  ASSERT_EQ(engine_render(h.e, out.data(), out.size()), ENGINE_OK);
  engine_voice_state v{};
  ASSERT_EQ(engine_get_voice_state(h.e, 1, &v, sizeof v), ENGINE_OK);
  EXPECT_EQ(v.position, 1000u);
  EXPECT_EQ(v.frame, 1280u) << "the end of the block it came to rest in";
  EXPECT_EQ(v.buffer, 0u);
  ASSERT_EQ(engine_render(h.e, out.data(), out.size()), ENGINE_OK);
  engine_voice_state later{};
  ASSERT_EQ(engine_get_voice_state(h.e, 1, &later, sizeof later), ENGINE_OK);
  EXPECT_EQ(later.position, 1000u);
  EXPECT_EQ(later.frame, 1280u);
}

TEST(CApiBufferTest, RecordEndedSaysTheEndOfTheBlockItEndedInAndTheFramesTaken) {
  engine_config c = offline();
  c.channels = 1;
  c.block_frames = 256;
  Handle h;
  ASSERT_EQ(create(c, h), ENGINE_OK);
  std::uint32_t rec = 0;
  ASSERT_EQ(engine_record_buffer(h.e, ENGINE_RECORD_MASTER, 100, 1000, &rec), ENGINE_OK)
      << engine_last_error();
  std::vector<float> out(2048);
  ASSERT_EQ(engine_render(h.e, out.data(), out.size()), ENGINE_OK);
  engine_message m{};
  bool seen = false;
  while (engine_try_recv(h.e, &m) == ENGINE_OK) {
    if (m.kind != ENGINE_MSG_RECORD_ENDED)
      continue;
    seen = true;
    EXPECT_EQ(m.id, rec);
    EXPECT_EQ(m.param, static_cast<std::uint32_t>(ENGINE_RECORD_END_DONE));
    EXPECT_EQ(m.arg, 1000u);
    EXPECT_EQ(m.frame, 1280u) << "its last frame is 1099, in the block [1024, 1280)";
  }
  EXPECT_TRUE(seen);
}

TEST(CApiBufferTest, ReadGivesTheSamplesBackAsTheyPlay) {
  engine_config c = offline();
  c.channels = 2;
  Handle h;
  ASSERT_EQ(create(c, h), ENGINE_OK);
  std::vector<float> samples(2 * 700);
  for (std::size_t i = 0; i < samples.size(); ++i)
    samples[i] = static_cast<float>(i) * 0.001f - 0.5f;
  std::uint32_t id = 0;
  ASSERT_EQ(engine_load_buffer(h.e, samples.data(), 700, 2, &id), ENGINE_OK);
  std::vector<float> back(2 * 700, -9.0f);
  std::uint64_t read = 0;
  ASSERT_EQ(engine_buffer_read(h.e, id, 0, 700, back.data(), &read), ENGINE_OK);
  EXPECT_EQ(read, 700u);
  EXPECT_EQ(back, samples);
  // From frame 650, 100 asked: 50 at the end, the rest of `out` untouched.
  std::fill(back.begin(), back.end(), -9.0f);
  ASSERT_EQ(engine_buffer_read(h.e, id, 650, 100, back.data(), &read), ENGINE_OK);
  EXPECT_EQ(read, 50u);
  EXPECT_TRUE(std::equal(back.begin(), back.begin() + 100, samples.begin() + 1300));
  EXPECT_EQ(back[100], -9.0f);
  ASSERT_EQ(engine_buffer_read(h.e, id, 700, 10, back.data(), &read), ENGINE_OK);
  EXPECT_EQ(read, 0u);
  EXPECT_EQ(engine_buffer_read(h.e, id, 701, 1, back.data(), &read), ENGINE_ERR_INVALID);
  EXPECT_NE(std::string(engine_last_error()).find("past the buffer's end (700 frames)"),
            std::string::npos) << engine_last_error();
  EXPECT_EQ(engine_buffer_read(h.e, id, 0, 1, nullptr, &read), ENGINE_ERR_INVALID);
  EXPECT_EQ(engine_buffer_read(h.e, id, 0, 1, back.data(), nullptr), ENGINE_ERR_INVALID);
  EXPECT_EQ(engine_buffer_read(h.e, id + 1, 0, 1, back.data(), &read), ENGINE_ERR_INVALID);
  EXPECT_EQ(engine_buffer_read(nullptr, id, 0, 1, back.data(), &read), ENGINE_ERR_INVALID);
  // What plays, bit for bit.
  ASSERT_EQ(engine_play(h.e, 0, id, ENGINE_AT_NEXT, 0), ENGINE_OK);
  std::vector<float> out(2 * 700);
  ASSERT_EQ(engine_render(h.e, out.data(), 700), ENGINE_OK);
  ASSERT_EQ(engine_buffer_read(h.e, id, 0, 700, back.data(), &read), ENGINE_OK);
  EXPECT_EQ(out, back);
  ASSERT_EQ(engine_buffer_close(h.e, id), ENGINE_OK);
  EXPECT_EQ(engine_buffer_read(h.e, id, 0, 1, back.data(), &read), ENGINE_ERR_INVALID)
      << "a closed buffer";
  ASSERT_EQ(engine_close(h.e), ENGINE_OK);
  EXPECT_EQ(engine_buffer_read(h.e, id, 0, 1, back.data(), &read), ENGINE_ERR_CLOSED);
}

TEST(CApiBufferTest, APlaysFadeAndAStopsFadeTakeTheSameRange) {
  engine_config c = offline();
  Handle h;
  ASSERT_EQ(create(c, h), ENGINE_OK);
  std::vector<float> samples(64, 0.5f);
  std::uint32_t id = 0;
  ASSERT_EQ(engine_load_buffer(h.e, samples.data(), 64, 1, &id), ENGINE_OK);
  engine_play_options o;
  engine_play_options_init_size(&o, sizeof o);
  o.voice = 0;
  o.buffer = id;
  for (const std::uint32_t fade : {1u << 24, (1u << 24) + 1, 0xfffffffeu}) {
    o.fade = fade;
    const int play = engine_play_with(h.e, &o, nullptr);
    const std::string play_says = engine_last_error();
    const int stop = engine_stop_fade(h.e, 0, ENGINE_AT_NEXT, fade);
    const std::string stop_says = engine_last_error();
    EXPECT_EQ(play, stop) << fade;
    EXPECT_EQ(play, fade <= (1u << 24) ? ENGINE_OK : ENGINE_ERR_INVALID) << fade;
    EXPECT_EQ(play_says, stop_says) << fade;
    if (play != ENGINE_OK) {
      EXPECT_NE(play_says.find(std::to_string(fade)), std::string::npos) << play_says;
    }
  }
}

} // namespace

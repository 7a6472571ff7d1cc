// The backends that need no server: null paces process() by the clock,
// offline runs nothing by itself, auto opens something and says why.
#include <gtest/gtest.h>

#include <chrono>
#include <set>
#include <string>
#include <stdexcept>
#include <thread>

#include "backends/backend.hpp"
#include "core/engine.hpp"
#include "test_util.hpp"

namespace ringengine {
namespace {

using namespace ringengine::testing;

TEST(NullBackendTest, CallsProcessAtTheBlockPeriodAndStopsPromptly) {
  EngineConfig c;
  c.sample_rate = 48000;
  c.block_frames = 480; // 10 ms blocks
  Engine engine{c};
  auto backend = start_backend(engine, request(BackendKind::null));
  EXPECT_EQ(backend->info().kind, BackendKind::null);
  std::uint32_t seq;
  ASSERT_TRUE(engine.send_ping(seq));
  Message m{};
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (!engine.try_recv(m) && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  EXPECT_EQ(m.kind, MessageKind::pong);
  EXPECT_EQ(m.id, seq);
  EXPECT_EQ(m.frame % 480, 0u) << "pongs are stamped with a block boundary";
  backend->stop();
  const std::uint64_t callbacks = engine.stats().callbacks;
  EXPECT_GE(callbacks, 1u);
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  EXPECT_EQ(engine.stats().callbacks, callbacks) << "no process() after stop()";
  EXPECT_EQ(engine.stats().frames, callbacks * 480);
}

TEST(OfflineBackendTest, RunsNothingByItself) {
  Engine engine{EngineConfig{}};
  auto backend = start_backend(engine, request(BackendKind::offline));
  EXPECT_EQ(backend->info().kind, BackendKind::offline);
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_EQ(engine.stats().callbacks, 0u);
}

TEST(AutoBackendTest, OpensSomethingAndSaysWhatAndWhy) {
  Engine engine{EngineConfig{}};
  auto backend = start_backend(engine, request(BackendKind::automatic));
  const BackendInfo& info = backend->info();
  ASSERT_TRUE(info.kind == BackendKind::jack || info.kind == BackendKind::pulse ||
              info.kind == BackendKind::rtaudio || info.kind == BackendKind::null);
  if (info.kind == BackendKind::null) {
    EXPECT_NE(info.note.find("no audio server answered (Jack: "), std::string::npos) << info.note;
    EXPECT_NE(info.note.find("; Pulse: "), std::string::npos) << info.note;
    EXPECT_NE(info.note.find("; ALSA: "), std::string::npos) << info.note;
  }
  EXPECT_FALSE(info.device.empty());
}

TEST(AutoBackendTest, NamedDeviceThatDoesNotExistIsAnErrorNotAFallback) {
  Engine engine{EngineConfig{}};
  try {
    start_backend(engine, request(BackendKind::automatic, "no such device 0x5eed"));
    FAIL() << "expected BackendError";
  } catch (const BackendError& e) {
    // No server here may mean no API can even list devices; either way the
    // request is refused rather than silently replaced by null.
    EXPECT_NE(std::string(e.what()).find("Jack: "), std::string::npos) << e.what();
  }
}

} // namespace
} // namespace ringengine

namespace ringengine {
namespace {

// Every line of backends.def in every layer the engine has: its enum value,
// its name, its start switch (each kind opens as itself or refuses with a
// BackendError, never "no such backend"), and the server APIs auto tries.
TEST(BackendTableTest, EveryBackendIsNamedNumberedAndStartable) {
  std::set<std::string> names;
  std::set<std::uint32_t> numbers;
  std::uint32_t count = 0;
#define BACKEND(kind, NAME, number, name, devices, api)                                \
  {                                                                                    \
    ++count;                                                                           \
    EXPECT_EQ(static_cast<std::uint32_t>(BackendKind::kind), number##u);               \
    EXPECT_STREQ(backend_name(BackendKind::kind), name);                               \
    EXPECT_EQ(backend_has_devices(BackendKind::kind), devices);                        \
    EXPECT_EQ(backend_takes_api(BackendKind::kind), api);                              \
    EXPECT_TRUE(names.insert(name).second) << name << " twice";                        \
    EXPECT_TRUE(numbers.insert(number).second) << number << " twice";                  \
  }
#include "backends/backends.def"
  EXPECT_EQ(count, kBackendKinds);
  EXPECT_STREQ(backend_name(static_cast<BackendKind>(kBackendKinds)), "unknown");
  // The numbers are 0 .. kBackendKinds - 1, as the C enum's.
  EXPECT_EQ(*numbers.rbegin(), kBackendKinds - 1);

  for (std::uint32_t k = 0; k < kBackendKinds; ++k) {
    const auto kind = static_cast<BackendKind>(k);
    if (kind == BackendKind::automatic)
      continue; // opens whatever answers: AutoBackendTest
    Engine engine{EngineConfig{}};
    try {
      auto backend = start_backend(engine, request(kind));
      EXPECT_EQ(backend->info().kind, kind) << backend_name(kind);
      backend->stop();
    } catch (const BackendError& e) {
      // A server backend with no server here, or a build without its library.
      EXPECT_TRUE(backend_has_devices(kind)) << backend_name(kind) << ": " << e.what();
      EXPECT_EQ(std::string(e.what()).find("no such backend"), std::string::npos);
    }
  }
}

TEST(BackendTableTest, AnUnknownApiIsRefusedNamingEveryServerApi) {
  Engine engine{EngineConfig{}};
  BackendRequest r = request(BackendKind::automatic);
  r.api = "nope";
  try {
    start_backend(engine, r);
    FAIL() << "an unknown api opened";
  } catch (const BackendError& e) {
    std::string expected;
#define SERVER_API(name, display, kind) expected += (expected.empty() ? "" : ", ") + std::string(name);
#include "backends/backends.def"
    EXPECT_NE(std::string(e.what()).find("there are: " + expected), std::string::npos) << e.what();
  }
}

} // namespace
} // namespace ringengine

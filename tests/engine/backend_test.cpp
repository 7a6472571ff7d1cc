// The backends that need no server: null paces process() by the clock,
// offline runs nothing by itself, auto opens something and says why.
#include <gtest/gtest.h>

#include <chrono>
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

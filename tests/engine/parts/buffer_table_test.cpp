// The buffer table (resources/buffer_table.hpp) on its own, without the
// Engine: a buffer loaded is found by the audio side once it has taken the
// installs; a close is let go of only after the commands sent before it are
// taken, and freed only after that, by a collect; ids are never reused; the
// table's limit counts open buffers and, as many again, those let go of.
// The audio side's reads of a buffer closed but not yet let go of are real
// reads, so a free that came too early is a use after free under ASan.
#include <gtest/gtest.h>

#include <cstdint>
#include <set>
#include <utility>
#include <vector>

#include "core/command_port.hpp"
#include "resources/buffer_table.hpp"
#include "telemetry/metrics.hpp"

namespace ringengine {
namespace {

// A table and the port whose commands its closes wait for.
struct Table {
  explicit Table(std::uint32_t buffers)
      : states(std::make_unique<Snapshot<VoiceState>[]>(1)),
        port(make_ring<Message>(64), make_ring<Message>(64), 1, 0, states.get(), counters),
        table(buffers, port) {}

  std::uint32_t load(std::vector<float> samples, std::uint32_t channels = 1) {
    return table.load(samples.data(), samples.size() / channels, channels);
  }
  void send_commands(int n) {
    for (int i = 0; i < n; ++i) {
      Message m = Message::stop(0);
      ASSERT_TRUE(port.send(m));
    }
  }
  // The audio side's block: takes the installs, up to `commands` commands,
  // and lets go of what is due; returns the ids let go of, in order.
  std::vector<std::uint32_t> block(std::size_t commands = 64) {
    Message batch[64];
    (void)port.take(batch, commands);
    table.take();
    std::vector<std::uint32_t> let_go;
    table.finish(port.taken(), [&](std::uint32_t id, const SampleBuffer* b) {
      EXPECT_NE(b, nullptr) << "the buffer itself is handed to the let-go";
      EXPECT_EQ(table.find(id), b) << "still found while it is let go of";
      let_go.push_back(id);
    });
    return let_go;
  }

  AudioCounters counters;
  std::unique_ptr<Snapshot<VoiceState>[]> states;
  CommandPort port;
  BufferTable table;
};

TEST(BufferTableTest, ABufferIsACopyTheAudioSideFindsOnceItHasTakenTheInstall) {
  Table t(4);
  std::vector<float> samples = {0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f};
  const std::uint32_t id = t.table.load(samples.data(), 3, 2);
  ASSERT_NE(id, 0u);
  samples[0] = 9.0f; // the table holds its own copy
  EXPECT_TRUE(t.table.live(id));
  EXPECT_EQ(t.table.open(), 1u);
  EXPECT_EQ(t.table.held(), 1u);
  EXPECT_EQ(t.table.find(id), nullptr) << "the audio side has not taken the install";
  t.table.take();
  const SampleBuffer* b = t.table.find(id);
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(b->frames, 3u);
  EXPECT_EQ(b->channels, 2u);
  EXPECT_EQ(b->samples[0], 0.1f);
  EXPECT_EQ(b->samples[5], 0.6f);
  SampleBuffer info;
  ASSERT_TRUE(t.table.info(id, info));
  EXPECT_EQ(info.frames, 3u);
  EXPECT_EQ(info.channels, 2u);
  EXPECT_FALSE(t.table.info(id + 1, info));
  EXPECT_EQ(t.table.find(id + 1), nullptr);
}

TEST(BufferTableTest, AClosedBufferIsFreedOnlyAfterTheAudioSideLetGoOfIt) {
  Table t(4);
  const std::uint32_t a = t.load({0.25f, 0.5f});
  const std::uint32_t b = t.load({0.75f});
  t.block();
  t.send_commands(1);
  ASSERT_TRUE(t.table.close(a)); // after 1 command
  t.send_commands(2);
  ASSERT_TRUE(t.table.close(b)); // after 3
  EXPECT_FALSE(t.table.close(a)) << "closed already";
  EXPECT_FALSE(t.table.live(a));
  EXPECT_EQ(t.table.open(), 0u);
  EXPECT_EQ(t.table.held(), 2u) << "closed is not freed";
  SampleBuffer info;
  EXPECT_FALSE(t.table.info(a, info)) << "the control side no longer names it";

  EXPECT_TRUE(t.block(0).empty()) << "no command taken: a play sent before the close may follow";
  ASSERT_NE(t.table.find(a), nullptr);
  EXPECT_EQ(t.table.find(a)->samples[1], 0.5f) << "still the audio side's to read";
  t.table.collect();
  EXPECT_EQ(t.table.held(), 2u) << "nothing let go of: nothing freed";

  EXPECT_EQ(t.block(2), std::vector<std::uint32_t>{a}) << "2 of 3 taken: a's close is due";
  EXPECT_EQ(t.table.find(a), nullptr) << "let go of: never found again";
  EXPECT_EQ(t.table.find(b)->samples[0], 0.75f);
  EXPECT_EQ(t.table.held(), 2u) << "freed by the control side, not the audio side";
  t.table.collect();
  EXPECT_EQ(t.table.held(), 1u);

  EXPECT_EQ(t.block(1), std::vector<std::uint32_t>{b});
  EXPECT_TRUE(t.block().empty()) << "each let go of once";
  t.table.collect_if_free(); // no other thread holds the lock: collects
  EXPECT_EQ(t.table.held(), 0u);
}

TEST(BufferTableTest, AnIdIsNeverUsedForASecondBuffer) {
  Table t(1);
  std::set<std::uint32_t> seen;
  for (int i = 0; i < 500; ++i) {
    const std::uint32_t id = t.load({static_cast<float>(i)});
    ASSERT_NE(id, 0u) << i;
    ASSERT_TRUE(seen.insert(id).second) << "id " << id << " again at load " << i;
    t.block();
    ASSERT_EQ(t.table.find(id)->samples[0], static_cast<float>(i));
    ASSERT_TRUE(t.table.close(id));
    ASSERT_EQ(t.block(), std::vector<std::uint32_t>{id});
    t.table.collect();
    ASSERT_EQ(t.table.held(), 0u);
    ASSERT_FALSE(t.table.live(id));
    ASSERT_FALSE(t.table.close(id));
  }
}

// `buffers` open at once; those closed do not count, also before they are
// let go of, up to as many again being let go of.
TEST(BufferTableTest, AFullTableRefusesWithNoIdUntilTheAudioSideLetsGo) {
  Table t(2);
  const std::uint32_t a = t.load({1.0f}), b = t.load({2.0f});
  ASSERT_NE(a, 0u);
  ASSERT_NE(b, 0u);
  EXPECT_EQ(t.load({3.0f}), 0u) << "two open";
  EXPECT_EQ(t.table.held(), 2u) << "a refused load holds nothing";
  ASSERT_TRUE(t.table.close(a));
  ASSERT_TRUE(t.table.close(b));
  const std::uint32_t c = t.load({3.0f}), d = t.load({4.0f});
  EXPECT_NE(c, 0u) << "a and b are closed, though not let go of";
  EXPECT_NE(d, 0u);
  ASSERT_TRUE(t.table.close(c));
  ASSERT_TRUE(t.table.close(d));
  EXPECT_EQ(t.table.open(), 0u);
  EXPECT_EQ(t.table.held(), 4u);
  EXPECT_EQ(t.load({5.0f}), 0u) << "none open, but four being let go of";
  const std::vector<std::uint32_t> let_go = t.block();
  EXPECT_EQ(let_go, (std::vector<std::uint32_t>{a, b, c, d})) << "in the order closed";
  const std::uint32_t e = t.load({5.0f}); // collects first
  EXPECT_NE(e, 0u);
  EXPECT_EQ(t.table.held(), 1u);
}

} // namespace
} // namespace ringengine

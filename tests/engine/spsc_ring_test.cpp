// SpscRing: exact capacity, FIFO order, wrap-around of the counters, bulk
// operations, and a two-thread stress that checks order and content.
#include <gtest/gtest.h>

#include <array>
#include <cstring>
#include <cstdint>
#include <limits>
#include <thread>
#include <type_traits>
#include <vector>

#include "messages/message.hpp"
#include "rings/spsc_ring.hpp"

namespace ringengine {
namespace {

// Element types of different sizes and shapes; each can be made from a
// number and says which number it was made from.
struct Odd { // 3 bytes, no alignment
  unsigned char b[3];
};
struct Big { // 64 bytes: one whole cache line per element
  std::uint64_t words[8];
};

template <typename T> T make(std::uint64_t i);
template <> std::uint32_t make(std::uint64_t i) { return static_cast<std::uint32_t>(i); }
template <> Message make(std::uint64_t i) {
  return Message::pong(static_cast<std::uint32_t>(i), i * 3 + 1);
}
template <> Odd make(std::uint64_t i) {
  return Odd{{static_cast<unsigned char>(i), static_cast<unsigned char>(i >> 8),
              static_cast<unsigned char>(i >> 16)}};
}
template <> Big make(std::uint64_t i) {
  Big b;
  for (std::uint64_t w = 0; w < 8; ++w)
    b.words[w] = i * 8 + w;
  return b;
}

// True when `v` is exactly what make<T>(i) made.
template <typename T> bool made_from(const T& v, std::uint64_t i) {
  const T want = make<T>(i);
  return std::memcmp(&v, &want, sizeof(T)) == 0;
}

template <typename T> class SpscRingTest : public ::testing::Test {};
using ElementTypes = ::testing::Types<std::uint32_t, Message, Odd, Big>;
TYPED_TEST_SUITE(SpscRingTest, ElementTypes);

TYPED_TEST(SpscRingTest, HoldsExactlyItsCapacity) {
  for (std::size_t capacity : {1u, 3u, 1000u, 1024u}) {
    auto [tx, rx] = make_ring<TypeParam>(capacity);
    EXPECT_EQ(tx.capacity(), capacity);
    for (std::size_t i = 0; i < capacity; ++i)
      ASSERT_TRUE(tx.try_push(make<TypeParam>(i))) << "capacity " << capacity << ", push " << i;
    EXPECT_FALSE(tx.try_push(make<TypeParam>(capacity))) << "capacity " << capacity;
    EXPECT_EQ(tx.slots(), 0u);
    EXPECT_EQ(rx.size(), capacity);
  }
}

TYPED_TEST(SpscRingTest, RejectedPushLeavesContentsIntact) {
  auto [tx, rx] = make_ring<TypeParam>(2);
  ASSERT_TRUE(tx.try_push(make<TypeParam>(10)));
  ASSERT_TRUE(tx.try_push(make<TypeParam>(11)));
  ASSERT_FALSE(tx.try_push(make<TypeParam>(12)));
  TypeParam out;
  ASSERT_TRUE(rx.try_pop(out));
  EXPECT_TRUE(made_from(out, 10));
  ASSERT_TRUE(rx.try_pop(out));
  EXPECT_TRUE(made_from(out, 11));
  EXPECT_FALSE(rx.try_pop(out));
}

TYPED_TEST(SpscRingTest, PopOnEmptyReturnsFalseAndLeavesOutputUntouched) {
  auto [tx, rx] = make_ring<TypeParam>(4);
  TypeParam out = make<TypeParam>(77);
  EXPECT_FALSE(rx.try_pop(out));
  EXPECT_TRUE(made_from(out, 77));
  EXPECT_EQ(rx.try_pop_bulk(&out, 1), 0u);
  EXPECT_TRUE(made_from(out, 77));
  EXPECT_EQ(rx.size(), 0u);
}

TYPED_TEST(SpscRingTest, FreesSlotsAsTheConsumerPops) {
  auto [tx, rx] = make_ring<TypeParam>(3);
  for (int i = 0; i < 3; ++i)
    ASSERT_TRUE(tx.try_push(make<TypeParam>(i)));
  ASSERT_FALSE(tx.try_push(make<TypeParam>(3)));
  TypeParam out;
  ASSERT_TRUE(rx.try_pop(out));
  EXPECT_EQ(tx.slots(), 1u);
  EXPECT_TRUE(tx.try_push(make<TypeParam>(3)));
  EXPECT_FALSE(tx.try_push(make<TypeParam>(4)));
}

// Capacities that are and are not powers of two, cycled many times, with
// every fill level: order and content survive the storage's wrap.
TYPED_TEST(SpscRingTest, KeepsFifoOrderThroughManyWraps) {
  for (std::size_t capacity : {1u, 5u, 8u, 100u}) {
    auto [tx, rx] = make_ring<TypeParam>(capacity);
    std::uint64_t pushed = 0, popped = 0;
    for (int round = 0; round < 300; ++round) {
      const std::size_t burst = 1 + (round * 7) % capacity;
      for (std::size_t i = 0; i < burst; ++i)
        ASSERT_TRUE(tx.try_push(make<TypeParam>(pushed++)));
      for (std::size_t i = 0; i < burst; ++i) {
        TypeParam out;
        ASSERT_TRUE(rx.try_pop(out));
        ASSERT_TRUE(made_from(out, popped++));
      }
    }
  }
}

// The counters start 20 below their maximum and wrap past zero during the
// test; fullness, emptiness and order must not notice.
TYPED_TEST(SpscRingTest, SurvivesCounterWrapAround) {
  constexpr std::size_t kStart = std::numeric_limits<std::size_t>::max() - 20;
  for (std::size_t capacity : {1u, 7u, 16u}) {
    auto [tx, rx] = make_ring<TypeParam>(capacity, kStart);
    std::uint64_t pushed = 0, popped = 0;
    while (pushed < 200) {
      std::size_t n = 0;
      while (tx.try_push(make<TypeParam>(pushed)))
        ++pushed, ++n;
      ASSERT_EQ(n, capacity) << "the ring must fill to exactly its capacity";
      TypeParam out;
      while (rx.try_pop(out))
        ASSERT_TRUE(made_from(out, popped++));
      ASSERT_EQ(popped, pushed);
    }
  }
}

// The slots' stamps keep only the low 32 bits of a counter: started 20 below
// 2^32, they wrap past zero while the counters do not.
TYPED_TEST(SpscRingTest, SurvivesStampWrapAround) {
  constexpr std::size_t kStart = (std::size_t{1} << 32) - 20;
  for (std::size_t capacity : {1u, 7u, 16u}) {
    auto [tx, rx] = make_ring<TypeParam>(capacity, kStart);
    std::uint64_t pushed = 0, popped = 0;
    while (pushed < 200) {
      std::size_t n = 0;
      while (tx.try_push(make<TypeParam>(pushed)))
        ++pushed, ++n;
      ASSERT_EQ(n, capacity) << "the ring must fill to exactly its capacity";
      TypeParam out;
      EXPECT_EQ(rx.size(), capacity);
      while (rx.try_pop(out))
        ASSERT_TRUE(made_from(out, popped++));
      ASSERT_EQ(popped, pushed);
    }
  }
}

TYPED_TEST(SpscRingTest, BulkPushTakesWhatFitsAndBulkPopWhatIsThere) {
  auto [tx, rx] = make_ring<TypeParam>(10);
  std::vector<TypeParam> in, out(16);
  for (int i = 0; i < 16; ++i)
    in.push_back(make<TypeParam>(i));

  EXPECT_EQ(tx.try_push_bulk(in.data(), 6), 6u);
  EXPECT_EQ(tx.try_push_bulk(in.data() + 6, 10), 4u) << "only 4 slots were left";
  EXPECT_EQ(tx.try_push_bulk(in.data(), 1), 0u);

  EXPECT_EQ(rx.try_pop_bulk(out.data(), 3), 3u);
  EXPECT_EQ(rx.try_pop_bulk(out.data() + 3, 16), 7u);
  EXPECT_EQ(rx.try_pop_bulk(out.data(), 16), 0u);
  for (int i = 0; i < 10; ++i)
    EXPECT_TRUE(made_from(out[i], i)) << i;
}

// Bulk runs that straddle the end of the storage, with counters that wrap.
TYPED_TEST(SpscRingTest, BulkCopiesSplitAcrossTheStorageEnd) {
  constexpr std::size_t kStart = std::numeric_limits<std::size_t>::max() - 3;
  auto [tx, rx] = make_ring<TypeParam>(6, kStart); // storage of 8 slots
  std::vector<TypeParam> in, out(6);
  std::uint64_t next_in = 0, next_out = 0;
  for (int round = 0; round < 50; ++round) {
    in.clear();
    for (int i = 0; i < 5; ++i)
      in.push_back(make<TypeParam>(next_in + i));
    ASSERT_EQ(tx.try_push_bulk(in.data(), in.size()), 5u);
    next_in += 5;
    ASSERT_EQ(rx.try_pop_bulk(out.data(), out.size()), 5u);
    for (int i = 0; i < 5; ++i)
      ASSERT_TRUE(made_from(out[i], next_out++)) << "round " << round;
  }
}

TEST(SpscRingEndsTest, AreMoveOnly) {
  static_assert(!std::is_copy_constructible_v<Producer<int>>);
  static_assert(!std::is_copy_assignable_v<Producer<int>>);
  static_assert(!std::is_copy_constructible_v<Consumer<int>>);
  static_assert(std::is_nothrow_move_constructible_v<Producer<int>>);
  static_assert(std::is_nothrow_move_constructible_v<Consumer<int>>);
  auto [tx, rx] = make_ring<int>(2);
  Producer<int> moved_tx = std::move(tx);
  Consumer<int> moved_rx = std::move(rx);
  ASSERT_TRUE(moved_tx.try_push(42));
  int out = 0;
  ASSERT_TRUE(moved_rx.try_pop(out));
  EXPECT_EQ(out, 42);
}

// Two threads, ten million messages each way through a small ring, with the
// counters crossing their wrap-around early: every message arrives, once, in
// order, with its content intact.
template <bool kBulk> void stress(std::size_t start) {
  constexpr std::uint64_t kMessages = 10'000'000;
  auto [tx, rx] = make_ring<Message>(1024, start);

  std::thread producer([&tx = tx] {
    std::array<Message, 32> batch;
    for (std::uint64_t i = 0; i < kMessages;) {
      if constexpr (kBulk) {
        const std::size_t want = std::min<std::uint64_t>(batch.size(), kMessages - i);
        for (std::size_t k = 0; k < want; ++k)
          batch[k] = make<Message>(i + k);
        i += tx.try_push_bulk(batch.data(), want);
      } else if (tx.try_push(make<Message>(i))) {
        ++i;
      }
    }
  });

  std::uint64_t expected = 0, bad = 0;
  std::array<Message, 32> batch;
  while (expected < kMessages) {
    std::size_t n = 0;
    if constexpr (kBulk)
      n = rx.try_pop_bulk(batch.data(), batch.size());
    else
      n = rx.try_pop(batch[0]) ? 1 : 0;
    for (std::size_t k = 0; k < n; ++k)
      bad += !made_from(batch[k], expected++);
  }
  producer.join();
  EXPECT_EQ(bad, 0u) << "messages arrived out of order or corrupted";
  EXPECT_EQ(expected, kMessages);
  Message extra;
  EXPECT_FALSE(rx.try_pop(extra)) << "more came out than went in";
}

TEST(SpscRingStressTest, TenMillionMessagesInOrderAcrossThreads) {
  stress<false>(std::numeric_limits<std::size_t>::max() - 5000);
}

TEST(SpscRingStressTest, TenMillionMessagesInOrderAcrossThreadsInBulk) {
  stress<true>(std::numeric_limits<std::size_t>::max() - 5000);
}

} // namespace
} // namespace ringengine

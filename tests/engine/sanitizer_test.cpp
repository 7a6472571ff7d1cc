// Each sanitizer build shows, once, that its sanitizer catches a deliberately
// injected bug, so a clean run of the other tests means something. In a build
// without that sanitizer the test is skipped and says so.
#include <gtest/gtest.h>

#include <climits>
#include <cstdlib>
#include <thread>

namespace {

#if defined(__SANITIZE_ADDRESS__)
constexpr bool kAsan = true;
#else
constexpr bool kAsan = false;
#endif
#if defined(__SANITIZE_THREAD__)
constexpr bool kTsan = true;
#else
constexpr bool kTsan = false;
#endif
#if defined(RINGENGINE_UBSAN)
constexpr bool kUbsan = true;
#else
constexpr bool kUbsan = false;
#endif

int* volatile sink;

TEST(SanitizerTest, AddressSanitizerCatchesAHeapOverflow) {
  if (!kAsan)
    GTEST_SKIP() << "not an AddressSanitizer build (tools/sanitize.sh asan)";
  EXPECT_DEATH(
      {
        int* p = new int[4];
        sink = p;
        sink[4] = 1; // one past the end
        delete[] p;
      },
      "heap-buffer-overflow");
}

TEST(SanitizerTest, UndefinedBehaviorSanitizerCatchesSignedOverflow) {
  if (!kUbsan)
    GTEST_SKIP() << "not an UndefinedBehaviorSanitizer build (tools/sanitize.sh asan)";
  EXPECT_DEATH(
      {
        volatile int big = INT_MAX;
        volatile int sum = big + 1;
        (void)sum;
      },
      "signed integer overflow");
}

TEST(SanitizerTest, ThreadSanitizerCatchesADataRace) {
  if (!kTsan)
    GTEST_SKIP() << "not a ThreadSanitizer build (tools/sanitize.sh tsan)";
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(
      {
        static int shared = 0; // written by two threads, no synchronization
        std::thread a([] {
          for (int i = 0; i < 1000; ++i)
            shared = shared + 1;
        });
        std::thread b([] {
          for (int i = 0; i < 1000; ++i)
            shared = shared + 1;
        });
        a.join();
        b.join();
        std::exit(0);
      },
      "data race");
}

} // namespace

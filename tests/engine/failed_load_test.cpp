// Failed loads leave nothing behind: 10,000 loads of files that cannot be
// loaded (missing, a directory, empty, text, a truncated WAV), each failing
// with its reason, and afterwards as many blocks of the C allocator live as
// before (rt_guard counts them on every thread). Under AddressSanitizer
// (tools/sanitize.sh asan) LeakSanitizer checks the same at the end of the
// run: a block lost by a failed load is a report there.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdio>
#include <string>
#include <vector>

#include "resources/file_decoder.hpp"
#include "rt_guard.hpp"

namespace ringengine {
namespace {

void write_file(const std::string& path, const std::string& bytes) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  ASSERT_NE(f, nullptr) << path;
  std::fwrite(bytes.data(), 1, bytes.size(), f);
  std::fclose(f);
}

TEST(FailedLoadTest, TenThousandFailedLoadsLeaveNoBlockAllocated) {
  if (!can_decode_files())
    GTEST_SKIP() << "built without libsndfile or libsoxr: no file is ever read";
  const std::string dir = ::testing::TempDir();
  const std::string empty = dir + "ringengine-empty.wav", text = dir + "ringengine-text.wav",
                    cut = dir + "ringengine-cut.wav";
  write_file(empty, "");
  write_file(text, "not a sound file, only words\n");
  // A WAV header whose data chunk claims 192000 bytes, followed by 8.
  std::string wav = "RIFF";
  auto u32 = [&wav](std::uint32_t v) {
    for (int i = 0; i < 4; ++i)
      wav.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
  };
  auto u16 = [&wav](std::uint16_t v) {
    wav.push_back(static_cast<char>(v & 0xff));
    wav.push_back(static_cast<char>(v >> 8));
  };
  u32(36 + 192000);
  wav += "WAVEfmt ";
  u32(16);
  u16(1);     // PCM
  u16(1);     // mono
  u32(48000); // rate
  u32(96000); // bytes a second
  u16(2);     // block align
  u16(16);    // bits
  wav += "data";
  u32(192000);
  wav += std::string(8, '\x01');
  write_file(cut, wav);
  const std::vector<std::string> paths = {dir + "ringengine-no-such-file.wav", dir, empty, text,
                                          cut};
  std::atomic<float> progress{0};
  const std::atomic<bool> cancel{false};
  auto load_all = [&](int rounds) {
    for (int r = 0; r < rounds; ++r)
      for (const std::string& path : paths) {
        DecodeRequest q;
        q.path = path;
        DecodeError error;
        const auto buffer = decode_file(q, progress, cancel, error);
        ASSERT_EQ(buffer, nullptr) << path;
        ASSERT_NE(error.kind, DecodeError::Kind::none) << path;
        ASSERT_FALSE(error.what.empty()) << path;
      }
  };
  load_all(5); // libsndfile's and the C library's first-use allocations
  const long before = rt_guard::live_blocks();
  load_all(2000);
  const long after = rt_guard::live_blocks();
  if (rt_guard::wraps_malloc()) { // else LeakSanitizer, at exit
    EXPECT_LE(after - before, 4) << "10,000 failed loads left " << after - before
                                 << " blocks allocated";
  }
  std::remove(empty.c_str());
  std::remove(text.c_str());
  std::remove(cut.c_str());
}

} // namespace
} // namespace ringengine

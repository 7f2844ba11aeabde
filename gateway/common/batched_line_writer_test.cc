#include "gateway/common/batched_line_writer.h"

#include <fcntl.h>
#include <unistd.h>

#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"

namespace gateway {
namespace {

// A pipe whose read end never blocks: what has been written so far.
class Pipe {
 public:
  Pipe() {
    EXPECT_EQ(pipe2(fds_, O_NONBLOCK), 0);
    // Room for the large batches below without blocking the writer.
    fcntl(fds_[1], F_SETPIPE_SZ, 1 << 20);
  }
  ~Pipe() {
    close(fds_[0]);
    close(fds_[1]);
  }
  int write_end() const { return fds_[1]; }

  // Reads what is there now.
  std::string ReadNow() {
    std::string text;
    char buffer[4096];
    ssize_t got = 0;
    while ((got = read(fds_[0], buffer, sizeof(buffer))) > 0) {
      text.append(buffer, static_cast<std::size_t>(got));
    }
    return text;
  }

  // Reads until `size` bytes have come or `timeout` has passed.
  std::string ReadAtLeast(std::size_t size, absl::Duration timeout) {
    std::string text;
    const absl::Time give_up = absl::Now() + timeout;
    while (text.size() < size && absl::Now() < give_up) {
      text += ReadNow();
      absl::SleepFor(absl::Milliseconds(1));
    }
    return text;
  }

 private:
  int fds_[2] = {-1, -1};
};

TEST(BatchedLineWriter, AppendedLineWaitsForTheInterval) {
  Pipe pipe;
  BatchedLineWriter writer(pipe.write_end(), absl::Hours(1));
  writer.Append("one\n");
  absl::SleepFor(absl::Milliseconds(50));
  EXPECT_EQ(pipe.ReadNow(), "");
}

TEST(BatchedLineWriter, AppendedLinesAreWrittenAfterTheInterval) {
  Pipe pipe;
  BatchedLineWriter writer(pipe.write_end(), absl::Milliseconds(20));
  writer.Append("one\n");
  writer.Append("two\n");
  EXPECT_EQ(pipe.ReadAtLeast(8, absl::Seconds(10)), "one\ntwo\n");
}

TEST(BatchedLineWriter, WritesAgainAfterAnIdleSpell) {
  Pipe pipe;
  BatchedLineWriter writer(pipe.write_end(), absl::Milliseconds(10));
  writer.Append("one\n");
  EXPECT_EQ(pipe.ReadAtLeast(4, absl::Seconds(10)), "one\n");
  absl::SleepFor(absl::Milliseconds(50));
  writer.Append("two\n");
  EXPECT_EQ(pipe.ReadAtLeast(4, absl::Seconds(10)), "two\n");
}

TEST(BatchedLineWriter, WriteNowWritesWhatWaitsThenTheLine) {
  Pipe pipe;
  BatchedLineWriter writer(pipe.write_end(), absl::Hours(1));
  writer.Append("info\n");
  writer.WriteNow("error\n");
  EXPECT_EQ(pipe.ReadNow(), "info\nerror\n");
}

TEST(BatchedLineWriter, FlushWritesWhatWaits) {
  Pipe pipe;
  BatchedLineWriter writer(pipe.write_end(), absl::Hours(1));
  writer.Append("info\n");
  writer.Flush();
  EXPECT_EQ(pipe.ReadNow(), "info\n");
}

TEST(BatchedLineWriter, FullBatchIsWrittenWithoutWaiting) {
  Pipe pipe;
  BatchedLineWriter writer(pipe.write_end(), absl::Hours(1),
                           /*max_batch_bytes=*/10);
  writer.Append("12345\n");
  EXPECT_EQ(pipe.ReadNow(), "");
  writer.Append("67890\n");
  EXPECT_EQ(pipe.ReadNow(), "12345\n67890\n");
}

TEST(BatchedLineWriter, DestructionWritesWhatWaits) {
  Pipe pipe;
  {
    BatchedLineWriter writer(pipe.write_end(), absl::Hours(1));
    writer.Append("last\n");
  }
  EXPECT_EQ(pipe.ReadNow(), "last\n");
}

TEST(BatchedLineWriter, LinesFromManyThreadsArriveWholeAndOnce) {
  Pipe pipe;
  constexpr int kThreads = 4;
  constexpr int kLinesEach = 2000;
  {
    BatchedLineWriter writer(pipe.write_end(), absl::Milliseconds(1),
                             /*max_batch_bytes=*/512);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&writer, t] {
        for (int i = 0; i < kLinesEach; ++i) {
          const std::string line = absl::StrCat("t", t, " line ", i, "\n");
          if (i % 100 == 0) {
            writer.WriteNow(line);
          } else {
            writer.Append(line);
          }
        }
      });
    }
    for (std::thread& thread : threads) thread.join();
  }
  const std::string text = pipe.ReadNow();
  // Each thread's lines in its own order, none lost, none doubled.
  std::vector<int> next(kThreads, 0);
  std::size_t start = 0;
  int lines = 0;
  while (start < text.size()) {
    const std::size_t end = text.find('\n', start);
    ASSERT_NE(end, std::string::npos);
    const std::string line = text.substr(start, end - start);
    int thread = -1;
    int index = -1;
    ASSERT_EQ(sscanf(line.c_str(), "t%d line %d", &thread, &index), 2) << line;
    ASSERT_GE(thread, 0);
    ASSERT_LT(thread, kThreads);
    EXPECT_EQ(index, next[thread]) << line;
    next[thread] = index + 1;
    ++lines;
    start = end + 1;
  }
  EXPECT_EQ(lines, kThreads * kLinesEach);
}

}  // namespace
}  // namespace gateway

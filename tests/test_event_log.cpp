// events.jsonl: well-formed lines, increasing seq, buffered but flushed, resumable.
#include <gtest/gtest.h>

#include <algorithm>
#include <thread>

#include "run/event_log.h"
#include "test_util.h"

TEST(EventLog, WritesOrderedWellFormedLines) {
  acc::test::TempDir dir;
  const auto path = dir / "events.jsonl";
  {
    acc::EventLog log(path, /*heartbeat_seconds=*/0);
    for (int i = 0; i < 100; ++i) log.emit("train.metrics", {{"step", i}});
    log.emit("run.completed");
  }
  const auto events = acc::read_events(path);
  ASSERT_EQ(events.size(), 101u);
  for (size_t i = 0; i < events.size(); ++i) {
    EXPECT_EQ(events[i]["seq"], static_cast<int64_t>(i + 1));
    EXPECT_TRUE(events[i]["time"].is_string());
    EXPECT_TRUE(events[i]["payload"].is_object());
  }
  EXPECT_EQ(events.back()["type"], "run.completed");
}

TEST(EventLog, BackgroundFlushMakesEventsVisibleWithinASecondOrTwo) {
  acc::test::TempDir dir;
  const auto path = dir / "events.jsonl";
  acc::EventLog log(path, 0);
  log.emit("log", {{"message", "hello"}});
  bool seen = false;
  for (int i = 0; i < 40 && !seen; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    seen = acc::read_events(path).size() == 1;
  }
  EXPECT_TRUE(seen);
}

TEST(EventLog, ContinuesSeqAndSkipsPartialLine) {
  acc::test::TempDir dir;
  const auto path = dir / "events.jsonl";
  { acc::EventLog log(path, 0); log.emit("a"); log.emit("b"); }
  { acc::EventLog log(path, 0); EXPECT_EQ(log.last_seq(), 2); log.emit("c"); }
  auto events = acc::read_events(path);
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[2]["seq"], 3);
  acc::test::write_text(path, acc::test::read_text(path) + "{\"seq\": 4, \"ty");
  EXPECT_EQ(acc::read_events(path).size(), 3u);
}

TEST(EventLog, ConcurrentEmittersGetUniqueSeqs) {
  acc::test::TempDir dir;
  const auto path = dir / "events.jsonl";
  {
    acc::EventLog log(path, 0);
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t)
      threads.emplace_back([&] { for (int i = 0; i < 250; ++i) log.emit("log"); });
    for (auto& th : threads) th.join();
  }
  const auto events = acc::read_events(path);
  ASSERT_EQ(events.size(), 1000u);
  for (size_t i = 0; i < events.size(); ++i) EXPECT_EQ(events[i]["seq"], static_cast<int64_t>(i + 1));
}

// Several writers (make -j segments are processes; here instances with their own file
// descriptors, which flock treats alike): every event once, seq 1..N in file order, each
// writer's events in its own order.
TEST(EventLog, SeveralWritersOnOneFileNumberEveryLineOnce) {
  acc::test::TempDir dir;
  const auto path = dir / "events.jsonl";
  constexpr int kWriters = 4, kEach = 300;
  std::vector<std::thread> threads;
  for (int w = 0; w < kWriters; ++w)
    threads.emplace_back([&, w] {
      acc::EventLog log(path, /*heartbeat_seconds=*/0);
      for (int i = 0; i < kEach; ++i) {
        log.emit("log", {{"writer", w}, {"i", i}});
        if (i % 37 == 0) log.flush();
      }
    });
  for (auto& t : threads) t.join();

  const auto events = acc::read_events(path);
  ASSERT_EQ(events.size(), static_cast<size_t>(kWriters * kEach));
  std::vector<int> next(kWriters, 0);
  for (size_t i = 0; i < events.size(); ++i) {
    EXPECT_EQ(events[i]["seq"], static_cast<int64_t>(i + 1));
    const int w = events[i]["payload"]["writer"];
    EXPECT_EQ(events[i]["payload"]["i"], next[w]++);
  }
  for (int w = 0; w < kWriters; ++w) EXPECT_EQ(next[w], kEach);
}

TEST(EventLog, AWriterCutsAKilledWritersPartialLineAndContinuesItsSeq) {
  acc::test::TempDir dir;
  const auto path = dir / "events.jsonl";
  acc::EventLog live(path, 0);
  live.emit("a");
  live.flush();
  // Another process died half-way through a line.
  acc::test::write_text(path, acc::test::read_text(path) + "{\"seq\": 2, \"ty");
  live.emit("b");
  live.close();
  const std::string text = acc::test::read_text(path);
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 2) << text;
  const auto events = acc::read_events(path);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[1]["type"], "b");
  EXPECT_EQ(events[1]["seq"], 2);
}

// Events are serialised on the writer thread, where a throw would end the process.
TEST(EventLog, InvalidUtf8IsReplacedNotFatal) {
  acc::test::TempDir dir;
  const auto path = dir / "events.jsonl";
  { acc::EventLog log(path, 0); log.emit("log", {{"message", std::string("bad \xff byte")}}); }
  const auto events = acc::read_events(path);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_NE(events[0]["payload"]["message"].get<std::string>().find("bad "), std::string::npos);
}

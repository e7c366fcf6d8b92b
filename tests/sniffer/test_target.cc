// to=NAME: copies sent down another stream, found by name; a target that
// closes is never touched again (the test is meant for ASan as well),
// one that comes back is used again; a target on another scheduler is
// refused; two streams copying to each other do not loop.
#include <strdp/ref/loop.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "fixture.h"

namespace strdp::test {
namespace {

TEST_F(SnifferTest, CopiesGoDownTheNamedStream) {
  strdp_stream_t *a = open("echo");
  strdp_stream_t *tap = open("echo");  // what goes down comes back up: readable
  ASSERT_EQ(strdp_stream_set_name(tap, "tap0"), 0);
  push(a, "sniffer");
  ASSERT_EQ(args(a, "to=tap0 dir=wr"), 0);
  std::vector<Bytes> frames = make_frames();
  EXPECT_EQ(send(a, frames), frames);
  EXPECT_EQ(read_all(tap), frames);
  snif_stats st = stats(a);
  EXPECT_EQ(st.wr.captured, frames.size());
  EXPECT_EQ(st.wr.queued, 0u);
}

TEST_F(SnifferTest, SnapLengthAndFilterApplyToATarget) {
  strdp_stream_t *a = open("echo");
  strdp_stream_t *tap = open("echo");
  ASSERT_EQ(strdp_stream_set_name(tap, "tap1"), 0);
  push(a, "sniffer");
  ASSERT_EQ(args(a, "to=tap1 dir=rd snaplen=50 filter='len > 100'"), 0);
  std::vector<Bytes> frames = make_frames();
  send(a, frames);
  std::vector<Bytes> want;
  for (const Bytes &f : frames)
    if (f.size() > 100) want.emplace_back(f.begin(), f.begin() + 50);
  EXPECT_EQ(read_all(tap), want);
}

TEST_F(SnifferTest, AClosedTargetIsDetectedAndANewOneOfTheNameIsUsed) {
  strdp_stream_t *a = open("echo");
  strdp_stream_t *tap = open("echo");
  ASSERT_EQ(strdp_stream_set_name(tap, "tap2"), 0);
  push(a, "sniffer");
  ASSERT_EQ(args(a, "to=tap2 dir=wr"), 0);
  Bytes f = udp_frame(100, 1);
  send(a, {f});
  EXPECT_EQ(read_all(tap).size(), 1u);
  close(tap);  // freed: the sniffer must not touch it again
  send(a, {f, f, f});
  snif_stats st = stats(a);
  EXPECT_EQ(st.wr.captured, 1u);
  EXPECT_EQ(st.wr.dropped, 3u);
  // Another stream that opens right away (it may reuse the freed memory)
  // and is not named is not a target either.
  strdp_stream_t *other = open("echo");
  send(a, {f});
  EXPECT_EQ(read_all(other).size(), 0u);
  EXPECT_EQ(stats(a).wr.dropped, 4u);
  // A new stream of that name is.
  strdp_stream_t *tap2 = open("echo");
  ASSERT_EQ(strdp_stream_set_name(tap2, "tap2"), 0);
  send(a, {f, f});
  EXPECT_EQ(read_all(tap2).size(), 2u);
  EXPECT_EQ(stats(a).wr.captured, 3u);
  // Renaming it away is the same as closing it.
  ASSERT_EQ(strdp_stream_set_name(tap2, "elsewhere"), 0);
  send(a, {f});
  EXPECT_EQ(read_all(tap2).size(), 0u);
  EXPECT_EQ(stats(a).wr.dropped, 5u);
}

TEST_F(SnifferTest, AFullTargetDropsCopiesNotTraffic) {
  strdp_stream_t *a = open("echo");
  strdp_stream_t *b = open("loop");  // not joined: nothing drains it
  strdp_stream_t *c = open("loop");
  int minor_c = -1;
  strioctl ic = {LOOP_GETMINOR, 0, sizeof minor_c, reinterpret_cast<char *>(&minor_c)};
  ASSERT_EQ(strdp_ioctl(c, I_STR, reinterpret_cast<intptr_t>(&ic)), 0);
  ic = {LOOP_SET, 0, sizeof minor_c, reinterpret_cast<char *>(&minor_c)};
  ASSERT_EQ(strdp_ioctl(b, I_STR, reinterpret_cast<intptr_t>(&ic)), 0);
  ASSERT_EQ(strdp_stream_set_name(b, "slow"), 0);  // copies pile up at c's head
  push(a, "sniffer");
  ASSERT_EQ(args(a, "to=slow dir=wr"), 0);
  std::vector<Bytes> frames(200, udp_frame(1000, 7));
  EXPECT_EQ(send(a, frames).size(), frames.size()) << "the traffic itself must not be held";
  snif_stats st = stats(a);
  EXPECT_GT(st.wr.dropped, 0u);
  EXPECT_EQ(st.wr.captured + st.wr.dropped, frames.size());
  EXPECT_EQ(read_all(c).size(), st.wr.captured);
}

TEST_F(SnifferTest, TwoStreamsCopyingToEachOtherDoNotLoop) {
  strdp_stream_t *a = open("echo");
  strdp_stream_t *b = open("echo");
  ASSERT_EQ(strdp_stream_set_name(a, "A"), 0);
  ASSERT_EQ(strdp_stream_set_name(b, "B"), 0);
  push(a, "sniffer");
  push(b, "sniffer");
  ASSERT_EQ(args(a, "to=B"), 0);
  ASSERT_EQ(args(b, "to=A"), 0);
  Bytes f = udp_frame(64, 3);
  EXPECT_EQ(send(a, {f}), std::vector<Bytes>{f});
  // a copied f twice (down and up) to B; B's sniffer passed the copies
  // on without copying them back.
  EXPECT_EQ(read_all(b).size(), 2u);
  snif_stats sa = stats(a), sb = stats(b);
  EXPECT_EQ(sa.wr.captured + sa.rd.captured, 2u);
  EXPECT_EQ(sb.wr.captured + sb.rd.captured, 0u);
  EXPECT_EQ(sb.wr.skipped, 2u);
  EXPECT_EQ(sb.rd.skipped, 2u);
}

TEST_F(SnifferTest, ATargetOfAnotherSchedulerIsRefused) {
  std::mutex mu;
  std::condition_variable cv;
  int stage = 0;
  std::thread other([&] {
    strdp_sched_t *s = strdp_sched_create("other");
    strdp_sched_bind(s);
    strdp_stream_t *sp = strdp_open("echo", O_RDWR | O_NONBLOCK, nullptr);
    EXPECT_NE(sp, nullptr);
    EXPECT_EQ(strdp_stream_set_name(sp, "elsewhere-thread"), 0);
    {
      std::unique_lock lk(mu);
      stage = 1;
      cv.notify_all();
      cv.wait(lk, [&] { return stage == 2; });
    }
    strdp_close(sp);
    strdp_sched_bind(nullptr);
    strdp_sched_destroy(s);
  });
  {
    std::unique_lock lk(mu);
    cv.wait(lk, [&] { return stage == 1; });
  }
  strdp_stream_t *a = open("echo");
  push(a, "sniffer");
  EXPECT_EQ(args(a, "to=elsewhere-thread"), EXDEV);
  EXPECT_EQ(strdp_stream_lookup("elsewhere-thread", strdp_sched_current()), nullptr);
  EXPECT_EQ(errno, EXDEV);
  {
    std::lock_guard lk(mu);
    stage = 2;
    cv.notify_all();
  }
  other.join();
  EXPECT_EQ(strdp_stream_lookup("elsewhere-thread", strdp_sched_current()), nullptr);
  EXPECT_EQ(errno, ENOENT);
}

// A shared stream (strdp_stream_share) of another scheduler is a target:
// the copies cross to its thread through its request ring, arrive whole
// and in order, and its owner reads them as an application would.
TEST_F(SnifferTest, ASharedTargetOfAnotherSchedulerGetsTheCopies) {
  std::vector<Bytes> frames = make_frames();
  std::mutex mu;
  std::condition_variable cv;
  int stage = 0;
  std::atomic<bool> stop{false};
  std::vector<Bytes> got;
  std::thread other([&] {
    strdp_sched_t *s = strdp_sched_create("other");
    strdp_sched_bind(s);
    strdp_stream_t *sp = strdp_open("echo", O_RDWR | O_NONBLOCK, nullptr);
    EXPECT_NE(sp, nullptr);
    EXPECT_EQ(strdp_stream_set_name(sp, "shared-tap"), 0);
    EXPECT_EQ(strdp_stream_share(sp), 0);
    {
      std::lock_guard lk(mu);
      stage = 1;
      cv.notify_all();
    }
    std::vector<char> buf(1 << 17);
    for (;;) {
      // Read before the pass: what was posted before stop was set is in
      // the ring by then, so a quiet pass after it means all has come.
      bool stopping = stop.load();
      unsigned work = strdp_sched_run(s), n = 0;
      for (;; ++n) {
        strbuf db = {static_cast<int>(buf.size()), 0, buf.data()};
        int flags = 0;
        if (strdp_getmsg(sp, nullptr, &db, &flags) != 0) break;
        got.emplace_back(buf.data(), buf.data() + std::max(db.len, 0));
      }
      if (stopping && work == 0 && n == 0) break;
    }
    strdp_close(sp);  // after the sender stopped: the promise of share()
    strdp_sched_drain(s);
    strdp_sched_bind(nullptr);
    strdp_sched_destroy(s);
  });
  {
    std::unique_lock lk(mu);
    cv.wait(lk, [&] { return stage == 1; });
  }
  strdp_stream_t *a = open("echo");
  push(a, "sniffer");
  ASSERT_EQ(args(a, "to=shared-tap dir=wr"), 0);
  EXPECT_EQ(strdp_stream_share(a), 0) << "on its own thread";
  EXPECT_EQ(send(a, frames), frames) << "the passing traffic is untouched";
  snif_stats st = stats(a);
  close(a);
  stop.store(true);
  other.join();
  EXPECT_EQ(st.wr.captured + st.wr.dropped, frames.size());
  ASSERT_EQ(got.size(), st.wr.captured);
  // Whatever crossed came whole and in order (none is dropped unless the
  // other thread's ring filled, which this slow reader may cause).
  size_t j = 0;
  for (const Bytes &f : frames)
    if (j < got.size() && got[j] == f) ++j;
  EXPECT_EQ(j, got.size());
  EXPECT_GT(got.size(), 0u);
}

TEST_F(SnifferTest, StreamNamesAreUniqueAndBounded) {
  strdp_stream_t *a = open("echo");
  strdp_stream_t *b = open("echo");
  EXPECT_EQ(strdp_stream_set_name(a, "n"), 0);
  EXPECT_EQ(strdp_stream_set_name(a, "n"), 0);  // again: no change
  EXPECT_EQ(strdp_stream_set_name(b, "n"), -1);
  EXPECT_EQ(errno, EEXIST);
  EXPECT_EQ(strdp_stream_set_name(b, std::string(32, 'x').c_str()), -1);
  EXPECT_EQ(errno, EINVAL);
  EXPECT_EQ(strdp_stream_set_name(b, std::string(31, 'x').c_str()), 0);
  EXPECT_EQ(strdp_stream_lookup("n", strdp_sched_current()), a);
  uint64_t e = strdp_stream_names_epoch();
  EXPECT_EQ(strdp_stream_set_name(a, nullptr), 0);
  EXPECT_NE(strdp_stream_names_epoch(), e);
  EXPECT_EQ(strdp_stream_lookup("n", strdp_sched_current()), nullptr);
  EXPECT_EQ(errno, ENOENT);
  EXPECT_EQ(strdp_stream_set_name(b, "n"), 0);  // free again
}

}  // namespace
}  // namespace strdp::test

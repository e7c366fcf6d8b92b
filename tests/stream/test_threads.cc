// Streams on several threads: each thread's scheduler runs only its own
// queues (LiS had one run list for all CPUs), and a stream cannot be
// plumbed or used from a thread that does not own it (LiS had no plumbing
// lock, so a push raced a running put).
#include <fcntl.h>
#include <poll.h>

#include <atomic>
#include <thread>

#include "tdrv.h"

namespace strdp::test {
namespace {

class Threads : public StreamTest {};

TEST_F(Threads, AStreamRefusesCallsFromOtherThreads) {
  strdp_stream_t *sp = open_tdrv(O_NONBLOCK);
  int err_push = 0, err_write = 0, err_close = 0;
  short poll_bits = 0;
  std::thread t([&] {
    if (strdp_ioctl(sp, I_PUSH, reinterpret_cast<intptr_t>("tmod")) < 0) err_push = errno;
    if (strdp_write(sp, "x", 1) < 0) err_write = errno;
    poll_bits = strdp_poll(sp, POLLIN);
    if (strdp_close(sp) < 0) err_close = errno;
  });
  t.join();
  EXPECT_EQ(err_push, EXDEV);
  EXPECT_EQ(err_write, EXDEV);
  EXPECT_EQ(err_close, EXDEV);
  EXPECT_EQ(poll_bits, POLLNVAL);
  EXPECT_EQ(strdp_ioctl(sp, I_LIST, 0), 1) << "the stream is untouched";
  EXPECT_TRUE(tdrv(sp)->got.empty());
}

TEST_F(Threads, EachSchedulerRunsOnlyItsOwnQueues) {
  // A second thread with its own scheduler opens and uses its own stream
  // while this thread runs its scheduler: neither runs the other's work.
  std::atomic<int> phase{0};
  std::atomic<queue_t *> their_wq{nullptr};
  std::string got;
  std::thread t([&] {
    strdp_sched_t *s = strdp_sched_create("other");
    strdp_sched_bind(s);
    strdp_stream_t *sp = strdp_open("echo", O_RDWR | O_NONBLOCK, nullptr);
    ASSERT_NE(sp, nullptr);
    ASSERT_EQ(strdp_ioctl(sp, I_PUSH, reinterpret_cast<intptr_t>("passmod")), 0);
    their_wq = strdp_stream_wq(sp)->q_next;  // passmod's write queue
    phase = 1;
    while (phase != 2) std::this_thread::yield();
    // The main thread asked to enable our passmod queue: that request is
    // ours to run, on our scheduler.
    strdp_sched_drain(s);
    ASSERT_EQ(strdp_write(sp, "mine", 4), 4);
    strdp_sched_drain(s);
    char buf[8];
    ssize_t n = strdp_read(sp, buf, sizeof buf);
    if (n > 0) got.assign(buf, static_cast<size_t>(n));
    strdp_close(sp);
    strdp_sched_bind(nullptr);
    strdp_sched_destroy(s);
  });
  while (phase != 1) std::this_thread::yield();
  queue_t *q = their_wq;
  strdp_qstats before;
  strdp_qstats_get(q, &before);
  qenable(q);  // from the wrong thread: forwarded, not run here
  EXPECT_EQ(drain(), 0u) << "nothing of theirs ran on our scheduler";
  phase = 2;
  t.join();
  EXPECT_EQ(got, "mine");
}

// Another thread's queue whose owner does not run: its inbound ring fills.
// A putq that cannot be posted returns 0 and leaves the message to its
// caller (the DKI contract), a put frees and counts it, and nothing is
// freed twice (this test is meant for the ASan build) or lost: once the
// owner runs and closes its stream, every buffer is back (TearDown).
TEST_F(Threads, AFullInboundRingFreesEachMessageExactlyOnce) {
  std::atomic<int> phase{0};
  std::atomic<queue_t *> their_wq{nullptr};
  strdp_qstats after{};
  std::thread t([&] {
    strdp_sched_t *s = strdp_sched_create("stalled");
    strdp_sched_bind(s);
    strdp_stream_t *sp = strdp_open("echo", O_RDWR | O_NONBLOCK, nullptr);
    ASSERT_NE(sp, nullptr);
    ASSERT_EQ(strdp_ioctl(sp, I_PUSH, reinterpret_cast<intptr_t>("passmod")), 0);
    their_wq = strdp_stream_wq(sp)->q_next;
    phase = 1;
    while (phase != 2) std::this_thread::yield();
    strdp_sched_drain(s);
    strdp_qstats_get(their_wq, &after);
    strdp_close(sp);  // frees what the posted puts queued
    strdp_sched_drain(s);
    strdp_sched_bind(nullptr);
    strdp_sched_destroy(s);
  });
  while (phase != 1) std::this_thread::yield();
  queue_t *q = their_wq;
  unsigned posted = 0, refused = 0;
  for (unsigned i = 0; i < 10000 && refused < 2; ++i) {
    mblk_t *mp = allocb(16, BPRI_MED);
    ASSERT_NE(mp, nullptr);
    *mp->b_wptr++ = 'p';
    if (putq(q, mp)) {
      ++posted;
    } else {
      ++refused;
      freemsg(mp);  // still ours: a double free if putq had freed it
    }
  }
  EXPECT_EQ(refused, 2u) << "the ring never filled";
  EXPECT_GT(posted, 0u);
  // put() to the same full ring: taken, freed and counted.
  mblk_t *mp = allocb(16, BPRI_MED);
  ASSERT_NE(mp, nullptr);
  put(q, mp);
  phase = 2;
  t.join();
  EXPECT_EQ(after.drops[STRDP_DROP_NOMEM], 1u) << "the put that found no room";
}

}  // namespace
}  // namespace strdp::test

// qtimeout/quntimeout, timeout/untimeout, bufcall/qbufcall/unbufcall:
// callbacks run on the owner's scheduler; cancelling waits for a running
// callback on another thread (LiS did not) and not from inside it.
#include <atomic>
#include <chrono>
#include <thread>

#include "procs.h"

namespace strdp::test {
namespace {

module_info mi = {5, const_cast<char *>("tm"), 0, INFPSZ, 1000, 0};
qinit qi = {.qi_putp = rec_put, .qi_minfo = &mi};

void bump(void *arg) { ++*static_cast<int *>(arg); }

void run_for(int ms) {
  auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
  while (std::chrono::steady_clock::now() < end) strdp_sched_run(sched());
}

TEST(Timers, QtimeoutFiresOnceAfterItsTicks) {
  TestPair p(&qi, &qi);
  int n = 0;
  timeout_id_t id = qtimeout(p.wq(), bump, &n, drv_usectohz(20000));
  ASSERT_NE(id, 0);
  strdp_sched_run(sched());
  EXPECT_EQ(n, 0) << "not yet";
  run_for(60);
  EXPECT_EQ(n, 1);
  EXPECT_EQ(quntimeout(p.wq(), id), -1) << "already fired";
}

TEST(Timers, QuntimeoutBeforeExpiryCancels) {
  TestPair p(&qi, &qi);
  int n = 0;
  timeout_id_t id = qtimeout(p.wq(), bump, &n, drv_usectohz(1000000));
  long left = quntimeout(p.wq(), id);
  EXPECT_GT(left, 900);
  EXPECT_LE(left, 1000);
  run_for(5);
  EXPECT_EQ(n, 0);
  EXPECT_EQ(untimeout(id), -1);
}

TEST(Timers, PlainTimeoutRunsOnTheCallersScheduler) {
  int n = 0;
  timeout_id_t id = timeout(bump, &n, 0);
  ASSERT_NE(id, 0);
  strdp_sched_run(sched());
  EXPECT_EQ(n, 1);
}

struct SelfCancel {
  timeout_id_t id;
  long result = 0;
  bool ran = false;
};
void cancel_self(void *arg) {
  auto *s = static_cast<SelfCancel *>(arg);
  s->result = untimeout(s->id);  // must not wait for itself
  s->ran = true;
}

TEST(Timers, CancellingFromInsideTheCallbackReturnsAtOnce) {
  SelfCancel s;
  s.id = timeout(cancel_self, &s, 0);
  strdp_sched_run(sched());
  EXPECT_TRUE(s.ran);
  EXPECT_EQ(s.result, -1);
}

struct Pair {
  timeout_id_t other = 0;
  int fired = 0;
};
void cancel_other(void *arg) {
  auto *p = static_cast<Pair *>(arg);
  ++p->fired;
  untimeout(p->other);
}

TEST(Timers, ACallbackCanCancelATimeoutDueInTheSamePass) {
  Pair a, b;
  timeout_id_t ida = timeout(cancel_other, &a, 0);
  timeout_id_t idb = timeout(cancel_other, &b, 0);
  a.other = idb;
  b.other = ida;
  strdp_sched_run(sched());
  EXPECT_EQ(a.fired + b.fired, 1) << "the first to run cancels the other";
}

struct Slow {
  std::atomic<bool> started{false};
  std::atomic<bool> finished{false};
};
void slow_cb(void *arg) {
  auto *s = static_cast<Slow *>(arg);
  s->started = true;
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  s->finished = true;
}

TEST(Timers, CancellingFromAnotherThreadWaitsForARunningCallback) {
  Slow s;
  timeout_id_t id = timeout(slow_cb, &s, 0);
  bool finished_when_cancel_returned = false;
  std::thread t([&] {
    while (!s.started) std::this_thread::yield();
    untimeout(id);
    finished_when_cancel_returned = s.finished;
  });
  strdp_sched_run(sched());
  t.join();
  EXPECT_TRUE(finished_when_cancel_returned);
}

TEST(Timers, QueueTimeoutsAreCancelledWhenTheQueueGoes) {
  int n = 0;
  {
    TestPair p(&qi, &qi);
    qtimeout(p.wq(), bump, &n, 0);
  }  // freed: its timeout must not fire on a dead queue
  strdp_sched_run(sched());
  EXPECT_EQ(n, 0);
}

TEST(Bufcall, RunsWhenABufferIsAvailable) {
  TestPair p(&qi, &qi);
  int n = 0;
  bufcall_id_t id = qbufcall(p.wq(), 64, BPRI_MED, bump, &n);
  ASSERT_NE(id, 0);
  strdp_sched_run(sched());
  EXPECT_EQ(n, 1);
  strdp_sched_run(sched());
  EXPECT_EQ(n, 1) << "one shot";
}

TEST(Bufcall, UnbufcallCancels) {
  int n = 0;
  bufcall_id_t id = bufcall(64, BPRI_MED, bump, &n);
  unbufcall(id);
  strdp_sched_run(sched());
  EXPECT_EQ(n, 0);
  bufcall_id_t e = esbbcall(BPRI_MED, bump, &n);
  qunbufcall(nullptr, e);
  strdp_sched_run(sched());
  EXPECT_EQ(n, 0);
}

TEST(Bufcall, WaitsForBuffersToComeBackFromAnExhaustedPool) {
  unsigned before = pool_in_use();
  std::vector<mblk_t *> held;
  while (mblk_t *mp = allocb(64, BPRI_MED)) held.push_back(mp);
  ASSERT_FALSE(held.empty());
  EXPECT_EQ(testb(64, BPRI_MED), 0);
  int n = 0;
  bufcall(64, BPRI_MED, bump, &n);
  strdp_sched_run(sched());
  strdp_sched_run(sched());
  EXPECT_EQ(n, 0) << "no buffer yet";
  freeb(held.back());
  held.pop_back();
  strdp_sched_run(sched());
  EXPECT_EQ(n, 1) << "a buffer came back";
  for (mblk_t *mp : held) freeb(mp);
  EXPECT_EQ(pool_in_use(), before);
}

}  // namespace
}  // namespace strdp::test

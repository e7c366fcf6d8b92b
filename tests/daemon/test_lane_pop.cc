// Popping a module that holds messages (lane_pop), deterministically, on
// the test thread's own scheduler: passmod is made to hold messages by a
// stream head nobody reads, then
//  - with a reader (a poller of this scheduler) the pop runs the loop
//    until passmod's queues are empty, and only then pops: every message
//    arrives, in order, and nothing is counted as dropped;
//  - with no reader the queues cannot empty: the pop fails with EBUSY,
//    passmod stays, and every message it held is still delivered later.
#include <fcntl.h>
#include <gtest/gtest.h>

#include <cstring>

#include "daemon/lane.h"
#include "eal_env.h"

namespace strdp::test {
namespace {

struct Reader {
  strdp_stream_t *sp = nullptr;
  uint64_t expect = 0;
  uint64_t bad = 0;
};

unsigned read_all(void *arg) {
  auto *r = static_cast<Reader *>(arg);
  unsigned n = 0;
  uint64_t seq;
  char buf[64];
  for (;;) {
    ssize_t got = strdp_read(r->sp, buf, sizeof buf);
    if (got < 0) break;
    if (got != static_cast<ssize_t>(sizeof seq)) {
      ++r->bad;
      continue;
    }
    memcpy(&seq, buf, sizeof seq);
    if (seq != r->expect) ++r->bad;
    r->expect = seq + 1;
    ++n;
  }
  return n;
}

class LanePop : public ::testing::Test {
 protected:
  void SetUp() override {
    sp_ = strdp_open("echo", O_RDWR | O_NONBLOCK, nullptr);
    ASSERT_NE(sp_, nullptr);
    ASSERT_EQ(strdp_ioctl(sp_, I_SRDOPT, RMSGN), 0);
    std::string why;
    ASSERT_EQ(daemon::lane_push(sp_, "passmod", "", &why), 0) << why;
    // Write until flow control says no, without reading: the head's read
    // queue fills, then echo's, then passmod's.
    for (;; ++sent_) {
      if (strdp_write(sp_, &sent_, sizeof sent_) < 0) {
        ASSERT_EQ(errno, EAGAIN);
        break;
      }
      drain();
    }
    ASSERT_GT(held_by_passmod(), 0u) << "passmod holds nothing: the test proves nothing";
    reader_.sp = sp_;
  }
  void TearDown() override {
    if (sp_ != nullptr) {
      EXPECT_EQ(strdp_close(sp_), 0);
    }
  }
  uint64_t held_by_passmod() {
    std::vector<strdp_queue_info> q = daemon::lane_queues(sp_);
    if (q.size() < 6 || strcmp(q[2].name, "passmod") != 0) {
      return 0;
    }
    return q[2].st.queued_msgs + q[3].st.queued_msgs;
  }
  void expect_no_drops() {
    for (const strdp_queue_info &q : daemon::lane_queues(sp_))
      for (int r = 0; r < STRDP_DROP_REASONS; ++r) EXPECT_EQ(q.st.drops[r], 0u) << q.name;
  }

  strdp_stream_t *sp_ = nullptr;
  uint64_t sent_ = 0;
  Reader reader_;
};

TEST_F(LanePop, APopRunsTheLoopUntilTheModuleIsEmptyThenPops) {
  int id = strdp_sched_add_poller(sched(), read_all, &reader_);
  ASSERT_GT(id, 0);
  std::string popped, why;
  unsigned passes = 0;
  EXPECT_EQ(daemon::lane_pop(sp_, &popped, &why, &passes), 0) << why;
  EXPECT_EQ(popped, "passmod");
  EXPECT_GT(passes, 0u) << "it had to drain";
  EXPECT_LT(passes, daemon::kPopDrainPasses);
  EXPECT_TRUE(daemon::lane_modules(sp_).empty());
  drain();
  strdp_sched_remove_poller(sched(), id);
  EXPECT_EQ(reader_.expect, sent_) << "messages lost";
  EXPECT_EQ(reader_.bad, 0u) << "reordered or duplicated";
  expect_no_drops();
}

TEST_F(LanePop, APopThatCannotDrainIsRefusedAndChangesNothing) {
  uint64_t held = held_by_passmod();
  std::string popped, why;
  EXPECT_EQ(daemon::lane_pop(sp_, &popped, &why), EBUSY);
  EXPECT_NE(why.find("still holds"), std::string::npos) << why;
  EXPECT_EQ(daemon::lane_modules(sp_), std::vector<std::string>{"passmod"});
  EXPECT_EQ(held_by_passmod(), held);
  // Everything still arrives, in order, and then the pop goes through.
  int id = strdp_sched_add_poller(sched(), read_all, &reader_);
  drain();
  EXPECT_EQ(reader_.expect, sent_);
  EXPECT_EQ(reader_.bad, 0u);
  unsigned passes = 99;
  EXPECT_EQ(daemon::lane_pop(sp_, &popped, &why, &passes), 0) << why;
  EXPECT_EQ(passes, 0u);
  strdp_sched_remove_poller(sched(), id);
  expect_no_drops();
}

TEST_F(LanePop, DrainBeforeCloseEmptiesWhatIsInFlight) {
  EXPECT_FALSE(daemon::lane_drain(sp_, 10)) << "no reader: the head holds the stream back";
  int id = strdp_sched_add_poller(sched(), read_all, &reader_);
  EXPECT_TRUE(daemon::lane_drain(sp_, 1000));
  // Nothing is in flight; what waits at the head is read in one pass.
  for (const strdp_queue_info &q : daemon::lane_queues(sp_))
    if (strcmp(q.name, "head") != 0 || q.write_side) {
      EXPECT_EQ(q.st.queued_msgs, 0u) << q.name;
    }
  strdp_sched_run(sched());
  strdp_sched_remove_poller(sched(), id);
  EXPECT_EQ(reader_.expect, sent_);
}

}  // namespace
}  // namespace strdp::test

namespace strdp::test {
namespace {

// Plumbing moves flow-control waits (src/stream/stream.cc): echo, blocked
// on a full stream head, must still be back-enabled after a module is
// pushed between it and the head, and after one is popped from there.
class PlumbingWaits : public ::testing::Test {
 protected:
  void SetUp() override {
    sp_ = strdp_open("echo", O_RDWR | O_NONBLOCK, nullptr);
    ASSERT_NE(sp_, nullptr);
    ASSERT_EQ(strdp_ioctl(sp_, I_SRDOPT, RMSGN), 0);
    reader_.sp = sp_;
  }
  void TearDown() override {
    if (sp_ != nullptr) {
      EXPECT_EQ(strdp_close(sp_), 0);
    }
  }
  void fill() {
    for (;; ++sent_) {
      if (strdp_write(sp_, &sent_, sizeof sent_) < 0) {
        ASSERT_EQ(errno, EAGAIN);
        break;
      }
      drain();
    }
  }
  void read_everything() {
    int id = strdp_sched_add_poller(sched(), read_all, &reader_);
    drain();
    strdp_sched_remove_poller(sched(), id);
    EXPECT_EQ(reader_.expect, sent_) << "the stream stalled: a lost back-enable";
    EXPECT_EQ(reader_.bad, 0u);
  }
  strdp_stream_t *sp_ = nullptr;
  uint64_t sent_ = 0;
  Reader reader_;
};

TEST_F(PlumbingWaits, APushBetweenABlockedDriverAndTheHeadLosesNoBackEnable) {
  fill();  // the head is full, echo holds the rest on its write queue
  std::string why;
  ASSERT_EQ(daemon::lane_push(sp_, "passmod", "", &why), 0) << why;
  read_everything();
}

TEST_F(PlumbingWaits, APopBetweenABlockedDriverAndTheHeadLosesNoBackEnable) {
  std::string why;
  ASSERT_EQ(daemon::lane_push(sp_, "passmod", "", &why), 0) << why;
  fill();  // head full, passmod's read queue full (echo waits on it), echo's
           // write queue full, passmod's write queue full
  std::vector<strdp_queue_info> q = daemon::lane_queues(sp_);
  ASSERT_EQ(q.size(), 6u);
  uint64_t newest_held = q[3].st.queued_msgs;  // passmod's write side: the last written
  ASSERT_GT(q[2].st.queued_msgs, 0u);
  ASSERT_GT(newest_held, 0u);
  // I_POP frees what passmod holds (its own rule, counted as close drops).
  ASSERT_EQ(strdp_ioctl(sp_, I_POP, 0), 0);
  int id = strdp_sched_add_poller(sched(), read_all, &reader_);
  drain();
  strdp_sched_remove_poller(sched(), id);
  // echo's held messages came after passmod's read side: the last of them
  // arriving shows echo was back-enabled.
  EXPECT_EQ(reader_.expect, sent_ - newest_held) << "the stream stalled: a lost back-enable";
}

}  // namespace
}  // namespace strdp::test

// The live push/pop guarantee: a stream carries 1,000,000 sequence-
// numbered messages on worker lcore 1 while the test thread pushes and
// pops passmod (a module with service procedures, which holds messages
// under flow control) 1,000 times through the path strctl uses: the
// Dataplane's push/pop, which run each change on the owning lcore between
// bursts (strdp_sched_call). Nothing may be lost, duplicated or
// reordered, and no queue may count a drop.
//
// The traffic runs on the owning lcore as two scheduler pollers (the only
// place the stream's head may be used): one writes messages at the head
// while flow control lets it (a write that would block says EAGAIN), the
// other reads the head's read side and checks the sequence. Over echo the
// messages turn around in the driver; over pmd on net_ring (raw mode) they
// leave as frames and come back through the ring.
//
// No timing: the test thread paces its push/pop cycles by the count of
// messages received (cycle i after i * 1000), and waits for completion
// with a generous bound that only keeps a broken build from hanging.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <rte_ethdev.h>
#include <strdp/pmd.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <thread>

#include "daemon/on_lcore.h"
#include "dp_fixture.h"

namespace strdp::test {
namespace {

constexpr uint64_t kMessages = 1000000;
constexpr unsigned kCycles = 1000;
constexpr unsigned kFrameLen = 64;  // a minimal Ethernet frame; seq at kSeqAt
constexpr unsigned kSeqAt = 14;     // after the Ethernet header

// Per-stream traffic state: written only on the owning lcore (pollers),
// except the atomics the test thread reads.
struct Traffic {
  strdp_stream_t *sp = nullptr;
  uint64_t next_send = 0;
  uint64_t expect = 0;
  uint64_t out_of_order = 0;  // a sequence number other than the next one
  uint64_t bad_reads = 0;     // wrong length, or an error other than EAGAIN
  uint64_t write_errors = 0;
  uint64_t first_bad = UINT64_MAX;
  uint64_t passes = 0;        // drain() calls: its on/off phases
  std::atomic<uint64_t> received{0};
  int tx_id = 0, rx_id = 0;
};

unsigned inject(void *arg) {
  auto *t = static_cast<Traffic *>(arg);
  unsigned n = 0;
  uint8_t f[kFrameLen] = {};
  memset(f, 0xff, 6);      // broadcast destination
  f[12] = 0x88;            // local experimental ethertype 0x88b5
  f[13] = 0xb5;
  for (; n < 32 && t->next_send < kMessages; ++n) {
    memcpy(f + kSeqAt, &t->next_send, sizeof t->next_send);
    ssize_t r = strdp_write(t->sp, f, sizeof f);
    if (r == static_cast<ssize_t>(sizeof f)) {
      ++t->next_send;
      continue;
    }
    if (r < 0 && errno != EAGAIN) ++t->write_errors;
    break;  // flow control: the next pass tries again
  }
  return n;
}

// The reader pauses for kPhase passes out of every 2 * kPhase: the head's
// read queue fills, flow control holds passmod's queues full, and a pop
// that comes then must drain passmod first. When it reads, it reads more
// than the writer can write, so the module always empties again.
constexpr uint64_t kPhase = 8;

unsigned drain(void *arg) {
  auto *t = static_cast<Traffic *>(arg);
  if ((t->passes++ / kPhase) % 2 == 0) return 0;
  unsigned n = 0;
  uint8_t buf[256];
  for (; n < 256; ++n) {
    ssize_t r = strdp_read(t->sp, buf, sizeof buf);
    if (r < 0) {
      if (errno != EAGAIN) ++t->bad_reads;
      break;
    }
    if (r != kFrameLen) {
      ++t->bad_reads;
      continue;
    }
    uint64_t seq;
    memcpy(&seq, buf + kSeqAt, sizeof seq);
    if (seq != t->expect) {
      ++t->out_of_order;
      if (t->first_bad == UINT64_MAX) t->first_bad = seq;
    }
    t->expect = seq + 1;
    t->received.store(t->received.load(std::memory_order_relaxed) + 1,
                      std::memory_order_release);
  }
  return n;
}

class LivePushPop : public ::testing::Test {
 protected:
  void TearDown() override {
    if (dp_ == nullptr) return;
    daemon::StopReport r = dp_->stop();
    for (const auto &p : r.problems) ADD_FAILURE() << p;
    EXPECT_EQ(r.leak.start, r.leak.stop) << "message buffers leaked";
  }

  // Runs the whole scenario on stream `name`, lane 0.
  void run(const std::string &name) {
    strdp_sched_t *s = dp_->lane_sched(name, 0);
    t_.sp = dp_->lane_stream(name, 0);
    ASSERT_NE(s, nullptr);
    ASSERT_NE(t_.sp, nullptr);
    ASSERT_TRUE(daemon::on_lcore(s, [&] {
      strdp_ioctl(t_.sp, I_SRDOPT, RMSGN);  // one message per read
      t_.tx_id = strdp_sched_add_poller(s, inject, &t_);
      t_.rx_id = strdp_sched_add_poller(s, drain, &t_);
    }));
    ASSERT_GT(t_.tx_id, 0);
    ASSERT_GT(t_.rx_id, 0);

    unsigned pushes = 0, pops = 0, busy = 0, drained = 0;
    std::string failure;
    for (unsigned i = 0; i < kCycles && failure.empty(); ++i) {
      // Pace by progress, not by time: cycle i once i*1000 arrived.
      uint64_t want = static_cast<uint64_t>(i) * (kMessages / kCycles);
      if (!wait_for([&] { return t_.received.load(std::memory_order_acquire) >= want; }))
        failure = "traffic stalled before cycle " + std::to_string(i);
      daemon::Status st = dp_->push(name, "passmod", "");
      if (!st.ok()) {
        failure = "push " + std::to_string(i) + ": " + st.msg;
        break;
      }
      ++pushes;
      for (unsigned tries = 0;; ++tries) {
        std::string popped;
        unsigned passes = 0;
        st = dp_->pop(name, &popped, &passes);
        if (st.ok()) {
          ++pops;
          if (passes > 0) ++drained;
          if (popped != "passmod") failure = "popped " + popped;
          break;
        }
        if (st.err != EBUSY || tries == 1000) {
          failure = "pop " + std::to_string(i) + ": " + st.msg;
          break;
        }
        ++busy;  // passmod still held messages: the stream is as it was
      }
    }
    EXPECT_TRUE(failure.empty()) << failure;
    EXPECT_TRUE(wait_for([&] { return t_.received.load(std::memory_order_acquire) >= kMessages; }))
        << "received " << t_.received.load();

    ASSERT_TRUE(daemon::on_lcore(s, [&] {
      strdp_sched_remove_poller(s, t_.tx_id);
      strdp_sched_remove_poller(s, t_.rx_id);
    }));
    EXPECT_EQ(pushes, kCycles);
    EXPECT_EQ(pops, kCycles);
    EXPECT_EQ(t_.received.load(), kMessages);
    EXPECT_EQ(t_.expect, kMessages);
    EXPECT_EQ(t_.out_of_order, 0u) << "first out of order: " << t_.first_bad;
    EXPECT_EQ(t_.bad_reads, 0u);
    EXPECT_EQ(t_.write_errors, 0u);
    std::vector<daemon::StreamStats> st;
    ASSERT_TRUE(dp_->stats(name, &st).ok());
    ASSERT_EQ(st.size(), 1u);
    EXPECT_EQ(st[0].queues.size(), 4u) << "passmod left on the stream";
    for (const daemon::QueueCounters &q : st[0].queues) {
      for (int r = 0; r < STRDP_DROP_REASONS; ++r)
        EXPECT_EQ(q.st.drops[r], 0u)
            << q.name << (q.write_side ? " write" : " read") << " counted "
            << strdp_drop_reason_name(static_cast<strdp_drop_reason>(r)) << " drops";
      EXPECT_EQ(q.st.queued_msgs, 0u) << q.name;
    }
    if (st[0].pmd) {
      EXPECT_EQ(st[0].pmd->tx_frames, kMessages);
      EXPECT_EQ(st[0].pmd->rx_frames, kMessages);
      EXPECT_EQ(st[0].pmd->tx_invalid, 0u);
    }
    RecordProperty("ebusy_pops", static_cast<int>(busy));
    RecordProperty("drained_pops", static_cast<int>(drained));
    printf("[ info ] %s: %llu messages, %u push/pop cycles; %u pops found passmod holding "
           "messages and drained it first, %u were retried (EBUSY)\n",
           name.c_str(), static_cast<unsigned long long>(kMessages), kCycles, drained, busy);
  }

  // Polls cond; gives up after a bound far beyond any healthy run.
  template <class F>
  static bool wait_for(F cond) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(3);
    while (!cond()) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
    return true;
  }

  std::unique_ptr<daemon::Dataplane> dp_;
  Traffic t_;
};

TEST_F(LivePushPop, OverEchoNothingIsLostDuplicatedOrReordered) {
  dp_ = start_dataplane("[lcores]\nworkers = \"1\"\n"
                        "[[stream]]\nname = \"e0\"\ndriver = \"echo\"\n");
  ASSERT_NE(dp_, nullptr);
  run("e0");
}

TEST_F(LivePushPop, OverAPmdPortOnNetRingNothingIsLostDuplicatedOrReordered) {
  dp_ = start_dataplane("[lcores]\nworkers = \"1\"\n"
                        "[[port]]\nname = \"ring\"\ndevice = \"net_ring0\"\n"
                        "[[stream]]\nname = \"r0\"\ndriver = \"pmd\"\nport = \"ring\"\n"
                        "mode = \"raw\"\n");
  ASSERT_NE(dp_, nullptr);
  run("r0");
}

}  // namespace

// Worker lcore 1 runs the stream; net_ring0 loops its tx back into rx.
std::vector<std::string> extra_eal_args() { return {"-l", "0-1", "--vdev", "net_ring0"}; }

}  // namespace strdp::test

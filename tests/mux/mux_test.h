// Fixtures for the multiplexing tests: streams opened through the
// in-process head, loop-driver pairs as traffic sources under a mux, and a
// leak check of the message pool.
//
// A linked lower stream has no head, so traffic is injected below a mux
// with the loop driver: a pair (user, lower) joined by LOOP_SET; what the
// test writes on `user` comes up `lower` (into the mux once `lower` is
// linked), and what the mux sends down `lower` comes up `user`.
#pragma once

#include <fcntl.h>
#include <gtest/gtest.h>
#include <strdp/ref/loop.h>
#include <strdp/xconn.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "qchain.h"

namespace strdp::test {

struct LoopPair {
  strdp_stream_t *user = nullptr;   // the test writes and reads here
  strdp_stream_t *lower = nullptr;  // linked under a mux
};

class MuxTest : public ::testing::Test {
 protected:
  void SetUp() override { in_use_ = pool_in_use(); }
  void TearDown() override {
    // A linked lower stream cannot be closed (EINVAL) until the close of
    // its controlling stream unlinks it: retry those after the others. A
    // persistent link left in place is the test's fault.
    std::vector<strdp_stream_t *> left(open_.rbegin(), open_.rend());
    while (!left.empty()) {
      std::vector<strdp_stream_t *> again;
      for (strdp_stream_t *sp : left) {
        if (strdp_close(sp) == 0) continue;
        EXPECT_EQ(errno, EINVAL) << "close: " << strerror(errno);
        if (errno == EINVAL) again.push_back(sp);
      }
      if (again.size() == left.size()) {
        ADD_FAILURE() << again.size() << " stream(s) still linked at the end of the test";
        break;
      }
      left.swap(again);
    }
    open_.clear();
    drain();
    EXPECT_EQ(pool_in_use(), in_use_) << "message buffers leaked";
  }

  strdp_stream_t *open(const char *name, int oflag = O_NONBLOCK) {
    strdp_stream_t *sp = strdp_open(name, O_RDWR | oflag, nullptr);
    EXPECT_NE(sp, nullptr) << name << ": " << strerror(errno);
    if (sp != nullptr) open_.push_back(sp);
    return sp;
  }
  // Closes sp now (the test checks the result) and forgets it.
  int close(strdp_stream_t *sp) {
    int r = strdp_close(sp);
    if (r == 0) open_.erase(std::find(open_.begin(), open_.end(), sp));
    return r;
  }

  int istr(strdp_stream_t *sp, int cmd, void *data = nullptr, int len = 0) {
    strioctl ic = {cmd, 0, len, static_cast<char *>(data)};
    return strdp_ioctl(sp, I_STR, reinterpret_cast<intptr_t>(&ic));
  }
  int link(strdp_stream_t *mux, strdp_stream_t *lower, int cmd = I_LINK) {
    return strdp_ioctl(mux, cmd, reinterpret_cast<intptr_t>(lower));
  }

  LoopPair loop_pair() {
    LoopPair p;
    p.user = open("loop");
    p.lower = open("loop");
    int minor = -1;
    EXPECT_EQ(istr(p.lower, LOOP_GETMINOR, &minor, sizeof minor), 0);
    EXPECT_EQ(istr(p.user, LOOP_SET, &minor, sizeof minor), 0);
    return p;
  }

  void write(strdp_stream_t *sp, const std::string &s) {
    ASSERT_EQ(strdp_write(sp, s.data(), s.size()), static_cast<ssize_t>(s.size())) << strerror(errno);
    drain();
  }
  // One message (RMSGN) or "" when none is there after running the
  // scheduler; "ERRn" on an error other than EAGAIN.
  std::string read_msg(strdp_stream_t *sp) {
    drain();
    strdp_ioctl(sp, I_SRDOPT, RMSGN);
    std::string buf(4096, '\0');
    ssize_t n = strdp_read(sp, buf.data(), buf.size());
    if (n < 0) return errno == EAGAIN ? "" : "ERR" + std::to_string(errno);
    buf.resize(static_cast<size_t>(n));
    return buf;
  }
  // Every message waiting on sp, in order.
  std::vector<std::string> read_all(strdp_stream_t *sp) {
    std::vector<std::string> v;
    for (std::string m = read_msg(sp); !m.empty(); m = read_msg(sp)) v.push_back(m);
    return v;
  }

  // XCONN_STATS for up to 8 ports; empty header on error.
  struct Stats {
    xconn_stats hdr{};
    std::vector<xconn_port> ports;
    int rc = -1;
  };
  Stats xstats(strdp_stream_t *xc) {
    alignas(8) char buf[XCONN_STATS_LEN(8)] = {};
    Stats s;
    s.rc = istr(xc, XCONN_STATS, buf, static_cast<int>(sizeof buf));
    if (s.rc < 0) return s;
    memcpy(&s.hdr, buf, sizeof s.hdr);
    for (uint32_t i = 0; i < s.hdr.xs_returned; ++i) {
      xconn_port p;
      memcpy(&p, buf + XCONN_STATS_LEN(i), sizeof p);
      s.ports.push_back(p);
    }
    return s;
  }
  static const xconn_port *port(const Stats &s, int muxid) {
    for (const xconn_port &p : s.ports)
      if (p.xp_muxid == muxid) return &p;
    return nullptr;
  }

  unsigned in_use_ = 0;
  std::vector<strdp_stream_t *> open_;
};

}  // namespace strdp::test

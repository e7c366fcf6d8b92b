// The sniffer tests' fixture: streams through the in-process head, the
// sniffer's ioctls, and reading what it wrote.
#pragma once

#include <fcntl.h>
#include <gtest/gtest.h>
#include <rte_mempool.h>
#include <strdp/mbuf.h>
#include <strdp/sniffer.h>
#include <strdp/strdp.h>

#include <chrono>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "eal_env.h"
#include "frames.h"

namespace strdp::test {

// frame.packet_flags_direction as tshark prints it.
inline const std::string kIn = "0x00000001", kOut = "0x00000002";

inline unsigned msg_pool_in_use() {
  return rte_mempool_in_use_count(strdp_msg_pool(SOCKET_ID_ANY));
}

class SnifferTest : public ::testing::Test {
 protected:
  void SetUp() override { in_use_ = msg_pool_in_use(); }
  void TearDown() override {
    for (strdp_stream_t *sp : open_) EXPECT_EQ(strdp_close(sp), 0);
    drain();
    EXPECT_EQ(msg_pool_in_use(), in_use_) << "message buffers leaked";
  }

  strdp_stream_t *open(const char *name) {
    strdp_stream_t *sp = strdp_open(name, O_RDWR | O_NONBLOCK, nullptr);
    EXPECT_NE(sp, nullptr) << name << ": " << strerror(errno);
    if (sp != nullptr) open_.push_back(sp);
    return sp;
  }
  void close(strdp_stream_t *sp) {
    std::erase(open_, sp);
    EXPECT_EQ(strdp_close(sp), 0);
  }
  void push(strdp_stream_t *sp, const char *mod) {
    ASSERT_EQ(strdp_ioctl(sp, I_PUSH, reinterpret_cast<intptr_t>(mod)), 0) << mod;
  }
  int pop(strdp_stream_t *sp) { return strdp_ioctl(sp, I_POP, 0) == 0 ? 0 : errno; }

  // SNIF_SETARGS; 0 or the errno of the NAK.
  static int args(strdp_stream_t *sp, const std::string &text) {
    std::string t = text;
    strioctl ic = {SNIF_SETARGS, 0, static_cast<int>(t.size() + 1), t.data()};
    return strdp_ioctl(sp, I_STR, reinterpret_cast<intptr_t>(&ic)) >= 0 ? 0 : errno;
  }
  static snif_stats stats(strdp_stream_t *sp) {
    snif_stats st{};
    strioctl ic = {SNIF_GETSTATS, 0, sizeof st, reinterpret_cast<char *>(&st)};
    EXPECT_EQ(strdp_ioctl(sp, I_STR, reinterpret_cast<intptr_t>(&ic)), 0) << strerror(errno);
    return st;
  }
  // Waits until the writer has written (or dropped) every copy handed
  // to it: a bounded wait for a condition, not a guess at a duration.
  static bool wait_written(strdp_stream_t *sp) {
    auto end = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (std::chrono::steady_clock::now() < end) {
      snif_stats st = stats(sp);
      if (st.rd.queued == 0 && st.wr.queued == 0) return true;
      drain();
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return false;
  }
  // Every message waiting at the head: its data part, as bytes (empty
  // for a message without one). Control parts are read and dropped.
  static std::vector<Bytes> read_all(strdp_stream_t *sp) {
    std::vector<Bytes> out;
    std::vector<char> buf(1 << 17), cbuf(1024);
    for (;;) {
      drain();
      strbuf cb = {static_cast<int>(cbuf.size()), 0, cbuf.data()};
      strbuf db = {static_cast<int>(buf.size()), 0, buf.data()};
      int flags = 0;
      int r = strdp_getmsg(sp, &cb, &db, &flags);
      if (r < 0) break;
      EXPECT_EQ(r, 0) << "a message larger than the test's buffers";
      if (r != 0) break;
      out.emplace_back(buf.data(), buf.data() + std::max(db.len, 0));
    }
    return out;
  }
  // Writes each frame as one M_DATA message, reading back what comes up
  // (echo, loop) so flow control never stops the writer for good.
  static std::vector<Bytes> send(strdp_stream_t *sp, const std::vector<Bytes> &frames,
                                 strdp_stream_t *reader = nullptr) {
    if (reader == nullptr) reader = sp;
    std::vector<Bytes> back;
    for (const Bytes &f : frames) {
      for (int tries = 0;; ++tries) {
        strbuf db = {0, static_cast<int>(f.size()),
                     const_cast<char *>(reinterpret_cast<const char *>(f.data()))};
        if (strdp_putmsg(sp, nullptr, &db, 0) == 0) break;
        EXPECT_EQ(errno, EAGAIN);
        if (errno != EAGAIN || tries > 1000) return back;
        for (Bytes &b : read_all(reader)) back.push_back(std::move(b));
      }
    }
    for (Bytes &b : read_all(reader)) back.push_back(std::move(b));
    return back;
  }

  // The frames of a file the sniffer wrote. With tshark: its reading of
  // the file (converted to pcap by tshark), so a file tshark cannot
  // parse fails the test; without: libpcap's reading of the pcapng.
  static std::vector<Frame> captured(const std::string &path) {
    std::string err, file = path;
    if (!tshark().empty()) {
      file = path + ".pcap";
      std::string out;
      int rc = run(tshark() + " -r " + sq(path) + " -F pcap -w " + sq(file) + " 2>&1", &out);
      EXPECT_EQ(rc, 0) << "tshark could not read " << path << ": " << out;
    }
    std::vector<Frame> f = read_frames(file, &err);
    EXPECT_EQ(err, "") << file;
    return f;
  }
  // One tshark field per packet (-T fields -e field); empty if no tshark.
  // Flags print in hex: frame.packet_flags_direction is 0x00000001
  // (inbound) or 0x00000002 (outbound).
  static std::vector<std::string> tshark_field(const std::string &path, const std::string &field) {
    std::string out;
    EXPECT_EQ(run(tshark() + " -r " + sq(path) + " -T fields -e " + field + " 2>/dev/null", &out), 0);
    std::vector<std::string> v;
    size_t at = 0;
    while (at < out.size()) {
      size_t nl = out.find('\n', at);
      if (nl == std::string::npos) nl = out.size();
      v.push_back(out.substr(at, nl - at));
      at = nl + 1;
    }
    return v;
  }

  unsigned in_use_ = 0;
  std::vector<strdp_stream_t *> open_;
};

inline std::vector<Bytes> data_of(const std::vector<Frame> &f) {
  std::vector<Bytes> v;
  for (const Frame &x : f) v.push_back(x.data);
  return v;
}

}  // namespace strdp::test

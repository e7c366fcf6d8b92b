// A stand-in for streamsd's apps service, enough to test libstrdp-client
// without a daemon: it listens on a socket of its own (STRDP_SOCKET is set
// to it), answers one open as told, and serves that stream's rings from a
// thread: posted writes are recorded, requests answered from a queue of
// messages the test fills. Doorbells are pipes, as streamsd's are.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "shm/shm_proto.h"

struct FakeMsg {
  int ctl_len = -1;  // -1: no control part
  std::string ctl;
  int data_len = -1;
  std::string data;
  int band = 0;
  int flags = 0;  // MSG_HIPRI, MSG_BAND (received), or the record's flags
  bool hipri_request = false;  // came as kOpPutmsg
  uint16_t kind = 0;           // kPut, kWrite (posted)
};

class FakeDaemon {
 public:
  enum class Open { kOk, kBadMagic, kError, kNoFds, kBadRegion };
  explicit FakeDaemon(Open mode = Open::kOk, int err = 0);
  ~FakeDaemon();
  FakeDaemon(const FakeDaemon &) = delete;
  FakeDaemon &operator=(const FakeDaemon &) = delete;

  // A message for getmsg/read, published as POLLIN.
  void queue(const FakeMsg &m);
  std::vector<FakeMsg> posted();
  std::vector<int64_t> ioctls();  // the commands seen, in order
  // The header's state: poll bits and packet sizes, published as the
  // daemon does (state_seq moves, the application's doorbell rung).
  void publish(uint32_t poll, int64_t minpsz = 0, int64_t maxpsz = -1);
  // Read-ahead: m (band 0) as a record in rd; a record of any kind and
  // lengths (a daemon that breaks the protocol), false when rd is full;
  // what rd holds voided.
  bool ahead(const FakeMsg &m);
  bool ahead_raw(uint16_t kind, const strdp::shm::MsgEntry &e, const std::string &bytes);
  void void_ahead();
  void hang_up();          // a daemon stop: hangup, gone, POLLHUP
  void drop_connection();  // a daemon crash: the socket closes
  void close_doorbell();   // the daemon lets the stream go: its pipe closes
  bool wait_opened(int ms = 2000);
  bool closed() const { return closed_.load(); }
  uint64_t close_fence() const { return close_fence_.load(); }
  uint64_t wr_consumed() const { return wr_pos_.load(); }
  std::string opened_name();
  int opened_oflag() const { return oflag_.load(); }

 private:
  void run();
  bool accept_and_open();
  void serve();
  void drain_wr();
  bool next_request(strdp::shm::Request *rq, std::vector<uint8_t> *in, bool wait);
  void handle(const strdp::shm::Request &rq, const std::vector<uint8_t> &in);
  void handle_ioctl(const strdp::shm::Request &rq, const std::vector<uint8_t> &in);
  bool answer_read(const strdp::shm::Request &rq);
  void reply(strdp::shm::Reply r, const void *p = nullptr, uint32_t n = 0);
  void ring_app();

  Open mode_;
  int err_;
  std::string path_;
  int lfd_ = -1, cfd_ = -1;
  int app_w_ = -1, dmn_r_ = -1;
  uint8_t *base_ = nullptr;
  strdp::shm::Header *hdr_ = nullptr;
  strdp::shm::RingReader wr_, req_;
  strdp::shm::RingWriter rep_, rd_;
  std::thread th_;
  std::atomic<bool> stop_{false}, opened_{false}, closed_{false};
  std::atomic<uint64_t> close_fence_{0}, wr_pos_{0};
  std::atomic<int> oflag_{-1};
  std::mutex mu_;  // what follows
  std::deque<FakeMsg> queue_;
  std::vector<FakeMsg> posted_;
  std::vector<int64_t> ioctls_;
  std::string name_;
  bool hung_ = false;
  bool have_pending_ = false;
  strdp::shm::Request pending_{};
};

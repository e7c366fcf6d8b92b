// One application stream: the daemon's end of a shared-memory region
// (shm/shm_proto.h, docs/shm-head.md). A Bridge owns the stream (stdata)
// and turns what the application posts into stream head calls, on the
// apps service's thread, without ever waiting.
//
// Rules kept here:
//  - nothing read from the region is trusted: record headers, bodies and
//    requests are copied out and checked against the copy; the ring
//    geometry is the daemon's own, never re-read from the header;
//  - the stream is opened O_NONBLOCK on the daemon side: a call that
//    would wait (a getmsg with nothing queued, an ioctl whose answer has
//    not come) stays pending and is retried on later passes;
//  - a posted write is taken off the ring only when the head's write side
//    can pass it (flow control reaches back into the application); one
//    the stream then refuses is a counted drop, the service's only one;
//  - read-ahead (bridge_readahead.cc) moves only what getmsg would return
//    first anyway, and puts it back on the queue before anything else
//    looks at the queue, so every other call sees the in-process head.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <vector>

#include "apphead/app_counters.h"
#include "apphead/app_streams.h"
#include "runtime/cred.h"
#include "shm/shm_proto.h"
#include "stream/stream_impl.h"

namespace strdp::apphead {

class Conn;

// Reusable buffers of the service thread (one pass uses them at a time).
struct Scratch {
  std::vector<char> ctl = std::vector<char>(shm::kMaxCtl);
  std::vector<char> data = std::vector<char>(shm::kMaxData);
  std::vector<uint8_t> out;  // a reply's payload being built
  // A getmsgv reply's payload: a quarter of rep at most (bridge_read.cc).
  std::vector<uint8_t> batch = std::vector<uint8_t>(shm::kRepRingSize / 4);
};

class Bridge {
 public:
  Bridge(Conn *conn, uint64_t id, Counters *ctr, Scratch *scratch);
  ~Bridge();
  Bridge(const Bridge &) = delete;
  Bridge &operator=(const Bridge &) = delete;

  // Opens the stream and makes the region; 0, or the errno for OpenRep.
  // fds: the region, the application's doorbell read end, the daemon's
  // doorbell write end, for SCM_RIGHTS (the caller closes them once sent).
  int open(const char *name, int oflag, pid_t pid, uid_t uid, gid_t gid, int fds[3]);
  // The same for a [[apps.stream]]: the stream is the configuration's,
  // taken from `streams` (EBUSY while another application has it) and
  // given back, not closed, when this bridge goes.
  int attach(AppStreams *streams, AppStreams::Entry *e, pid_t pid, uid_t uid, gid_t gid,
             int fds[3]);
  // A [[apps.stream]], which no application may link under a mux.
  bool configured() const { return pinned_ != nullptr; }

  // One pass over the rings and the stream; returns the work done.
  // dirty: the service did something since this bridge's last pass (the
  // scheduler ran, another stream moved), so the stream's state may have
  // changed and is published again; a quiet pass publishes nothing.
  unsigned poll(bool dirty);
  // Whatever the application posted that poll() has not taken yet.
  bool has_input() const;
  // Before the service sleeps (on): asks the application to ring; after
  // it woke (off), so a busy application makes no system call.
  void arm_doorbell(bool on);
  int doorbell_fd() const { return dmn_r_; }
  void drain_doorbell();
  // A timed wait (an ioctl's deadline) is pending.
  bool has_deadline() const { return pend_.active && pend_.deadline_ns != 0; }

  // The daemon is stopping or gave the stream up: the application sees
  // a hangup from now on.
  void hang_up();
  // The application broke the protocol (logged once by the caller).
  bool violated() const { return violated_; }
  const char *violation() const { return why_; }
  // kOpClose was answered: the connection frees this bridge.
  bool closed() const { return closed_; }

  stdata *stream() const { return sp_; }
  // Hands the stream over (a linked lower the application closed) and
  // forgets it: the bridge then closes nothing.
  stdata *release_stream();
  uint64_t id() const { return id_; }
  const char *name() const { return name_; }
  int sig_events() const { return sigmask_; }

 private:
  struct Pending {
    bool active = false;
    shm::Request rq{};
    std::vector<uint8_t> in;  // the request's payload, copied out
    uint64_t deadline_ns = 0; // I_STR / transparent: when to give up
    bool begun = false;       // before_request ran
    int ioc_stage = 0;        // 0 not begun, 1 waiting for the module,
                              // 2 waiting for the application's data
    bool ioc_transparent = false;
    int ioc_cap = 0;          // I_STR: room for the answer
    mblk_t *copyreq = nullptr;  // the M_COPYIN/M_COPYOUT being served
  };
  enum class Step { kDone, kWait };

  unsigned drain_wr();
  bool post_one(const shm::RecHdr &h, const uint8_t *body, bool *stop);
  unsigned serve_requests();
  bool take_request(Pending *p);
  Step run(Pending &p);
  Step run_getmsg(Pending &p);
  Step run_getmsgv(Pending &p);
  Step run_read(Pending &p);
  Step run_putmsg(Pending &p);
  bool ioctl_overdue(Pending &p);
  Step run_ioctl(Pending &p);
  Step run_ioctl_wait(Pending &p);
  Step run_close(Pending &p);
  int ioctl_simple(Pending &p, int *rval, std::vector<uint8_t> *out);
  int link(Pending &p, int *rval);
  int setsig(int events);
  // A reply with payload parts; false when rep has no room (try later).
  bool reply(const shm::Reply &r, const void *a = nullptr, uint32_t na = 0,
             const void *b = nullptr, uint32_t nb = 0);
  bool reply_done(const Pending &p, int err, int64_t rval);
  bool can_reply(uint32_t payload);
  bool readable_now() const;
  // Read-ahead (bridge_readahead.cc).
  struct RdEntry {
    uint64_t end;    // rd's position after the record
    uint32_t off;    // the record's offset in rd
    uint32_t len;    // the record's length (RecHdr included)
    int32_t ctl_len, data_len;
  };
  unsigned fill_rd();
  bool sync_rd();
  bool rd_empty() const { return rd_count_ == 0; }
  void check_rflush();
  void reclaim_rd();
  void drop_rd();
  void before_request(Pending &p);
  uint32_t rd_poll_bits();
  void publish();
  void signal_changes(uint32_t old_bits, uint32_t new_bits);
  void fail(const char *why);
  void ring_app();
  void end_ioctl(Pending &p);
  void free_region();
  int make_region_and_bells(const char *name, pid_t pid, uid_t uid, gid_t gid, int fds[3]);
  void finish_open();
  // Lets the stream go: closed, or given back to the configuration.
  void put_stream();

  Conn *conn_;
  uint64_t id_;
  Counters *ctr_;
  Scratch *scratch_;
  char name_[shm::kMaxName] = {};
  cred cred_{};
  pid_t pid_ = 0;
  stdata *sp_ = nullptr;
  AppStreams *streams_ = nullptr;   // attach(): where pinned_ goes back
  AppStreams::Entry *pinned_ = nullptr;

  uint8_t *base_ = nullptr;
  shm::Header *hdr_ = nullptr;
  shm::RingReader wr_, req_;
  shm::RingWriter rep_;
  shm::RingWriter rd_;
  uint8_t *rd_base_ = nullptr;
  // What rd holds, oldest first (a ring of kRdWindow), by our own record.
  std::vector<RdEntry> rd_meta_ = std::vector<RdEntry>(shm::kRdWindow);
  uint32_t rd_first_ = 0, rd_count_ = 0;
  uint64_t rd_cons_ = 0;       // the application's position, last checked
  uint64_t rflushes_seen_ = 0; // stdata::rflushes at the last look
  // Served getmsg/getmsgv requests since a read() or an ioctl: read-ahead
  // runs from the second (an application that mixes in I_NREAD, I_PEEK or
  // read() after every message would only have it put back each time).
  unsigned ra_streak_ = 0;
  int app_w_ = -1;  // the application's doorbell (write end)
  int dmn_r_ = -1;  // ours (read end)

  Pending pend_;
  bool touched_ = false;  // something was published this pass
  bool wr_blocked_ = false;  // flow control held the first posted write
  bool violated_ = false;
  bool closed_ = false;
  bool hung_ = false;
  const char *why_ = "";

  // Last published state.
  uint64_t state_seq_ = 0;
  uint32_t pub_poll_ = 0;
  uint32_t pub_sig_ = 0;  // pub_poll_ plus read-ahead, as I_SETSIG sees it
  int pub_rerror_ = 0, pub_werror_ = 0;
  bool pub_hangup_ = false;
  bool pub_linked_ = false;
  int64_t pub_minpsz_ = -2, pub_maxpsz_ = -2, pub_maxblk_ = -2;
  // I_SETSIG.
  int sigmask_ = 0;
  uint64_t sigs_seen_ = 0;
};

}  // namespace strdp::apphead

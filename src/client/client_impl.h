// libstrdp-client's private pieces: the process's connection to streamsd,
// the client's own `struct stdata` (one per open stream) and the helpers
// the API files share. Not installed.
//
// Principles of operation (docs/shm-head.md is the protocol)
//  - One connection per process (Conn), made on the first strdp_open;
//    every open goes over it, serialised by the process lock (g_proc.mu).
//    When the daemon dies the socket reads EOF: the Conn is marked dead
//    and every stream on it behaves as hung up. A later open makes a new
//    Conn; streams of the dead one keep theirs until they are closed, so
//    no descriptor number is reused under them.
//  - A stream is a mapped region (Header + wr, req, rep, rd rings) and two
//    doorbells (eventfds or pipes). Posted writes go to wr under wr_mu;
//    requests and their replies use req/rep under req_mu, one outstanding
//    at a time. Lock order: g_proc.mu, then wr_mu, then req_mu.
//  - Waiting: spin (adaptive budget), then one thread at a time (the
//    poller) sets app_sleeping, looks once more and poll(2)s the
//    stream's doorbell and the socket for every waiter of the stream;
//    the others wait for its wake on wait_cv (wait.cc).
//  - fork(2): in the child the parent's connection and streams are gone
//    (connection.cc); its first open makes its own connection.
//  - Only libc: no exceptions, RTTI, operator new, std containers or
//    threadsafe statics; memory from malloc, locks from pthread.
#pragma once

#include <pthread.h>
#include <strdp/strdp_app.h>

#include <cerrno>
#include <cstddef>
#include <cstdint>

#include "shm/shm_proto.h"

// The library's API: everything else is hidden (-fvisibility=hidden).
#define STRDP_CLIENT_API extern "C" __attribute__((visibility("default")))

namespace strdp::client {

// The process's connection to the daemon.
struct Conn {
  int sock = -1;        // SOCK_SEQPACKET to [apps] socket
  uint32_t dead = 0;    // atomic: EOF or an error seen on sock
  uint32_t refs = 0;    // streams opened on it (g_proc.mu)
  uint64_t probe_ns = 0;  // atomic: when strdp_poll last looked at sock
};

// Process-wide state: the current connection and the open streams (the
// stream list answers "is this a stream of ours" for I_LINK and close).
struct Process {
  pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
  Conn *conn = nullptr;       // the live connection, or nullptr
  stdata *streams = nullptr;  // every open stream, any connection
  bool atfork = false;        // the fork handler is registered (mu)
};
extern Process g_proc;

// One part of a record's body (header, control bytes, data bytes...).
struct Part {
  const void *p;
  uint32_t len;
};

}  // namespace strdp::client

// The client's stream. Fields written after open carry their rule.
struct stdata {
  stdata *next = nullptr;  // g_proc.streams (g_proc.mu)
  strdp::client::Conn *conn = nullptr;
  strdp::shm::Header *hdr = nullptr;  // the mapped region
  uint64_t stream_id = 0;
  // Doorbells: eventfds or pipes (what we read or write is a wake-up,
  // never a count), so only the daemon writes ours, only we write its.
  int app_bell = -1;    // the daemon rings it (we drain it, non-blocking)
  int dmn_bell = -1;    // we ring it
  int epfd = -1;      // strdp_fd's descriptor (g_proc.mu), -1 until asked

  uint32_t nonblock = 0;   // atomic: O_NONBLOCK/O_NDELAY
  uint32_t fd_asked = 0;   // atomic: strdp_fd was called: arm kWaitAny
  uint32_t spin = 0;       // atomic (relaxed): the adaptive spin budget
  uint32_t broken = 0;     // atomic: a bad reply or the doorbell's EOF: unusable
  int wropt = 0;           // atomic: what I_SWROPT last set (SNDZERO)

  // Sleeping: one thread at a time (the poller) sleeps on the doorbell
  // for every waiter of the stream; the others wait on wait_cv for the
  // poller's wake (a doorbell drained by one thread is a wake-up lost to
  // another otherwise). wait_mu guards poller and wake_epoch.
  alignas(64) pthread_mutex_t wait_mu;
  pthread_cond_t wait_cv;
  bool poller = false;
  uint64_t wake_epoch = 0;

  // Posted writes: the wr_mu holder owns `wr`.
  alignas(64) pthread_mutex_t wr_mu;
  strdp::shm::RingWriter wr;

  // Requests: the req_mu holder owns `req`, `rep` and `seq`.
  alignas(64) pthread_mutex_t req_mu;
  strdp::shm::RingWriter req;
  strdp::shm::RingReader rep;
  strdp::shm::RecHdr rep_hdr{};  // the reply request() returned
  uint32_t seq = 0;
  // Read-ahead (readahead.cc): readers hold req_mu, so a getmsg taking
  // from rd and one asking the daemon never run at once.
  strdp::shm::RingReader rd;
  strdp::shm::RecHdr rd_hdr{};  // the record rd_next returned
};

namespace strdp::client {

// ------------------------------------------------------------ small tools

inline int fail(int err) {
  errno = err;
  return -1;
}

class Lock {  // pthread_mutex_t held for a scope
 public:
  explicit Lock(pthread_mutex_t *m) : m_(m) { pthread_mutex_lock(m_); }
  ~Lock() { pthread_mutex_unlock(m_); }
  Lock(const Lock &) = delete;
  Lock &operator=(const Lock &) = delete;

 private:
  pthread_mutex_t *m_;
};

inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#else
  __asm__ __volatile__("" ::: "memory");
#endif
}

inline int64_t clamp64(int64_t v, int64_t lo, int64_t hi) { return v < lo ? lo : v > hi ? hi : v; }

inline bool is_nonblock(const stdata *sp) { return shm::load_rlx(sp->nonblock) != 0; }
// A request's flags: the daemon answers EAGAIN at once for a
// non-blocking stream instead of waiting (it does not see
// strdp_set_nonblock otherwise).
inline uint32_t req_flags(const stdata *sp) { return is_nonblock(sp) ? uint32_t{shm::kReqNonblock} : 0u; }

// ------------------------------------------------------------ connection
// connection.cc

// The live connection (connecting if there is none), or nullptr + *err
// (ENXIO, EACCES). g_proc.mu held.
Conn *conn_get(int *err);
// One open round trip: OpenReq out, OpenRep and its three descriptors
// (memfd, app doorbell, daemon doorbell) back. 0 or an errno; on an
// error no descriptor is left open, and c may be gone (a garbled reply
// detaches it: the next open dials again). g_proc.mu held.
int conn_open(Conn *c, const char *name, int oflag, shm::OpenRep *rep, int fds[3]);
// Drops a stream's reference; frees a dead connection with the last one.
// g_proc.mu held.
void conn_unref(Conn *c);
// Makes c no longer the process's connection (freed if unused).
void conn_detach(Conn *c);
void conn_mark_dead(Conn *c);
inline bool conn_dead(const Conn *c) { return shm::load_acq(c->dead) != 0; }
// Looks at the socket without waiting: marks the connection dead at EOF.
void conn_probe(Conn *c);

// ------------------------------------------------------------ waiting
// wait.cc

// The daemon closed the stream, the connection died, a reply was bad, or
// the daemon closed the stream's doorbell (broken).
inline bool stream_gone(const stdata *sp) {
  return shm::load_acq(sp->hdr->gone) != 0 || conn_dead(sp->conn) ||
         shm::load_rlx(sp->broken) != 0;
}
// Sets bits in app_sleeping (seq_cst, so the recheck that follows and
// the daemon's swap see each other) / clears our own.
void arm(stdata *sp, uint32_t bits);
void disarm(stdata *sp, uint32_t bits);
// Rings the daemon's doorbell if it sleeps: after producing to wr or req.
void kick_daemon(stdata *sp);
// Empties the stream's doorbell; true if it had been rung.
bool drain_bell(stdata *sp);
uint32_t spin_budget(const stdata *sp);
void spin_adapt(stdata *sp, bool hit);
// One sleep on the doorbell and the socket (see wait_until).
void sleep_once(stdata *sp, bool short_sleep);

// One round of the sleeping protocol (wait.cc): the poller sleeps on the
// doorbell, anyone else waits for the poller's next wake.
void sleep_round(stdata *sp, bool short_sleep, bool (*ready)(void *), void *arg);

// Waits until ready() holds: 0, or ENXIO once the stream is gone. Spins
// first (spin_budget), then sleeps. short_sleep: the daemon may not ring
// for this (a full req ring), so sleeps are bounded.
template <class Ready>
int wait_until(stdata *sp, Ready ready, bool short_sleep = false) {
  uint32_t budget = spin_budget(sp);
  for (uint32_t i = 0; i < budget; ++i) {
    if (ready()) {
      spin_adapt(sp, true);
      return 0;
    }
    if (stream_gone(sp)) return ENXIO;
    cpu_relax();
  }
  spin_adapt(sp, false);
  // The poller arms every kWait* bit: it sleeps for every waiter of the
  // stream, whatever each waits for (sleep_round).
  for (;;) {
    if (ready()) return 0;
    if (stream_gone(sp)) return ENXIO;
    sleep_round(sp, short_sleep, [](void *r) { return (*static_cast<Ready *>(r))(); }, &ready);
  }
}

// Arms kWaitAny on the way out of every API call on a stream whose
// strdp_fd was asked for, so the descriptor turns readable at the next
// change (docs/shm-head.md).
class CallScope {
 public:
  explicit CallScope(stdata *sp) : sp_(sp) {}
  ~CallScope() {
    if (sp_ != nullptr && shm::load_rlx(sp_->fd_asked) != 0) arm(sp_, shm::kWaitAny);
  }
  CallScope(const CallScope &) = delete;
  CallScope &operator=(const CallScope &) = delete;

 private:
  stdata *sp_;
};

// ------------------------------------------------------------ records

// Writes one record of `kind` made of parts into w (room checked by the
// caller with record_len); staged: not yet published (RingWriter::flush).
uint32_t record_len(const Part *parts, int n);
void put_record(shm::RingWriter &w, uint16_t kind, const Part *parts, int n, bool staged);

// ------------------------------------------------------------ requests
// request.cc

// Sends rq (seq and in_len are set here) with payload parts, then waits
// for its reply: 0 with *rep and *out (the reply's payload, rep->out_len
// bytes, in the ring until reply_done), ENXIO (gone), EPROTO (a bad reply:
// the stream is marked broken). req_mu held.
int request(stdata *sp, shm::Request *rq, const Part *in, int nin, shm::Reply *rep,
            const uint8_t **out);
// Marks the stream unusable after a reply that broke the protocol;
// returns EPROTO.
int mark_broken(stdata *sp);
// Frees the reply request() returned. req_mu held.
void reply_done(stdata *sp);
// wr's published producer position: what a fenced request waits for.
inline uint64_t wr_fence(const stdata *sp) { return shm::load_acq(sp->hdr->wr_prod.v); }
// A fenced request with no payload and no reply payload: 0 or the
// daemon's error; *rval its rval.
int simple_request(stdata *sp, shm::Request *rq, const Part *in, int nin, int64_t *rval);

// ------------------------------------------------------------ writes
// post.cc

// What a putmsg/putpmsg was found to be by post_check.
struct PostPlan {
  const strbuf *ctl;  // nullptr: no control part
  const strbuf *data; // nullptr: no data part
  int band;
  int flags;   // PutBody.flags: MSG_BAND, or 0 for putmsg
  bool hipri;
  bool empty;  // neither part: nothing to send (success)
};
// The checks head_putmsg makes, in its order: 0 or the errno.
int post_check(stdata *sp, const strbuf *ctl, const strbuf *data, int band, int flags, bool pmsg,
               PostPlan *plan);
// Sends one checked message: posted in wr (staged: not yet published;
// flush before waiting is done here), or a kOpPutmsg request for high
// priority. wr_mu held.
int post_send(stdata *sp, const PostPlan &plan, bool staged);
// The published write-side error (werror, hangup/gone: ENXIO), or 0.
int write_error(const stdata *sp);

// ------------------------------------------------------------ reads
// read.cc

int read_error(const stdata *sp);  // the published rerror, or 0

// ------------------------------------------------------------ read-ahead
// readahead.cc

// What rd says about the next message: kMsg (at its front: *e checked,
// *bytes its control then data bytes), kEmpty, kAsk (the daemon answers
// this one: a read error, or a priority message queued ahead of rd's),
// kBad (the daemon broke the protocol). req_mu held.
enum class RdNext { kMsg, kEmpty, kAsk, kBad };
RdNext rd_next(stdata *sp, shm::MsgEntry *e, const uint8_t **bytes);
// Done with what rd_next returned; publish with sp->rd.release().
inline void rd_consume(stdata *sp) { sp->rd.consume(sp->rd_hdr); }
// rd holds a message (no lock: poll and waits look).
bool rd_has(const stdata *sp);
// The head's read queue, as published, has something a getmsg would
// take or answer (a message, a hangup): rd being empty, ask the daemon.
bool queue_readable(const stdata *sp);
// What a read does when rd is empty: 0 ask the daemon (the queue has
// something for it), 1 look at rd again (after a wait), or -EAGAIN (a
// non-blocking stream with nothing anywhere), -ENXIO (gone meanwhile).
int rd_when_empty(stdata *sp);

}  // namespace strdp::client

// The shared-memory stream head's wire format: what an application
// (libstrdp-client) and streamsd (src/apphead) exchange. Not installed;
// compiled into both sides, so both agree byte for byte (kVersion).
//
// Principles of operation
//  - Connection: one UNIX SOCK_SEQPACKET socket per application process
//    (the daemon's [apps] socket). The application sends OpenReq; the
//    daemon answers OpenRep and, on success, three descriptors with
//    SCM_RIGHTS: the stream's memfd region (sealed against shrinking, so
//    the application cannot make the daemon fault), the read end of the
//    application's doorbell pipe (the daemon writes the other end) and
//    the write end of the daemon's doorbell pipe. Doorbells are pipes, not
//    eventfds, because each side then owns its own file description: an
//    application that clears O_NONBLOCK on its end cannot make the
//    daemon's end block. Ring one by writing a byte (EAGAIN: it is rung
//    already); drain by reading until EAGAIN. Nothing else travels on the
//    socket; the socket closing is how each side learns the other died.
//  - Region: one per open stream, mapped by that stream's application
//    only. A Header, then four single-producer/single-consumer byte rings:
//      wr   application -> daemon: posted writes (putmsg/write), no reply;
//      req  application -> daemon: requests, each answered on rep, in
//           order (calls on one stream are serialised by the library);
//      rep  daemon -> application: replies;
//      rd   daemon -> application: read-ahead, the oldest ordinary
//           messages of the head's read queue moved out before they are
//           asked for, so getmsg/getmsgv take them with no round trip
//           (the rules: docs/shm-head.md "Read-ahead").
//    Writes and requests travel apart so a read (getmsg) is never stuck
//    behind writes that flow control holds. A request that must keep
//    stream order (an ioctl after writes) carries wr_fence, the wr
//    producer position when it was made: the daemon runs it only once
//    it has consumed wr up to there.
//  - Rings: byte positions only grow (u64, never wrap); a record starts
//    8-byte aligned and never crosses the ring's end (the producer fills
//    the rest of the ring with a kPad record and starts at 0). The
//    producer publishes prod with release order after writing a record;
//    the consumer publishes cons after it has copied the record out.
//  - Distrust: the daemon copies every record header and body out of
//    shared memory before it looks at them, and checks positions, lengths,
//    kinds, bands and counts against the copy. Anything wrong is a
//    protocol violation: the daemon logs one line and closes that
//    application's streams; nothing else is affected.
//  - Sleeping: each side spins a while, then sets its *_sleeping word,
//    looks once more, and sleeps on its doorbell. The other side rings
//    the doorbell only when that word is set (one relaxed load per pass
//    on the fast path).
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace strdp::shm {

constexpr uint32_t kMagic = 0x53545244;  // "STRD"
constexpr uint32_t kVersion = 2;

// Sizes. A record holds at most one message (kStrMsgSize data plus
// kStrCtlSize control, as the in-process head allows) and its header.
constexpr uint32_t kMaxData = 65536;
constexpr uint32_t kMaxCtl = 1024;
constexpr uint32_t kHeaderSize = 4096;
constexpr uint32_t kWrRingSize = 512u << 10;
constexpr uint32_t kReqRingSize = 256u << 10;
constexpr uint32_t kRepRingSize = 512u << 10;
constexpr uint32_t kRdRingSize = 512u << 10;
constexpr uint32_t kRegionSize =
    kHeaderSize + kWrRingSize + kReqRingSize + kRepRingSize + kRdRingSize;
// Read-ahead holds at most this many messages (and what fits in rd): the
// daemon keeps a private record of each (positions, lengths), so it
// never reads a length back from memory the application can write.
constexpr uint32_t kRdWindow = 1024;
// The longest name an application may open.
constexpr size_t kMaxName = 128;

inline constexpr uint32_t align8(uint32_t n) { return (n + 7u) & ~7u; }

// ---------------------------------------------------------------- socket

struct OpenReq {
  uint32_t magic;    // kMagic
  uint32_t version;  // kVersion
  int32_t oflag;     // O_RDONLY/O_WRONLY/O_RDWR | O_NONBLOCK | O_NDELAY
  uint32_t pad;
  char name[kMaxName];  // NUL terminated: "echo", "/dev/echo"
};

struct OpenRep {
  uint32_t magic;
  int32_t err;        // 0, or the errno open(2) would give
  uint64_t stream_id; // the daemon's name for it (I_LINK arguments)
  uint32_t region_size;
  uint32_t pad;
};

// ---------------------------------------------------------------- region

struct alignas(64) Line {  // one cache line holding one position/word
  uint64_t v;
};

// Who writes each field is in its comment; the other side only reads.
struct Header {
  uint32_t magic;        // daemon, once
  uint32_t version;      // daemon, once
  uint32_t wr_off, wr_size;    // daemon, once: ring offsets in the region
  uint32_t req_off, req_size;
  uint32_t rep_off, rep_size;
  uint32_t rd_off, rd_size;
  uint64_t stream_id;    // daemon, once

  Line wr_prod;   // app
  Line wr_cons;   // daemon
  Line req_prod;  // app
  Line req_cons;  // daemon
  Line rep_prod;  // daemon
  Line rep_cons;  // app
  Line rd_prod;   // daemon
  Line rd_cons;   // app
  // Read-ahead positions below rd_drop are void (a flush or an M_ERROR
  // reached the head after they were moved out): the application skips
  // them, and the daemon counts them as gone (daemon).
  Line rd_drop;

  // The stream head's state as the daemon last published it (daemon).
  // state_seq changes (grows) whenever any of them changed.
  alignas(64) uint64_t state_seq;
  uint32_t poll;       // POLLIN|POLLRDNORM|POLLRDBAND|POLLPRI (read queue),
                       // POLLOUT|POLLWRNORM (band 0 writable), POLLWRBAND
                       // (band 1 writable), POLLERR, POLLHUP
  int32_t rerror;      // M_ERROR read side (0: none)
  int32_t werror;      // M_ERROR write side
  uint32_t hangup;     // M_HANGUP arrived, or the daemon went away
  int64_t minpsz;      // the top write queue's packet sizes (writes are
  int64_t maxpsz;      // checked against them before they are posted)
  int64_t maxblk;      // SO_MAXBLK
  uint32_t gone;       // the daemon closed this stream (stop, violation)
  uint32_t linked;     // linked under a multiplexor: no head of its own

  // Sleep words: the side that sleeps sets its own (app_sleeping holds
  // what the application waits for: kWait* bits).
  alignas(64) uint32_t app_sleeping;  // app
  alignas(64) uint32_t dmn_sleeping;  // daemon
};
static_assert(sizeof(Header) <= kHeaderSize);

enum : uint32_t {
  kWaitReply = 1,   // a reply on rep
  kWaitRead = 2,    // POLLIN/POLLPRI/POLLRDBAND, an error, a hangup
  kWaitWrite = 4,   // room in wr, or POLLOUT/POLLWRBAND
  kWaitAny = 8,     // any state change (poll(2) on strdp_fd)
};

// Atomic access to fields of the shared header.
template <class T>
inline T load_acq(const T &v) {
  return std::atomic_ref<T>(const_cast<T &>(v)).load(std::memory_order_acquire);
}
template <class T>
inline void store_rel(T &v, T x) {
  std::atomic_ref<T>(v).store(x, std::memory_order_release);
}
template <class T>
inline T load_rlx(const T &v) {
  return std::atomic_ref<T>(const_cast<T &>(v)).load(std::memory_order_relaxed);
}
template <class T>
inline void store_sc(T &v, T x) {
  std::atomic_ref<T>(v).store(x, std::memory_order_seq_cst);
}
template <class T>
inline T load_sc(const T &v) {
  return std::atomic_ref<T>(const_cast<T &>(v)).load(std::memory_order_seq_cst);
}

// ---------------------------------------------------------------- records

enum Kind : uint16_t {
  kPad = 0,      // skip to the ring's end
  kPut = 1,      // wr: putmsg/putpmsg (band, flags, ctl, data)
  kWrite = 2,    // wr: one write() chunk (data only)
  kRequest = 3,  // req: Request + payload
  kReply = 4,    // rep: Reply + payload
  kMsg = 5,      // rd: MsgEntry, then ctl then data bytes
};

struct RecHdr {
  uint32_t len;   // bytes of the record, this header included (not padded)
  uint16_t kind;
  uint16_t pad;
};

// kPut / kWrite body, then ctl bytes, then data bytes.
struct PutBody {
  int32_t band;
  int32_t flags;     // MSG_BAND or 0 (high priority goes by request)
  int32_t ctl_len;   // -1: no control part
  int32_t data_len;  // -1: no data part
};

enum Op : uint32_t {
  kOpGetmsg = 1,   // a0 ctl maxlen, a1 data maxlen, a2 band, a3 flags,
                   // a4 1 = getpmsg; reply: ctl then data bytes
  kOpGetmsgv,      // a0 max messages, a1 per-message data max, a2 ctl max;
                   // reply payload: MsgEntry + bytes, one per message
  kOpRead,         // a0 length
  kOpPutmsg,       // a synchronous putmsg (high priority): PutBody+bytes
  kOpIoctl,        // a0 cmd, a1 integer argument; payload: input bytes
  kOpIocData,      // the answer to a copy request: a0 error, payload
  kOpClose,        // fenced: after every posted write
  kOpFence,        // fenced no-op: posted writes are all in the stream
};

// kOpGetmsg a4 bits.
enum : int64_t { kGetPmsg = 1, kGetCtlNull = 2, kGetDataNull = 4 };

// kOpIoctl marshalling, by command (a0 = cmd; the library checks NULL
// pointers and gives EFAULT itself; "fenced": wr_fence is set):
//  I_PUSH, I_FIND      payload: the name, up to FMNAMESZ+1 bytes (the
//                      daemon NUL-terminates it); I_PUSH fenced
//  I_POP, I_ANCHOR, I_FLUSH, I_SRDOPT, I_SWROPT, I_SERROPT, I_SETSIG,
//  I_UNLINK, I_PUNLINK a1 = the integer argument; fenced
//  I_CKBAND, I_ATMARK, I_CANPUT   a1 = the integer argument
//  I_SETCLTIME         a1 = *(int *)arg; fenced
//  I_LOOK              reply payload: the name, NUL terminated
//  I_GRDOPT, I_GWROPT, I_GERROPT, I_GETBAND, I_GETCLTIME, I_GETSIG,
//  I_NREAD             reply payload: one int32 (*(int *)arg); rval
//  I_LIST              a1 = 0: arg NULL (rval: the count); else a1 =
//                      sl_nmods; reply payload: rval names of
//                      FMNAMESZ+1 bytes each, rval = how many
//  I_FLUSHBAND         payload: struct bandinfo; fenced
//  I_PEEK              a1 = flags, a2 = ctl maxlen, a3 = data maxlen;
//                      reply: rval found, ctl_len, data_len, flags,
//                      payload ctl then data
//  I_STR               a1 = ic_cmd, a2 = ic_timout, a3 = ic_len;
//                      payload: ic_len bytes; reply payload: what
//                      comes back (at most ic_len bytes); fenced
//  I_LINK, I_PLINK     a1 = the lower stream's stream_id (a stream of
//                      the same connection); fenced
//  I_SENDFD, I_RECVFD, I_FDINSERT  refused by the library (EINVAL)
//  anything else       transparent: a1 = arg (an address in the
//                      application); replies kRepCopyIn/kRepCopyOut
//                      until kRepDone; fenced

struct Request {
  uint32_t op;
  uint32_t seq;       // echoed in the reply
  uint64_t wr_fence;  // 0: none; else run once wr_cons >= this
  int64_t a[5];
  uint32_t in_len;    // payload bytes after this struct
  uint32_t flags;     // kReqNonblock
};

// Request flags. Without kReqNonblock a getmsg/getmsgv/read waits in the
// daemon until it can answer (a message, an error, a hangup); with it the
// daemon answers EAGAIN at once.
enum : uint32_t { kReqNonblock = 1 };

enum ReplyType : uint32_t {
  kRepDone = 0,     // the answer
  kRepCopyIn = 1,   // transparent ioctl: send a0 (size) bytes from
                    // address a1, as a kOpIocData request
  kRepCopyOut = 2,  // transparent ioctl: copy the payload to address a1
                    // (a0 bytes), then answer with kOpIocData
};

struct Reply {
  uint32_t seq;
  uint32_t type;     // ReplyType
  int32_t err;       // 0, or an errno
  int32_t more;      // getmsg: MORECTL|MOREDATA
  int64_t rval;      // the call's return value (ioctl rval, byte count)
  int64_t a[2];
  int32_t ctl_len;   // getmsg, I_PEEK: -1 absent
  int32_t data_len;
  int32_t band;
  int32_t flags;
  uint32_t out_len;  // payload bytes after this struct
  uint32_t pad;
};

// One message of a kOpGetmsgv reply, then ctl then data bytes (padded
// to 8 bytes).
struct MsgEntry {
  int32_t ctl_len;  // -1: absent
  int32_t data_len;
  int32_t band;
  int32_t flags;    // MSG_HIPRI or MSG_BAND
};

// ---------------------------------------------------------------- rings

// The producer side of a ring. `base` is the ring's memory, `size` a
// power of two; `prod` and `cons` the shared positions. Single producer.
class RingWriter {
 public:
  RingWriter() = default;
  RingWriter(uint8_t *base, uint32_t size, uint64_t *prod, const uint64_t *cons)
      : base_(base), size_(size), prod_(prod), cons_(cons), pos_(load_rlx(*prod)),
        cons_seen_(load_acq(*cons)) {}

  // Room for a record of len bytes (header included), wrap padding counted.
  // The consumer's position is read again only when the last one read
  // leaves too little room: that line is written by the other core, and
  // reading it per record moved it between the cores once per message.
  bool can_reserve(uint32_t len) {
    uint32_t need = align8(len);
    uint32_t off = static_cast<uint32_t>(pos_ & (size_ - 1));
    uint32_t tail = size_ - off;
    if (need > tail) need += tail;
    if (need <= size_ - static_cast<uint32_t>(pos_ - cons_seen_)) return true;
    cons_seen_ = load_acq(*cons_);
    return need <= size_ - static_cast<uint32_t>(pos_ - cons_seen_);
  }
  // Space for a record of len bytes, or nullptr when the ring is full;
  // the caller fills it (header included) and calls commit(len).
  uint8_t *reserve(uint32_t len) {
    if (!can_reserve(len)) return nullptr;
    uint32_t off = static_cast<uint32_t>(pos_ & (size_ - 1));
    if (align8(len) > size_ - off) {
      RecHdr pad{size_ - off, kPad, 0};
      memcpy(base_ + off, &pad, sizeof pad);
      pos_ += size_ - off;
      off = 0;
    }
    return base_ + off;
  }
  // Makes the record visible (release).
  void commit(uint32_t len) {
    pos_ += align8(len);
    store_rel(*prod_, pos_);
  }
  // Stages without publishing (a batch publishes once, with flush()).
  void commit_staged(uint32_t len) { pos_ += align8(len); }
  void flush() { store_rel(*prod_, pos_); }
  uint64_t pos() const { return pos_; }
  bool empty() const { return load_acq(*cons_) == pos_; }

 private:
  uint8_t *base_ = nullptr;
  uint32_t size_ = 0;
  uint64_t *prod_ = nullptr;
  const uint64_t *cons_ = nullptr;
  uint64_t pos_ = 0;
  uint64_t cons_seen_ = 0;  // the consumer's position when last read
};

// What a consumer found at its position.
enum class Peek { kEmpty, kRecord, kBad };

// The consumer side. peek() copies the record header out of the ring
// and checks it against the positions before anything trusts it.
class RingReader {
 public:
  RingReader() = default;
  RingReader(const uint8_t *base, uint32_t size, const uint64_t *prod, uint64_t *cons)
      : base_(base), size_(size), prod_(prod), cons_(cons), pos_(load_rlx(*cons)),
        prod_seen_(load_acq(*prod)) {}

  // kRecord: *hdr is a checked copy and *body points to the record's
  // body in the ring (hdr->len - 8 bytes, not crossing the end; copy
  // it before use if the other side is not trusted). kPad records are
  // skipped here.
  Peek peek(RecHdr *hdr, const uint8_t **body) {
    for (;;) {
      // The producer's position is read again only once what was seen
      // last is used up (see RingWriter::can_reserve).
      if (prod_seen_ == pos_) prod_seen_ = load_acq(*prod_);
      uint64_t prod = prod_seen_;
      if (prod == pos_) return Peek::kEmpty;
      uint64_t avail = prod - pos_;
      if (avail > size_ || (avail & 7u) != 0) return Peek::kBad;
      uint32_t off = static_cast<uint32_t>(pos_ & (size_ - 1));
      memcpy(hdr, base_ + off, sizeof *hdr);
      uint32_t tail = size_ - off;
      if (hdr->kind == kPad) {
        if (hdr->len != tail || tail > avail) return Peek::kBad;
        pos_ += tail;
        continue;
      }
      if (hdr->len < sizeof(RecHdr) || align8(hdr->len) > tail || align8(hdr->len) > avail)
        return Peek::kBad;
      *body = base_ + off + sizeof(RecHdr);
      return Peek::kRecord;
    }
  }
  // Done with the record peek() returned; publish with release().
  void consume(const RecHdr &hdr) { pos_ += align8(hdr.len); }
  void release() { store_rel(*cons_, pos_); }
  uint64_t pos() const { return pos_; }
  bool empty() const { return load_acq(*prod_) == pos_; }
  // Skips to p, a later position the producer has published as a record
  // boundary (rd_drop); true if it moved (release() publishes it).
  bool skip_to(uint64_t p) {
    if (p <= pos_) return false;
    prod_seen_ = load_acq(*prod_);
    if (p > prod_seen_) return false;
    pos_ = p;
    return true;
  }

 private:
  const uint8_t *base_ = nullptr;
  uint32_t size_ = 0;
  const uint64_t *prod_ = nullptr;
  uint64_t *cons_ = nullptr;
  uint64_t pos_ = 0;
  uint64_t prod_seen_ = 0;  // the producer's position when last read
};

}  // namespace strdp::shm

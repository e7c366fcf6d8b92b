// The read side: getmsg/getpmsg and read(2), each one request that the
// daemon answers when it can (a message, an error, a hangup, end of
// file), or at once with EAGAIN under kReqNonblock.
//
// Arguments are checked here with the in-process head's errors
// (src/head/head_read.cc), before the request: a message the daemon has
// taken off the queue could not be put back if the copy then failed. So
// a NULL buffer gives EFAULT even when nothing is queued.
//
// One reply holds at most one record's worth (kMaxCtl control, kMaxData
// data): a larger maxlen is asked for as that, and the rest of a bigger
// message stays queued (MORECTL/MOREDATA) as for a short buffer.
//
// A getmsg that any ordinary message answers takes it from read-ahead
// (readahead.cc) when it fits whole; one that must not (RS_HIPRI, a band
// above 0, a partial read) or finds a priority message queued asks.
#include <cstring>

#include "client/client_impl.h"

namespace strdp::client {

int read_error(const stdata *sp) { return shm::load_acq(sp->hdr->rerror); }

namespace {

// End of file: both parts empty, as the in-process head answers after a
// hangup (docs/shm-head.md "Hangup, close, death").
void eof_parts(strbuf *ctl, strbuf *data) {
  if (ctl != nullptr) ctl->len = 0;
  if (data != nullptr) data->len = 0;
}

// A getmsg's flags argument, checked as head_getmsg does: 0 or EINVAL.
int check_flags(int flags, int *bandp, bool pmsg) {
  if (!pmsg) return flags != 0 && flags != RS_HIPRI ? EINVAL : 0;
  switch (flags) {
    case MSG_HIPRI:
    case MSG_ANY: return 0;
    case MSG_BAND: return *bandp < 0 || *bandp > 255 ? EINVAL : 0;
    default: return EINVAL;
  }
}

// Copies one part of a reply. A part not asked for (null) has no bytes
// in the payload whatever its length says; false if the daemon sent
// more than was asked.
bool take_part(strbuf *sb, bool null, int32_t len, int64_t max, const uint8_t **p,
               uint32_t *left) {
  if (len < -1) return false;
  if (null || len <= 0) return true;
  if (len > max || static_cast<uint32_t>(len) > *left) return false;
  memcpy(sb->buf, *p, static_cast<size_t>(len));
  *p += len;
  *left -= static_cast<uint32_t>(len);
  return true;
}

// The message at rd's front fits the buffers whole; a part asked for as
// NULL (or with maxlen < 0) fits only if the message has none (a
// zero-length control part still leaves MORECTL in-process; data needs
// bytes for MOREDATA).
bool fits_whole(const shm::MsgEntry &e, const strbuf *ctl, bool cnull, const strbuf *data,
                bool dnull) {
  bool c = e.ctl_len < 0 || (!cnull && ctl->maxlen >= e.ctl_len);
  bool d = e.data_len <= 0 || (!dnull && data->maxlen >= e.data_len);
  return c && d;
}

// One message from read-ahead: 1 taken, 0 ask the daemon, or -errno
// (EAGAIN non-blocking with nothing anywhere, ENXIO gone, EPROTO).
// req_mu held.
int getmsg_ahead(stdata *sp, strbuf *ctl, bool cnull, strbuf *data, bool dnull, int *bandp,
                 int *flagsp, bool pmsg) {
  for (;;) {
    shm::MsgEntry e;
    const uint8_t *bytes;
    switch (rd_next(sp, &e, &bytes)) {
      case RdNext::kBad: return -mark_broken(sp);
      case RdNext::kAsk: return 0;
      case RdNext::kMsg: {
        if (!fits_whole(e, ctl, cnull, data, dnull)) return 0;
        size_t nc = e.ctl_len > 0 ? static_cast<size_t>(e.ctl_len) : 0;
        if (!cnull) {
          if (nc != 0) memcpy(ctl->buf, bytes, nc);
          ctl->len = e.ctl_len;
        }
        if (!dnull) {
          if (e.data_len > 0) memcpy(data->buf, bytes + nc, static_cast<size_t>(e.data_len));
          data->len = e.data_len;
        }
        rd_consume(sp);
        sp->rd.release();
        if (pmsg) {
          *flagsp = MSG_BAND;
          *bandp = 0;
        } else {
          *flagsp = 0;
        }
        return 1;
      }
      case RdNext::kEmpty: break;
    }
    if (int r = rd_when_empty(sp); r <= 0) return r;
  }
}

int getmsg_common(stdata *sp, strbuf *ctl, strbuf *data, int *bandp, int *flagsp, bool pmsg,
                  int *more) {
  *more = 0;
  if (flagsp == nullptr || (pmsg && bandp == nullptr)) return EINVAL;
  if (int e = check_flags(*flagsp, bandp, pmsg); e != 0) return e;
  if ((ctl != nullptr && ctl->maxlen > 0 && ctl->buf == nullptr) ||
      (data != nullptr && data->maxlen > 0 && data->buf == nullptr))
    return EFAULT;
  if (stream_gone(sp)) {
    eof_parts(ctl, data);
    return 0;
  }
  // A NULL strbuf and a negative maxlen both leave that part queued
  // (MORECTL/MOREDATA); only a strbuf with maxlen >= 0 gets its len set.
  bool cnull = ctl == nullptr || ctl->maxlen < 0;
  bool dnull = data == nullptr || data->maxlen < 0;
  shm::Request rq{};
  rq.op = shm::kOpGetmsg;
  rq.a[0] = cnull ? 0 : clamp64(ctl->maxlen, 0, shm::kMaxCtl);
  rq.a[1] = dnull ? 0 : clamp64(data->maxlen, 0, shm::kMaxData);
  rq.a[2] = pmsg && *flagsp == MSG_BAND ? *bandp : 0;
  rq.a[3] = *flagsp;
  rq.a[4] = (pmsg ? int64_t{shm::kGetPmsg} : 0) | (cnull ? int64_t{shm::kGetCtlNull} : 0) |
            (dnull ? int64_t{shm::kGetDataNull} : 0);
  rq.flags = req_flags(sp);

  Lock l(&sp->req_mu);
  bool any = pmsg ? *flagsp == MSG_ANY || (*flagsp == MSG_BAND && *bandp == 0) : *flagsp == 0;
  if (any) {
    int got = getmsg_ahead(sp, ctl, cnull, data, dnull, bandp, flagsp, pmsg);
    if (got == -ENXIO) {  // gone while we waited: end of file
      eof_parts(ctl, data);
      return 0;
    }
    if (got != 0) return got > 0 ? 0 : -got;
  }
  shm::Reply rep;
  const uint8_t *out;
  int e = request(sp, &rq, nullptr, 0, &rep, &out);
  if (e == ENXIO) {  // gone while we waited: end of file
    eof_parts(ctl, data);
    return 0;
  }
  if (e != 0) return e;
  e = rep.type != shm::kRepDone ? EPROTO : rep.err;
  if (e == 0) {
    uint32_t left = rep.out_len;
    if (!take_part(ctl, cnull, rep.ctl_len, rq.a[0], &out, &left) ||
        !take_part(data, dnull, rep.data_len, rq.a[1], &out, &left)) {
      e = mark_broken(sp);
    } else {
      // MORECTL/MOREDATA: in `more`, or as the call's value in rval.
      int m = (rep.more | (rep.rval > 0 ? static_cast<int>(rep.rval) : 0)) & (MORECTL | MOREDATA);
      bool eof = rep.ctl_len == -1 && rep.data_len == -1 && m == 0;
      if (ctl != nullptr && (!cnull || eof)) ctl->len = cnull ? -1 : rep.ctl_len;
      if (data != nullptr && (!dnull || eof)) data->len = dnull ? -1 : rep.data_len;
      *more = m;
      if (!eof) {
        bool hi = (rep.flags & MSG_HIPRI) != 0;
        if (!pmsg) {
          *flagsp = hi ? RS_HIPRI : 0;
        } else {
          *flagsp = hi ? MSG_HIPRI : MSG_BAND;
          *bandp = hi ? 0 : rep.band;
        }
      }
    }
  }
  reply_done(sp);
  return e;
}

}  // namespace

}  // namespace strdp::client

using namespace strdp::client;
namespace shm = strdp::shm;

STRDP_CLIENT_API int strdp_getmsg(strdp_stream_t *sp, strbuf *ctl, strbuf *data, int *flagsp) {
  if (sp == nullptr) return fail(EBADF);
  CallScope scope(sp);
  int more;
  int e = getmsg_common(sp, ctl, data, nullptr, flagsp, false, &more);
  return e != 0 ? fail(e) : more;
}

STRDP_CLIENT_API int strdp_getpmsg(strdp_stream_t *sp, strbuf *ctl, strbuf *data, int *bandp,
                                   int *flagsp) {
  if (sp == nullptr) return fail(EBADF);
  CallScope scope(sp);
  int more;
  int e = getmsg_common(sp, ctl, data, bandp, flagsp, true, &more);
  return e != 0 ? fail(e) : more;
}

// read(2): the stream's read mode (I_SRDOPT) is the daemon's; at most
// kMaxData bytes per call (a short read, as read(2) may give).
STRDP_CLIENT_API ssize_t strdp_read(strdp_stream_t *sp, void *buf, size_t len) {
  if (sp == nullptr) return fail(EBADF);
  CallScope scope(sp);
  if (len > 0 && buf == nullptr) return fail(EFAULT);
  if (stream_gone(sp)) return 0;
  // Reads nothing, consumes nothing: only a pending read error shows.
  if (len == 0) {
    int e = read_error(sp);
    return e != 0 ? fail(e) : 0;
  }
  shm::Request rq{};
  rq.op = shm::kOpRead;
  rq.a[0] = len < shm::kMaxData ? static_cast<int64_t>(len) : shm::kMaxData;
  rq.flags = req_flags(sp);
  Lock l(&sp->req_mu);
  shm::Reply rep;
  const uint8_t *out;
  int e = request(sp, &rq, nullptr, 0, &rep, &out);
  if (e == ENXIO) return 0;
  if (e != 0) return fail(e);
  e = rep.type != shm::kRepDone ? EPROTO : rep.err;
  ssize_t got = 0;
  if (e == 0) {
    if (rep.out_len > rq.a[0]) {
      e = mark_broken(sp);
    } else {
      memcpy(buf, out, rep.out_len);
      got = rep.out_len;
    }
  }
  reply_done(sp);
  return e != 0 ? fail(e) : got;
}

// Records into the rings, and the request/reply round trip: one request
// outstanding per stream (req_mu), its reply matched by seq.
#include <cstring>

#include "client/client_impl.h"

namespace strdp::client {

uint32_t record_len(const Part *parts, int n) {
  uint32_t len = sizeof(shm::RecHdr);
  for (int i = 0; i < n; ++i) len += parts[i].len;
  return len;
}

void put_record(shm::RingWriter &w, uint16_t kind, const Part *parts, int n, bool staged) {
  uint32_t len = record_len(parts, n);
  uint8_t *p = w.reserve(len);
  shm::RecHdr h{len, kind, 0};
  memcpy(p, &h, sizeof h);
  uint32_t off = sizeof h;
  for (int i = 0; i < n; ++i) {
    if (parts[i].len > 0) memcpy(p + off, parts[i].p, parts[i].len);
    off += parts[i].len;
  }
  if (staged)
    w.commit_staged(len);
  else
    w.commit(len);
}

// The daemon closes a connection that breaks the protocol; a reply that
// cannot be trusted makes the stream unusable the same way.
int mark_broken(stdata *sp) {
  shm::store_rel(sp->broken, 1u);
  return EPROTO;
}

namespace {
constexpr int kMaxParts = 4;
}  // namespace

int request(stdata *sp, shm::Request *rq, const Part *in, int nin, shm::Reply *rep,
            const uint8_t **out) {
  if (stream_gone(sp)) return ENXIO;
  Part parts[kMaxParts];
  parts[0] = {rq, sizeof *rq};
  uint32_t in_len = 0;
  for (int i = 0; i < nin && i + 1 < kMaxParts; ++i) {
    parts[i + 1] = in[i];
    in_len += in[i].len;
  }
  int nparts = nin + 1 < kMaxParts ? nin + 1 : kMaxParts;
  rq->seq = ++sp->seq;
  rq->in_len = in_len;
  uint32_t len = record_len(parts, nparts);
  if (!sp->req.can_reserve(len)) {
    // The daemon has not released req yet; it may not ring for that.
    kick_daemon(sp);
    auto room = [&] { return sp->req.can_reserve(len); };
    if (int e = wait_until(sp, room, true); e != 0) return e;
  }
  put_record(sp->req, shm::kRequest, parts, nparts, false);
  kick_daemon(sp);

  const uint8_t *body = nullptr;
  shm::Peek pk = shm::Peek::kEmpty;
  auto replied = [&] {
    pk = sp->rep.peek(&sp->rep_hdr, &body);
    return pk != shm::Peek::kEmpty;
  };
  if (int e = wait_until(sp, replied); e != 0) return e;
  const shm::RecHdr &h = sp->rep_hdr;
  if (pk != shm::Peek::kRecord || h.kind != shm::kReply ||
      h.len < sizeof(shm::RecHdr) + sizeof(shm::Reply))
    return mark_broken(sp);
  memcpy(rep, body, sizeof *rep);
  uint32_t room = h.len - static_cast<uint32_t>(sizeof(shm::RecHdr) + sizeof(shm::Reply));
  if (rep->seq != rq->seq || rep->out_len > room || rep->type > shm::kRepCopyOut)
    return mark_broken(sp);
  *out = body + sizeof(shm::Reply);
  return 0;
}

void reply_done(stdata *sp) {
  sp->rep.consume(sp->rep_hdr);
  sp->rep.release();
}

int simple_request(stdata *sp, shm::Request *rq, const Part *in, int nin, int64_t *rval) {
  shm::Reply rep;
  const uint8_t *out;
  if (int e = request(sp, rq, in, nin, &rep, &out); e != 0) return e;
  reply_done(sp);
  if (rep.type != shm::kRepDone) return mark_broken(sp);
  *rval = rep.rval;
  return rep.err;
}

}  // namespace strdp::client

// Read-ahead: the messages the daemon moved from the head's read queue
// into rd before they were asked for (docs/shm-head.md "Read-ahead").
// getmsg/getpmsg and getmsgv take them here without a round trip; what rd
// cannot answer as the in-process head would (a priority message queued
// ahead, a read error, a buffer too small for the message) goes to the
// daemon as a request, which first puts rd's messages back on the queue.
#include <poll.h>

#include <cstring>

#include "client/client_impl.h"

namespace strdp::client {

namespace {

constexpr uint32_t kQueueBits = POLLIN | POLLRDNORM | POLLRDBAND | POLLPRI;

}  // namespace

RdNext rd_next(stdata *sp, shm::MsgEntry *e, const uint8_t **bytes) {
  const shm::Header *h = sp->hdr;
  if (shm::load_acq(h->rerror) != 0 || (shm::load_acq(h->poll) & (POLLPRI | POLLRDBAND)) != 0 ||
      shm::load_acq(h->linked) != 0)
    return RdNext::kAsk;
  // Messages a flush voided after the daemon moved them out. The space
  // is published as free at once: the daemon reuses only what rd_cons
  // passed, and a reader that finds nothing behind the voided span would
  // otherwise hold it until its next message, which could never come
  // ahead if the span filled rd.
  if (sp->rd.skip_to(shm::load_acq(h->rd_drop.v))) sp->rd.release();
  const uint8_t *body;
  switch (sp->rd.peek(&sp->rd_hdr, &body)) {
    case shm::Peek::kEmpty: return RdNext::kEmpty;
    case shm::Peek::kBad: return RdNext::kBad;
    case shm::Peek::kRecord: break;
  }
  const shm::RecHdr &rh = sp->rd_hdr;
  if (rh.kind != shm::kMsg || rh.len < sizeof(shm::RecHdr) + sizeof(shm::MsgEntry))
    return RdNext::kBad;
  memcpy(e, body, sizeof *e);
  uint32_t room = rh.len - static_cast<uint32_t>(sizeof(shm::RecHdr) + sizeof(shm::MsgEntry));
  if (e->ctl_len < -1 || e->ctl_len > static_cast<int32_t>(shm::kMaxCtl) || e->data_len < -1 ||
      e->data_len > static_cast<int32_t>(shm::kMaxData) || (e->ctl_len < 0 && e->data_len < 0) ||
      static_cast<uint32_t>((e->ctl_len > 0 ? e->ctl_len : 0) +
                            (e->data_len > 0 ? e->data_len : 0)) != room)
    return RdNext::kBad;
  *bytes = body + sizeof(shm::MsgEntry);
  return RdNext::kMsg;
}

bool rd_has(const stdata *sp) {
  const shm::Header *h = sp->hdr;
  uint64_t prod = shm::load_acq(h->rd_prod.v);
  uint64_t cons = shm::load_acq(h->rd_cons.v);
  uint64_t drop = shm::load_acq(h->rd_drop.v);
  return prod > (cons > drop ? cons : drop);
}

bool queue_readable(const stdata *sp) {
  const shm::Header *h = sp->hdr;
  return (shm::load_acq(h->poll) & kQueueBits) != 0 || shm::load_acq(h->hangup) != 0 ||
         shm::load_acq(h->rerror) != 0 || shm::load_acq(h->linked) != 0;
}

int rd_when_empty(stdata *sp) {
  if (queue_readable(sp)) return 0;
  if (is_nonblock(sp)) return -EAGAIN;
  int err = wait_until(sp, [sp] { return rd_has(sp) || queue_readable(sp); });
  return err != 0 ? -err : 1;
}

}  // namespace strdp::client

// The sniffer's ioctls: SNIF_SETARGS (== STRDP_IOC_MODARGS) and
// SNIF_GETSTATS (<strdp/sniffer.h>).
//
// SETARGS is all or nothing: everything a new setting needs is made
// first (the filter compiled, the target looked up, the file opened, the
// output change queued to the writer), and only then is the new state
// put in force. A bad argument leaves the sniffer exactly as it was and
// fails the ioctl with a cmn_err line naming the argument and the
// reason. This runs on the sniffer's own scheduler, between two
// messages: the data path sees the old settings or the new ones, never a
// mix.
#include <rte_ethdev.h>
#include <sys/types.h>
#include <sys/stream.h>
#include <sys/strsun.h>
#include <sys/ddi.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "sniffer_impl.h"
#include "stream/stream_impl.h"

namespace strdp::snif {
namespace {

// The ioctl's data as text, up to its first NUL; false if it has none.
bool ioc_text(const mblk_t *mp, std::string *out) {
  const auto *iocp = reinterpret_cast<const iocblk *>(mp->b_rptr);
  if (iocp->ioc_count == TRANSPARENT) return false;
  out->clear();
  size_t want = iocp->ioc_count;
  for (const mblk_t *b = mp->b_cont; b != nullptr && out->size() < want; b = b->b_cont) {
    if (b->b_datap->db_type != M_DATA) continue;
    size_t k = std::min(static_cast<size_t>(MBLKL(b)), want - out->size());
    out->append(reinterpret_cast<const char *>(b->b_rptr), k);
  }
  if (size_t nul = out->find('\0'); nul != std::string::npos) out->resize(nul);
  return true;
}

int refuse(const std::string &why, int err) {
  cmn_err(CE_WARN, "sniffer: %s", why.c_str());
  return err;
}

std::string quoted(const char *key, const std::string &v) { return std::string(key) + "='" + v + "'"; }

// Applies the arguments in text; 0 or the error for the NAK.
int set_args(queue_t *q, Sniffer *sn, const std::string &text) {
  Args a;
  std::string why;
  if (!parse_args(text, &a, &why)) return refuse(why, EINVAL);

  Settings next = sn->cfg;
  if (a.file) next.file = *a.file;
  if (a.filter) next.filter = *a.filter;
  if (a.to) next.to = *a.to;
  if (a.snaplen) next.snaplen = *a.snaplen;
  if (a.dir) next.dir = *a.dir;
  if (a.port) next.port = *a.port;
  if (a.queue) next.queue = *a.queue;

  if (!next.file.empty() && !next.to.empty())
    return refuse(quoted("file", next.file) + " " + quoted("to", next.to) +
                      ": a sniffer writes a file or feeds a stream, not both",
                  EINVAL);
  if (a.port && *a.port >= 0 && !rte_eth_dev_is_valid_port(static_cast<uint16_t>(*a.port)))
    return refuse("port=" + std::to_string(*a.port) + ": no such ethdev port", EINVAL);

  std::unique_ptr<Filter> filter;
  if (a.filter && !a.filter->empty()) {
    filter = Filter::compile(*a.filter, &why);
    if (!filter) return refuse(quoted("filter", *a.filter) + ": " + why, EINVAL);
  }

  Target target;
  if (a.to && !a.to->empty()) {
    int err = 0;
    if (!target.set(*a.to, sn->sched, &err))
      return refuse("to=" + *a.to + (err == EXDEV ? ": that stream belongs to another scheduler and is not shared"
                                                  : ": no stream of that name"),
                    err);
  }

  std::shared_ptr<PcapFile> file = sn->file;
  if (a.file) {
    file = nullptr;
    if (!a.file->empty()) {
      file = PcapFile::open(*a.file, sn);
      if (!file) {
        int err = errno;
        return refuse("file=" + *a.file + ": " +
                          (err == EBUSY ? "another sniffer is writing it" : strerror(err)),
                      err);
      }
    }
  }

  // The writer learns of a new file or new packet settings through the
  // ring, after the packets that went before.
  bool out_changes = a.file || (!next.file.empty() && (a.port || a.queue || a.snaplen));
  if (out_changes && (file || sn->cap != nullptr)) {
    if (sn->cap == nullptr && (sn->cap = Capture::create()) == nullptr)
      return refuse(std::string("file: cannot start the writer: ") + strerror(errno), ENOMEM);
    Output *o = nullptr;
    if (file) {
      o = new (std::nothrow) Output;
      if (o == nullptr) return refuse("out of memory", ENOMEM);
      o->file = file;
      o->port = next.port;
      o->queue = next.queue;
      o->snaplen = next.snaplen;
      o->ifname = "strdp:" + q->q_stream->drv->name;
    }
    if (!sn->cap->post_output(o)) {
      delete o;
      return refuse("the writer has not caught up with the last change yet; retry", EBUSY);
    }
  }

  // Commit.
  if (a.filter) sn->filter = std::move(filter);
  if (a.to) sn->target = target;
  sn->file = std::move(file);
  sn->cfg = std::move(next);
  sniffer_update_on(sn);
  return 0;
}

void get_stats(const Sniffer *sn, snif_stats *st) {
  snif_side_stats *out[2] = {&st->rd, &st->wr};
  for (unsigned s = 0; s < 2; ++s) {
    const SideCounters &c = sn->side[s];
    // written + lost never exceeds what was enqueued, which only this
    // thread moves: queued is exact at the moment of reading.
    uint64_t w = sn->cap ? sn->cap->written(static_cast<Side>(s)) : 0;
    uint64_t l = sn->cap ? sn->cap->lost(static_cast<Side>(s)) : 0;
    out[s]->seen = c.seen;
    out[s]->skipped = c.skipped;
    out[s]->filtered = c.filtered;
    out[s]->captured = c.sent + w;
    out[s]->dropped = c.dropped + l;
    out[s]->queued = c.enqueued - w - l;
  }
}

}  // namespace

bool sniffer_ioctl(queue_t *q, mblk_t *mp) {
  if (MBLKL(mp) < static_cast<ssize_t>(sizeof(iocblk))) return false;
  auto *iocp = reinterpret_cast<iocblk *>(mp->b_rptr);
  auto *sn = static_cast<Sniffer *>(q->q_ptr);
  switch (iocp->ioc_cmd) {
    case SNIF_SETARGS: {
      std::string text;
      if (!ioc_text(mp, &text)) {
        miocnak(q, mp, 0, refuse("SNIF_SETARGS: I_STR only, with the arguments as its data", EINVAL));
        return true;
      }
      int err = set_args(q, sn, text);
      if (err != 0) miocnak(q, mp, 0, err);
      else miocack(q, mp, 0, 0);
      return true;
    }
    case SNIF_GETSTATS: {
      if (iocp->ioc_count == TRANSPARENT || iocp->ioc_count < sizeof(snif_stats)) {
        miocnak(q, mp, 0, EINVAL);
        return true;
      }
      mblk_t *bp = allocb(sizeof(snif_stats), BPRI_MED);
      if (bp == nullptr) {
        miocnak(q, mp, 0, ENOSR);
        return true;
      }
      snif_stats st{};
      get_stats(sn, &st);
      memcpy(bp->b_wptr, &st, sizeof st);
      bp->b_wptr += sizeof st;
      if (mp->b_cont != nullptr) freemsg(mp->b_cont);
      mp->b_cont = bp;
      miocack(q, mp, sizeof st, 0);
      return true;
    }
    default:
      return false;
  }
}

}  // namespace strdp::snif

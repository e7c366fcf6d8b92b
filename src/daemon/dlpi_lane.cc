// DLPI on a pmd lane: attach a (port, queue), then raw mode or bind.
// Runs on the lane's own lcore: the answer comes back through the lane's
// head, so the wait runs that lcore's scheduler (bounded in time).
#include <strdp/dlpi.h>

#include <cerrno>
#include <chrono>
#include <cstring>

#include "daemon/lane.h"

namespace strdp::daemon {

namespace {

std::string dl_error_text(const dl_error_ack_t &e) {
  std::string s = "DL_ERROR_ACK dl_errno " + std::to_string(e.dl_errno);
  if (e.dl_errno == DL_SYSERR) s += " (" + std::string(strerror(static_cast<int>(e.dl_unix_errno))) + ")";
  if (e.dl_errno == DL_BADPPA) s += " (no such port or queue)";
  if (e.dl_errno == DL_OUTSTATE) s += " (wrong state)";
  if (e.dl_errno == DL_BADADDR || e.dl_errno == DL_BADSAP) s += " (bad SAP)";
  return s;
}

// Sends a DLPI request and waits for the acknowledgement `want` (or a
// DL_ERROR_ACK). The stream is O_NONBLOCK: getmsg says EAGAIN until the
// answer is there, and a pass of this lcore's scheduler brings it.
int dlpi_call(strdp_stream_t *sp, const void *req, size_t len, t_uscalar_t want,
              const char *what, std::string *why) {
  strbuf ctl{0, static_cast<int>(len), static_cast<char *>(const_cast<void *>(req))};
  if (strdp_putmsg(sp, &ctl, nullptr, 0) < 0) {
    int err = errno;
    *why = std::string(what) + ": putmsg: " + strerror(err);
    return err;
  }
  union {
    t_uscalar_t prim;
    dl_error_ack_t err;
    dl_ok_ack_t ok;
    dl_bind_ack_t bind;
    char raw[256];
  } ans;
  strdp_sched_t *s = strdp_stream_sched(sp);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(kDlpiTimeoutMs);
  for (;;) {
    strbuf in{sizeof ans.raw, 0, ans.raw};
    char data[64];
    strbuf din{sizeof data, 0, data};
    int flags = 0;
    int r = strdp_getmsg(sp, &in, &din, &flags);
    if (r >= 0) {
      if (in.len < static_cast<int>(sizeof(t_uscalar_t))) continue;  // not DLPI: skip
      if (ans.prim == DL_ERROR_ACK && in.len >= static_cast<int>(sizeof(dl_error_ack_t))) {
        *why = std::string(what) + ": " + dl_error_text(ans.err);
        return ans.err.dl_errno == DL_SYSERR && ans.err.dl_unix_errno != 0
                   ? static_cast<int>(ans.err.dl_unix_errno)
                   : EPROTO;
      }
      if (ans.prim == want) return 0;
      continue;  // something else went up first (a frame, a notification)
    }
    if (errno != EAGAIN) {
      int err = errno;
      *why = std::string(what) + ": getmsg: " + strerror(err);
      return err;
    }
    if (std::chrono::steady_clock::now() > deadline) {
      *why = std::string(what) + ": no answer from the driver";
      return ETIME;
    }
    strdp_sched_run(s);
  }
}

}  // namespace

int dlpi_attach(strdp_stream_t *sp, uint32_t ppa, std::string *why) {
  dl_attach_req_t req{};
  req.dl_primitive = DL_ATTACH_REQ;
  req.dl_ppa = ppa;
  return dlpi_call(sp, &req, sizeof req, DL_OK_ACK, "DL_ATTACH_REQ", why);
}

int dlpi_bind(strdp_stream_t *sp, uint32_t sap, std::string *why) {
  dl_bind_req_t req{};
  req.dl_primitive = DL_BIND_REQ;
  req.dl_sap = sap;
  req.dl_service_mode = DL_CLDLS;
  return dlpi_call(sp, &req, sizeof req, DL_BIND_ACK, "DL_BIND_REQ", why);
}

int dlpi_raw(strdp_stream_t *sp, std::string *why) {
  strioctl ic{};
  ic.ic_cmd = DLIOCRAW;
  ic.ic_timout = kDlpiTimeoutMs / 1000;
  if (strdp_ioctl(sp, I_STR, reinterpret_cast<intptr_t>(&ic)) >= 0) return 0;
  int err = errno;
  *why = std::string("DLIOCRAW: ") + strerror(err);
  return err;
}

}  // namespace strdp::daemon

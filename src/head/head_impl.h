// Shared pieces of the in-process stream head. Not installed.
#pragma once

#include <strdp/strdp.h>

#include "stream/stream_impl.h"

namespace strdp {

inline long MBLKL_(const mblk_t *mp) { return static_cast<long>(mp->b_wptr - mp->b_rptr); }

// Limits of what one putmsg/write/ioctl may carry (Solaris strmsgsz and
// strctlsz defaults).
constexpr long kStrMsgSize = 65536;
constexpr long kStrCtlSize = 1024;
// I_STR ic_timout 0 means this many seconds (streamio).
constexpr int kDefaultIoctlTimeoutS = 15;

// Flushes the head's read queue (one band with FLUSHBAND in flags) and
// notes whether a high-priority message is still queued.
void head_flush_read(stdata *sp, int flags, unsigned band);

// The error a read-side call reports, if any (RERRNONPERSIST clears it).
int head_read_error(stdata *sp);
int head_write_error(stdata *sp);

// Each returns 0 (or a count/bit set as noted) or a positive errno.
int head_getmsg(stdata *sp, strbuf *ctl, strbuf *data, int *bandp, int *flagsp, bool pmsg,
                int *more);
int head_peek(stdata *sp, strpeek *pk, int *found);
// Takes the first n messages off the read queue whole, as n getmsg calls
// would, for a caller that has read them in place and seen each to be an
// ordinary band-0 message; returns them chained by b_next.
mblk_t *head_take_front(stdata *sp, unsigned n);
int head_read(stdata *sp, void *buf, size_t len, size_t *got);
int head_putmsg(stdata *sp, const strbuf *ctl, const strbuf *data, int band, int flags, bool pmsg);
int head_write(stdata *sp, const void *buf, size_t len, size_t *put);
int head_ioctl(stdata *sp, int cmd, intptr_t arg, int *rval);
int head_ioctl_str(stdata *sp, strioctl *ic, int *rval);
int head_ioctl_transparent(stdata *sp, int cmd, intptr_t arg, int *rval);

// The packet sizes a write must keep (the topmost queue below the head's
// q_minpsz/q_maxpsz, the latter cut to SO_MAXBLK).
void head_psz_limits(stdata *sp, ssize_t *minp, ssize_t *maxp);

// Whether the first queued message can be read whole into buffers of
// cmax control and dmax data bytes (-1: none), as a getmsgv batch takes
// it: 0 (and its sizes in *ctl/*data), ENODATA (nothing queued), EBADMSG
// (not M_DATA/M_PROTO/M_PCPROTO: getmsg's business) or EMSGSIZE.
int head_next_whole(stdata *sp, int cmax, int dmax, long *ctl, long *data);

// Pieces of the ioctl rounds, shared with the apps service (src/apphead),
// which runs them without blocking its thread.
// The I_STR timeout in seconds for ic_timout (-1: none).
int head_ioctl_timeout_s(int ic_timout);
// Copies at most max data bytes of message b to dst; returns the count.
size_t head_copy_data_out(const mblk_t *b, char *dst, size_t max);
// The final answer (M_IOCACK/M_IOCNAK): 0 with *rval, or the module's error.
int head_ioc_finish(const mblk_t *reply, int *rval);
// Turns a copy request into its M_IOCDATA answer (copyresp overlays the
// first fields of copyreq) carrying rval.
void head_to_iocdata(mblk_t *mp, int rval);

}  // namespace strdp

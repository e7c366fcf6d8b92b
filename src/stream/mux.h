// Multiplexor links (I_LINK, I_PLINK, I_UNLINK, I_PUNLINK) and autopush:
// what stream open/close, the head and the runtime call. Not installed.
//
// Every function here runs on the thread that owns the streams it is
// given (the head checks that), between puts.
#pragma once

#include "stream/stream_impl.h"

namespace strdp {

// The set of open streams: I_LINK's argument must be one of them (EBADF
// otherwise, as for a bad file descriptor).
bool mux_stream_opened(stdata *sp);  // false: out of memory
void mux_stream_closed(stdata *sp);

// I_LINK / I_PLINK on ctl with arg = the lower stream; *muxid on success.
// Returns 0 or an errno value.
int mux_link(stdata *ctl, int cmd, intptr_t arg, int *muxid);
// I_UNLINK / I_PUNLINK on ctl with arg = a mux id or MUXID_ALL.
int mux_unlink(stdata *ctl, int cmd, intptr_t arg);
// Stream close: unlinks the I_LINK links ctl controls, whatever the
// multiplexor answers (illumos munlinkall with LINKCLOSE).
void mux_unlink_on_close(stdata *ctl);
// strdp_runtime_fini: unlinks the persistent links left and closes their
// lower streams (see mux.cc, "Who closes what").
void mux_fini();

// Stream open: pushes the modules of the autopush rule for sp's driver and
// minor, if any. 0 or the push's errno (the caller closes the stream).
int autopush_apply(stdata *sp);
// strdp_runtime_fini: forgets every rule.
void autopush_fini();

}  // namespace strdp

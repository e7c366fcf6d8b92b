/*
 * xconn's private structures, shared by the control side (xconn.c) and
 * the data path (xconn_data.c). Not installed.
 */
#ifndef XCONN_IMPL_H
#define XCONN_IMPL_H

#include <sys/types.h>
#include <sys/stream.h>
#include <sys/ddi.h>
#include <stdint.h>

#define XCONN_LMAGIC 0x78636c6fu /* "xclo": q_ptr of a lower queue */

/* Shared between the two files, not exported from libstrdp. */
#define XCONN_PRIVATE __attribute__((visibility("hidden")))

/*
 * A lower stream. The first fields are the data path's. Every field is
 * touched only by the thread that owns the instance (xconn.c, "Threads").
 */
struct xconn_lower {
	struct xconn_lower *xl_peer;	/* partner, or NULL */
	queue_t		*xl_wq;		/* l_qbot: send down this stream */
	uint64_t	xl_in;		/* counters: <strdp/xconn.h> */
	uint64_t	xl_fwd;
	uint64_t	xl_nopeer;
	uint64_t	xl_nomem;
	uint64_t	xl_blocked;
	uint64_t	xl_flushed;
	uint64_t	xl_flush;
	uint64_t	xl_other;
	queue_t		*xl_rq;		/* our lower read queue */
	struct xconn	*xl_xc;		/* the instance */
	struct xconn_lower *xl_next;	/* the instance's, in link order */
	int		xl_muxid;
	int		xl_persistent;
	uint32_t	xl_magic;
};

/*
 * An instance: one open, and what stays of it for persistent links. Its
 * thread owns it; xc_rq, xc_minor, xc_next and the xc_lowers list are
 * changed under xconn_lock too, for open and close on other threads.
 */
struct xconn {
	queue_t		*xc_rq;		/* upper read queue; NULL once closed */
	struct xconn_lower *xc_lowers;	/* link order */
	uint64_t	xc_upper_drops;
	minor_t		xc_minor;
	struct xconn	*xc_next;	/* xconn_list */
};

/* The lower queues' procedures (xconn_data.c). */
XCONN_PRIVATE int xconn_lrput(queue_t *, mblk_t *);
XCONN_PRIVATE void xconn_lrputb(queue_t *, mblk_t **, unsigned int);
XCONN_PRIVATE unsigned int xconn_lrputf(queue_t *, strdp_frame_t **, unsigned int);
XCONN_PRIVATE int xconn_lrsrv(queue_t *);
XCONN_PRIVATE int xconn_lwput(queue_t *, mblk_t *);
XCONN_PRIVATE int xconn_lwsrv(queue_t *);

#endif /* XCONN_IMPL_H */

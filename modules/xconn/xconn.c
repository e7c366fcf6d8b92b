/*
 * xconn — a cross-connect multiplexing driver, written the way the STREAMS
 * Programming Guide writes a multiplexor. Contract: <strdp/xconn.h>.
 *
 * Each open of "xconn" (a clone driver) is an instance; the streams linked
 * under it are patched in pairs, and what comes up one goes down the
 * other. This is a port-to-port forwarder with STREAMS flow control: link
 * two streams of a DPDK port driver under one instance and the frames of
 * each port are sent out of the other.
 *
 * Queues (the guide's four qinits):
 *  - upper write (xconn_uwput): I_LINK, I_PLINK, I_UNLINK, I_PUNLINK,
 *    XCONN_STATS; M_FLUSH the canonical driver way; data written on the
 *    instance has nowhere to go (freed, counted); nothing is ever queued.
 *  - upper read: nothing is ever sent up the instance's stream.
 *  - lower read and lower write: the data path, in xconn_data.c (held
 *    messages and flow control, bursts, M_FLUSH from below).
 *
 * Pairing: a newly linked stream pairs with the earliest linked stream of
 * the instance that has no partner; unlinking one of a pair leaves the
 * other alone (what it holds for the gone partner is freed, counted as
 * "no partner") until a new link pairs it.
 *
 * Threads and lifetimes: the framework links a stream only under an
 * instance of the same scheduler, and a link is made and undone on that
 * scheduler's thread, so an instance, its lower streams and their
 * partners are all touched by one thread and the data path takes no lock.
 * xconn_lock guards only the list of instances (open, close, and the
 * lookup that I_PUNLINK from another instance's stream needs). Persistent
 * links outlive the instance's stream: an instance closed with persistent
 * links left stays, without a stream, until the last of them is unlinked.
 * Its I_LINK links are gone by then: the framework unlinks them before it
 * closes the driver.
 */

#include <sys/types.h>
#include <sys/stream.h>
#include <sys/stropts.h>
#include <sys/strsun.h>
#include <sys/ddi.h>
#include <sys/kmem.h>
#include <sys/conf.h>
#include <sys/errno.h>
#include <pthread.h>
#include <string.h>

#include <strdp/strdp.h>
#include <strdp/xconn.h>

#include "xconn_impl.h"

static struct module_info xconn_minfo = {
	0x5810,		/* mi_idnum */
	"xconn",	/* mi_idname */
	0,		/* mi_minpsz */
	INFPSZ,		/* mi_maxpsz */
	4096,		/* mi_hiwat: nothing is queued on the upper side */
	1024		/* mi_lowat */
};

/*
 * Lower queues hold a port's traffic while its partner is full: enough
 * for a few bursts of full-size frames, so that a short stall of one port
 * does not stop the other at once.
 */
static struct module_info xconn_lminfo = {
	0x5810, "xconn", 0, INFPSZ,
	65536,		/* mi_hiwat */
	16384		/* mi_lowat */
};

static struct xconn *xconn_list;	/* every instance */
static pthread_mutex_t xconn_lock = PTHREAD_MUTEX_INITIALIZER;

static int xconn_open(queue_t *, dev_t *, int, int, cred_t *);
static int xconn_close(queue_t *, int, cred_t *);
static int xconn_urput(queue_t *, mblk_t *);
static int xconn_uwput(queue_t *, mblk_t *);

static struct qinit xconn_urinit = {
	.qi_putp = xconn_urput,
	.qi_qopen = xconn_open,
	.qi_qclose = xconn_close,
	.qi_minfo = &xconn_minfo,
};
static struct qinit xconn_uwinit = {
	.qi_putp = xconn_uwput,
	.qi_minfo = &xconn_minfo,
};
static struct qinit xconn_lrinit = {
	.qi_putp = xconn_lrput,
	.qi_srvp = xconn_lrsrv,
	.qi_minfo = &xconn_lminfo,
	.qi_putbp = xconn_lrputb,
	.qi_putfp = xconn_lrputf,
};
static struct qinit xconn_lwinit = {
	.qi_putp = xconn_lwput,
	.qi_srvp = xconn_lwsrv,
	.qi_minfo = &xconn_lminfo,
};

static struct streamtab xconn_info = {
	.st_rdinit = &xconn_urinit,
	.st_wrinit = &xconn_uwinit,
	.st_muxrinit = &xconn_lrinit,
	.st_muxwinit = &xconn_lwinit,
};

/* ------------------------------------------------------------------ */
/* Open and close                                                      */
/* ------------------------------------------------------------------ */

/* The lowest minor no open instance uses. Called with xconn_lock held. */
static minor_t
xconn_free_minor(void)
{
	minor_t m = 0;
	struct xconn *xc;

again:
	for (xc = xconn_list; xc != NULL; xc = xc->xc_next) {
		if (xc->xc_rq != NULL && xc->xc_minor == m) {
			m++;
			goto again;
		}
	}
	return (m);
}

static int
xconn_open(queue_t *q, dev_t *devp, int flag, int sflag, cred_t *credp)
{
	struct xconn *xc;

	(void)flag;
	(void)credp;

	if (sflag != CLONEOPEN)		/* every open is a new instance */
		return (ENXIO);
	if ((xc = kmem_zalloc(sizeof (*xc), KM_NOSLEEP)) == NULL)
		return (ENOMEM);

	(void) pthread_mutex_lock(&xconn_lock);
	xc->xc_minor = xconn_free_minor();
	xc->xc_rq = q;
	xc->xc_next = xconn_list;
	xconn_list = xc;
	(void) pthread_mutex_unlock(&xconn_lock);

	*devp = makedevice(getmajor(*devp), xc->xc_minor);
	q->q_ptr = xc;
	WR(q)->q_ptr = xc;
	qprocson(q);
	return (0);
}

/* Takes xc off xconn_list and frees it. */
static void
xconn_free(struct xconn *xc)
{
	struct xconn **pp;

	(void) pthread_mutex_lock(&xconn_lock);
	for (pp = &xconn_list; *pp != NULL; pp = &(*pp)->xc_next) {
		if (*pp == xc) {
			*pp = xc->xc_next;
			break;
		}
	}
	(void) pthread_mutex_unlock(&xconn_lock);
	kmem_free(xc, sizeof (*xc));
}

/*
 * Close. The framework has unlinked this stream's I_LINK links already;
 * persistent ones keep the instance (without a stream) until they go.
 */
static int
xconn_close(queue_t *q, int flag, cred_t *credp)
{
	struct xconn *xc = q->q_ptr;
	int keep;

	(void)flag;
	(void)credp;

	qprocsoff(q);
	q->q_ptr = NULL;
	WR(q)->q_ptr = NULL;

	(void) pthread_mutex_lock(&xconn_lock);
	xc->xc_rq = NULL;
	keep = xc->xc_lowers != NULL;
	(void) pthread_mutex_unlock(&xconn_lock);
	if (!keep)
		xconn_free(xc);
	return (0);
}

/* ------------------------------------------------------------------ */
/* Linking                                                              */
/* ------------------------------------------------------------------ */

/* The lower stream whose l_qbot is wq, or NULL if it is none of ours. */
static struct xconn_lower *
xconn_lower_of(queue_t *wq)
{
	struct xconn_lower *xl;

	if (wq == NULL || (xl = wq->q_ptr) == NULL || xl->xl_magic != XCONN_LMAGIC ||
	    xl->xl_wq != wq)
		return (NULL);
	return (xl);
}

static int
xconn_link(struct xconn *xc, struct linkblk *lp)
{
	struct xconn_lower *xl, *it, **pp;

	if ((xl = kmem_zalloc(sizeof (*xl), KM_NOSLEEP)) == NULL)
		return (ENOMEM);
	xl->xl_magic = XCONN_LMAGIC;
	xl->xl_wq = lp->l_qbot;
	xl->xl_rq = RD(lp->l_qbot);
	xl->xl_xc = xc;
	xl->xl_muxid = lp->l_index;
	xl->xl_persistent = lp->l_qtop == NULL;

	/* Pair with the earliest linked stream that has no partner. */
	for (it = xc->xc_lowers; it != NULL; it = it->xl_next) {
		if (it->xl_peer == NULL) {
			it->xl_peer = xl;
			xl->xl_peer = it;
			/* What it holds may go now. */
			if (it->xl_rq->q_first != NULL)
				qenable(it->xl_rq);
			break;
		}
	}

	(void) pthread_mutex_lock(&xconn_lock);
	for (pp = &xc->xc_lowers; *pp != NULL; pp = &(*pp)->xl_next)
		;
	*pp = xl;
	(void) pthread_mutex_unlock(&xconn_lock);

	/* The lower queues are ours now: the framework gave them q_ptr NULL. */
	lp->l_qbot->q_ptr = xl;
	RD(lp->l_qbot)->q_ptr = xl;
	return (0);
}

/* Frees what xl holds for a partner that is gone. */
static void
xconn_drop_held(struct xconn_lower *xl)
{
	int n = qsize(xl->xl_rq);

	if (n == 0)
		return;
	xl->xl_nopeer += (uint64_t)n;
	flushq(xl->xl_rq, FLUSHALL);
}

static int
xconn_unlink(queue_t *q, struct iocblk *iocp, struct linkblk *lp)
{
	struct xconn_lower *xl = xconn_lower_of(lp->l_qbot);
	struct xconn *xc;
	struct xconn_lower **pp;
	int freeit;

	if (xl == NULL || xl->xl_muxid != lp->l_index)
		return (EINVAL);
	/* I_UNLINK only from the instance that linked it. */
	if (iocp->ioc_cmd == I_UNLINK && xl->xl_xc != q->q_ptr)
		return (EINVAL);
	if ((iocp->ioc_cmd == I_PUNLINK) != (xl->xl_persistent != 0))
		return (EINVAL);

	xc = xl->xl_xc;
	if (xl->xl_peer != NULL) {
		xl->xl_peer->xl_peer = NULL;
		xconn_drop_held(xl->xl_peer);
	}
	xconn_drop_held(xl);

	(void) pthread_mutex_lock(&xconn_lock);
	for (pp = &xc->xc_lowers; *pp != NULL; pp = &(*pp)->xl_next) {
		if (*pp == xl) {
			*pp = xl->xl_next;
			break;
		}
	}
	freeit = xc->xc_rq == NULL && xc->xc_lowers == NULL;
	(void) pthread_mutex_unlock(&xconn_lock);

	/* The framework makes the queues a stream head again after our ACK. */
	xl->xl_wq->q_ptr = NULL;
	xl->xl_rq->q_ptr = NULL;
	xl->xl_magic = 0;
	kmem_free(xl, sizeof (*xl));
	if (freeit)			/* a closed instance's last link */
		xconn_free(xc);
	return (0);
}

/* ------------------------------------------------------------------ */
/* Upper stream                                                         */
/* ------------------------------------------------------------------ */

static void
xconn_port_stats(const struct xconn_lower *xl, struct xconn_port *p)
{
	memset(p, 0, sizeof (*p));
	p->xp_muxid = xl->xl_muxid;
	p->xp_peer = xl->xl_peer != NULL ? xl->xl_peer->xl_muxid : 0;
	p->xp_in = xl->xl_in;
	p->xp_fwd = xl->xl_fwd;
	p->xp_nopeer = xl->xl_nopeer;
	p->xp_nomem = xl->xl_nomem;
	p->xp_flushed = xl->xl_flushed;
	p->xp_held = (uint64_t)qsize(xl->xl_rq);
	p->xp_blocked = xl->xl_blocked;
	p->xp_flush = xl->xl_flush;
	p->xp_other = xl->xl_other;
}

/*
 * XCONN_STATS: as many ports as the caller made room for (ioc_count says
 * how much). The reply replaces the request's data block.
 */
static int
xconn_stats(struct xconn *xc, mblk_t *mp, size_t *countp)
{
	struct iocblk *iocp = (struct iocblk *)mp->b_rptr;
	struct xconn_stats hdr;
	struct xconn_lower *xl;
	size_t room, n = 0;
	mblk_t *bp;

	if (iocp->ioc_count == TRANSPARENT || iocp->ioc_count < XCONN_STATS_LEN(0))
		return (EINVAL);
	room = (iocp->ioc_count - XCONN_STATS_LEN(0)) / sizeof (struct xconn_port);
	memset(&hdr, 0, sizeof (hdr));
	for (xl = xc->xc_lowers; xl != NULL; xl = xl->xl_next)
		hdr.xs_nports++;
	hdr.xs_returned = (uint32_t)(room < hdr.xs_nports ? room : hdr.xs_nports);
	hdr.xs_upper_drops = xc->xc_upper_drops;

	if ((bp = allocb(XCONN_STATS_LEN(hdr.xs_returned), BPRI_MED)) == NULL)
		return (ENOSR);
	memcpy(bp->b_wptr, &hdr, sizeof (hdr));
	bp->b_wptr += sizeof (hdr);
	for (xl = xc->xc_lowers; xl != NULL && n < hdr.xs_returned; xl = xl->xl_next, n++) {
		struct xconn_port p;

		xconn_port_stats(xl, &p);
		memcpy(bp->b_wptr, &p, sizeof (p));
		bp->b_wptr += sizeof (p);
	}
	if (mp->b_cont != NULL)
		freemsg(mp->b_cont);
	mp->b_cont = bp;
	*countp = (size_t)MBLKL(bp);
	return (0);
}

static void
xconn_ioctl(queue_t *q, mblk_t *mp)
{
	struct xconn *xc = q->q_ptr;
	struct iocblk *iocp = (struct iocblk *)mp->b_rptr;
	size_t count = 0;
	int error;

	switch (iocp->ioc_cmd) {
	case I_LINK:
	case I_PLINK:
	case I_UNLINK:
	case I_PUNLINK:
		/* The framework sends a linkblk; anyone else may not. */
		if (iocp->ioc_count != sizeof (struct linkblk) ||
		    miocpullup(mp, sizeof (struct linkblk)) != 0) {
			error = EINVAL;
			break;
		}
		if (iocp->ioc_cmd == I_LINK || iocp->ioc_cmd == I_PLINK)
			error = xconn_link(xc, (struct linkblk *)mp->b_cont->b_rptr);
		else
			error = xconn_unlink(q, iocp,
			    (struct linkblk *)mp->b_cont->b_rptr);
		break;

	case XCONN_STATS:
		error = xconn_stats(xc, mp, &count);
		break;

	default:
		error = EINVAL;
		break;
	}
	if (error != 0)
		miocnak(q, mp, 0, error);
	else
		miocack(q, mp, (int)count, 0);
}

static int
xconn_uwput(queue_t *q, mblk_t *mp)
{
	struct xconn *xc = q->q_ptr;

	switch (mp->b_datap->db_type) {
	case M_IOCTL:
		xconn_ioctl(q, mp);
		break;

	case M_FLUSH:
		/* The canonical driver: nothing is queued on either side. */
		if (*mp->b_rptr & FLUSHW)
			flushq(q, FLUSHDATA);
		if (*mp->b_rptr & FLUSHR) {
			flushq(RD(q), FLUSHDATA);
			*mp->b_rptr &= ~FLUSHW;
			qreply(q, mp);
		} else {
			freemsg(mp);
		}
		break;

	case M_DATA:
	case M_PROTO:
	case M_PCPROTO:
		/* The instance's stream is for control only. */
		xc->xc_upper_drops++;
		freemsg(mp);
		break;

	default:
		freemsg(mp);
		break;
	}
	return (0);
}

/* Nothing is sent up the instance's stream; pass on whatever comes. */
static int
xconn_urput(queue_t *q, mblk_t *mp)
{
	putnext(q, mp);
	return (0);
}

STRDP_DRIVER_REGISTER(xconn, xconn_info, D_MP | CLONE_DEV)

/*
 * passmod — a pass-through module with service procedures on both sides.
 *
 * It changes no message; it exists to show (and to test) the flow-control
 * discipline of a module that queues:
 *
 *  - put: a high-priority message goes on at once, never held. A normal
 *    message goes on at once only when nothing of this side is queued
 *    (order is kept) and the next queue can take it (bcanputnext for the
 *    message's band); otherwise putq() queues it and the service procedure
 *    sends it later.
 *  - service: takes messages off with getq() while the next queue can take
 *    them; when it cannot, putbq() puts the message back at the head of the
 *    queue and the procedure returns. bcanputnext() failing has set
 *    QWANTW/QB_WANTW on the next queue, so when that queue drains below its
 *    low water mark STREAMS back-enables this service procedure.
 *  - while this queue is above its high water mark (QFULL), canputnext()
 *    of the queue behind us fails: the writer upstream is held back in
 *    turn, and nothing grows without bound.
 *
 * M_FLUSH, the canonical module algorithm: on the write side, FLUSHW
 * flushes the write queue; on the read side, FLUSHR flushes the read queue
 * (only the band named when FLUSHBAND is set); then the message is passed
 * on. The driver turns FLUSHR back up the read side, where we meet it
 * again. FLUSHDATA keeps queued M_IOCTL, M_SETOPTS and the like, which are
 * not data and which their senders are waiting for.
 *
 * Water marks (mi_hiwat/mi_lowat) are small so that tests reach them with
 * little data; strqset() changes them per queue.
 *
 * Push it with I_PUSH "passmod".
 */

#include <sys/types.h>
#include <sys/stream.h>
#include <sys/stropts.h>
#include <sys/strsun.h>
#include <sys/ddi.h>
#include <sys/conf.h>
#include <sys/errno.h>

static struct module_info passmod_minfo = {
	0x5202,		/* mi_idnum */
	"passmod",	/* mi_idname */
	0,		/* mi_minpsz */
	INFPSZ,		/* mi_maxpsz */
	4096,		/* mi_hiwat */
	1024		/* mi_lowat */
};

static int passmod_open(queue_t *, dev_t *, int, int, cred_t *);
static int passmod_close(queue_t *, int, cred_t *);
static int passmod_put(queue_t *, mblk_t *);
static int passmod_srv(queue_t *);

static struct qinit passmod_rinit = {
	.qi_putp = passmod_put,
	.qi_srvp = passmod_srv,
	.qi_qopen = passmod_open,
	.qi_qclose = passmod_close,
	.qi_minfo = &passmod_minfo,
};

static struct qinit passmod_winit = {
	.qi_putp = passmod_put,
	.qi_srvp = passmod_srv,
	.qi_minfo = &passmod_minfo,
};

static struct streamtab passmod_info = {
	.st_rdinit = &passmod_rinit,
	.st_wrinit = &passmod_winit,
};

static struct fmodsw passmod_fsw = {
	"passmod", &passmod_info, D_MP
};

static int
passmod_open(queue_t *q, dev_t *devp, int oflag, int sflag, cred_t *credp)
{
	(void)devp;
	(void)oflag;
	(void)credp;

	if (sflag != MODOPEN)
		return (EINVAL);
	qprocson(q);
	return (0);
}

static int
passmod_close(queue_t *q, int flag, cred_t *credp)
{
	(void)flag;
	(void)credp;

	/*
	 * After qprocsoff() neither procedure runs again; what is still
	 * queued is freed by STREAMS when the queue pair goes away.
	 */
	qprocsoff(q);
	return (0);
}

/*
 * Canonical module flush for queue q: flush q when the M_FLUSH names q's
 * side (FLUSHR for a read queue, FLUSHW for a write queue), all of it or
 * only the band given in the second byte when FLUSHBAND is set.
 */
static void
passmod_flush(queue_t *q, mblk_t *mp)
{
	unsigned char side = (q->q_flag & QREADR) ? FLUSHR : FLUSHW;

	if (*mp->b_rptr & side) {
		if ((*mp->b_rptr & FLUSHBAND) && MBLKL(mp) >= 2)
			flushband(q, *(mp->b_rptr + 1), FLUSHDATA);
		else
			flushq(q, FLUSHDATA);
	}
}

/*
 * Put procedure, both sides.
 */
static int
passmod_put(queue_t *q, mblk_t *mp)
{
	if (mp->b_datap->db_type == M_FLUSH) {
		passmod_flush(q, mp);
		putnext(q, mp);
		return (0);
	}

	/* High-priority messages are never held by flow control. */
	if (pcmsg(mp->b_datap->db_type)) {
		putnext(q, mp);
		return (0);
	}

	/*
	 * Normal message: go straight on only if nothing is waiting ahead of
	 * it and the next queue has room for its band.
	 */
	if (q->q_first != NULL || !bcanputnext(q, mp->b_band))
		(void) putq(q, mp);
	else
		putnext(q, mp);
	return (0);
}

/*
 * Service procedure, both sides: drain while the next queue can take more.
 */
static int
passmod_srv(queue_t *q)
{
	mblk_t *mp;

	while ((mp = getq(q)) != NULL) {
		if (pcmsg(mp->b_datap->db_type) ||
		    bcanputnext(q, mp->b_band)) {
			putnext(q, mp);
		} else {
			/* Blocked: put it back and wait to be back-enabled. */
			(void) putbq(q, mp);
			break;
		}
	}
	return (0);
}

STRDP_MODULE_REGISTER(passmod_fsw)

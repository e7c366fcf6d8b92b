/*
 * echo — a driver that sends everything written to it back up its own
 * read side.
 *
 * M_DATA, M_PROTO and M_PCPROTO messages are turned around with qreply()
 * unchanged (type, band and flags kept). Every open is a stream of its
 * own; the driver keeps no state.
 *
 * Flow control, the guide's way for a driver that turns messages around:
 * a normal message goes up at once when nothing is queued ahead of it and
 * the queue above our read side has room (bcanputnext on the read queue);
 * otherwise it waits on the write queue (putq), which then fills, so
 * canputnext() fails for the writer above and holds it back. When the
 * reader drains, STREAMS back-enables the nearest service procedure below
 * it: our read-side service procedure, which has nothing queued of its
 * own and enables the write-side service procedure to send what waits.
 * High-priority messages (M_PCPROTO) are never held.
 *
 * M_FLUSH, the canonical driver algorithm: FLUSHW flushes the write queue
 * (one band with FLUSHBAND) and is cleared; if FLUSHR is set the message
 * goes back up (qreply) for the modules above and the stream head to
 * flush their read queues, else it is freed.
 *
 * M_IOCTL: no ioctl is known; every one is answered M_IOCNAK EINVAL.
 * Anything else (M_CTL, M_SETOPTS sent down, stray M_IOCDATA, ...) is
 * freed.
 *
 * Open it as "echo" (or "/dev/echo").
 */

#include <sys/types.h>
#include <sys/stream.h>
#include <sys/stropts.h>
#include <sys/strsun.h>
#include <sys/ddi.h>
#include <sys/conf.h>
#include <sys/errno.h>

static struct module_info echo_minfo = {
	0x5206,		/* mi_idnum */
	"echo",		/* mi_idname */
	0,		/* mi_minpsz */
	INFPSZ,		/* mi_maxpsz */
	4096,		/* mi_hiwat */
	1024		/* mi_lowat */
};

static int echo_open(queue_t *, dev_t *, int, int, cred_t *);
static int echo_close(queue_t *, int, cred_t *);
static int echo_rput(queue_t *, mblk_t *);
static int echo_rsrv(queue_t *);
static int echo_wput(queue_t *, mblk_t *);
static int echo_wsrv(queue_t *);

static struct qinit echo_rinit = {
	.qi_putp = echo_rput,
	.qi_srvp = echo_rsrv,
	.qi_qopen = echo_open,
	.qi_qclose = echo_close,
	.qi_minfo = &echo_minfo,
};

static struct qinit echo_winit = {
	.qi_putp = echo_wput,
	.qi_srvp = echo_wsrv,
	.qi_minfo = &echo_minfo,
};

static struct streamtab echo_info = {
	.st_rdinit = &echo_rinit,
	.st_wrinit = &echo_winit,
};

/*
 * Open: drivers are never opened with MODOPEN (that would be I_PUSH of a
 * driver). Each open is a stream of its own; clone or not, the minor
 * number handed in is kept.
 */
static int
echo_open(queue_t *q, dev_t *devp, int oflag, int sflag, cred_t *credp)
{
	(void)devp;
	(void)oflag;
	(void)credp;

	if (sflag == MODOPEN)
		return (EINVAL);
	qprocson(q);
	return (0);
}

static int
echo_close(queue_t *q, int flag, cred_t *credp)
{
	(void)flag;
	(void)credp;

	qprocsoff(q);
	return (0);
}

/*
 * Read side put: nothing below us sends up, but a put procedure must
 * exist; pass whatever arrives on.
 */
static int
echo_rput(queue_t *q, mblk_t *mp)
{
	putnext(q, mp);
	return (0);
}

/*
 * Read side service: runs only when back-enabled, i.e. the queue above
 * our read side drained after we found it full. Let the write side send
 * what it holds.
 */
static int
echo_rsrv(queue_t *q)
{
	qenable(WR(q));
	return (0);
}

static int
echo_wput(queue_t *q, mblk_t *mp)
{
	switch (mp->b_datap->db_type) {
	case M_DATA:
	case M_PROTO:
		if (q->q_first == NULL && bcanputnext(RD(q), mp->b_band))
			qreply(q, mp);
		else
			(void) putq(q, mp);
		break;

	case M_PCPROTO:
		qreply(q, mp);		/* high priority: never held */
		break;

	case M_FLUSH:
		if (*mp->b_rptr & FLUSHW) {
			if ((*mp->b_rptr & FLUSHBAND) && MBLKL(mp) >= 2)
				flushband(q, *(mp->b_rptr + 1), FLUSHALL);
			else
				flushq(q, FLUSHALL);
			*mp->b_rptr &= ~FLUSHW;
		}
		if (*mp->b_rptr & FLUSHR) {
			/* Our read queue never holds data; canonical anyway. */
			if ((*mp->b_rptr & FLUSHBAND) && MBLKL(mp) >= 2)
				flushband(RD(q), *(mp->b_rptr + 1), FLUSHALL);
			else
				flushq(RD(q), FLUSHALL);
			qreply(q, mp);
		} else {
			freemsg(mp);
		}
		break;

	case M_IOCTL:
		miocnak(q, mp, 0, EINVAL);
		break;

	default:
		freemsg(mp);
		break;
	}
	return (0);
}

/*
 * Write side service: send back up what waited, while there is room.
 */
static int
echo_wsrv(queue_t *q)
{
	mblk_t *mp;

	while ((mp = getq(q)) != NULL) {
		if (!pcmsg(mp->b_datap->db_type) &&
		    !bcanputnext(RD(q), mp->b_band)) {
			(void) putbq(q, mp);
			break;
		}
		qreply(q, mp);
	}
	return (0);
}

STRDP_DRIVER_REGISTER(echo, echo_info, D_MP)

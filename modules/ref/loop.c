/*
 * loop — the STREAMS Programming Guide's loop-around driver.
 *
 * A clone driver: each open of "loop" gets a new stream with the first
 * free minor number (CLONEOPEN), up to LOOP_MAXMINOR (64) streams at once;
 * the next open fails with ENXIO. A stream joins another with the LOOP_SET
 * ioctl (I_STR, an int: the other stream's minor number, which
 * LOOP_GETMINOR tells); from then on what is written on either stream
 * comes up the read side of the other. Commands and errors:
 * <strdp/ref/loop.h>.
 *
 * Data path, exactly as in the guide:
 *  - write put: M_DATA and M_PROTO are queued on our write queue (putq);
 *    M_PCPROTO is high priority and goes across at once, never held;
 *  - write service: takes messages off (getq) and, while the queue above
 *    the other stream's driver read queue has room (bcanputnext), sends
 *    them up the other stream (putnext from the other read queue);
 *    otherwise puts the message back (putbq) and stops. Our write queue
 *    then fills, and canputnext() holds back our writer above;
 *  - read service: never holds data. It runs when STREAMS back-enables it
 *    (the other stream's reader drained the queue we found full) and
 *    enables the write service of the stream that sends to it.
 *
 * M_FLUSH, the canonical driver algorithm: FLUSHW flushes our write queue
 * (one band with FLUSHBAND) and is cleared; if FLUSHR is still set the
 * message is turned back up our read side (qreply) so that the modules and
 * the stream head flush their read queues; otherwise it is freed.
 *
 * Writing before LOOP_SET puts the stream in error: M_ERROR ENXIO goes up,
 * as the guide does. Closing a joined stream breaks the link and sends
 * M_HANGUP up the other stream: its reader gets what is queued, then end
 * of file; its writer gets ENXIO. Unknown ioctls: M_IOCNAK EINVAL.
 *
 * Threads: the table of minors is shared by every stream and guarded by a
 * mutex (open, close, LOOP_SET: slow path). The data path reaches across
 * to the other stream, so both streams of a pair must belong to the same
 * scheduler (opened by the same thread): LOOP_SET refuses others (EXDEV).
 */

#include <sys/types.h>
#include <sys/stream.h>
#include <sys/stropts.h>
#include <sys/strsun.h>
#include <sys/ddi.h>
#include <sys/conf.h>
#include <sys/errno.h>
#include <pthread.h>
#include <string.h>

#include <strdp/ref/loop.h>

static struct module_info loop_minfo = {
	0xee12,		/* mi_idnum: the guide's */
	"loop",		/* mi_idname */
	0,		/* mi_minpsz */
	INFPSZ,		/* mi_maxpsz */
	512,		/* mi_hiwat */
	128		/* mi_lowat */
};

/*
 * One per minor number. qptr != NULL means the minor is open. oqptr is
 * the read queue of the stream we are joined to (NULL when not joined):
 * our write service sends up from it.
 */
struct loop {
	queue_t		*qptr;		/* our write queue */
	queue_t		*oqptr;		/* the other stream's read queue */
	strdp_sched_t	*sched;		/* scheduler that owns this stream */
	minor_t		minor;
};

static struct loop loop_loop[LOOP_MAXMINOR];
static const int loop_cnt = LOOP_MAXMINOR;
/* Guards loop_loop[].qptr (who is open) and the oqptr links. */
static pthread_mutex_t loop_lock = PTHREAD_MUTEX_INITIALIZER;

static int loop_open(queue_t *, dev_t *, int, int, cred_t *);
static int loop_close(queue_t *, int, cred_t *);
static int loop_rput(queue_t *, mblk_t *);
static int loop_rsrv(queue_t *);
static int loop_wput(queue_t *, mblk_t *);
static int loop_wsrv(queue_t *);

static struct qinit loop_rinit = {
	.qi_putp = loop_rput,
	.qi_srvp = loop_rsrv,
	.qi_qopen = loop_open,
	.qi_qclose = loop_close,
	.qi_minfo = &loop_minfo,
};

static struct qinit loop_winit = {
	.qi_putp = loop_wput,
	.qi_srvp = loop_wsrv,
	.qi_minfo = &loop_minfo,
};

static struct streamtab loop_info = {
	.st_rdinit = &loop_rinit,
	.st_wrinit = &loop_winit,
};

/*
 * Open. With CLONEOPEN pick the first free minor and hand it back in
 * *devp; otherwise the minor asked for must be free (in Solaris a second
 * open of an open minor would find the same stream, q_ptr already set).
 */
static int
loop_open(queue_t *q, dev_t *devp, int flag, int sflag, cred_t *credp)
{
	struct loop *loop;
	minor_t newminor;

	(void)flag;
	(void)credp;

	if (sflag == MODOPEN)		/* not a module */
		return (EINVAL);
	if (q->q_ptr != NULL)		/* already open */
		return (0);

	(void) pthread_mutex_lock(&loop_lock);
	if (sflag == CLONEOPEN) {
		for (newminor = 0; newminor < (minor_t)loop_cnt; newminor++)
			if (loop_loop[newminor].qptr == NULL)
				break;
	} else {
		newminor = getminor(*devp);
	}
	if (newminor >= (minor_t)loop_cnt) {
		(void) pthread_mutex_unlock(&loop_lock);
		return (ENXIO);
	}
	loop = &loop_loop[newminor];
	if (loop->qptr != NULL) {	/* non-clone open of a busy minor */
		(void) pthread_mutex_unlock(&loop_lock);
		return (EBUSY);
	}

	/* construct the new device number in case of clone open */
	*devp = makedevice(getmajor(*devp), newminor);

	q->q_ptr = loop;
	WR(q)->q_ptr = loop;
	loop->qptr = WR(q);
	loop->oqptr = NULL;
	loop->sched = strdp_sched_current();
	loop->minor = newminor;
	(void) pthread_mutex_unlock(&loop_lock);

	qprocson(q);
	return (0);
}

/*
 * Close. Procedures off first: nothing of ours runs after that. Then break
 * the link; the other stream gets M_HANGUP (its reader gets what is
 * queued, then end of file).
 */
static int
loop_close(queue_t *q, int flag, cred_t *credp)
{
	struct loop *loop = q->q_ptr;
	struct loop *other;

	(void)flag;
	(void)credp;

	qprocsoff(q);

	(void) pthread_mutex_lock(&loop_lock);
	if (loop->oqptr != NULL) {
		other = loop->oqptr->q_ptr;
		other->oqptr = NULL;
		if (other != loop)	/* joined to itself: no one to tell */
			(void) putnextctl(loop->oqptr, M_HANGUP);
		loop->oqptr = NULL;
	}
	loop->qptr = NULL;
	loop->sched = NULL;
	(void) pthread_mutex_unlock(&loop_lock);

	q->q_ptr = NULL;
	WR(q)->q_ptr = NULL;
	return (0);
}

/*
 * LOOP_SET: join this stream to the one whose minor is in b_cont.
 * Returns 0 or the error for the M_IOCNAK.
 */
static int
loop_set(queue_t *q, mblk_t *mp)
{
	struct loop *loop = q->q_ptr;
	struct loop *other;
	int to;

	/*
	 * Sanity check: ioc_count is the amount of user data, which must be
	 * one int (miocpullup also refuses a transparent ioctl).
	 */
	if (miocpullup(mp, sizeof (int)) != 0 ||
	    ((struct iocblk *)mp->b_rptr)->ioc_count != sizeof (int))
		return (EINVAL);
	memcpy(&to, mp->b_cont->b_rptr, sizeof (int));

	(void) pthread_mutex_lock(&loop_lock);
	/* The minor must be in range and open ... */
	if (to < 0 || to >= loop_cnt || loop_loop[to].qptr == NULL) {
		(void) pthread_mutex_unlock(&loop_lock);
		return (ENXIO);
	}
	other = &loop_loop[to];
	/* ... owned by the same scheduler as we are ... */
	if (other->sched != loop->sched) {
		(void) pthread_mutex_unlock(&loop_lock);
		return (EXDEV);
	}
	/* ... and neither stream may be joined already. */
	if (loop->oqptr != NULL || other->oqptr != NULL) {
		(void) pthread_mutex_unlock(&loop_lock);
		return (EBUSY);
	}
	/* Cross-connect the streams through the loop structures. */
	loop->oqptr = RD(other->qptr);
	other->oqptr = RD(q);
	(void) pthread_mutex_unlock(&loop_lock);
	return (0);
}

static void
loop_ioctl(queue_t *q, mblk_t *mp)
{
	struct iocblk *iocp = (struct iocblk *)mp->b_rptr;
	struct loop *loop = q->q_ptr;
	mblk_t *bp;
	int error, minor;

	switch (iocp->ioc_cmd) {
	case LOOP_SET:
		if ((error = loop_set(q, mp)) != 0) {
			miocnak(q, mp, 0, error);
			return;
		}
		/* No data goes back: ioc_count 0. */
		miocack(q, mp, 0, 0);
		return;

	case LOOP_GETMINOR:
		if (iocp->ioc_count == TRANSPARENT) {
			miocnak(q, mp, 0, EINVAL);
			return;
		}
		if ((bp = allocb(sizeof (int), BPRI_MED)) == NULL) {
			miocnak(q, mp, 0, ENOSR);
			return;
		}
		minor = (int)loop->minor;
		memcpy(bp->b_wptr, &minor, sizeof (int));
		bp->b_wptr += sizeof (int);
		if (mp->b_cont != NULL)
			freemsg(mp->b_cont);
		mp->b_cont = bp;
		miocack(q, mp, sizeof (int), 0);
		return;

	default:
		/*
		 * Bad ioctl. ioc_error tells the caller why; a driver is
		 * the end of the line, so it must answer every ioctl.
		 */
		miocnak(q, mp, 0, EINVAL);
		return;
	}
}

static int
loop_wput(queue_t *q, mblk_t *mp)
{
	struct loop *loop = q->q_ptr;

	switch (mp->b_datap->db_type) {
	case M_IOCTL:
		loop_ioctl(q, mp);
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
			if ((*mp->b_rptr & FLUSHBAND) && MBLKL(mp) >= 2)
				flushband(RD(q), *(mp->b_rptr + 1), FLUSHALL);
			else
				flushq(RD(q), FLUSHALL);
			qreply(q, mp);
		} else {
			freemsg(mp);
		}
		break;

	case M_DATA:
	case M_PROTO:
	case M_PCPROTO:
		/* If this stream is not joined, send M_ERROR upstream. */
		if (loop->oqptr == NULL) {
			freemsg(mp);
			(void) putnextctl1(RD(q), M_ERROR, ENXIO);
			break;
		}
		if (mp->b_datap->db_type == M_PCPROTO)
			putnext(loop->oqptr, mp);	/* never held */
		else
			(void) putq(q, mp);
		break;

	default:
		/* M_CTL, M_SETOPTS, stray M_IOCDATA ...: nothing for us. */
		freemsg(mp);
		break;
	}
	return (0);
}

/*
 * Write service: send what waits up the other stream while it has room.
 */
static int
loop_wsrv(queue_t *q)
{
	struct loop *loop = q->q_ptr;
	mblk_t *mp;

	if (loop->oqptr == NULL) {
		/* The other end closed: nowhere to go (we got M_HANGUP). */
		flushq(q, FLUSHALL);
		return (0);
	}
	while ((mp = getq(q)) != NULL) {
		/* Can we put the message up the other stream's read side? */
		if (!pcmsg(mp->b_datap->db_type) &&
		    !bcanputnext(loop->oqptr, mp->b_band)) {
			(void) putbq(q, mp);	/* read side is blocked */
			break;
		}
		/* to the queue above the other stream's driver read queue */
		putnext(loop->oqptr, mp);
	}
	return (0);
}

/*
 * Read put: nothing is sent to our read queue from below; pass on
 * whatever arrives.
 */
static int
loop_rput(queue_t *q, mblk_t *mp)
{
	putnext(q, mp);
	return (0);
}

/*
 * Read service: entered only when back-enabled by flow control (the
 * reader of this stream drained). Enable the write service of the stream
 * that sends to us.
 */
static int
loop_rsrv(queue_t *q)
{
	struct loop *loop = q->q_ptr;

	if (loop->oqptr == NULL)
		return (0);
	qenable(WR(loop->oqptr));
	return (0);
}

STRDP_DRIVER_REGISTER(loop, loop_info, D_MP | CLONE_DEV)

/*
 * crmod — the STREAMS Programming Guide's filter module: on the write side
 * every newline in M_DATA becomes carriage return + newline ("\n" ->
 * "\r\n"); the read side passes everything through.
 *
 * Write side. The put procedure queues every normal message (putq) and
 * the service procedure does the work, so that:
 *  - order is kept: a message never overtakes one still queued;
 *  - flow control holds: the service procedure converts and sends only
 *    while canputnext() says the next queue has room, else putbq() and
 *    wait to be back-enabled;
 *  - allocation failure is recoverable, the guide's way: when allocb()
 *    fails the message goes back with putbq() and qbufcall() asks STREAMS
 *    to call us when a buffer of that size is likely to be available; the
 *    callback re-enables the write queue. Nothing is dropped.
 * High-priority messages are never queued: they go straight on.
 *
 * Conversion: a message with no newline goes on untouched (no copy). A
 * message with newlines is copied once into a new block of exactly the
 * converted size (the old blocks may be shared with others, by dupb(), so
 * they are never written); its band and flags are kept.
 *
 * M_FLUSH: canonical. Write side: FLUSHW flushes the write queue (data
 * only: a queued M_IOCTL is left for its waiting caller), then the message
 * goes on. The read side queues nothing, so it just passes M_FLUSH on.
 *
 * Push it with I_PUSH "crmod".
 */

#include <sys/types.h>
#include <sys/stream.h>
#include <sys/stropts.h>
#include <sys/strsun.h>
#include <sys/ddi.h>
#include <sys/conf.h>
#include <sys/kmem.h>
#include <sys/errno.h>

static struct module_info crmod_minfo = {
	0x5203,		/* mi_idnum */
	"crmod",	/* mi_idname */
	0,		/* mi_minpsz */
	INFPSZ,		/* mi_maxpsz */
	512,		/* mi_hiwat */
	128		/* mi_lowat */
};

/* Per-stream state: the write side's pending retry, if any. */
struct crmod {
	bufcall_id_t	cr_wbufcall;	/* qbufcall() pending, or 0 */
	timeout_id_t	cr_wtimeout;	/* qtimeout() pending, or 0 */
};

static int crmod_open(queue_t *, dev_t *, int, int, cred_t *);
static int crmod_close(queue_t *, int, cred_t *);
static int crmod_rput(queue_t *, mblk_t *);
static int crmod_wput(queue_t *, mblk_t *);
static int crmod_wsrv(queue_t *);

static struct qinit crmod_rinit = {
	.qi_putp = crmod_rput,
	.qi_qopen = crmod_open,
	.qi_qclose = crmod_close,
	.qi_minfo = &crmod_minfo,
};

static struct qinit crmod_winit = {
	.qi_putp = crmod_wput,
	.qi_srvp = crmod_wsrv,
	.qi_minfo = &crmod_minfo,
};

static struct streamtab crmod_info = {
	.st_rdinit = &crmod_rinit,
	.st_wrinit = &crmod_winit,
};

static struct fmodsw crmod_fsw = {
	"crmod", &crmod_info, D_MP
};

static int
crmod_open(queue_t *q, dev_t *devp, int oflag, int sflag, cred_t *credp)
{
	struct crmod *cr;

	(void)devp;
	(void)oflag;
	(void)credp;

	if (sflag != MODOPEN)
		return (EINVAL);
	if (q->q_ptr != NULL)		/* reopen: already set up */
		return (0);
	if ((cr = kmem_zalloc(sizeof (struct crmod), KM_NOSLEEP)) == NULL)
		return (ENOMEM);
	q->q_ptr = cr;
	WR(q)->q_ptr = cr;
	qprocson(q);
	return (0);
}

static int
crmod_close(queue_t *q, int flag, cred_t *credp)
{
	struct crmod *cr = q->q_ptr;

	(void)flag;
	(void)credp;

	/*
	 * Procedures off first, then cancel the callbacks: once
	 * qunbufcall()/quntimeout() return they can no longer run, so the
	 * state may go.
	 */
	qprocsoff(q);
	if (cr->cr_wbufcall != 0) {
		qunbufcall(WR(q), cr->cr_wbufcall);
		cr->cr_wbufcall = 0;
	}
	if (cr->cr_wtimeout != 0) {
		(void) quntimeout(WR(q), cr->cr_wtimeout);
		cr->cr_wtimeout = 0;
	}
	q->q_ptr = NULL;
	WR(q)->q_ptr = NULL;
	kmem_free(cr, sizeof (struct crmod));
	return (0);
}

/*
 * Read side: nothing to convert. M_FLUSH included: nothing is queued on
 * this side, so the canonical flush reduces to passing it on.
 */
static int
crmod_rput(queue_t *q, mblk_t *mp)
{
	putnext(q, mp);
	return (0);
}

/*
 * Write side put procedure.
 */
static int
crmod_wput(queue_t *q, mblk_t *mp)
{
	switch (mp->b_datap->db_type) {
	case M_FLUSH:
		if (*mp->b_rptr & FLUSHW) {
			if ((*mp->b_rptr & FLUSHBAND) && MBLKL(mp) >= 2)
				flushband(q, *(mp->b_rptr + 1), FLUSHDATA);
			else
				flushq(q, FLUSHDATA);
		}
		putnext(q, mp);
		break;

	default:
		if (pcmsg(mp->b_datap->db_type)) {
			/* never held back, never converted */
			putnext(q, mp);
		} else {
			/* M_DATA and every other normal message, in order */
			(void) putq(q, mp);
		}
		break;
	}
	return (0);
}

/*
 * Counts the newlines in the M_DATA blocks of mp.
 */
static size_t
crmod_count_nl(mblk_t *mp)
{
	size_t n = 0;
	unsigned char *cp;

	for (; mp != NULL; mp = mp->b_cont) {
		if (mp->b_datap->db_type != M_DATA)
			continue;
		for (cp = mp->b_rptr; cp < mp->b_wptr; cp++)
			if (*cp == '\n')
				n++;
	}
	return (n);
}

/*
 * Converts M_DATA message mp. Returns the message to send on (mp itself
 * when it holds no newline), or NULL when no buffer could be allocated:
 * then mp is left as it was and *needp says how many bytes to ask for.
 */
static mblk_t *
crmod_convert(mblk_t *mp, size_t *needp)
{
	mblk_t *bp, *nbp;
	unsigned char *cp;
	size_t nl, size;

	if ((nl = crmod_count_nl(mp)) == 0)
		return (mp);

	size = msgdsize(mp) + nl;
	if ((nbp = allocb(size, BPRI_MED)) == NULL) {
		*needp = size;
		return (NULL);
	}
	for (bp = mp; bp != NULL; bp = bp->b_cont) {
		if (bp->b_datap->db_type != M_DATA)
			continue;
		for (cp = bp->b_rptr; cp < bp->b_wptr; cp++) {
			if (*cp == '\n')
				*nbp->b_wptr++ = '\r';
			*nbp->b_wptr++ = *cp;
		}
	}
	nbp->b_band = mp->b_band;
	nbp->b_flag = mp->b_flag;
	freemsg(mp);
	return (nbp);
}

/*
 * Buffer callback: a buffer may be available again; let the service
 * procedure retry.
 */
static void
crmod_wbufcall(void *arg)
{
	queue_t *q = arg;
	struct crmod *cr = q->q_ptr;

	cr->cr_wbufcall = 0;
	qenable(q);
}

/* Timer callback: the same, when even bufcall() had failed. */
static void
crmod_wtimeout(void *arg)
{
	queue_t *q = arg;
	struct crmod *cr = q->q_ptr;

	cr->cr_wtimeout = 0;
	qenable(q);
}

/*
 * Write side service procedure.
 */
static int
crmod_wsrv(queue_t *q)
{
	struct crmod *cr = q->q_ptr;
	mblk_t *mp, *nmp;
	size_t need;

	while ((mp = getq(q)) != NULL) {
		/* Flow control first: do no work for a message we cannot send. */
		if (!pcmsg(mp->b_datap->db_type) &&
		    !bcanputnext(q, mp->b_band)) {
			(void) putbq(q, mp);
			return (0);
		}
		if (mp->b_datap->db_type != M_DATA) {
			putnext(q, mp);
			continue;
		}
		if ((nmp = crmod_convert(mp, &need)) == NULL) {
			/*
			 * Out of buffers: put the message back and have
			 * STREAMS call us when one of that size may be
			 * free. If even bufcall fails, try again on a timer.
			 */
			(void) putbq(q, mp);
			if (cr->cr_wbufcall == 0 && cr->cr_wtimeout == 0) {
				cr->cr_wbufcall = qbufcall(q, need, BPRI_MED,
				    crmod_wbufcall, q);
				if (cr->cr_wbufcall == 0)
					cr->cr_wtimeout = qtimeout(q,
					    crmod_wtimeout, q,
					    drv_usectohz(10000));
			}
			return (0);
		}
		putnext(q, nmp);
	}
	return (0);
}

STRDP_MODULE_REGISTER(crmod_fsw)

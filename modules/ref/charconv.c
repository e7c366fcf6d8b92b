/*
 * charconv — the STREAMS Programming Guide's character conversion module,
 * driven by I_STR ioctls (commands in <strdp/ref/charconv.h>).
 *
 * Data: the bytes of every M_DATA message are converted on both sides,
 * write (application to driver) and read (driver to application), by the
 * stream's mode: none, upper case or lower case (ASCII letters only). The
 * mode in force when a message leaves the module is the one applied.
 * A block is converted in place when this message is its only user; a
 * block shared with another message (dupb(), a sniffer's copy) is never
 * written: the message is copied first.
 *
 * Queues: both sides have the same put and service procedures. The put
 * procedure sends a message on at once when nothing is queued ahead of it
 * and the next queue has room; otherwise it is queued (putq) and the
 * service procedure sends it when flow control allows (getq, bcanputnext,
 * putbq). High-priority messages are never held. When a copy cannot be
 * allocated the message goes back on the queue and qbufcall() re-enables
 * the queue later: nothing is dropped.
 *
 * ioctls (write side): CHCONV_NONE / _UPPER / _LOWER / _SETMODE /
 * _GETMODE are answered with miocack()/miocnak(). CHCONV_SETMODE and
 * CHCONV_GETMODE also come as transparent ioctls (ioc_count TRANSPARENT,
 * the user's address in b_cont): the module answers with M_COPYIN
 * (mcopyin) or M_COPYOUT (mcopyout), and finishes when the stream head
 * sends the M_IOCDATA reply. Unknown commands of the CHCONV_ family get
 * EINVAL; every other ioctl, and every M_IOCDATA not ours, is passed on
 * down: it belongs to a module or driver below.
 *
 * M_FLUSH: canonical, each side flushes its own queue when the message
 * names that side (FLUSHW on the write side, FLUSHR on the read side; one
 * band with FLUSHBAND), then passes it on.
 *
 * Push it with I_PUSH "charconv".
 */

#include <sys/types.h>
#include <sys/stream.h>
#include <sys/stropts.h>
#include <sys/strsun.h>
#include <sys/ddi.h>
#include <sys/conf.h>
#include <sys/kmem.h>
#include <sys/errno.h>
#include <string.h>

#include <strdp/ref/charconv.h>

static struct module_info chconv_minfo = {
	0x5204,		/* mi_idnum */
	"charconv",	/* mi_idname */
	0,		/* mi_minpsz */
	INFPSZ,		/* mi_maxpsz */
	4096,		/* mi_hiwat */
	1024		/* mi_lowat */
};

/* Per-stream state, shared by the two queues of the pair. */
struct chconv {
	int		cc_mode;	/* CHCONV_NONE, _UPPER or _LOWER */
	bufcall_id_t	cc_bufcall[2];	/* pending qbufcall, per side */
	timeout_id_t	cc_timeout[2];	/* pending qtimeout, per side */
};

/* index of q's side in the arrays above */
#define	CC_SIDE(q)	(((q)->q_flag & QREADR) ? 0 : 1)

static int chconv_open(queue_t *, dev_t *, int, int, cred_t *);
static int chconv_close(queue_t *, int, cred_t *);
static int chconv_put(queue_t *, mblk_t *);
static int chconv_srv(queue_t *);

static struct qinit chconv_rinit = {
	.qi_putp = chconv_put,
	.qi_srvp = chconv_srv,
	.qi_qopen = chconv_open,
	.qi_qclose = chconv_close,
	.qi_minfo = &chconv_minfo,
};

static struct qinit chconv_winit = {
	.qi_putp = chconv_put,
	.qi_srvp = chconv_srv,
	.qi_minfo = &chconv_minfo,
};

static struct streamtab chconv_info = {
	.st_rdinit = &chconv_rinit,
	.st_wrinit = &chconv_winit,
};

static struct fmodsw chconv_fsw = {
	"charconv", &chconv_info, D_MP
};

static int
chconv_open(queue_t *q, dev_t *devp, int oflag, int sflag, cred_t *credp)
{
	struct chconv *cc;

	(void)devp;
	(void)oflag;
	(void)credp;

	if (sflag != MODOPEN)
		return (EINVAL);
	if (q->q_ptr != NULL)		/* reopen */
		return (0);
	if ((cc = kmem_zalloc(sizeof (struct chconv), KM_NOSLEEP)) == NULL)
		return (ENOMEM);
	cc->cc_mode = CHCONV_NONE;
	q->q_ptr = cc;
	WR(q)->q_ptr = cc;
	qprocson(q);
	return (0);
}

static int
chconv_close(queue_t *q, int flag, cred_t *credp)
{
	struct chconv *cc = q->q_ptr;
	queue_t *qs[2];
	int i;

	(void)flag;
	(void)credp;

	qprocsoff(q);
	/* Cancel pending retries; once cancelled they cannot run. */
	qs[0] = RD(q);
	qs[1] = WR(q);
	for (i = 0; i < 2; i++) {
		if (cc->cc_bufcall[i] != 0)
			qunbufcall(qs[i], cc->cc_bufcall[i]);
		if (cc->cc_timeout[i] != 0)
			(void) quntimeout(qs[i], cc->cc_timeout[i]);
	}
	q->q_ptr = NULL;
	WR(q)->q_ptr = NULL;
	kmem_free(cc, sizeof (struct chconv));
	return (0);
}

/*
 * Data conversion
 */

static void
chconv_block(int mode, unsigned char *cp, unsigned char *end)
{
	if (mode == CHCONV_UPPER) {
		for (; cp < end; cp++)
			if (*cp >= 'a' && *cp <= 'z')
				*cp -= 'a' - 'A';
	} else if (mode == CHCONV_LOWER) {
		for (; cp < end; cp++)
			if (*cp >= 'A' && *cp <= 'Z')
				*cp += 'a' - 'A';
	}
}

/*
 * Converts M_DATA message mp by the stream's mode. Returns the message to
 * send on, or NULL when the copy of a shared message could not be
 * allocated: mp is then untouched and *needp is the size to wait for.
 */
static mblk_t *
chconv_convert(struct chconv *cc, mblk_t *mp, size_t *needp)
{
	mblk_t *bp, *nmp;

	if (cc->cc_mode == CHCONV_NONE)
		return (mp);

	for (bp = mp; bp != NULL; bp = bp->b_cont)
		if (DB_REF(bp) > 1)
			break;
	if (bp != NULL) {
		/* Shared with someone else: convert a private copy. */
		if ((nmp = copymsg(mp)) == NULL) {
			*needp = msgsize(mp);
			return (NULL);
		}
		nmp->b_band = mp->b_band;
		nmp->b_flag = mp->b_flag;
		freemsg(mp);
		mp = nmp;
	}
	for (bp = mp; bp != NULL; bp = bp->b_cont)
		if (bp->b_datap->db_type == M_DATA)
			chconv_block(cc->cc_mode, bp->b_rptr, bp->b_wptr);
	return (mp);
}

static void
chconv_bufcall(void *arg)
{
	queue_t *q = arg;
	struct chconv *cc = q->q_ptr;

	cc->cc_bufcall[CC_SIDE(q)] = 0;
	qenable(q);
}

static void
chconv_timeout(void *arg)
{
	queue_t *q = arg;
	struct chconv *cc = q->q_ptr;

	cc->cc_timeout[CC_SIDE(q)] = 0;
	qenable(q);
}

/*
 * Out of buffers on q's side: have STREAMS enable q again when a buffer of
 * size bytes may be available (or in 10 ms if even bufcall fails).
 */
static void
chconv_retry(queue_t *q, size_t size)
{
	struct chconv *cc = q->q_ptr;
	int side = CC_SIDE(q);

	if (cc->cc_bufcall[side] != 0 || cc->cc_timeout[side] != 0)
		return;			/* one retry is enough */
	cc->cc_bufcall[side] = qbufcall(q, size, BPRI_MED, chconv_bufcall, q);
	if (cc->cc_bufcall[side] == 0)
		cc->cc_timeout[side] = qtimeout(q, chconv_timeout, q,
		    drv_usectohz(10000));
}

/*
 * A normal message: on at once if nothing waits ahead of it and the next
 * queue has room, else onto our queue for the service procedure.
 */
static void
chconv_send(queue_t *q, mblk_t *mp)
{
	struct chconv *cc = q->q_ptr;
	mblk_t *nmp;
	size_t need;

	if (q->q_first != NULL || !bcanputnext(q, mp->b_band)) {
		(void) putq(q, mp);
		return;
	}
	if (mp->b_datap->db_type == M_DATA) {
		if ((nmp = chconv_convert(cc, mp, &need)) == NULL) {
			(void) putq(q, mp);
			chconv_retry(q, need);
			return;
		}
		mp = nmp;
	}
	putnext(q, mp);
}

/*
 * ioctls
 */

/* The user address of a transparent ioctl: the pointer in b_cont. */
static int
chconv_uaddr(mblk_t *mp, void **uaddrp)
{
	if (mp->b_cont == NULL || MBLKL(mp->b_cont) < (ssize_t)sizeof (void *))
		return (EINVAL);
	memcpy(uaddrp, mp->b_cont->b_rptr, sizeof (void *));
	return (0);
}

static int
chconv_valid_mode(int mode)
{
	return (mode == CHCONV_NONE || mode == CHCONV_UPPER ||
	    mode == CHCONV_LOWER);
}

static void
chconv_ioctl(queue_t *q, mblk_t *mp)
{
	struct iocblk *iocp = (struct iocblk *)mp->b_rptr;
	struct chconv *cc = q->q_ptr;
	mblk_t *bp;
	void *uaddr;
	int mode, error;

	switch (iocp->ioc_cmd) {
	case CHCONV_NONE:
	case CHCONV_UPPER:
	case CHCONV_LOWER:
		/* No data: I_STR or transparent, the answer is the same. */
		cc->cc_mode = iocp->ioc_cmd;
		miocack(q, mp, 0, 0);
		return;

	case CHCONV_SETMODE:
		if (iocp->ioc_count == TRANSPARENT) {
			/* Ask the stream head for the int at the address. */
			if ((error = chconv_uaddr(mp, &uaddr)) != 0) {
				miocnak(q, mp, 0, error);
				return;
			}
			mcopyin(mp, NULL, sizeof (int), uaddr);
			qreply(q, mp);
			return;
		}
		/* I_STR: the int is in b_cont. */
		if (miocpullup(mp, sizeof (int)) != 0) {
			miocnak(q, mp, 0, EINVAL);
			return;
		}
		memcpy(&mode, mp->b_cont->b_rptr, sizeof (int));
		if (!chconv_valid_mode(mode)) {
			miocnak(q, mp, 0, EINVAL);
			return;
		}
		cc->cc_mode = mode;
		miocack(q, mp, 0, 0);
		return;

	case CHCONV_GETMODE:
		if ((bp = allocb(sizeof (int), BPRI_MED)) == NULL) {
			miocnak(q, mp, 0, ENOSR);
			return;
		}
		memcpy(bp->b_wptr, &cc->cc_mode, sizeof (int));
		bp->b_wptr += sizeof (int);
		if (iocp->ioc_count == TRANSPARENT) {
			/* Ask the stream head to copy the int out. */
			if ((error = chconv_uaddr(mp, &uaddr)) != 0) {
				freeb(bp);
				miocnak(q, mp, 0, error);
				return;
			}
			mcopyout(mp, NULL, sizeof (int), uaddr, bp);
			qreply(q, mp);
			return;
		}
		/* I_STR: the reply data replaces what came down. */
		if (mp->b_cont != NULL)
			freemsg(mp->b_cont);
		mp->b_cont = bp;
		miocack(q, mp, sizeof (int), 0);
		return;

	default:
		if ((iocp->ioc_cmd & ~0xff) == CHCONV_IOC) {
			/* ours, but not a command we know */
			miocnak(q, mp, 0, EINVAL);
			return;
		}
		/* Not ours: a module or driver below may know it. */
		chconv_send(q, mp);
		return;
	}
}

/*
 * The stream head's answer to our M_COPYIN / M_COPYOUT.
 */
static void
chconv_iocdata(queue_t *q, mblk_t *mp)
{
	struct copyresp *csp = (struct copyresp *)mp->b_rptr;
	struct chconv *cc = q->q_ptr;
	int mode;

	switch (csp->cp_cmd) {
	case CHCONV_SETMODE:
	case CHCONV_GETMODE:
		break;
	default:
		/* Not ours: answers a request of a module below. */
		putnext(q, mp);
		return;
	}

	if (csp->cp_rval != NULL) {
		/*
		 * The copy failed: the stream head has already failed the
		 * ioctl. Free the message and do not answer.
		 */
		freemsg(mp);
		return;
	}

	if (csp->cp_cmd == CHCONV_SETMODE) {
		if (mp->b_cont == NULL || !pullupmsg(mp->b_cont, sizeof (int))) {
			miocnak(q, mp, 0, EINVAL);
			return;
		}
		memcpy(&mode, mp->b_cont->b_rptr, sizeof (int));
		if (!chconv_valid_mode(mode)) {
			miocnak(q, mp, 0, EINVAL);
			return;
		}
		cc->cc_mode = mode;
	}
	/* CHCONV_GETMODE: the copy-out is done; nothing more to send. */
	if (mp->b_cont != NULL) {
		freemsg(mp->b_cont);
		mp->b_cont = NULL;
	}
	miocack(q, mp, 0, 0);
}

/*
 * Put procedure, both sides.
 */
static int
chconv_put(queue_t *q, mblk_t *mp)
{
	int wside = !(q->q_flag & QREADR);

	switch (mp->b_datap->db_type) {
	case M_FLUSH:
		if (*mp->b_rptr & (wside ? FLUSHW : FLUSHR)) {
			if ((*mp->b_rptr & FLUSHBAND) && MBLKL(mp) >= 2)
				flushband(q, *(mp->b_rptr + 1), FLUSHDATA);
			else
				flushq(q, FLUSHDATA);
		}
		putnext(q, mp);
		return (0);

	case M_IOCTL:
		if (wside) {
			chconv_ioctl(q, mp);
			return (0);
		}
		break;

	case M_IOCDATA:
		if (wside) {
			chconv_iocdata(q, mp);
			return (0);
		}
		break;

	default:
		break;
	}

	if (pcmsg(mp->b_datap->db_type))
		putnext(q, mp);		/* never held */
	else
		chconv_send(q, mp);
	return (0);
}

/*
 * Service procedure, both sides.
 */
static int
chconv_srv(queue_t *q)
{
	struct chconv *cc = q->q_ptr;
	mblk_t *mp, *nmp;
	size_t need;

	while ((mp = getq(q)) != NULL) {
		if (!pcmsg(mp->b_datap->db_type) &&
		    !bcanputnext(q, mp->b_band)) {
			(void) putbq(q, mp);	/* wait for a back-enable */
			return (0);
		}
		if (mp->b_datap->db_type == M_DATA) {
			if ((nmp = chconv_convert(cc, mp, &need)) == NULL) {
				(void) putbq(q, mp);
				chconv_retry(q, need);
				return (0);
			}
			mp = nmp;
		}
		putnext(q, mp);
	}
	return (0);
}

STRDP_MODULE_REGISTER(chconv_fsw)

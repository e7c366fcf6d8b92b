/*
 * gmux — the STREAMS Programming Guide's multiplexing driver example,
 * for the tests (contract in gmux.h). Upper streams are clone minors;
 * lower streams are kept in a table filled by I_LINK/I_PLINK. Written as
 * the guide writes it: the upper write side queues and sends while the
 * lower stream can take it (canputnext), the lower write service enables
 * the upper write services when the lower stream drains.
 */
#include <sys/types.h>
#include <sys/stream.h>
#include <sys/stropts.h>
#include <sys/strsun.h>
#include <sys/ddi.h>
#include <sys/conf.h>
#include <sys/errno.h>
#include <string.h>

#include <strdp/strdp.h>

#include "gmux.h"

struct gmux_record gmux_rec;
int gmux_nak_next_link;
int gmux_nak_next_unlink;
int gmux_talk_while_linking;

struct gmux_upper {
	queue_t	*gu_rq;		/* NULL: minor free */
	int	gu_err;		/* the lower stream failed */
};

struct gmux_lower {
	queue_t	*gl_qbot;	/* NULL: slot free */
	int	gl_muxid;
	struct gmux_upper *gl_owner;	/* NULL for a persistent link */
};

static struct gmux_upper gmux_upper[GMUX_NUPPER];
static struct gmux_lower gmux_lower[GMUX_NLOWER];

void
gmux_reset(void)
{
	memset(&gmux_rec, 0, sizeof (gmux_rec));
	memset(gmux_lower, 0, sizeof (gmux_lower));
	gmux_nak_next_link = 0;
	gmux_nak_next_unlink = 0;
	gmux_talk_while_linking = 0;
}

static struct module_info gmux_minfo = {
	0x6d78, "gmux", 0, INFPSZ, 512, 128
};

static int gmux_open(queue_t *, dev_t *, int, int, cred_t *);
static int gmux_close(queue_t *, int, cred_t *);
static int gmux_uwput(queue_t *, mblk_t *);
static int gmux_uwsrv(queue_t *);
static int gmux_urput(queue_t *, mblk_t *);
static int gmux_lrput(queue_t *, mblk_t *);
static int gmux_lwput(queue_t *, mblk_t *);
static int gmux_lwsrv(queue_t *);

static struct qinit gmux_urinit = {
	.qi_putp = gmux_urput,
	.qi_qopen = gmux_open,
	.qi_qclose = gmux_close,
	.qi_minfo = &gmux_minfo,
};
static struct qinit gmux_uwinit = {
	.qi_putp = gmux_uwput,
	.qi_srvp = gmux_uwsrv,
	.qi_minfo = &gmux_minfo,
};
static struct qinit gmux_lrinit = {
	.qi_putp = gmux_lrput,
	.qi_minfo = &gmux_minfo,
};
static struct qinit gmux_lwinit = {
	.qi_putp = gmux_lwput,
	.qi_srvp = gmux_lwsrv,
	.qi_minfo = &gmux_minfo,
};

static struct streamtab gmux_info = {
	.st_rdinit = &gmux_urinit,
	.st_wrinit = &gmux_uwinit,
	.st_muxrinit = &gmux_lrinit,
	.st_muxwinit = &gmux_lwinit,
};
/* The same driver under a second streamtab: another node of the graph. */
static struct streamtab gmux2_info = {
	.st_rdinit = &gmux_urinit,
	.st_wrinit = &gmux_uwinit,
	.st_muxrinit = &gmux_lrinit,
	.st_muxwinit = &gmux_lwinit,
};

static int
gmux_open(queue_t *q, dev_t *devp, int flag, int sflag, cred_t *credp)
{
	minor_t m;

	(void)flag;
	(void)credp;
	if (sflag != CLONEOPEN)
		return (ENXIO);
	for (m = 0; m < GMUX_NUPPER; m++)
		if (gmux_upper[m].gu_rq == NULL)
			break;
	if (m == GMUX_NUPPER)
		return (ENXIO);
	gmux_upper[m].gu_rq = q;
	gmux_upper[m].gu_err = 0;
	q->q_ptr = WR(q)->q_ptr = &gmux_upper[m];
	*devp = makedevice(getmajor(*devp), m);
	qprocson(q);
	return (0);
}

static int
gmux_close(queue_t *q, int flag, cred_t *credp)
{
	struct gmux_upper *up = q->q_ptr;

	(void)flag;
	(void)credp;
	qprocsoff(q);
	up->gu_rq = NULL;
	q->q_ptr = WR(q)->q_ptr = NULL;
	return (0);
}

/* The lower stream data from upper stream `up` goes to. */
static struct gmux_lower *
gmux_route(struct gmux_upper *up)
{
	int i;

	for (i = 0; i < GMUX_NLOWER; i++)
		if (gmux_lower[i].gl_qbot != NULL && gmux_lower[i].gl_owner == up)
			return (&gmux_lower[i]);
	for (i = 0; i < GMUX_NLOWER; i++)
		if (gmux_lower[i].gl_qbot != NULL && gmux_lower[i].gl_owner == NULL)
			return (&gmux_lower[i]);
	return (NULL);
}

/* Sends header + text down qbot for upper stream `up` (the test knob). */
static void
gmux_talk(queue_t *qbot, struct gmux_upper *up, const char *text)
{
	struct gmux_hdr h;
	size_t n = strlen(text);
	mblk_t *bp;

	if (!gmux_talk_while_linking || (bp = allocb(sizeof (h) + n, BPRI_MED)) == NULL)
		return;
	h.gh_minor = (uint32_t)(up - gmux_upper);
	memcpy(bp->b_wptr, &h, sizeof (h));
	memcpy(bp->b_wptr + sizeof (h), text, n);
	bp->b_wptr += sizeof (h) + n;
	putnext(qbot, bp);
}

static void
gmux_ioctl(queue_t *q, mblk_t *mp)
{
	struct iocblk *iocp = (struct iocblk *)mp->b_rptr;
	struct linkblk *lp;
	int i, err;

	switch (iocp->ioc_cmd) {
	case I_LINK:
	case I_PLINK:
		if (gmux_nak_next_link != 0) {
			err = gmux_nak_next_link;
			gmux_nak_next_link = 0;
			gmux_rec.naks++;
			miocnak(q, mp, 0, err);
			return;
		}
		if (miocpullup(mp, sizeof (*lp)) != 0) {
			miocnak(q, mp, 0, EINVAL);
			return;
		}
		lp = (struct linkblk *)mp->b_cont->b_rptr;
		for (i = 0; i < GMUX_NLOWER; i++)
			if (gmux_lower[i].gl_qbot == NULL)
				break;
		if (i == GMUX_NLOWER) {
			gmux_rec.naks++;
			miocnak(q, mp, 0, ENOSR);
			return;
		}
		gmux_lower[i].gl_qbot = lp->l_qbot;
		gmux_lower[i].gl_muxid = lp->l_index;
		gmux_lower[i].gl_owner = lp->l_qtop != NULL ? q->q_ptr : NULL;
		lp->l_qbot->q_ptr = RD(lp->l_qbot)->q_ptr = &gmux_lower[i];
		gmux_talk(lp->l_qbot, q->q_ptr, "hello");
		gmux_rec.links++;
		miocack(q, mp, 0, 0);
		return;

	case I_UNLINK:
	case I_PUNLINK:
		if (gmux_nak_next_unlink != 0) {
			if (mp->b_cont != NULL && MBLKL(mp->b_cont) >= (long)sizeof (*lp))
				gmux_talk(((struct linkblk *)mp->b_cont->b_rptr)->l_qbot,
				    q->q_ptr, "bye");
			err = gmux_nak_next_unlink;
			gmux_nak_next_unlink = 0;
			gmux_rec.naks++;
			miocnak(q, mp, 0, err);
			return;
		}
		if (miocpullup(mp, sizeof (*lp)) != 0) {
			miocnak(q, mp, 0, EINVAL);
			return;
		}
		lp = (struct linkblk *)mp->b_cont->b_rptr;
		for (i = 0; i < GMUX_NLOWER; i++)
			if (gmux_lower[i].gl_qbot == lp->l_qbot &&
			    gmux_lower[i].gl_muxid == lp->l_index)
				break;
		if (i == GMUX_NLOWER) {
			miocnak(q, mp, 0, EINVAL);
			return;
		}
		gmux_talk(lp->l_qbot, q->q_ptr, "bye");
		gmux_lower[i].gl_qbot = NULL;
		if (iocp->ioc_cmd == I_UNLINK)
			gmux_rec.unlinks++;
		else
			gmux_rec.punlinks++;
		miocack(q, mp, 0, 0);
		return;

	default:
		miocnak(q, mp, 0, EINVAL);
		return;
	}
}

static int
gmux_uwput(queue_t *q, mblk_t *mp)
{
	struct gmux_upper *up = q->q_ptr;

	switch (mp->b_datap->db_type) {
	case M_IOCTL:
		gmux_ioctl(q, mp);
		break;
	case M_FLUSH:
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
		if (up->gu_err) {
			freemsg(mp);
			(void) putnextctl1(RD(q), M_ERROR, EIO);
			break;
		}
		(void) putq(q, mp);
		break;
	default:
		freemsg(mp);
		break;
	}
	return (0);
}

/* Upper write service: header, then down the lower stream while it has room. */
static int
gmux_uwsrv(queue_t *q)
{
	struct gmux_upper *up = q->q_ptr;
	struct gmux_lower *lo;
	struct gmux_hdr h;
	mblk_t *mp, *bp;

	while ((mp = getq(q)) != NULL) {
		if ((lo = gmux_route(up)) == NULL) {
			gmux_rec.nolower++;
			freemsg(mp);
			continue;
		}
		if (!canputnext(lo->gl_qbot)) {
			(void) putbq(q, mp);
			break;
		}
		if ((bp = allocb(sizeof (h), BPRI_MED)) == NULL) {
			(void) putbq(q, mp);
			break;
		}
		h.gh_minor = (uint32_t)(up - gmux_upper);
		memcpy(bp->b_wptr, &h, sizeof (h));
		bp->b_wptr += sizeof (h);
		bp->b_cont = mp;
		putnext(lo->gl_qbot, bp);
	}
	return (0);
}

static int
gmux_urput(queue_t *q, mblk_t *mp)
{
	putnext(q, mp);
	return (0);
}

/* Lower read put: route by the header; errors reach every upper stream. */
static int
gmux_lrput(queue_t *q, mblk_t *mp)
{
	struct gmux_hdr h;
	int i;

	(void)q;
	gmux_rec.lower_in++;
	switch (mp->b_datap->db_type) {
	case M_DATA:
		if (msgdsize(mp) < sizeof (h) || pullupmsg(mp, sizeof (h)) == 0) {
			freemsg(mp);
			break;
		}
		memcpy(&h, mp->b_rptr, sizeof (h));
		mp->b_rptr += sizeof (h);
		if (h.gh_minor >= GMUX_NUPPER || gmux_upper[h.gh_minor].gu_rq == NULL) {
			freemsg(mp);
			break;
		}
		putnext(gmux_upper[h.gh_minor].gu_rq, mp);
		break;
	case M_FLUSH:
		if (*mp->b_rptr & FLUSHW) {
			*mp->b_rptr &= ~FLUSHR;
			qreply(q, mp);
		} else {
			freemsg(mp);
		}
		break;
	case M_HANGUP:
	case M_ERROR:
		for (i = 0; i < GMUX_NUPPER; i++)
			if (gmux_upper[i].gu_rq != NULL) {
				gmux_upper[i].gu_err = 1;
				(void) putnextctl1(gmux_upper[i].gu_rq, M_ERROR, EIO);
			}
		freemsg(mp);
		break;
	default:
		freemsg(mp);
		break;
	}
	return (0);
}

static int
gmux_lwput(queue_t *q, mblk_t *mp)
{
	putnext(q, mp);
	return (0);
}

/* The lower stream drained: let the upper write services send again. */
static int
gmux_lwsrv(queue_t *q)
{
	int i;

	(void)q;
	for (i = 0; i < GMUX_NUPPER; i++)
		if (gmux_upper[i].gu_rq != NULL)
			qenable(WR(gmux_upper[i].gu_rq));
	return (0);
}

STRDP_DRIVER_REGISTER(gmux, gmux_info, D_MP | CLONE_DEV)
STRDP_DRIVER_REGISTER(gmux2, gmux2_info, D_MP | CLONE_DEV)

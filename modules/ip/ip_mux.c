/*
 * ip — the IPv4 router's multiplexing driver (contract: <strdp/ip.h>,
 * design: docs/ip.md). This file is the streamtab and the upper side:
 * opens, closes, and the ioctls that link interfaces, set them up and
 * change routes.
 *
 * Queues (the four qinits of a multiplexor):
 *  - upper write (ip_uwput): I_LINK, I_PLINK, I_UNLINK, I_PUNLINK and the
 *    IP_IOC_* commands; M_FLUSH the canonical driver way; data written on
 *    an upper stream has nowhere to go yet (freed, counted);
 *  - upper read: nothing is sent up;
 *  - lower read and write: the data path (ip_fast.c for bursts of frames
 *    it can forward as they are, ip_data.c, ip_output.c).
 *
 * Threads: an open runs on its lane's thread, and so do the links and
 * ioctls of its stream. ip_rt.lock guards what lanes share and change
 * (the lane table, the interfaces, the forwarding table's writer side);
 * the data path never takes it.
 */
#include <sys/stropts.h>
#include <sys/strsun.h>
#include <sys/conf.h>
#include <sys/errno.h>
#include <string.h>

#include "ip_impl.h"

static struct module_info ip_minfo = {
	0x4950,		/* mi_idnum */
	"ip",		/* mi_idname */
	0,		/* mi_minpsz */
	INFPSZ,		/* mi_maxpsz */
	4096,		/* mi_hiwat: nothing is queued on the upper side */
	1024		/* mi_lowat */
};

/* Nothing waits on a lower's queues: a router drops at a full link. */
static struct module_info ip_lminfo = {
	0x4950, "ip", 0, INFPSZ, 65536, 16384
};

static int ip_open(queue_t *, dev_t *, int, int, cred_t *);
static int ip_close(queue_t *, int, cred_t *);
static int ip_uwput(queue_t *, mblk_t *);
static int ip_urput(queue_t *, mblk_t *);

static struct qinit ip_urinit = {
	.qi_putp = ip_urput,
	.qi_qopen = ip_open,
	.qi_qclose = ip_close,
	.qi_minfo = &ip_minfo,
};
static struct qinit ip_uwinit = {
	.qi_putp = ip_uwput,
	.qi_minfo = &ip_minfo,
};
static struct qinit ip_lrinit = {
	.qi_putp = ip_lrput,
	.qi_minfo = &ip_lminfo,
	.qi_putfp = ip_lrputf,	/* forwarding of plain datagrams, as frames */
};
static struct qinit ip_lwinit = {
	.qi_putp = ip_lwput,
	.qi_minfo = &ip_lminfo,
};

static struct streamtab ip_info = {
	.st_rdinit = &ip_urinit,
	.st_wrinit = &ip_uwinit,
	.st_muxrinit = &ip_lrinit,
	.st_muxwinit = &ip_lwinit,
};

/* ------------------------------------------------------------------ */
/* Open and close                                                      */
/* ------------------------------------------------------------------ */

/* The lowest minor no open stream uses. With ip_rt.lock held. */
static minor_t
free_minor(void)
{
	minor_t m = 0;

again:
	for (struct ip_upper *up = ip_rt.uppers; up != NULL; up = up->up_next) {
		if (up->up_minor == m) {
			m++;
			goto again;
		}
	}
	return m;
}

static int
ip_open(queue_t *q, dev_t *devp, int flag, int sflag, cred_t *credp)
{
	(void)flag;
	(void)credp;

	if (sflag != CLONEOPEN)
		return ENXIO;
	strdp_sched_t *s = strdp_sched_current();
	if (s == NULL)		/* a lane is a scheduler */
		return ENXIO;
	struct ip_upper *up = kmem_zalloc(sizeof *up, KM_NOSLEEP);
	if (up == NULL)
		return ENOMEM;

	(void)pthread_mutex_lock(&ip_rt.lock);
	int err = ip_router_start();
	if (err == 0 && (up->up_lane = ip_lane_get(s)) == NULL)
		err = ENOSPC;	/* IP_MAX_LANES schedulers have ip open */
	if (err == 0) {
		up->up_minor = free_minor();
		up->up_rq = q;
		up->up_next = ip_rt.uppers;
		ip_rt.uppers = up;
	}
	(void)pthread_mutex_unlock(&ip_rt.lock);
	if (err != 0) {
		kmem_free(up, sizeof *up);
		return err;
	}

	*devp = makedevice(getmajor(*devp), up->up_minor);
	q->q_ptr = up;
	WR(q)->q_ptr = up;
	qprocson(q);
	return 0;
}

/* The framework has unlinked this stream's I_LINK lowers; persistent ones
 * stay on the lane, owned by no stream, until I_PUNLINK. */
static int
ip_close(queue_t *q, int flag, cred_t *credp)
{
	struct ip_upper *up = q->q_ptr;

	(void)flag;
	(void)credp;
	qprocsoff(q);
	q->q_ptr = NULL;
	WR(q)->q_ptr = NULL;

	(void)pthread_mutex_lock(&ip_rt.lock);
	for (struct ip_upper **pp = &ip_rt.uppers; *pp != NULL; pp = &(*pp)->up_next) {
		if (*pp == up) {
			*pp = up->up_next;
			break;
		}
	}
	for (struct ip_lower *lo = up->up_lane->il_lowers; lo != NULL; lo = lo->lo_next)
		if (lo->lo_owner == up)
			lo->lo_owner = NULL;
	ip_lane_put(up->up_lane);
	(void)pthread_mutex_unlock(&ip_rt.lock);
	kmem_free(up, sizeof *up);
	return 0;
}

/* ------------------------------------------------------------------ */
/* ioctls                                                               */
/* ------------------------------------------------------------------ */

/* The request's data as a T, pulled up: NULL if it is not exactly one. */
static void *
ioc_data(mblk_t *mp, size_t size)
{
	struct iocblk *iocp = (struct iocblk *)mp->b_rptr;

	if (iocp->ioc_count == TRANSPARENT || (size_t)iocp->ioc_count != size ||
	    miocpullup(mp, size) != 0)
		return NULL;
	return mp->b_cont->b_rptr;
}

static void
ip_ioctl(queue_t *q, mblk_t *mp)
{
	struct ip_upper *up = q->q_ptr;
	struct iocblk *iocp = (struct iocblk *)mp->b_rptr;
	size_t count = 0;
	int error;
	void *d;

	switch (iocp->ioc_cmd) {
	case I_LINK:
	case I_PLINK:
	case I_UNLINK:
	case I_PUNLINK:
		/* The framework sends a linkblk; anyone else may not. */
		if ((d = ioc_data(mp, sizeof(struct linkblk))) == NULL) {
			error = EINVAL;
			break;
		}
		if (iocp->ioc_cmd == I_LINK || iocp->ioc_cmd == I_PLINK)
			error = ip_lower_link(up, d);
		else
			error = ip_lower_unlink(up, iocp->ioc_cmd, d);
		break;
	case IP_IOC_IFSET:
		d = ioc_data(mp, sizeof(struct ip_ifreq));
		error = d == NULL ? EINVAL : ip_ifset(up, d);
		break;
	case IP_IOC_ROUTE_ADD:
	case IP_IOC_ROUTE_DEL:
		if ((d = ioc_data(mp, sizeof(struct ip_rtreq))) == NULL)
			error = EINVAL;
		else if (iocp->ioc_cmd == IP_IOC_ROUTE_ADD)
			error = ip_route_add(d);
		else
			error = ip_route_del(d);
		break;
	case IP_IOC_ROUTE_LIST:
		error = ip_route_list(mp, &count);
		break;
	case IP_IOC_STATS:
		error = ip_if_stats(mp, &count);
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
ip_uwput(queue_t *q, mblk_t *mp)
{
	switch (mp->b_datap->db_type) {
	case M_IOCTL:
		ip_ioctl(q, mp);
		break;
	case M_FLUSH:
		/* The canonical driver: nothing is queued on either side. */
		if (*mp->b_rptr & FLUSHR) {
			*mp->b_rptr &= ~FLUSHW;
			qreply(q, mp);
		} else {
			freemsg(mp);
		}
		break;
	case M_DATA:
	case M_PROTO:
	case M_PCPROTO:
		/* No transport above the router yet: nothing to send. */
		__atomic_fetch_add(&ip_rt.upper_drops, 1, __ATOMIC_RELAXED);
		freemsg(mp);
		break;
	default:
		freemsg(mp);
		break;
	}
	return 0;
}

static int
ip_urput(queue_t *q, mblk_t *mp)
{
	putnext(q, mp);
	return 0;
}

STRDP_DRIVER_REGISTER(ip, ip_info, D_MP | CLONE_DEV)

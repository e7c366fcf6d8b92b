/*
 * udp — /dev/udp, the router's UDP endpoints (contract: <strdp/udp.h>,
 * <strdp/tpi.h>; how datagrams cross between lanes and endpoints:
 * udp_impl.h). This file is the streamtab: open, close, the write side's
 * dispatch and the read side, which moves what the lanes queued up the
 * stream as the stream head takes it.
 *
 * Queues:
 *  - write (udp_wput): TPI primitives (udp_tpi.c), M_IOCTL (UDP_IOC_STATS),
 *    M_FLUSH the canonical driver way;
 *  - read: nothing is put here by anyone but the read service procedure,
 *    which a lane's wake (udp_lane.c) or a back-enable runs.
 */
#include <sys/stropts.h>
#include <sys/strsun.h>
#include <sys/conf.h>
#include <sys/errno.h>
#include <string.h>

#include <rte_ring.h>

#include "udp_impl.h"

static struct module_info udp_minfo = {
	0x5544,		/* mi_idnum */
	"udp",		/* mi_idname */
	0,		/* mi_minpsz */
	INFPSZ,		/* mi_maxpsz */
	65536,		/* mi_hiwat */
	16384		/* mi_lowat */
};

static int udp_open(queue_t *, dev_t *, int, int, cred_t *);
static int udp_close(queue_t *, int, cred_t *);
static int udp_wput(queue_t *, mblk_t *);
static int udp_rsrv(queue_t *);

static struct qinit udp_rinit = {
	.qi_srvp = udp_rsrv,
	.qi_qopen = udp_open,
	.qi_qclose = udp_close,
	.qi_minfo = &udp_minfo,
};
static struct qinit udp_winit = {
	.qi_putp = udp_wput,
	.qi_minfo = &udp_minfo,
};
static struct streamtab udp_info = {
	.st_rdinit = &udp_rinit,
	.st_wrinit = &udp_winit,
};

static int
udp_open(queue_t *q, dev_t *devp, int flag, int sflag, cred_t *credp)
{
	(void)flag;

	if (sflag != CLONEOPEN)
		return ENXIO;
	strdp_sched_t *s = strdp_sched_current();
	if (s == NULL)
		return ENXIO;
	struct udp_ep *ep = kmem_zalloc(sizeof *ep, KM_NOSLEEP);
	if (ep == NULL)
		return ENOMEM;
	int err = udp_slot_take(s, ep);
	if (err != 0) {
		kmem_free(ep, sizeof *ep);
		return err;
	}
	ep->ue_rq = q;
	ep->ue_state = TS_UNBND;
	ep->ue_privileged = credp == NULL || drv_priv(credp) == 0;
	ep->ue_ttl = UDP_DEFAULT_TTL;
	ep->ue_cksum = T_YES;
	*devp = makedevice(getmajor(*devp), (minor_t)ep->ue_slot);
	q->q_ptr = ep;
	WR(q)->q_ptr = ep;
	qprocson(q);
	return 0;
}

static int
udp_close(queue_t *q, int flag, cred_t *credp)
{
	struct udp_ep *ep = q->q_ptr;

	(void)flag;
	(void)credp;
	qprocsoff(q);
	udp_slot_release(ep);
	q->q_ptr = NULL;
	WR(q)->q_ptr = NULL;
	kmem_free(ep, sizeof *ep);
	return 0;
}

static void
udp_ioctl(queue_t *q, mblk_t *mp)
{
	struct udp_ep *ep = q->q_ptr;
	struct iocblk *iocp = (struct iocblk *)mp->b_rptr;

	if (iocp->ioc_cmd != UDP_IOC_STATS || iocp->ioc_count == TRANSPARENT ||
	    (size_t)iocp->ioc_count != sizeof(struct udp_ep_stats) ||
	    miocpullup(mp, sizeof(struct udp_ep_stats)) != 0) {
		miocnak(q, mp, 0, EINVAL);
		return;
	}
	const struct udp_slot *us = &udp_slots[ep->ue_slot];
	struct udp_ep_stats st = ep->ue_st;
	st.ue_addr = ep->ue_addr;
	st.ue_port = ep->ue_port;
	st.ue_in = __atomic_load_n(&us->us_in, __ATOMIC_RELAXED);
	st.ue_rcvbuf_full = __atomic_load_n(&us->us_rcvbuf_full, __ATOMIC_RELAXED);
	st.ue_nomem = __atomic_load_n(&us->us_nomem, __ATOMIC_RELAXED);
	memcpy(mp->b_cont->b_rptr, &st, sizeof st);
	miocack(q, mp, sizeof st, 0);
}

static int
udp_wput(queue_t *q, mblk_t *mp)
{
	switch (mp->b_datap->db_type) {
	case M_PROTO:
	case M_PCPROTO:
		udp_wput_proto(q, mp);
		break;
	case M_DATA:
		udp_wput_data(q, mp);
		break;
	case M_IOCTL:
		udp_ioctl(q, mp);
		break;
	case M_FLUSH:
		if (*mp->b_rptr & FLUSHR) {
			flushq(RD(q), FLUSHDATA);
			*mp->b_rptr &= ~FLUSHW;
			qreply(q, mp);
		} else {
			freemsg(mp);
		}
		break;
	default:
		freemsg(mp);
		break;
	}
	return 0;
}

/*
 * Moves what the lanes queued up the stream while the head takes it. The
 * wake flag stays set while anything is left, so lanes post no more
 * wakes then; a full head back-enables this queue. Cleared only with the
 * ring found empty, and looked at once more after, so that a datagram
 * queued in between is not left without a wake.
 */
static int
udp_rsrv(queue_t *q)
{
	struct udp_ep *ep = q->q_ptr;
	struct udp_slot *us = &udp_slots[ep->ue_slot];
	void *obj;

	for (;;) {
		while (canputnext(q) && rte_ring_sc_dequeue(us->us_ring, &obj) == 0) {
			mblk_t *mp = obj;
			if (ep->ue_state != TS_IDLE) {	/* queued before an unbind */
				ep->ue_st.ue_stale++;
				freemsg(mp);
				continue;
			}
			ep->ue_st.ue_up++;
			putnext(q, mp);
		}
		if (!rte_ring_empty(us->us_ring))
			return 0;	/* the head is full: its back-enable */
		__atomic_exchange_n(&us->us_wake, 0, __ATOMIC_SEQ_CST);
		if (rte_ring_empty(us->us_ring) ||
		    __atomic_exchange_n(&us->us_wake, 1, __ATOMIC_SEQ_CST) != 0)
			return 0;	/* empty, or a lane's wake is on its way */
	}
}

STRDP_DRIVER_REGISTER(udp, udp_info, D_MP | CLONE_DEV)

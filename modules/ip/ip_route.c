/*
 * IP_IOC_ROUTE_ADD, _DEL and _LIST (<strdp/ip.h>): the writer's side of
 * the forwarding table, under ip_rt.lock. A route names its interface
 * by the gateway's link (or by name, for a route on the link itself);
 * an interface's own routes (its subnet, its address, its broadcast)
 * come and go with it alone.
 */
#include <sys/stropts.h>
#include <sys/strsun.h>
#include <sys/errno.h>
#include <string.h>

#include "ip_impl.h"

/* One of ifp's own routes? */
static int
if_route(const struct ip_if *ifp, uint32_t dst, uint32_t plen)
{
	return (plen == ifp->if_plen && dst == (ifp->if_addr & ifp->if_mask)) ||
	       (plen == 32 && (dst == ifp->if_addr || (ifp->if_bcast != 0 && dst == ifp->if_bcast)));
}

static int
any_if_route(uint32_t dst, uint32_t plen, const struct ip_if **which)
{
	for (unsigned i = 0; i < IP_MAX_IFS; i++) {
		if (ip_rt.ifs[i] != NULL && if_route(ip_rt.ifs[i], dst, plen)) {
			if (which != NULL)
				*which = ip_rt.ifs[i];
			return 1;
		}
	}
	return 0;
}

/* The request's interface name: NULL if absent, "" if unterminated. */
static const char *
ifname(const struct ip_rtreq *rq)
{
	if (memchr(rq->rt_ifname, 0, sizeof rq->rt_ifname) == NULL)
		return "";
	return rq->rt_ifname[0] != 0 ? rq->rt_ifname : NULL;
}

int
ip_route_add(const struct ip_rtreq *rq)
{
	const char *name = ifname(rq);

	if (rq->rt_plen > 32 || (rq->rt_dst & ~ip_mask_of(rq->rt_plen)) != 0 ||
	    (rq->rt_flags & ~(IP_RT_REPLACE | IP_RT_REJECT)) != 0 || (name != NULL && *name == 0))
		return EINVAL;
	struct ip_nexthop nh = {rq->rt_gateway, 0, 0};
	(void)pthread_mutex_lock(&ip_rt.lock);
	int err = 0;
	struct ip_if *ifp = name != NULL ? ip_if_named(name) : NULL;
	if (name != NULL && ifp == NULL) {
		err = ENOENT;
	} else if (rq->rt_flags & IP_RT_REJECT) {
		nh.gateway = 0;
		nh.flags = IP_NH_REJECT;
	} else if (rq->rt_gateway != 0) {
		struct ip_if *on = ip_if_on_link(rq->rt_gateway);
		if (on == NULL || (ifp != NULL && on != ifp) || rq->rt_gateway == on->if_addr)
			err = EINVAL;	/* a gateway must be a neighbour */
		ifp = on;
	} else if (ifp == NULL) {
		err = EINVAL;		/* on the link of which interface? */
	}
	if (err == 0 && any_if_route(rq->rt_dst, rq->rt_plen, NULL))
		err = EEXIST;		/* an interface's own: not replaced */
	if (err == 0) {
		if (ifp != NULL)
			nh.ifindex = (uint16_t)ifp->if_index;
		err = -ip_fib_add(ip_rt.fib, rq->rt_dst, (uint8_t)rq->rt_plen, &nh,
				  (rq->rt_flags & IP_RT_REPLACE) ? IP_FIB_REPLACE : 0);
	}
	(void)pthread_mutex_unlock(&ip_rt.lock);
	return err;
}

int
ip_route_del(const struct ip_rtreq *rq)
{
	if (rq->rt_plen > 32 || (rq->rt_dst & ~ip_mask_of(rq->rt_plen)) != 0)
		return EINVAL;
	(void)pthread_mutex_lock(&ip_rt.lock);
	int err = any_if_route(rq->rt_dst, rq->rt_plen, NULL)
			  ? EPERM
			  : -ip_fib_del(ip_rt.fib, rq->rt_dst, (uint8_t)rq->rt_plen);
	(void)pthread_mutex_unlock(&ip_rt.lock);
	return err;
}

struct list_ctx {
	uint8_t *at;
	uint32_t room, total, returned;
};

static int
list_one(void *arg, uint32_t prefix, uint8_t depth, const struct ip_nexthop *nh)
{
	struct list_ctx *lc = arg;

	lc->total++;
	if (lc->returned == lc->room)
		return 0;
	struct ip_rtreq r;
	memset(&r, 0, sizeof r);
	r.rt_dst = prefix;
	r.rt_plen = depth;
	r.rt_gateway = nh->gateway;
	const struct ip_if *own = NULL;
	if (any_if_route(prefix, depth, &own))
		r.rt_flags |= (nh->flags & IP_NH_LOCAL) ? IP_RT_LOCAL : IP_RT_CONNECTED;
	if (nh->flags & IP_NH_REJECT)
		r.rt_flags |= IP_RT_REJECT;
	const struct ip_if *ifp = ip_rt.ifs[nh->ifindex < IP_MAX_IFS ? nh->ifindex : 0];
	if (!(nh->flags & IP_NH_REJECT) && ifp != NULL)
		memcpy(r.rt_ifname, ifp->if_name, sizeof r.rt_ifname);
	memcpy(lc->at, &r, sizeof r);
	lc->at += sizeof r;
	lc->returned++;
	return 0;
}

int
ip_route_list(mblk_t *mp, size_t *countp)
{
	struct iocblk *iocp = (struct iocblk *)mp->b_rptr;

	if (iocp->ioc_count == TRANSPARENT || iocp->ioc_count < IP_LIST_LEN(0, struct ip_rtreq))
		return EINVAL;
	size_t room = (iocp->ioc_count - IP_LIST_LEN(0, struct ip_rtreq)) / sizeof(struct ip_rtreq);
	(void)pthread_mutex_lock(&ip_rt.lock);
	uint32_t n = ip_fib_count(ip_rt.fib);
	if (room > n)
		room = n;
	mblk_t *bp = allocb(IP_LIST_LEN(room, struct ip_rtreq), BPRI_MED);
	if (bp == NULL) {
		(void)pthread_mutex_unlock(&ip_rt.lock);
		return ENOSR;
	}
	struct list_ctx lc = {bp->b_wptr + sizeof(struct ip_list_hdr), (uint32_t)room, 0, 0};
	(void)ip_fib_walk(ip_rt.fib, list_one, &lc);
	(void)pthread_mutex_unlock(&ip_rt.lock);
	struct ip_list_hdr hdr = {lc.total, lc.returned};
	memcpy(bp->b_wptr, &hdr, sizeof hdr);
	bp->b_wptr = lc.at;
	freemsg(mp->b_cont);
	mp->b_cont = bp;
	*countp = (size_t)MBLKL(bp);
	return 0;
}

/*
 * Interfaces of the ip router (ip_impl.h): lowers linked and unlinked,
 * what their provider answers, IP_IOC_IFSET and IP_IOC_STATS.
 *
 * A linked lower is asked DL_INFO_REQ (is it Ethernet, its MAC, its MTU)
 * and DL_NOTIFY_REQ (link up and down) at once; a pmd stream answers both
 * before I_PLINK returns. IP_IOC_IFSET then makes it one lane of an
 * interface: the first lane creates the interface and its routes (the
 * connected subnet, our address, the subnet's broadcast), a later lane
 * must agree with it. When a lane's link comes up with an address set,
 * that lane says so with a gratuitous ARP request (RFC 5227 section 3),
 * so that neighbours update a cached MAC address at once.
 */
#include <sys/stropts.h>
#include <sys/strsun.h>
#include <sys/errno.h>
#include <string.h>

#include <rte_rcu_qsbr.h>
#include <strdp/dlpi.h>

#include "ip_impl.h"

static const struct ip_arp_conf arp_conf = {
	.capacity = 1024,
	.pending_max = 8,
	.reachable_ms = 30000,
	.retrans_ms = 1000,
	.max_tries = 3,
};

/* The lower whose l_qbot is wq, or NULL if it is none of ours. */
static struct ip_lower *
lower_of(queue_t *wq)
{
	struct ip_lower *lo;

	if (wq == NULL || (lo = wq->q_ptr) == NULL || lo->lo_magic != IP_LMAGIC ||
	    lo->lo_wq != wq)
		return NULL;
	return lo;
}

/* A DLPI request of size bytes down lo (M_PCPROTO for DL_INFO_REQ). */
static void
ask(struct ip_lower *lo, const void *req, size_t size, unsigned char type)
{
	mblk_t *mp = allocb(size, BPRI_HI);

	if (mp == NULL)
		return;		/* the lower stays IP_LS_ASKED: IFSET says EPROTO */
	mp->b_datap->db_type = type;
	memcpy(mp->b_wptr, req, size);
	mp->b_wptr += size;
	putnext(lo->lo_wq, mp);
}

int
ip_lower_link(struct ip_upper *up, struct linkblk *lp)
{
	struct ip_lane *ln = up->up_lane;
	struct ip_lower *lo = kmem_zalloc(sizeof *lo, KM_NOSLEEP);

	if (lo == NULL)
		return ENOMEM;
	if ((lo->lo_arp = ip_arp_cache_create(&arp_conf)) == NULL) {
		kmem_free(lo, sizeof *lo);
		return ENOMEM;
	}
	lo->lo_magic = IP_LMAGIC;
	lo->lo_wq = lp->l_qbot;
	lo->lo_rq = RD(lp->l_qbot);
	lo->lo_lane = ln;
	lo->lo_ctr = &ln->il_unassigned;
	lo->lo_owner = up;
	lo->lo_muxid = lp->l_index;
	lo->lo_persistent = lp->l_qtop == NULL;
	lo->lo_state = IP_LS_ASKED;

	(void)pthread_mutex_lock(&ip_rt.lock);
	lo->lo_next = ln->il_lowers;
	ln->il_lowers = lo;
	(void)pthread_mutex_unlock(&ip_rt.lock);

	/* The lower queues are ours now: the framework gave them q_ptr NULL. */
	lo->lo_wq->q_ptr = lo;
	lo->lo_rq->q_ptr = lo;

	dl_info_req_t ir = {DL_INFO_REQ};
	ask(lo, &ir, sizeof ir, M_PCPROTO);
	dl_notify_req_t nr = {DL_NOTIFY_REQ, DL_NOTE_LINK_UP | DL_NOTE_LINK_DOWN, 0};
	ask(lo, &nr, sizeof nr, M_PROTO);
	return 0;
}

/* What the lane's ARP cache counted goes into the interface's counters
 * before the cache goes with its lower. */
static void
fold_arp_drops(struct ip_lower *lo)
{
	for (int r = 1; r < IP_ARP_DROP_COUNT_; r++)
		lo->lo_ctr->arp_drops[r] += ip_arp_drops(lo->lo_arp, (enum ip_arp_verdict)r);
}

/* ------------------------------------------------------------------ */
/* Removing an interface                                                */
/* ------------------------------------------------------------------ */

/*
 * An interface goes with its last lower, as an unplumbed one does: its
 * routes, and every route through it, leave the table, and its slot is
 * free. A lane may still be reading the structure in the pass that
 * looked it up, so it is freed only after an RCU grace period (checked,
 * never waited for, at the next link change).
 */
struct doomed {
	unsigned ifindex, n, cap;
	uint32_t *prefix;
	uint8_t *depth;
};

static int
collect(void *arg, uint32_t prefix, uint8_t depth, const struct ip_nexthop *nh)
{
	struct doomed *d = arg;

	if (nh->ifindex != d->ifindex || (nh->flags & IP_NH_REJECT) || d->n == d->cap)
		return 0;
	d->prefix[d->n] = prefix;
	d->depth[d->n++] = depth;
	return 0;
}

/* With ip_rt.lock held. */
static void
reap_retired(void)
{
	struct ip_retired **pp = &ip_rt.retired;

	while (*pp != NULL) {
		struct ip_retired *r = *pp;
		if (rte_rcu_qsbr_check(ip_rt.qs, r->token, false) == 1) {
			*pp = r->next;
			kmem_free(r->ifp, sizeof *r->ifp);
			kmem_free(r, sizeof *r);
		} else {
			pp = &r->next;
		}
	}
}

/* With ip_rt.lock held. */
static void
if_remove(struct ip_if *ifp)
{
	uint32_t cap = ip_fib_count(ip_rt.fib);
	struct doomed d = {ifp->if_index, 0, cap, NULL, NULL};

	d.prefix = kmem_alloc(sizeof *d.prefix * (cap + 1), KM_NOSLEEP);
	d.depth = kmem_alloc(sizeof *d.depth * (cap + 1), KM_NOSLEEP);
	if (d.prefix != NULL && d.depth != NULL)
		(void)ip_fib_walk(ip_rt.fib, collect, &d);
	else
		cmn_err(CE_WARN, "ip: no memory to remove the routes through %s", ifp->if_name);
	for (unsigned i = 0; i < d.n; i++)
		(void)ip_fib_del(ip_rt.fib, d.prefix[i], d.depth[i]);
	kmem_free(d.prefix, sizeof *d.prefix * (cap + 1));
	kmem_free(d.depth, sizeof *d.depth * (cap + 1));
	__atomic_store_n(&ip_rt.ifs[ifp->if_index], NULL, __ATOMIC_RELEASE);

	struct ip_retired *r = kmem_zalloc(sizeof *r, KM_NOSLEEP);
	if (r == NULL)
		return;	/* never freed, rather than freed under a reader */
	r->ifp = ifp;
	r->token = rte_rcu_qsbr_start(ip_rt.qs);
	r->next = ip_rt.retired;
	ip_rt.retired = r;
}

int
ip_lower_unlink(struct ip_upper *up, int cmd, struct linkblk *lp)
{
	struct ip_lower *lo = lower_of(lp->l_qbot);

	if (lo == NULL || lo->lo_muxid != lp->l_index || lo->lo_lane != up->up_lane)
		return EINVAL;
	if (cmd == I_UNLINK && lo->lo_owner != up)	/* only its own stream */
		return EINVAL;
	if ((cmd == I_PUNLINK) != (lo->lo_persistent != 0))
		return EINVAL;

	(void)pthread_mutex_lock(&ip_rt.lock);
	struct ip_lane *ln = lo->lo_lane;
	for (struct ip_lower **pp = &ln->il_lowers; *pp != NULL; pp = &(*pp)->lo_next) {
		if (*pp == lo) {
			*pp = lo->lo_next;
			break;
		}
	}
	fold_arp_drops(lo);
	if (lo->lo_ifp != NULL) {
		__atomic_store_n(&lo->lo_ifp->if_lower[ln->il_id], NULL, __ATOMIC_RELEASE);
		if (--lo->lo_ifp->if_lanes == 0)
			if_remove(lo->lo_ifp);
	}
	(void)pthread_mutex_unlock(&ip_rt.lock);

	ip_arp_cache_free(lo->lo_arp);	/* and what waited in it */
	/* The framework makes the queues a stream head again after our ACK. */
	lo->lo_wq->q_ptr = NULL;
	lo->lo_rq->q_ptr = NULL;
	lo->lo_magic = 0;
	kmem_free(lo, sizeof *lo);
	(void)pthread_mutex_lock(&ip_rt.lock);
	ip_lane_release_idle(ln);	/* a closed stream's last persistent link */
	(void)pthread_mutex_unlock(&ip_rt.lock);
	return 0;
}

/* ------------------------------------------------------------------ */
/* What the provider says                                               */
/* ------------------------------------------------------------------ */

static void
link_up(struct ip_lower *lo, int up)
{
	int was = lo->lo_up;

	lo->lo_up = up;
	if (up && !was && lo->lo_ifp != NULL)
		ip_arp_send(lo, IP_ARP_REQUEST, NULL, lo->lo_ifp->if_addr, NULL);
}

static void
info_ack(struct ip_lower *lo, mblk_t *mp)
{
	dl_info_ack_t a;
	size_t len = (size_t)MBLKL(mp);

	if (len < sizeof a) {
		lo->lo_state = IP_LS_UNUSABLE;
		return;
	}
	memcpy(&a, mp->b_rptr, sizeof a);
	/* Ethernet, attached (an address), the address inside the block. */
	if (a.dl_mac_type != DL_ETHER || a.dl_addr_offset == 0 || a.dl_addr_length < 6 ||
	    a.dl_addr_offset > len || len - a.dl_addr_offset < 6 || a.dl_max_sdu < 68) {
		lo->lo_state = IP_LS_UNUSABLE;
		cmn_err(CE_WARN, "ip: lower %d is not an attached Ethernet provider", lo->lo_muxid);
		return;
	}
	memcpy(lo->lo_mac, mp->b_rptr + a.dl_addr_offset, 6);
	lo->lo_max_sdu = a.dl_max_sdu;
	lo->lo_state = IP_LS_READY;
}

/* An M_PROTO or M_PCPROTO from below; mp is freed here. */
void
ip_lower_dlpi(struct ip_lower *lo, mblk_t *mp)
{
	t_uscalar_t prim;
	size_t len = (size_t)MBLKL(mp);

	if (len < sizeof prim) {
		freemsg(mp);
		return;
	}
	memcpy(&prim, mp->b_rptr, sizeof prim);
	switch (prim) {
	case DL_INFO_ACK:
		info_ack(lo, mp);
		break;
	case DL_NOTIFY_IND:
		if (len >= sizeof(dl_notify_ind_t)) {
			dl_notify_ind_t n;
			memcpy(&n, mp->b_rptr, sizeof n);
			if (n.dl_notification == DL_NOTE_LINK_UP)
				link_up(lo, 1);
			else if (n.dl_notification == DL_NOTE_LINK_DOWN)
				link_up(lo, 0);
		}
		break;
	case DL_ERROR_ACK:
		/* No notifications: a link we cannot watch is taken to be up. */
		if (len >= sizeof(dl_error_ack_t)) {
			dl_error_ack_t e;
			memcpy(&e, mp->b_rptr, sizeof e);
			if (e.dl_error_primitive == DL_NOTIFY_REQ)
				link_up(lo, 1);
			else if (e.dl_error_primitive == DL_INFO_REQ)
				lo->lo_state = IP_LS_UNUSABLE;
		}
		break;
	default:
		/* DL_NOTIFY_ACK; DL_UNITDATA_IND from a lower not in raw mode. */
		if (prim == DL_UNITDATA_IND)
			lo->lo_ctr->c[IP_IF_drop_ethertype]++;
		break;
	}
	freemsg(mp);
}

/* ------------------------------------------------------------------ */
/* IP_IOC_IFSET                                                         */
/* ------------------------------------------------------------------ */

/* With ip_rt.lock held. */
struct ip_if *
ip_if_named(const char *name)
{
	for (unsigned i = 0; i < IP_MAX_IFS; i++)
		if (ip_rt.ifs[i] != NULL && strcmp(ip_rt.ifs[i]->if_name, name) == 0)
			return ip_rt.ifs[i];
	return NULL;
}

/* The interface whose subnet holds addr. With ip_rt.lock held. */
struct ip_if *
ip_if_on_link(uint32_t addr)
{
	for (unsigned i = 0; i < IP_MAX_IFS; i++) {
		struct ip_if *ifp = ip_rt.ifs[i];
		if (ifp != NULL && (addr & ifp->if_mask) == (ifp->if_addr & ifp->if_mask))
			return ifp;
	}
	return NULL;
}

static int
unicast_on(uint32_t addr, uint32_t plen)
{
	uint8_t top = (uint8_t)(addr >> 24);
	uint32_t host = addr & ~ip_mask_of(plen);

	if (top == 0 || top == 127 || top >= 224)
		return 0;
	/* RFC 3021: a /31 has no network or broadcast address. */
	return plen >= 31 || (host != 0 && host != ~ip_mask_of(plen));
}

/* The interface's own routes; on failure, none of them is left. */
static int
add_if_routes(struct ip_if *ifp)
{
	struct ip_nexthop on_link = {0, (uint16_t)ifp->if_index, 0};
	struct ip_nexthop local = {0, (uint16_t)ifp->if_index, IP_NH_LOCAL};
	uint32_t net = ifp->if_addr & ifp->if_mask;
	int err;

	if ((err = ip_fib_add(ip_rt.fib, net, (uint8_t)ifp->if_plen, &on_link, 0)) != 0)
		return -err;
	if ((err = ip_fib_add(ip_rt.fib, ifp->if_addr, 32, &local, IP_FIB_REPLACE)) != 0)
		goto fail_net;
	if (ifp->if_bcast != 0 &&
	    (err = ip_fib_add(ip_rt.fib, ifp->if_bcast, 32, &local, IP_FIB_REPLACE)) != 0)
		goto fail_local;
	return 0;
fail_local:
	(void)ip_fib_del(ip_rt.fib, ifp->if_addr, 32);
fail_net:
	if (ifp->if_plen != 32)
		(void)ip_fib_del(ip_rt.fib, net, (uint8_t)ifp->if_plen);
	return -err;
}

static int
new_if(const struct ip_ifreq *rq, const struct ip_lower *lo, uint32_t mtu, struct ip_if **out)
{
	unsigned ix = IP_MAX_IFS;

	for (unsigned i = 0; i < IP_MAX_IFS; i++) {
		struct ip_if *o = ip_rt.ifs[i];
		if (o == NULL) {
			if (ix == IP_MAX_IFS)
				ix = i;
			continue;
		}
		uint32_t m = o->if_mask & ip_mask_of(rq->ifr_plen);  /* the wider one */
		if ((o->if_addr & m) == (rq->ifr_addr & m))
			return EEXIST;	/* overlapping subnets: which link? */
	}
	if (ix == IP_MAX_IFS)
		return ENOSPC;
	struct ip_if *ifp = kmem_zalloc(sizeof *ifp, KM_NOSLEEP);
	if (ifp == NULL)
		return ENOMEM;
	memcpy(ifp->if_name, rq->ifr_name, sizeof ifp->if_name);
	ifp->if_index = ix;
	ifp->if_addr = rq->ifr_addr;
	ifp->if_plen = rq->ifr_plen;
	ifp->if_mask = ip_mask_of(rq->ifr_plen);
	ifp->if_mtu = mtu;
	ifp->if_bcast = rq->ifr_plen <= 30 ? (rq->ifr_addr | ~ifp->if_mask) : 0;
	memcpy(ifp->if_mac, lo->lo_mac, 6);
	int err = add_if_routes(ifp);
	if (err != 0) {
		kmem_free(ifp, sizeof *ifp);
		return err;
	}
	__atomic_store_n(&ip_rt.ifs[ix], ifp, __ATOMIC_RELEASE);
	*out = ifp;
	return 0;
}

static struct ip_lower *
lower_by_muxid(struct ip_upper *up, int muxid)
{
	for (struct ip_lower *lo = up->up_lane->il_lowers; lo != NULL; lo = lo->lo_next)
		if (lo->lo_muxid == muxid && lo->lo_owner == up)
			return lo;
	return NULL;
}

int
ip_ifset(struct ip_upper *up, const struct ip_ifreq *rq)
{
	struct ip_lower *lo = lower_by_muxid(up, rq->ifr_muxid);
	struct ip_lane *ln = up->up_lane;

	if (lo == NULL || memchr(rq->ifr_name, 0, sizeof rq->ifr_name) == NULL ||
	    rq->ifr_name[0] == 0 || rq->ifr_plen < 1 || rq->ifr_plen > 32 ||
	    !unicast_on(rq->ifr_addr, rq->ifr_plen))
		return EINVAL;
	if (lo->lo_state != IP_LS_READY)
		return EPROTO;
	if (lo->lo_ifp != NULL)
		return EBUSY;
	uint32_t mtu = rq->ifr_mtu != 0 ? rq->ifr_mtu : lo->lo_max_sdu;
	if (mtu < 68 || mtu > lo->lo_max_sdu)
		return EINVAL;

	(void)pthread_mutex_lock(&ip_rt.lock);
	reap_retired();
	struct ip_if *ifp = ip_if_named(rq->ifr_name);
	int err = 0;
	if (ifp == NULL) {
		err = new_if(rq, lo, mtu, &ifp);
	} else if (ifp->if_addr != rq->ifr_addr || ifp->if_plen != rq->ifr_plen ||
		   ifp->if_mtu != mtu || memcmp(ifp->if_mac, lo->lo_mac, 6) != 0) {
		err = EINVAL;	/* a lane of another link, or other values */
	} else if (ifp->if_lower[ln->il_id] != NULL) {
		err = EBUSY;
	}
	if (err == 0) {
		/* What the lower counted unassigned stays the lane's. */
		lo->lo_ifp = ifp;
		lo->lo_ctr = &ifp->if_ctr[ln->il_id];
		__atomic_store_n(&ifp->if_lower[ln->il_id], lo, __ATOMIC_RELEASE);
		ifp->if_lanes++;
	}
	(void)pthread_mutex_unlock(&ip_rt.lock);
	if (err == 0 && lo->lo_up)
		ip_arp_send(lo, IP_ARP_REQUEST, NULL, ifp->if_addr, NULL);
	return err;
}

/* ------------------------------------------------------------------ */
/* IP_IOC_STATS                                                         */
/* ------------------------------------------------------------------ */

static void
sum(struct ip_if_stats *st, const struct ip_counters *c)
{
	for (int i = 0; i < IP_IF_COUNT_; i++)
		st->is_ctr[i] += c->c[i];
	for (int i = 0; i < IP_DROP_COUNT_; i++)
		st->is_input_drops[i] += c->input_drops[i];
	for (int i = 0; i < IP_ARP_DROP_COUNT_; i++)
		st->is_arp_drops[i] += c->arp_drops[i];
	for (int i = 0; i < IP_ICMP_NO_COUNT_; i++)
		st->is_icmp_not_sent[i] += c->icmp_no[i];
}

static void
if_stats(const struct ip_if *ifp, struct ip_if_stats *st)
{
	memset(st, 0, sizeof *st);
	memcpy(st->is_name, ifp->if_name, sizeof st->is_name);
	st->is_addr = ifp->if_addr;
	st->is_plen = ifp->if_plen;
	st->is_mtu = ifp->if_mtu;
	memcpy(st->is_mac, ifp->if_mac, 6);
	for (unsigned l = 0; l < IP_MAX_LANES; l++) {
		sum(st, &ifp->if_ctr[l]);
		const struct ip_lower *lo = ifp->if_lower[l];
		if (lo == NULL)
			continue;
		st->is_lanes++;
		st->is_up |= (uint8_t)(lo->lo_up != 0);
		/* Read while the lane runs: counters, never torn on 64-bit. */
		st->is_neighbours += ip_arp_count(lo->lo_arp);
		for (int r = 1; r < IP_ARP_DROP_COUNT_; r++)
			st->is_arp_drops[r] += ip_arp_drops(lo->lo_arp, (enum ip_arp_verdict)r);
	}
}

/* Every interface, as many as the caller made room for. */
int
ip_if_stats(mblk_t *mp, size_t *countp)
{
	struct iocblk *iocp = (struct iocblk *)mp->b_rptr;
	struct ip_list_hdr hdr = {0, 0};

	if (iocp->ioc_count == TRANSPARENT ||
	    iocp->ioc_count < IP_LIST_LEN(0, struct ip_if_stats))
		return EINVAL;
	size_t room = (iocp->ioc_count - IP_LIST_LEN(0, struct ip_if_stats)) /
		      sizeof(struct ip_if_stats);
	(void)pthread_mutex_lock(&ip_rt.lock);
	for (unsigned i = 0; i < IP_MAX_IFS; i++)
		hdr.ih_total += ip_rt.ifs[i] != NULL;
	hdr.ih_returned = (uint32_t)(room < hdr.ih_total ? room : hdr.ih_total);
	mblk_t *bp = allocb(IP_LIST_LEN(hdr.ih_returned, struct ip_if_stats), BPRI_MED);
	if (bp == NULL) {
		(void)pthread_mutex_unlock(&ip_rt.lock);
		return ENOSR;
	}
	memcpy(bp->b_wptr, &hdr, sizeof hdr);
	bp->b_wptr += sizeof hdr;
	for (unsigned i = 0, n = 0; i < IP_MAX_IFS && n < hdr.ih_returned; i++) {
		if (ip_rt.ifs[i] == NULL)
			continue;
		struct ip_if_stats st;
		if_stats(ip_rt.ifs[i], &st);
		memcpy(bp->b_wptr, &st, sizeof st);
		bp->b_wptr += sizeof st;
		n++;
	}
	(void)pthread_mutex_unlock(&ip_rt.lock);
	freemsg(mp->b_cont);
	mp->b_cont = bp;
	*countp = (size_t)MBLKL(bp);
	return 0;
}

/*
 * /dev/udp's TPI primitives (contract: <strdp/udp.h>), on the endpoint's
 * owner thread: bind, unbind, info, option management and the datagrams
 * it sends. A request that cannot be done gets its TPI answer
 * (T_ERROR_ACK for a request that has one, T_UDERROR_IND for a datagram)
 * and changes nothing.
 */
#include <sys/stropts.h>
#include <sys/strsun.h>
#include <sys/errno.h>
#include <string.h>

#include "ip_util.h"
#include "udp_impl.h"

static uint16_t udp_ip_id;	/* atomic: identification of what we send */

static void
error_ack(queue_t *q, mblk_t *mp, t_scalar_t prim, t_scalar_t tli, t_scalar_t uerr)
{
	if ((mp = mexchange(q, mp, sizeof(struct T_error_ack), M_PCPROTO, T_ERROR_ACK)) == NULL)
		return;
	struct T_error_ack a = {T_ERROR_ACK, prim, tli, uerr};
	memcpy(mp->b_rptr, &a, sizeof a);
	qreply(q, mp);
}

static void
ok_ack(queue_t *q, mblk_t *mp, t_scalar_t prim)
{
	if ((mp = mexchange(q, mp, sizeof(struct T_ok_ack), M_PCPROTO, T_OK_ACK)) == NULL)
		return;
	struct T_ok_ack a = {T_OK_ACK, prim};
	memcpy(mp->b_rptr, &a, sizeof a);
	qreply(q, mp);
}

/* A sockaddr_in at (off, len) of the control part, checked. */
static int
get_sin(const mblk_t *mp, t_scalar_t off, t_scalar_t len, struct sockaddr_in *sin)
{
	if (len != (t_scalar_t)sizeof *sin || off < 0 || !MBLKIN(mp, off, len))
		return -1;
	memcpy(sin, mp->b_rptr + off, sizeof *sin);
	return sin->sin_family == AF_INET ? 0 : -1;
}

/* T_UDERROR_IND for the datagram request mp (freed), naming its
 * destination when it had a well-formed one. */
static void
uderror(queue_t *q, mblk_t *mp, int err)
{
	struct udp_ep *ep = q->q_ptr;
	struct sockaddr_in dst;
	int has = 0;

	if (DB_TYPE(mp) != M_DATA && MBLKL(mp) >= (ptrdiff_t)sizeof(struct T_unitdata_req)) {
		struct T_unitdata_req r;
		memcpy(&r, mp->b_rptr, sizeof r);
		has = get_sin(mp, r.DEST_offset, r.DEST_length, &dst) == 0;
	}
	freemsg(mp);
	ep->ue_st.ue_out_errors++;
	mblk_t *ind = allocb(sizeof(struct T_uderror_ind) + sizeof dst, BPRI_MED);
	if (ind == NULL)
		return;
	struct T_uderror_ind u = {
		.PRIM_type = T_UDERROR_IND,
		.DEST_length = has ? (t_scalar_t)sizeof dst : 0,
		.DEST_offset = has ? (t_scalar_t)sizeof u : 0,
		.ERROR_type = err,
	};
	memcpy(ind->b_wptr, &u, sizeof u);
	ind->b_wptr += sizeof u;
	if (has) {
		memcpy(ind->b_wptr, &dst, sizeof dst);
		ind->b_wptr += sizeof dst;
	}
	DB_TYPE(ind) = M_PROTO;
	qreply(q, ind);
}

static void
tpi_info(queue_t *q, mblk_t *mp)
{
	struct udp_ep *ep = q->q_ptr;

	if ((mp = mexchange(q, mp, sizeof(struct T_info_ack), M_PCPROTO, T_INFO_ACK)) == NULL)
		return;
	struct T_info_ack a = {
		.PRIM_type = T_INFO_ACK,
		.TSDU_size = UDP_MAX_PAYLOAD,
		.ETSDU_size = T_INVALID,
		.CDATA_size = T_INVALID,
		.DDATA_size = T_INVALID,
		.ADDR_size = sizeof(struct sockaddr_in),
		.OPT_size = 4 * (sizeof(struct t_opthdr) + sizeof(t_uscalar_t)), /* opts[] */
		.TIDU_size = UDP_MAX_PAYLOAD,
		.SERV_type = T_CLTS,
		.CURRENT_state = ep->ue_state,
		.PROVIDER_flag = SENDZERO | XPG4_1,
	};
	memcpy(mp->b_rptr, &a, sizeof a);
	qreply(q, mp);
}

static void
tpi_bind(queue_t *q, mblk_t *mp)
{
	struct udp_ep *ep = q->q_ptr;
	struct T_bind_req r;
	struct sockaddr_in sin = {.sin_family = AF_INET};
	int tli, uerr;

	if (MBLKL(mp) < (ptrdiff_t)sizeof r) {
		error_ack(q, mp, T_BIND_REQ, TSYSERR, EINVAL);
		return;
	}
	memcpy(&r, mp->b_rptr, sizeof r);
	if (ep->ue_state != TS_UNBND) {
		error_ack(q, mp, T_BIND_REQ, TOUTSTATE, 0);
		return;
	}
	if (r.ADDR_length != 0 && get_sin(mp, r.ADDR_offset, r.ADDR_length, &sin) != 0) {
		error_ack(q, mp, T_BIND_REQ, TBADADDR, 0);
		return;
	}
	if (udp_port_bind(ep, ntohl(sin.sin_addr.s_addr), ntohs(sin.sin_port), &tli, &uerr) != 0) {
		error_ack(q, mp, T_BIND_REQ, tli, uerr);
		return;
	}
	ep->ue_state = TS_IDLE;
	size_t size = sizeof(struct T_bind_ack) + sizeof sin;
	if ((mp = mexchange(q, mp, size, M_PCPROTO, T_BIND_ACK)) == NULL) {
		udp_port_unbind(ep);	/* M_ERROR went up: the stream is dead */
		ep->ue_state = TS_UNBND;
		return;
	}
	struct T_bind_ack a = {T_BIND_ACK, sizeof sin, sizeof a, 0};
	sin.sin_addr.s_addr = htonl(ep->ue_addr);
	sin.sin_port = htons(ep->ue_port);
	memcpy(mp->b_rptr, &a, sizeof a);
	memcpy(mp->b_rptr + sizeof a, &sin, sizeof sin);
	qreply(q, mp);
}

static void
tpi_unbind(queue_t *q, mblk_t *mp)
{
	struct udp_ep *ep = q->q_ptr;

	if (ep->ue_state != TS_IDLE) {
		error_ack(q, mp, T_UNBIND_REQ, TOUTSTATE, 0);
		return;
	}
	udp_port_unbind(ep);
	ep->ue_state = TS_UNBND;
	flushq(RD(q), FLUSHDATA);
	ok_ack(q, mp, T_UNBIND_REQ);
}

/* ------------------------------------------------------------------ */
/* Options                                                             */
/* ------------------------------------------------------------------ */

enum { OPT_TTL, OPT_TOS, OPT_CKSUM, OPT_RECVDST, OPT_COUNT_ };
static const struct {
	t_uscalar_t level, name, def, lo, hi;
} opts[OPT_COUNT_] = {
	[OPT_TTL] = {T_INET_IP, T_IP_TTL, UDP_DEFAULT_TTL, 1, 255},
	[OPT_TOS] = {T_INET_IP, T_IP_TOS, 0, 0, 255},
	[OPT_CKSUM] = {T_INET_UDP, T_UDP_CHECKSUM, T_YES, T_NO, T_YES},
	[OPT_RECVDST] = {T_INET_IP, T_IP_RECVDSTADDR, T_NO, T_NO, T_YES},
};

static uint8_t *
opt_field(struct udp_ep *ep, int k)
{
	switch (k) {
	case OPT_TTL: return &ep->ue_ttl;
	case OPT_TOS: return &ep->ue_tos;
	case OPT_CKSUM: return &ep->ue_cksum;
	default: return &ep->ue_recvdst;
	}
}

/*
 * The next option of a list [*o, end): 1 with its header in h and *o
 * moved past it (and its alignment padding), 0 at the end, -1 when the
 * list is malformed (a header cut short, a length under a header or
 * past the list).
 */
static int
opt_next(const uint8_t **o, const uint8_t *end, struct t_opthdr *h)
{
	size_t left = (size_t)(end - *o);

	if (left == 0)
		return 0;
	if (left < sizeof *h)
		return -1;
	memcpy(h, *o, sizeof *h);
	if (h->len < sizeof *h || h->len > left)
		return -1;
	*o += T_OPT_ALIGN(h->len) < left ? T_OPT_ALIGN(h->len) : left;
	return 1;
}

/* XTI's order of results, best first: the ack's flags are the worst. */
static int
opt_rank(t_uscalar_t status)
{
	switch (status) {
	case T_SUCCESS: return 0;
	case T_PARTSUCCESS: return 1;
	case T_FAILURE: return 2;
	case T_READONLY: return 3;
	default: return 4;	/* T_NOTSUPPORT */
	}
}

/* One option of the request (value: NULL if it has none) answered into
 * out; returns the bytes written. */
static size_t
opt_answer(struct udp_ep *ep, t_scalar_t flags, const struct t_opthdr *in,
	   const uint8_t *value, uint8_t *out)
{
	struct t_opthdr h = {sizeof h, in->level, in->name, T_NOTSUPPORT};
	int k = 0;

	while (k < OPT_COUNT_ && !(opts[k].level == in->level && opts[k].name == in->name))
		k++;
	if (k == OPT_COUNT_) {
		memcpy(out, &h, sizeof h);
		return sizeof h;
	}
	uint8_t *field = opt_field(ep, k);
	t_uscalar_t v = *field, want = 0;
	int ok = value != NULL;
	if (ok) {
		memcpy(&want, value, sizeof want);
		ok = want >= opts[k].lo && want <= opts[k].hi;
	}
	switch (flags) {
	case T_NEGOTIATE:
		h.status = ok ? T_SUCCESS : T_FAILURE;
		if (ok)
			*field = (uint8_t)(v = want);
		if (ok && k == OPT_RECVDST)	/* the lanes build the indication */
			__atomic_store_n(&udp_slots[ep->ue_slot].us_recvdst, want == T_YES,
					 __ATOMIC_RELAXED);
		break;
	case T_CHECK:
		h.status = ok ? T_SUCCESS : T_FAILURE;
		if (ok)
			v = want;
		break;
	case T_DEFAULT:
		h.status = T_SUCCESS;
		v = opts[k].def;
		break;
	default:	/* T_CURRENT */
		h.status = T_SUCCESS;
		break;
	}
	h.len = sizeof h + sizeof v;
	memcpy(out, &h, sizeof h);
	memcpy(out + sizeof h, &v, sizeof v);
	return h.len;
}

static void
tpi_optmgmt(queue_t *q, mblk_t *mp)
{
	struct udp_ep *ep = q->q_ptr;
	struct T_optmgmt_req r;
	const size_t one = sizeof(struct t_opthdr) + sizeof(t_uscalar_t);

	if (MBLKL(mp) < (ptrdiff_t)sizeof r) {
		error_ack(q, mp, T_OPTMGMT_REQ, TSYSERR, EINVAL);
		return;
	}
	memcpy(&r, mp->b_rptr, sizeof r);
	if (r.MGMT_flags != T_NEGOTIATE && r.MGMT_flags != T_CHECK && r.MGMT_flags != T_DEFAULT &&
	    r.MGMT_flags != T_CURRENT) {
		error_ack(q, mp, T_OPTMGMT_REQ, TBADFLAG, 0);
		return;
	}
	if (r.OPT_length < 0 || r.OPT_offset < 0 ||
	    (r.OPT_length > 0 && !MBLKIN(mp, r.OPT_offset, r.OPT_length))) {
		error_ack(q, mp, T_OPTMGMT_REQ, TBADOPT, 0);
		return;
	}
	/* First pass: the list is well formed; count its options. */
	const uint8_t *p = mp->b_rptr + r.OPT_offset, *end = p + r.OPT_length;
	size_t n = 0;
	struct t_opthdr h;
	int got;
	for (const uint8_t *o = p; (got = opt_next(&o, end, &h)) == 1;)
		n++;
	if (got < 0) {
		error_ack(q, mp, T_OPTMGMT_REQ, TBADOPT, 0);
		return;
	}
	/* T_CURRENT and T_DEFAULT of nothing: every option we have. */
	int all = n == 0 && (r.MGMT_flags == T_CURRENT || r.MGMT_flags == T_DEFAULT);
	mblk_t *ack = allocb(sizeof(struct T_optmgmt_ack) + (all ? OPT_COUNT_ : n) * one, BPRI_MED);
	if (ack == NULL) {
		error_ack(q, mp, T_OPTMGMT_REQ, TSYSERR, ENOMEM);
		return;
	}
	uint8_t *w = ack->b_wptr + sizeof(struct T_optmgmt_ack);
	int worst = 0;
	t_uscalar_t worst_status = T_SUCCESS;
	for (size_t i = 0; i < (all ? (size_t)OPT_COUNT_ : n); i++) {
		const uint8_t *value = NULL;
		if (all) {
			h = (struct t_opthdr){sizeof h, opts[i].level, opts[i].name, 0};
		} else {
			const uint8_t *at = p;
			(void)opt_next(&p, end, &h);	/* checked above */
			if (h.len >= sizeof h + sizeof(t_uscalar_t))
				value = at + sizeof h;
		}
		size_t len = opt_answer(ep, r.MGMT_flags, &h, value, w);
		struct t_opthdr done;
		memcpy(&done, w, sizeof done);
		if (opt_rank(done.status) > worst) {
			worst = opt_rank(done.status);
			worst_status = done.status;
		}
		w += T_OPT_ALIGN(len);
	}
	struct T_optmgmt_ack a = {
		.PRIM_type = T_OPTMGMT_ACK,
		.OPT_length = (t_scalar_t)(w - ack->b_wptr - sizeof a),
		.OPT_offset = sizeof a,
		.MGMT_flags = (t_scalar_t)worst_status,
	};
	memcpy(ack->b_wptr, &a, sizeof a);
	ack->b_wptr = w;
	DB_TYPE(ack) = M_PCPROTO;
	freemsg(mp);
	qreply(q, ack);
}

/* ------------------------------------------------------------------ */
/* Datagrams                                                           */
/* ------------------------------------------------------------------ */

/* What one T_UNITDATA_REQ's options ask of its datagram. */
struct send_opts {
	uint8_t ttl, tos;
	uint32_t src;	/* host order; 0: the route's choice */
};

/* The options of a T_UNITDATA_REQ over the endpoint's own: 0, or the
 * error for its T_UDERROR_IND. */
static int
send_options(const struct udp_ep *ep, const mblk_t *mp, const struct T_unitdata_req *r,
	     struct send_opts *so)
{
	*so = (struct send_opts){ep->ue_ttl, ep->ue_tos, ep->ue_addr};
	if (r->OPT_length == 0)
		return 0;
	if (r->OPT_length < 0 || r->OPT_offset < 0 || !MBLKIN(mp, r->OPT_offset, r->OPT_length))
		return TBADOPT;
	const uint8_t *o = mp->b_rptr + r->OPT_offset, *end = o + r->OPT_length;
	struct t_opthdr h;
	int got;
	for (const uint8_t *at = o; (got = opt_next(&o, end, &h)) == 1; at = o) {
		const uint8_t *value = at + sizeof h;
		if (h.len != sizeof h + 4 || h.level != T_INET_IP)
			return TBADOPT;
		t_uscalar_t v;
		memcpy(&v, value, sizeof v);
		switch (h.name) {
		case T_IP_TTL:
			if (v < 1 || v > 255)
				return TBADOPT;
			so->ttl = (uint8_t)v;
			break;
		case T_IP_TOS:
			if (v > 255)
				return TBADOPT;
			so->tos = (uint8_t)v;
			break;
		case T_IP_SRCADDR:	/* struct in_addr: network order */
			so->src = ip_get32(value);
			break;
		default:
			return TBADOPT;
		}
	}
	return got < 0 ? TBADOPT : 0;
}

/* The datagram for dst (host order) with payload data, headers written
 * but the source (filled in by the caller). NULL: no memory. */
static mblk_t *
build(struct udp_ep *ep, const struct send_opts *so, uint32_t dst, uint16_t dport,
      const mblk_t *data, size_t len)
{
	mblk_t *dg = allocb(IP_ETHER_HDR + 20 + UDP_HDR + len, BPRI_MED);
	if (dg == NULL)
		return NULL;
	uint8_t *ip = dg->b_wptr + IP_ETHER_HDR, *udp = ip + 20, *w = udp + UDP_HDR;
	for (const mblk_t *b = data; b != NULL; b = b->b_cont) {
		if (DB_TYPE(b) != M_DATA)
			continue;
		memcpy(w, b->b_rptr, (size_t)MBLKL(b));
		w += MBLKL(b);
	}
	dg->b_wptr = w;
	uint16_t id = __atomic_fetch_add(&udp_ip_id, 1, __ATOMIC_RELAXED);
	ip[0] = 0x45;
	ip[1] = so->tos;
	ip[2] = (uint8_t)((20 + UDP_HDR + len) >> 8);
	ip[3] = (uint8_t)(20 + UDP_HDR + len);
	ip[4] = (uint8_t)(id >> 8);
	ip[5] = (uint8_t)id;
	ip[6] = ip[7] = 0;
	ip[8] = so->ttl;
	ip[9] = 17;
	ip_put32(ip + 16, dst);
	udp[0] = (uint8_t)(ep->ue_port >> 8);
	udp[1] = (uint8_t)ep->ue_port;
	udp[2] = (uint8_t)(dport >> 8);
	udp[3] = (uint8_t)dport;
	udp[4] = (uint8_t)((UDP_HDR + len) >> 8);
	udp[5] = (uint8_t)(UDP_HDR + len);
	return dg;
}

/* The source and checksums, once the route chose the source. */
static void
finish(struct udp_ep *ep, mblk_t *dg, uint32_t src)
{
	uint8_t *ip = dg->b_rptr + IP_ETHER_HDR, *udp = ip + 20;
	unsigned len = ip_get16(udp + 4);

	ip_put32(ip + 12, src);
	ip_set_cksum(ip, 20, 10);
	udp[6] = udp[7] = 0;
	if (ep->ue_cksum == T_YES) {
		/* Summed as the words lie in memory: stored the same way. */
		uint16_t s = (uint16_t)~udp_sum(ip, udp, len);
		if (s == 0)
			s = 0xffff;	/* RFC 768: 0 means "none" */
		memcpy(udp + 6, &s, 2);
	}
}

static void
tpi_unitdata(queue_t *q, mblk_t *mp)
{
	struct udp_ep *ep = q->q_ptr;
	struct T_unitdata_req r;
	struct sockaddr_in sin;

	if (MBLKL(mp) < (ptrdiff_t)sizeof r) {
		uderror(q, mp, TBADADDR);
		return;
	}
	memcpy(&r, mp->b_rptr, sizeof r);
	if (ep->ue_state != TS_IDLE) {
		uderror(q, mp, TOUTSTATE);
		return;
	}
	if (get_sin(mp, r.DEST_offset, r.DEST_length, &sin) != 0 || sin.sin_port == 0 ||
	    sin.sin_addr.s_addr == 0) {
		uderror(q, mp, TBADADDR);
		return;
	}
	size_t len = mp->b_cont != NULL ? (size_t)msgdsize(mp->b_cont) : 0;
	if (len > UDP_MAX_PAYLOAD) {
		uderror(q, mp, EMSGSIZE);
		return;
	}
	struct send_opts so;
	int oerr = send_options(ep, mp, &r, &so);
	if (oerr != 0) {
		uderror(q, mp, oerr);
		return;
	}
	uint32_t dst = ntohl(sin.sin_addr.s_addr);
	mblk_t *dg = build(ep, &so, dst, ntohs(sin.sin_port), mp->b_cont, len);
	if (dg == NULL) {
		uderror(q, mp, ENOBUFS);
		return;
	}

	/* The route under the writer's lock: a consistent view, and its
	 * interface cannot go while it is held. */
	int err = ENETDOWN;
	struct ip_nexthop nh;
	(void)pthread_mutex_lock(&ip_rt.lock);
	if (ip_rt.fib != NULL) {
		struct ip_if *out = NULL;
		if (so.src != 0 && !udp_addr_is_ours_locked(so.src))
			err = TBADOPT;	/* a source that is not ours */
		else if (ip_fib_lookup(ip_rt.fib, dst, &nh) != 0)
			err = ENETUNREACH;
		else if (nh.flags & IP_NH_REJECT)
			err = EHOSTUNREACH;
		else if ((out = ip_rt.ifs[nh.ifindex]) != NULL) {
			int local = (nh.flags & IP_NH_LOCAL) != 0;
			finish(ep, dg, so.src != 0 ? so.src : local ? dst : out->if_addr);
			err = udp_lane_post(local ? NULL : out, dg);
		}
	}
	(void)pthread_mutex_unlock(&ip_rt.lock);
	if (err != 0) {
		freemsg(dg);
		uderror(q, mp, err == EAGAIN ? ENOBUFS : err);
		return;
	}
	ep->ue_st.ue_out++;
	freemsg(mp);
}

void
udp_wput_proto(queue_t *q, mblk_t *mp)
{
	t_scalar_t prim;

	if (MBLKL(mp) < (ptrdiff_t)sizeof prim) {
		error_ack(q, mp, -1, TSYSERR, EINVAL);
		return;
	}
	memcpy(&prim, mp->b_rptr, sizeof prim);
	switch (prim) {
	case T_UNITDATA_REQ: tpi_unitdata(q, mp); break;
	case T_BIND_REQ: tpi_bind(q, mp); break;
	case T_UNBIND_REQ: tpi_unbind(q, mp); break;
	case T_INFO_REQ: tpi_info(q, mp); break;
	case T_OPTMGMT_REQ: tpi_optmgmt(q, mp); break;
	default: error_ack(q, mp, prim, TNOTSUPPORT, 0); break;
	}
}

/* Data with no T_UNITDATA_REQ: no destination to send it to. */
void
udp_wput_data(queue_t *q, mblk_t *mp)
{
	uderror(q, mp, EDESTADDRREQ);
}

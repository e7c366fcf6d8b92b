/*
 * The router's state and its lanes (ip_impl.h).
 *
 * The forwarding table and the RCU state are made at the first open, not
 * when the plugin loads: `streamsd --check` loads plugins without EAL,
 * and rte_lpm needs it. They live as long as the process (as a kernel's
 * routing table does): interfaces and routes outlive the streams that
 * configured them, so that a control stream may come and go.
 *
 * A lane is a scheduler. Its first open registers it as an RCU reader
 * and adds its poller; its last close (with nothing linked on it) takes
 * both away. The poller runs once per pass of the lane's loop: the
 * lane's clock, its quiescent state, and every 100 ms the ARP timers of
 * its lowers.
 */
#include <errno.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_malloc.h>
#include <rte_rcu_qsbr.h>
#include <rte_ring.h>
#include <stdio.h>

#include "ip_impl.h"
#include "ip_util.h"
#include "udp_impl.h"

#define IP_FIB_ROUTES 65536
#define IP_FIB_NEXTHOPS 4096
#define IP_TICK_MS 100
#define IP_ICMP_RATE 100  /* errors and echo replies a second, per lane */
#define IP_ICMP_BURST 50

struct ip_router ip_rt = {.lock = PTHREAD_MUTEX_INITIALIZER};

static uint64_t
now_ms(void)
{
	return rte_get_timer_cycles() / (rte_get_timer_hz() / 1000);
}

/* With ip_rt.lock held. */
int
ip_router_start(void)
{
	if (ip_rt.fib != NULL)
		return 0;
	size_t sz = rte_rcu_qsbr_get_memsize(IP_MAX_LANES);
	if (ip_rt.qs == NULL) {
		ip_rt.qs = rte_zmalloc("ip_qs", sz, RTE_CACHE_LINE_SIZE);
		if (ip_rt.qs == NULL || rte_rcu_qsbr_init(ip_rt.qs, IP_MAX_LANES) != 0) {
			rte_free(ip_rt.qs);
			ip_rt.qs = NULL;
			return ENOMEM;
		}
	}
	struct ip_fib_conf fc = {
		.name = "ip",
		.max_routes = IP_FIB_ROUTES,
		.max_nexthops = IP_FIB_NEXTHOPS,
		.socket_id = SOCKET_ID_ANY,
		.qs = ip_rt.qs,
	};
	ip_rt.fib = ip_fib_create(&fc);
	if (ip_rt.fib == NULL) {
		cmn_err(CE_WARN, "ip: no forwarding table: %s", rte_strerror(rte_errno));
		return ENOMEM;
	}
	return 0;
}

struct ip_if *
ip_if_at(unsigned index)
{
	if (index >= IP_MAX_IFS)
		return NULL;
	return __atomic_load_n(&ip_rt.ifs[index], __ATOMIC_ACQUIRE);
}

static void
lane_timers(struct ip_lane *ln)
{
	uint32_t ask[16];

	for (struct ip_lower *lo = ln->il_lowers; lo != NULL; lo = lo->lo_next) {
		if (lo->lo_arp == NULL || lo->lo_ifp == NULL)
			continue;
		lo->lo_memo_ip = 0;	/* entries may go: the fast path asks again */
		unsigned n;
		do {
			n = ip_arp_tick(lo->lo_arp, ln->il_now_ms, ask, 16);
			for (unsigned i = 0; i < n; i++)
				ip_arp_send(lo, IP_ARP_REQUEST, NULL, ask[i], NULL);
		} while (n == 16);
	}
}

/* What other threads handed the lane (ip_impl.h). */
static unsigned
lane_inbox(struct ip_lane *ln)
{
	void *objs[32];
	unsigned n = rte_ring_sc_dequeue_burst(ln->il_inbox, objs, 32, NULL);

	for (unsigned i = 0; i < n; i++) {
		mblk_t *mp = objs[i];
		if (mp->b_datap->db_type == M_PROTO)
			ip_arp_news(ln, mp);
		else
			udp_lane_out(ln, mp);
	}
	return n;
}

static unsigned
lane_poll(void *arg)
{
	struct ip_lane *ln = arg;

	rte_rcu_qsbr_quiescent(ip_rt.qs, ln->il_id);
	ln->il_now_ms = now_ms();
	unsigned sent = lane_inbox(ln);
	if (ln->il_now_ms - ln->il_tick_ms < IP_TICK_MS)
		return sent;
	ln->il_tick_ms = ln->il_now_ms;
	lane_timers(ln);
	return sent;  /* timers are not work that keeps a loop awake */
}

/* The lane of scheduler s, made on its first open. With ip_rt.lock held;
 * on s's thread. */
struct ip_lane *
ip_lane_get(strdp_sched_t *s)
{
	struct ip_lane *free_ln = NULL;

	for (unsigned i = 0; i < IP_MAX_LANES; i++) {
		struct ip_lane *ln = &ip_rt.lanes[i];
		if (ln->il_sched == s) {
			ln->il_opens++;
			return ln;
		}
		if (ln->il_sched == NULL && free_ln == NULL)
			free_ln = ln;
	}
	if (free_ln == NULL)
		return NULL;
	struct ip_lane *ln = free_ln;
	struct rte_ring *inbox = ln->il_inbox;
	memset(ln, 0, sizeof *ln);
	ln->il_id = (unsigned)(ln - ip_rt.lanes);
	if (inbox == NULL) {
		char name[RTE_RING_NAMESIZE];
		snprintf(name, sizeof name, "ip_inbox%u", ln->il_id);
		inbox = rte_ring_create(name, UDP_TXRING, SOCKET_ID_ANY, RING_F_SC_DEQ);
		if (inbox == NULL)
			return NULL;
	}
	ip_ring_free_msgs(inbox);	/* handed to this slot's last lane as it went */
	ln->il_inbox = inbox;
	ln->il_now_ms = ln->il_tick_ms = now_ms();
	ip_icmp_bucket_init(&ln->il_icmp, IP_ICMP_RATE, IP_ICMP_BURST, ln->il_now_ms);
	if (rte_rcu_qsbr_thread_register(ip_rt.qs, ln->il_id) != 0)
		return NULL;
	int id = strdp_sched_add_poller(s, lane_poll, ln);
	if (id <= 0) {
		rte_rcu_qsbr_thread_unregister(ip_rt.qs, ln->il_id);
		return NULL;
	}
	rte_rcu_qsbr_thread_online(ip_rt.qs, ln->il_id);
	ln->il_poller = id;
	ln->il_sched = s;
	ln->il_opens = 1;
	return ln;
}

/* Gives the lane back once nothing is open or linked on it. With
 * ip_rt.lock held; on the lane's thread. */
void
ip_lane_release_idle(struct ip_lane *ln)
{
	if (ln->il_sched == NULL || ln->il_opens != 0 || ln->il_lowers != NULL)
		return;
	strdp_sched_remove_poller(ln->il_sched, ln->il_poller);
	/* What others handed it and nobody will take now. (What comes after
	 * this is freed when the slot is taken again.) */
	ip_ring_free_msgs(ln->il_inbox);
	rte_rcu_qsbr_thread_offline(ip_rt.qs, ln->il_id);
	rte_rcu_qsbr_thread_unregister(ip_rt.qs, ln->il_id);
	ln->il_sched = NULL;
}

/* A close. With ip_rt.lock held; on the lane's thread. */
void
ip_lane_put(struct ip_lane *ln)
{
	ln->il_opens--;
	ip_lane_release_idle(ln);
}

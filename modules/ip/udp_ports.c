/*
 * /dev/udp's endpoint slots and its port table (udp_impl.h).
 *
 * The port table maps a UDP port to slot + 1 (0: nobody); the lanes read
 * it with one atomic load, the owners change it under udp_lock. One
 * endpoint a port: a datagram has one place to go.
 */
#include <errno.h>
#include <sched.h>
#include <stdio.h>

#include <rte_cycles.h>
#include <rte_mbuf.h>
#include <rte_rcu_qsbr.h>
#include <rte_ring.h>

#include "ip_util.h"
#include "udp_impl.h"

#define UDP_GRACE_MS 50	/* a running lane reports within microseconds */

struct udp_slot udp_slots[UDP_SLOTS];
static uint16_t udp_ports[65536];	/* atomic: slot + 1 */
static pthread_mutex_t udp_lock = PTHREAD_MUTEX_INITIALIZER;
static uint16_t udp_rotor;		/* the next ephemeral port to try */

/* An endpoint's slot, with a ring for it. On the opener's thread. */
int
udp_slot_take(strdp_sched_t *s, struct udp_ep *ep)
{
	int err = ENOSR;

	(void)pthread_mutex_lock(&udp_lock);
	for (unsigned i = 0; i < UDP_SLOTS; i++) {
		struct udp_slot *us = &udp_slots[i];
		if (us->us_used)
			continue;
		if (us->us_ring == NULL) {
			char name[RTE_RING_NAMESIZE];
			snprintf(name, sizeof name, "udp_rx%u", i);
			us->us_ring = rte_ring_create(name, UDP_RCVBUF, SOCKET_ID_ANY,
						      RING_F_SC_DEQ);
			if (us->us_ring == NULL) {
				err = ENOMEM;
				break;
			}
		}
		us->us_used = 1;
		us->us_sched = s;
		us->us_ep = ep;
		__atomic_store_n(&us->us_addr, 0, __ATOMIC_RELAXED);
		__atomic_store_n(&us->us_wake, 0, __ATOMIC_RELAXED);
		__atomic_store_n(&us->us_recvdst, 0, __ATOMIC_RELAXED);
		__atomic_store_n(&us->us_in, 0, __ATOMIC_RELAXED);
		__atomic_store_n(&us->us_rcvbuf_full, 0, __ATOMIC_RELAXED);
		__atomic_store_n(&us->us_nomem, 0, __ATOMIC_RELAXED);
		ep->ue_slot = i;
		err = 0;
		break;
	}
	(void)pthread_mutex_unlock(&udp_lock);
	return err;
}

/*
 * Waits until every lane that might still be reading a slot has passed a
 * quiescent state. The caller's own lane, if it is one, is not inside
 * its data path now and says so first. Bounded: a lane that has stopped
 * running reads nothing, and a stream close must not hang on it.
 */
static void
grace_period(void)
{
	if (ip_rt.qs == NULL)
		return;
	strdp_sched_t *s = strdp_sched_current();
	(void)pthread_mutex_lock(&ip_rt.lock);
	for (unsigned i = 0; i < IP_MAX_LANES; i++)
		if (s != NULL && ip_rt.lanes[i].il_sched == s)
			rte_rcu_qsbr_quiescent(ip_rt.qs, i);
	(void)pthread_mutex_unlock(&ip_rt.lock);
	uint64_t t = rte_rcu_qsbr_start(ip_rt.qs);
	uint64_t until = rte_get_timer_cycles() + rte_get_timer_hz() / 1000 * UDP_GRACE_MS;
	while (rte_rcu_qsbr_check(ip_rt.qs, t, false) != 1 && rte_get_timer_cycles() < until)
		sched_yield();
}

/* At close, on the owner's thread. */
void
udp_slot_release(struct udp_ep *ep)
{
	struct udp_slot *us = &udp_slots[ep->ue_slot];

	udp_port_unbind(ep);
	__atomic_fetch_add(&us->us_gen, 1, __ATOMIC_RELEASE);
	grace_period();
	ip_ring_free_msgs(us->us_ring);
	(void)pthread_mutex_lock(&udp_lock);
	us->us_ep = NULL;
	us->us_sched = NULL;
	us->us_used = 0;
	(void)pthread_mutex_unlock(&udp_lock);
}

int
udp_addr_is_ours_locked(uint32_t addr)
{
	for (unsigned i = 0; i < IP_MAX_IFS; i++)
		if (ip_rt.ifs[i] != NULL && ip_rt.ifs[i]->if_addr == addr)
			return 1;
	return 0;
}

static int
addr_is_ours(uint32_t addr)
{
	(void)pthread_mutex_lock(&ip_rt.lock);
	int ours = udp_addr_is_ours_locked(addr);
	(void)pthread_mutex_unlock(&ip_rt.lock);
	return ours;
}

/* With udp_lock held: a free ephemeral port, or 0. */
static uint16_t
ephemeral_port(void)
{
	const unsigned span = 65536 - UDP_EPHEMERAL_LO;

	for (unsigned k = 0; k < span; k++) {
		uint16_t p = (uint16_t)(UDP_EPHEMERAL_LO + (udp_rotor + k) % span);
		if (udp_ports[p] == 0) {
			udp_rotor = (uint16_t)((p - UDP_EPHEMERAL_LO + 1) % span);
			return p;
		}
	}
	return 0;
}

/* T_BIND_REQ's work: 0, or the TLI error (and errno for TSYSERR). */
int
udp_port_bind(struct udp_ep *ep, uint32_t addr, uint16_t port, int *tli, int *uerr)
{
	*uerr = 0;
	if (addr != 0 && !addr_is_ours(addr)) {
		*tli = TSYSERR;
		*uerr = EADDRNOTAVAIL;
		return -1;
	}
	if (port != 0 && port < 1024 && !ep->ue_privileged) {
		*tli = TACCES;
		return -1;
	}
	(void)pthread_mutex_lock(&udp_lock);
	if (port == 0 && (port = ephemeral_port()) == 0) {
		(void)pthread_mutex_unlock(&udp_lock);
		*tli = TNOADDR;
		return -1;
	}
	if (udp_ports[port] != 0) {
		(void)pthread_mutex_unlock(&udp_lock);
		*tli = TADDRBUSY;
		return -1;
	}
	struct udp_slot *us = &udp_slots[ep->ue_slot];
	__atomic_store_n(&us->us_addr, addr, __ATOMIC_RELAXED);
	/* Release: a lane that finds the port sees the address. */
	__atomic_store_n(&udp_ports[port], (uint16_t)(ep->ue_slot + 1), __ATOMIC_RELEASE);
	(void)pthread_mutex_unlock(&udp_lock);
	ep->ue_addr = addr;
	ep->ue_port = port;
	return 0;
}

void
udp_port_unbind(struct udp_ep *ep)
{
	if (ep->ue_port == 0)
		return;
	(void)pthread_mutex_lock(&udp_lock);
	__atomic_store_n(&udp_ports[ep->ue_port], 0, __ATOMIC_RELEASE);
	(void)pthread_mutex_unlock(&udp_lock);
	ep->ue_port = 0;
	ep->ue_addr = 0;
}

struct udp_slot *
udp_port_find(uint16_t port, uint32_t dst)
{
	uint16_t v = __atomic_load_n(&udp_ports[port], __ATOMIC_ACQUIRE);

	if (v == 0)
		return NULL;
	struct udp_slot *us = &udp_slots[v - 1];
	uint32_t a = __atomic_load_n(&us->us_addr, __ATOMIC_RELAXED);
	return a == 0 || a == dst ? us : NULL;
}

/*
 * strdp/pmd.h — DPDK ethdev ports as STREAMS drivers: the `pmd` DLPI
 * Ethernet driver.
 *
 * A port is set up once (strdp_port_setup: queues, descriptors, MTU,
 * promiscuous mode, rx buffers from the message pool of the port's
 * socket). Each (port, queue) pair is then one driver instance: a stream
 * opens the clone device "pmd" (a DLPI style 2 provider) and attaches
 * with DL_ATTACH_REQ, dl_ppa = STRDP_PMD_PPA(port, queue). The attaching
 * thread's scheduler polls that rx queue and owns its tx queue, so a
 * port with N queues is N lanes, one per lcore.
 *
 * After attach the stream speaks DLPI v2 Ethernet (sys/dlpi.h, Solaris
 * layouts): DL_INFO_REQ, DL_BIND_REQ (dl_sap = ethertype), DL_UNBIND_REQ,
 * DL_UNITDATA_REQ/IND (DLSAP address = 6-byte MAC then 2-byte SAP, SAP
 * length -2), DL_PHYS_ADDR_REQ, DL_PROMISCON_REQ/DL_PROMISCOFF_REQ,
 * DL_NOTIFY_REQ (link up/down go up as DL_NOTIFY_IND), DL_ERROR_ACK with
 * DLPI's error codes; or, after the DLIOCRAW ioctl, raw frames as M_DATA
 * both ways (every frame the queue receives, unfiltered: the forwarding
 * path). Received frames go up with no copy. The primitives, states and
 * errors: docs/drivers.md.
 */
#ifndef STRDP_PMD_H
#define STRDP_PMD_H

#include <stdint.h>
#include <strdp/strdp.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The PPA of queue `queue` of ethdev port `port`. */
#define STRDP_PMD_PPA(port, queue) \
	((((uint32_t)(queue) & 0xffffu) << 16) | ((uint32_t)(port) & 0xffffu))
#define STRDP_PMD_PPA_PORT(ppa) ((uint16_t)((ppa) & 0xffffu))
#define STRDP_PMD_PPA_QUEUE(ppa) ((uint16_t)(((ppa) >> 16) & 0xffffu))

/* A zero field takes its default. */
struct strdp_port_conf {
	uint16_t nb_queues; /* rx and tx queues = lanes (default 1) */
	uint16_t nb_rxd;    /* rx descriptors per queue (default 1024; the
	                       PMD's limits clamp it) */
	uint16_t nb_txd;    /* tx descriptors per queue (default 1024) */
	uint16_t mtu;       /* 0: the port's current MTU */
	int promisc;        /* start in promiscuous mode (kept on while the
	                       port is set up; DL_PROMISC_PHYS adds to it) */
};

/*
 * Configures and starts the ethdev named `dev` (its DPDK name, e.g.
 * "net_null0", or a PCI address); conf NULL = defaults. RSS spreads
 * flows over the queues when there are several. Returns the port id, or
 * -1 with errno (ENODEV: no such port; EBUSY: already set up; EINVAL:
 * bad counts or an MTU the port cannot take; ENOMEM: no message pool;
 * other: what DPDK said).
 */
int strdp_port_setup(const char *dev, const struct strdp_port_conf *conf);
/* Stops and closes a port set up here (ENODEV if it was not); EBUSY
 * while a stream is attached. A closed virtual device is gone for good:
 * DPDK releases its port id. */
int strdp_port_close(uint16_t port);

/* Per (port, queue) counters, kept by the owning lcore; they survive
 * detach and are reset by strdp_port_close(). X(name, doc), in struct
 * order (see "Counters are declared once" in strdp.h): the daemon shows
 * them as "pmd" in a stream's stats and pmd_<name> in telemetry. */
#define STRDP_PMD_COUNTERS(X) \
	X(rx_frames, "frames sent up") \
	X(rx_bytes, "their bytes, Ethernet header included") \
	X(rx_filtered, "frames for no bound SAP or not for us (DLPI mode), " \
	               "runts; freed") \
	X(rx_paused, "polls skipped: the stream above was full") \
	X(tx_frames, "frames the NIC took") \
	X(tx_bytes, "their bytes") \
	X(tx_invalid, "messages that could not become frames (refused " \
	              "DL_UNITDATA_REQ, bad raw frame, M_DATA outside raw " \
	              "mode, no memory), and frames the NIC would not take " \
	              "at detach") \
	X(rx_nomem, "DLPI mode: frames freed for want of a DL_UNITDATA_IND " \
	            "block")

struct strdp_pmd_stats {
#define STRDP_PMD_FIELD_(name, doc) uint64_t name;
	STRDP_PMD_COUNTERS(STRDP_PMD_FIELD_)
#undef STRDP_PMD_FIELD_
};
/* 0, or -1 with errno: ENODEV (port not set up), EINVAL (queue out of
 * range, st NULL). Any thread. */
int strdp_pmd_get_stats(uint16_t port, uint16_t queue,
                        struct strdp_pmd_stats *st);

#ifdef __cplusplus
}
#endif

#endif /* STRDP_PMD_H */

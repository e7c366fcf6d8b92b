/*
 * strdp/ethraw.h — a DPDK ethdev port as a raw-frame STREAMS driver.
 *
 * The smallest honest PMD driver: M_DATA messages written down the stream
 * leave the port as frames (one message = one frame, b_cont = segments);
 * every frame the port receives goes up as an M_DATA message, zero-copy.
 * No DLPI: the DLPI Ethernet driver (DL_BIND_REQ, DL_UNITDATA_*) is the
 * `pmd` driver of the dataplane daemon.
 *
 * Back-pressure both ways: when the stream above is full the port is not
 * polled (the NIC drops, counted by DPDK as imissed); when the NIC's tx
 * ring is full the driver queues on its write queue, so canputnext() says
 * "full" all the way up to the writer.
 */
#ifndef STRDP_ETHRAW_H
#define STRDP_ETHRAW_H

#include <stdint.h>
#include <strdp/strdp.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Configures port_id with one rx and one tx queue (rx buffers from the
 * message pool of its socket), starts it in promiscuous mode and registers
 * a driver `name` for it ("eth0": opened as "/dev/eth0"). One stream may
 * have it open at a time (EBUSY). 0, or -1 with errno. */
int strdp_ethraw_attach(uint16_t port_id, const char *name);
/* Stops and closes the port and unregisters the driver (EBUSY if open). */
int strdp_ethraw_detach(const char *name);

/* X(name, doc), in struct order: each is the pmd counter of that name
 * (STRDP_PMD_COUNTERS) of the port's one queue. */
#define STRDP_ETHRAW_COUNTERS(X) \
	X(rx_frames, "frames sent up") \
	X(tx_frames, "frames the NIC took") \
	X(tx_invalid, "messages that could not become frames") \
	X(rx_paused, "polls skipped because the stream was full")

struct strdp_ethraw_stats {
#define STRDP_ETHRAW_FIELD_(name, doc) uint64_t name;
	STRDP_ETHRAW_COUNTERS(STRDP_ETHRAW_FIELD_)
#undef STRDP_ETHRAW_FIELD_
};
int strdp_ethraw_get_stats(const char *name, struct strdp_ethraw_stats *st);

#ifdef __cplusplus
}
#endif

#endif /* STRDP_ETHRAW_H */

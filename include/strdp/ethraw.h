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

struct strdp_ethraw_stats {
	uint64_t rx_frames;   /* frames sent up */
	uint64_t tx_frames;   /* frames the NIC took */
	uint64_t tx_invalid;  /* messages that could not become frames */
	uint64_t rx_paused;   /* polls skipped because the stream was full */
};
int strdp_ethraw_get_stats(const char *name, struct strdp_ethraw_stats *st);

#ifdef __cplusplus
}
#endif

#endif /* STRDP_ETHRAW_H */

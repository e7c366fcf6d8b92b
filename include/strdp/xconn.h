/*
 * strdp/xconn.h — the "xconn" cross-connect multiplexing driver
 * (modules/xconn/xconn.c).
 *
 * "xconn" is a clone driver: every open is an instance of its own. Streams
 * linked under an instance (I_LINK or I_PLINK on the instance's stream)
 * are patched together in pairs, in link order: the 1st with the 2nd, the
 * 3rd with the 4th, and so on; a newly linked stream pairs with the
 * earliest linked stream of the instance that has no partner, if any.
 * What comes up one lower stream (M_DATA, M_PROTO; M_PCPROTO too, never
 * held) goes down its partner, unchanged; what comes up a stream that has
 * no partner is freed and counted. Unlinking one stream of a pair leaves
 * the other without a partner until a new link pairs it.
 *
 * Flow control: when the partner cannot take a message (canputnext on its
 * stream fails), the message waits on the lower read queue, and so do the
 * ones behind it; that queue fills and holds back the driver below, so a
 * slow port slows its peer and nothing is lost or reordered.
 *
 * Persistent links (I_PLINK) outlive the instance's stream; I_PUNLINK on
 * any "xconn" stream ends them. The instance's stream carries no data:
 * M_DATA and M_PROTO written on it are freed and counted (xs_upper_drops).
 *
 * Commands, sent with I_STR (struct strioctl):
 *
 *   XCONN_STATS   ic_dp: a struct xconn_stats with room for n ports after
 *                 it, ic_len = XCONN_STATS_LEN(n), n >= 0 (EINVAL when
 *                 ic_len is shorter than XCONN_STATS_LEN(0)). Fills the
 *                 header and the first n ports of the instance, in link
 *                 order; each port names its partner, so a pair is two
 *                 ports. ic_len comes back as XCONN_STATS_LEN(returned).
 *
 * Any other ioctl fails with EINVAL.
 */
#ifndef STRDP_XCONN_H
#define STRDP_XCONN_H

#include <stddef.h>
#include <stdint.h>

#define XCONN_IOC   ('X' << 8)
#define XCONN_STATS (XCONN_IOC | 1)

/* One lower stream. Messages counted in xp_in end up in exactly one of
 * xp_fwd, xp_nopeer, xp_nomem, xp_flushed or, for now, xp_held. */
struct xconn_port {
	int32_t  xp_muxid;   /* its mux id (what I_LINK returned) */
	int32_t  xp_peer;    /* its partner's mux id; 0: no partner */
	uint64_t xp_in;      /* data messages that came up it */
	uint64_t xp_fwd;     /* ... sent down the partner */
	uint64_t xp_nopeer;  /* ... freed: no partner */
	uint64_t xp_nomem;   /* ... freed: could not be queued (no memory) */
	uint64_t xp_flushed; /* ... freed by an M_FLUSH from below */
	uint64_t xp_held;    /* ... waiting now for the partner */
	uint64_t xp_blocked; /* times the partner was found full */
	uint64_t xp_flush;   /* M_FLUSH messages that came up */
	uint64_t xp_other;   /* other messages that came up, freed (M_HANGUP,
	                        M_ERROR, stray ioctl answers, ...) */
};

/* The header of the reply; xs_returned struct xconn_port follow it. */
struct xconn_stats {
	uint32_t xs_nports;      /* streams linked under the instance */
	uint32_t xs_returned;    /* ports that follow */
	uint64_t xs_upper_drops; /* messages written on the instance, freed */
};

#define XCONN_STATS_LEN(n) \
	(sizeof(struct xconn_stats) + (size_t)(n) * sizeof(struct xconn_port))
/* The i-th port of a reply in buf (8-byte aligned). */
#define XCONN_STATS_PORT(buf, i) \
	((struct xconn_port *)((char *)(buf) + XCONN_STATS_LEN(i)))

#endif /* STRDP_XCONN_H */

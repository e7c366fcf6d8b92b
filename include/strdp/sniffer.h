/*
 * strdp/sniffer.h — ioctls of the "sniffer" module (modules/sniffer/).
 *
 * The sniffer is pushable at any position of any stream. It passes every
 * message on unchanged and copies, by reference (dupmsg), the M_DATA
 * messages that pass it (one side or both, through an optional tcpdump
 * filter) to a pcapng file or down another stream. docs/sniffer.md has
 * the whole story; in short:
 *
 * SNIF_SETARGS (== STRDP_IOC_MODARGS), I_STR, data: a NUL-terminated
 *     "key=value key='quoted value' ..." string. Only the keys given
 *     change; a bad argument changes nothing and fails the ioctl (EINVAL,
 *     with a cmn_err line saying which argument and why):
 *       file=PATH       write a pcapng file (created, truncated); empty:
 *                       stop writing. A path that cannot be opened fails
 *                       with open(2)'s errno; one another sniffer is
 *                       writing fails with EBUSY.
 *       to=NAME         send the copies down the stream named NAME
 *                       (strdp_stream_set_name); it must belong to the
 *                       same scheduler (EXDEV); empty: stop. file= and
 *                       to= exclude each other.
 *       filter='EXPR'   tcpdump syntax, Ethernet link type; empty: none.
 *       snaplen=N       bytes kept per packet, 1..65535 (default 65535).
 *       dir=rd|wr|both  side(s) sniffed (default both): rd is what goes
 *                       up (recorded inbound), wr what goes down
 *                       (recorded outbound).
 *       port=N          the ethdev port the stream carries (the pcapng
 *                       interface); -1: none (default).
 *       queue=N         its queue (recorded per packet, default 0).
 *     EBUSY: the writer has not taken the previous change yet; retry.
 *
 * SNIF_GETSTATS, I_STR, ic_len >= sizeof(struct snif_stats): counters of
 *     each side since the push. At every instant
 *         seen == skipped + filtered + captured + dropped + queued.
 */
#ifndef STRDP_SNIFFER_H
#define STRDP_SNIFFER_H

#include <stdint.h>
#include <strdp/strdp.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SNIF_IOC      ('S' << 8)
#define SNIF_SETARGS  STRDP_IOC_MODARGS
#define SNIF_GETSTATS (SNIF_IOC | 1)

struct snif_side_stats {
	uint64_t seen;     /* messages passed on (every type) */
	uint64_t skipped;  /* of those, not considered: not M_DATA, a side
	                      not sniffed or no output set, or a copy made
	                      by a sniffer (never copied again) */
	uint64_t filtered; /* M_DATA the filter rejected */
	uint64_t captured; /* written to the file / sent down the stream */
	uint64_t dropped;  /* wanted but not captured: writer ring full, no
	                      buffer for the copy, write failed, target stream
	                      gone or full */
	uint64_t queued;   /* handed to the writer, not yet written or dropped */
};

struct snif_stats {
	struct snif_side_stats rd; /* read side: upstream, inbound */
	struct snif_side_stats wr; /* write side: downstream, outbound */
};

/*
 * b_flag of a copy the sniffer sends down another stream: no sniffer
 * copies a message carrying it, so two streams copying to each other do
 * not loop.
 */
#define SNIF_MSGCOPY 0x4000

#ifdef __cplusplus
}
#endif

#endif /* STRDP_SNIFFER_H */

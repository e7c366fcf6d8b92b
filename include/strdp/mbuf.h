/*
 * strdp/mbuf.h — the boundary between STREAMS messages and DPDK mbufs,
 * for drivers (pmd-drivers/) and the framework. Includes DPDK.
 *
 * Layout: every mbuf of a STREAMS message pool carries, in its private
 * area, one mblk_t followed by one dblk_t. An mblk_t is always the private
 * area of exactly one mbuf (its own block view: data_off/data_len/next);
 * the dblk_t of a direct buffer is the one in the direct mbuf; an indirect
 * mbuf (dupb) points at its direct mbuf's dblk_t; an external buffer
 * (esballoc, large allocb) has a dblk_t beside its rte_mbuf_ext_shared_info.
 *
 * Entering STREAMS (strdp_msg_from_mbuf): the mblk_t fields are built from
 * the mbuf chain (b_rptr = buf_addr + data_off, b_wptr = b_rptr +
 * data_len, b_cont = next segment), type M_DATA. No copy, no allocation.
 * Leaving STREAMS (strdp_msg_to_mbuf): data_off, data_len, next, nb_segs
 * and pkt_len are rebuilt from b_rptr/b_wptr/b_cont. The message must not
 * be used afterwards: the mbuf chain owns it.
 */
#ifndef STRDP_MBUF_H
#define STRDP_MBUF_H

#include <rte_mbuf.h>
#include <strdp/stream.h>

#ifdef __cplusplus
extern "C" {
#endif

struct strdp_mbuf_priv {
	mblk_t mblk;
	dblk_t dblk;
} __attribute__((aligned(RTE_MBUF_PRIV_ALIGN)));

/* Bytes of private area a STREAMS message pool needs per mbuf. */
#define STRDP_MBUF_PRIV_SIZE \
	RTE_ALIGN_CEIL(sizeof(struct strdp_mbuf_priv), RTE_CACHE_LINE_SIZE)

static inline mblk_t *strdp_mbuf_to_mblk(struct rte_mbuf *m)
{
	return (mblk_t *)((char *)m + sizeof(struct rte_mbuf));
}

static inline struct rte_mbuf *strdp_mblk_to_mbuf(const mblk_t *mp)
{
	return (struct rte_mbuf *)((char *)mp - sizeof(struct rte_mbuf));
}

/* A pool whose mbufs can carry messages: priv_size >= STRDP_MBUF_PRIV_SIZE.
 * strdp_runtime_init() makes one per socket; drivers use it for rx. */
struct rte_mempool *strdp_msg_pool(int socket_id);
/* Creates such a pool (for PMD rx queues with their own sizing). */
struct rte_mempool *strdp_msg_pool_create(const char *name, unsigned int n,
                                          unsigned int cache,
                                          unsigned int data_room,
                                          int socket_id);

/* Turns a received mbuf chain into an M_DATA message, in place. */
mblk_t *strdp_msg_from_mbuf(struct rte_mbuf *m);
/* The same for a burst: out[i] is the message of in[i]. */
void strdp_msg_from_mbufs(struct rte_mbuf **in, mblk_t **out, unsigned int n);
/* Turns a message into an mbuf chain for transmission, in place. Returns
 * NULL (and frees mp) if it has more segments than an mbuf chain can
 * hold (UINT16_MAX) or a block longer than UINT16_MAX bytes. */
struct rte_mbuf *strdp_msg_to_mbuf(mblk_t *mp);

/* A frame of a frame burst (putnext_frames, stream.h) is its received
 * mbuf chain, untouched: these only change the pointer's type. */
static inline strdp_frame_t *strdp_mbuf_frame(struct rte_mbuf *m)
{
	return (strdp_frame_t *)m;
}

static inline struct rte_mbuf *strdp_frame_mbuf(strdp_frame_t *f)
{
	return (struct rte_mbuf *)f;
}

#ifdef __cplusplus
}
#endif

#endif /* STRDP_MBUF_H */

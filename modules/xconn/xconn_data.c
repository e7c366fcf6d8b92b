/*
 * xconn's data path: the lower queues of the cross-connect multiplexor
 * (overview in xconn.c, contract in <strdp/xconn.h>).
 *
 *  - Lower read put (xconn_lrput) and burst put (xconn_lrputb): what the
 *    lower stream's driver sends up. Data goes down the partner with
 *    putnext(partner's l_qbot) while bcanputnext() allows and nothing of
 *    this side is held (order); otherwise it is held here with putq() and
 *    the service procedure sends it when the partner drains. The queue
 *    then fills and holds back the driver below: a slow port slows its
 *    peer, nothing is dropped. A burst goes on with one putnext_burst()
 *    when the partner can take it, which is what the forwarding benchmark
 *    measures.
 *  - Lower read frame put (xconn_lrputf): a burst of frames from a pmd
 *    stream in raw mode goes down the partner as frames, unread, under
 *    the same conditions as a burst of messages; otherwise it takes none
 *    and the framework hands them to the burst path as messages.
 *  - Lower read service (xconn_lrsrv): sends what is held, in order,
 *    while the partner can take it.
 *  - Lower write side: nothing is queued on it; its service procedure is
 *    what STREAMS back-enables when the lower stream below drains
 *    (bcanputnext() failing left QWANTW there), and it enables the
 *    partner's lower read queue, whose held messages waited for exactly
 *    that.
 *  - M_FLUSH from below: the lower read side is the lower stream's head,
 *    so it does what a head does: FLUSHR flushes what this side holds,
 *    FLUSHW is turned back down (FLUSHR cleared) with qreply(), as the
 *    guide's multiplexor does. Flushes do not cross to the partner: the
 *    two streams are separate ports. Other messages from below (M_HANGUP,
 *    M_ERROR, answers to ioctls nobody sent) are freed and counted: xconn
 *    has no user to tell.
 *
 * Everything here runs on the one thread that owns the instance and its
 * lower streams (see xconn.c): no lock.
 */

#include <sys/types.h>
#include <sys/stream.h>
#include <sys/stropts.h>
#include <sys/strsun.h>
#include <sys/ddi.h>

#include "xconn_impl.h"

/* A data message from below: down the partner, held, or freed. */
static void
xconn_data(queue_t *q, struct xconn_lower *xl, mblk_t *mp)
{
	struct xconn_lower *peer = xl->xl_peer;

	xl->xl_in++;
	if (peer == NULL) {
		xl->xl_nopeer++;
		freemsg(mp);
		return;
	}
	if (pcmsg(mp->b_datap->db_type)) {	/* never held */
		xl->xl_fwd++;
		putnext(peer->xl_wq, mp);
		return;
	}
	/* Behind what is held already, to keep the order. */
	if (q->q_first == NULL) {
		if (bcanputnext(peer->xl_wq, mp->b_band)) {
			xl->xl_fwd++;
			putnext(peer->xl_wq, mp);
			return;
		}
		xl->xl_blocked++;
	}
	if (!putq(q, mp)) {
		xl->xl_nomem++;
		freemsg(mp);
	}
}

int
xconn_lrput(queue_t *q, mblk_t *mp)
{
	struct xconn_lower *xl = q->q_ptr;
	int n;

	switch (mp->b_datap->db_type) {
	case M_DATA:
	case M_PROTO:
	case M_PCPROTO:
		xconn_data(q, xl, mp);
		break;

	case M_FLUSH:
		/*
		 * We are the lower stream's head: flush what we hold for
		 * the partner, turn FLUSHW back down.
		 */
		xl->xl_flush++;
		if (*mp->b_rptr & FLUSHR) {
			n = qsize(q);
			if ((*mp->b_rptr & FLUSHBAND) && MBLKL(mp) >= 2)
				flushband(q, *(mp->b_rptr + 1), FLUSHDATA);
			else
				flushq(q, FLUSHDATA);
			xl->xl_flushed += (uint64_t)(n - qsize(q));
		}
		if (*mp->b_rptr & FLUSHW) {
			*mp->b_rptr &= ~FLUSHR;
			qreply(q, mp);
		} else {
			freemsg(mp);
		}
		break;

	default:
		/* M_HANGUP, M_ERROR, stray M_IOCACK ...: no one to tell. */
		xl->xl_other++;
		freemsg(mp);
		break;
	}
	return (0);
}

/*
 * Burst put: the same as n xconn_lrput() calls. The common case, a burst
 * of band-0 M_DATA/M_PROTO and a partner with room, goes on with one
 * putnext_burst(). The check ORs over the whole burst instead of stopping
 * at the first odd message: no branch per message to mispredict, and the
 * loads of consecutive messages overlap. Otherwise the leading run of such
 * data still goes as one burst, and the rest takes the single path.
 */
void
xconn_lrputb(queue_t *q, mblk_t **mps, unsigned int n)
{
	struct xconn_lower *xl = q->q_ptr;
	struct xconn_lower *peer = xl->xl_peer;
	unsigned int i, odd = 0;

	if (peer == NULL || q->q_first != NULL || !canputnext(peer->xl_wq)) {
		for (i = 0; i < n; i++)
			(void) xconn_lrput(q, mps[i]);
		return;
	}
	for (i = 0; i < n; i++)
		odd |= (unsigned int)(mps[i]->b_datap->db_type > M_PROTO) |
		    mps[i]->b_band;
	if (odd == 0) {
		xl->xl_in += n;
		xl->xl_fwd += n;
		putnext_burst(peer->xl_wq, mps, n);
		return;
	}
	for (i = 0; i < n; i++)
		if (mps[i]->b_datap->db_type > M_PROTO || mps[i]->b_band != 0)
			break;
	if (i > 0) {
		xl->xl_in += i;
		xl->xl_fwd += i;
		putnext_burst(peer->xl_wq, mps, i);
	}
	for (; i < n; i++)
		(void) xconn_lrput(q, mps[i]);
}

/*
 * Lower read frame burst put: frames (putnext_frames) are plain data by
 * contract, so when the partner can take them and nothing of this side is
 * held they go on as frames, unread: all n taken. Otherwise none: the
 * framework makes them messages for the burst put above, which holds
 * them in order.
 */
unsigned int
xconn_lrputf(queue_t *q, strdp_frame_t **f, unsigned int n)
{
	struct xconn_lower *xl = q->q_ptr;
	struct xconn_lower *peer = xl->xl_peer;

	if (peer == NULL || q->q_first != NULL || !canputnext(peer->xl_wq))
		return (0);
	xl->xl_in += n;
	xl->xl_fwd += n;
	putnext_frames(peer->xl_wq, f, n);
	return (n);
}

/*
 * Lower read service: runs when the partner drained (enabled by the
 * partner's lower write service) or when pairing gives held messages
 * somewhere to go.
 */
int
xconn_lrsrv(queue_t *q)
{
	struct xconn_lower *xl = q->q_ptr;
	mblk_t *mp;

	while ((mp = getq(q)) != NULL) {
		struct xconn_lower *peer = xl->xl_peer;

		if (peer == NULL) {
			xl->xl_nopeer++;
			freemsg(mp);
			continue;
		}
		if (!bcanputnext(peer->xl_wq, mp->b_band)) {
			(void) putbq(q, mp);	/* QWANTW is set below */
			break;
		}
		xl->xl_fwd++;
		putnext(peer->xl_wq, mp);
	}
	return (0);
}

/* Nothing is put on a lower write queue: xconn sends with putnext(). */
int
xconn_lwput(queue_t *q, mblk_t *mp)
{
	putnext(q, mp);
	return (0);
}

/*
 * Lower write service: back-enabled when the stream below us drained.
 * The messages waiting to go down here wait on the partner's lower read
 * queue: enable it. q_ptr is NULL once the stream is unlinked (the
 * framework may still run a service enabled just before).
 */
int
xconn_lwsrv(queue_t *q)
{
	struct xconn_lower *xl = q->q_ptr;

	if (xl != NULL && xl->xl_magic == XCONN_LMAGIC && xl->xl_peer != NULL)
		qenable(xl->xl_peer->xl_rq);
	return (0);
}

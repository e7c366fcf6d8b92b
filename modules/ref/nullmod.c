/*
 * nullmod — the null module: passes every message on, both ways.
 *
 * The smallest correct STREAMS module. It has no service procedures and
 * so never holds a message: whatever arrives on a side goes to the next
 * queue on that side with putnext(), flow control and all (canputnext() is
 * the business of modules that queue; a module that does not queue must
 * not drop either, so it simply passes the message on).
 *
 * It also offers the strdp burst put (qi_putbp): a burst of n messages is
 * handed on with one putnext_burst() call, which is what the module-chain
 * benchmarks measure. Burst and single paths behave alike, message for
 * message. Frame bursts (qi_putfp) go on as frames the same way: a module
 * that reads nothing need not have them made messages.
 *
 * M_FLUSH: the canonical module rule is "flush your queue on the side the
 * message names, then pass it on". nullmod never queues, so its queues are
 * always empty and passing the message on is all there is to do.
 *
 * Push it with I_PUSH "nullmod".
 */

#include <sys/types.h>
#include <sys/stream.h>
#include <sys/stropts.h>
#include <sys/ddi.h>
#include <sys/conf.h>
#include <sys/errno.h>

static struct module_info nullmod_minfo = {
	0x5201,		/* mi_idnum */
	"nullmod",	/* mi_idname */
	0,		/* mi_minpsz */
	INFPSZ,		/* mi_maxpsz */
	0,		/* mi_hiwat: nothing is ever queued */
	0		/* mi_lowat */
};

static int nullmod_open(queue_t *, dev_t *, int, int, cred_t *);
static int nullmod_close(queue_t *, int, cred_t *);
static int nullmod_put(queue_t *, mblk_t *);
static void nullmod_putb(queue_t *, mblk_t **, unsigned int);
static unsigned int nullmod_putf(queue_t *, strdp_frame_t **, unsigned int);

/*
 * One put procedure serves both sides: it only passes messages on, and
 * putnext() goes to q->q_next whichever way q faces.
 */
static struct qinit nullmod_rinit = {
	.qi_putp = nullmod_put,
	.qi_srvp = NULL,
	.qi_qopen = nullmod_open,
	.qi_qclose = nullmod_close,
	.qi_minfo = &nullmod_minfo,
	.qi_putbp = nullmod_putb,
	.qi_putfp = nullmod_putf,
};

static struct qinit nullmod_winit = {
	.qi_putp = nullmod_put,
	.qi_srvp = NULL,
	.qi_minfo = &nullmod_minfo,
	.qi_putbp = nullmod_putb,
	.qi_putfp = nullmod_putf,
};

static struct streamtab nullmod_info = {
	.st_rdinit = &nullmod_rinit,
	.st_wrinit = &nullmod_winit,
};

static struct fmodsw nullmod_fsw = {
	"nullmod", &nullmod_info, D_MP
};

/*
 * Open: a module is opened with sflag MODOPEN; anything else means someone
 * tried to open it as a driver. There is no per-stream state, so a reopen
 * has nothing to do either.
 */
static int
nullmod_open(queue_t *q, dev_t *devp, int oflag, int sflag, cred_t *credp)
{
	(void)devp;
	(void)oflag;
	(void)credp;

	if (sflag != MODOPEN)
		return (EINVAL);
	/* Let the put procedures run: the queue pair is now in the stream. */
	qprocson(q);
	return (0);
}

static int
nullmod_close(queue_t *q, int flag, cred_t *credp)
{
	(void)flag;
	(void)credp;

	/* No more put calls after this; nothing is queued to free. */
	qprocsoff(q);
	return (0);
}

/*
 * Put procedure, both sides. High-priority messages included: nothing is
 * held here, so nothing can be held back.
 */
static int
nullmod_put(queue_t *q, mblk_t *mp)
{
	switch (mp->b_datap->db_type) {
	case M_FLUSH:
		/*
		 * Canonical flush: flushq() the side(s) named, then pass on.
		 * Our queues never hold data, so passing on is enough.
		 */
		putnext(q, mp);
		break;

	default:
		putnext(q, mp);
		break;
	}
	return (0);
}

/*
 * Burst put (strdp): the same as n nullmod_put() calls, in one. The
 * messages keep their order; putnext_burst() gives them to the next queue's
 * burst put when it has one, else to its put procedure one by one.
 */
static void
nullmod_putb(queue_t *q, mblk_t **mps, unsigned int n)
{
	putnext_burst(q, mps, n);
}

/* Frame burst put (strdp): frames go on as frames, unread; all taken. */
static unsigned int
nullmod_putf(queue_t *q, strdp_frame_t **f, unsigned int n)
{
	putnext_frames(q, f, n);
	return (n);
}

STRDP_MODULE_REGISTER(nullmod_fsw)

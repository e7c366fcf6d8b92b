/*
 * solmod - a STREAMS module written as it would be for Solaris: the same
 * headers, the same linkage, the same _init/_fini/_info. It upper-cases
 * M_DATA on its read side and answers one I_STR command (SOLMOD_GETCNT)
 * with the number of bytes it changed.
 *
 * Nothing here may depend on strdp: this file is the proof that Solaris
 * module source builds with `cc $(pkg-config --cflags libstrdp) -shared
 * -fPIC` and loads with strdp_load_plugin().
 */
#include <sys/types.h>
#include <sys/errno.h>
#include <sys/stream.h>
#include <sys/stropts.h>
#include <sys/strsun.h>
#include <sys/ddi.h>
#include <sys/sunddi.h>
#include <sys/conf.h>
#include <sys/modctl.h>

#include "solmod.h"

struct solmod_state {
	long	sm_count;	/* bytes upper-cased */
};

static int solmod_open(queue_t *, dev_t *, int, int, cred_t *);
static int solmod_close(queue_t *, int, cred_t *);
static int solmod_rput(queue_t *, mblk_t *);
static int solmod_wput(queue_t *, mblk_t *);

static struct module_info solmod_minfo = {
	0x736d,		/* mi_idnum */
	"solmod",	/* mi_idname */
	0,		/* mi_minpsz */
	INFPSZ,		/* mi_maxpsz */
	4096,		/* mi_hiwat */
	1024		/* mi_lowat */
};

static struct qinit solmod_rinit = {
	solmod_rput, NULL, solmod_open, solmod_close, NULL, &solmod_minfo, NULL
};

static struct qinit solmod_winit = {
	solmod_wput, NULL, NULL, NULL, NULL, &solmod_minfo, NULL
};

static struct streamtab solmod_info = {
	&solmod_rinit, &solmod_winit, NULL, NULL
};

static struct fmodsw fsw = {
	"solmod",
	&solmod_info,
	D_MP
};

static struct modlstrmod modlstrmod = {
	&mod_strmodops, "upper-case read side", &fsw
};

static struct modlinkage modlinkage = {
	MODREV_1, (void *)&modlstrmod, NULL
};

int
_init(void)
{
	return (mod_install(&modlinkage));
}

int
_fini(void)
{
	return (mod_remove(&modlinkage));
}

int
_info(struct modinfo *modinfop)
{
	return (mod_info(&modlinkage, modinfop));
}

/*ARGSUSED*/
static int
solmod_open(queue_t *q, dev_t *devp, int oflag, int sflag, cred_t *crp)
{
	struct solmod_state *sp;

	if (sflag != MODOPEN)
		return (EINVAL);
	if (q->q_ptr != NULL)
		return (0);

	sp = kmem_zalloc(sizeof (struct solmod_state), KM_SLEEP);
	q->q_ptr = WR(q)->q_ptr = sp;
	qprocson(q);
	return (0);
}

/*ARGSUSED*/
static int
solmod_close(queue_t *q, int flag, cred_t *crp)
{
	qprocsoff(q);
	kmem_free(q->q_ptr, sizeof (struct solmod_state));
	q->q_ptr = WR(q)->q_ptr = NULL;
	return (0);
}

static int
solmod_rput(queue_t *q, mblk_t *mp)
{
	struct solmod_state *sp = q->q_ptr;
	mblk_t *bp;
	unsigned char *cp;

	if (DB_TYPE(mp) == M_DATA) {
		for (bp = mp; bp != NULL; bp = bp->b_cont) {
			for (cp = bp->b_rptr; cp < bp->b_wptr; cp++) {
				if (*cp >= 'a' && *cp <= 'z') {
					*cp -= 'a' - 'A';
					sp->sm_count++;
				}
			}
		}
	}
	putnext(q, mp);
	return (0);
}

static int
solmod_wput(queue_t *q, mblk_t *mp)
{
	struct solmod_state *sp = q->q_ptr;
	struct iocblk *iocp;

	if (DB_TYPE(mp) == M_IOCTL) {
		iocp = (struct iocblk *)mp->b_rptr;
		if (iocp->ioc_cmd == SOLMOD_GETCNT) {
			miocack(q, mp, 0, (int)sp->sm_count);
			return (0);
		}
	}
	putnext(q, mp);
	return (0);
}

/*
 * dupmod - a second module that claims the name "solmod": its _init()
 * must fail with EEXIST and leave the first solmod in place.
 */
#include <sys/types.h>
#include <sys/stream.h>
#include <sys/ddi.h>
#include <sys/sunddi.h>
#include <sys/conf.h>
#include <sys/modctl.h>

static int
dup_open(queue_t *q, dev_t *devp, int oflag, int sflag, cred_t *crp)
{
	qprocson(q);
	return (0);
}

static int
dup_close(queue_t *q, int flag, cred_t *crp)
{
	qprocsoff(q);
	return (0);
}

static int
dup_put(queue_t *q, mblk_t *mp)
{
	putnext(q, mp);
	return (0);
}

static struct module_info dup_minfo = { 0x6475, "solmod", 0, INFPSZ, 1, 0 };
static struct qinit dup_rinit = {
	dup_put, NULL, dup_open, dup_close, NULL, &dup_minfo, NULL
};
static struct qinit dup_winit = {
	dup_put, NULL, NULL, NULL, NULL, &dup_minfo, NULL
};
static struct streamtab dup_info = { &dup_rinit, &dup_winit, NULL, NULL };
static struct fmodsw fsw = { "solmod", &dup_info, D_MP };
static struct modlstrmod modlstrmod = { &mod_strmodops, "dup", &fsw };
static struct modlinkage modlinkage = { MODREV_1, (void *)&modlstrmod, NULL };

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

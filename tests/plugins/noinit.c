/*
 * noinit - a shared object with a module but no _init(): loading it must
 * fail with EINVAL and register nothing.
 */
#include <sys/types.h>
#include <sys/stream.h>
#include <sys/conf.h>
#include <sys/modctl.h>

static int
noinit_put(queue_t *q, mblk_t *mp)
{
	putnext(q, mp);
	return (0);
}

static struct module_info noinit_minfo = { 0x6e69, "noinit", 0, INFPSZ, 1, 0 };
static struct qinit noinit_qinit = {
	noinit_put, NULL, NULL, NULL, NULL, &noinit_minfo, NULL
};
static struct streamtab noinit_info = {
	&noinit_qinit, &noinit_qinit, NULL, NULL
};
struct fmodsw noinit_fsw = { "noinit", &noinit_info, D_MP };

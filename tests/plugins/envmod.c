/*
 * envmod - a pass-through module registered by its constructor, found
 * only on a module path that names this test's folder ($STRDP_MODULE_PATH
 * set by the test): the autoload's search order, not the build's modules/.
 */
#include <sys/types.h>
#include <sys/errno.h>
#include <sys/stream.h>
#include <sys/conf.h>
#include <strdp/strdp.h>

static int
envmod_open(queue_t *q, dev_t *devp, int oflag, int sflag, cred_t *credp)
{
	(void)devp;
	(void)oflag;
	(void)credp;
	if (sflag != MODOPEN)
		return (EINVAL);
	qprocson(q);
	return (0);
}

static int
envmod_close(queue_t *q, int flag, cred_t *credp)
{
	(void)flag;
	(void)credp;
	qprocsoff(q);
	return (0);
}

static int
envmod_put(queue_t *q, mblk_t *mp)
{
	putnext(q, mp);
	return (0);
}

static struct module_info envmod_minfo = { 0x656e, "envmod", 0, INFPSZ, 4096, 1024 };
static struct qinit envmod_rinit = {
	envmod_put, NULL, envmod_open, envmod_close, NULL, &envmod_minfo, NULL
};
static struct qinit envmod_winit = {
	envmod_put, NULL, NULL, NULL, NULL, &envmod_minfo, NULL
};
static struct streamtab envmod_info = { &envmod_rinit, &envmod_winit, NULL, NULL };
static struct fmodsw envmod_fsw = { "envmod", &envmod_info, D_MP };

STRDP_MODULE_REGISTER(envmod_fsw)

/*
 * ctormod - a plugin with no _init(): its constructors register a module
 * ("ctormod") and a driver under a name of its own ("ctorecho", not the
 * file's), exactly as a module built into libstrdp does. The loader must
 * accept it for what its constructors registered. Built twice (ctormod.so
 * and ctorcopy.so): the copy's registrations collide with the first's.
 */
#include <sys/types.h>
#include <sys/stream.h>
#include <sys/conf.h>
#include <strdp/strdp.h>

static int
ctor_open(queue_t *q, dev_t *devp, int oflag, int sflag, cred_t *credp)
{
	(void)devp;
	(void)oflag;
	(void)sflag;
	(void)credp;
	qprocson(q);
	return (0);
}

static int
ctor_close(queue_t *q, int flag, cred_t *credp)
{
	(void)flag;
	(void)credp;
	qprocsoff(q);
	return (0);
}

static int
ctor_pass(queue_t *q, mblk_t *mp)
{
	putnext(q, mp);
	return (0);
}

/* The driver: M_DATA goes back up, everything else is freed. */
static int
ctor_echo(queue_t *q, mblk_t *mp)
{
	if (mp->b_datap->db_type == M_DATA)
		qreply(q, mp);
	else
		freemsg(mp);
	return (0);
}

static struct module_info ctormod_minfo = { 0x6374, "ctormod", 0, INFPSZ, 4096, 1024 };
static struct qinit ctormod_rinit = {
	ctor_pass, NULL, ctor_open, ctor_close, NULL, &ctormod_minfo, NULL
};
static struct qinit ctormod_winit = {
	ctor_pass, NULL, NULL, NULL, NULL, &ctormod_minfo, NULL
};
static struct streamtab ctormod_info = { &ctormod_rinit, &ctormod_winit, NULL, NULL };
static struct fmodsw ctormod_fsw = { "ctormod", &ctormod_info, D_MP };

static struct module_info ctorecho_minfo = { 0x6365, "ctorecho", 0, INFPSZ, 4096, 1024 };
static struct qinit ctorecho_rinit = {
	ctor_pass, NULL, ctor_open, ctor_close, NULL, &ctorecho_minfo, NULL
};
static struct qinit ctorecho_winit = {
	ctor_echo, NULL, NULL, NULL, NULL, &ctorecho_minfo, NULL
};
static struct streamtab ctorecho_info = { &ctorecho_rinit, &ctorecho_winit, NULL, NULL };

STRDP_MODULE_REGISTER(ctormod_fsw)
STRDP_DRIVER_REGISTER(ctorecho, ctorecho_info, D_MP)

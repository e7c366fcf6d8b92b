/*
 * upctl - a test module: a data message written down whose first byte is
 * '!' comes back up the read side as a control message instead, with no
 * ioctl involved, as a driver's own flush or error would:
 *
 *   "!F"  M_FLUSH FLUSHR   "!E"  M_ERROR EPROTO (read side only: NOERROR
 *                                 for writes)
 *
 * Anything else passes on. Found through the daemon's module_path
 * (tests/apps/test_readahead.cc); not installed.
 */
#include <sys/types.h>
#include <sys/errno.h>
#include <sys/stream.h>
#include <sys/stropts.h>
#include <sys/strsun.h>
#include <sys/conf.h>
#include <strdp/strdp.h>

static int
upctl_open(queue_t *q, dev_t *devp, int oflag, int sflag, cred_t *credp)
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
upctl_close(queue_t *q, int flag, cred_t *credp)
{
	(void)flag;
	(void)credp;
	qprocsoff(q);
	return (0);
}

static int
upctl_rput(queue_t *q, mblk_t *mp)
{
	putnext(q, mp);
	return (0);
}

static int
upctl_wput(queue_t *q, mblk_t *mp)
{
	if (mp->b_datap->db_type == M_DATA && MBLKL(mp) >= 2 && mp->b_rptr[0] == '!') {
		char what = (char)mp->b_rptr[1];
		freemsg(mp);
		if (what == 'F')
			(void) putnextctl1(RD(q), M_FLUSH, FLUSHR);
		else if (what == 'E')
			(void) putnextctl2(RD(q), M_ERROR, EPROTO, NOERROR);
		return (0);
	}
	putnext(q, mp);
	return (0);
}

static struct module_info upctl_minfo = { 0x7570, "upctl", 0, INFPSZ, 65536, 1024 };
static struct qinit upctl_rinit = {
	upctl_rput, NULL, upctl_open, upctl_close, NULL, &upctl_minfo, NULL
};
static struct qinit upctl_winit = {
	upctl_wput, NULL, NULL, NULL, NULL, &upctl_minfo, NULL
};
static struct streamtab upctl_info = { &upctl_rinit, &upctl_winit, NULL, NULL };
static struct fmodsw upctl_fsw = { "upctl", &upctl_info, D_MP };

STRDP_MODULE_REGISTER(upctl_fsw)

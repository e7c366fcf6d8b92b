/*
 * soldrv - a STREAMS loop-around driver written as it would be for
 * Solaris: DDI_DEFINE_STREAM_OPS, an attach(9E) routine that creates a
 * clone minor node, a modldrv, and _init/_fini/_info.
 *
 * Built as libsoldrv.so, it registers as driver "soldrv" (its file name)
 * and as "sdloop" (the minor node its attach routine creates). Whatever
 * is written comes back to the reader; M_FLUSH is handled as a driver
 * must; ioctls are refused.
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

#define	SOLDRV_MAXMINOR	64

struct soldrv_state {
	minor_t	sd_minor;
};

static dev_info_t *soldrv_dip;
static char soldrv_inuse[SOLDRV_MAXMINOR];

static int soldrv_open(queue_t *, dev_t *, int, int, cred_t *);
static int soldrv_close(queue_t *, int, cred_t *);
static int soldrv_wput(queue_t *, mblk_t *);
static int soldrv_attach(dev_info_t *, ddi_attach_cmd_t);
static int soldrv_detach(dev_info_t *, ddi_detach_cmd_t);
static int soldrv_getinfo(dev_info_t *, ddi_info_cmd_t, void *, void **);

static struct module_info soldrv_minfo = {
	0x7364, "soldrv", 0, INFPSZ, 8192, 2048
};

static struct qinit soldrv_rinit = {
	NULL, NULL, soldrv_open, soldrv_close, NULL, &soldrv_minfo, NULL
};

static struct qinit soldrv_winit = {
	soldrv_wput, NULL, NULL, NULL, NULL, &soldrv_minfo, NULL
};

static struct streamtab soldrv_info = {
	&soldrv_rinit, &soldrv_winit, NULL, NULL
};

DDI_DEFINE_STREAM_OPS(soldrv_ops, nulldev, nulldev, soldrv_attach,
    soldrv_detach, nodev, soldrv_getinfo, D_MP, &soldrv_info,
    ddi_quiesce_not_supported);

static struct modldrv modldrv = {
	&mod_driverops, "loop-around driver", &soldrv_ops
};

static struct modlinkage modlinkage = {
	MODREV_1, (void *)&modldrv, NULL
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

static int
soldrv_attach(dev_info_t *dip, ddi_attach_cmd_t cmd)
{
	if (cmd != DDI_ATTACH)
		return (DDI_FAILURE);
	if (ddi_create_minor_node(dip, "sdloop", S_IFCHR, 0, DDI_PSEUDO,
	    CLONE_DEV) != DDI_SUCCESS) {
		cmn_err(CE_WARN, "soldrv: cannot create minor node");
		return (DDI_FAILURE);
	}
	soldrv_dip = dip;
	ddi_report_dev(dip);
	return (DDI_SUCCESS);
}

static int
soldrv_detach(dev_info_t *dip, ddi_detach_cmd_t cmd)
{
	if (cmd != DDI_DETACH)
		return (DDI_FAILURE);
	ddi_remove_minor_node(dip, NULL);
	soldrv_dip = NULL;
	return (DDI_SUCCESS);
}

/*ARGSUSED*/
static int
soldrv_getinfo(dev_info_t *dip, ddi_info_cmd_t cmd, void *arg, void **result)
{
	switch (cmd) {
	case DDI_INFO_DEVT2DEVINFO:
		*result = soldrv_dip;
		return (DDI_SUCCESS);
	case DDI_INFO_DEVT2INSTANCE:
		*result = (void *)0;
		return (DDI_SUCCESS);
	}
	return (DDI_FAILURE);
}

/*ARGSUSED*/
static int
soldrv_open(queue_t *q, dev_t *devp, int oflag, int sflag, cred_t *crp)
{
	struct soldrv_state *sp;
	minor_t minor;

	if (q->q_ptr != NULL)
		return (0);

	if (sflag == CLONEOPEN) {
		for (minor = 1; minor < SOLDRV_MAXMINOR; minor++)
			if (!soldrv_inuse[minor])
				break;
		if (minor == SOLDRV_MAXMINOR)
			return (ENXIO);
		soldrv_inuse[minor] = 1;
		*devp = makedevice(getmajor(*devp), minor);
	} else {
		minor = getminor(*devp);
	}

	sp = kmem_zalloc(sizeof (struct soldrv_state), KM_SLEEP);
	sp->sd_minor = minor;
	q->q_ptr = WR(q)->q_ptr = sp;
	qprocson(q);
	return (0);
}

/*ARGSUSED*/
static int
soldrv_close(queue_t *q, int flag, cred_t *crp)
{
	struct soldrv_state *sp = q->q_ptr;

	qprocsoff(q);
	if (sp->sd_minor != 0 && sp->sd_minor < SOLDRV_MAXMINOR)
		soldrv_inuse[sp->sd_minor] = 0;
	kmem_free(sp, sizeof (struct soldrv_state));
	q->q_ptr = WR(q)->q_ptr = NULL;
	return (0);
}

static int
soldrv_wput(queue_t *q, mblk_t *mp)
{
	switch (DB_TYPE(mp)) {
	case M_FLUSH:
		if (*mp->b_rptr & FLUSHW) {
			flushq(q, FLUSHDATA);
			*mp->b_rptr &= ~FLUSHW;
		}
		if (*mp->b_rptr & FLUSHR) {
			flushq(RD(q), FLUSHDATA);
			qreply(q, mp);
		} else {
			freemsg(mp);
		}
		break;
	case M_IOCTL:
		miocnak(q, mp, 0, EINVAL);
		break;
	case M_DATA:
	case M_PROTO:
	case M_PCPROTO:
		qreply(q, mp);
		break;
	default:
		freemsg(mp);
		break;
	}
	return (0);
}

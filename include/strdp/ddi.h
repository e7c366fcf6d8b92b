/*
 * strdp/ddi.h — what Solaris modules and drivers take from <sys/ddi.h>,
 * <sys/sunddi.h>, <sys/conf.h>, <sys/modctl.h>, <sys/kmem.h>,
 * <sys/cmn_err.h> and <sys/debug.h>: device numbers, ticks, kmem, console
 * messages, and the module linkage (fmodsw, modlstrmod, modldrv,
 * modlinkage, dev_ops/cb_ops) that _init() hands to mod_install().
 *
 * A plugin's _init() runs inside strdp_load_plugin(); mod_install()
 * registers each linkage: a modlstrmod's fmodsw by its f_name, a modldrv's
 * STREAMS driver (cb_ops.cb_str) by the plugin's file name (as Solaris
 * names a driver after its module file), and by every minor node its
 * attach(9E) routine creates with ddi_create_minor_node(). A modldrv
 * outside a plugin has no file to be named after: built-in drivers
 * register with STRDP_DRIVER_REGISTER (<strdp/strdp.h>) instead.
 */
#ifndef STRDP_DDI_H
#define STRDP_DDI_H

#include <strdp/stream.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------- ddi.h */

typedef unsigned int major_t;
typedef unsigned int minor_t;
#ifndef NODEV /* glibc's <sys/param.h> has the same value */
#define NODEV ((dev_t)-1)
#endif

major_t getmajor(dev_t dev);
minor_t getminor(dev_t dev);
dev_t makedevice(major_t maj, minor_t min);
long drv_usectohz(long usec); /* one tick = 1 ms */
long drv_hztousec(long ticks);
int drv_priv(cred_t *cr); /* 0 if privileged (uid 0), else EPERM */

/* ------------------------------------------------------------ cmn_err.h */

#define CE_CONT   0
#define CE_NOTE   1
#define CE_WARN   2
#define CE_PANIC  3
#define CE_IGNORE 4
/* CE_PANIC logs and aborts the process, as a panic would. */
void cmn_err(int level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* -------------------------------------------------------------- debug.h */

#ifndef ASSERT
#ifdef DEBUG
void strdp_assfail_(const char *expr, const char *file, int line);
#define ASSERT(e) ((void)((e) || (strdp_assfail_(#e, __FILE__, __LINE__), 0)))
#else
#define ASSERT(e) ((void)0)
#endif
#endif

/* --------------------------------------------------------------- kmem.h */

#define KM_SLEEP   0x0000 /* never fails (retries) */
#define KM_NOSLEEP 0x0001 /* may return NULL */
#define KM_PUSHPAGE KM_NOSLEEP
void *kmem_alloc(size_t size, int flag);
void *kmem_zalloc(size_t size, int flag);
void kmem_free(void *buf, size_t size);

/* --------------------------------------------------------------- conf.h */

/* cb_flag / f_flag: accepted; every strdp module is MT-safe per queue */
#define D_NEW        0x000
#define D_MP         0x020
#define D_MTSAFE     D_MP
#define D_MTPERMOD   0x040
#define D_MTQPAIR    0x080
#define D_MTPERQ     0x100
#define D_MTINNER_MOD 0x200
#define D_MTOUTPERIM 0x400
#define D_MTOCEXCL   0x800
#define D_MTPUTSHARED 0x1000
#define D_HOTPLUG    0x4
#define D_64BIT      0x200000

struct fmodsw {
	char              f_name[FMNAMESZ + 1];
	struct streamtab *f_str;
	int               f_flag;
};

#ifdef __cplusplus
int nodev(void);  /* returns ENXIO */
int nulldev(void); /* returns 0 */
#else
/* Declared without a prototype, as Solaris does, so that they initialise
 * any int-returning dev_ops/cb_ops entry (identify, probe, reset...)
 * without an incompatible-pointer warning (an error from GCC 14). */
int nodev();  /* returns ENXIO */
int nulldev(); /* returns 0 */
#endif

struct cb_ops {
	int (*cb_open)(void);
	int (*cb_close)(void);
	int (*cb_strategy)(void);
	int (*cb_print)(void);
	int (*cb_dump)(void);
	int (*cb_read)(void);
	int (*cb_write)(void);
	int (*cb_ioctl)(void);
	int (*cb_devmap)(void);
	int (*cb_mmap)(void);
	int (*cb_segmap)(void);
	int (*cb_chpoll)(void);
	int (*cb_prop_op)(void);
	struct streamtab *cb_str; /* the STREAMS driver */
	int cb_flag;
	int cb_rev;
	int (*cb_aread)(void);
	int (*cb_awrite)(void);
};

typedef struct strdp_dev_info dev_info_t;
typedef enum { DDI_ATTACH = 0, DDI_RESUME = 1 } ddi_attach_cmd_t;
typedef enum { DDI_DETACH = 0, DDI_SUSPEND = 1 } ddi_detach_cmd_t;
typedef enum { DDI_INFO_DEVT2DEVINFO = 0, DDI_INFO_DEVT2INSTANCE = 1 }
	ddi_info_cmd_t;
typedef enum { DDI_RESET_FORCE = 0 } ddi_reset_cmd_t;

struct dev_ops {
	int devo_rev;
	int devo_refcnt;
	int (*devo_getinfo)(dev_info_t *, ddi_info_cmd_t, void *, void **);
	int (*devo_identify)(dev_info_t *);
	int (*devo_probe)(dev_info_t *);
	int (*devo_attach)(dev_info_t *, ddi_attach_cmd_t);
	int (*devo_detach)(dev_info_t *, ddi_detach_cmd_t);
	int (*devo_reset)(dev_info_t *, ddi_reset_cmd_t);
	struct cb_ops *devo_cb_ops;
	void *devo_bus_ops;
	int (*devo_power)(dev_info_t *, int, int);
	int (*devo_quiesce)(dev_info_t *);
};
#define DEVO_REV 4
#define CB_REV 1

/* ------------------------------------------------------------- sunddi.h */

#define DDI_SUCCESS 0
#define DDI_FAILURE (-1)
#define DDI_PSEUDO "ddi_pseudo"
#define CLONE_DEV 1
#ifndef S_IFCHR
#define S_IFCHR 0020000
#endif

int ddi_create_minor_node(dev_info_t *dip, const char *name, int spec_type,
                          minor_t minor, const char *node_type, int flag);
void ddi_remove_minor_node(dev_info_t *dip, const char *name);
int ddi_get_instance(dev_info_t *dip);
void ddi_report_dev(dev_info_t *dip);
int ddi_quiesce_not_needed(dev_info_t *dip);
int ddi_quiesce_not_supported(dev_info_t *dip);

/* Defines name's cb_ops and dev_ops for a STREAMS driver, as Solaris'
 * DDI_DEFINE_STREAM_OPS does. */
#define DDI_DEFINE_STREAM_OPS(XXname, XXidentify, XXprobe, XXattach,        \
		XXdetach, XXreset, XXgetinfo, XXflag, XXstream_tab, XXquiesce) \
	static struct cb_ops XXname##_cb_ops = {                             \
		nodev, nodev, nodev, nodev, nodev, nodev, nodev, nodev,      \
		nodev, nodev, nodev, nodev, nodev, (XXstream_tab), (XXflag), \
		CB_REV, nodev, nodev};                                       \
	static struct dev_ops XXname = {                                     \
		DEVO_REV, 0, (XXgetinfo), (XXidentify), (XXprobe),           \
		(XXattach), (XXdetach), (XXreset), &XXname##_cb_ops, NULL,   \
		NULL, (XXquiesce)}

/* -------------------------------------------------------------- modctl.h */

struct mod_ops {
	int kind_; /* framework-private */
};
extern struct mod_ops mod_strmodops; /* STREAMS modules */
extern struct mod_ops mod_driverops; /* device drivers */
extern struct mod_ops mod_miscops;   /* anything else: registered, no-op */

struct modlstrmod {
	struct mod_ops *strmod_modops;
	const char     *strmod_linkinfo;
	struct fmodsw  *strmod_fmodsw;
};
struct modldrv {
	struct mod_ops *drv_modops;
	const char     *drv_linkinfo;
	struct dev_ops *drv_dev_ops;
};
struct modlmisc {
	struct mod_ops *misc_modops;
	const char     *misc_linkinfo;
};

#define MODREV_1 1
#define MODMAXLINK 10
struct modlinkage {
	int   ml_rev;
	void *ml_linkage[MODMAXLINK]; /* NULL-terminated */
};

#define MODMAXNAMELEN 32
#define MODMAXLINKINFOLEN 32
struct modinfo {
	int  mi_info;
	char mi_name[MODMAXNAMELEN];
	char mi_msinfo[MODMAXLINKINFOLEN];
	int  mi_id;
};

/*
 * A module's _init/_fini/_info. The C runtime of every Linux shared object
 * (crti.o) already defines _init and _fini, so a plugin defining its own
 * would not link: the names are mapped here, module source keeps writing
 * _init(), and strdp_load_plugin() looks up the mapped symbol.
 */
#define _init strdp_mod_init_
#define _fini strdp_mod_fini_
#define _info strdp_mod_info_
int _init(void);
int _fini(void);
int _info(struct modinfo *mi);

int mod_install(struct modlinkage *ml);
int mod_remove(struct modlinkage *ml);
int mod_info(struct modlinkage *ml, struct modinfo *mi);

#ifdef __cplusplus
}
#endif

#endif /* STRDP_DDI_H */

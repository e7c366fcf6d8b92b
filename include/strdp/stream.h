/*
 * strdp/stream.h — the STREAMS DKI for module and driver writers.
 *
 * The structures, constants and routines of SVR4 / Solaris <sys/stream.h>,
 * with Solaris numeric values, so classic module code builds unchanged
 * (<sys/stream.h> in include/compat resolves here).
 *
 * Contract highlights (details next to each declaration):
 *  - an mblk_t lives in the private area of an rte_mbuf; its dblk_t belongs
 *    to the direct mbuf (or external buffer) that owns the data;
 *  - every queue is owned by one scheduler (one lcore or thread); DKI
 *    routines that touch a queue run on its owner; qenable(), put() and
 *    putq() from another thread are forwarded to the owner; freeb()/
 *    freemsg() and the allocation routines are safe on any thread;
 *  - routines that allocate return NULL / 0 on failure, never abort.
 *
 * This header is C and does not include DPDK: module writers need neither
 * DPDK headers nor DPDK build flags. Drivers that touch mbufs include
 * <strdp/mbuf.h>.
 */
#ifndef STRDP_STREAM_H
#define STRDP_STREAM_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------
 * Basic types and constants
 * ---------------------------------------------------------------------- */

typedef unsigned char uchar_t;
typedef unsigned short ushort_t;
typedef unsigned int uint_t;
typedef unsigned long ulong_t;
typedef struct cred cred_t; /* opaque credentials: see crgetuid() */
typedef int bufcall_id_t;   /* 0 = failure */
typedef intptr_t timeout_id_t; /* 0 = failure */

#define FMNAMESZ 8          /* module name length, without the NUL */
#define INFPSZ   (-1)       /* infinite packet size */
#define STRHIGH  5120       /* stream head default high water mark */
#define STRLOW   1024       /* stream head default low water mark */
#define NSTRPUSH 9          /* default push limit per stream (nstrpush) */

/* allocb() priorities: accepted and ignored, as in Solaris */
#define BPRI_LO  1
#define BPRI_MED 2
#define BPRI_HI  3

/* open sflag */
#define MODOPEN   1
#define CLONEOPEN 2

/* ------------------------------------------------------------------------
 * Messages
 * ---------------------------------------------------------------------- */

/* Message types: Solaris values. >= QPCTL is high priority. */
#define M_DATA     0x00
#define M_PROTO    0x01
#define M_MULTIDATA 0x02 /* not supported: never generated */
#define M_BREAK    0x08
#define M_PASSFP   0x09
#define M_EVENT    0x0a
#define M_SIG      0x0b
#define M_DELAY    0x0c
#define M_CTL      0x0d
#define M_IOCTL    0x0e
#define M_SETOPTS  0x10
#define M_RSE      0x11
#define QPCTL      0x80
#define M_IOCACK   0x81
#define M_IOCNAK   0x82
#define M_PCPROTO  0x83
#define M_PCSIG    0x84
#define M_READ     0x85
#define M_FLUSH    0x86
#define M_STOP     0x87
#define M_START    0x88
#define M_HANGUP   0x89
#define M_ERROR    0x8a
#define M_COPYIN   0x8b
#define M_COPYOUT  0x8c
#define M_IOCDATA  0x8d
#define M_PCRSE    0x8e
#define M_STOPI    0x8f
#define M_STARTI   0x90
#define M_PCEVENT  0x91
#define M_UNHANGUP 0x92

/* queclass() results */
#define QNORM 0x00
#define QPCTL_CLASS QPCTL

/* b_flag */
#define MSGMARK        0x01
#define MSGNOLOOP      0x02
#define MSGDELIM       0x04
#define MSGNOGET       0x08
#define MSGMARKNEXT    0x10
#define MSGNOTMARKNEXT 0x20

/* M_FLUSH first byte; FLUSHBAND says the second byte is a band */
#define FLUSHR    0x01
#define FLUSHW    0x02
#define FLUSHRW   0x03
#define FLUSHBAND 0x04

/* flushq()/flushband() flag */
#define FLUSHDATA 0
#define FLUSHALL  1

/* M_ERROR: "no error" for one side of the two-byte form */
#define NOERROR ((unsigned char)0xff)

typedef struct free_rtn {
	void (*free_func)(void *arg); /* run once when the last reference goes */
	void *free_arg;
} frtn_t;

/*
 * The data block. Shared by every mblk_t that references the buffer
 * (dupb); lives in the private area of the direct mbuf that owns the data,
 * or beside the shared-info of an external buffer (esballoc, large allocb).
 *
 * db_ref is kept up to date by dupb()/freeb(); a buffer that leaves
 * STREAMS (a PMD transmitting it) can hold references this field does not
 * see yet, so it may read high, never low, for references STREAMS made.
 * DB_REF() (strsun.h) always reads the exact count.
 */
typedef struct datab {
	frtn_t        *db_frtnp;  /* esballoc free routine, or NULL */
	unsigned char *db_base;   /* first byte of the buffer */
	unsigned char *db_lim;    /* one past the last byte of the buffer */
	unsigned char  db_ref;    /* number of mblk_t referencing this block */
	unsigned char  db_type;   /* message type (M_DATA, ...) */
	unsigned char  db_flags;  /* framework-private */
	unsigned char  db_struioflag; /* unused: kept for layout compatibility */
	uint32_t       db_cksum_;  /* framework-private */
	void          *db_owner_;  /* framework-private: owning mbuf or ext */
	frtn_t         db_frtn_;   /* framework-private: copy of the frtn_t */
} dblk_t;

/*
 * The message block. b_rptr/b_wptr are real pointers into the buffer that
 * module code may move freely inside [db_base, db_lim]; the mbuf view is
 * derived from them when a message leaves STREAMS (strdp/mbuf.h).
 */
typedef struct msgb {
	struct msgb   *b_next;  /* next message on a queue, or in a burst */
	struct msgb   *b_prev;  /* previous message on a queue */
	struct msgb   *b_cont;  /* next block of this message */
	unsigned char *b_rptr;  /* first unread byte */
	unsigned char *b_wptr;  /* first unwritten byte */
	struct datab  *b_datap; /* the data block */
	unsigned char  b_band;  /* priority band (0..255), normal messages */
	unsigned char  b_tag;   /* unused */
	unsigned short b_flag;  /* MSGMARK, MSGDELIM, ... */
	struct queue  *b_queue; /* framework-private */
} mblk_t;

typedef struct msgb msgb_t;
typedef struct datab datab_t;

/* ------------------------------------------------------------------------
 * Queues
 * ---------------------------------------------------------------------- */

struct queue;
struct msgb;
struct stdata;

struct module_info {
	unsigned short mi_idnum;  /* module ID number */
	char          *mi_idname; /* module name (FMNAMESZ max) */
	ssize_t        mi_minpsz; /* min packet size */
	ssize_t        mi_maxpsz; /* max packet size, INFPSZ = any */
	size_t         mi_hiwat;  /* high water mark */
	size_t         mi_lowat;  /* low water mark */
};

struct module_stat {
	long  ms_pcnt;  /* put procedure calls */
	long  ms_scnt;  /* service procedure calls */
	long  ms_ocnt;  /* opens */
	long  ms_ccnt;  /* closes */
	long  ms_acnt;  /* admin calls */
	char *ms_xptr;  /* module private statistics */
	short ms_xsize;
	unsigned int ms_flags;
};

typedef int (*strdp_putp_t)(struct queue *, struct msgb *);
typedef int (*strdp_srvp_t)(struct queue *);
typedef int (*strdp_openp_t)(struct queue *, dev_t *, int, int, cred_t *);
typedef int (*strdp_closep_t)(struct queue *, int, cred_t *);
/*
 * Burst put (strdp extension): receives n >= 1 messages in arrival order
 * and disposes of every one of them (pass on, queue or free), exactly as n
 * calls of qi_putp would. A qinit without it is called per message.
 */
typedef void (*strdp_putbp_t)(struct queue *, struct msgb **, unsigned int);
/*
 * Frame burst put (strdp extension): receives n >= 1 received frames, in
 * arrival order, that are not messages yet (see putnext_frames()). Each is
 * one whole frame, which as a message would be a single M_DATA message of
 * band 0. It takes a prefix of them, frames[0..k), and returns k, as
 * rte_eth_tx_burst() does: those it disposed of (passed on with
 * putnext_frames(), sent, freed). The framework makes the rest,
 * frames[k..n), messages and hands them, in order, to the same queue's
 * message put (qi_putbp, else qi_putp per message). So a frame put
 * handles only the case it is fast at and returns 0 for everything else:
 * the fallback is never written twice.
 */
struct strdp_frame;
typedef struct strdp_frame strdp_frame_t;
typedef unsigned int (*strdp_putfp_t)(struct queue *, strdp_frame_t **,
                                      unsigned int);

struct qinit {
	strdp_putp_t   qi_putp;   /* put procedure */
	strdp_srvp_t   qi_srvp;   /* service procedure, or NULL */
	strdp_openp_t  qi_qopen;  /* open (read-side qinit only) */
	strdp_closep_t qi_qclose; /* close (read-side qinit only) */
	int          (*qi_qadmin)(void); /* unused */
	struct module_info *qi_minfo;
	struct module_stat *qi_mstat; /* optional: the framework counts opens
	                                 and closes here; per-queue put and
	                                 service counts: strdp_qstats_get() */
	int          (*qi_rwp)(void); /* unused: Solaris layout */
	void          *qi_infop;      /* unused: Solaris layout */
	int            qi_struiot;    /* unused: Solaris layout */
	strdp_putbp_t  qi_putbp;      /* strdp: optional burst put */
	strdp_putfp_t  qi_putfp;      /* strdp: optional frame burst put */
};

struct streamtab {
	struct qinit *st_rdinit;
	struct qinit *st_wrinit;
	struct qinit *st_muxrinit; /* multiplexing drivers: lower read side */
	struct qinit *st_muxwinit; /* multiplexing drivers: lower write side */
};

/* Per-band state, bands 1..255 (band 0 lives in queue_t itself). */
typedef struct qband {
	struct qband *qb_next;  /* next band (higher number) */
	size_t        qb_count; /* bytes queued in this band */
	struct msgb  *qb_first; /* first message of this band on the queue */
	struct msgb  *qb_last;  /* last message of this band on the queue */
	size_t        qb_hiwat;
	size_t        qb_lowat;
	unsigned int  qb_flag;  /* QB_FULL, QB_WANTW, QB_BACK */
	size_t        qb_mblkcnt; /* blocks queued in this band */
} qband_t;

#define QB_FULL  0x01
#define QB_WANTW 0x02
#define QB_BACK  0x04

/*
 * A queue. Always one of a pair: the read queue first, the write queue
 * right after it (RD/WR/OTHERQ are pointer arithmetic).
 *
 * Ownership: every field is read and written only by the thread of the
 * scheduler that owns the queue; qenable(), put() and putq() called from
 * another thread are forwarded to the owner through a lock-free ring.
 */
typedef struct queue {
	struct qinit  *q_qinfo;  /* procedures and limits */
	struct msgb   *q_first;  /* first queued message */
	struct msgb   *q_last;   /* last queued message */
	struct queue  *q_next;   /* next queue in this direction, NULL at end */
	struct queue  *q_link;   /* scheduler run list (framework) */
	void          *q_ptr;    /* module private data */
	size_t         q_count;  /* bytes queued in band 0 */
	unsigned int   q_flag;   /* Q* flags below */
	ssize_t        q_minpsz;
	ssize_t        q_maxpsz;
	size_t         q_hiwat;
	size_t         q_lowat;
	struct qband  *q_bandp;  /* bands 1..q_nband, linked by qb_next */
	unsigned char  q_nband;  /* number of allocated bands */
	unsigned char  q_pad_[3];
	unsigned int   q_mblkcnt; /* blocks queued in band 0 */
	struct stdata *q_stream;  /* the stream this queue belongs to */
	void          *q_priv_;   /* framework-private per-queue state */
} queue_t;

/* q_flag: Solaris values */
#define QENAB     0x00000001 /* queue is on the run list */
#define QWANTR    0x00000002 /* someone wants to read */
#define QWANTW    0x00000004 /* someone wants to write */
#define QFULL     0x00000008 /* at or above the high water mark */
#define QREADR    0x00000010 /* this is the read queue */
#define QUSE      0x00000020 /* allocated */
#define QNOENB    0x00000040 /* putq() does not enable for normal messages */
#define QWANTRMQSYNC 0x00000080
#define QBACK     0x00000100 /* back-enabled */
#define QPAIR     0x00000800 /* queue pair (always set) */
#define QEND      0x00040000 /* last queue of the stream in this direction */

/* strqget()/strqset() fields */
typedef enum qfields {
	QHIWAT = 0,
	QLOWAT = 1,
	QMAXPSZ = 2,
	QMINPSZ = 3,
	QCOUNT = 4,
	QFIRST = 5,
	QLAST = 6,
	QFLAG = 7,
	QSTRUIOT = 8,
	QBAD = 9
} qfields_t;

#define RD(q)     ((q)->q_flag & QREADR ? (q) : (q) - 1)
#define WR(q)     ((q)->q_flag & QREADR ? (q) + 1 : (q))
#define OTHERQ(q) ((q)->q_flag & QREADR ? (q) + 1 : (q) - 1)

/* ------------------------------------------------------------------------
 * ioctl and option messages
 * ---------------------------------------------------------------------- */

#define TRANSPARENT ((unsigned int)-1) /* ioc_count of a transparent ioctl */

struct iocblk {
	int          ioc_cmd;   /* command */
	cred_t      *ioc_cr;    /* credentials of the caller */
	unsigned int ioc_id;    /* identifies this ioctl on its stream */
	unsigned int ioc_flag;  /* IOC_NATIVE ... */
	size_t       ioc_count; /* bytes in b_cont, or TRANSPARENT */
	int          ioc_rval;  /* return value for the caller */
	int          ioc_error; /* error for the caller */
};
#define IOC_NATIVE 0x00
#define IOC_ILP32  0x20000
#define IOC_NONE   0x00

struct copyreq {
	int          cq_cmd;
	cred_t      *cq_cr;
	unsigned int cq_id;
	unsigned int cq_flag;
	void        *cq_private; /* kept for the module, returned in M_IOCDATA */
	void        *cq_addr;    /* user address to copy from or to */
	size_t       cq_size;    /* bytes to copy */
};

struct copyresp {
	int          cp_cmd;
	cred_t      *cp_cr;
	unsigned int cp_id;
	unsigned int cp_flag;
	void        *cp_private;
	void        *cp_rval;    /* 0 on success, else the error (as pointer) */
};

/* the three views of the first block of an ioctl message */
union ioctypes {
	struct iocblk iocblk;
	struct copyreq copyreq;
	struct copyresp copyresp;
};

struct stroptions {
	unsigned int   so_flags;
	short          so_readopt;
	unsigned short so_wroff;  /* write offset (mbuf headroom) */
	ssize_t        so_minpsz;
	ssize_t        so_maxpsz;
	size_t         so_hiwat;
	size_t         so_lowat;
	unsigned char  so_band;
	unsigned short so_erropt;
	ssize_t        so_maxblk;
	unsigned short so_copyopt;
	unsigned short so_tail;   /* write tail room */
};

#define SO_ALL      0x003f
#define SO_READOPT  0x0001
#define SO_WROFF    0x0002
#define SO_MINPSZ   0x0004
#define SO_MAXPSZ   0x0008
#define SO_HIWAT    0x0010
#define SO_LOWAT    0x0020
#define SO_MREADON  0x0040
#define SO_MREADOFF 0x0080
#define SO_NDELON   0x0100
#define SO_NDELOFF  0x0200
#define SO_ISTTY    0x0400
#define SO_ISNTTY   0x0800
#define SO_TOSTOP   0x1000
#define SO_TONSTOP  0x2000
#define SO_BAND     0x4000
#define SO_DELIM    0x8000
#define SO_NODELIM  0x10000
#define SO_STRHOLD  0x20000
#define SO_ERROPT   0x40000
#define SO_COPYOPT  0x80000
#define SO_MAXBLK   0x100000
#define SO_TAIL     0x200000

struct linkblk {
	queue_t *l_qtop;  /* upper write queue; NULL for persistent links */
	queue_t *l_qbot;  /* lower write queue */
	int      l_index; /* mux id */
};

/* ------------------------------------------------------------------------
 * Allocation
 * ---------------------------------------------------------------------- */

mblk_t *allocb(size_t size, unsigned int pri);
mblk_t *esballoc(unsigned char *base, size_t size, unsigned int pri,
                 frtn_t *fr_rtnp);
mblk_t *desballoc(unsigned char *base, size_t size, unsigned int pri,
                  frtn_t *fr_rtnp);
int testb(size_t size, unsigned int pri);
bufcall_id_t bufcall(size_t size, unsigned int pri, void (*func)(void *),
                     void *arg);
bufcall_id_t esbbcall(unsigned int pri, void (*func)(void *), void *arg);
void unbufcall(bufcall_id_t id);
mblk_t *mkiocb(unsigned int cmd);

/* ------------------------------------------------------------------------
 * Free, duplicate, copy
 * ---------------------------------------------------------------------- */

void freeb(mblk_t *bp);
void freemsg(mblk_t *mp);
void freemsgchain(mblk_t *mp); /* a b_next list of messages */
mblk_t *dupb(mblk_t *bp);
mblk_t *dupmsg(mblk_t *mp);
mblk_t *copyb(mblk_t *bp);
mblk_t *copymsg(mblk_t *mp);
mblk_t *copymsgchain(mblk_t *mp);

/* ------------------------------------------------------------------------
 * Manipulation
 * ---------------------------------------------------------------------- */

void linkb(mblk_t *mp, mblk_t *bp);
mblk_t *unlinkb(mblk_t *mp);
mblk_t *rmvb(mblk_t *mp, mblk_t *bp); /* (mblk_t *)-1 if bp not in mp */
int pullupmsg(mblk_t *mp, ssize_t len); /* len -1: everything */
mblk_t *msgpullup(mblk_t *mp, ssize_t len);
int adjmsg(mblk_t *mp, ssize_t len); /* len < 0 trims the tail */
size_t msgdsize(const mblk_t *mp); /* M_DATA bytes only */
size_t msgsize(const mblk_t *mp);  /* all bytes */
int datamsg(unsigned char type);
int pcmsg(unsigned char type);
int queclass(const mblk_t *mp);

/*
 * The three type tests are also macros over inline forms (as illumos'
 * datamsg is a macro): a module is a plugin, and a call into libstrdp
 * from a plugin is an indirect one, paid per message by a classic put
 * procedure for a comparison. The functions stay for callers that take
 * their address or write the name in parentheses: (pcmsg)(type).
 */
static inline int strdp_datamsg_inline(unsigned char type) {
  return type == M_DATA || type == M_PROTO || type == M_PCPROTO ||
         type == M_DELAY;
}
static inline int strdp_pcmsg_inline(unsigned char type) {
  return type >= QPCTL;
}
static inline int strdp_queclass_inline(const mblk_t *mp) {
  return mp->b_datap->db_type >= QPCTL ? QPCTL : QNORM;
}
#define datamsg(type) strdp_datamsg_inline(type)
#define pcmsg(type) strdp_pcmsg_inline(type)
#define queclass(mp) strdp_queclass_inline(mp)

/* ------------------------------------------------------------------------
 * Queues
 * ---------------------------------------------------------------------- */

int putq(queue_t *q, mblk_t *mp);
mblk_t *getq(queue_t *q);
int putbq(queue_t *q, mblk_t *mp);
int insq(queue_t *q, mblk_t *emp, mblk_t *nmp);
void rmvq(queue_t *q, mblk_t *mp);
int appq(queue_t *q, mblk_t *emp, mblk_t *nmp);
void flushq(queue_t *q, int flag);
void flushband(queue_t *q, unsigned char pri, int flag);
int qsize(queue_t *q);
void qenable(queue_t *q);
void noenable(queue_t *q);
void enableok(queue_t *q);
int canenable(queue_t *q);
int canput(queue_t *q);
int bcanput(queue_t *q, unsigned char pri);
int canputnext(queue_t *q);
int bcanputnext(queue_t *q, unsigned char pri);
int put(queue_t *q, mblk_t *mp);
int putnext(queue_t *q, mblk_t *mp);
int putctl(queue_t *q, int type);
int putctl1(queue_t *q, int type, int param);
int putctl2(queue_t *q, int type, int p1, int p2);
int putnextctl(queue_t *q, int type);
int putnextctl1(queue_t *q, int type, int param);
int putnextctl2(queue_t *q, int type, int p1, int p2);
void qreply(queue_t *q, mblk_t *mp);
queue_t *backq(queue_t *q);
int strqget(queue_t *q, qfields_t what, unsigned char pri, void *valp);
int strqset(queue_t *q, qfields_t what, unsigned char pri, intptr_t val);

/*
 * Burst forms (strdp extension). putnext_burst() hands n messages to
 * q->q_next: one qi_putbp call where the next queue has one, else n
 * qi_putp calls in order. The array is not kept.
 */
void putnext_burst(queue_t *q, mblk_t **mps, unsigned int n);
void put_burst(queue_t *q, mblk_t **mps, unsigned int n);

/*
 * Frame bursts (strdp extension): the forwarding fast path. A driver that
 * receives frames into DPDK mbufs (pmd, in raw mode) hands a burst up as
 * frames, with no message header written. The frames travel on, still
 * unwritten, from queue to queue as long as each next queue has a
 * qi_putfp that takes them (a multiplexor that patches them through, a
 * pass-through module, the transmit side of a pmd stream): where none
 * reads a message, none is made. The first queue without one, or the
 * frames its qi_putfp did not take, get them as messages
 * (strdp_frames_to_msgs), through its qi_putbp or qi_putp. So a
 * stack of classic modules sees exactly the messages it always did, and
 * put counts, ordering, flow control and the "procedures off" rule are
 * those of putnext_burst(). A frame is never a message and a frame at
 * once: strdp_frames_to_msgs() ends its life as a frame.
 *
 * putnext_frames() hands n frames to q->q_next. strdp_frames_to_msgs()
 * makes frames[0..n) messages, in order, into mps (which may alias
 * frames) and returns how many it made: a frame in a buffer with no room
 * for a message header (an mbuf pool not made for strdp) is freed and
 * left out.
 */
void putnext_frames(queue_t *q, strdp_frame_t **frames, unsigned int n);
unsigned int strdp_frames_to_msgs(strdp_frame_t **frames, mblk_t **mps,
                                  unsigned int n);

/* ------------------------------------------------------------------------
 * Plumbing
 * ---------------------------------------------------------------------- */

int SAMESTR(queue_t *q);
void qprocson(queue_t *q);
void qprocsoff(queue_t *q);
void freezestr(queue_t *q);
void unfreezestr(queue_t *q);

/* ------------------------------------------------------------------------
 * Timers, deferred work, logging
 *
 * One tick is one millisecond (drv_usectohz). Callbacks run on the
 * scheduler that owns q (qtimeout/qbufcall) or on the scheduler of the
 * caller (timeout/bufcall). quntimeout()/untimeout()/qunbufcall()/
 * unbufcall() do not return while the callback is running on another
 * thread, and return at once when called from inside the callback.
 * ---------------------------------------------------------------------- */

timeout_id_t qtimeout(queue_t *q, void (*func)(void *), void *arg,
                      long ticks);
long quntimeout(queue_t *q, timeout_id_t id);
timeout_id_t timeout(void (*func)(void *), void *arg, long ticks);
long untimeout(timeout_id_t id);
bufcall_id_t qbufcall(queue_t *q, size_t size, unsigned int pri,
                      void (*func)(void *), void *arg);
void qunbufcall(queue_t *q, bufcall_id_t id);

#define PERIM_INNER 1
#define PERIM_OUTER 2
/* Runs func(q, mp) with exclusive access to q's stream: at once, since
 * the owning scheduler is already exclusive. */
void qwriter(queue_t *q, mblk_t *mp, void (*func)(queue_t *, mblk_t *),
             int perimeter);

/* strlog() levels and flags */
#define SL_ERROR   0x0001
#define SL_TRACE   0x0002
#define SL_NOTIFY  0x0004
#define SL_CONSOLE 0x0008
#define SL_FATAL   0x0010
#define SL_WARN    0x0020
#define SL_NOTE    0x0040
int strlog(short mid, short sid, char level, unsigned short flags,
           const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* ------------------------------------------------------------------------
 * Credentials
 * ---------------------------------------------------------------------- */

uid_t crgetuid(const cred_t *cr);
gid_t crgetgid(const cred_t *cr);
uid_t crgetruid(const cred_t *cr);
gid_t crgetrgid(const cred_t *cr);
pid_t crgetpid(const cred_t *cr); /* the calling process, 0 in-process */
cred_t *strdp_kcred(void); /* the daemon's own credentials */

#ifdef __cplusplus
}
#endif

#endif /* STRDP_STREAM_H */

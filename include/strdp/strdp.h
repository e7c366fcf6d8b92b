/*
 * strdp/strdp.h — the framework's own C API: runtime set-up, schedulers,
 * the module/driver registry and plugins, and the in-process stream head.
 *
 * Error convention: functions returning int return 0 (or a count) on
 * success and -1 with errno set on failure, like the system calls they
 * stand for; functions returning pointers return NULL with errno set.
 */
#ifndef STRDP_STRDP_H
#define STRDP_STRDP_H

#include <strdp/stream.h>
#include <strdp/stropts.h>
#include <strdp/ddi.h>
#include <strdp/strdp_app.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------
 * Runtime
 * ---------------------------------------------------------------------- */

struct strdp_runtime_conf {
	unsigned int nb_mbufs;   /* message buffers per socket (default 8191) */
	unsigned int mbuf_cache; /* per-lcore mempool cache (default 256) */
	unsigned int data_room;  /* bytes per buffer, headroom included
	                            (default 2048 + 128) */
	unsigned int nstrpush;   /* push limit per stream (default NSTRPUSH) */
};

/*
 * Sets up message pools and the caller's scheduler. DPDK's EAL must be
 * initialised already (rte_eal_init). conf may be NULL for defaults.
 * Registers the built-in drivers (pmd, ethraw) and whatever plugins
 * loaded so far registered from their constructors.
 */
int strdp_runtime_init(const struct strdp_runtime_conf *conf);
/* Frees what strdp_runtime_init() made; every stream must be closed.
 * Autopush rules are forgotten. Persistent links still in place on the
 * caller's scheduler are unlinked (the mux gets I_PUNLINK) and their lower
 * streams closed, since nobody can close them afterwards; a warning names
 * each. */
void strdp_runtime_fini(void);

/* ------------------------------------------------------------------------
 * Schedulers: one per lcore (or thread) that owns queues
 * ---------------------------------------------------------------------- */

typedef struct strdp_sched strdp_sched_t;

/* A new scheduler, bound to no thread yet. */
strdp_sched_t *strdp_sched_create(const char *name);
void strdp_sched_destroy(strdp_sched_t *s);
/* Makes s the calling thread's scheduler (streams opened by this thread
 * belong to it); NULL unbinds. */
void strdp_sched_bind(strdp_sched_t *s);
strdp_sched_t *strdp_sched_current(void);
/*
 * One pass of the service loop, on the owning thread: inbound cross-thread
 * requests, expired timers, bufcalls whose buffers are back, then enabled
 * service procedures in the order they were enabled. Returns how many
 * procedures and callbacks ran (0: nothing to do).
 */
unsigned int strdp_sched_run(strdp_sched_t *s);
/* Runs passes until nothing is left to do (timers still pending are
 * left); returns the total. */
unsigned int strdp_sched_drain(strdp_sched_t *s);

/*
 * Pollers: functions the service loop calls first in every pass, on the
 * owning thread (a driver polling its rx queue). A poller returns the
 * work it did (0 when idle) and must not block. Add and remove them on
 * the owning thread; ids are > 0.
 */
typedef unsigned int (*strdp_poller_fn)(void *arg);
int strdp_sched_add_poller(strdp_sched_t *s, strdp_poller_fn fn, void *arg);
void strdp_sched_remove_poller(strdp_sched_t *s, int id);

/*
 * Runs fn(arg) on the thread that runs s, between two passes of its
 * service loop (no put or service procedure of s is running then), and
 * returns when fn has returned. This is how a control thread plumbs a
 * stream that a poll-mode lcore owns (push, pop, link, statistics).
 * Called on s's own thread it runs fn at once. The thread running s must
 * keep calling strdp_sched_run(); fn must not wait for another call.
 * Returns 0, or -1 with errno ENOMEM (no inbound ring).
 */
int strdp_sched_call(strdp_sched_t *s, void (*fn)(void *arg), void *arg);
/*
 * Asks for fn(arg) on the thread that runs s, in a later pass (between
 * two passes, as strdp_sched_call), without waiting for it, from any
 * thread (s's own too: then it runs in the next pass, never inside the
 * caller). A sleeping owner is woken. This is how a poll-mode lane tells
 * another scheduler that something waits for it without touching its
 * queues. The caller keeps s alive until fn has run and arg valid for
 * fn (a posted notification cannot be taken back). Returns 0, or -1 with
 * errno EAGAIN (s's inbound ring is full: nothing was posted) or EINVAL.
 */
int strdp_sched_notify(strdp_sched_t *s, void (*fn)(void *arg), void *arg);
/* The scheduler that owns a stream. */
strdp_sched_t *strdp_stream_sched(strdp_stream_t *sp);

/* ------------------------------------------------------------------------
 * Registry: STREAMS modules (fmodsw) and drivers (cdevsw)
 * ---------------------------------------------------------------------- */

/* Registers a module by fmodsw.f_name. EEXIST if the name is taken,
 * EINVAL for a bad name or streamtab. */
int strdp_register_module(struct fmodsw *fsw);
int strdp_unregister_module(const char *name);
/* Registers a driver under name (opened as "name" or "/dev/name"). */
int strdp_register_driver(const char *name, struct streamtab *st, int flag);
int strdp_unregister_driver(const char *name);
/*
 * Loads a plugin (shared object) and runs its _init(). A plugin without
 * _init() is one whose constructors register what it has
 * (STRDP_MODULE_REGISTER, STRDP_DRIVER_REGISTER, below): it loads if they
 * registered something. Errors: ENOENT (no file), ENOEXEC (not a loadable
 * object), EINVAL (no _init() and nothing registered), EEXIST (loaded
 * already), or the errno _init() returned or a registration failed with.
 */
int strdp_load_plugin(const char *path);
/*
 * 1 if a module / driver of that name is registered. A name that is not
 * is autoloaded first (strdp_modload), as I_PUSH and open do.
 */
int strdp_module_exists(const char *name);
int strdp_driver_exists(const char *name);
/* 1 if driver `name` is registered and is a multiplexor (its streamtab
 * has st_muxrinit), so streams can be linked under it. */
int strdp_driver_is_mux(const char *name);

/*
 * The module path: where a module or driver name that is not registered
 * is looked for, as NAME.so, when a stream pushes or opens it (Solaris
 * loads a module on I_PUSH or open the same way). The folders, in order:
 * those added with strdp_module_path_add() (the daemon's `module_path`),
 * then $STRDP_MODULE_PATH (colon-separated), then the folder plugins are
 * installed in (LIBDIR/strdp/modules), or the build tree's modules/ when
 * this libstrdp runs from its build tree.
 */
/* Adds dir to the module path, after the folders added before it and
 * before $STRDP_MODULE_PATH. Adding a folder twice adds it once. EINVAL
 * for NULL or "". */
int strdp_module_path_add(const char *dir);
/*
 * Loads NAME.so from the first folder of the module path that has it,
 * unless a module or driver called name is registered already. 0 when
 * one is registered afterwards; -1 with errno EINVAL (not a module name:
 * letters, digits, '_', '.', '-'), ENOENT (no folder has NAME.so), or
 * strdp_load_plugin's error (logged). Never needed before a push or an
 * open: they call it.
 */
int strdp_modload(const char *name);

/* Registration from a C file, in a plugin or built into the library or
 * the application: runs when the object loads (before main() for the
 * latter). */
#define STRDP_MODULE_REGISTER(fsw)                                        \
	__attribute__((constructor)) static void strdp_reg_mod_##fsw(void) \
	{                                                                 \
		strdp_register_module_at_load_(&(fsw));                   \
	}
#define STRDP_DRIVER_REGISTER(name, st, flag)                              \
	__attribute__((constructor)) static void strdp_reg_drv_##name(void) \
	{                                                                  \
		strdp_register_driver_at_load_(#name, &(st), (flag));      \
	}
void strdp_register_module_at_load_(struct fmodsw *fsw);
void strdp_register_driver_at_load_(const char *name, struct streamtab *st,
                                    int flag);

/* ------------------------------------------------------------------------
 * In-process stream head
 *
 * The application side of a stream, for code that runs inside the
 * dataplane process (tests, the daemon, the shared-memory head that
 * serves other processes). Calls run on the caller's scheduler: a stream
 * is used only by the thread that opened it; calls from another thread
 * fail with EXDEV (strdp_poll answers POLLNVAL). "Blocking" calls run the
 * scheduler until they can complete.
 * ---------------------------------------------------------------------- */

/* strdp_open ... strdp_getmsgv: <strdp/strdp_app.h>, shared with the
 * shared-memory head. Here strdp_open's cr may name credentials for the
 * driver's open (NULL = the daemon's own), and the autopush rule for the
 * driver and the minor its open chose, if any, is applied (see
 * strdp_autopush_set). */

/* The head's queues, for tests and for drivers that join streams. */
queue_t *strdp_stream_rq(strdp_stream_t *sp);
queue_t *strdp_stream_wq(strdp_stream_t *sp);

/*
 * Stream names: how a module finds another stream (the sniffer's
 * to=NAME). A name is unique in the process (EEXIST), 1..31 characters
 * (EINVAL otherwise); a stream has at most one (setting another replaces
 * it; NULL or "" removes it). Call on the stream's own thread. Closing a
 * stream removes its name.
 *
 * strdp_stream_lookup() returns the stream named `name` if it belongs to
 * scheduler s or is shared (below), else NULL with errno ENOENT (no such
 * name) or EXDEV (another scheduler's). A stream of s may be used only on
 * s's thread (a shared one of another scheduler only through
 * strdp_stream_send_down), and
 * only while strdp_stream_names_epoch() returns what it returned before
 * the lookup: the epoch changes whenever a name is set or removed, a
 * named stream's closing included, so a module that keeps the pointer
 * compares the epoch before each use and looks the name up again when it
 * changed (one relaxed load of a counter).
 */
int strdp_stream_set_name(strdp_stream_t *sp, const char *name);
strdp_stream_t *strdp_stream_lookup(const char *name, strdp_sched_t *s);
uint64_t strdp_stream_names_epoch(void);

/*
 * Shared streams: where other schedulers may send messages (the daemon's
 * [[apps.stream]], a sniffer's copy stream an application reads).
 *
 * strdp_stream_share() marks sp shared (on its own thread; for good).
 * The caller promises to close it only after every thread that may send
 * down it has stopped. strdp_stream_lookup() then returns it to any
 * scheduler (its strdp_stream_sched() tells whose it is).
 *
 * strdp_stream_send_down() sends mp down sp's write side as a write
 * would, if the queue below the head can take it (canputnext). On sp's
 * own thread it is done at once: 0, or -1 EAGAIN (full; mp is still the
 * caller's). From another thread it is posted to sp's scheduler without
 * waiting: 0 once posted (a copy that finds no room there is freed and
 * counted in the head's write-side drops, STRDP_DROP_NOMEM), or -1 EAGAIN
 * when that scheduler's request ring is full (mp is still the caller's),
 * EXDEV when sp is not shared.
 */
int strdp_stream_share(strdp_stream_t *sp);
int strdp_stream_send_down(strdp_stream_t *sp, mblk_t *mp);

/*
 * Multiplexors. I_LINK and I_PLINK take the lower stream itself as arg
 * ((intptr_t)lower, where a kernel takes its file descriptor; EBADF when
 * it is no open stream); the lower stream must belong to the same
 * scheduler as the controlling stream (EXDEV otherwise) and must not be
 * linked already, hung up or in error (EINVAL). EINVAL too when the
 * controlling stream's driver is no multiplexor (no st_muxrinit/
 * st_muxwinit) or when the link would make a cycle: as in illumos the
 * check is per driver, so a stream of driver D cannot go under D, nor
 * under a driver that D leads to. They return the mux id (> 0); the mux's
 * NAK (its error) undoes the link. I_UNLINK/I_PUNLINK take a mux id or
 * MUXID_ALL: every I_LINK link of this stream (I_UNLINK), every I_PLINK
 * link of this stream's driver whose lower stream is this scheduler's
 * (I_PUNLINK); 0 when there is nothing to unlink, else the first error.
 * EINVAL for an id that is not a link of this stream (I_UNLINK) or of
 * this stream's driver (I_PUNLINK; EXDEV when its lower stream is another
 * scheduler's); a NAK keeps the link. The link ioctls wait for the mux's
 * answer for ever. A controlling stream's I_LINK links are unlinked when
 * it closes, whatever the mux answers; I_PLINK links stay until I_PUNLINK on any stream of
 * the same multiplexor, or strdp_runtime_fini(). A linked lower stream
 * cannot be used through its own head (EINVAL, strdp_close included;
 * strdp_poll answers POLLNVAL); after the unlink (which sends M_FLUSH
 * FLUSHRW down it) it works again and its owner closes it. I_STR cannot
 * carry the link commands (EINVAL): a mux trusts the linkblk.
 */

/*
 * Autopush, as autopush(1M)/sad(7D): opening driver `driver` with a minor
 * in [minor, lastminor] (lastminor -1 or minor == lastminor: that minor
 * only; minor -1: every minor) pushes `modules` in order (at most
 * MAXAPUSH), then anchors them if anchor is non-zero. For a clone open
 * the minor is the one the driver's open chose. An open whose autopush
 * fails fails with the push's error (the stream is closed). Rules are
 * process-wide; setting a rule that overlaps another for the same driver
 * fails with EEXIST. Other errors, sad(7D)'s: ENOSTR for a name that is
 * no driver; EINVAL for a NULL argument, nmods outside 1..MAXAPUSH (or
 * above the push limit), an unknown module, minor < -1, a minor above
 * 32 bits, or minor -1 with a lastminor; ERANGE for lastminor < minor.
 * strdp_autopush_clear takes the rule's first minor (-1 for an
 * every-minor rule): ERANGE for a minor inside a range, ENODEV when there
 * is no such rule.
 */
#define MAXAPUSH 8
int strdp_autopush_set(const char *driver, long minor, long lastminor,
                       const char *const *modules, int nmods, int anchor);
int strdp_autopush_clear(const char *driver, long minor);

/*
 * Module arguments. The daemon and strctl pass a pushed module its
 * configuration as an I_STR ioctl STRDP_IOC_MODARGS whose data is a NUL
 * terminated "key=value key='quoted value' ..." string. A module that
 * takes arguments parses them and ACKs, or NAKs with EINVAL (and logs
 * why through cmn_err); a module that takes none NAKs, as any unknown
 * ioctl, so a stray argument is an error rather than ignored.
 */
#define STRDP_IOC_MODARGS (('s' << 24) | ('d' << 16) | ('p' << 8) | 1)

/* ------------------------------------------------------------------------
 * Statistics
 * ---------------------------------------------------------------------- */

/*
 * Counters are declared once, as X-macro lists (as VPP's foreach_*_error):
 * the structures below are generated from them, and so are the daemon's
 * JSON, telemetry and strctl output, so a counter added to a list shows
 * up everywhere without another edit. X(name, doc): `name` is the field
 * and the key the daemon shows it under, `doc` what it counts.
 */

/* Why the framework freed a message instead of delivering it:
 * X(ID, "name", doc) gives STRDP_DROP_<ID>, in this order from 0, and
 * strdp_drop_reason_name()'s answer (the counters' key: "drops" in the
 * daemon's JSON, drops_<name> in telemetry). */
#define STRDP_DROP_REASON_LIST(X) \
	X(FLUSH, "flush", "flushq/flushband") \
	X(CLOSE, "close", "freed when the stream closed") \
	X(NOQUEUE, "no-next-queue", "putnext at the end of a stream") \
	X(HANGUP, "hangup-or-error", "stream hung up or in error") \
	X(BADMSG, "bad-message", "malformed (bad ioctl reply, ...)") \
	X(NOMEM, "no-memory", "allocation failed on the way")

enum strdp_drop_reason {
#define STRDP_DROP_ENUM_(id, name, doc) STRDP_DROP_##id,
	STRDP_DROP_REASON_LIST(STRDP_DROP_ENUM_)
#undef STRDP_DROP_ENUM_
	STRDP_DROP_REASONS
};

/* A queue's counters, before its drops by reason. */
#define STRDP_QSTATS_COUNTERS(X) \
	X(put_calls, "messages given to the put procedure") \
	X(srv_calls, "service procedure runs") \
	X(queued_msgs, "messages now on the queue, all bands") \
	X(queued_bytes, "bytes now on the queue, all bands") \
	X(flow_blocked, "times canput/bcanput found it full")

struct strdp_qstats {
#define STRDP_QSTATS_FIELD_(name, doc) uint64_t name;
	STRDP_QSTATS_COUNTERS(STRDP_QSTATS_FIELD_)
#undef STRDP_QSTATS_FIELD_
	uint64_t drops[STRDP_DROP_REASONS];
};

/* Statistics of q (read or write queue). */
void strdp_qstats_get(queue_t *q, struct strdp_qstats *st);
const char *strdp_drop_reason_name(enum strdp_drop_reason r);

/* ------------------------------------------------------------------------
 * Introspection (run on the stream's own scheduler: strdp_sched_call)
 * ---------------------------------------------------------------------- */

struct strdp_queue_info {
	char name[FMNAMESZ + 1]; /* "head", a module's or the driver's name */
	int write_side;          /* 0: read queue, 1: write queue */
	int depth;               /* 0: head, 1..n modules top-down, n+1: driver */
	struct strdp_qstats st;
};
/*
 * Fills out[0..max) with the stream's queues, head first, then each
 * pushed module top-down, then the driver, read queue before write queue
 * at each level; returns how many there are (may exceed max).
 */
int strdp_stream_queues(strdp_stream_t *sp, struct strdp_queue_info *out,
                        int max);

#ifdef __cplusplus
}
#endif

#endif /* STRDP_STRDP_H */

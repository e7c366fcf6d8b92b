/*
 * strdp/stropts.h — the application side of STREAMS: streamio(7I) ioctl
 * commands, getmsg/putmsg structures and flags (Solaris values).
 *
 * The functions that take these live in <strdp/strdp.h> (in-process stream
 * head); the shared-memory stream head library uses the same structures.
 */
#ifndef STRDP_STROPTS_H
#define STRDP_STROPTS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

#ifndef FMNAMESZ
#define FMNAMESZ 8
#endif

#define STR ('S' << 8) /* 0x5300 */
#define I_NREAD     (STR | 01)
#define I_PUSH      (STR | 02)
#define I_POP       (STR | 03)
#define I_LOOK      (STR | 04)
#define I_FLUSH     (STR | 05)
#define I_SRDOPT    (STR | 06)
#define I_GRDOPT    (STR | 07)
#define I_STR       (STR | 010)
#define I_SETSIG    (STR | 011)
#define I_GETSIG    (STR | 012)
#define I_FIND      (STR | 013)
#define I_LINK      (STR | 014)
#define I_UNLINK    (STR | 015)
#define I_RECVFD    (STR | 016)
#define I_PEEK      (STR | 017)
#define I_FDINSERT  (STR | 020)
#define I_SENDFD    (STR | 021)
#define I_SWROPT    (STR | 023)
#define I_GWROPT    (STR | 024)
#define I_LIST      (STR | 025)
#define I_PLINK     (STR | 026)
#define I_PUNLINK   (STR | 027)
#define I_ANCHOR    (STR | 030)
#define I_FLUSHBAND (STR | 034)
#define I_CKBAND    (STR | 035)
#define I_GETBAND   (STR | 036)
#define I_ATMARK    (STR | 037)
#define I_SETCLTIME (STR | 040)
#define I_GETCLTIME (STR | 041)
#define I_CANPUT    (STR | 042)
#define I_SERROPT   (STR | 043)
#define I_GERROPT   (STR | 044)

#define INFTIM (-1) /* ic_timout: wait for ever */

/* I_FLUSH / M_FLUSH */
#ifndef FLUSHR
#define FLUSHR    0x01
#define FLUSHW    0x02
#define FLUSHRW   0x03
#define FLUSHBAND 0x04
#endif

/* I_ATMARK */
#define ANYMARK  0x01
#define LASTMARK 0x02

/* I_UNLINK / I_PUNLINK */
#define MUXID_ALL (-1)

/* I_SETSIG events */
#define S_INPUT   0x0001
#define S_HIPRI   0x0002
#define S_OUTPUT  0x0004
#define S_MSG     0x0008
#define S_ERROR   0x0010
#define S_HANGUP  0x0020
#define S_RDNORM  0x0040
#define S_WRNORM  S_OUTPUT
#define S_RDBAND  0x0080
#define S_WRBAND  0x0100
#define S_BANDURG 0x0200

/* read modes (I_SRDOPT) */
#define RNORM   0x0000
#define RMSGD   0x0001
#define RMSGN   0x0002
#define RMODEMASK 0x0003
#define RPROTDAT  0x0004
#define RPROTDIS  0x0008
#define RPROTNORM 0x0010
#define RPROTMASK 0x001c
#define RFLUSHMASK 0x0020
#define RFLUSHPCPROT 0x0020

/* write options (I_SWROPT) */
#define SNDZERO 0x001
#define SNDPIPE 0x002

/* error options (I_SERROPT) */
#define RERRNORM       0x001
#define RERRNONPERSIST 0x002
#define RERRMASK       (RERRNORM | RERRNONPERSIST)
#define WERRNORM       0x004
#define WERRNONPERSIST 0x008
#define WERRMASK       (WERRNORM | WERRNONPERSIST)

/* getmsg/putmsg flags */
#define RS_HIPRI  0x01
#define MSG_HIPRI 0x01
#define MSG_ANY   0x02
#define MSG_BAND  0x04
/* getmsg return bits */
#define MORECTL  1
#define MOREDATA 2

struct strbuf {
	int   maxlen; /* buffer size (getmsg) */
	int   len;    /* bytes, -1 = part absent */
	char *buf;
};

struct strioctl {
	int   ic_cmd;
	int   ic_timout; /* seconds; 0 = default (15 s), INFTIM = for ever */
	int   ic_len;
	char *ic_dp;
};

struct strpeek {
	struct strbuf ctlbuf;
	struct strbuf databuf;
	int           flags; /* RS_HIPRI: peek only at a high-priority message */
};

struct strfdinsert {
	struct strbuf ctlbuf;
	struct strbuf databuf;
	int           flags;
	int           fildes;
	int           offset;
};

struct str_mlist {
	char l_name[FMNAMESZ + 1];
};
struct str_list {
	int               sl_nmods;
	struct str_mlist *sl_modlist;
};

struct bandinfo {
	unsigned char bi_pri;
	int           bi_flag;
};

struct strrecvfd {
	int   fd;
	uid_t uid;
	gid_t gid;
	char  fill[8];
};

#ifdef __cplusplus
}
#endif

#endif /* STRDP_STROPTS_H */

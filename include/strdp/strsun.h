/*
 * strdp/strsun.h — the Solaris <sys/strsun.h> helpers.
 *
 * DB_REF() reads the exact reference count of the buffer, including
 * references held outside STREAMS (a PMD that has not finished sending);
 * mp->b_datap->db_ref may lag behind it on the high side (stream.h).
 */
#ifndef STRDP_STRSUN_H
#define STRDP_STRSUN_H

#include <strdp/stream.h>

#ifdef __cplusplus
extern "C" {
#endif

#define DB_BASE(mp)  ((mp)->b_datap->db_base)
#define DB_LIM(mp)   ((mp)->b_datap->db_lim)
#define DB_REF(mp)   (strdp_db_ref(mp))
#define DB_TYPE(mp)  ((mp)->b_datap->db_type)
#define DB_FLAGS(mp) ((mp)->b_datap->db_flags)
#define DB_FRTNP(mp) ((mp)->b_datap->db_frtnp)

#define MBLKL(mp)    ((mp)->b_wptr - (mp)->b_rptr)
#define MBLKSIZE(mp) ((mp)->b_datap->db_lim - (mp)->b_datap->db_base)
#define MBLKHEAD(mp) ((mp)->b_rptr - (mp)->b_datap->db_base)
#define MBLKTAIL(mp) ((mp)->b_datap->db_lim - (mp)->b_wptr)
#define MBLKIN(mp, off, len) \
	(((off) <= MBLKL(mp)) && (((mp)->b_rptr + (off) + (len)) <= (mp)->b_wptr))
#define OFFSET(p, b) ((p) - (b))

/* exact number of references to mp's buffer, capped at 255 */
unsigned char strdp_db_ref(const mblk_t *mp);

/* Turns an M_IOCTL into M_COPYIN for size bytes at uaddr (transparent
 * ioctls); private is returned in the M_IOCDATA reply's cp_private. */
void mcopyin(mblk_t *mp, void *priv, size_t size, void *uaddr);
/* Turns an M_IOCTL or M_IOCDATA into M_COPYOUT of dp (or of mp->b_cont
 * when dp is NULL) to uaddr (or to the address in b_cont when NULL). */
void mcopyout(mblk_t *mp, void *priv, size_t size, void *uaddr, mblk_t *dp);
/* Sends M_ERROR with err upstream (qreply from a write queue). */
void merror(queue_t *wq, mblk_t *mp, int err);
/* Turns mp into M_IOCACK carrying count bytes of dp as its reply. */
void mioc2ack(mblk_t *mp, mblk_t *dp, size_t count, int rval);
void miocack(queue_t *wq, mblk_t *mp, int count, int rval);
void miocnak(queue_t *wq, mblk_t *mp, int count, int err);
/* 0 if the ioctl data in b_cont is at least size bytes and contiguous
 * (pulled up as needed); EINVAL otherwise (transparent ioctls included). */
int miocpullup(mblk_t *mp, size_t size);
/* Reuses mp for a message of size bytes and type, or allocates a new one
 * (freeing mp); on failure sends M_ERROR ENOSR upstream when wq is set. */
mblk_t *mexchange(queue_t *wq, mblk_t *mp, size_t size, unsigned char type,
                  int32_t primtype);
/* Copies all data of mp into buf and frees mp. */
void mcopymsg(mblk_t *mp, void *buf);

#ifdef __cplusplus
}
#endif

#endif /* STRDP_STRSUN_H */

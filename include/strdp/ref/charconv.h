/*
 * strdp/ref/charconv.h — ioctl commands of the "charconv" reference module
 * (modules/ref/charconv.c), the STREAMS Programming Guide's character
 * conversion module.
 *
 * Once pushed, charconv converts the bytes of every M_DATA message, on the
 * write side (what the application writes) and on the read side (what it
 * reads), according to its mode. The mode is per stream; a new module
 * starts in CHCONV_NONE.
 *
 * Commands, all sent with I_STR (struct strioctl):
 *
 *   CHCONV_NONE, CHCONV_UPPER, CHCONV_LOWER
 *       set the mode; no data (ic_len 0, anything sent is ignored).
 *   CHCONV_SETMODE
 *       sets the mode from an int in ic_dp (ic_len == sizeof(int)) holding
 *       one of the three values above; EINVAL otherwise.
 *   CHCONV_GETMODE
 *       returns the mode as an int in ic_dp (ic_len >= sizeof(int)).
 *
 * CHCONV_SETMODE and CHCONV_GETMODE are also accepted as transparent
 * ioctls, ioctl(fd, cmd, &mode), with the address of an int: the module
 * then uses M_COPYIN / M_COPYOUT and M_IOCDATA.
 *
 * Other commands of this family (('C' << 8) | n) fail with EINVAL; any
 * other ioctl is passed on down the stream, as modules must.
 */
#ifndef STRDP_REF_CHARCONV_H
#define STRDP_REF_CHARCONV_H

#define CHCONV_IOC      ('C' << 8)
#define CHCONV_NONE     (CHCONV_IOC | 1) /* pass bytes unchanged */
#define CHCONV_UPPER    (CHCONV_IOC | 2) /* a-z -> A-Z */
#define CHCONV_LOWER    (CHCONV_IOC | 3) /* A-Z -> a-z */
#define CHCONV_SETMODE  (CHCONV_IOC | 4) /* int in: one of the three above */
#define CHCONV_GETMODE  (CHCONV_IOC | 5) /* int out: the current mode */

#endif /* STRDP_REF_CHARCONV_H */

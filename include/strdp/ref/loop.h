/*
 * strdp/ref/loop.h — ioctl commands of the "loop" reference driver
 * (modules/ref/loop.c), the STREAMS Programming Guide's loop-around
 * driver.
 *
 * "loop" is a clone driver: every open gets a stream of its own with a
 * free minor number (0 .. LOOP_MAXMINOR-1; ENXIO when all are taken).
 * Joining two streams with LOOP_SET makes what is written on one (M_DATA,
 * M_PROTO, M_PCPROTO) come up the read side of the other, with flow
 * control end to end. Closing one end sends M_HANGUP up the other.
 * Writing before LOOP_SET puts the stream in error (M_ERROR ENXIO), as in
 * the guide.
 *
 * Commands, sent with I_STR (struct strioctl):
 *
 *   LOOP_SET      ic_dp: an int, the minor number of the stream to join
 *                 (ic_len == sizeof(int)). EINVAL for a bad length,
 *                 ENXIO when that minor is not open, EBUSY when either
 *                 stream is joined already, EXDEV when the two streams
 *                 belong to different schedulers (threads).
 *   LOOP_GETMINOR strdp extension: returns this stream's minor number as
 *                 an int in ic_dp (ic_len >= sizeof(int)); what a
 *                 Solaris program would learn with fstat().
 *
 * Any other ioctl fails with EINVAL.
 */
#ifndef STRDP_REF_LOOP_H
#define STRDP_REF_LOOP_H

#define LOOP_IOC      ('l' << 8)
#define LOOP_SET      (LOOP_IOC | 1)
#define LOOP_GETMINOR (LOOP_IOC | 2)

#define LOOP_MAXMINOR 64 /* streams open at once */

#endif /* STRDP_REF_LOOP_H */

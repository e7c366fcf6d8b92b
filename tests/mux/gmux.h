/*
 * gmux — the STREAMS Programming Guide's multiplexing driver example,
 * as a test driver (tests/mux/gmux.c). Registered as the clone drivers
 * "gmux" and "gmux2" (the same code under two streamtabs, so the link
 * graph sees two drivers).
 *
 * Upper streams (up to GMUX_NUPPER) write data; each goes down the lower
 * stream the upper stream linked (or the first persistent one) behind a
 * header naming the upper stream's minor. Data coming up a lower stream
 * starts with such a header and goes up the upper stream it names. An
 * M_HANGUP or M_ERROR from below puts every upper stream in error.
 *
 * Test knobs and records (one thread only).
 */
#ifndef GMUX_H
#define GMUX_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define GMUX_NUPPER 8
#define GMUX_NLOWER 4

struct gmux_hdr {
	uint32_t gh_minor; /* the upper stream's minor */
};

struct gmux_record {
	int links;     /* I_LINK + I_PLINK ACKed */
	int unlinks;   /* I_UNLINK ACKed */
	int punlinks;  /* I_PUNLINK ACKed */
	int naks;      /* link ioctls refused */
	int lower_in;  /* messages that came up a lower stream */
	int nolower;   /* data written with no lower stream to go to */
};

extern struct gmux_record gmux_rec;
/* Non-zero: the next I_LINK/I_PLINK is refused with this error. */
extern int gmux_nak_next_link;
/* Non-zero: the next I_UNLINK/I_PUNLINK is refused with this error. */
extern int gmux_nak_next_unlink;
/* Non-zero: while handling I_LINK/I_PLINK (I_UNLINK/I_PUNLINK), before
 * answering, gmux sends "hello" ("bye") down the lower stream behind a
 * header naming the upper stream that asked. Under an echo stream it
 * comes straight back up while the link ioctl is still in flight. */
extern int gmux_talk_while_linking;
/* Clears the records and knobs, and forgets every lower stream: a test
 * that had gmux refuse an unlink at close leaves one behind (the stream
 * closed anyway, so the entry points at a stream head now). */
void gmux_reset(void);

#ifdef __cplusplus
}
#endif

#endif /* GMUX_H */

/* <sys/stream.h> for code written for Solaris STREAMS: see <strdp/stream.h>. */
#include <strdp/stream.h>

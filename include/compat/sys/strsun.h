/* <sys/strsun.h> for code written for Solaris STREAMS: see <strdp/strsun.h>. */
#include <strdp/strsun.h>

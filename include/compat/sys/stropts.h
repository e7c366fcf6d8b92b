/* <sys/stropts.h> for code written for Solaris STREAMS: see <strdp/strdp.h>. */
#include <strdp/strdp.h>

/* <sys/ddi.h> for code written for Solaris STREAMS: see <strdp/ddi.h>. */
#include <strdp/ddi.h>

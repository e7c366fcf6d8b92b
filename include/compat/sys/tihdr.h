/* <sys/tihdr.h> for code written for Solaris TPI: see <strdp/tpi.h>. */
#include <strdp/tpi.h>

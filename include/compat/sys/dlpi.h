/* <sys/dlpi.h> for code written for Solaris DLPI: see <strdp/dlpi.h>. */
#include <strdp/dlpi.h>

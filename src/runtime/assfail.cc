// ASSERT(9F) failures. <strdp/ddi.h> declares strdp_assfail_() only when
// DEBUG is defined, but the library provides it always, so modules built
// with -DDEBUG load into a library built without it.
#include <strdp/ddi.h>

extern "C" void strdp_assfail_(const char *expr, const char *file, int line);

extern "C" void strdp_assfail_(const char *expr, const char *file,
                               int line) {
  // Solaris' own wording, which people grep logs for.
  cmn_err(CE_PANIC, "assertion failed: %s, file: %s, line: %d",
          expr ? expr : "?", file ? file : "?", line);
}

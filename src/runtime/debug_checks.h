// STRDP_CHECK: entry assertions on the hot paths, in the manner of illumos'
// ASSERT()s at the top of putnext() and freeb(): a broken rule of the DKI
// (a message put while still on a list, a queue run by a scheduler that
// does not own it, a block freed twice) stops the process where it is
// broken, not three modules later where the damage shows.
//
// Built with -Ddebug_checks=true (meson option; the sanitizer build of the
// test suite has it on), STRDP_CHECK(cond, why) panics through
// strdp_assfail_ (cmn_err(CE_PANIC), Solaris' "assertion failed" wording)
// when cond is false. Built without it, the condition is not evaluated at
// all: the release fast path pays nothing, not even a load.
#ifndef STRDP_RUNTIME_DEBUG_CHECKS_H
#define STRDP_RUNTIME_DEBUG_CHECKS_H

#ifndef STRDP_DEBUG_CHECKS
#define STRDP_DEBUG_CHECKS 0
#endif

extern "C" void strdp_assfail_(const char *expr, const char *file, int line);

#if STRDP_DEBUG_CHECKS
#define STRDP_CHECK(cond, why)                                      \
  ((cond) ? (void)0                                                 \
          : strdp_assfail_(#cond " (" why ")", __FILE__, __LINE__))
#else
#define STRDP_CHECK(cond, why) ((void)sizeof(!(cond)))
#endif

#endif  // STRDP_RUNTIME_DEBUG_CHECKS_H

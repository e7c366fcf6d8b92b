// cmn_err(9F): console and log messages with Solaris conventions.
//
// Levels add their Solaris prefix ("NOTICE: ", "WARNING: ", "panic: ") and
// a newline; CE_CONT adds neither, since it continues an earlier message.
// A format's first character may route the message: '!' the system log
// only, '?' the log only (Solaris: the console too when booted verbose,
// which a daemon never is), '^' the console only. CE_PANIC always goes to
// both and then aborts, as a panic stops the machine.
#include <strdp/ddi.h>

#include <cstdarg>
#include <cstdlib>

#include "runtime/log.h"

namespace {

unsigned take_route(const char *&fmt) noexcept {
  switch (*fmt) {
    case '!':
    case '?':
      ++fmt;
      return strdp::kLogSystem;
    case '^':
      ++fmt;
      return strdp::kLogConsole;
    default:
      return strdp::kLogBoth;
  }
}

const char *prefix_of(int level) noexcept {
  switch (level) {
    case CE_CONT: return "";
    case CE_NOTE: return "NOTICE: ";
    case CE_WARN: return "WARNING: ";
    case CE_PANIC: return "panic: ";
    default: return "WARNING: (bad cmn_err level) ";
  }
}

}  // namespace

extern "C" void cmn_err(int level, const char *fmt, ...) {
  if (level == CE_IGNORE) return;
  if (!fmt) fmt = "(null cmn_err format)";
  unsigned dest = take_route(fmt);
  if (level == CE_PANIC) dest = strdp::kLogBoth;

  strdp::LogBuffer buf;
  buf.append(prefix_of(level));
  va_list ap;
  va_start(ap, fmt);
  buf.vappendf(fmt, ap);
  va_end(ap);
  // Solaris appends the newline itself; a format that already ends with
  // one would print an empty line, which helps nobody.
  if (level != CE_CONT && !buf.ends_with_newline()) buf.append("\n");

  int shown = (level == CE_CONT || level == CE_NOTE || level == CE_PANIC)
                  ? level
                  : CE_WARN;
  strdp::log_emit(shown, dest, buf.view());
  if (level == CE_PANIC) std::abort();
}

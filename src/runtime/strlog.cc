// strlog(9F): STREAMS error and trace logging.
//
// Solaris hands these to the log driver, read by strerr(1M) (SL_ERROR),
// strace(1M) (SL_TRACE, filtered by module id, sub-id and level) and the
// console (SL_CONSOLE). Here SL_ERROR goes to the system log and
// SL_CONSOLE to the console through the one log sink; SL_TRACE only when a
// trace rule asks for it, and the check comes before any formatting, so a
// module may trace on its data path. Returns 1 if the message went
// somewhere, 0 if nobody wanted it.
#include <strdp/ddi.h>

#include <array>
#include <atomic>
#include <cstdarg>
#include <mutex>

#include "runtime/log.h"

namespace strdp {
namespace {

struct TraceRule {
  short mid;  // -1: any
  short sid;  // -1: any
  unsigned char level;
};

constexpr size_t kMaxTraceRules = 16;

constinit std::mutex g_trace_mu;
constinit std::array<TraceRule, kMaxTraceRules> g_rules{};  // g_trace_mu
constinit std::atomic<size_t> g_nrules{0};

bool trace_wanted(short mid, short sid, unsigned char level) noexcept {
  if (g_nrules.load(std::memory_order_acquire) == 0) return false;
  std::lock_guard lock(g_trace_mu);
  size_t n = g_nrules.load(std::memory_order_relaxed);
  for (size_t i = 0; i < n; ++i) {
    const TraceRule &r = g_rules[i];
    if ((r.mid == -1 || r.mid == mid) && (r.sid == -1 || r.sid == sid) &&
        level <= r.level)
      return true;
  }
  return false;
}

const char *severity_of(unsigned short flags) noexcept {
  if (flags & SL_FATAL) return "FATAL: ";
  if (flags & SL_WARN) return "WARNING: ";
  if (flags & SL_NOTE) return "NOTICE: ";
  return "";
}

}  // namespace

bool strlog_trace_add(short mid, short sid, unsigned char level) noexcept {
  std::lock_guard lock(g_trace_mu);
  size_t n = g_nrules.load(std::memory_order_relaxed);
  if (n == kMaxTraceRules) return false;
  g_rules[n] = TraceRule{mid, sid, level};
  g_nrules.store(n + 1, std::memory_order_release);
  return true;
}

void strlog_trace_clear() noexcept {
  std::lock_guard lock(g_trace_mu);
  g_nrules.store(0, std::memory_order_release);
}

}  // namespace strdp

extern "C" int strlog(short mid, short sid, char level, unsigned short flags,
                      const char *fmt, ...) {
  auto lvl = static_cast<unsigned char>(level);
  unsigned dest = 0;
  if (flags & SL_CONSOLE) dest |= strdp::kLogConsole;
  if (flags & SL_ERROR) dest |= strdp::kLogSystem;
  if ((flags & SL_TRACE) && strdp::trace_wanted(mid, sid, lvl))
    dest |= strdp::kLogSystem;
  if (dest == 0 || !fmt) return 0;

  strdp::LogBuffer buf;
  buf.appendf("strlog[%d,%d,%u]: %s", mid, sid, lvl,
              strdp::severity_of(flags));
  va_list ap;
  va_start(ap, fmt);
  buf.vappendf(fmt, ap);
  va_end(ap);
  if (!buf.ends_with_newline()) buf.append("\n");
  bool bad = flags & (SL_FATAL | SL_WARN | SL_ERROR);
  strdp::log_emit(bad ? CE_WARN : CE_NOTE, dest, buf.view());
  return 1;
}

// The one place console and log messages leave the process. Not installed.
//
// cmn_err(9F), strlog(9F), the DDI and the plugin loader all end here, so
// the daemon redirects every message the framework or a module prints by
// installing one sink. Until it does, both destinations are stderr.
#pragma once

#include <cstdarg>
#include <cstddef>
#include <string_view>

namespace strdp {

// Where a message should go, in Solaris terms: the console, the system log
// (/var/adm/messages), or both. cmn_err's '!' and '?' prefixes mean the log
// only, '^' the console only.
enum LogDest : unsigned {
  kLogConsole = 0x1,
  kLogSystem = 0x2,
  kLogBoth = kLogConsole | kLogSystem,
};

struct LogRecord {
  int level;              // CE_CONT, CE_NOTE, CE_WARN or CE_PANIC
  unsigned dest;          // LogDest bits, never 0
  std::string_view text;  // ready to print: "WARNING: ...\n"; a CE_CONT
                          // piece carries no added prefix or newline
};

// Called from any thread, possibly several at once; must not call
// cmn_err() itself.
using LogSink = void (*)(const LogRecord &rec) noexcept;

// Installs sink (nullptr: back to stderr); returns the previous one.
LogSink set_log_sink(LogSink sink) noexcept;
void log_emit(int level, unsigned dest, std::string_view text) noexcept;

// A printf-style message built without exceptions: short messages stay on
// the stack, long ones go to the heap; a failed allocation truncates.
class LogBuffer {
 public:
  LogBuffer() noexcept = default;
  ~LogBuffer();
  LogBuffer(const LogBuffer &) = delete;
  LogBuffer &operator=(const LogBuffer &) = delete;

  void append(std::string_view s) noexcept;
  void vappendf(const char *fmt, va_list ap) noexcept
      __attribute__((format(printf, 2, 0)));
  void appendf(const char *fmt, ...) noexcept
      __attribute__((format(printf, 2, 3)));
  bool ends_with_newline() const noexcept {
    return len_ > 0 && data_[len_ - 1] == '\n';
  }
  std::string_view view() const noexcept { return {data_, len_}; }

 private:
  bool reserve(size_t n) noexcept;

  char stack_[512];
  char *data_ = stack_;
  size_t len_ = 0;
  size_t cap_ = sizeof(stack_);
};

// strace(1M)-style rules: an SL_TRACE strlog() is delivered when a rule
// matches its module id, sub-id (-1 = any) and its level is at most the
// rule's. Without rules, trace messages cost one atomic load.
bool strlog_trace_add(short mid, short sid, unsigned char level) noexcept;
void strlog_trace_clear() noexcept;

}  // namespace strdp

// The log sink and the exception-free message buffer (see log.h).
#include "runtime/log.h"

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace strdp {
namespace {

void stderr_sink(const LogRecord &rec) noexcept {
  // One fwrite per message: stderr is unbuffered, so a message from one
  // thread reaches the terminal in one write and is not interleaved.
  std::fwrite(rec.text.data(), 1, rec.text.size(), stderr);
}

constinit std::atomic<LogSink> g_sink{nullptr};

}  // namespace

LogSink set_log_sink(LogSink sink) noexcept {
  LogSink prev = g_sink.exchange(sink, std::memory_order_acq_rel);
  return prev ? prev : &stderr_sink;
}

void log_emit(int level, unsigned dest, std::string_view text) noexcept {
  if (text.empty() || dest == 0) return;
  LogSink sink = g_sink.load(std::memory_order_acquire);
  LogRecord rec{level, dest, text};
  (sink ? sink : &stderr_sink)(rec);
}

LogBuffer::~LogBuffer() {
  if (data_ != stack_) std::free(data_);
}

bool LogBuffer::reserve(size_t n) noexcept {
  if (len_ + n + 1 <= cap_) return true;
  size_t cap = cap_ * 2;
  while (cap < len_ + n + 1) cap *= 2;
  char *p = static_cast<char *>(std::malloc(cap));
  if (!p) return false;
  std::memcpy(p, data_, len_);
  if (data_ != stack_) std::free(data_);
  data_ = p;
  cap_ = cap;
  return true;
}

void LogBuffer::append(std::string_view s) noexcept {
  size_t n = s.size();
  if (!reserve(n)) n = cap_ - len_ - 1;  // truncate rather than lose it all
  std::memcpy(data_ + len_, s.data(), n);
  len_ += n;
  data_[len_] = '\0';
}

void LogBuffer::vappendf(const char *fmt, va_list ap) noexcept {
  va_list again;
  va_copy(again, ap);
  int n = std::vsnprintf(data_ + len_, cap_ - len_, fmt, ap);
  if (n < 0) {
    va_end(again);
    return;
  }
  size_t want = static_cast<size_t>(n);
  if (len_ + want + 1 > cap_) {
    if (reserve(want)) {
      std::vsnprintf(data_ + len_, cap_ - len_, fmt, again);
    } else {
      want = cap_ - len_ - 1;  // what the first call managed to write
    }
  }
  va_end(again);
  len_ += want;
}

void LogBuffer::appendf(const char *fmt, ...) noexcept {
  va_list ap;
  va_start(ap, fmt);
  vappendf(fmt, ap);
  va_end(ap);
}

}  // namespace strdp

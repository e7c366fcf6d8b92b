// Timers (qtimeout/timeout) and buffer callbacks (bufcall/qbufcall) of one
// scheduler. Slow path: a mutex guards everything; the scheduler loop
// reads one atomic (next deadline / pending flag) before taking it.
//
// Cancellation rule (LiS got it wrong): cancelling an entry whose callback
// is running on another thread waits until the callback returns; from
// inside the callback itself it returns at once.
#pragma once

#include <strdp/strdp.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <thread>
#include <unordered_map>

namespace strdp {

class Scheduler;

class TimerService {
 public:
  explicit TimerService(Scheduler *owner) : owner_(owner) {}
  ~TimerService();

  // Ids are unique across all schedulers and never 0.
  timeout_id_t add_timeout(queue_t *q, void (*fn)(void *), void *arg, long ticks);
  bufcall_id_t add_bufcall(queue_t *q, size_t size, void (*fn)(void *), void *arg);
  // Remaining ticks of a cancelled timeout, -1 if it had fired or is unknown.
  static long cancel_timeout(timeout_id_t id);
  static void cancel_bufcall(bufcall_id_t id);
  // Cancels every entry bound to q (a queue about to be freed); returns
  // how many were pending.
  unsigned cancel_for_queue(queue_t *q);

  // Owner thread: runs what is due; returns how many callbacks ran.
  unsigned run_due();
  bool has_pending() const {
    return next_deadline_.load(std::memory_order_relaxed) != UINT64_MAX ||
           nbufcalls_.load(std::memory_order_relaxed) != 0;
  }

 private:
  struct Entry {
    TimerService *svc;
    queue_t *q;
    void (*fn)(void *);
    void *arg;
    uint64_t deadline_ns;  // timeouts
    size_t size;           // bufcalls
    bool bufcall;
    bool running = false;
    std::thread::id runner;
  };

  static uint64_t now_ns();
  static intptr_t insert(Entry e);
  static void cancel(intptr_t id);
  void update_deadline_locked();

  Scheduler *owner_;
  std::multimap<uint64_t, intptr_t> due_;  // deadline -> id
  std::atomic<uint64_t> next_deadline_{UINT64_MAX};
  std::atomic<unsigned> nbufcalls_{0};

  static std::mutex mu_;
  static std::condition_variable cv_;
  static std::unordered_map<intptr_t, Entry> entries_;
  static intptr_t next_id_;
};

}  // namespace strdp

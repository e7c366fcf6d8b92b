// Timers and bufcalls (see timer_service.h).
#include "sched/timer_service.h"

#include <chrono>
#include <vector>

#include "msg/msg_pool.h"
#include "sched/scheduler.h"

namespace strdp {

std::mutex TimerService::mu_;
std::condition_variable TimerService::cv_;
std::unordered_map<intptr_t, TimerService::Entry> TimerService::entries_;
intptr_t TimerService::next_id_ = 1;

uint64_t TimerService::now_ns() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                   std::chrono::steady_clock::now().time_since_epoch())
                                   .count());
}

TimerService::~TimerService() {
  std::lock_guard lk(mu_);
  for (auto it = entries_.begin(); it != entries_.end();)
    it = it->second.svc == this ? entries_.erase(it) : std::next(it);
}

intptr_t TimerService::insert(Entry e) {
  intptr_t id = next_id_++;
  if (next_id_ <= 0) next_id_ = 1;  // wrapped: ids stay positive
  entries_.emplace(id, e);
  return id;
}

void TimerService::update_deadline_locked() {
  next_deadline_.store(due_.empty() ? UINT64_MAX : due_.begin()->first,
                       std::memory_order_relaxed);
}

timeout_id_t TimerService::add_timeout(queue_t *q, void (*fn)(void *), void *arg,
                                       long ticks) {
  if (fn == nullptr) return 0;
  if (ticks < 0) ticks = 0;
  uint64_t deadline = now_ns() + static_cast<uint64_t>(drv_hztousec(ticks)) * 1000u;
  std::lock_guard lk(mu_);
  intptr_t id = insert(Entry{this, q, fn, arg, deadline, 0, false});
  due_.emplace(deadline, id);
  update_deadline_locked();
  return id;
}

bufcall_id_t TimerService::add_bufcall(queue_t *q, size_t size, void (*fn)(void *),
                                       void *arg) {
  if (fn == nullptr) return 0;
  std::lock_guard lk(mu_);
  intptr_t id = insert(Entry{this, q, fn, arg, 0, size, true});
  nbufcalls_.fetch_add(1, std::memory_order_relaxed);
  return static_cast<bufcall_id_t>(id);
}

// Removes a pending entry, or waits for a running one to finish.
void TimerService::cancel(intptr_t id) {
  std::unique_lock lk(mu_);
  for (;;) {
    auto it = entries_.find(id);
    if (it == entries_.end()) return;
    Entry &e = it->second;
    if (!e.running) {
      TimerService *svc = e.svc;
      if (e.bufcall) {
        svc->nbufcalls_.fetch_sub(1, std::memory_order_relaxed);
      } else {
        auto range = svc->due_.equal_range(e.deadline_ns);
        for (auto d = range.first; d != range.second; ++d)
          if (d->second == id) {
            svc->due_.erase(d);
            break;
          }
        svc->update_deadline_locked();
      }
      entries_.erase(it);
      return;
    }
    if (e.runner == std::this_thread::get_id()) return;  // from its own callback
    cv_.wait(lk);
  }
}

long TimerService::cancel_timeout(timeout_id_t id) {
  long remaining = -1;
  {
    std::lock_guard lk(mu_);
    auto it = entries_.find(id);
    if (it == entries_.end() || it->second.bufcall) return -1;
    if (!it->second.running) {
      uint64_t now = now_ns();
      uint64_t d = it->second.deadline_ns;
      remaining = d > now ? static_cast<long>((d - now) / 1000000u) : 0;
    }
  }
  cancel(id);
  return remaining;
}

void TimerService::cancel_bufcall(bufcall_id_t id) {
  if (id != 0) cancel(id);
}

unsigned TimerService::cancel_for_queue(queue_t *q) {
  std::vector<intptr_t> ids;
  {
    std::lock_guard lk(mu_);
    for (auto &[id, e] : entries_)
      if (e.svc == this && e.q == q) ids.push_back(id);
  }
  for (intptr_t id : ids) cancel(id);
  return static_cast<unsigned>(ids.size());
}

// Callbacks run without the lock (they may add or cancel entries). Each
// entry is marked running only when its turn comes, so a callback that
// cancels another entry due in the same pass really stops it.
unsigned TimerService::run_due() {
  if (!has_pending()) return 0;
  uint64_t now = now_ns();
  std::vector<intptr_t> ready;
  {
    std::lock_guard lk(mu_);
    while (!due_.empty() && due_.begin()->first <= now) {
      ready.push_back(due_.begin()->second);
      due_.erase(due_.begin());
    }
    update_deadline_locked();
    if (nbufcalls_.load(std::memory_order_relaxed) != 0)
      for (auto &[id, e] : entries_)
        if (e.svc == this && e.bufcall && !e.running && msg_can_alloc(e.size))
          ready.push_back(id);
  }
  unsigned ran = 0;
  for (intptr_t id : ready) {
    void (*fn)(void *);
    void *arg;
    {
      std::lock_guard lk(mu_);
      auto it = entries_.find(id);
      if (it == entries_.end()) continue;  // cancelled meanwhile
      Entry &e = it->second;
      e.running = true;
      e.runner = std::this_thread::get_id();
      fn = e.fn;
      arg = e.arg;
    }
    fn(arg);
    ++ran;
    std::lock_guard lk(mu_);
    auto it = entries_.find(id);
    if (it->second.bufcall) nbufcalls_.fetch_sub(1, std::memory_order_relaxed);
    entries_.erase(it);
    cv_.notify_all();
  }
  return ran;
}

}  // namespace strdp

// Stream names (strdp_stream_set_name): how a module finds another stream.
//
// A small table under a mutex: slow path only (set, close, lookup). The
// fast path of a module that keeps a looked-up stream reads one counter,
// the epoch, bumped (under the mutex, before the table changes are
// visible to a lookup) whenever a name is set or removed. A stream is
// freed only by its own thread, after stream_names_forget() has bumped the
// epoch; a module on that same thread that compares the epoch before each
// use therefore never touches a freed stream. A module on another thread
// gets nothing from the lookup (EXDEV), so it never holds a pointer it
// could not check, unless the stream is shared (stream_shared.cc): then
// its owner keeps it open until every other thread has stopped, and
// those threads only send down it through its owner's request ring.
#include <atomic>
#include <cerrno>
#include <cstring>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

#include "stream/stream_impl.h"

namespace strdp {
namespace {

constexpr size_t kMaxName = 31;

std::mutex g_mu;
std::map<std::string, stdata *, std::less<>> g_by_name;
std::map<stdata *, std::string> g_by_stream;
std::atomic<uint64_t> g_epoch{1};

// Caller holds g_mu.
void remove_locked(stdata *sp) {
  auto it = g_by_stream.find(sp);
  if (it == g_by_stream.end()) return;
  g_epoch.fetch_add(1, std::memory_order_release);
  g_by_name.erase(it->second);
  g_by_stream.erase(it);
}

}  // namespace

void stream_names_forget(stdata *sp) {
  std::lock_guard lk(g_mu);
  remove_locked(sp);
}

}  // namespace strdp

using namespace strdp;

extern "C" int strdp_stream_set_name(strdp_stream_t *sp, const char *name) {
  if (sp == nullptr) {
    errno = EINVAL;
    return -1;
  }
  if (!sp->sched->is_current()) {
    errno = EXDEV;
    return -1;
  }
  std::lock_guard lk(g_mu);
  if (name == nullptr || *name == '\0') {
    remove_locked(sp);
    return 0;
  }
  size_t len = strnlen(name, kMaxName + 1);
  if (len > kMaxName) {
    errno = EINVAL;
    return -1;
  }
  auto it = g_by_name.find(std::string_view(name, len));
  if (it != g_by_name.end()) {
    if (it->second == sp) return 0;
    errno = EEXIST;
    return -1;
  }
  remove_locked(sp);
  g_epoch.fetch_add(1, std::memory_order_release);
  g_by_name.emplace(std::string(name, len), sp);
  g_by_stream.emplace(sp, std::string(name, len));
  return 0;
}

extern "C" strdp_stream_t *strdp_stream_lookup(const char *name, strdp_sched_t *s) {
  if (name == nullptr || s == nullptr) {
    errno = EINVAL;
    return nullptr;
  }
  std::lock_guard lk(g_mu);
  auto it = g_by_name.find(std::string_view(name));
  if (it == g_by_name.end()) {
    errno = ENOENT;
    return nullptr;
  }
  // sp->sched is read under the mutex: the stream cannot be freed while
  // its name is in the table.
  if (reinterpret_cast<strdp_sched_t *>(it->second->sched) != s &&
      !it->second->shared.load(std::memory_order_acquire)) {
    errno = EXDEV;
    return nullptr;
  }
  return it->second;
}

extern "C" uint64_t strdp_stream_names_epoch(void) {
  return g_epoch.load(std::memory_order_acquire);
}

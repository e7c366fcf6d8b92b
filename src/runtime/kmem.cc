// kmem_alloc(9F) and friends on the C heap.
//
// KM_SLEEP means "never returns NULL": the kernel waits for memory to be
// freed. A process can only retry for a while; if memory stays exhausted
// the caller could not go on anyway, so we panic with a message rather
// than hand back a NULL that the module was promised it would never see.
// As in Solaris, a zero size returns NULL whatever the flag.
#include <strdp/ddi.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <ctime>

namespace {

// About 5 s of retries in all: long enough for a transient peak (another
// thread freeing a burst, the OOM killer taking someone else), short
// enough that a hung daemon says why.
constexpr int kRetries = 50;
constexpr long kRetryNs = 100L * 1000 * 1000;

void *alloc(size_t size, int flag, bool zero) noexcept {
  if (size == 0) return nullptr;
  // Beyond PTRDIFF_MAX no allocator can succeed; waiting would not help.
  if (size > static_cast<size_t>(PTRDIFF_MAX)) {
    if (flag & KM_NOSLEEP) return nullptr;
    cmn_err(CE_PANIC, "kmem_alloc: impossible size %zu with KM_SLEEP", size);
  }
  for (int attempt = 0;; ++attempt) {
    void *p = zero ? std::calloc(1, size) : std::malloc(size);
    if (p || (flag & KM_NOSLEEP)) return p;
    if (attempt == kRetries) break;
    timespec ts{0, kRetryNs};
    nanosleep(&ts, nullptr);
  }
  cmn_err(CE_PANIC, "kmem_alloc: out of memory (%zu bytes, KM_SLEEP)", size);
  return nullptr;  // not reached: CE_PANIC aborts
}

}  // namespace

extern "C" void *kmem_alloc(size_t size, int flag) {
  return alloc(size, flag, false);
}

extern "C" void *kmem_zalloc(size_t size, int flag) {
  return alloc(size, flag, true);
}

extern "C" void kmem_free(void *buf, size_t size) {
  (void)size;  // the C heap knows the size; Solaris needs it, we do not
  std::free(buf);
}

// strdp_open and strdp_close: the open round trip on the connection, the
// region's mapping and checks, and the fenced close.
#include <fcntl.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <new>

#include "client/client_impl.h"

namespace strdp::client {

namespace {

// The header the daemon wrote must describe exactly the layout this
// library was built for (kVersion covers the rest).
bool header_ok(const shm::Header *h, uint64_t stream_id) {
  using namespace shm;
  return h->magic == kMagic && h->version == kVersion && h->wr_off == kHeaderSize &&
         h->wr_size == kWrRingSize && h->req_off == kHeaderSize + kWrRingSize &&
         h->req_size == kReqRingSize && h->rep_off == kHeaderSize + kWrRingSize + kReqRingSize &&
         h->rep_size == kRepRingSize &&
         h->rd_off == kHeaderSize + kWrRingSize + kReqRingSize + kRepRingSize &&
         h->rd_size == kRdRingSize && h->stream_id == stream_id;
}

void free_stream(stdata *sp) {
  if (sp->epfd >= 0) close(sp->epfd);
  munmap(sp->hdr, shm::kRegionSize);
  close(sp->app_bell);
  close(sp->dmn_bell);
  pthread_mutex_destroy(&sp->wr_mu);
  pthread_mutex_destroy(&sp->req_mu);
  pthread_mutex_destroy(&sp->wait_mu);
  pthread_cond_destroy(&sp->wait_cv);
  sp->~stdata();
  free(sp);
}

// Maps the region and builds the stream; consumes fds (memfd, app bell,
// daemon bell) either way. nullptr + *err on failure.
stdata *map_stream(const shm::OpenRep &rep, int fds[3], int oflag, int *err) {
  *err = EPROTO;
  struct stat st;
  void *base = MAP_FAILED;
  // A region shorter than promised would fault on first touch (SIGBUS).
  if (rep.region_size == shm::kRegionSize && fstat(fds[0], &st) == 0 &&
      st.st_size >= static_cast<off_t>(shm::kRegionSize)) {
    base = mmap(nullptr, shm::kRegionSize, PROT_READ | PROT_WRITE, MAP_SHARED, fds[0], 0);
    if (base == MAP_FAILED) *err = errno == ENOMEM ? ENOMEM : EPROTO;
  }
  close(fds[0]);
  auto *hdr = static_cast<shm::Header *>(base);
  void *mem = nullptr;
  if (base != MAP_FAILED && header_ok(hdr, rep.stream_id)) {
    mem = aligned_alloc(alignof(stdata), (sizeof(stdata) + alignof(stdata) - 1) &
                                             ~(alignof(stdata) - 1));
    if (mem == nullptr) *err = ENOMEM;
  }
  if (mem == nullptr) {
    // The daemon keeps its side until the connection closes: a header
    // we cannot read leaves no ring to send kOpClose on.
    if (base != MAP_FAILED) munmap(base, shm::kRegionSize);
    close(fds[1]);
    close(fds[2]);
    return nullptr;
  }
  memset(mem, 0, sizeof(stdata));
  stdata *sp = new (mem) stdata;
  sp->hdr = hdr;
  sp->stream_id = rep.stream_id;
  sp->app_bell = fds[1];
  sp->dmn_bell = fds[2];
  pthread_mutex_init(&sp->wr_mu, nullptr);
  pthread_mutex_init(&sp->req_mu, nullptr);
  pthread_mutex_init(&sp->wait_mu, nullptr);
  pthread_condattr_t ca;
  pthread_condattr_init(&ca);
  pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
  pthread_cond_init(&sp->wait_cv, &ca);
  pthread_condattr_destroy(&ca);
  // Draining must never block: two threads may both see it readable.
  int fl = fcntl(sp->app_bell, F_GETFL);
  if (fl >= 0 && !(fl & O_NONBLOCK)) fcntl(sp->app_bell, F_SETFL, fl | O_NONBLOCK);
  sp->nonblock = (oflag & (O_NONBLOCK | O_NDELAY)) != 0;
  auto *b = static_cast<uint8_t *>(base);
  sp->wr = shm::RingWriter(b + hdr->wr_off, hdr->wr_size, &hdr->wr_prod.v, &hdr->wr_cons.v);
  sp->req = shm::RingWriter(b + hdr->req_off, hdr->req_size, &hdr->req_prod.v, &hdr->req_cons.v);
  sp->rep = shm::RingReader(b + hdr->rep_off, hdr->rep_size, &hdr->rep_prod.v, &hdr->rep_cons.v);
  sp->rd = shm::RingReader(b + hdr->rd_off, hdr->rd_size, &hdr->rd_prod.v, &hdr->rd_cons.v);
  return sp;
}

bool listed(const stdata *sp) {
  for (stdata *s = g_proc.streams; s != nullptr; s = s->next)
    if (s == sp) return true;
  return false;
}

void unlist(stdata *sp) {
  for (stdata **pp = &g_proc.streams; *pp != nullptr; pp = &(*pp)->next)
    if (*pp == sp) {
      *pp = sp->next;
      return;
    }
}

}  // namespace

}  // namespace strdp::client

using namespace strdp::client;
namespace shm = strdp::shm;

// cr must be NULL: the daemon takes the process's credentials from the
// socket (SO_PEERCRED), there are no others to give (EINVAL otherwise).
STRDP_CLIENT_API strdp_stream_t *strdp_open(const char *name, int oflag, struct cred *cr) {
  if (cr != nullptr) {
    errno = EINVAL;
    return nullptr;
  }
  if (name == nullptr) {
    errno = EFAULT;
    return nullptr;
  }
  size_t len = strnlen(name, shm::kMaxName);
  if (len == 0 || len >= shm::kMaxName) {
    errno = len == 0 ? ENOENT : ENAMETOOLONG;
    return nullptr;
  }
  // What the daemon is told: the access mode and blocking (other bits,
  // O_CLOEXEC say, mean nothing for a stream of the daemon's).
  oflag &= O_ACCMODE | O_NONBLOCK | O_NDELAY;

  Lock l(&g_proc.mu);
  int err = 0;
  shm::OpenRep rep{};
  int fds[3];
  // A connection made earlier may have died since (a daemon restart):
  // that shows as ENXIO on it, and one new connection is tried.
  for (int attempt = 0; attempt < 2; ++attempt) {
    bool fresh = g_proc.conn == nullptr || conn_dead(g_proc.conn);
    Conn *c = conn_get(&err);
    if (c == nullptr) break;
    err = conn_open(c, name, oflag, &rep, fds);
    if (err == 0) {
      stdata *sp = map_stream(rep, fds, oflag, &err);
      if (sp == nullptr) break;
      sp->conn = c;
      ++c->refs;
      sp->next = g_proc.streams;
      g_proc.streams = sp;
      return sp;
    }
    if (err != ENXIO || fresh) break;
  }
  errno = err;
  return nullptr;
}

// Fenced kOpClose: the daemon closes the stream after the posted writes
// went down, as close(2) does. With the daemon gone only our side is
// freed. An error the daemon answers leaves the stream open and usable
// (the in-process head refuses to close a linked stream, EINVAL), unless
// the daemon marked it gone.
STRDP_CLIENT_API int strdp_close(strdp_stream_t *sp) {
  if (sp == nullptr) return fail(EBADF);
  {
    Lock l(&g_proc.mu);
    if (!listed(sp)) return fail(EBADF);
  }
  int err = 0;
  {
    Lock w(&sp->wr_mu);
    Lock r(&sp->req_mu);
    if (!stream_gone(sp)) {
      shm::Request rq{};
      rq.op = shm::kOpClose;
      rq.wr_fence = wr_fence(sp);
      rq.flags = req_flags(sp);
      int64_t rval;
      err = simple_request(sp, &rq, nullptr, 0, &rval);
      if (err == ENXIO && stream_gone(sp)) err = 0;
      if (err != 0 && !stream_gone(sp)) return fail(err);
      if (err == EPROTO) err = 0;  // broken: nothing more to tell it
    }
  }
  Lock l(&g_proc.mu);
  unlist(sp);
  Conn *c = sp->conn;
  free_stream(sp);
  conn_unref(c);
  return err != 0 ? fail(err) : 0;
}

STRDP_CLIENT_API int strdp_set_nonblock(strdp_stream_t *sp, int on) {
  if (sp == nullptr) return fail(EBADF);
  CallScope scope(sp);
  shm::store_rel(sp->nonblock, on ? 1u : 0u);
  return 0;
}

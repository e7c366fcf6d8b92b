// The process's one connection to streamsd: connecting, the open round
// trip (OpenReq out, OpenRep and three descriptors back) and noticing
// that the daemon went away (the socket reads EOF).
#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <new>

#include "client/client_impl.h"

namespace strdp::client {

// Constant-initialised: no constructor runs, no guard variable.
constinit Process g_proc;

namespace {

constexpr char kDefaultSocket[] = "/run/strdp/apps.sock";

// connect(2)'s failures as open(2) reports them (docs/shm-head.md):
// permission problems stay EACCES, descriptor limits stay themselves,
// everything else means "no daemon there".
int connect_error(int e) {
  switch (e) {
    case EACCES:
    case EPERM: return EACCES;
    case EMFILE:
    case ENFILE:
    case EINTR: return e;
    default: return ENXIO;
  }
}

int dial(int *err) {
  // secure_getenv: a set-user-ID program must not be pointed elsewhere.
  const char *path = secure_getenv("STRDP_SOCKET");
  if (path == nullptr || *path == '\0') path = kDefaultSocket;
  sockaddr_un sa{};
  sa.sun_family = AF_UNIX;
  size_t n = strlen(path);
  if (n >= sizeof sa.sun_path) {
    *err = ENXIO;
    return -1;
  }
  memcpy(sa.sun_path, path, n + 1);
  int s = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
  if (s < 0) {
    *err = connect_error(errno);
    return -1;
  }
  if (connect(s, reinterpret_cast<sockaddr *>(&sa), sizeof sa) != 0) {
    *err = connect_error(errno);
    close(s);
    return -1;
  }
  return s;
}

void conn_free(Conn *c) {
  if (g_proc.conn == c) g_proc.conn = nullptr;
  if (c->sock >= 0) close(c->sock);
  c->~Conn();
  free(c);
}

void close_fds(int *fds, int n) {
  for (int i = 0; i < n; ++i)
    if (fds[i] >= 0) close(fds[i]);
}

// Takes every SCM_RIGHTS descriptor of a received message; at most 3 kept
// in fds, the rest closed. Returns how many came.
int take_fds(msghdr *mh, int fds[3]) {
  int n = 0;
  for (cmsghdr *cm = CMSG_FIRSTHDR(mh); cm != nullptr; cm = CMSG_NXTHDR(mh, cm)) {
    if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS) continue;
    size_t k = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
    for (size_t i = 0; i < k; ++i) {
      int fd;
      memcpy(&fd, CMSG_DATA(cm) + i * sizeof(int), sizeof fd);
      if (n < 3)
        fds[n] = fd;
      else
        close(fd);
      ++n;
    }
  }
  return n;
}

// A forked child has the parent's descriptors but not its connection:
// the daemon knows the parent's credentials on that socket, and both
// processes using one region's rings would corrupt them. In the child
// the parent's connection and streams are gone (reads EOF, writes ENXIO,
// close frees the child's copies); its first open makes its own. The
// child runs this alone; a parent thread may have held the lock.
void after_fork_child() {
  pthread_mutex_init(&g_proc.mu, nullptr);
  auto drop = [](Conn *c) {
    shm::store_rel(c->dead, 1u);
    if (c->sock >= 0) close(c->sock);  // else it would keep the parent's alive
    c->sock = -1;
  };
  for (stdata *s = g_proc.streams; s != nullptr; s = s->next) drop(s->conn);
  if (Conn *c = g_proc.conn; c != nullptr) {
    drop(c);
    g_proc.conn = nullptr;
    if (c->refs == 0) conn_free(c);
  }
}

}  // namespace

Conn *conn_get(int *err) {
  if (!g_proc.atfork) g_proc.atfork = pthread_atfork(nullptr, nullptr, after_fork_child) == 0;
  Conn *c = g_proc.conn;
  if (c != nullptr && conn_dead(c)) {
    // Its streams keep it (and its descriptor number) until they close.
    g_proc.conn = nullptr;
    if (c->refs == 0) conn_free(c);
    c = nullptr;
  }
  if (c != nullptr) return c;
  int s = dial(err);
  if (s < 0) return nullptr;
  void *mem = calloc(1, sizeof(Conn));
  if (mem == nullptr) {
    close(s);
    *err = ENOMEM;
    return nullptr;
  }
  c = new (mem) Conn;
  c->sock = s;
  g_proc.conn = c;
  return c;
}

void conn_unref(Conn *c) {
  if (--c->refs == 0 && (c != g_proc.conn || conn_dead(c))) conn_free(c);
}

void conn_detach(Conn *c) {
  if (g_proc.conn == c) g_proc.conn = nullptr;
  if (c->refs == 0) conn_free(c);
}

void conn_mark_dead(Conn *c) { shm::store_rel(c->dead, 1u); }

void conn_probe(Conn *c) {
  if (conn_dead(c)) return;
  int saved = errno;
  char b;
  ssize_t n = recv(c->sock, &b, 1, MSG_PEEK | MSG_DONTWAIT);
  // Something to read is an open's reply, for the thread that opened.
  if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR))
    conn_mark_dead(c);
  errno = saved;
}

int conn_open(Conn *c, const char *name, int oflag, shm::OpenRep *rep, int fds[3]) {
  fds[0] = fds[1] = fds[2] = -1;
  shm::OpenReq rq{};
  rq.magic = shm::kMagic;
  rq.version = shm::kVersion;
  rq.oflag = oflag;
  strncpy(rq.name, name, sizeof rq.name - 1);  // the caller checked its length
  ssize_t n;
  do {
    n = send(c->sock, &rq, sizeof rq, MSG_NOSIGNAL);
  } while (n < 0 && errno == EINTR);
  if (n != static_cast<ssize_t>(sizeof rq)) {
    conn_mark_dead(c);
    return ENXIO;
  }

  alignas(cmsghdr) char cbuf[CMSG_SPACE(3 * sizeof(int))];
  iovec iov{rep, sizeof *rep};
  msghdr mh{};
  mh.msg_iov = &iov;
  mh.msg_iovlen = 1;
  mh.msg_control = cbuf;
  mh.msg_controllen = sizeof cbuf;
  do {
    n = recvmsg(c->sock, &mh, MSG_CMSG_CLOEXEC);
  } while (n < 0 && errno == EINTR);
  int nfds = n >= 0 ? take_fds(&mh, fds) : 0;
  if (n <= 0) {  // the daemon went away (or the socket broke)
    close_fds(fds, 3);
    conn_mark_dead(c);
    return ENXIO;
  }
  if (n != static_cast<ssize_t>(sizeof *rep) || (mh.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) ||
      rep->magic != shm::kMagic) {
    // Not our protocol: no later open can trust this socket. Streams
    // already open on it keep it (their regions are theirs alone).
    close_fds(fds, 3);
    conn_detach(c);
    return EPROTO;
  }
  if (rep->err != 0) {
    close_fds(fds, 3);
    return rep->err > 0 && rep->err < 4096 ? rep->err : EPROTO;
  }
  if (nfds != 3) {
    close_fds(fds, 3);
    conn_detach(c);
    return EPROTO;
  }
  return 0;
}

}  // namespace strdp::client

// The apps service's thread (see app_service.h).
#include "apphead/app_service.h"

#include <fcntl.h>
#include <rte_cycles.h>
#include <rte_lcore.h>
#include <rte_pause.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "apphead/conn.h"
#include "sched/scheduler.h"

namespace strdp::apphead {

namespace {

// Connections at once; one more is accepted and closed at once.
constexpr size_t kMaxConns = 256;
// The longest the spinning service goes without a look at the sockets
// (new applications, opens) and the doorbells (ns).
constexpr uint64_t kSocketEveryNs = 50'000;
// Busy passes between two looks at the sockets.
constexpr unsigned kBusySocketEvery = 64;
// Idle passes between two reads of the clock.
constexpr unsigned kIdleClockEvery = 16;
// The spin window's bounds (ns).
constexpr uint64_t kSpinMin = 20'000, kSpinMax = 2'000'000;

// epoll tags: small numbers, never a Conn's address.
constexpr uint64_t kTagListen = 1, kTagWake = 2, kTagBell = 3;

// The TSC, not clock_gettime: a virtual machine's clock_gettime can cost
// as much as a pass (the loop still reads the clock only when idle).
uint64_t now_ns() {
  static const double ns_per_cycle = 1e9 / static_cast<double>(rte_get_tsc_hz());
  return static_cast<uint64_t>(static_cast<double>(rte_get_tsc_cycles()) * ns_per_cycle);
}

void watch(int ep, int fd, uint64_t tag) {
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.u64 = tag;
  epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
}

}  // namespace

AppService::AppService() = default;

AppService::~AppService() { stop(); }

bool AppService::start(const config::AppsSpec &spec, std::string *why) {
  spec_ = spec;
  // Doorbells are pipes whose other end an application holds: one that
  // died leaves a pipe without a reader, and a write must fail EPIPE, not
  // kill the daemon.
  signal(SIGPIPE, SIG_IGN);
  if (sock_.open(spec_.socket, spec_.mode, spec_.group, why, SOCK_SEQPACKET) < 0) return false;
  int p[2];
  ep_ = epoll_create1(EPOLL_CLOEXEC);
  if (ep_ < 0 || pipe2(p, O_CLOEXEC | O_NONBLOCK) != 0) {
    *why = std::string("apps service: ") + strerror(errno);
    if (ep_ >= 0) close(ep_);
    ep_ = -1;
    sock_.close();
    return false;
  }
  wake_r_ = p[0];
  wake_w_ = p[1];
  watch(ep_, sock_.fd(), kTagListen);
  watch(ep_, wake_r_, kTagWake);
  scratch_ = std::make_unique<Scratch>();
  sched_ = std::make_unique<Scheduler>("apps");
  sched_->set_wakeup_fd(wake_w_);
  // Built here, on the service's scheduler bound for the while, so start
  // can say what failed; the thread owns them from its first pass.
  Scheduler *prev = Scheduler::current();
  Scheduler::bind(sched_.get());
  bool built = streams_.build(spec_.streams, why);
  Scheduler::bind(prev);
  if (!built) {
    stop();  // no thread yet: the socket, the scheduler, the descriptors
    return false;
  }
  stop_.store(false);
  thread_ = std::thread([this] { run(); });
  return true;
}

void AppService::stop() {
  if (thread_.joinable()) {
    stop_.store(true);
    char b = 1;
    ssize_t n = write(wake_w_, &b, 1);
    (void)n;
    thread_.join();
  }
  sock_.close();
  sched_.reset();
  for (int *f : {&ep_, &wake_r_, &wake_w_}) {
    if (*f >= 0) close(*f);
    *f = -1;
  }
}

void AppService::run() {
  pthread_setname_np(pthread_self(), "strdp-apps");
  // Mempool caches and the rest of DPDK want an lcore id on this thread.
  bool registered = rte_thread_register() == 0;
  Scheduler::bind(sched_.get());
  unsigned busy = 0, idle = 0, last_pass = 1;
  uint64_t idle_since = 0, last_sockets = now_ns();
  while (!stop_.load(std::memory_order_relaxed)) {
    unsigned work = sched_->run_once();
    bool dirty = work != 0 || last_pass != 0;
    for (size_t i = 0; i < conns_.size();) {
      Conn &c = *conns_[i];
      work += c.poll(dirty);
      if (*c.violation() != '\0') {
        cmn_err(CE_WARN, "apps: pid %d uid %u broke the protocol (%s): its streams are closed",
                static_cast<int>(c.pid()), static_cast<unsigned>(c.uid()), c.violation());
        ++ctr_.violations;
        conns_.erase(conns_.begin() + static_cast<ptrdiff_t>(i));
        continue;
      }
      ++i;
    }
    // Busy passes never read the clock (in a virtual machine the TSC read
    // can trap and cost as much as the pass); they look at the sockets
    // (new applications, opens) every kBusySocketEvery passes.
    last_pass = work;
    if (work != 0) {
      idle = 0;
      if (++busy % kBusySocketEvery == 0) poll_events(0);
      continue;
    }
    // Idle: the clock every kIdleClockEvery passes. Doorbells are rung only
    // while we sleep, so the spin needs no system call; the sockets are
    // looked at every kSocketEveryNs.
    if (idle++ % kIdleClockEvery != 0) {
      rte_pause();
      continue;
    }
    uint64_t t = now_ns();
    if (idle == 1) idle_since = t;
    if (t - last_sockets >= kSocketEveryNs) {
      last_sockets = t;
      if (poll_events(0) != 0) {
        idle = 0;
        last_pass = 1;
        continue;
      }
    }
    if (t - idle_since < spin_ns_) {
      rte_pause();
      continue;
    }
    try_sleep();
    idle = 0;
    last_pass = 1;
  }
  // Stopping: every application sees a hangup, then its streams close.
  for (auto &c : conns_) c->hang_up_all();
  conns_.clear();
  sched_->drain();  // what the lanes posted to the shared streams included
  streams_.close_all();
  sched_->drain();
  Scheduler::bind(nullptr);
  if (registered) rte_thread_unregister();
}

void AppService::try_sleep() {
  for (auto &c : conns_) c->arm_doorbells(true);
  bool input = false;
  for (auto &c : conns_) input = input || c->has_input();
  if (input || !sched_->prepare_sleep()) {
    sched_->end_sleep();
    for (auto &c : conns_) c->arm_doorbells(false);
    return;
  }
  bool timed = sched_->timers_pending();
  for (auto &c : conns_) timed = timed || c->has_deadline();
  ++ctr_.sleeps;
  uint64_t t0 = now_ns();
  poll_events(timed ? 1 : -1);
  sched_->end_sleep();
  for (auto &c : conns_) c->arm_doorbells(false);
  uint64_t t1 = now_ns();
  // Adapt: a sleep shorter than the window means work comes often (spin
  // longer next time); a long one means idleness (spin less).
  if (t1 - t0 < spin_ns_)
    spin_ns_ = std::min(spin_ns_ * 2, kSpinMax);
  else if (t1 - t0 > 16 * spin_ns_)
    spin_ns_ = std::max(spin_ns_ / 2, kSpinMin);
}

unsigned AppService::poll_events(int timeout_ms) {
  epoll_event ev[64];
  int n = epoll_wait(ep_, ev, 64, timeout_ms);
  if (n <= 0) return 0;
  bool bells = false;
  std::vector<Conn *> dead;
  for (int i = 0; i < n; ++i) {
    uint64_t tag = ev[i].data.u64;
    if (tag == kTagListen) {
      accept_all();
    } else if (tag == kTagWake) {
      char buf[64];
      while (read(wake_r_, buf, sizeof buf) > 0) {
      }
    } else if (tag == kTagBell) {
      bells = true;
    } else {
      auto *c = static_cast<Conn *>(ev[i].data.ptr);
      bool ok = (ev[i].events & EPOLLIN) ? c->on_socket() : true;
      if (!ok || (ev[i].events & (EPOLLHUP | EPOLLERR))) dead.push_back(c);
    }
  }
  if (bells)
    for (auto &c : conns_) c->drain_doorbells();
  for (auto &c : conns_)
    for (int fd : c->take_new_doorbells()) watch(ep_, fd, kTagBell);
  for (Conn *d : dead) {
    for (size_t i = 0; i < conns_.size(); ++i) {
      if (conns_[i].get() != d) continue;
      if (*d->violation() != '\0') {
        cmn_err(CE_WARN, "apps: pid %d uid %u broke the protocol (%s): its streams are closed",
                static_cast<int>(d->pid()), static_cast<unsigned>(d->uid()), d->violation());
        ++ctr_.violations;
      }
      conns_.erase(conns_.begin() + static_cast<ptrdiff_t>(i));
      break;
    }
  }
  return static_cast<unsigned>(n);
}

void AppService::accept_all() {
  for (;;) {
    int fd = accept4(sock_.fd(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) return;
    ucred uc{};
    socklen_t len = sizeof uc;
    if (conns_.size() >= kMaxConns || getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &uc, &len) != 0) {
      close(fd);
      continue;
    }
    auto c = std::make_unique<Conn>(fd, uc.pid, uc.uid, uc.gid, &spec_, &streams_, &ctr_,
                                    scratch_.get(), &next_id_);
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLRDHUP;
    ev.data.ptr = c.get();
    epoll_ctl(ep_, EPOLL_CTL_ADD, fd, &ev);
    conns_.push_back(std::move(c));
  }
}

void AppService::take_snapshot(AppSnapshot *out) {
  out->socket = sock_.path();
  out->connections = static_cast<unsigned>(conns_.size());
  out->counters = ctr_;
  out->streams.clear();
  for (auto &c : conns_) {
    for (auto &b : c->bridges()) {
      AppStreamRow r;
      r.id = b->id();
      r.name = b->name();
      r.pid = c->pid();
      r.uid = c->uid();
      r.gid = c->gid();
      r.sigmask = b->sig_events();
      if (stdata *sp = b->stream(); sp != nullptr) {
        for (auto &m : sp->modules) r.modules.push_back(m.mod->name);
        r.linked = sp->plex != nullptr;
      }
      out->streams.push_back(std::move(r));
    }
  }
  out->configured.clear();
  for (const auto &e : streams_.entries()) {
    ConfiguredRow r;
    r.name = e->name;
    r.pid = e->attached ? e->pid : 0;
    for (auto &m : e->sp->modules) r.modules.push_back(m.mod->name);
    strdp_qstats rq, wq;
    strdp_qstats_get(e->sp->rq(), &rq);
    strdp_qstats_get(e->sp->wq(), &wq);
    r.queued = rq.queued_msgs;
    for (uint64_t d : wq.drops) r.drops += d;
    out->configured.push_back(std::move(r));
  }
}

bool AppService::snapshot(AppSnapshot *out) {
  if (!thread_.joinable()) return false;
  struct Arg {
    AppService *self;
    AppSnapshot *out;
  } a{this, out};
  return sched_->call([](void *p) {
    auto *x = static_cast<Arg *>(p);
    x->self->take_snapshot(x->out);
  }, &a);
}

}  // namespace strdp::apphead

// memif_peer — the other process of the net_memif tests: a DPDK process
// of its own (its own EAL, file prefix and message pool) that opens the
// pmd driver on a net_memif server port in raw mode and echoes frames.
//
//   memif_peer FRAMES SWAP EAL-ARGS...
//
// FRAMES: how many frames to echo; SWAP 1: swap the two MAC addresses of
// each frame before sending it back (so a DLPI stream on the other side,
// which takes only frames for its address, receives the echo). The port
// is net_memif0 of EAL-ARGS.
//
// Talks to the test line by line. On stdout:
//   ready MAC RUNDIR   port set up and attached, DL_NOTIFY_REQ acked
//                      (RUNDIR: EAL's runtime directory, which the test
//                      removes if we die)
//   link up            DL_NOTIFY_IND DL_NOTE_LINK_UP came up the stream
//   done N rx_paused=P tx_invalid=T   N frames echoed; P polls skipped
//                      because our stream was full (flow control held
//                      the memif ring)
//   error TEXT         then exit status 1
// On stdin: "go" (start reading: until then, frames pile up in our
// stream head, then in the ring, and the test's writer must block);
// "quit" or end of input (close everything and exit 0).
//
// Bounded: every phase has a deadline, and alarm() ends a peer whose
// test is gone.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <strdp/dlpi.h>
#include <strdp/pmd.h>
#include <strdp/strdp.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kPhase = std::chrono::seconds(60);

strdp_sched_t *g_sched;
strdp_stream_t *g_sp;
int g_port = -1;
std::string g_rundir;
bool g_eal = false;

// Closes what is open, in order, and leaves no file behind (memif removes
// its socket file when its port closes; EAL's runtime directory is ours).
void shut_down() {
  if (g_sp != nullptr) strdp_close(g_sp);
  g_sp = nullptr;
  if (g_port >= 0) strdp_port_close(static_cast<uint16_t>(g_port));
  g_port = -1;
  if (!g_eal) return;
  strdp_runtime_fini();
  // No rte_eal_cleanup(): when the other side hangs up first, net_memif
  // leaves the unregistration of its control channel to EAL's interrupt
  // thread (rte_intr_callback_unregister_pending), which then frees the
  // channel's rte_malloc'd state. rte_eal_cleanup() does not wait for
  // that thread, and tore the heap down under it (a SIGSEGV in
  // rte_intr_fd_get, about one exit in six). The process ends here; the
  // kernel takes the rest, and the run directory goes below.
  g_eal = false;
  std::error_code ec;
  if (!g_rundir.empty()) std::filesystem::remove_all(g_rundir, ec);
}

[[noreturn]] void fail(const std::string &why) {
  std::printf("error %s\n", why.c_str());
  std::fflush(stdout);
  shut_down();
  std::exit(1);
}

void say(const std::string &line) {
  std::printf("%s\n", line.c_str());
  std::fflush(stdout);
}

// stdin, read without blocking. End of input before "quit" means the test
// is gone: every wait notices it at its next pass.
std::string g_in;
bool g_eof = false;
void read_stdin() {
  pollfd p{0, POLLIN, 0};
  if (g_eof || poll(&p, 1, 0) <= 0) return;
  char b[256];
  ssize_t n = read(0, b, sizeof b);
  if (n <= 0)
    g_eof = true;
  else
    g_in.append(b, static_cast<size_t>(n));
}

// The next whole line of stdin, if there is one; "quit" at end of input.
bool next_line(std::string *line) {
  read_stdin();
  size_t nl = g_in.find('\n');
  if (nl == std::string::npos) {
    if (!g_eof) return false;
    *line = "quit";
    return true;
  }
  *line = g_in.substr(0, nl);
  g_in.erase(0, nl + 1);
  return true;
}

// One pass of our scheduler (a short sleep when idle); ends the peer if
// the test went away.
void pass() {
  read_stdin();
  if (g_eof && g_in.find("quit") == std::string::npos) fail("end of input: the test is gone");
  if (strdp_sched_run(g_sched) == 0) std::this_thread::sleep_for(std::chrono::microseconds(100));
}

struct Msg {
  int clen = -1, dlen = -1;
  char ctl[512], data[16384];
  t_uscalar_t prim() const {
    t_uscalar_t p = 0xffffffffu;
    if (clen >= static_cast<int>(sizeof p)) std::memcpy(&p, ctl, sizeof p);
    return p;
  }
};

bool try_get(Msg *m) {
  strbuf c{sizeof m->ctl, 0, m->ctl}, d{sizeof m->data, 0, m->data};
  int flags = 0;
  int r = strdp_getmsg(g_sp, &c, &d, &flags);
  if (r < 0 && errno != EAGAIN) fail(std::string("getmsg: ") + strerror(errno));
  if (r > 0) fail("a message larger than the buffers");
  m->clen = c.len;
  m->dlen = d.len;
  return r == 0;
}

// The next message, waiting up to a phase.
void get(Msg *m, const char *what) {
  auto end = Clock::now() + kPhase;
  while (!try_get(m)) {
    if (Clock::now() > end) fail(std::string("no ") + what);
    pass();
  }
}

template <typename T>
void put_prim(const T &p) {
  strbuf c{0, sizeof p, reinterpret_cast<char *>(const_cast<T *>(&p))};
  if (strdp_putmsg(g_sp, &c, nullptr, 0) != 0) fail(std::string("putmsg: ") + strerror(errno));
}

std::vector<char *> eal_argv(int argc, char **argv) {
  std::vector<char *> a{argv[0]};
  for (int i = 3; i < argc; ++i) a.push_back(argv[i]);
  return a;
}

}  // namespace

int main(int argc, char **argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: %s FRAMES SWAP EAL-ARGS...\n", argv[0]);
    return 2;
  }
  long frames = std::strtol(argv[1], nullptr, 10);
  bool swap = std::strcmp(argv[2], "1") == 0;
  alarm(4 * 60);  // whatever happens, a peer ends
  // A test that is gone must not kill us on our next line to it: we
  // notice the end of input instead, and clean up.
  signal(SIGPIPE, SIG_IGN);

  std::vector<char *> ea = eal_argv(argc, argv);
  if (rte_eal_init(static_cast<int>(ea.size()), ea.data()) < 0) fail("rte_eal_init failed");
  g_rundir = rte_eal_get_runtime_dir();
  if (strdp_runtime_init(nullptr) != 0) {
    rte_eal_cleanup();
    fail("strdp_runtime_init failed");
  }
  g_eal = true;
  g_sched = strdp_sched_current();
  int port = g_port = strdp_port_setup("net_memif0", nullptr);
  if (port < 0) fail(std::string("strdp_port_setup(net_memif0): ") + strerror(errno));
  g_sp = strdp_open("pmd", O_RDWR | O_NONBLOCK, nullptr);
  if (g_sp == nullptr) fail(std::string("open pmd: ") + strerror(errno));
  strioctl ic{DLIOCRAW, 0, 0, nullptr};
  if (strdp_ioctl(g_sp, I_STR, reinterpret_cast<intptr_t>(&ic)) != 0)
    fail(std::string("DLIOCRAW: ") + strerror(errno));

  Msg m;
  put_prim(dl_attach_req_t{DL_ATTACH_REQ, STRDP_PMD_PPA(port, 0)});
  get(&m, "answer to DL_ATTACH_REQ");
  if (m.prim() != DL_OK_ACK) fail("DL_ATTACH_REQ refused");
  put_prim(dl_notify_req_t{DL_NOTIFY_REQ, DL_NOTE_LINK_UP | DL_NOTE_LINK_DOWN, 0});
  get(&m, "answer to DL_NOTIFY_REQ");
  if (m.prim() != DL_NOTIFY_ACK) fail("DL_NOTIFY_REQ refused");

  rte_ether_addr mac{};
  rte_eth_macaddr_get(static_cast<uint16_t>(port), &mac);
  char macs[18];
  std::snprintf(macs, sizeof macs, "%02x:%02x:%02x:%02x:%02x:%02x", mac.addr_bytes[0],
                mac.addr_bytes[1], mac.addr_bytes[2], mac.addr_bytes[3], mac.addr_bytes[4],
                mac.addr_bytes[5]);
  say(std::string("ready ") + macs + " " + g_rundir);

  // Link up: notifications only (the test sends nothing before we say so).
  for (;;) {
    get(&m, "DL_NOTIFY_IND link up");
    if (m.prim() != DL_NOTIFY_IND) fail("data before link up");
    dl_notify_ind_t n;
    std::memcpy(&n, m.ctl, sizeof n);
    if (n.dl_notification == DL_NOTE_LINK_UP) break;
  }
  say("link up");

  // The gate: the scheduler runs (the poller fills our stream head, then
  // stops polling), nobody reads.
  std::string line;
  auto end = Clock::now() + kPhase;
  while (!next_line(&line)) {
    if (Clock::now() > end) fail("no go");
    pass();
  }
  if (line != "go") fail("expected go, got " + line);
  // The test's writer is blocked, so the ring is full: polling now fills
  // our stream head until the driver stops polling (rx_paused). Wait for
  // that, so the stop is seen whatever the two processes' timing was.
  strdp_pmd_stats st{};
  end = Clock::now() + kPhase;
  while (strdp_pmd_get_stats(static_cast<uint16_t>(port), 0, &st) == 0 && st.rx_paused == 0) {
    if (Clock::now() > end) fail("the driver never stopped polling for a full stream");
    pass();
  }

  long echoed = 0;
  bool pending = false;
  end = Clock::now() + kPhase;
  while (echoed < frames) {
    if (!pending && try_get(&m)) {
      if (m.clen >= 0) continue;  // a notification: not ours to echo
      if (m.dlen < 14) fail("a frame shorter than a header");
      if (swap) {
        char t[6];
        std::memcpy(t, m.data, 6);
        std::memcpy(m.data, m.data + 6, 6);
        std::memcpy(m.data + 6, t, 6);
      }
      pending = true;
    }
    if (pending) {
      strbuf d{0, m.dlen, m.data};
      if (strdp_putmsg(g_sp, nullptr, &d, 0) == 0) {
        pending = false;
        ++echoed;
        continue;
      }
      if (errno != EAGAIN) fail(std::string("putmsg: ") + strerror(errno));
    }
    if (Clock::now() > end) fail("echoed only " + std::to_string(echoed));
    pass();
  }
  strdp_pmd_get_stats(static_cast<uint16_t>(port), 0, &st);
  say("done " + std::to_string(echoed) + " rx_paused=" + std::to_string(st.rx_paused) +
      " tx_invalid=" + std::to_string(st.tx_invalid));

  // Keep the port going (the last frames may still wait for the ring)
  // until told to stop.
  end = Clock::now() + kPhase;
  while (!next_line(&line) && Clock::now() < end) pass();

  shut_down();
  return 0;
}

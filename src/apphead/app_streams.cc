// [[apps.stream]] (see app_streams.h).
#include "apphead/app_streams.h"

#include <fcntl.h>

#include <cerrno>
#include <cstring>

#include "daemon/lane.h"
#include "head/head_impl.h"

namespace strdp::apphead {

bool AppStreams::build(const std::vector<config::AppStreamSpec> &specs, std::string *why) {
  cred_ = make_peer_cred(0, 0, 0);
  for (const config::AppStreamSpec &s : specs) {
    auto e = std::make_unique<Entry>();
    e->name = s.name;
    // O_NONBLOCK: the service never waits on a stream (bridge.h).
    e->sp = stream_open(s.driver.c_str(), O_RDWR | O_NONBLOCK, &cred_);
    if (e->sp == nullptr) {
      *why = "[apps] stream " + s.name + ": open " + s.driver + ": " + strerror(errno);
      close_all();
      return false;
    }
    std::string step;
    int err = 0;
    for (const config::ModuleSpec &m : s.modules)
      if ((err = daemon::lane_push(e->sp, m.name, m.args, &step)) != 0) break;
    if (err == 0 && strdp_stream_set_name(e->sp, s.name.c_str()) != 0) {
      err = errno;
      step = err == EEXIST ? "its name is taken" : std::string("name: ") + strerror(err);
    }
    if (err == 0 && strdp_stream_share(e->sp) != 0) {
      err = errno;
      step = std::string("share: ") + strerror(err);
    }
    if (err != 0) {
      *why = "[apps] stream " + s.name + ": " + step;
      stream_close(e->sp);
      close_all();
      return false;
    }
    e->built_modules = e->sp->modules.size();
    // Anchored: an application pops only what it pushed (EPERM below),
    // so a detach can always give the stream back as it was built.
    if (e->built_modules != 0) e->sp->anchor = static_cast<unsigned>(e->built_modules);
    e->rdopt = e->sp->rdopt;
    e->wropt = e->sp->wropt;
    e->erropt = e->sp->erropt;
    e->closetime_ms = e->sp->closetime_ms;
    entries_.push_back(std::move(e));
  }
  return true;
}

AppStreams::Entry *AppStreams::find(std::string_view name) {
  for (auto &e : entries_)
    if (e->name == name) return e.get();
  return nullptr;
}

int AppStreams::attach(Entry *e, pid_t pid) {
  if (e->attached) return EBUSY;
  e->attached = true;
  e->pid = pid;
  return 0;
}

void AppStreams::detach(Entry *e) {
  stdata *sp = e->sp;
  int rval;
  // What the application linked through it goes (persistent links are
  // undone by its connection, as for any stream of its own).
  head_ioctl(sp, I_UNLINK, MUXID_ALL, &rval);
  // What it pushed: a pop drains the module first and may refuse (EBUSY)
  // while its queues hold data; then the module stays, which the log
  // says, rather than losing what it holds.
  sp->anchor = static_cast<unsigned>(e->built_modules);  // the application may have moved it
  while (sp->modules.size() > e->built_modules) {
    if (int err = head_ioctl(sp, I_POP, 0, &rval); err != 0) {
      cmn_err(CE_WARN, "apps: stream %s: a module an application pushed stays (pop: %s)",
              e->name.c_str(), strerror(err));
      break;
    }
  }
  sp->rdopt = e->rdopt;
  sp->wropt = e->wropt;
  sp->erropt = e->erropt;
  sp->closetime_ms = e->closetime_ms;
  e->attached = false;
  e->pid = 0;
}

void AppStreams::close_all() {
  for (auto it = entries_.rbegin(); it != entries_.rend(); ++it)
    if ((*it)->sp != nullptr) stream_close((*it)->sp);
  entries_.clear();
}

}  // namespace strdp::apphead

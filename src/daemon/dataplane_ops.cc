// Live changes: push, pop, link, unlink, load. Each lane is changed by
// its own lcore between bursts (on_lcore); a change to a stream is all or
// nothing over its lanes: when lane k fails, lanes 0..k-1 are put back
// as they were and the error says what happened.
#include <cerrno>
#include <cstring>

#include "daemon/dataplane.h"
#include "daemon/dataplane_impl.h"
#include "daemon/lane.h"
#include "daemon/on_lcore.h"

namespace strdp::daemon {

namespace {

Status not_running() { return Status::fail(ESHUTDOWN, "the dataplane is not running"); }
Status no_stream(const std::string &name) {
  return Status::fail(ENOENT, "no stream named \"" + name + "\"");
}
Status no_answer(unsigned lcore) {
  return Status::fail(EIO, "lcore " + std::to_string(lcore) + " does not answer");
}

}  // namespace

Status Dataplane::stack_of(const std::string &name, Stream **out) {
  if (!running_) return not_running();
  Stream *s = find(name);
  if (s == nullptr) return no_stream(name);
  if (!s->linked_under.empty())
    return Status::fail(EINVAL, "stream " + name + " is linked under " + s->linked_under +
                                    ": its head is the mux's; unlink it first");
  *out = s;
  return {};
}

Status Dataplane::push(const std::string &stream, const std::string &module,
                       const std::string &args) {
  std::lock_guard lock(mu_);
  Stream *s = nullptr;
  if (Status st = stack_of(stream, &s); !st.ok()) return st;
  // A module not loaded yet is loaded here, on the control thread, not by
  // the first lane's I_PUSH on its poll-mode lcore; a name nothing has
  // fails each lane's push as before.
  (void)strdp_modload(module.c_str());
  for (size_t k = 0; k < s->lanes.size(); ++k) {
    Lane &l = s->lanes[k];
    int err = 0;
    std::string why;
    if (!on_lcore(l.sched, [&] { err = lane_push(l.sp, module, args, &why); }))
      err = EIO, why = "lcore " + std::to_string(l.lcore) + " does not answer";
    if (err == 0) continue;
    std::string msg = "push " + module + " on stream " + stream + " lane " + std::to_string(k) +
                      ": " + why;
    for (size_t j = k; j-- > 0;) {
      Lane &u = s->lanes[j];
      std::string popped, why2;
      int e2 = 0;
      on_lcore(u.sched, [&] { e2 = lane_pop(u.sp, &popped, &why2); });
      if (e2 != 0) msg += "; lane " + std::to_string(j) + " NOT undone: " + why2;
    }
    if (k > 0) msg += "; undone on lanes 0.." + std::to_string(k - 1);
    return Status::fail(err, msg);
  }
  s->pushed.insert(s->pushed.begin(), config::ModuleSpec{module, args, {}});
  return {};
}

Status Dataplane::pop(const std::string &stream, std::string *popped, unsigned *drain_passes) {
  if (drain_passes != nullptr) *drain_passes = 0;
  std::lock_guard lock(mu_);
  Stream *s = nullptr;
  if (Status st = stack_of(stream, &s); !st.ok()) return st;
  for (size_t k = 0; k < s->lanes.size(); ++k) {
    Lane &l = s->lanes[k];
    int err = 0;
    std::string name, why;
    unsigned passes = 0;
    if (!on_lcore(l.sched, [&] { err = lane_pop(l.sp, &name, &why, &passes); }))
      err = EIO, why = "lcore " + std::to_string(l.lcore) + " does not answer";
    if (err == 0) {
      *popped = name;
      if (drain_passes != nullptr) *drain_passes += passes;
      continue;
    }
    std::string msg = "pop on stream " + stream + " lane " + std::to_string(k) + ": " + why;
    // Undo: push the module back on the lanes that lost it, with the
    // arguments it had (a fresh instance: its own state starts anew).
    const config::ModuleSpec *m = s->pushed.empty() ? nullptr : &s->pushed.front();
    for (size_t j = k; j-- > 0;) {
      Lane &u = s->lanes[j];
      std::string why2;
      int e2 = ENOENT;
      if (m != nullptr) on_lcore(u.sched, [&] { e2 = lane_push(u.sp, m->name, m->args, &why2); });
      if (e2 != 0) msg += "; lane " + std::to_string(j) + " NOT restored: " + why2;
    }
    if (k > 0) msg += "; lanes 0.." + std::to_string(k - 1) + " restored";
    return Status::fail(err, msg);
  }
  if (!s->pushed.empty()) s->pushed.erase(s->pushed.begin());
  return {};
}

Status Dataplane::link_locked(Stream &mux, Stream &lower, bool persistent) {
  const std::string what = "link " + lower.spec.name + " under " + mux.spec.name;
  if (&mux == &lower) return Status::fail(EINVAL, what + ": a stream cannot be linked under itself");
  if (!lower.linked_under.empty())
    return Status::fail(EBUSY, what + ": already linked under " + lower.linked_under);
  if (!mux.linked_under.empty())
    return Status::fail(EINVAL, what + ": " + mux.spec.name + " is itself linked under " +
                                    mux.linked_under);
  if (mux.lanes.size() != lower.lanes.size())
    return Status::fail(EINVAL, what + ": " + std::to_string(mux.lanes.size()) + " lanes vs " +
                                    std::to_string(lower.lanes.size()) + " (lane i under lane i)");
  for (size_t i = 0; i < mux.lanes.size(); ++i)
    if (mux.lanes[i].lcore != lower.lanes[i].lcore)
      return Status::fail(EXDEV, what + ": lane " + std::to_string(i) + " runs on lcore " +
                                     std::to_string(mux.lanes[i].lcore) + " and lcore " +
                                     std::to_string(lower.lanes[i].lcore) +
                                     " (a link stays on one lcore)");
  const int cmd = persistent ? I_PLINK : I_LINK;
  for (size_t k = 0; k < mux.lanes.size(); ++k) {
    Lane &m = mux.lanes[k], &l = lower.lanes[k];
    int id = -1, err = 0;
    if (!on_lcore(m.sched, [&] {
          id = strdp_ioctl(m.sp, cmd, reinterpret_cast<intptr_t>(l.sp));
          err = id < 0 ? errno : 0;
        }))
      return no_answer(m.lcore);
    if (id > 0) {
      l.muxid = id;
      continue;
    }
    std::string msg = what + " (lane " + std::to_string(k) + "): " +
                      (err == EINVAL && !strdp_driver_exists(mux.spec.driver.c_str())
                           ? std::string("no driver ") + mux.spec.driver
                           : strerror(err != 0 ? err : EIO));
    for (size_t j = k; j-- > 0;) {
      Lane &mu = mux.lanes[j], &lo = lower.lanes[j];
      int r = 0;
      on_lcore(mu.sched, [&] { r = strdp_ioctl(mu.sp, persistent ? I_PUNLINK : I_UNLINK, lo.muxid); });
      if (r < 0) msg += "; lane " + std::to_string(j) + " NOT unlinked";
      else lo.muxid = 0;
    }
    return Status::fail(err != 0 ? err : EIO, msg);
  }
  lower.linked_under = mux.spec.name;
  lower.persistent = persistent;
  links_.push_back(Link{mux.spec.name, lower.spec.name, persistent});
  return {};
}

Status Dataplane::unlink_locked(Stream &mux, Stream &lower) {
  const std::string what = "unlink " + lower.spec.name + " from " + mux.spec.name;
  if (lower.linked_under != mux.spec.name)
    return Status::fail(EINVAL, what + ": " + lower.spec.name + " is not linked under " +
                                    mux.spec.name);
  std::string failures;
  int first_err = 0;
  for (size_t k = 0; k < mux.lanes.size(); ++k) {
    Lane &m = mux.lanes[k], &l = lower.lanes[k];
    if (l.muxid <= 0) continue;
    int r = 0, err = 0;
    if (!on_lcore(m.sched, [&] {
          r = strdp_ioctl(m.sp, lower.persistent ? I_PUNLINK : I_UNLINK, l.muxid);
          err = r < 0 ? errno : 0;
        }))
      r = -1, err = EIO;
    if (r < 0) {
      failures += "; lane " + std::to_string(k) + ": " + strerror(err);
      if (first_err == 0) first_err = err;
    } else {
      l.muxid = 0;
    }
  }
  if (first_err != 0) return Status::fail(first_err, what + failures);
  lower.linked_under.clear();
  std::erase_if(links_, [&](const Link &x) {
    return x.mux == mux.spec.name && x.lower == lower.spec.name;
  });
  return {};
}

Status Dataplane::link(const std::string &mux, const std::string &lower, bool persistent) {
  std::lock_guard lock(mu_);
  if (!running_) return not_running();
  Stream *m = find(mux), *l = find(lower);
  if (m == nullptr) return no_stream(mux);
  if (l == nullptr) return no_stream(lower);
  return link_locked(*m, *l, persistent);
}

Status Dataplane::unlink(const std::string &mux, const std::string &lower) {
  std::lock_guard lock(mu_);
  if (!running_) return not_running();
  Stream *m = find(mux), *l = find(lower);
  if (m == nullptr) return no_stream(mux);
  if (l == nullptr) return no_stream(lower);
  return unlink_locked(*m, *l);
}

Status Dataplane::load(const std::string &path) {
  std::lock_guard lock(mu_);
  if (!running_) return not_running();
  // A plugin's name ("sniffer") is looked for on the module path.
  // (The daemon's module_path was added to the library's at start.)
  std::string file = config::plugin_file({}, path);
  if (file.empty())
    return Status::fail(ENOENT, "load " + path + ": " + config::plugin_missing({}, path));
  if (strdp_load_plugin(file.c_str()) == 0) return {};
  int err = errno;
  const char *why = err == ENOENT    ? "no such file"
                    : err == ENOEXEC ? "not a loadable shared object"
                    : err == EINVAL  ? "no _init() (is <sys/modctl.h> included?) and nothing registered"
                    : err == EEXIST  ? "loaded already, or a module/driver name it registers is taken"
                                     : strerror(err);
  return Status::fail(err, "load " + file + ": " + why);
}

}  // namespace strdp::daemon

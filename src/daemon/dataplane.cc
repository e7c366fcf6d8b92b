// Setting the dataplane up from its configuration, in the order things
// depend on each other: plugins (they register modules and drivers), the
// registry check, autopush rules (they act on opens), worker lcores,
// ports, streams (lane i on lcore i, opened there), links.
#include "daemon/dataplane.h"

#include <rte_lcore.h>
#include <strdp/ip.h>
#include <strdp/pmd.h>

#include <cerrno>
#include <cstring>

#include "daemon/dataplane_impl.h"
#include "daemon/lane.h"
#include "daemon/on_lcore.h"

namespace strdp::daemon {

Dataplane::Dataplane() = default;

Dataplane::~Dataplane() { stop(); }

bool Dataplane::running() const {
  std::lock_guard lock(mu_);
  return running_;
}

Status Dataplane::start(const config::Config &cfg) {
  std::lock_guard lock(mu_);
  if (running_ || stopped_) return Status::fail(EALREADY, "the dataplane was started already");
  Status st = start_locked(cfg);
  if (!st.ok()) {
    StopReport r;
    stop_locked(&r);  // undo what was done; its report adds nothing here
  } else {
    running_ = true;
  }
  return st;
}

Status Dataplane::start_locked(const config::Config &cfg) {
  for (const std::string &d : cfg.module_path)
    if (strdp_module_path_add(d.c_str()) < 0)
      return Status::fail(errno, "module_path " + d + ": " + strerror(errno));
  for (const std::string &p : cfg.plugins) {
    std::string file = config::plugin_file(cfg.module_path, p);
    if (file.empty())
      return Status::fail(ENOENT, "plugin " + p + ": " +
                                      config::plugin_missing(cfg.module_path, p));
    if (strdp_load_plugin(file.c_str()) < 0 && errno != EEXIST)
      return Status::fail(errno, "plugin " + file + ": " + strerror(errno));
  }

  if (auto errs = config::check_registry(cfg); !errs.empty()) {
    std::string msg;
    for (const auto &e : errs) msg += (msg.empty() ? "" : "\n") + e.to_string();
    return Status::fail(EINVAL, msg);
  }

  for (const config::AutopushSpec &a : cfg.autopush) {
    std::vector<const char *> mods;
    for (const std::string &m : a.modules) mods.push_back(m.c_str());
    if (strdp_autopush_set(a.driver.c_str(), a.minor, a.lastminor, mods.data(),
                           static_cast<int>(mods.size()), a.anchor ? 1 : 0) < 0)
      return Status::fail(errno, a.at.file + ":" + std::to_string(a.at.line) + ": autopush for " +
                                     a.driver + ": " + strerror(errno));
    autopush_.push_back(a);
  }

  std::string why;
  if (!workers_.start(cfg.workers, &why)) return Status::fail(EINVAL, "workers: " + why);

  // Before any port takes buffers for its rx rings (leak_check.h).
  leak_.mark_start();
  for (const config::PortSpec &ps : cfg.ports) {
    strdp_port_conf pc{};
    pc.nb_queues = ps.queues;
    pc.nb_rxd = ps.rx_desc;
    pc.nb_txd = ps.tx_desc;
    pc.mtu = ps.mtu;
    pc.promisc = ps.promiscuous ? 1 : 0;
    int id = strdp_port_setup(ps.device.c_str(), &pc);
    if (id < 0) {
      int err = errno;
      return Status::fail(err, "port " + ps.name + " (" + ps.device + "): " +
                                   (err == ENODEV ? std::string("no such ethdev (check --vdev / -a)")
                                                  : strerror(err)));
    }
    auto p = std::make_unique<Port>();
    p->spec = ps;
    p->id = id;
    ports_.push_back(std::move(p));
  }

  for (const config::StreamSpec &ss : cfg.streams)
    if (Status st = open_stream(ss); !st.ok()) return st;

  for (const config::LinkSpec &l : cfg.links) {
    Stream *mux = find(l.mux), *lower = find(l.lower);
    if (mux == nullptr || lower == nullptr)
      return Status::fail(EINVAL, "link " + l.mux + " / " + l.lower + ": no such stream");
    if (Status st = link_locked(*mux, *lower, l.persistent); !st.ok()) return st;
    if (l.address)
      if (Status st = ip_interface(*mux, *lower, l); !st.ok()) return st;
  }
  for (const config::RouteSpec &r : cfg.routes)
    if (Status st = ip_route_locked(r, IP_IOC_ROUTE_ADD); !st.ok()) return st;
  return {};
}

Status Dataplane::open_stream(const config::StreamSpec &spec) {
  auto s = std::make_unique<Stream>();
  s->spec = spec;
  if (spec.driver == "pmd") {
    for (const auto &p : ports_)
      if (p->spec.name == spec.port) s->port_id = p->id;
    if (s->port_id < 0)
      return Status::fail(EINVAL, "stream " + spec.name + ": no port named " + spec.port);
  }
  if (spec.lcores.size() < spec.lanes)
    return Status::fail(EINVAL, "stream " + spec.name + ": " + std::to_string(spec.lanes) +
                                    " lanes but " + std::to_string(spec.lcores.size()) +
                                    " lcores");
  for (unsigned i = 0; i < spec.lanes; ++i) {
    Lane l;
    l.index = i;
    l.lcore = spec.lcores[i];
    l.sched = workers_.sched(l.lcore);
    if (l.sched == nullptr)
      return Status::fail(EINVAL, "stream " + spec.name + " lane " + std::to_string(i) +
                                      ": lcore " + std::to_string(l.lcore) +
                                      " is not a worker lcore ([lcores] workers)");
    s->lanes.push_back(l);
  }
  Stream &st = *s;
  streams_.push_back(std::move(s));  // from here stop() closes what opened
  for (Lane &l : st.lanes) {
    LaneSetup setup{&st.spec, l.index, st.port_id};
    std::string why;
    strdp_stream_t *sp = nullptr;
    int err = 0;
    if (!on_lcore(l.sched, [&] {
          sp = lane_open(setup, &why);
          err = sp == nullptr ? errno : 0;
        }))
      return Status::fail(errno, "stream " + spec.name + ": lcore " + std::to_string(l.lcore) +
                                     " does not answer");
    if (sp == nullptr) return Status::fail(err != 0 ? err : EIO, why);
    l.sp = sp;
  }
  // The stack as lane 0 has it: autopushed modules below, the configured
  // ones (with their arguments) on top.
  std::vector<std::string> names;
  on_lcore(st.lanes[0].sched, [&] { names = lane_modules(st.lanes[0].sp); });
  size_t ncfg = spec.modules.size();
  for (size_t i = 0; i < names.size(); ++i) {
    config::ModuleSpec m;
    m.name = names[i];
    if (i < ncfg) m.args = spec.modules[ncfg - 1 - i].args;
    st.pushed.push_back(m);
  }
  return {};
}

Dataplane::Stream *Dataplane::find(const std::string &name) {
  for (auto &s : streams_)
    if (s->spec.name == name) return s.get();
  return nullptr;
}

std::vector<std::string> Dataplane::stream_names() {
  std::lock_guard lock(mu_);
  std::vector<std::string> v;
  if (!running_) return v;
  for (auto &s : streams_) v.push_back(s->spec.name);
  return v;
}

strdp_stream_t *Dataplane::lane_stream(const std::string &stream, unsigned lane) {
  std::lock_guard lock(mu_);
  Stream *s = find(stream);
  return s != nullptr && lane < s->lanes.size() ? s->lanes[lane].sp : nullptr;
}

strdp_sched_t *Dataplane::lane_sched(const std::string &stream, unsigned lane) {
  std::lock_guard lock(mu_);
  Stream *s = find(stream);
  return s != nullptr && lane < s->lanes.size() ? s->lanes[lane].sched : nullptr;
}

}  // namespace strdp::daemon

// check_registry(): what load() cannot know, because it depends on what
// is registered (built-ins, the config's plugins, then whatever the
// module path has by that name, autoloaded): every driver and
// module named exists (in streams, autopush rules, [apps] devices and
// streams),
// and every link's mux is a multiplexing driver.
#include "config/config_impl.h"

namespace strdp::config {

std::vector<Error> check_registry(const Config &cfg) {
  std::vector<Error> out;
  auto add = [&](Where at, std::string msg) {
    out.push_back({std::move(at), std::move(msg)});
  };
  for (const StreamSpec &s : cfg.streams) {
    if (!strdp_driver_exists(s.driver.c_str())) {
      add(cfg.where(s.at.key + ".driver", s.at.line),
          "no driver \"" + s.driver + "\" is registered (built in, or by "
          "one of the plugins)");
    }
    for (const ModuleSpec &m : s.modules) {
      if (!strdp_module_exists(m.name.c_str()))
        add(m.at, "no module \"" + m.name + "\" is registered");
    }
  }
  for (const LinkSpec &l : cfg.links) {
    const StreamSpec *mux = cfg.stream(l.mux);
    if (!mux || !strdp_driver_exists(mux->driver.c_str())) continue;
    if (!strdp_driver_is_mux(mux->driver.c_str())) {
      add(cfg.where(l.at.key + ".mux", l.at.line),
          "stream \"" + l.mux + "\" cannot take links: its driver \"" +
              mux->driver + "\" is not a multiplexor (no st_muxrinit)");
    }
  }
  for (const AutopushSpec &a : cfg.autopush) {
    if (!strdp_driver_exists(a.driver.c_str())) {
      add(cfg.where(a.at.key + ".driver", a.at.line),
          "no driver \"" + a.driver + "\" is registered");
    }
    for (size_t i = 0; i < a.modules.size(); ++i) {
      if (strdp_module_exists(a.modules[i].c_str())) continue;
      add(cfg.where(a.at.key + ".modules[" + std::to_string(i) + "]",
                    a.at.line),
          "no module \"" + a.modules[i] + "\" is registered");
    }
  }
  // Checked even with [apps] disabled: the file names the driver.
  for (const AppDeviceSpec &d : cfg.apps.devices) {
    if (strdp_driver_exists(d.name.c_str())) continue;
    add(cfg.where("apps.device." + d.name + ".name", d.line),
        "[apps] device \"" + d.name + "\": no driver \"" + d.name +
            "\" is registered (built in, or by one of the plugins)");
  }
  for (const AppStreamSpec &s : cfg.apps.streams) {
    std::string k = "apps.stream." + s.name;
    if (!strdp_driver_exists(s.driver.c_str()))
      add(cfg.where(k + ".driver", s.line),
          "[apps] stream \"" + s.name + "\": no driver \"" + s.driver +
              "\" is registered (built in, or by one of the plugins)");
    for (const ModuleSpec &m : s.modules)
      if (!strdp_module_exists(m.name.c_str()))
        add(m.at, "no module \"" + m.name + "\" is registered");
  }
  return out;
}

}  // namespace strdp::config

// The apps service as the control protocol shows it: `list` gives every
// application stream with the process that holds it, `stats` the
// service's counters (its drops are the one place an application's
// posted writes can be lost).
#include "apphead/app_service.h"
#include "control/json_views.h"

namespace strdp::control {

using nlohmann::json;

void add_apps(apphead::AppService &apps, bool stats, json &out) {
  apphead::AppSnapshot snap;
  if (!apps.snapshot(&snap)) return;
  json a = {{"socket", snap.socket}, {"connections", snap.connections}};
  if (stats) {
    const apphead::Counters &c = snap.counters;
    json counters = json::object();
#define STRDP_APP_JSON_(name, doc) counters[#name] = c.name;
    STRDP_APP_COUNTERS(STRDP_APP_JSON_)
#undef STRDP_APP_JSON_
    a["counters"] = std::move(counters);
  } else {
    json rows = json::array();
    for (const auto &r : snap.streams)
      rows.push_back({{"id", r.id}, {"name", r.name}, {"pid", r.pid}, {"uid", r.uid},
                      {"gid", r.gid}, {"modules", r.modules}, {"linked", r.linked},
                      {"sigmask", r.sigmask}});
    a["streams"] = std::move(rows);
  }
  json conf = json::array();
  for (const auto &r : snap.configured)
    conf.push_back({{"name", r.name}, {"pid", r.pid}, {"modules", r.modules},
                    {"queued", r.queued}, {"drops", r.drops}});
  a["configured"] = std::move(conf);
  out["apps"] = std::move(a);
}

}  // namespace strdp::control

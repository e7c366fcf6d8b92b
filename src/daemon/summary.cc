// streamsd's start-up summary: ports, streams (lanes on lcores, stacks,
// links), control socket, telemetry.
#include "daemon/summary.h"

#include <rte_lcore.h>

#include <vector>

#include "daemon/dataplane.h"

namespace strdp::daemon {

void print_summary(FILE *out, Dataplane &dp, const std::string &socket, unsigned mode,
                   bool telemetry) {
  std::vector<PortInfo> ports;
  std::vector<StreamInfo> streams;
  dp.ports(&ports);
  dp.list(&streams);
  fprintf(out, "streamsd %s running: main lcore %u, %u lcores\n", STRDP_VERSION,
          rte_get_main_lcore(), rte_lcore_count());
  fprintf(out, "ports:%s\n", ports.empty() ? " none" : "");
  for (const PortInfo &p : ports)
    fprintf(out, "  %-10s %-16s port %u  %u queue(s)  socket %u  %s  link %s\n", p.name.c_str(),
            p.device.c_str(), p.id, p.queues, p.socket, p.mac.c_str(), p.link_up ? "up" : "down");
  fprintf(out, "streams:%s\n", streams.empty() ? " none" : "");
  for (const StreamInfo &s : streams) {
    std::string lanes, stack, link;
    for (const LaneInfo &l : s.lanes)
      lanes += (lanes.empty() ? "" : " ") + std::to_string(l.index) + "@lcore" +
               std::to_string(l.lcore);
    for (const std::string &m : s.modules) stack += m + " > ";
    stack += s.driver + (s.port.empty() ? "" : "(" + s.port + ")");
    if (!s.linked_under.empty())
      link = "  linked under " + s.linked_under + (s.persistent ? " (persistent)" : "");
    for (size_t i = 0; i < s.lowers.size(); ++i)
      link += (i == 0 ? "  lowers: " : ", ") + s.lowers[i];
    fprintf(out, "  %-10s lanes %-24s head > %s%s\n", s.name.c_str(), lanes.c_str(), stack.c_str(),
            link.c_str());
  }
  fprintf(out, "control socket: %s (mode %04o)\n", socket.c_str(), mode);
  if (telemetry)
    fprintf(out, "telemetry: /strdp/info, /strdp/streams, /strdp/stream,<name>\n");
  fprintf(out, "stop with SIGINT or SIGTERM\n");
  fflush(out);
}

}  // namespace strdp::daemon

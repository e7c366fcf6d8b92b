// Message buffers in use over the message pools of every socket.
#include "daemon/leak_check.h"

#include <rte_lcore.h>
#include <rte_mempool.h>
#include <strdp/mbuf.h>

#include <vector>

namespace strdp::daemon {

unsigned LeakCheck::in_use() {
  // One pool per socket; the same pool may answer for several sockets
  // (a socket without memory falls back), count each pool once.
  std::vector<rte_mempool *> seen;
  unsigned n = 0;
  for (unsigned i = 0; i < rte_socket_count(); ++i) {
    rte_mempool *mp = strdp_msg_pool(rte_socket_id_by_idx(i));
    if (mp == nullptr) continue;
    bool dup = false;
    for (rte_mempool *s : seen) dup = dup || s == mp;
    if (dup) continue;
    seen.push_back(mp);
    n += rte_mempool_in_use_count(mp);
  }
  return n;
}

void LeakCheck::mark_start() {
  c_.start = in_use();
  started_ = true;
}
void LeakCheck::mark_stop() { c_.stop = in_use(); }

}  // namespace strdp::daemon

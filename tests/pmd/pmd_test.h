// Test helpers for the pmd driver: a DLPI client over the in-process
// stream head, frames, and the virtual devices of this binary.
//
// Every test runs on the test thread's scheduler; the streams are
// O_NONBLOCK, so reading never waits: recv() runs the scheduler one pass
// at a time until a message is there (a bounded number of passes, never a
// clock), which makes every test independent of timing.
#pragma once

#include <gtest/gtest.h>
#include <rte_ether.h>
#include <strdp/dlpi.h>
#include <strdp/pmd.h>
#include <strdp/strdp.h>

#include <cstring>
#include <string>
#include <vector>

#include "dlpi_msg.h"
#include "eal_env.h"

namespace strdp::test {

using Bytes = std::vector<uint8_t>;

// One message read with getmsg.
using Got = DlpiMsg;

// A DLSAP address: MAC then SAP in host order.
Bytes dlsap(const uint8_t *mac, uint16_t sap);
Bytes mac_of(uint16_t port);
extern const uint8_t kBcast[6];
extern const uint8_t kOther[6];   // a unicast address no port here has
extern const uint8_t kMcast[6];   // an IPv4 multicast group address

// An Ethernet frame: dst, src, type, then payload.
Bytes frame(const uint8_t *dst, const uint8_t *src, uint16_t type, const std::string &payload);

// The port id of a virtual device (by its EAL name).
uint16_t port_id(const char *vdev);
// net_null2 (one queue, 64 descriptors, not promiscuous), set up on first
// use and kept: it holds no frames between tests.
uint16_t null_port();

class PmdTest : public ::testing::Test {
 protected:
  void TearDown() override;

  // A new stream of the "pmd" clone driver (closed by TearDown).
  strdp_stream_t *open_pmd(cred_t *cr = nullptr);
  void close_stream(strdp_stream_t *sp);

  // putmsg of a control part (and a data part unless data is null).
  static int send(strdp_stream_t *sp, const void *ctl, int clen, const void *data = nullptr,
                  int dlen = 0, int flags = 0);
  template <typename T>
  static int send_prim(strdp_stream_t *sp, const T &prim, int flags = 0) {
    return send(sp, &prim, sizeof prim, nullptr, 0, flags);
  }
  // The next message, running the scheduler up to `passes` passes.
  static bool recv(strdp_stream_t *sp, Got *g, int passes = 64);
  // Runs the scheduler n passes.
  static void run(int n);

  // DLPI steps that must succeed, or answers that must come.
  static void expect_ok_ack(strdp_stream_t *sp, t_uscalar_t prim);
  static void expect_error_ack(strdp_stream_t *sp, t_uscalar_t prim, t_uscalar_t err,
                               t_uscalar_t unix_err = 0);
  static void expect_nothing(strdp_stream_t *sp, int passes = 16);
  static void attach(strdp_stream_t *sp, uint32_t ppa);
  static Bytes bind(strdp_stream_t *sp, uint32_t sap);  // the DLSAP address
  static void raw_mode(strdp_stream_t *sp);
  static int set_promisc(strdp_stream_t *sp, t_uscalar_t level, bool on);  // expects an answer
  // DL_UNITDATA_REQ to (mac, sap) with the payload; addr_len 8 or other.
  static int unitdata(strdp_stream_t *sp, const uint8_t *mac, uint16_t sap,
                      const std::string &payload, uint32_t addr_len = 8);

  static strdp_pmd_stats stats(uint16_t port, uint16_t queue = 0);
  // Frees what is left in a port's rx queues (no stream attached).
  static void drain_port(uint16_t port, uint16_t nq = 1);

  std::vector<strdp_stream_t *> streams_;
};

}  // namespace strdp::test

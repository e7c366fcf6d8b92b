// A DLPI user of the `pmd` driver through the in-process stream head: one
// open stream (closed by the destructor), the primitives the vdev tests
// send, and waits that run the test thread's scheduler until a message
// is there or a deadline passes.
//
// The stream is O_NONBLOCK: getmsg never waits by itself, so every wait
// here is bounded by its deadline, and between two tries the scheduler
// runs one pass (the pmd poller receives and transmits in it). A pass
// with nothing to do sleeps 100 us: frames from the kernel or another
// process arrive on their own time, and spinning would only steal the CPU
// they need.
#pragma once

#include <gtest/gtest.h>
#include <strdp/dlpi.h>
#include <strdp/pmd.h>
#include <strdp/strdp.h>

#include <cstring>

#include "dlpi_msg.h"
#include "frames.h"
#include "proc.h"

namespace strdp::test {

// How long the kernel or a peer process may take to answer: generous,
// since a loaded CI machine may stall a process for seconds; a test that
// works is never that slow.
inline constexpr Millis kAnswerWait{10000};

// One message read with getmsg.
using Msg = DlpiMsg;

// An Ethernet DLSAP address: MAC, then the SAP in host order.
Bytes dlsap(const Mac &mac, uint16_t sap);

// One pass of the test thread's scheduler; a short sleep if it was idle.
void pass();

class DlpiStream {
 public:
  DlpiStream();
  ~DlpiStream();
  DlpiStream(const DlpiStream &) = delete;
  DlpiStream &operator=(const DlpiStream &) = delete;

  bool ok() const { return sp_ != nullptr; }
  strdp_stream_t *sp() const { return sp_; }
  // Closes now (the destructor then does nothing); strdp_close's result.
  int close();

  // putmsg; 0 or errno (EAGAIN: flow control).
  int put(const void *ctl, int clen, const void *data, int dlen, int flags = 0);
  template <typename T>
  int put_prim(const T &prim, int flags = 0) {
    return put(&prim, sizeof prim, nullptr, 0, flags);
  }
  // A raw frame (M_DATA only); 0 or errno.
  int put_raw(const Bytes &frame);
  // DL_UNITDATA_REQ to (mac, sap) carrying payload; 0 or errno.
  int unitdata(const Mac &mac, uint16_t sap, const Bytes &payload);

  // The next message if one is there (no scheduler pass).
  bool try_get(Msg *m);
  // The next message, running the scheduler until the deadline.
  bool get(Msg *m, const Deadline &d);

  // Steps that must succeed; on failure the result says what came.
  ::testing::AssertionResult raw_mode();
  ::testing::AssertionResult attach(uint32_t ppa);
  ::testing::AssertionResult bind(uint16_t sap, Bytes *dlsap_out = nullptr);
  ::testing::AssertionResult phys_addr(Mac *mac);
  // DL_NOTIFY_REQ for `notes`; the DL_NOTIFY_ACK must list them.
  ::testing::AssertionResult notify(uint32_t notes);
  // The next message must be DL_OK_ACK for prim.
  ::testing::AssertionResult expect_ok_ack(t_uscalar_t prim);

 private:
  strdp_stream_t *sp_ = nullptr;
  // Room for any frame the tests use (at most 1518 bytes) and more.
  char cbuf_[1024];
  char dbuf_[16384];
};

// What the driver answered, for failure messages.
std::string describe(const Msg &m);

}  // namespace strdp::test

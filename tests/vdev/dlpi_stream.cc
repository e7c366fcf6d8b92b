// The DLPI client of the vdev tests (see dlpi_stream.h).
#include "dlpi_stream.h"

#include <fcntl.h>

#include <thread>

#include "eal_env.h"

namespace strdp::test {

Bytes dlsap(const Mac &mac, uint16_t sap) {
  Bytes b(mac.begin(), mac.end());
  b.resize(8);
  std::memcpy(b.data() + 6, &sap, 2);
  return b;
}

void pass() {
  if (strdp_sched_run(sched()) == 0) std::this_thread::sleep_for(std::chrono::microseconds(100));
}

std::string describe(const Msg &m) {
  if (!m.has_ctl) return "M_DATA of " + std::to_string(m.data.size()) + " bytes";
  std::string s = "primitive " + std::to_string(m.prim());
  if (m.prim() == DL_ERROR_ACK) {
    auto e = m.as<dl_error_ack_t>();
    s += " (DL_ERROR_ACK for " + std::to_string(e.dl_error_primitive) + ": dl_errno " +
         std::to_string(e.dl_errno) + ", unix errno " + std::to_string(e.dl_unix_errno) + ")";
  } else if (m.prim() == DL_UDERROR_IND) {
    s += " (DL_UDERROR_IND dl_errno " + std::to_string(m.as<dl_uderror_ind_t>().dl_errno) + ")";
  }
  return s;
}

DlpiStream::DlpiStream() { sp_ = strdp_open("pmd", O_RDWR | O_NONBLOCK, nullptr); }

DlpiStream::~DlpiStream() {
  if (sp_ != nullptr) {
    EXPECT_EQ(close(), 0) << "strdp_close: " << strerror(errno);
  }
}

int DlpiStream::close() {
  strdp_stream_t *sp = sp_;
  sp_ = nullptr;
  return sp != nullptr ? strdp_close(sp) : 0;
}

int DlpiStream::put(const void *ctl, int clen, const void *data, int dlen, int flags) {
  strbuf c{0, clen, static_cast<char *>(const_cast<void *>(ctl))};
  strbuf d{0, dlen, static_cast<char *>(const_cast<void *>(data))};
  int r = strdp_putmsg(sp_, ctl != nullptr ? &c : nullptr, data != nullptr ? &d : nullptr, flags);
  return r == 0 ? 0 : errno;
}

int DlpiStream::put_raw(const Bytes &frame) {
  return put(nullptr, 0, frame.data(), static_cast<int>(frame.size()));
}

int DlpiStream::unitdata(const Mac &mac, uint16_t sap, const Bytes &payload) {
  struct {
    dl_unitdata_req_t req;
    uint8_t addr[8];
  } m{};
  m.req.dl_primitive = DL_UNITDATA_REQ;
  m.req.dl_dest_addr_length = 8;
  m.req.dl_dest_addr_offset = sizeof(dl_unitdata_req_t);
  Bytes a = dlsap(mac, sap);
  std::memcpy(m.addr, a.data(), 8);
  return put(&m, sizeof m, payload.data(), static_cast<int>(payload.size()));
}

bool DlpiStream::try_get(Msg *m) {
  strbuf c{sizeof cbuf_, 0, cbuf_}, d{sizeof dbuf_, 0, dbuf_};
  int flags = 0;
  int r = strdp_getmsg(sp_, &c, &d, &flags);
  if (r < 0) {
    EXPECT_EQ(errno, EAGAIN) << "getmsg: " << strerror(errno);
    return false;
  }
  EXPECT_EQ(r, 0) << "a message larger than the test's buffers";
  *m = Msg{};
  m->hipri = flags == RS_HIPRI;
  m->has_ctl = c.len >= 0;
  m->has_data = d.len >= 0;
  if (c.len > 0) m->ctl.assign(cbuf_, cbuf_ + c.len);
  if (d.len > 0) m->data.assign(dbuf_, dbuf_ + d.len);
  return true;
}

bool DlpiStream::get(Msg *m, const Deadline &d) {
  for (;;) {
    if (try_get(m)) return true;
    if (d.passed()) return false;
    pass();
  }
}

::testing::AssertionResult DlpiStream::raw_mode() {
  strioctl ic{DLIOCRAW, 0, 0, nullptr};
  if (strdp_ioctl(sp_, I_STR, reinterpret_cast<intptr_t>(&ic)) != 0)
    return ::testing::AssertionFailure() << "DLIOCRAW: " << strerror(errno);
  return ::testing::AssertionSuccess();
}

::testing::AssertionResult DlpiStream::expect_ok_ack(t_uscalar_t prim) {
  Msg m;
  if (!get(&m, Deadline(kAnswerWait)))
    return ::testing::AssertionFailure() << "no answer to primitive " << prim;
  if (m.prim() != DL_OK_ACK || !m.hipri ||
      m.as<dl_ok_ack_t>().dl_correct_primitive != prim)
    return ::testing::AssertionFailure() << "primitive " << prim << " answered with "
                                         << describe(m);
  return ::testing::AssertionSuccess();
}

::testing::AssertionResult DlpiStream::attach(uint32_t ppa) {
  dl_attach_req_t r{DL_ATTACH_REQ, ppa};
  if (int e = put_prim(r); e != 0)
    return ::testing::AssertionFailure() << "putmsg DL_ATTACH_REQ: " << strerror(e);
  return expect_ok_ack(DL_ATTACH_REQ);
}

::testing::AssertionResult DlpiStream::bind(uint16_t sap, Bytes *dlsap_out) {
  dl_bind_req_t r{};
  r.dl_primitive = DL_BIND_REQ;
  r.dl_sap = sap;
  r.dl_service_mode = DL_CLDLS;
  if (int e = put_prim(r); e != 0)
    return ::testing::AssertionFailure() << "putmsg DL_BIND_REQ: " << strerror(e);
  Msg m;
  if (!get(&m, Deadline(kAnswerWait)))
    return ::testing::AssertionFailure() << "no answer to DL_BIND_REQ";
  auto a = m.as<dl_bind_ack_t>();
  if (m.prim() != DL_BIND_ACK || a.dl_sap != sap || a.dl_addr_length != 8)
    return ::testing::AssertionFailure() << "DL_BIND_REQ answered with " << describe(m);
  if (dlsap_out != nullptr) *dlsap_out = m.at(a.dl_addr_offset, a.dl_addr_length);
  return ::testing::AssertionSuccess();
}

::testing::AssertionResult DlpiStream::phys_addr(Mac *mac) {
  dl_phys_addr_req_t r{DL_PHYS_ADDR_REQ, DL_CURR_PHYS_ADDR};
  if (int e = put_prim(r); e != 0)
    return ::testing::AssertionFailure() << "putmsg DL_PHYS_ADDR_REQ: " << strerror(e);
  Msg m;
  if (!get(&m, Deadline(kAnswerWait)))
    return ::testing::AssertionFailure() << "no answer to DL_PHYS_ADDR_REQ";
  auto a = m.as<dl_phys_addr_ack_t>();
  Bytes b = m.at(a.dl_addr_offset, a.dl_addr_length);
  if (m.prim() != DL_PHYS_ADDR_ACK || b.size() != 6)
    return ::testing::AssertionFailure() << "DL_PHYS_ADDR_REQ answered with " << describe(m);
  std::copy(b.begin(), b.end(), mac->begin());
  return ::testing::AssertionSuccess();
}

::testing::AssertionResult DlpiStream::notify(uint32_t notes) {
  dl_notify_req_t r{DL_NOTIFY_REQ, notes, 0};
  if (int e = put_prim(r); e != 0)
    return ::testing::AssertionFailure() << "putmsg DL_NOTIFY_REQ: " << strerror(e);
  Msg m;
  if (!get(&m, Deadline(kAnswerWait)))
    return ::testing::AssertionFailure() << "no answer to DL_NOTIFY_REQ";
  if (m.prim() != DL_NOTIFY_ACK || (m.as<dl_notify_ack_t>().dl_notifications & notes) != notes)
    return ::testing::AssertionFailure() << "DL_NOTIFY_REQ answered with " << describe(m);
  return ::testing::AssertionSuccess();
}

}  // namespace strdp::test

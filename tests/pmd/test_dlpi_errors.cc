// Every DL_ERROR_ACK the driver gives, with its code, and malformed
// primitives: each is answered, none crashes or changes the state.
// Device: net_null2 (set up once, one queue, not promiscuous).
#include <fcntl.h>

#include "pmd_test.h"
#include "runtime/cred.h"

namespace strdp::test {
namespace {

class DlpiErrors : public PmdTest {
 protected:
  static void SetUpTestSuite() { port_ = null_port(); }
  static uint32_t ppa(uint16_t q = 0) { return STRDP_PMD_PPA(port_, q); }
  // A stream attached to queue 0 (and bound to sap when non-zero).
  strdp_stream_t *ready(uint32_t sap = 0) {
    strdp_stream_t *sp = open_pmd();
    attach(sp, ppa());
    if (sap != 0) bind(sp, sap);
    return sp;
  }
  static t_uscalar_t info_state(strdp_stream_t *sp) {
    dl_info_req_t r{DL_INFO_REQ};
    EXPECT_EQ(send_prim(sp, r, RS_HIPRI), 0);
    Got g;
    EXPECT_TRUE(recv(sp, &g));
    return g.as<dl_info_ack_t>().dl_current_state;
  }
  static int port_;
};
int DlpiErrors::port_ = -1;

TEST_F(DlpiErrors, ShorterThanAPrimitiveIsBadprimForDlPrimInval) {
  strdp_stream_t *sp = open_pmd();
  uint16_t two = 0;
  ASSERT_EQ(send(sp, &two, 2), 0);
  expect_error_ack(sp, DL_PRIM_INVAL, DL_BADPRIM);
  ASSERT_EQ(send(sp, "", 0), 0) << "an empty M_PROTO";
  expect_error_ack(sp, DL_PRIM_INVAL, DL_BADPRIM);
  EXPECT_EQ(info_state(sp), t_uscalar_t{DL_UNATTACHED});
}

TEST_F(DlpiErrors, UnknownPrimitivesAndAcksSentDownAreBadprim) {
  strdp_stream_t *sp = open_pmd();
  for (t_uscalar_t p : {t_uscalar_t{0x77}, t_uscalar_t{DL_OK_ACK}, t_uscalar_t{DL_INFO_ACK},
                        t_uscalar_t{DL_UNITDATA_IND}, t_uscalar_t{0xdeadbeef}}) {
    ASSERT_EQ(send_prim(sp, p), 0);
    expect_error_ack(sp, p, DL_BADPRIM);
  }
}

TEST_F(DlpiErrors, KnownButUnsupportedRequestsAreNotsupported) {
  strdp_stream_t *sp = open_pmd();
  for (t_uscalar_t p : {t_uscalar_t{DL_ENABMULTI_REQ}, t_uscalar_t{DL_CONNECT_REQ},
                        t_uscalar_t{DL_TEST_REQ}, t_uscalar_t{DL_XID_REQ},
                        t_uscalar_t{DL_SET_PHYS_ADDR_REQ}, t_uscalar_t{DL_GET_STATISTICS_REQ},
                        t_uscalar_t{DL_UDQOS_REQ}, t_uscalar_t{DL_CAPABILITY_REQ}}) {
    struct {
      t_uscalar_t prim, pad[7];
    } m{p, {}};
    ASSERT_EQ(send_prim(sp, m), 0);
    expect_error_ack(sp, p, DL_NOTSUPPORTED);
  }
}

TEST_F(DlpiErrors, AttachErrors) {
  strdp_stream_t *sp = open_pmd();
  t_uscalar_t half = DL_ATTACH_REQ;
  ASSERT_EQ(send_prim(sp, half), 0);
  {
    SCOPED_TRACE(::testing::Message() << "no dl_ppa");
    expect_error_ack(sp, DL_ATTACH_REQ, DL_BADPRIM);
  }
  dl_attach_req_t r{DL_ATTACH_REQ, STRDP_PMD_PPA(port_id("net_null0"), 0)};
  ASSERT_EQ(send_prim(sp, r), 0);
  {
    SCOPED_TRACE(::testing::Message() << "a port that was not set up");
    expect_error_ack(sp, DL_ATTACH_REQ, DL_BADPPA);
  }
  r.dl_ppa = STRDP_PMD_PPA(RTE_MAX_ETHPORTS + 3, 0);
  ASSERT_EQ(send_prim(sp, r), 0);
  {
    SCOPED_TRACE(::testing::Message() << "no such port");
    expect_error_ack(sp, DL_ATTACH_REQ, DL_BADPPA);
  }
  r.dl_ppa = ppa(1);
  ASSERT_EQ(send_prim(sp, r), 0);
  {
    SCOPED_TRACE(::testing::Message() << "queue out of range");
    expect_error_ack(sp, DL_ATTACH_REQ, DL_BADPPA);
  }
  EXPECT_EQ(info_state(sp), t_uscalar_t{DL_UNATTACHED});

  attach(sp, ppa());
  r.dl_ppa = ppa();
  ASSERT_EQ(send_prim(sp, r), 0);
  {
    SCOPED_TRACE(::testing::Message() << "attached already");
    expect_error_ack(sp, DL_ATTACH_REQ, DL_OUTSTATE);
  }

  strdp_stream_t *other = open_pmd();
  ASSERT_EQ(send_prim(other, r), 0);
  {
    SCOPED_TRACE(::testing::Message() << "the queue has its stream");
    expect_error_ack(other, DL_ATTACH_REQ, DL_SYSERR, EBUSY);
  }
  EXPECT_EQ(info_state(other), t_uscalar_t{DL_UNATTACHED});
  EXPECT_EQ(info_state(sp), t_uscalar_t{DL_UNBOUND});
}

TEST_F(DlpiErrors, DetachErrors) {
  strdp_stream_t *sp = open_pmd();
  dl_detach_req_t d{DL_DETACH_REQ};
  ASSERT_EQ(send_prim(sp, d), 0);
  {
    SCOPED_TRACE(::testing::Message() << "not attached");
    expect_error_ack(sp, DL_DETACH_REQ, DL_OUTSTATE);
  }
  attach(sp, ppa());
  bind(sp, 0x88b5);
  ASSERT_EQ(send_prim(sp, d), 0);
  {
    SCOPED_TRACE(::testing::Message() << "bound: unbind first");
    expect_error_ack(sp, DL_DETACH_REQ, DL_OUTSTATE);
  }
  EXPECT_EQ(info_state(sp), t_uscalar_t{DL_IDLE});
}

TEST_F(DlpiErrors, BindErrors) {
  strdp_stream_t *sp = open_pmd();
  dl_bind_req_t b{};
  b.dl_primitive = DL_BIND_REQ;
  b.dl_sap = 0x0800;
  b.dl_service_mode = DL_CLDLS;
  ASSERT_EQ(send_prim(sp, b), 0);
  {
    SCOPED_TRACE(::testing::Message() << "not attached");
    expect_error_ack(sp, DL_BIND_REQ, DL_OUTSTATE);
  }
  attach(sp, ppa());
  ASSERT_EQ(send(sp, &b, 12), 0);
  {
    SCOPED_TRACE(::testing::Message() << "short");
    expect_error_ack(sp, DL_BIND_REQ, DL_BADPRIM);
  }
  for (t_uscalar_t sap : {t_uscalar_t{0}, t_uscalar_t{1500}, t_uscalar_t{0x5ff},
                          t_uscalar_t{0x10000}}) {
    b.dl_sap = sap;
    ASSERT_EQ(send_prim(sp, b), 0);
    {
      SCOPED_TRACE(::testing::Message() << "sap " << sap);
      expect_error_ack(sp, DL_BIND_REQ, DL_BADSAP);
    }
  }
  b.dl_sap = 0x0800;
  b.dl_service_mode = DL_CODLS;
  ASSERT_EQ(send_prim(sp, b), 0);
  {
    SCOPED_TRACE(::testing::Message() << "connection-oriented");
    expect_error_ack(sp, DL_BIND_REQ, DL_UNSUPPORTED);
  }
  b.dl_service_mode = DL_CLDLS;
  b.dl_max_conind = 1;
  ASSERT_EQ(send_prim(sp, b), 0);
  {
    SCOPED_TRACE(::testing::Message() << "connection indications");
    expect_error_ack(sp, DL_BIND_REQ, DL_UNSUPPORTED);
  }
  b.dl_max_conind = 0;
  b.dl_xidtest_flg = 1;
  ASSERT_EQ(send_prim(sp, b), 0);
  {
    SCOPED_TRACE(::testing::Message() << "automatic XID");
    expect_error_ack(sp, DL_BIND_REQ, DL_NOAUTO);
  }
  EXPECT_EQ(info_state(sp), t_uscalar_t{DL_UNBOUND});
  bind(sp, 0x0800);
  b.dl_xidtest_flg = 0;
  ASSERT_EQ(send_prim(sp, b), 0);
  {
    SCOPED_TRACE(::testing::Message() << "bound already");
    expect_error_ack(sp, DL_BIND_REQ, DL_OUTSTATE);
  }
}

TEST_F(DlpiErrors, UnbindErrors) {
  strdp_stream_t *sp = open_pmd();
  dl_unbind_req_t u{DL_UNBIND_REQ};
  ASSERT_EQ(send_prim(sp, u), 0);
  {
    SCOPED_TRACE(::testing::Message() << "not attached");
    expect_error_ack(sp, DL_UNBIND_REQ, DL_OUTSTATE);
  }
  attach(sp, ppa());
  ASSERT_EQ(send_prim(sp, u), 0);
  {
    SCOPED_TRACE(::testing::Message() << "not bound");
    expect_error_ack(sp, DL_UNBIND_REQ, DL_OUTSTATE);
  }
  bind(sp, 0x0800);
  ASSERT_EQ(send_prim(sp, u), 0);
  expect_ok_ack(sp, DL_UNBIND_REQ);
  ASSERT_EQ(send_prim(sp, u), 0);
  {
    SCOPED_TRACE(::testing::Message() << "unbound twice");
    expect_error_ack(sp, DL_UNBIND_REQ, DL_OUTSTATE);
  }
  EXPECT_EQ(info_state(sp), t_uscalar_t{DL_UNBOUND});
}

TEST_F(DlpiErrors, PhysAddrErrors) {
  strdp_stream_t *sp = open_pmd();
  dl_phys_addr_req_t r{DL_PHYS_ADDR_REQ, DL_CURR_PHYS_ADDR};
  ASSERT_EQ(send_prim(sp, r), 0);
  expect_error_ack(sp, DL_PHYS_ADDR_REQ, DL_OUTSTATE);
  attach(sp, ppa());
  ASSERT_EQ(send(sp, &r, 4), 0);
  expect_error_ack(sp, DL_PHYS_ADDR_REQ, DL_BADPRIM);
  r.dl_addr_type = 7;
  ASSERT_EQ(send_prim(sp, r), 0);
  expect_error_ack(sp, DL_PHYS_ADDR_REQ, DL_UNSUPPORTED);
}

TEST_F(DlpiErrors, PromiscErrors) {
  strdp_stream_t *sp = open_pmd();
  EXPECT_EQ(set_promisc(sp, DL_PROMISC_SAP, true), DL_OUTSTATE);
  EXPECT_EQ(set_promisc(sp, DL_PROMISC_SAP, false), DL_OUTSTATE);
  attach(sp, ppa());
  EXPECT_EQ(set_promisc(sp, 9, true), DL_NOTSUPPORTED);
  EXPECT_EQ(set_promisc(sp, 0, false), DL_NOTSUPPORTED);
  EXPECT_EQ(set_promisc(sp, DL_PROMISC_MULTI, false), DL_NOTENAB) << "never turned on";
  t_uscalar_t half = DL_PROMISCON_REQ;
  ASSERT_EQ(send_prim(sp, half), 0);
  expect_error_ack(sp, DL_PROMISCON_REQ, DL_BADPRIM);
  EXPECT_EQ(set_promisc(sp, DL_PROMISC_MULTI, true), 0);
  EXPECT_EQ(set_promisc(sp, DL_PROMISC_MULTI, true), 0) << "twice on is still on";
  EXPECT_EQ(set_promisc(sp, DL_PROMISC_MULTI, false), 0);
  EXPECT_EQ(set_promisc(sp, DL_PROMISC_MULTI, false), DL_NOTENAB);
}

TEST_F(DlpiErrors, PromiscuousModeNeedsPrivilege) {
  static cred cr = make_peer_cred(0, 1000, 1000);  // an ordinary user; outlives the stream
  strdp_stream_t *sp = open_pmd(&cr);
  attach(sp, ppa());
  EXPECT_EQ(set_promisc(sp, DL_PROMISC_PHYS, true), DL_ACCESS);
  EXPECT_EQ(set_promisc(sp, DL_PROMISC_SAP, true), DL_ACCESS);
  strioctl ic{DLIOCRAW, 0, 0, nullptr};
  EXPECT_EQ(strdp_ioctl(sp, I_STR, reinterpret_cast<intptr_t>(&ic)), -1);
  EXPECT_EQ(errno, EPERM) << "raw mode bypasses the filters too";
}

TEST_F(DlpiErrors, NotifyErrors) {
  strdp_stream_t *sp = open_pmd();
  dl_notify_req_t n{DL_NOTIFY_REQ, DL_NOTE_LINK_UP, 0};
  ASSERT_EQ(send_prim(sp, n), 0);
  expect_error_ack(sp, DL_NOTIFY_REQ, DL_OUTSTATE);
  attach(sp, ppa());
  ASSERT_EQ(send(sp, &n, 8), 0);
  expect_error_ack(sp, DL_NOTIFY_REQ, DL_BADPRIM);
}

TEST_F(DlpiErrors, UnitdataRequestErrors) {
  strdp_stream_t *sp = open_pmd();
  EXPECT_EQ(unitdata(sp, kBcast, 0x0800, "x"), 0);
  {
    SCOPED_TRACE(::testing::Message() << "unattached");
    expect_error_ack(sp, DL_UNITDATA_REQ, DL_OUTSTATE);
  }
  attach(sp, ppa());
  EXPECT_EQ(unitdata(sp, kBcast, 0x0800, "x"), 0);
  {
    SCOPED_TRACE(::testing::Message() << "not bound");
    expect_error_ack(sp, DL_UNITDATA_REQ, DL_OUTSTATE);
  }
  bind(sp, 0x0800);
  strdp_pmd_stats before = stats(static_cast<uint16_t>(port_));

  // Malformed: DL_ERROR_ACK DL_BADPRIM.
  dl_unitdata_req_t req{DL_UNITDATA_REQ, 8, sizeof(dl_unitdata_req_t), {0, 0}};
  ASSERT_EQ(send(sp, &req, sizeof req, "data", 4), 0);
  {
    SCOPED_TRACE(::testing::Message() << "address past the block");
    expect_error_ack(sp, DL_UNITDATA_REQ, DL_BADPRIM);
  }
  ASSERT_EQ(send(sp, &req, 12, "data", 4), 0);
  {
    SCOPED_TRACE(::testing::Message() << "short");
    expect_error_ack(sp, DL_UNITDATA_REQ, DL_BADPRIM);
  }
  EXPECT_EQ(unitdata(sp, kBcast, 0x0800, "x"), 0);
  expect_nothing(sp, 4);  // a valid request is sent, not answered
  struct {
    dl_unitdata_req_t r;
    uint8_t a[8];
  } m{{DL_UNITDATA_REQ, 8, sizeof(dl_unitdata_req_t), {0, 0}}, {}};
  Got g;
  ASSERT_EQ(send(sp, &m, sizeof m), 0);
  {
    SCOPED_TRACE(::testing::Message() << "no data part");
    expect_error_ack(sp, DL_UNITDATA_REQ, DL_BADPRIM);
  }

  // Bad addresses: DL_UDERROR_IND DL_BADADDR, echoing the address.
  EXPECT_EQ(unitdata(sp, kBcast, 0x0800, "x", 7), 0);
  ASSERT_TRUE(recv(sp, &g));
  ASSERT_EQ(g.prim(), t_uscalar_t{DL_UDERROR_IND});
  EXPECT_FALSE(g.hipri) << "DL_UDERROR_IND is M_PROTO";
  auto u = g.as<dl_uderror_ind_t>();
  EXPECT_EQ(u.dl_errno, t_uscalar_t{DL_BADADDR});
  EXPECT_EQ(u.dl_dest_addr_length, 7u);
  EXPECT_EQ(g.at(u.dl_dest_addr_offset, 6), Bytes(kBcast, kBcast + 6));
  EXPECT_EQ(unitdata(sp, kBcast, 0x0100, "x"), 0);
  ASSERT_TRUE(recv(sp, &g));
  EXPECT_EQ(g.as<dl_uderror_ind_t>().dl_errno, t_uscalar_t{DL_BADADDR}) << "an 802.3 length";

  // Too much data: DL_UDERROR_IND DL_BADDATA (MTU 1500).
  EXPECT_EQ(unitdata(sp, kBcast, 0x0800, std::string(1501, 'x')), 0);
  ASSERT_TRUE(recv(sp, &g));
  ASSERT_EQ(g.prim(), t_uscalar_t{DL_UDERROR_IND});
  EXPECT_EQ(g.as<dl_uderror_ind_t>().dl_errno, t_uscalar_t{DL_BADDATA});
  EXPECT_EQ(unitdata(sp, kBcast, 0x0800, std::string(1500, 'x')), 0);
  expect_nothing(sp, 4);

  // A data part that is not M_DATA (built by hand: the head cannot).
  std::memcpy(m.a, kBcast, 6);
  uint16_t ip = 0x0800;
  std::memcpy(m.a + 6, &ip, 2);
  mblk_t *mp = allocb(sizeof m, BPRI_MED);
  std::memcpy(mp->b_wptr, &m, sizeof m);
  mp->b_wptr += sizeof m;
  mp->b_datap->db_type = M_PROTO;
  mblk_t *bad = allocb(4, BPRI_MED);
  bad->b_datap->db_type = M_PROTO;
  bad->b_wptr += 4;
  mp->b_cont = bad;
  putnext(strdp_stream_wq(sp), mp);
  ASSERT_TRUE(recv(sp, &g));
  EXPECT_EQ(g.as<dl_uderror_ind_t>().dl_errno, t_uscalar_t{DL_BADDATA});

  run(4);
  strdp_pmd_stats after = stats(static_cast<uint16_t>(port_));
  EXPECT_EQ(after.tx_invalid - before.tx_invalid, 7u) << "every refusal counted";
  EXPECT_EQ(after.tx_frames - before.tx_frames, 2u) << "the two valid requests went";
  EXPECT_EQ(info_state(sp), t_uscalar_t{DL_IDLE});
}

TEST_F(DlpiErrors, DataOutsideRawModeIsRefusedAndIoctlsOtherThanRawAreEINVAL) {
  strdp_stream_t *sp = ready(0x0800);
  strdp_pmd_stats before = stats(static_cast<uint16_t>(port_));
  ASSERT_EQ(strdp_write(sp, "not a DLPI message", 18), 18);
  run(2);
  EXPECT_EQ(stats(static_cast<uint16_t>(port_)).tx_invalid - before.tx_invalid, 1u);
  strioctl ic{DLIOCNATIVE, 0, 0, nullptr};
  EXPECT_EQ(strdp_ioctl(sp, I_STR, reinterpret_cast<intptr_t>(&ic)), -1);
  EXPECT_EQ(errno, EINVAL);
  ic.ic_cmd = ('D' << 8) | 99;
  EXPECT_EQ(strdp_ioctl(sp, I_STR, reinterpret_cast<intptr_t>(&ic)), -1);
  EXPECT_EQ(errno, EINVAL);
  EXPECT_EQ(strdp_ioctl(sp, DLIOCRAW, 0), 0) << "transparent form of DLIOCRAW";
}

TEST_F(DlpiErrors, AnErrorChangesNoState) {
  strdp_stream_t *sp = ready(0x86dd);
  dl_attach_req_t a{DL_ATTACH_REQ, ppa()};
  ASSERT_EQ(send_prim(sp, a), 0);
  expect_error_ack(sp, DL_ATTACH_REQ, DL_OUTSTATE);
  dl_info_req_t r{DL_INFO_REQ};
  ASSERT_EQ(send_prim(sp, r), 0);
  Got g;
  ASSERT_TRUE(recv(sp, &g));
  auto i = g.as<dl_info_ack_t>();
  EXPECT_EQ(i.dl_current_state, t_uscalar_t{DL_IDLE});
  uint16_t sap;
  std::memcpy(&sap, g.at(i.dl_addr_offset, 8).data() + 6, 2);
  EXPECT_EQ(sap, 0x86dd) << "still bound to the same SAP";
}

}  // namespace
}  // namespace strdp::test

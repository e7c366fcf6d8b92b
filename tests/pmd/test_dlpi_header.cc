// <strdp/dlpi.h>: Solaris values and layouts, so DLPI users built for
// Solaris exchange the same bytes with the driver.
#include <strdp/dlpi.h>

#include <cstddef>

#include "pmd_test.h"

extern "C" size_t dlpi_c_info_ack_size(void);

namespace strdp::test {
namespace {

TEST(DlpiHeader, PrimitiveCodesStatesAndErrorsAreSolaris) {
  EXPECT_EQ(DL_INFO_REQ, 0x00);
  EXPECT_EQ(DL_BIND_REQ, 0x01);
  EXPECT_EQ(DL_INFO_ACK, 0x03);
  EXPECT_EQ(DL_ERROR_ACK, 0x05);
  EXPECT_EQ(DL_OK_ACK, 0x06);
  EXPECT_EQ(DL_UNITDATA_REQ, 0x07);
  EXPECT_EQ(DL_UNITDATA_IND, 0x08);
  EXPECT_EQ(DL_UDERROR_IND, 0x09);
  EXPECT_EQ(DL_ATTACH_REQ, 0x0b);
  EXPECT_EQ(DL_DETACH_REQ, 0x0c);
  EXPECT_EQ(DL_PROMISCON_REQ, 0x1f);
  EXPECT_EQ(DL_PROMISCOFF_REQ, 0x20);
  EXPECT_EQ(DL_PHYS_ADDR_REQ, 0x31);
  EXPECT_EQ(DL_PHYS_ADDR_ACK, 0x32);
  EXPECT_EQ(DL_NOTIFY_REQ, 0x100);
  EXPECT_EQ(DL_NOTIFY_IND, 0x102);
  EXPECT_EQ(DL_UNATTACHED, 0x04);
  EXPECT_EQ(DL_UNBOUND, 0x00);
  EXPECT_EQ(DL_IDLE, 0x03);
  EXPECT_EQ(DL_BADSAP, 0x00);
  EXPECT_EQ(DL_BADADDR, 0x01);
  EXPECT_EQ(DL_ACCESS, 0x02);
  EXPECT_EQ(DL_OUTSTATE, 0x03);
  EXPECT_EQ(DL_SYSERR, 0x04);
  EXPECT_EQ(DL_BADDATA, 0x06);
  EXPECT_EQ(DL_UNSUPPORTED, 0x07);
  EXPECT_EQ(DL_BADPPA, 0x08);
  EXPECT_EQ(DL_BADPRIM, 0x09);
  EXPECT_EQ(DL_NOTINIT, 0x10);
  EXPECT_EQ(DL_NOTSUPPORTED, 0x12);
  EXPECT_EQ(DL_NOTENAB, 0x14);
  EXPECT_EQ(DL_ETHER, 0x04);
  EXPECT_EQ(DL_IPX25, 0x0d);
  EXPECT_EQ(DL_LOOP, 0x0e);
  EXPECT_EQ(DL_X25, 0x13);
  EXPECT_EQ(DL_STYLE1, 0x0500);
  EXPECT_EQ(DL_STYLE2, 0x0501);
  EXPECT_EQ(DL_CLDLS, 0x02);
  EXPECT_EQ(DL_VERSION_2, 0x02);
  EXPECT_EQ(DL_PROMISC_PHYS, 1);
  EXPECT_EQ(DL_PROMISC_SAP, 2);
  EXPECT_EQ(DL_PROMISC_MULTI, 3);
  EXPECT_EQ(DL_NOTE_LINK_DOWN, 0x08);
  EXPECT_EQ(DL_NOTE_LINK_UP, 0x10);
  EXPECT_EQ(DLIOCRAW, ('D' << 8) | 1);
}

TEST(DlpiHeader, StructureLayoutsAreSolaris) {
  EXPECT_EQ(sizeof(t_uscalar_t), 4u);
  EXPECT_EQ(sizeof(dl_info_ack_t), 76u);
  EXPECT_EQ(offsetof(dl_info_ack_t, dl_sap_length), 28u);
  EXPECT_EQ(offsetof(dl_info_ack_t, dl_provider_style), 52u);
  EXPECT_EQ(offsetof(dl_info_ack_t, dl_brdcst_addr_offset), 68u);
  EXPECT_EQ(sizeof(dl_attach_req_t), 8u);
  EXPECT_EQ(sizeof(dl_bind_req_t), 20u);
  EXPECT_EQ(offsetof(dl_bind_req_t, dl_conn_mgmt), 14u);
  EXPECT_EQ(sizeof(dl_bind_ack_t), 24u);
  EXPECT_EQ(sizeof(dl_ok_ack_t), 8u);
  EXPECT_EQ(sizeof(dl_error_ack_t), 16u);
  EXPECT_EQ(offsetof(dl_error_ack_t, dl_unix_errno), 12u);
  EXPECT_EQ(sizeof(dl_unitdata_req_t), 20u);
  EXPECT_EQ(sizeof(dl_unitdata_ind_t), 24u);
  EXPECT_EQ(offsetof(dl_unitdata_ind_t, dl_group_address), 20u);
  EXPECT_EQ(sizeof(dl_uderror_ind_t), 20u);
  EXPECT_EQ(offsetof(dl_uderror_ind_t, dl_errno), 16u) << "dl_unix_errno comes first";
  EXPECT_EQ(sizeof(dl_phys_addr_req_t), 8u);
  EXPECT_EQ(sizeof(dl_phys_addr_ack_t), 12u);
  EXPECT_EQ(sizeof(dl_promiscon_req_t), 8u);
  EXPECT_EQ(sizeof(dl_notify_req_t), 12u);
  EXPECT_EQ(sizeof(dl_notify_ack_t), 8u);
  EXPECT_EQ(sizeof(dl_notify_ind_t), 20u);
  EXPECT_EQ(dlpi_c_info_ack_size(), sizeof(dl_info_ack_t)) << "C and C++ agree";
}

}  // namespace
}  // namespace strdp::test

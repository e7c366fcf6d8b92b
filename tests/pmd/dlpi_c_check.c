/*
 * <sys/dlpi.h> is C: a DLPI user written for Solaris includes it after
 * <sys/stream.h> and builds. The layouts are Solaris' (checked here at
 * compile time, and through dlpi_c_info_ack_size() by the C++ tests).
 */
#include <sys/types.h>
#include <sys/stream.h>
#include <sys/dlpi.h>
#include <stddef.h>

_Static_assert(sizeof(dl_info_ack_t) == 76, "dl_info_ack_t layout");
_Static_assert(sizeof(dl_bind_req_t) == 20, "dl_bind_req_t layout");
_Static_assert(offsetof(dl_bind_req_t, dl_service_mode) == 12, "dl_service_mode is 16 bits");
_Static_assert(offsetof(dl_bind_req_t, dl_xidtest_flg) == 16, "dl_conn_mgmt is 16 bits");
_Static_assert(sizeof(dl_unitdata_req_t) == 20, "dl_unitdata_req_t layout");
_Static_assert(sizeof(union DL_primitives) == sizeof(dl_info_ack_t), "largest primitive");
_Static_assert(DLIOCRAW == 0x4401, "DLIOCRAW = ('D' << 8) | 1");

size_t dlpi_c_info_ack_size(void);
size_t dlpi_c_info_ack_size(void)
{
	union DL_primitives p;
	p.info_ack.dl_primitive = DL_INFO_ACK;
	return p.dl_primitive == DL_INFO_ACK ? sizeof (p.info_ack) : 0;
}

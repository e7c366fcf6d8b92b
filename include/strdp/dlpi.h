/*
 * strdp/dlpi.h — the Data Link Provider Interface, version 2, as Solaris
 * <sys/dlpi.h> defines it: the same primitive codes, states, error codes,
 * media types and structure layouts (every field 32 bits unless noted,
 * no padding), so DLPI users written for Solaris build unchanged
 * (<sys/dlpi.h> in include/compat resolves here).
 *
 * Primitives travel as M_PROTO (requests, indications) or M_PCPROTO
 * (acknowledgements) messages whose first block holds the structure;
 * addresses sit in the same block at dl_*_offset from b_rptr. An
 * Ethernet DLSAP address is the 6-byte MAC followed by the 2-byte SAP
 * (the ethertype) in host byte order, as Solaris lays it out: length 8,
 * dl_sap_length -2 (negative: the SAP follows the physical address).
 *
 * What the strdp `pmd` driver implements of this: docs/drivers.md.
 */
#ifndef STRDP_DLPI_H
#define STRDP_DLPI_H

#include <stdint.h>
#include <strdp/stream.h>

#ifdef __cplusplus
extern "C" {
#endif

/* TPI/DLPI scalars: 32 bits on every data model (Solaris <sys/types.h>). */
#ifndef STRDP_T_SCALAR_DEFINED
#define STRDP_T_SCALAR_DEFINED
typedef int32_t t_scalar_t;
typedef uint32_t t_uscalar_t;
#endif

/* ioctls (Sun additions) */
#define DLIOC           ('D' << 8)
#define DLIOCRAW        (DLIOC | 1)  /* raw M_DATA mode: whole frames */
#define DLIOCNATIVE     (DLIOC | 2)  /* native traffic mode */
#define DLIOCHDRINFO    (DLIOC | 10) /* fast-path header */
#define DL_IOC_HDR_INFO DLIOCHDRINFO

#define DL_CURRENT_VERSION 0x02
#define DL_VERSION_2       0x02

/* ------------------------------------------------------------------------
 * Primitive codes
 * ---------------------------------------------------------------------- */

/* local management */
#define DL_INFO_REQ           0x00
#define DL_BIND_REQ           0x01
#define DL_UNBIND_REQ         0x02
#define DL_INFO_ACK           0x03
#define DL_BIND_ACK           0x04
#define DL_ERROR_ACK          0x05
#define DL_OK_ACK             0x06
#define DL_ATTACH_REQ         0x0b
#define DL_DETACH_REQ         0x0c
#define DL_SUBS_UNBIND_REQ    0x15
#define DL_SUBS_BIND_REQ      0x1b
#define DL_SUBS_BIND_ACK      0x1c
#define DL_ENABMULTI_REQ      0x1d
#define DL_DISABMULTI_REQ     0x1e
#define DL_PROMISCON_REQ      0x1f
#define DL_PROMISCOFF_REQ     0x20
/* Solaris local management */
#define DL_NOTIFY_REQ         0x100
#define DL_NOTIFY_ACK         0x101
#define DL_NOTIFY_IND         0x102
#define DL_AGGR_REQ           0x103
#define DL_AGGR_IND           0x104
#define DL_UNAGGR_REQ         0x105
#define DL_CAPABILITY_REQ     0x110
#define DL_CAPABILITY_ACK     0x111
#define DL_CONTROL_REQ        0x112
#define DL_CONTROL_ACK        0x113
#define DL_PASSIVE_REQ        0x114
#define DL_INTR_MODE_REQ      0x115
/* connectionless service */
#define DL_UNITDATA_REQ       0x07
#define DL_UNITDATA_IND       0x08
#define DL_UDERROR_IND        0x09
#define DL_UDQOS_REQ          0x0a
/* connection-oriented service */
#define DL_CONNECT_REQ        0x0d
#define DL_CONNECT_IND        0x0e
#define DL_CONNECT_RES        0x0f
#define DL_CONNECT_CON        0x10
#define DL_TOKEN_REQ          0x11
#define DL_TOKEN_ACK          0x12
#define DL_DISCONNECT_REQ     0x13
#define DL_DISCONNECT_IND     0x14
#define DL_RESET_REQ          0x17
#define DL_RESET_IND          0x18
#define DL_RESET_RES          0x19
#define DL_RESET_CON          0x1a
/* acknowledged connectionless service */
#define DL_DATA_ACK_REQ       0x21
#define DL_DATA_ACK_IND       0x22
#define DL_DATA_ACK_STATUS_IND 0x23
#define DL_REPLY_REQ          0x24
#define DL_REPLY_IND          0x25
#define DL_REPLY_STATUS_IND   0x26
#define DL_REPLY_UPDATE_REQ   0x27
#define DL_REPLY_UPDATE_STATUS_IND 0x28
/* XID and TEST */
#define DL_XID_REQ            0x29
#define DL_XID_IND            0x2a
#define DL_XID_RES            0x2b
#define DL_XID_CON            0x2c
#define DL_TEST_REQ           0x2d
#define DL_TEST_IND           0x2e
#define DL_TEST_RES           0x2f
#define DL_TEST_CON           0x30
/* physical address and statistics */
#define DL_PHYS_ADDR_REQ      0x31
#define DL_PHYS_ADDR_ACK      0x32
#define DL_SET_PHYS_ADDR_REQ  0x33
#define DL_GET_STATISTICS_REQ 0x34
#define DL_GET_STATISTICS_ACK 0x35

#define DL_PRIM_INVAL         0xffff /* dl_error_primitive of an unreadable one */

/* ------------------------------------------------------------------------
 * Interface states (dl_current_state)
 * ---------------------------------------------------------------------- */

#define DL_UNBOUND            0x00 /* attached, no SAP bound */
#define DL_BIND_PENDING       0x01
#define DL_UNBIND_PENDING     0x02
#define DL_IDLE               0x03 /* bound: data may flow */
#define DL_UNATTACHED         0x04 /* no PPA (style 2 after open) */
#define DL_ATTACH_PENDING     0x05
#define DL_DETACH_PENDING     0x06
#define DL_UDQOS_PENDING      0x07
#define DL_OUTCON_PENDING     0x08
#define DL_INCON_PENDING      0x09
#define DL_CONN_RES_PENDING   0x0a
#define DL_DATAXFER           0x0b
#define DL_USER_RESET_PENDING 0x0c
#define DL_PROV_RESET_PENDING 0x0d
#define DL_RESET_RES_PENDING  0x0e
#define DL_DISCON8_PENDING    0x0f
#define DL_DISCON9_PENDING    0x10
#define DL_DISCON11_PENDING   0x11
#define DL_DISCON12_PENDING   0x12
#define DL_DISCON13_PENDING   0x13
#define DL_SUBS_BIND_PND      0x14
#define DL_SUBS_UNBIND_PND    0x15

/* ------------------------------------------------------------------------
 * DL_ERROR_ACK / DL_UDERROR_IND error codes (dl_errno)
 * ---------------------------------------------------------------------- */

#define DL_BADSAP        0x00 /* bad SAP */
#define DL_BADADDR       0x01 /* DLSAP address in bad format or invalid */
#define DL_ACCESS        0x02 /* improper permissions for the request */
#define DL_OUTSTATE      0x03 /* primitive issued in the wrong state */
#define DL_SYSERR        0x04 /* system error: see dl_unix_errno */
#define DL_BADCORR       0x05
#define DL_BADDATA       0x06 /* user data exceeds the provider's limit */
#define DL_UNSUPPORTED   0x07 /* requested service not supplied */
#define DL_BADPPA        0x08 /* PPA invalid */
#define DL_BADPRIM       0x09 /* primitive unknown or malformed */
#define DL_BADQOSPARAM   0x0a
#define DL_BADQOSTYPE    0x0b
#define DL_BADTOKEN      0x0c
#define DL_BOUND         0x0d
#define DL_INITFAILED    0x0e
#define DL_NOADDR        0x0f
#define DL_NOTINIT       0x10 /* physical link not initialised */
#define DL_UNDELIVERABLE 0x11
#define DL_NOTSUPPORTED  0x12 /* primitive known but not supported */
#define DL_TOOMANY       0x13
#define DL_NOTENAB       0x14 /* promiscuous mode not enabled */
#define DL_BUSY          0x15
#define DL_NOAUTO        0x16 /* automatic XID/TEST handling not supported */
#define DL_NOXIDAUTO     0x17
#define DL_NOTESTAUTO    0x18
#define DL_XIDAUTO       0x19
#define DL_TESTAUTO      0x1a
#define DL_PENDING       0x1b

/* ------------------------------------------------------------------------
 * Media types (dl_mac_type), service modes, styles
 * ---------------------------------------------------------------------- */

#define DL_CSMACD   0x00
#define DL_TPB      0x01
#define DL_TPR      0x02
#define DL_METRO    0x03
#define DL_ETHER    0x04
#define DL_HDLC     0x05
#define DL_CHAR     0x06
#define DL_CTCA     0x07
#define DL_FDDI     0x08
#define DL_OTHER    0x09
#define DL_FRAME    0x0a
#define DL_MPFRAME  0x0b
#define DL_ASYNC    0x0c
#define DL_IPX25    0x0d /* X.25 classical IP */
#define DL_LOOP     0x0e /* software loopback */
#define DL_FC       0x10
#define DL_ATM      0x11
#define DL_IPATM    0x12
#define DL_X25      0x13 /* X.25 LAPB */
#define DL_ISDN     0x14
#define DL_HIPPI    0x15
#define DL_100VG    0x16
#define DL_100VGTPR 0x17
#define DL_ETH_CSMA 0x18
#define DL_100BT    0x19
#define DL_IB       0x1a

#define DL_CODLS  0x01 /* connection-oriented */
#define DL_CLDLS  0x02 /* connectionless */
#define DL_ACLDLS 0x04 /* acknowledged connectionless */

#define DL_STYLE1 0x0500 /* the PPA is implied by the open */
#define DL_STYLE2 0x0501 /* the PPA is chosen with DL_ATTACH_REQ */

/* DL_PHYS_ADDR_REQ dl_addr_type */
#define DL_FACT_PHYS_ADDR 0x01 /* factory address */
#define DL_CURR_PHYS_ADDR 0x02 /* current address */

/* DL_PROMISCON_REQ / DL_PROMISCOFF_REQ dl_level */
#define DL_PROMISC_PHYS  0x01 /* every frame on the medium */
#define DL_PROMISC_SAP   0x02 /* every SAP */
#define DL_PROMISC_MULTI 0x03 /* every multicast address */

/* DL_NOTIFY_* codes: distinct bits, several per DL_NOTIFY_REQ/ACK */
#define DL_NOTE_PHYS_ADDR        0x0001
#define DL_NOTE_PROMISC_ON_PHYS  0x0002
#define DL_NOTE_PROMISC_OFF_PHYS 0x0004
#define DL_NOTE_LINK_DOWN        0x0008
#define DL_NOTE_LINK_UP          0x0010
#define DL_NOTE_AGGR_AVAIL       0x0020
#define DL_NOTE_AGGR_UNAVAIL     0x0040
#define DL_NOTE_SDU_SIZE         0x0080
#define DL_NOTE_SPEED            0x0100
#define DL_NOTE_FASTPATH_FLUSH   0x0200
#define DL_NOTE_CAPAB_RENEG      0x0400

/* ------------------------------------------------------------------------
 * Quality of service (only what the primitives below embed)
 * ---------------------------------------------------------------------- */

#define DL_UNKNOWN       (-1)
#define DL_QOS_DONT_CARE (-2)
#define DL_QOS_CO_RANGE1 0x0101
#define DL_QOS_CO_SEL1   0x0102
#define DL_QOS_CL_RANGE1 0x0103
#define DL_QOS_CL_SEL1   0x0104

typedef struct {
	t_scalar_t dl_min;
	t_scalar_t dl_max;
} dl_priority_t;

/* ------------------------------------------------------------------------
 * Primitives
 * ---------------------------------------------------------------------- */

typedef struct { /* DL_INFO_REQ, M_PCPROTO */
	t_uscalar_t dl_primitive;
} dl_info_req_t;

typedef struct { /* DL_INFO_ACK, M_PCPROTO */
	t_uscalar_t dl_primitive;
	t_uscalar_t dl_max_sdu;            /* largest data unit, bytes */
	t_uscalar_t dl_min_sdu;            /* smallest data unit, bytes */
	t_uscalar_t dl_addr_length;        /* DLSAP address length */
	t_uscalar_t dl_mac_type;           /* DL_ETHER ... */
	t_uscalar_t dl_reserved;           /* zero */
	t_uscalar_t dl_current_state;      /* DL_UNATTACHED ... */
	t_scalar_t  dl_sap_length;         /* < 0: the SAP follows the address */
	t_uscalar_t dl_service_mode;       /* DL_CLDLS ... */
	t_uscalar_t dl_qos_length;
	t_uscalar_t dl_qos_offset;
	t_uscalar_t dl_qos_range_length;
	t_uscalar_t dl_qos_range_offset;
	t_uscalar_t dl_provider_style;     /* DL_STYLE1 or DL_STYLE2 */
	t_uscalar_t dl_addr_offset;        /* 0: no address (yet) */
	t_uscalar_t dl_version;            /* DL_VERSION_2 */
	t_uscalar_t dl_brdcst_addr_length;
	t_uscalar_t dl_brdcst_addr_offset;
	t_uscalar_t dl_growth;             /* zero */
} dl_info_ack_t;

typedef struct { /* DL_ATTACH_REQ, M_PROTO */
	t_uscalar_t dl_primitive;
	t_uscalar_t dl_ppa;                /* physical point of attachment */
} dl_attach_req_t;

typedef struct { /* DL_DETACH_REQ, M_PROTO */
	t_uscalar_t dl_primitive;
} dl_detach_req_t;

typedef struct { /* DL_BIND_REQ, M_PROTO */
	t_uscalar_t dl_primitive;
	t_uscalar_t dl_sap;                /* Ethernet: the ethertype */
	t_uscalar_t dl_max_conind;         /* connection indications (CO) */
	uint16_t    dl_service_mode;       /* DL_CLDLS ... */
	uint16_t    dl_conn_mgmt;
	t_uscalar_t dl_xidtest_flg;        /* DL_AUTO_XID / DL_AUTO_TEST */
} dl_bind_req_t;

typedef struct { /* DL_BIND_ACK, M_PCPROTO */
	t_uscalar_t dl_primitive;
	t_uscalar_t dl_sap;
	t_uscalar_t dl_addr_length;        /* the bound DLSAP address */
	t_uscalar_t dl_addr_offset;
	t_uscalar_t dl_max_conind;
	t_uscalar_t dl_xidtest_flg;
} dl_bind_ack_t;

typedef struct { /* DL_SUBS_BIND_REQ, M_PROTO */
	t_uscalar_t dl_primitive;
	t_uscalar_t dl_subs_sap_offset;
	t_uscalar_t dl_subs_sap_length;
	t_uscalar_t dl_subs_bind_class;
} dl_subs_bind_req_t;

typedef struct { /* DL_UNBIND_REQ, M_PROTO */
	t_uscalar_t dl_primitive;
} dl_unbind_req_t;

typedef struct { /* DL_OK_ACK, M_PCPROTO */
	t_uscalar_t dl_primitive;
	t_uscalar_t dl_correct_primitive;  /* the request acknowledged */
} dl_ok_ack_t;

typedef struct { /* DL_ERROR_ACK, M_PCPROTO */
	t_uscalar_t dl_primitive;
	t_uscalar_t dl_error_primitive;    /* the request refused */
	t_uscalar_t dl_errno;              /* DL_BADPPA ... */
	t_uscalar_t dl_unix_errno;         /* with DL_SYSERR */
} dl_error_ack_t;

typedef struct { /* DL_ENABMULTI_REQ, M_PROTO */
	t_uscalar_t dl_primitive;
	t_uscalar_t dl_addr_length;
	t_uscalar_t dl_addr_offset;
} dl_enabmulti_req_t;

typedef struct { /* DL_DISABMULTI_REQ, M_PROTO */
	t_uscalar_t dl_primitive;
	t_uscalar_t dl_addr_length;
	t_uscalar_t dl_addr_offset;
} dl_disabmulti_req_t;

typedef struct { /* DL_PROMISCON_REQ, M_PROTO */
	t_uscalar_t dl_primitive;
	t_uscalar_t dl_level;              /* DL_PROMISC_PHYS ... */
} dl_promiscon_req_t;

typedef struct { /* DL_PROMISCOFF_REQ, M_PROTO */
	t_uscalar_t dl_primitive;
	t_uscalar_t dl_level;
} dl_promiscoff_req_t;

typedef struct { /* DL_PHYS_ADDR_REQ, M_PROTO */
	t_uscalar_t dl_primitive;
	t_uscalar_t dl_addr_type;          /* DL_FACT_ / DL_CURR_PHYS_ADDR */
} dl_phys_addr_req_t;

typedef struct { /* DL_PHYS_ADDR_ACK, M_PCPROTO */
	t_uscalar_t dl_primitive;
	t_uscalar_t dl_addr_length;
	t_uscalar_t dl_addr_offset;
} dl_phys_addr_ack_t;

typedef struct { /* DL_SET_PHYS_ADDR_REQ, M_PROTO */
	t_uscalar_t dl_primitive;
	t_uscalar_t dl_addr_length;
	t_uscalar_t dl_addr_offset;
} dl_set_phys_addr_req_t;

typedef struct { /* DL_GET_STATISTICS_REQ, M_PROTO */
	t_uscalar_t dl_primitive;
} dl_get_statistics_req_t;

typedef struct { /* DL_GET_STATISTICS_ACK, M_PCPROTO */
	t_uscalar_t dl_primitive;
	t_uscalar_t dl_stat_length;
	t_uscalar_t dl_stat_offset;
} dl_get_statistics_ack_t;

typedef struct { /* DL_NOTIFY_REQ, M_PROTO */
	t_uscalar_t dl_primitive;
	uint32_t    dl_notifications;      /* DL_NOTE_* wanted */
	uint32_t    dl_timelimit;          /* milliseconds */
} dl_notify_req_t;

typedef struct { /* DL_NOTIFY_ACK, M_PROTO */
	t_uscalar_t dl_primitive;
	uint32_t    dl_notifications;      /* DL_NOTE_* the provider supports */
} dl_notify_ack_t;

typedef struct { /* DL_NOTIFY_IND, M_PROTO */
	t_uscalar_t dl_primitive;
	uint32_t    dl_notification;       /* one DL_NOTE_* */
	uint32_t    dl_data;               /* notification specific */
	t_uscalar_t dl_addr_length;
	t_uscalar_t dl_addr_offset;
} dl_notify_ind_t;

typedef struct { /* DL_UDQOS_REQ, M_PROTO */
	t_uscalar_t dl_primitive;
	t_uscalar_t dl_qos_length;
	t_uscalar_t dl_qos_offset;
} dl_udqos_req_t;

typedef struct { /* DL_UNITDATA_REQ, M_PROTO, then M_DATA */
	t_uscalar_t   dl_primitive;
	t_uscalar_t   dl_dest_addr_length;
	t_uscalar_t   dl_dest_addr_offset;
	dl_priority_t dl_priority;
} dl_unitdata_req_t;

typedef struct { /* DL_UNITDATA_IND, M_PROTO, then M_DATA */
	t_uscalar_t dl_primitive;
	t_uscalar_t dl_dest_addr_length;
	t_uscalar_t dl_dest_addr_offset;
	t_uscalar_t dl_src_addr_length;
	t_uscalar_t dl_src_addr_offset;
	t_uscalar_t dl_group_address;      /* 1: multicast or broadcast */
} dl_unitdata_ind_t;

typedef struct { /* DL_UDERROR_IND, M_PROTO */
	t_uscalar_t dl_primitive;
	t_uscalar_t dl_dest_addr_length;
	t_uscalar_t dl_dest_addr_offset;
	t_uscalar_t dl_unix_errno;
	t_uscalar_t dl_errno;
} dl_uderror_ind_t;

typedef struct { /* DL_TEST_REQ / DL_XID_REQ (and _RES), M_PROTO */
	t_uscalar_t dl_primitive;
	t_uscalar_t dl_flag;
	t_uscalar_t dl_dest_addr_length;
	t_uscalar_t dl_dest_addr_offset;
} dl_test_req_t;
typedef dl_test_req_t dl_xid_req_t;

union DL_primitives {
	t_uscalar_t             dl_primitive;
	dl_info_req_t           info_req;
	dl_info_ack_t           info_ack;
	dl_attach_req_t         attach_req;
	dl_detach_req_t         detach_req;
	dl_bind_req_t           bind_req;
	dl_bind_ack_t           bind_ack;
	dl_subs_bind_req_t      subs_bind_req;
	dl_unbind_req_t         unbind_req;
	dl_ok_ack_t             ok_ack;
	dl_error_ack_t          error_ack;
	dl_enabmulti_req_t      enabmulti_req;
	dl_disabmulti_req_t     disabmulti_req;
	dl_promiscon_req_t      promiscon_req;
	dl_promiscoff_req_t     promiscoff_req;
	dl_phys_addr_req_t      physaddr_req;
	dl_phys_addr_ack_t      physaddr_ack;
	dl_set_phys_addr_req_t  set_physaddr_req;
	dl_get_statistics_req_t get_statistics_req;
	dl_get_statistics_ack_t get_statistics_ack;
	dl_notify_req_t         notify_req;
	dl_notify_ack_t         notify_ack;
	dl_notify_ind_t         notify_ind;
	dl_udqos_req_t          udqos_req;
	dl_unitdata_req_t       unitdata_req;
	dl_unitdata_ind_t       unitdata_ind;
	dl_uderror_ind_t        uderror_ind;
	dl_test_req_t           test_req;
	dl_xid_req_t            xid_req;
};

#define DL_INFO_REQ_SIZE           sizeof(dl_info_req_t)
#define DL_INFO_ACK_SIZE           sizeof(dl_info_ack_t)
#define DL_ATTACH_REQ_SIZE         sizeof(dl_attach_req_t)
#define DL_DETACH_REQ_SIZE         sizeof(dl_detach_req_t)
#define DL_BIND_REQ_SIZE           sizeof(dl_bind_req_t)
#define DL_BIND_ACK_SIZE           sizeof(dl_bind_ack_t)
#define DL_SUBS_BIND_REQ_SIZE      sizeof(dl_subs_bind_req_t)
#define DL_UNBIND_REQ_SIZE         sizeof(dl_unbind_req_t)
#define DL_OK_ACK_SIZE             sizeof(dl_ok_ack_t)
#define DL_ERROR_ACK_SIZE          sizeof(dl_error_ack_t)
#define DL_ENABMULTI_REQ_SIZE      sizeof(dl_enabmulti_req_t)
#define DL_DISABMULTI_REQ_SIZE     sizeof(dl_disabmulti_req_t)
#define DL_PROMISCON_REQ_SIZE      sizeof(dl_promiscon_req_t)
#define DL_PROMISCOFF_REQ_SIZE     sizeof(dl_promiscoff_req_t)
#define DL_PHYS_ADDR_REQ_SIZE      sizeof(dl_phys_addr_req_t)
#define DL_PHYS_ADDR_ACK_SIZE      sizeof(dl_phys_addr_ack_t)
#define DL_SET_PHYS_ADDR_REQ_SIZE  sizeof(dl_set_phys_addr_req_t)
#define DL_GET_STATISTICS_REQ_SIZE sizeof(dl_get_statistics_req_t)
#define DL_GET_STATISTICS_ACK_SIZE sizeof(dl_get_statistics_ack_t)
#define DL_NOTIFY_REQ_SIZE         sizeof(dl_notify_req_t)
#define DL_NOTIFY_ACK_SIZE         sizeof(dl_notify_ack_t)
#define DL_NOTIFY_IND_SIZE         sizeof(dl_notify_ind_t)
#define DL_UDQOS_REQ_SIZE          sizeof(dl_udqos_req_t)
#define DL_UNITDATA_REQ_SIZE       sizeof(dl_unitdata_req_t)
#define DL_UNITDATA_IND_SIZE       sizeof(dl_unitdata_ind_t)
#define DL_UDERROR_IND_SIZE        sizeof(dl_uderror_ind_t)
#define DL_TEST_REQ_SIZE           sizeof(dl_test_req_t)
#define DL_XID_REQ_SIZE            sizeof(dl_xid_req_t)

#ifdef __cplusplus
}
#endif

#endif /* STRDP_DLPI_H */

/*
 * strdp/tpi.h — the Transport Provider Interface (TPI) primitives, as
 * Solaris' <sys/tihdr.h> declares them, for the connectionless providers
 * strdp has: /dev/udp (modules/ip/udp.c, docs/ip.md "UDP").
 *
 * A TPI user sends a primitive as the control part of a message (M_PROTO,
 * or M_PCPROTO for T_INFO_REQ) and reads the answer the same way. Every
 * primitive starts with its t_scalar_t PRIM_type; addresses and options
 * follow the fixed part, located by the *_length / *_offset pairs, which
 * count from the start of the control part. The UDP provider's address
 * is a struct sockaddr_in (16 bytes, sin_family AF_INET, port and address
 * in network byte order), as in Solaris.
 *
 * States (TPI 1.5, connectionless part): TS_UNBND --T_BIND_REQ--> TS_IDLE
 * --T_UNBIND_REQ--> TS_UNBND. A request in the wrong state gets
 * T_ERROR_ACK with TOUTSTATE (T_UNITDATA_REQ: T_UDERROR_IND TOUTSTATE).
 */
#ifndef STRDP_TPI_H
#define STRDP_TPI_H

#include <stdint.h>

typedef int32_t t_scalar_t;
typedef uint32_t t_uscalar_t;

/* Primitives (PRIM_type). */
#define T_CONN_REQ	0
#define T_CONN_RES	1
#define T_DISCON_REQ	2
#define T_DATA_REQ	3
#define T_EXDATA_REQ	4
#define T_INFO_REQ	5
#define T_BIND_REQ	6
#define T_UNBIND_REQ	7
#define T_UNITDATA_REQ	8
#define T_OPTMGMT_REQ	9
#define T_ORDREL_REQ	10
#define T_CONN_IND	11
#define T_CONN_CON	12
#define T_DISCON_IND	13
#define T_DATA_IND	14
#define T_EXDATA_IND	15
#define T_INFO_ACK	16
#define T_BIND_ACK	17
#define T_ERROR_ACK	18
#define T_OK_ACK	19
#define T_UNITDATA_IND	20
#define T_UDERROR_IND	21
#define T_OPTMGMT_ACK	22

/* Interface states (CURRENT_state of T_INFO_ACK). */
#define TS_UNBND	0
#define TS_WACK_BREQ	1
#define TS_WACK_UREQ	2
#define TS_IDLE		3

/* Service types (SERV_type). */
#define T_COTS		1
#define T_COTS_ORD	2
#define T_CLTS		3

/* PROVIDER_flag. */
#define SENDZERO	0x001	/* zero-length datagrams may be sent */
#define XPG4_1		0x002

/* A size that means "no limit" / "not supported" in T_INFO_ACK. */
#define T_INFINITE	(-1)
#define T_INVALID	(-2)

/* TLI errors (TLI_error of T_ERROR_ACK; ERROR_type of T_UDERROR_IND is
 * one of these or an errno value, as Solaris' udp sends EMSGSIZE). */
#define TBADADDR	1
#define TBADOPT		2
#define TACCES		3
#define TBADF		4
#define TNOADDR		5
#define TOUTSTATE	6
#define TBADSEQ		7
#define TSYSERR		8
#define TLOOK		9
#define TBADDATA	10
#define TBUFOVFLW	11
#define TFLOW		12
#define TNODATA		13
#define TNODIS		14
#define TNOUDERR	15
#define TBADFLAG	16
#define TNOREL		17
#define TNOTSUPPORT	18
#define TSTATECHNG	19
#define TADDRBUSY	23

/* T_OPTMGMT_REQ MGMT_flags, and the status of each option in the ack. */
#define T_NEGOTIATE	0x004
#define T_CHECK		0x008
#define T_DEFAULT	0x010
#define T_SUCCESS	0x020
#define T_FAILURE	0x040
#define T_CURRENT	0x080
#define T_PARTSUCCESS	0x100
#define T_READONLY	0x200
#define T_NOTSUPPORT	0x400

/* An option in T_OPTMGMT_REQ/ACK (XTI form): header, then the value
 * (len counts both), each option aligned to t_uscalar_t. */
struct t_opthdr {
	t_uscalar_t len;
	t_uscalar_t level;
	t_uscalar_t name;
	t_uscalar_t status;
};
#define T_OPT_ALIGN(n) (((n) + sizeof(t_uscalar_t) - 1) & ~(sizeof(t_uscalar_t) - 1))

/* The options /dev/udp knows (XTI's xti_inet.h levels and names); each
 * value is a t_uscalar_t. */
#define T_INET_IP	0x0
#define T_INET_UDP	0x11
#define T_IP_TOS	0x108	/* type of service byte; default 0 */
#define T_IP_TTL	0x109	/* 1..255; default 64 */
#define T_UDP_CHECKSUM	0x0600	/* T_YES / T_NO: checksum what it sends */
/* strdp's own, as Solaris' IP_RECVDSTADDR and IP_PKTINFO's source do for
 * a server bound to any address that must answer from the address it was
 * asked at: */
#define T_IP_RECVDSTADDR 0x10d	/* T_YES / T_NO (default): T_UNITDATA_IND
				   carries this option, its value the
				   datagram's destination (struct in_addr) */
#define T_IP_SRCADDR	0x10e	/* in T_UNITDATA_REQ only: the source to
				   send from (struct in_addr), one of ours */
#define T_YES		1
#define T_NO		0

struct T_info_req {
	t_scalar_t PRIM_type;
};
struct T_info_ack {
	t_scalar_t PRIM_type;
	t_scalar_t TSDU_size;		/* largest datagram */
	t_scalar_t ETSDU_size;
	t_scalar_t CDATA_size;
	t_scalar_t DDATA_size;
	t_scalar_t ADDR_size;		/* sizeof(struct sockaddr_in) */
	t_scalar_t OPT_size;
	t_scalar_t TIDU_size;
	t_scalar_t SERV_type;		/* T_CLTS */
	t_scalar_t CURRENT_state;
	t_scalar_t PROVIDER_flag;
};
struct T_bind_req {
	t_scalar_t PRIM_type;
	t_scalar_t ADDR_length;		/* 0: any address, a port chosen */
	t_scalar_t ADDR_offset;
	t_uscalar_t CONIND_number;	/* 0 for a connectionless provider */
};
struct T_bind_ack {
	t_scalar_t PRIM_type;
	t_scalar_t ADDR_length;		/* the address bound */
	t_scalar_t ADDR_offset;
	t_uscalar_t CONIND_number;
};
struct T_unbind_req {
	t_scalar_t PRIM_type;
};
struct T_ok_ack {
	t_scalar_t PRIM_type;
	t_scalar_t CORRECT_prim;
};
struct T_error_ack {
	t_scalar_t PRIM_type;
	t_scalar_t ERROR_prim;
	t_scalar_t TLI_error;
	t_scalar_t UNIX_error;		/* with TSYSERR */
};
struct T_unitdata_req {
	t_scalar_t PRIM_type;
	t_scalar_t DEST_length;
	t_scalar_t DEST_offset;
	t_scalar_t OPT_length;		/* /dev/udp: T_IP_TTL, T_IP_TOS,
					   T_IP_SRCADDR for this datagram */
	t_scalar_t OPT_offset;
};
struct T_unitdata_ind {
	t_scalar_t PRIM_type;
	t_scalar_t SRC_length;
	t_scalar_t SRC_offset;
	t_scalar_t OPT_length;
	t_scalar_t OPT_offset;
};
struct T_uderror_ind {
	t_scalar_t PRIM_type;
	t_scalar_t DEST_length;
	t_scalar_t DEST_offset;
	t_scalar_t OPT_length;
	t_scalar_t OPT_offset;
	t_scalar_t ERROR_type;
};
struct T_optmgmt_req {
	t_scalar_t PRIM_type;
	t_scalar_t OPT_length;
	t_scalar_t OPT_offset;
	t_scalar_t MGMT_flags;
};
struct T_optmgmt_ack {
	t_scalar_t PRIM_type;
	t_scalar_t OPT_length;
	t_scalar_t OPT_offset;
	t_scalar_t MGMT_flags;
};

#endif /* STRDP_TPI_H */

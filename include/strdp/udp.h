/*
 * strdp/udp.h — /dev/udp, the UDP endpoints of the ip router
 * (modules/ip/udp*.c, docs/ip.md "UDP").
 *
 * "udp" is a clone driver in ip.so: each open is an endpoint, spoken to
 * in TPI (<strdp/tpi.h>), connectionless:
 *
 *   T_INFO_REQ      T_INFO_ACK: TSDU_size 65507, ADDR_size 16, T_CLTS.
 *   T_BIND_REQ      address: a struct sockaddr_in, or none (ADDR_length 0:
 *                   any address, a port from 49152..65535). sin_addr 0 or
 *                   one of the router's interface addresses (TSYSERR
 *                   EADDRNOTAVAIL), sin_port 0 picks one; a port bound
 *                   already: TADDRBUSY; under 1024 from a non-root
 *                   opener: TACCES; a bad address: TBADADDR. T_BIND_ACK
 *                   carries the address bound.
 *   T_UNBIND_REQ    T_OK_ACK; TS_IDLE only.
 *   T_UNITDATA_REQ  a datagram (M_PROTO, data in M_DATA blocks behind)
 *                   to DEST (struct sockaddr_in). The router picks the
 *                   source address of the route's interface when bound to
 *                   any. What cannot go gets T_UDERROR_IND naming the
 *                   destination, ERROR_type one of TOUTSTATE (unbound),
 *                   TBADADDR, EMSGSIZE (over 65507 bytes), ENETUNREACH /
 *                   EHOSTUNREACH (no route / a reject route), ENOBUFS (the
 *                   lane's ring is full), ENETDOWN, TBADOPT (an option
 *                   that is not T_INET_IP T_IP_TTL, T_IP_TOS or
 *                   T_IP_SRCADDR with a 4-byte value, or a source that
 *                   is not ours). Those options apply to this datagram
 *                   alone. M_DATA alone (no destination): T_UDERROR_IND
 *                   EDESTADDRREQ.
 *   T_UNITDATA_IND  a datagram received: SRC is the sender's
 *                   sockaddr_in, the data its payload; with
 *                   T_IP_RECVDSTADDR on, one option T_INET_IP
 *                   T_IP_RECVDSTADDR whose value is the destination it
 *                   was sent to (a server bound to any address answers
 *                   from it with T_IP_SRCADDR).
 *   T_OPTMGMT_REQ   T_NEGOTIATE, T_CHECK, T_CURRENT, T_DEFAULT of
 *                   T_INET_IP/T_IP_TTL (1..255), T_INET_IP/T_IP_TOS
 *                   (0..255), T_INET_UDP/T_UDP_CHECKSUM (T_YES/T_NO) and
 *                   T_INET_IP/T_IP_RECVDSTADDR (T_YES/T_NO); others come
 *                   back T_NOTSUPPORT. Bad flags: TBADFLAG; a malformed
 *                   option list: TBADOPT.
 *   anything else   T_ERROR_ACK TNOTSUPPORT (a short primitive: TSYSERR
 *                   EINVAL).
 *
 * Received datagrams wait in the endpoint's receive ring (1024
 * datagrams) while the stream head is full; past that they are dropped
 * and counted (ue_rcvbuf_full), as a socket's full receive buffer does.
 * Datagrams with a bad length or checksum are the router's drops
 * (drop_udp_bad); for a port nobody bound, ICMP port unreachable.
 *
 * I_STR command:
 *   UDP_IOC_STATS   ic_dp: a struct udp_ep_stats, ic_len its size.
 */
#ifndef STRDP_UDP_H
#define STRDP_UDP_H

#include <stdint.h>

#define UDP_IOC_STATS (('u' << 24) | ('d' << 16) | ('p' << 8) | 1)

struct udp_ep_stats {
	uint32_t ue_addr;	/* bound: address (host order), 0 any */
	uint16_t ue_port;	/* bound port (host order), 0 unbound */
	uint16_t ue_pad;
	uint64_t ue_in;		/* datagrams the lanes queued for it */
	uint64_t ue_up;		/* ... sent up the stream */
	uint64_t ue_rcvbuf_full; /* dropped: its receive ring was full */
	uint64_t ue_nomem;	/* dropped: no buffer for T_UNITDATA_IND */
	uint64_t ue_stale;	/* freed: arrived while unbound */
	uint64_t ue_out;	/* datagrams handed to a lane */
	uint64_t ue_out_errors;	/* T_UDERROR_IND sent */
};

#endif /* STRDP_UDP_H */

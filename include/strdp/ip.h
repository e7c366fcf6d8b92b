/*
 * strdp/ip.h — the "ip" multiplexing driver: an IPv4 router built of
 * STREAMS (modules/ip/, docs/ip.md).
 *
 * There is one router per process. Every open of "ip" (a clone driver)
 * is an upper stream of it: the control stream that links interfaces,
 * sets their addresses and changes routes. A lane is a scheduler: the
 * lanes of a configured "ip" stream are opens on their own lcores, and a
 * lower stream linked under the open of lane i is lane i of its
 * interface. A datagram that arrives on lane i of one interface leaves
 * by lane i of another, so a lane never touches another's queues.
 *
 * Lower streams are Ethernet DLPI providers in raw mode (a pmd stream
 * with mode = "raw", the configuration's default): whole frames up and
 * down. At link time the router asks the lower DL_INFO_REQ (its MAC
 * address, MTU and type: DL_ETHER only, for now) and DL_NOTIFY_REQ for
 * link up and down; a lower that answers DL_ERROR_ACK to the latter is
 * taken to be up.
 *
 * Commands, sent with I_STR (struct strioctl) on an ip stream:
 *
 *   IP_IOC_IFSET      ic_dp: struct ip_ifreq. Makes the lower ifr_muxid
 *                     (linked under this stream) lane (this stream's
 *                     scheduler) of interface ifr_name, creating the
 *                     interface on its first lane with its address,
 *                     prefix length and MTU (0: the lower's dl_max_sdu);
 *                     the connected route and the interface's own
 *                     address are added to the table. A later lane must
 *                     give the same address, prefix and MTU. Errors:
 *                     EINVAL (bad fields, an address that is not unicast,
 *                     an MTU under 68 or past the lower's, a lane with
 *                     other values, a lower not linked here or whose
 *                     DL_INFO_ACK has not come or is not Ethernet: EPROTO),
 *                     EBUSY (the lower is an interface's already),
 *                     EEXIST (an interface of another name has the
 *                     address's subnet), ENOSPC (IP_MAX_IFS interfaces).
 *   IP_IOC_ROUTE_ADD  ic_dp: struct ip_rtreq. rt_gateway 0 with rt_ifname:
 *                     on that interface's link; a gateway must be on the
 *                     link of an interface (rt_ifname, if given, must be
 *                     that one). Errors: EINVAL (host bits past the
 *                     prefix, a gateway on no link, unknown flags),
 *                     ENOENT (no such interface), EEXIST (the prefix has
 *                     a route: IP_RT_REPLACE replaces it), ENOSPC.
 *   IP_IOC_ROUTE_DEL  ic_dp: struct ip_rtreq (rt_dst and rt_plen).
 *                     ENOENT when there is no such route; EPERM for an
 *                     interface's own routes (they go with the interface).
 *   IP_IOC_ROUTE_LIST ic_dp: room for n struct ip_rtreq after a struct
 *                     ip_list_hdr, ic_len = IP_LIST_LEN(n): every route,
 *                     as many as fit; ih_total says how many there are.
 *   IP_IOC_STATS      ic_dp: a struct ip_list_hdr and room for n struct
 *                     ip_if_stats: every interface, its counters summed
 *                     over its lanes.
 *
 * Any other ioctl fails with EINVAL, as does data written on an ip
 * stream (freed and counted: the upper streams carry no datagrams yet).
 *
 * Addresses are in host byte order.
 */
#ifndef STRDP_IP_H
#define STRDP_IP_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define IP_IOC_(n) (('i' << 24) | ('p' << 16) | ('4' << 8) | (n))
#define IP_IOC_IFSET IP_IOC_(1)
#define IP_IOC_ROUTE_ADD IP_IOC_(2)
#define IP_IOC_ROUTE_DEL IP_IOC_(3)
#define IP_IOC_ROUTE_LIST IP_IOC_(4)
#define IP_IOC_STATS IP_IOC_(5)

#define IP_IFNAMSIZ 32  /* an interface name, NUL included */
#define IP_MAX_IFS 64   /* interfaces of the router */
#define IP_MAX_LANES 64 /* lanes (schedulers) that open ip */

struct ip_ifreq {
	int32_t ifr_muxid;           /* the lower, as I_PLINK/I_LINK returned */
	char ifr_name[IP_IFNAMSIZ];  /* 1..31 bytes, NUL terminated */
	uint32_t ifr_addr;           /* our address on the link */
	uint32_t ifr_plen;           /* prefix length, 8..30 (or 31, 32) */
	uint32_t ifr_mtu;            /* 0: the lower's */
};

#define IP_RT_REPLACE 0x1   /* ROUTE_ADD: replace a route of that prefix */
#define IP_RT_CONNECTED 0x2 /* LIST: an interface's subnet (not deleted) */
#define IP_RT_LOCAL 0x4     /* LIST: an address of ours */
#define IP_RT_REJECT 0x8    /* ADD/LIST: unreachable, ICMP answers */

struct ip_rtreq {
	uint32_t rt_dst;
	uint32_t rt_plen;           /* 0..32 */
	uint32_t rt_gateway;        /* 0: on the link */
	uint32_t rt_flags;          /* IP_RT_* */
	char rt_ifname[IP_IFNAMSIZ]; /* "" for ADD: the gateway's interface */
};

struct ip_list_hdr {
	uint32_t ih_total;    /* entries there are */
	uint32_t ih_returned; /* entries that follow */
};
#define IP_LIST_LEN(n, type) (sizeof(struct ip_list_hdr) + (n) * sizeof(type))

/*
 * Why a received datagram is dropped before it is routed (RFC 1812
 * 5.2.2 and 5.3.7): the IP_DROP_* verdicts of the input checks, one
 * counter each.
 */
#define STRDP_IP_DROP_REASONS(X)                                          \
	X(short_frame, "fewer bytes than the 20 of an IPv4 header")       \
	X(version, "version is not 4")                                    \
	X(header_length, "IHL under 5, or the header runs past the frame") \
	X(total_length, "total length under the header's, or past the frame") \
	X(checksum, "header checksum is wrong")                           \
	X(options, "an option has a length under 2 or runs past the header") \
	X(source, "source is 0/8, 127/8, multicast, 240/4 or broadcast")   \
	X(destination, "destination is 0/8, 127/8 or 240/4 (not 255.255.255.255)")

enum ip_input_verdict {
	IP_INPUT_OK = 0,
#define STRDP_IP_DROP_ENUM(name, text) IP_DROP_##name,
	STRDP_IP_DROP_REASONS(STRDP_IP_DROP_ENUM)
#undef STRDP_IP_DROP_ENUM
	IP_DROP_COUNT_
};

/* Why an ARP packet or a message waiting for ARP is dropped. */
#define STRDP_ARP_DROP_REASONS(X)                                               \
	X(short_packet, "fewer than the 28 bytes of an Ethernet/IPv4 ARP packet")  \
	X(not_ethernet_ipv4, "hardware type not 1, protocol not 0x0800, or sizes not 6/4") \
	X(opcode, "neither request (1) nor reply (2)")                            \
	X(bad_sender, "sender MAC multicast or zero, or sender IP 0, multicast or broadcast") \
	X(pending_overflow, "a message waiting for its neighbour pushed out by a newer one") \
	X(unresolved, "the neighbour never answered")                             \
	X(cache_full, "no room for a new neighbour")

enum ip_arp_verdict {
	IP_ARP_OK = 0,
#define STRDP_ARP_DROP_ENUM(name, text) IP_ARP_DROP_##name,
	STRDP_ARP_DROP_REASONS(STRDP_ARP_DROP_ENUM)
#undef STRDP_ARP_DROP_ENUM
	IP_ARP_DROP_COUNT_
};

/* Why no ICMP answer or error goes out. */
#define STRDP_ICMP_NO_REASONS(X)                                                  \
	X(not_echo, "not an echo request (type 8, code 0)")                         \
	X(short_icmp, "fewer than the 8 bytes of an ICMP header")                  \
	X(icmp_checksum, "the ICMP checksum is wrong")                              \
	X(about_error, "the datagram is itself an ICMP error (RFC 1812 4.3.2.7)")  \
	X(about_fragment, "the datagram is a fragment other than the first")        \
	X(about_non_unicast, "its destination or source is not a unicast address")  \
	X(no_room, "the buffer cannot hold the answer")                             \
	X(rate_limited, "the lane's ICMP token bucket is empty")

enum ip_icmp_verdict {
	IP_ICMP_OK = 0,
#define STRDP_ICMP_NO_ENUM(name, text) IP_ICMP_NO_##name,
	STRDP_ICMP_NO_REASONS(STRDP_ICMP_NO_ENUM)
#undef STRDP_ICMP_NO_ENUM
	IP_ICMP_NO_COUNT_
};

/*
 * An interface's counters, X(name, doc). Every frame an interface
 * receives is counted once in rx_frames and ends in exactly one of:
 * rx_arp, forwarded, local_in, or one drop (a counter below, an input
 * drop reason, an ARP drop reason); every datagram that waits for ARP
 * is sent or dropped as unresolved, pending_overflow or cache_full.
 */
#define STRDP_IP_IF_COUNTERS(X) \
	X(rx_frames, "frames received") \
	X(rx_arp, "ARP packets taken (answered or learnt from)") \
	X(forwarded, "datagrams routed out of another (or the same) interface") \
	X(local_in, "datagrams for one of our addresses, taken") \
	X(tx_frames, "frames sent (forwarded, fragments, ARP, ICMP)") \
	X(echo_replies, "ICMP echo replies sent") \
	X(icmp_errors, "ICMP errors sent (time exceeded, unreachable, needfrag)") \
	X(arp_requests, "ARP requests sent") \
	X(arp_replies, "ARP replies sent") \
	X(arp_shared, "ARP packets handed to the interface's other lanes to learn from") \
	X(fragments, "fragments made") \
	X(udp_in, "UDP datagrams queued for a /dev/udp endpoint") \
	X(udp_out, "UDP datagrams /dev/udp endpoints sent by this interface") \
	X(drop_runt, "frames shorter than an Ethernet header") \
	X(drop_other_mac, "frames for another station's MAC address") \
	X(drop_ethertype, "frames neither IPv4 nor ARP (VLAN tags included)") \
	X(drop_multicast, "IPv4 multicast (not routed)") \
	X(drop_no_route, "no route (ICMP network unreachable)") \
	X(drop_reject, "a reject route (ICMP host unreachable)") \
	X(drop_ttl, "TTL expired (ICMP time exceeded)") \
	X(drop_df, "too big for the next link with DF set (ICMP needfrag)") \
	X(drop_frag, "could not be fragmented (bad options)") \
	X(drop_local_proto, "for us, but no protocol or port here takes it (ICMP unreachable)") \
	X(drop_udp_bad, "UDP for us with a bad length or checksum") \
	X(drop_udp_full, "UDP for an endpoint whose receive ring was full") \
	X(drop_icmp, "ICMP for us that is no echo request, or a bad one") \
	X(drop_link_down, "to leave by an interface that is down or has no lane here") \
	X(drop_tx_full, "the next link's queue was full (flow control)") \
	X(drop_nomem, "no buffer for a copy, a fragment or an answer")

enum ip_if_counter {
#define STRDP_IP_IF_ENUM(name, doc) IP_IF_##name,
	STRDP_IP_IF_COUNTERS(STRDP_IP_IF_ENUM)
#undef STRDP_IP_IF_ENUM
	IP_IF_COUNT_
};

struct ip_if_stats {
	char is_name[IP_IFNAMSIZ];
	uint32_t is_addr, is_plen, is_mtu;
	uint8_t is_mac[6];
	uint8_t is_up;      /* some lane's link is up */
	uint8_t is_lanes;   /* lanes linked */
	uint32_t is_neighbours; /* ARP entries, all lanes */
	uint64_t is_ctr[IP_IF_COUNT_];
	uint64_t is_input_drops[IP_DROP_COUNT_]; /* index: enum ip_input_verdict */
	uint64_t is_arp_drops[IP_ARP_DROP_COUNT_]; /* enum ip_arp_verdict */
	uint64_t is_icmp_not_sent[IP_ICMP_NO_COUNT_]; /* enum ip_icmp_verdict */
};

#ifdef __cplusplus
}
#endif

#endif /* STRDP_IP_H */

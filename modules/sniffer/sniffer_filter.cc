// The capture filter: a tcpdump expression compiled by libpcap for the
// Ethernet link type (pcap_open_dead(DLT_EN10MB) + pcap_compile), turned
// into eBPF by rte_bpf_convert, loaded with rte_bpf_load, JIT-compiled
// where DPDK can (x86-64, arm64).
//
// Principles of operation
//  - A program converted from cBPF takes an `rte_mbuf *` and reads the
//    packet through data_off/data_len/buf_addr/next/pkt_len (its loads
//    are rte_pktmbuf_read, its `len` is pkt_len). match() runs it on a
//    read-only view of the message built on its stack (sniffer_view.cc):
//    one rte_mbuf header per segment, with only the fields the program
//    reads, pointing at the message's bytes. Nothing is copied and the
//    message is not touched.
//  - The packet is the bytes of every block of the message, in order
//    (what the pcapng file will hold); empty blocks are skipped, a block
//    longer than an mbuf segment (UINT16_MAX) is cut into several.
//  - Single-segment views (the usual frame) run JIT-compiled. Multi-
//    segment ones run in DPDK's interpreter: a load that crosses
//    segments calls __rte_pktmbuf_read, and the 22.11 x86 JIT makes that
//    call with the stack misaligned (fixed upstream after 22.11.11,
//    commit 6d0e6b5e3a); on one segment the JIT never makes the call with
//    anything to copy (an out-of-range load fails before any copy).
//  - Messages of more than kViews segments take a cold path with a heap
//    array of views.
//  - rte_bpf_convert (22.11, and DPDK's main branch as of this writing)
//    translates the cBPF indirect loads `ldb [x + k]` and `ld [x + k]`
//    with register A as the base instead of X: it takes the base from the
//    BPF_X bit of the opcode, which only `ldh` happens to carry (BPF_H ==
//    BPF_X == 0x08). tcpdump expressions such as "tcp[tcpflags] & tcp-syn
//    != 0" or "icmp[icmptype] = icmp-echo" would then never match. Every
//    indirect load of a converted program comes from a cBPF indirect
//    load, whose base is always X, so fix_indirect_loads() sets it so.
//  - The 22.11 x86 JIT (and main's) encodes `jset` with a constant as
//    opcode F7 /0 followed by a one-byte immediate when the constant fits
//    in a signed byte, where F7 always takes four: the code that follows
//    is misread and the program crashes ("tcp[tcpflags] & tcp-syn != 0"
//    compiles to `jset #0x2`). Such programs run in the interpreter.
#define ALLOW_EXPERIMENTAL_API 1

#include <pcap/pcap.h>
#include <rte_bpf.h>
#include <rte_errno.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>

#include <algorithm>
#include <memory>
#include <new>

#include "sniffer_impl.h"

namespace strdp::snif {
namespace {

// See the principles above. X is eBPF r7 in rte_bpf_convert's mapping.
void fix_indirect_loads(rte_bpf_prm *prm) {
  // The instructions follow prm in one allocation of ours (rte_bpf_convert
  // returns them as const only because rte_bpf_prm says so).
  auto *ins = const_cast<ebpf_insn *>(prm->ins);
  for (uint32_t i = 0; i < prm->nb_ins; ++i)
    if (BPF_CLASS(ins[i].code) == BPF_LD && BPF_MODE(ins[i].code) == BPF_IND)
      ins[i].src_reg = EBPF_REG_7;
}

// See the principles above: no JIT for `jset #k` with k in int8 range.
bool jit_safe(const rte_bpf_prm *prm) {
  for (uint32_t i = 0; i < prm->nb_ins; ++i) {
    const ebpf_insn &in = prm->ins[i];
    bool jset_k = BPF_CLASS(in.code) == BPF_JMP && BPF_OP(in.code) == BPF_JSET &&
                  BPF_SRC(in.code) == BPF_K;
    if (jset_k && in.imm >= INT8_MIN && in.imm <= INT8_MAX) return false;
  }
  return true;
}

struct PcapCloser {
  void operator()(pcap_t *p) const { pcap_close(p); }
};

}  // namespace

std::unique_ptr<Filter> Filter::compile(const std::string &expr, std::string *why) {
  // The snapshot length only sets the program's "accept" value; any
  // non-zero return means "matched" here.
  std::unique_ptr<pcap_t, PcapCloser> p(pcap_open_dead(DLT_EN10MB, 262144));
  if (!p) {
    *why = "libpcap: pcap_open_dead failed";
    return nullptr;
  }
  bpf_program prog{};
  if (pcap_compile(p.get(), &prog, expr.c_str(), 1, PCAP_NETMASK_UNKNOWN) != 0) {
    *why = pcap_geterr(p.get());
    return nullptr;
  }
  rte_bpf_prm *prm = rte_bpf_convert(&prog);
  pcap_freecode(&prog);
  if (prm == nullptr) {
    *why = std::string("rte_bpf_convert: ") + rte_strerror(rte_errno);
    return nullptr;
  }
  fix_indirect_loads(prm);
  bool jit_ok = jit_safe(prm);
  std::unique_ptr<Filter> f(new (std::nothrow) Filter);
  if (f) f->bpf_ = rte_bpf_load(prm);
  int err = rte_errno;
  rte_free(prm);
  if (!f) {
    *why = "out of memory";
    return nullptr;
  }
  if (f->bpf_ == nullptr) {
    *why = std::string("rte_bpf_load: ") + rte_strerror(err);
    return nullptr;
  }
  rte_bpf_jit jit{};
  if (jit_ok && rte_bpf_get_jit(f->bpf_, &jit) == 0 && jit.func != nullptr) f->jit_ = jit.func;
  return f;
}

Filter::~Filter() {
  if (bpf_ != nullptr) rte_bpf_destroy(bpf_);
}

bool Filter::run(rte_mbuf *view, bool single) const {
  if (single && jit_ != nullptr) return jit_(view) != 0;
  return rte_bpf_exec(bpf_, view) != 0;
}

bool Filter::match(const mblk_t *mp) const {
  // Only the fields build_view() sets are read: no need to clear the
  // rest of each 128-byte header.
  rte_mbuf v[kViews];
  unsigned n = build_view(mp, v, kViews);
  if (n > kViews) [[unlikely]]
    return match_long(mp, view_segments(mp));
  return run(v, n == 1);
}

bool Filter::match_long(const mblk_t *mp, unsigned nviews) const {
  std::unique_ptr<rte_mbuf[]> v(new (std::nothrow) rte_mbuf[nviews]);
  // Out of memory: the message cannot be judged; treat it as matching so
  // that the copy is attempted and, if memory is short, counted dropped
  // rather than silently filtered.
  if (!v) return true;
  build_view(mp, v.get(), nviews);
  return run(v.get(), false);
}

}  // namespace strdp::snif

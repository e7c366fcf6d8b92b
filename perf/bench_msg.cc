// Micro-benchmarks of the message layer against plain DPDK on the same
// pool: what STREAMS semantics cost on top of rte_mbuf.
//
//   bench_msg [--benchmark_* options]
//
// Runs EAL with --no-huge on one lcore, so it needs no set-up; numbers
// from hugepage memory on an isolated core are the ones to publish. Five
// repetitions by default. After the table it prints, from the medians,
// allocb+freemsg relative to rte_pktmbuf_alloc+free (target: 1.5x at
// most) and the per-packet cost of the mbuf boundary, both from runs that
// interleave what they compare: separate runs on a shared host can swing
// by more than the difference being measured.
#include <benchmark/benchmark.h>
#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_mbuf.h>
#include <strdp/mbuf.h>
#include <strdp/strdp.h>
#include <strdp/strsun.h>

#include <cstdio>
#include <cstring>
#include <map>
#include <string>
#include <unistd.h>
#include <vector>

namespace {

constexpr size_t kMsgLen = 64;
constexpr unsigned kBurst = 32;

rte_mempool *pool() { return strdp_msg_pool(SOCKET_ID_ANY); }

mblk_t *msg64() {
  mblk_t *mp = allocb(kMsgLen, BPRI_MED);
  if (mp != nullptr) {
    std::memset(mp->b_wptr, 0x5a, kMsgLen);
    mp->b_wptr += kMsgLen;
  }
  return mp;
}

void BM_RefPktmbufAllocFree(benchmark::State &state) {
  rte_mempool *mp = pool();
  for (auto _ : state) {
    rte_mbuf *m = rte_pktmbuf_alloc(mp);
    benchmark::DoNotOptimize(m);
    rte_pktmbuf_free(m);
  }
}
BENCHMARK(BM_RefPktmbufAllocFree);

void BM_AllocbFreemsg(benchmark::State &state) {
  for (auto _ : state) {
    mblk_t *mp = allocb(kMsgLen, BPRI_MED);
    benchmark::DoNotOptimize(mp);
    freemsg(mp);
  }
}
BENCHMARK(BM_AllocbFreemsg);

// The two above, interleaved in rounds of 256 pairs so that both see the
// same machine: on a shared or frequency-scaled host, runs taken seconds
// apart can differ by more than the difference being measured. The ratio
// printed at the end comes from here.
void BM_AllocbVsPktmbuf(benchmark::State &state) {
  constexpr int kRound = 256;
  rte_mempool *mp = pool();
  uint64_t ref = 0, ours = 0, n = 0;
  for (auto _ : state) {
    uint64_t t0 = rte_rdtsc_precise();
    for (int i = 0; i < kRound; i++) {
      rte_mbuf *m = rte_pktmbuf_alloc(mp);
      benchmark::DoNotOptimize(m);
      rte_pktmbuf_free(m);
    }
    uint64_t t1 = rte_rdtsc_precise();
    for (int i = 0; i < kRound; i++) {
      mblk_t *b = allocb(kMsgLen, BPRI_MED);
      benchmark::DoNotOptimize(b);
      freemsg(b);
    }
    uint64_t t2 = rte_rdtsc_precise();
    ref += t1 - t0;
    ours += t2 - t1;
    n += kRound;
  }
  double ns_per_tick = 1e9 / static_cast<double>(rte_get_tsc_hz());
  if (n == 0) return;
  state.counters["ref_ns"] = static_cast<double>(ref) * ns_per_tick / n;
  state.counters["allocb_ns"] = static_cast<double>(ours) * ns_per_tick / n;
  state.counters["ratio"] =
      ref == 0 ? 0 : static_cast<double>(ours) / static_cast<double>(ref);
}
BENCHMARK(BM_AllocbVsPktmbuf);

void BM_DupmsgFreemsg(benchmark::State &state) {
  mblk_t *mp = msg64();
  for (auto _ : state) {
    mblk_t *dp = dupmsg(mp);
    benchmark::DoNotOptimize(dp);
    freemsg(dp);
  }
  freemsg(mp);
}
BENCHMARK(BM_DupmsgFreemsg);

void BM_CopymsgFreemsg(benchmark::State &state) {
  mblk_t *mp = msg64();
  for (auto _ : state) {
    mblk_t *cp = copymsg(mp);
    benchmark::DoNotOptimize(cp);
    freemsg(cp);
  }
  freemsg(mp);
}
BENCHMARK(BM_CopymsgFreemsg);

// A burst as a PMD delivers it: 32 single-segment 64-byte packets.
struct Burst {
  rte_mbuf *m[kBurst];
  mblk_t *mp[kBurst];
  bool ok;
  Burst() {
    ok = rte_pktmbuf_alloc_bulk(pool(), m, kBurst) == 0;
    for (unsigned i = 0; ok && i < kBurst; i++)
      std::memset(rte_pktmbuf_append(m[i], kMsgLen), 0x5a, kMsgLen);
  }
  ~Burst() {
    if (ok) rte_pktmbuf_free_bulk(m, kBurst);
  }
  Burst(const Burst &) = delete;
  Burst &operator=(const Burst &) = delete;
};

// Time per packet, shown with an SI prefix (n = nanoseconds).
void per_packet(benchmark::State &state) {
  state.counters["t/pkt"] = benchmark::Counter(
      static_cast<double>(state.iterations()) * kBurst,
      benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

// Import only: the mbufs stay the same, so every pass imports afresh.
void BM_ImportBurst32(benchmark::State &state) {
  Burst b;
  if (!b.ok) return state.SkipWithError("no mbufs");
  for (auto _ : state) {
    strdp_msg_from_mbufs(b.m, b.mp, kBurst);
    benchmark::ClobberMemory();
  }
  per_packet(state);
}
BENCHMARK(BM_ImportBurst32);

// The same over 4096 mbufs (128 bursts): the private areas come from L2,
// as they do behind an rx ring of a thousand descriptors or more.
void BM_ImportBurst32Ring(benchmark::State &state) {
  constexpr unsigned kBursts = 128;
  std::vector<Burst> ring(kBursts);
  for (const Burst &b : ring)
    if (!b.ok) return state.SkipWithError("no mbufs");
  unsigned i = 0;
  for (auto _ : state) {
    Burst &b = ring[i++ % kBursts];
    strdp_msg_from_mbufs(b.m, b.mp, kBurst);
    benchmark::ClobberMemory();
  }
  per_packet(state);
}
BENCHMARK(BM_ImportBurst32Ring);

// Import then export each message (rx, then tx), each phase timed on its
// own, in the same pass, so the two per-packet figures see the same
// machine.
void BM_ImportExportBurst32(benchmark::State &state) {
  Burst b;
  if (!b.ok) return state.SkipWithError("no mbufs");
  uint64_t in = 0, out = 0, n = 0;
  for (auto _ : state) {
    uint64_t t0 = rte_rdtsc_precise();
    strdp_msg_from_mbufs(b.m, b.mp, kBurst);
    uint64_t t1 = rte_rdtsc_precise();
    for (unsigned i = 0; i < kBurst; i++) b.m[i] = strdp_msg_to_mbuf(b.mp[i]);
    uint64_t t2 = rte_rdtsc_precise();
    benchmark::ClobberMemory();
    in += t1 - t0;
    out += t2 - t1;
    n += kBurst;
  }
  per_packet(state);
  if (n == 0) return;
  double ns_per_tick = 1e9 / static_cast<double>(rte_get_tsc_hz());
  state.counters["import_ns"] = static_cast<double>(in) * ns_per_tick / n;
  state.counters["export_ns"] = static_cast<double>(out) * ns_per_tick / n;
}
BENCHMARK(BM_ImportExportBurst32);

// Keeps the CPU time per iteration of every benchmark for the summary:
// the median of the repetitions when there are several (a shared machine
// makes single runs swing by tens of percent), else the one run.
class Reporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run> &runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run &r : runs) {
      bool median = r.run_type == Run::RT_Aggregate &&
                    r.aggregate_name == "median";
      bool single = r.run_type == Run::RT_Iteration && r.repetitions <= 1;
      if (!median && !single) continue;
      const std::string &name = r.run_name.function_name;
      ns_[name] = r.GetAdjustedCPUTime() * 1e9 /
                  benchmark::GetTimeUnitMultiplier(r.time_unit);
      for (const auto &[key, c] : r.counters) counters_[name + "." + key] = c;
    }
  }
  double ns(const std::string &name) const {
    auto it = ns_.find(name);
    return it == ns_.end() ? 0 : it->second;
  }
  double counter(const std::string &name) const {
    auto it = counters_.find(name);
    return it == counters_.end() ? 0 : it->second.value;
  }

 private:
  std::map<std::string, double> ns_;
  std::map<std::string, benchmark::Counter> counters_;
};

}  // namespace

int main(int argc, char **argv) {
  std::string prefix = "strdp-bench-" + std::to_string(getpid());
  std::vector<std::string> eal = {"bench_msg", "--no-huge", "-m", "512",
                                  "--no-pci", "--no-shconf", "-l", "0",
                                  "--file-prefix", prefix,
                                  "--log-level", "*:error"};
  std::vector<char *> eargv;
  for (auto &a : eal) eargv.push_back(a.data());
  if (rte_eal_init(static_cast<int>(eargv.size()), eargv.data()) < 0) {
    std::fprintf(stderr, "rte_eal_init: %s\n", rte_strerror(rte_errno));
    return 1;
  }
  if (strdp_runtime_init(nullptr) != 0) {
    std::perror("strdp_runtime_init");
    return 1;
  }
  // Five repetitions, medians shown, unless told otherwise.
  std::vector<char *> args(argv, argv + argc);
  bool reps = false;
  for (int i = 1; i < argc; i++)
    reps |= std::strncmp(argv[i], "--benchmark_repetitions", 23) == 0;
  std::string rep_arg = "--benchmark_repetitions=5";
  std::string agg_arg = "--benchmark_display_aggregates_only=true";
  if (!reps) {
    args.push_back(rep_arg.data());
    args.push_back(agg_arg.data());
  }
  argc = static_cast<int>(args.size());
  argv = args.data();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  Reporter rep;
  benchmark::RunSpecifiedBenchmarks(&rep);

  double ratio = rep.counter("BM_AllocbVsPktmbuf.ratio");
  if (ratio > 0)
    std::printf("\nallocb+freemsg / rte_pktmbuf_alloc+free = %.2fx "
                "(%.1f / %.1f ns interleaved; target <= 1.5x)\n", ratio,
                rep.counter("BM_AllocbVsPktmbuf.allocb_ns"),
                rep.counter("BM_AllocbVsPktmbuf.ref_ns"));
  double imp = rep.counter("BM_ImportExportBurst32.import_ns");
  double exp = rep.counter("BM_ImportExportBurst32.export_ns");
  double ring = rep.ns("BM_ImportBurst32Ring") / kBurst;
  if (imp > 0 && exp > 0)
    std::printf("mbuf boundary, bursts of %u: import %.2f ns/pkt (%.2f from "
                "L2), export %.2f ns/pkt\n", kBurst, imp, ring, exp);
  benchmark::Shutdown();
  strdp_runtime_fini();
  rte_eal_cleanup();
  return 0;
}

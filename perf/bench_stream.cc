// Google Benchmark: the cost of moving messages through a stream.
//
//   putq_getq          one putq + one getq on a queue
//   putnext/N          a message put at the stream head's write queue
//                      through N pass-through modules (classic put, one
//                      call per message) to a sink driver
//   putnext_burst/N    the same with bursts of 32 through modules that
//                      have a burst put (qi_putbp)
//
// Messages are recycled by the sink, so only the put path is measured.
// The per-module cost is the slope between N = 0 and N = 8; the summary
// printed at the end computes it (target: under 3 ns per message per
// module on the burst path).
#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <rte_eal.h>
#include <strdp/strdp.h>

#include <cstdio>
#include <map>
#include <string>
#include <vector>

namespace {

constexpr unsigned kBurst = 32;

// The sink driver keeps what reaches it, for the benchmark to reuse.
std::vector<mblk_t *> g_sunk;

int sink_wput(queue_t *, mblk_t *mp) {
  g_sunk.push_back(mp);
  return 0;
}
void sink_wputb(queue_t *, mblk_t **mps, unsigned n) { g_sunk.insert(g_sunk.end(), mps, mps + n); }
int sink_rput(queue_t *q, mblk_t *mp) { return putnext(q, mp); }
int sink_open(queue_t *q, dev_t *, int, int, cred_t *) {
  qprocson(q);
  return 0;
}
int sink_close(queue_t *q, int, cred_t *) {
  qprocsoff(q);
  return 0;
}
module_info sink_mi = {900, const_cast<char *>("bsink"), 0, INFPSZ, 1 << 30, 0};
qinit sink_r = {
    .qi_putp = sink_rput, .qi_qopen = sink_open, .qi_qclose = sink_close, .qi_minfo = &sink_mi};
qinit sink_w = {
  .qi_putp = sink_wput,
  .qi_minfo = &sink_mi,
  .qi_putbp = sink_wputb,
};
streamtab sink_st = {.st_rdinit = &sink_r, .st_wrinit = &sink_w};

// Pass-through modules: classic (put only) and burst-capable.
int pass_put(queue_t *q, mblk_t *mp) { return putnext(q, mp); }
void pass_putb(queue_t *q, mblk_t **mps, unsigned n) { putnext_burst(q, mps, n); }
int pass_open(queue_t *q, dev_t *, int, int, cred_t *) {
  qprocson(q);
  return 0;
}
int pass_close(queue_t *q, int, cred_t *) {
  qprocsoff(q);
  return 0;
}
module_info p1_mi = {901, const_cast<char *>("bpass"), 0, INFPSZ, 1 << 30, 0};
qinit p1_r = {
    .qi_putp = pass_put, .qi_qopen = pass_open, .qi_qclose = pass_close, .qi_minfo = &p1_mi};
qinit p1_w = {.qi_putp = pass_put, .qi_minfo = &p1_mi};
streamtab p1_st = {.st_rdinit = &p1_r, .st_wrinit = &p1_w};
fmodsw p1_fsw = {"bpass", &p1_st, D_MP};
module_info pb_mi = {902, const_cast<char *>("bpassb"), 0, INFPSZ, 1 << 30, 0};
qinit pb_r = {
  .qi_putp = pass_put,
  .qi_qopen = pass_open,
  .qi_qclose = pass_close,
  .qi_minfo = &pb_mi,
  .qi_putbp = pass_putb,
};
qinit pb_w = {
  .qi_putp = pass_put,
  .qi_minfo = &pb_mi,
  .qi_putbp = pass_putb,
};
streamtab pb_st = {.st_rdinit = &pb_r, .st_wrinit = &pb_w};
fmodsw pb_fsw = {"bpassb", &pb_st, D_MP};

strdp_stream_t *open_chain(const char *mod, int64_t n) {
  strdp_stream_t *sp = strdp_open("bsink", O_RDWR, nullptr);
  for (int64_t i = 0; i < n; ++i) strdp_ioctl(sp, I_PUSH, reinterpret_cast<intptr_t>(mod));
  return sp;
}

std::vector<mblk_t *> make_msgs(unsigned n) {
  std::vector<mblk_t *> v;
  for (unsigned i = 0; i < n; ++i) {
    mblk_t *mp = allocb(64, BPRI_MED);
    mp->b_wptr += 64;
    v.push_back(mp);
  }
  return v;
}

void BM_putq_getq(benchmark::State &state) {
  strdp_stream_t *sp = open_chain("bpass", 0);
  queue_t *q = strdp_stream_rq(sp);  // the head's read queue: no enabling cost
  mblk_t *mp = make_msgs(1)[0];
  for (auto _ : state) {
    putq(q, mp);
    benchmark::DoNotOptimize(mp = getq(q));
  }
  freemsg(mp);
  strdp_close(sp);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_putq_getq);

void BM_putnext(benchmark::State &state) {
  strdp_stream_t *sp = open_chain("bpass", state.range(0));
  queue_t *wq = strdp_stream_wq(sp);
  g_sunk.clear();
  std::vector<mblk_t *> msgs = make_msgs(kBurst);
  for (auto _ : state) {
    for (mblk_t *mp : msgs) putnext(wq, mp);
    g_sunk.clear();  // the same messages are reused
  }
  for (mblk_t *mp : msgs) freemsg(mp);
  strdp_close(sp);
  state.SetItemsProcessed(state.iterations() * kBurst);
}
BENCHMARK(BM_putnext)->Arg(0)->Arg(1)->Arg(4)->Arg(8);

void BM_putnext_burst(benchmark::State &state) {
  strdp_stream_t *sp = open_chain("bpassb", state.range(0));
  queue_t *wq = strdp_stream_wq(sp);
  g_sunk.clear();
  std::vector<mblk_t *> msgs = make_msgs(kBurst);
  std::vector<mblk_t *> burst(kBurst);
  for (auto _ : state) {
    burst = msgs;  // putnext_burst may not keep the array, but may reorder it
    putnext_burst(wq, burst.data(), kBurst);
    g_sunk.clear();
  }
  for (mblk_t *mp : msgs) freemsg(mp);
  strdp_close(sp);
  state.SetItemsProcessed(state.iterations() * kBurst);
}
BENCHMARK(BM_putnext_burst)->Arg(0)->Arg(1)->Arg(4)->Arg(8);

// Prints ns/message for each run and the per-module slope (N=0 to N=8).
class SlopeReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run> &runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run &r : runs) {
      // With --benchmark_repetitions the median stands for the run.
      if (r.run_type == Run::RT_Aggregate && r.aggregate_name != "median") continue;
      auto it = r.counters.find("items_per_second");
      if (it == r.counters.end() || it->second.value <= 0) continue;
      ns_[r.run_name.str()] = 1e9 / it->second.value;  // CPU time per message
    }
  }
  void Finalize() override {
    ConsoleReporter::Finalize();
    std::printf("\nns per message (per-module cost = slope from 0 to 8 modules):\n");
    for (const char *b : {"BM_putnext", "BM_putnext_burst"}) {
      double n0 = ns_[std::string(b) + "/0"], n8 = ns_[std::string(b) + "/8"];
      std::printf("  %-18s 0: %6.2f  1: %6.2f  4: %6.2f  8: %6.2f  per module: %5.2f ns\n", b, n0,
                  ns_[std::string(b) + "/1"], ns_[std::string(b) + "/4"], n8, (n8 - n0) / 8);
    }
  }

 private:
  std::map<std::string, double> ns_;
};

}  // namespace

int main(int argc, char **argv) {
  const char *eal[] = {"bench_stream", "--no-huge", "-m", "512", "--no-pci", "--no-shconf",
                       "-l", "0", "--log-level", "*:error"};
  if (rte_eal_init(static_cast<int>(std::size(eal)), const_cast<char **>(eal)) < 0) return 1;
  if (strdp_runtime_init(nullptr) != 0) return 1;
  strdp_register_driver("bsink", &sink_st, D_MP);
  strdp_register_module(&p1_fsw);
  strdp_register_module(&pb_fsw);
  benchmark::Initialize(&argc, argv);
  SlopeReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  strdp_runtime_fini();
  rte_eal_cleanup();
  return 0;
}

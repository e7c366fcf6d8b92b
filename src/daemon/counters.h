// The counter lists of strdp.h and pmd.h (STRDP_QSTATS_COUNTERS,
// STRDP_PMD_COUNTERS) as tables a loop can walk: the daemon sums over
// lanes, writes JSON and telemetry from these, so no view keeps a list
// of its own that could fall behind the structure.
#pragma once

#include <strdp/pmd.h>
#include <strdp/strdp.h>

#include <cstdint>
#include <iterator>

namespace strdp::daemon {

template <class S>
struct CounterField {
  const char *name;  // the field's name: the key every view shows
  uint64_t S::*field;
};

inline constexpr CounterField<strdp_qstats> kQueueCounters[] = {
#define STRDP_FIELD_(name, doc) {#name, &strdp_qstats::name},
    STRDP_QSTATS_COUNTERS(STRDP_FIELD_)
#undef STRDP_FIELD_
};

inline constexpr CounterField<strdp_pmd_stats> kPmdCounters[] = {
#define STRDP_FIELD_(name, doc) {#name, &strdp_pmd_stats::name},
    STRDP_PMD_COUNTERS(STRDP_FIELD_)
#undef STRDP_FIELD_
};

// A field written into the structures by hand, beside the lists, would
// be in none of the views.
static_assert(sizeof(strdp_pmd_stats) == std::size(kPmdCounters) * sizeof(uint64_t));
static_assert(sizeof(strdp_qstats) ==
              (std::size(kQueueCounters) + STRDP_DROP_REASONS) * sizeof(uint64_t));

inline const char *drop_name(int r) {
  return strdp_drop_reason_name(static_cast<strdp_drop_reason>(r));
}

inline void add(strdp_qstats &a, const strdp_qstats &b) {
  for (const auto &c : kQueueCounters) a.*c.field += b.*c.field;
  for (int r = 0; r < STRDP_DROP_REASONS; ++r) a.drops[r] += b.drops[r];
}

inline void add(strdp_pmd_stats &a, const strdp_pmd_stats &b) {
  for (const auto &c : kPmdCounters) a.*c.field += b.*c.field;
}

}  // namespace strdp::daemon

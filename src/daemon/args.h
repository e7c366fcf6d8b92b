// streamsd's command line: EAL arguments, then `--`, then its own.
//
//   streamsd [EAL args] -- -c FILE [--check]
//   streamsd -c FILE [--check]        (no `--`, first word one of ours:
//   streamsd --check -c FILE           all words are ours, EAL arguments
//                                      come from the config's [eal] args)
//
// Without `--`, a first word that is not one of ours makes every word an
// EAL argument (and leaves the configuration unnamed: an error later).
// Note that `-c` is also EAL's core mask option; after `--` or as the
// first word it is always ours.
#pragma once

#include <string>
#include <vector>

namespace strdp::daemon {

struct SplitArgs {
  std::vector<std::string> eal;  // without the program name
  std::vector<std::string> own;
};

SplitArgs split_args(int argc, const char *const *argv);

}  // namespace strdp::daemon

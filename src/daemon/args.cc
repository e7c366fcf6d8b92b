// Splitting streamsd's command line (see args.h).
#include "daemon/args.h"

#include <string_view>

namespace strdp::daemon {

namespace {

bool is_own_option(std::string_view a) {
  return a == "-c" || a == "--config" || a == "--check" || a == "-h" || a == "--help" ||
         a.starts_with("--config=");
}

}  // namespace

SplitArgs split_args(int argc, const char *const *argv) {
  SplitArgs r;
  int dashdash = -1;
  for (int i = 1; i < argc; ++i)
    if (std::string_view(argv[i]) == "--") {
      dashdash = i;
      break;
    }
  if (dashdash > 0) {
    for (int i = 1; i < dashdash; ++i) r.eal.emplace_back(argv[i]);
    for (int i = dashdash + 1; i < argc; ++i) r.own.emplace_back(argv[i]);
    return r;
  }
  bool own = argc > 1 && is_own_option(argv[1]);
  for (int i = 1; i < argc; ++i) (own ? r.own : r.eal).emplace_back(argv[i]);
  return r;
}

}  // namespace strdp::daemon

// streamsd: the strdp dataplane daemon.
//
//   streamsd [EAL args] -- -c FILE        run
//   streamsd -c FILE                      run, EAL args from [eal] args
//   streamsd --check -c FILE              check the configuration only
//
// docs/daemon.md describes the rest.
#include <CLI/CLI.hpp>

#include <cstdio>

#include "config/config.h"
#include "daemon/args.h"
#include "daemon/offline_check.h"
#include "daemon/run.h"

int main(int argc, char **argv) {
  using namespace strdp;
  daemon::SplitArgs a = daemon::split_args(argc, argv);

  CLI::App app{"streamsd: the strdp dataplane daemon",
               "streamsd [EAL args] -- -c FILE [--check]"};
  std::string file;
  bool check = false;
  app.add_option("-c,--config", file, "configuration file (TOML)")->required();
  app.add_flag("--check", check,
               "check the configuration (and load its plugins) without starting anything; "
               "print every error, exit 1 if there is one");
  app.footer(
      "EAL arguments come before `--`; without them the configuration's [eal] args are used.\n"
      "Examples:\n"
      "  streamsd -l 0-2 --vdev net_null0 -- -c /etc/strdp/streamsd.toml\n"
      "  streamsd --check -c streamsd.toml");
  std::vector<std::string> own(a.own.rbegin(), a.own.rend());  // CLI11 takes them reversed
  try {
    app.parse(own);
  } catch (const CLI::ParseError &e) {
    int rc = app.exit(e);
    if (rc != 0 && !a.eal.empty() && a.own.empty())
      fprintf(stderr, "(EAL arguments go before `--`, streamsd's own after it)\n");
    return rc == 0 ? 0 : 1;
  }

  config::LoadResult lr = config::load(file);
  for (const config::Error &e : lr.errors) fprintf(stderr, "%s\n", e.to_string().c_str());
  if (!lr.config) return 1;
  const config::Config &cfg = *lr.config;

  if (check) {
    auto errs = daemon::offline_check(cfg);
    for (const config::Error &e : errs) fprintf(stderr, "%s\n", e.to_string().c_str());
    if (!errs.empty()) return 1;
    printf("ok\n");
    return 0;
  }
  return daemon::run(cfg, a.eal, argv[0]);
}

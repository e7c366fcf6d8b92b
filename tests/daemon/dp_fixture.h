// A real dataplane for the daemon tests: a configuration from TOML text,
// worker lcore 1 (the binaries ask EAL for "-l 0-1"), streams over the
// reference drivers (echo, loop), xconn and pmd.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "config/config.h"
#include "daemon/dataplane.h"

namespace strdp::test {

// Parses `toml` (a failure is a test failure with every error listed).
inline std::optional<config::Config> parse_config(const std::string &toml) {
  config::LoadResult r = config::load_string(toml, "test.toml");
  std::string errs;
  for (const auto &e : r.errors) errs += e.to_string() + "\n";
  EXPECT_TRUE(r.config.has_value()) << errs;
  return r.config;
}

// Starts a dataplane from `toml`; nullptr (and a test failure) if it
// does not start.
inline std::unique_ptr<daemon::Dataplane> start_dataplane(const std::string &toml) {
  auto cfg = parse_config(toml);
  if (!cfg) return nullptr;
  auto dp = std::make_unique<daemon::Dataplane>();
  daemon::Status st = dp->start(*cfg);
  EXPECT_TRUE(st.ok()) << st.msg;
  if (!st.ok()) return nullptr;
  return dp;
}

}  // namespace strdp::test

// The one-screen summary streamsd prints once it runs.
#pragma once

#include <cstdio>
#include <string>

namespace strdp::daemon {

class Dataplane;

void print_summary(FILE *out, Dataplane &dp, const std::string &socket, unsigned mode,
                   bool telemetry);

}  // namespace strdp::daemon

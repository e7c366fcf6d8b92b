// strctl's human output: aligned tables from the daemon's JSON replies.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdio>

namespace strctl {

void print_list(FILE *out, const nlohmann::json &reply);
void print_stats(FILE *out, const nlohmann::json &reply);
void print_ports(FILE *out, const nlohmann::json &reply);
// push, pop, link, unlink, load: one line saying what was done.
void print_done(FILE *out, const std::string &cmd, const nlohmann::json &reply);

}  // namespace strctl

// strctl's human output: aligned tables from the daemon's JSON replies.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdio>
#include <string>
#include <vector>

namespace strctl {

void print_list(FILE *out, const nlohmann::json &reply);
void print_stats(FILE *out, const nlohmann::json &reply);
void print_ports(FILE *out, const nlohmann::json &reply);
void print_routes(FILE *out, const nlohmann::json &reply);
// ip: a line per interface, then its counters that are not zero.
void print_ip(FILE *out, const nlohmann::json &reply);
// `route` words ("add r0 10.9.0.0/16 via 10.2.0.254") as a request;
// false when they do not parse (the daemon checks the addresses).
bool route_request(const std::vector<std::string> &w, nlohmann::json &req);
// push, pop, link, unlink, load: one line saying what was done.
void print_done(FILE *out, const std::string &cmd, const nlohmann::json &reply);

}  // namespace strctl

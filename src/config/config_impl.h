// Inside the config loader: what decoding (TOML -> Config, per key) and
// checking (across keys) share. Not installed, not used outside
// src/config.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <strdp/strdp.h>
#include <toml++/toml.h>

#include "config/config.h"

namespace strdp::config::detail {

// Names of ports and streams: what an application or strctl types, so
// the characters a driver name may use, and a bound that fits messages.
constexpr size_t kMaxName = 31;
// The most lanes a stream and the most queues a port may have.
constexpr unsigned kMaxLanes = 64;
// Autopush minors: minor_t, less the -1 that means "every minor".
constexpr long kMaxMinor = 0x7fffffff;

struct Ctx {
  std::string file;
  std::vector<Error> errors;
  // Line of every key seen, by dotted key; checks across keys report
  // at the line of the key they are about.
  std::map<std::string, int, std::less<>> lines;
  // What the file gave rather than left to a default, per stream index.
  std::vector<bool> lanes_given;

  void error(std::string key, int line, std::string message) {
    errors.push_back({{file, line, std::move(key)}, std::move(message)});
  }
  int line_of(std::string_view key, int fallback) const {
    auto it = lines.find(key);
    return it == lines.end() ? fallback : it->second;
  }
  Where where(std::string key, int fallback) const {
    int l = line_of(key, fallback);
    return {file, l, std::move(key)};
  }
};

// The dotted key prefix of a port or stream: "stream.s0", or
// "stream[2]" while its name is missing or unusable.
std::string item_key(std::string_view kind, const std::string &name,
                     size_t index);
// Letters, digits, '_', '.', '-'; 1..max characters.
bool valid_name(std::string_view name, size_t max);
// A driver name as [apps] stores it: "/dev/echo" -> "echo" (what an
// application passes to open(2) names the same driver).
inline std::string_view strip_dev(std::string_view name) {
  constexpr std::string_view kDev = "/dev/";
  if (name.substr(0, kDev.size()) == kDev) name.remove_prefix(kDev.size());
  return name;
}

// TOML -> cfg, checking each key's type and range (decode.cc,
// decode_items.cc).
void decode(const toml::table &root, Ctx &ctx, Config &cfg);
void decode_ports(const toml::table &root, Ctx &ctx, Config &cfg);
void decode_streams(const toml::table &root, Ctx &ctx, Config &cfg);
void decode_links(const toml::table &root, Ctx &ctx, Config &cfg);
void decode_autopush(const toml::table &root, Ctx &ctx, Config &cfg);
void decode_routes(const toml::table &root, Ctx &ctx, Config &cfg);
class Reader;
// A required name: 1..max of kNameRule (decode_items.cc).
bool read_name(Reader &r, std::string_view k, size_t max, std::string &out,
               std::string_view what);
// One entry of a modules list: "name" or {name = "...", args = "..."}.
void decode_module(Ctx &ctx, const toml::node &n, const std::string &key,
                   std::vector<ModuleSpec> &out);
// A table's "modules" array of such entries, when it has one.
void decode_modules(Reader &r, std::vector<ModuleSpec> &out);
// [apps] and its [[apps.device]] and [[apps.stream]] lists (decode_apps.cc).
void decode_apps(Ctx &ctx, const toml::table &apps, Config &cfg);

// What eal_lcores() found: a list, no lcore option at all (EAL then
// takes every core), a form not read here (lcore groups), or a malformed
// value that EAL would refuse too.
enum class EalRead { kList, kNone, kUnread, kMalformed };
EalRead read_eal_lcores(const std::vector<std::string> &args, EalLcores &out,
                        std::string *why);
// "0-2,5": a sorted list as lcore list syntax.
std::string format_lcores(std::vector<unsigned> list);

// Checks across keys (check.cc, check_links.cc): references, lanes and
// lcores, links, autopush overlaps, plugin files, [apps].
void check(Ctx &ctx, Config &cfg);
void check_links(Ctx &ctx, const Config &cfg);
// Interfaces and routes of ip streams (check_ip.cc).
void check_ip(Ctx &ctx, const Config &cfg);

}  // namespace strdp::config::detail

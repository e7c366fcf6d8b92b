// The dataplane's configuration: one TOML file (toml++), parsed and
// checked into a Config before anything starts. Not installed.
//
// Contract
//  - load() never throws and never stops at the first problem: it returns
//    every error it finds, each naming file, line and key and saying what
//    was expected ("streamsd.toml:12: stream.s0.lanes: expected an integer
//    in 1..64, got \"two\"").
//  - load() checks what needs no running dataplane: types and ranges,
//    names defined once and referenced names defined (ports, streams,
//    lcores), lcore lists, lanes against port queues and lcores, mux link
//    cycles and lane counts, autopush ranges, [apps] users, groups and
//    sockets. check_registry() adds what needs the module registry (after
//    plugins are loaded): every module and driver named exists (streams',
//    autopush rules' and [apps] devices').
//  - Defaults live here, in one place, so --check and the daemon agree.
//  - The file format, every check and every default are documented in
//    config/README.md (the reference); keep the two in step.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace strdp::config {

// Where a value came from, for messages.
struct Where {
  std::string file;
  int line = 0;       // 1-based; 0 when unknown
  std::string key;    // dotted path: "stream.s0.modules[1].name"
};

struct Error {
  Where at;
  std::string message;
  // "file:line: key: message"; ":line" is left out when line is 0 and
  // "key: " when key is empty (a file that cannot be read).
  std::string to_string() const;
};

struct ModuleSpec {
  std::string name;
  std::string args;   // STRDP_IOC_MODARGS text; empty: send none
  Where at;
};

struct PortSpec {
  std::string name;     // the config's name ("net0"), referenced by streams
  std::string device;   // DPDK ethdev name ("net_null0") or PCI address
  uint16_t queues = 1;
  uint16_t rx_desc = 1024;
  uint16_t tx_desc = 1024;
  uint16_t mtu = 0;     // 0: port default
  bool promiscuous = false;
  Where at;
};

enum class DlpiMode { kRaw, kDlpi };

struct StreamSpec {
  std::string name;
  std::string driver;              // "pmd", "loop", "echo", "xconn", a plugin's
  std::string port;                // pmd: a PortSpec name
  DlpiMode mode = DlpiMode::kRaw;  // pmd: DLIOCRAW, or DLPI (bind to sap)
  std::optional<uint32_t> sap;     // pmd, dlpi mode: ethertype to bind
  unsigned lanes = 1;              // pmd: default = the port's queues
  std::vector<unsigned> lcores;    // lane i runs on lcores[i]; filled in by
                                   // load() (round-robin over workers when
                                   // the file gives none: lane i on
                                   // workers[i % workers.size()])
  Where lcores_at;                 // added: the lcores key, or the stream's
                                   // table when load() assigned them
  std::vector<ModuleSpec> modules; // pushed in order: first = just above
                                   // the driver (as I_PUSH order)
  Where at;
};

// An IPv4 address or prefix and its length, host byte order.
struct Ipv4Prefix {
  uint32_t addr = 0;
  unsigned plen = 0;
};

// "10.1.0.1" (dotted quad) and "10.1.0.0/16" (with a length 0..32);
// format_ipv4 the other way.
bool parse_ipv4(std::string_view s, uint32_t *out);
bool parse_ipv4_prefix(std::string_view s, Ipv4Prefix *out);
std::string format_ipv4(uint32_t addr);

// lower is linked under mux (a stream whose driver is a multiplexor),
// lane i under lane i; config order is link order.
struct LinkSpec {
  std::string mux;
  std::string lower;
  bool persistent = true;  // I_PLINK (else I_LINK)
  // Under an ip stream: the interface the lower becomes (named after the
  // lower stream), its address and prefix, its MTU (0: the lower's).
  std::optional<Ipv4Prefix> address;
  unsigned mtu = 0;
  Where at;
};

// [[route]]: a static route of an ip stream: to dst via a gateway on one
// of its interfaces' links, on an interface's link itself, or rejected.
struct RouteSpec {
  std::string mux;          // the ip stream
  Ipv4Prefix dst;
  uint32_t via = 0;         // 0: none
  std::string interface;    // a lower linked under mux; "" : none
  bool reject = false;
  Where at;
};

struct AutopushSpec {
  std::string driver;
  long minor = -1;      // -1: every minor
  long lastminor = -1;  // -1: minor only
  std::vector<std::string> modules;
  bool anchor = false;
  Where at;
};

struct ControlSpec {
  std::string socket = "/run/strdp/streamsd.sock";
  unsigned mode = 0660;    // file mode of the socket: who may connect
  std::string group;       // chgrp the socket to it when set
};

// [[apps.device]]: a driver applications may open by name through the
// apps socket (libstrdp-client), with the rights a device node would
// give: owner, group and mode, checked against the peer's SO_PEERCRED.
struct AppDeviceSpec {
  std::string name;   // driver name without "/dev/"
  uint32_t uid = 0;
  uint32_t gid = 0;
  uint32_t mode = 0600;
  int line = 0;       // where it was declared (for messages)
};

// [[apps.stream]]: a stream the daemon builds at start on the apps
// service's thread (driver, then modules), names, and shares, so a module
// on a lane may send to it (a sniffer's to=NAME) and one application at a
// time opens it by that name, with the rights of a device. It outlives
// its readers: closing the application detaches it.
struct AppStreamSpec : AppDeviceSpec {
  std::string driver;
  std::vector<ModuleSpec> modules;  // pushed in order, as [[stream]]'s
};

// [apps]: the socket applications connect to, and what they may open.
struct AppsSpec {
  bool enabled = true;
  std::string socket = "/run/strdp/apps.sock";
  uint32_t mode = 0666;    // file mode of the socket: who may connect
  std::string group;       // chgrp the socket to it when set
  std::vector<AppDeviceSpec> devices;  // names unique
  std::vector<AppStreamSpec> streams;  // names unique, among devices too
  // Accept "/dev/x" too; nullptr when not offered.
  const AppDeviceSpec *device(std::string_view name) const;
  const AppStreamSpec *stream(std::string_view name) const;
};

// May a peer (SO_PEERCRED uid/gid) open `name` with open(2) flags oflag?
// 0, ENOENT (not offered, or [apps] disabled) or EACCES. uid 0 may open
// anything offered. Owner bits when uid matches, else group bits when gid
// matches, else other bits; O_RDONLY needs r, O_WRONLY w, O_RDWR both.
int app_access(const AppsSpec &apps, std::string_view name, int oflag,
               uint32_t uid, uint32_t gid);

struct RuntimeSpec {
  unsigned nb_mbufs = 16383;  // per socket
  unsigned buf_size = 2048;   // data bytes per buffer, headroom not counted:
                              // the largest frame a port without rx
                              // scatter takes whole
  unsigned mbuf_cache = 256;
  unsigned nstrpush = 9;
};

struct Config {
  std::string file;
  std::vector<std::string> eal_args;  // [eal] args: used when the command
                                      // line gives no EAL arguments
  std::vector<unsigned> workers;      // [lcores] workers: poll-mode lcores
  Where workers_at;                   // added: where workers came from
  RuntimeSpec runtime;
  std::vector<std::string> plugins;   // shared objects, loaded in order;
                                      // a relative path in the file is
                                      // stored joined to the file's folder;
                                      // a bare name ("sniffer") is kept
                                      // (plugin_file() finds it)
  std::vector<std::string> module_path;  // folders searched for NAME.so
                                      // before the library's module path
                                      // (strdp_module_path_add), joined to
                                      // the file's folder like plugins
  ControlSpec control;
  AppsSpec apps;
  bool telemetry = true;
  std::vector<PortSpec> ports;
  std::vector<StreamSpec> streams;    // opened in order
  std::vector<LinkSpec> links;
  std::vector<RouteSpec> routes;
  std::vector<AutopushSpec> autopush;

  // Added: the line of every key the file gave, by dotted key
  // ("stream.s0.driver", "link[1].mux"), for messages made after load()
  // (check_registry, the daemon's own set-up errors).
  std::map<std::string, int, std::less<>> key_lines;
  // file, the key's line (else `fallback_line`), and the key.
  Where where(const std::string &key, int fallback_line = 0) const;

  const PortSpec *port(const std::string &name) const;
  const StreamSpec *stream(const std::string &name) const;
};

struct LoadResult {
  std::optional<Config> config;  // set when errors is empty
  std::vector<Error> errors;
};

// Reads and checks a file.
LoadResult load(const std::string &path);
// Same, from text (tests); `name` stands for the file in messages.
LoadResult load_string(const std::string &text, const std::string &name);

// Errors for modules, drivers and multiplexors the registry does not know
// (call after the config's plugins are loaded). A link's mux must be a
// driver with st_muxrinit. Built-in drivers are entered in the registry
// by strdp_runtime_init(): call this after it. A name not registered is
// autoloaded from the module path first (strdp_module_exists).
std::vector<Error> check_registry(const Config &cfg);

// True for an entry of `plugins` that names a plugin rather than a file:
// no '/' and no ".so" in it ("sniffer", not "sniffer.so" or "./x").
bool plugin_is_name(std::string_view entry);
// The file an entry of `plugins` (or of `strctl load`) stands for: the
// entry itself, or for a name NAME.so in the first of `folders` (a
// config's module_path), then of the library's module path, that has it;
// "" when none has.
std::string plugin_file(const std::vector<std::string> &folders,
                        const std::string &entry);
// What to say when plugin_file() found nothing: "no NAME.so on the module
// path (a:b:c)", every folder it searched.
std::string plugin_missing(const std::vector<std::string> &folders,
                           const std::string &entry);

// "1-3,5" -> {1,2,3,5}; nullopt (and *why) when malformed, duplicated or
// out of 0..RTE_MAX_LCORE-1. Order is kept ("2,1" -> {2,1}: a stream's
// lane i runs on entry i); blanks around numbers, '-' and ',' are
// allowed; a range must go up ("3-1" is an error).
std::optional<std::vector<unsigned>> parse_lcore_list(const std::string &text,
                                                      std::string *why);

// Added. The lcores an EAL argument list enables and its main lcore, read
// as rte_eal_init() reads them: "-l LIST", "-lLIST", "--lcores=LIST" or
// "--lcores LIST" (plain lists; lcore groups with '@' or '(' are not
// read), "-c MASK" (hex), and "--main-lcore N"; the main lcore is
// --main-lcore, else the lowest enabled lcore. The last -l/--lcores/-c
// wins. nullopt when the arguments enable no list (EAL then uses every
// core) or in a form not read here; *why then says which.
struct EalLcores {
  std::vector<unsigned> lcores;  // ascending
  unsigned main_lcore = 0;
};
std::optional<EalLcores> eal_lcores(const std::vector<std::string> &args,
                                    std::string *why);

// Added. Errors for workers that are not enabled in `eal` or are its
// main lcore (lane lcores are workers: load() checks that). load() runs
// it against [eal] args when they name the lcores; the daemon runs it
// again with the EAL it started (its command line may replace [eal]
// args), e.g. from rte_lcore_is_enabled() and rte_get_main_lcore().
std::vector<Error> check_lcores(const Config &cfg, const EalLcores &eal);

}  // namespace strdp::config

// strctl: talks to a running streamsd over its control socket.
//
//   strctl [--socket PATH] [--json] list
//   strctl ... stats [STREAM]
//   strctl ... push STREAM MODULE [ARGS]
//   strctl ... pop STREAM
//   strctl ... link MUX LOWER [--temporary]
//   strctl ... unlink MUX LOWER
//   strctl ... load PATH
//   strctl ... ports
//   strctl ... route add MUX DST (via GW [dev IF] | dev IF | reject)
//   strctl ... route del MUX DST
//   strctl ... route list MUX
//   strctl ... ip MUX
//
// Exit status: 0 done; 1 the daemon said no, or cannot be reached;
// 2 bad command line.
#include <CLI/CLI.hpp>

#include <cstdio>

#include "config/config.h"
#include "control/client.h"
#include "format.h"

using nlohmann::json;

int main(int argc, char **argv) {
  CLI::App app{"strctl: control a running streamsd"};
  std::string socket = strdp::config::ControlSpec{}.socket;
  bool as_json = false;
  app.add_option("-s,--socket", socket, "the daemon's control socket")
      ->capture_default_str();
  app.add_flag("--json", as_json, "print the daemon's JSON reply as it is");
  app.require_subcommand(1);

  std::string stream, module, args, mux, lower, path;
  bool temporary = false;
  auto *list = app.add_subcommand("list", "streams, lanes and lcores, module stacks, links");
  auto *stats = app.add_subcommand("stats", "per-queue counters, summed over lanes");
  stats->add_option("STREAM", stream, "one stream (default: all)");
  auto *push = app.add_subcommand("push", "push a module on every lane of a stream");
  push->add_option("STREAM", stream)->required();
  push->add_option("MODULE", module)->required();
  push->add_option("ARGS", args, "module arguments: \"key=value ...\"");
  auto *pop = app.add_subcommand("pop", "pop the top module from every lane of a stream");
  pop->add_option("STREAM", stream)->required();
  auto *link = app.add_subcommand("link", "link LOWER under the multiplexor stream MUX");
  link->add_option("MUX", mux)->required();
  link->add_option("LOWER", lower)->required();
  link->add_flag("--temporary", temporary, "I_LINK instead of I_PLINK");
  auto *unlink = app.add_subcommand("unlink", "unlink LOWER from MUX");
  unlink->add_option("MUX", mux)->required();
  unlink->add_option("LOWER", lower)->required();
  auto *load = app.add_subcommand("load", "load a module or driver plugin (a .so path, or a name on the module path)");
  load->add_option("PATH", path)->required();
  auto *ports = app.add_subcommand("ports", "ethdev port counters");
  std::vector<std::string> rwords;
  auto *route = app.add_subcommand("route", "the ip router's routes: add MUX DST via GW [dev IF] | "
                                            "add MUX DST dev IF | add MUX DST reject | "
                                            "del MUX DST | list MUX");
  route->add_option("WORDS", rwords)->required();
  auto *ipc = app.add_subcommand("ip", "the ip router's interfaces and their counters");
  ipc->add_option("MUX", mux, "the ip stream")->required();

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError &e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : 2;
  }

  json req;
  std::string cmd;
  if (list->parsed()) {
    cmd = "list";
  } else if (stats->parsed()) {
    cmd = "stats";
    if (!stream.empty()) req["stream"] = stream;
  } else if (push->parsed()) {
    cmd = "push";
    req["stream"] = stream;
    req["module"] = module;
    if (!args.empty()) req["args"] = args;
  } else if (pop->parsed()) {
    cmd = "pop";
    req["stream"] = stream;
  } else if (link->parsed()) {
    cmd = "link";
    req["mux"] = mux;
    req["lower"] = lower;
    req["persistent"] = !temporary;
  } else if (unlink->parsed()) {
    cmd = "unlink";
    req["mux"] = mux;
    req["lower"] = lower;
  } else if (load->parsed()) {
    cmd = "load";
    req["path"] = path;
  } else if (ports->parsed()) {
    cmd = "ports";
  } else if (ipc->parsed()) {
    cmd = "ip";
    req["mux"] = mux;
  } else if (route->parsed()) {
    cmd = "route";
    if (!strctl::route_request(rwords, req)) {
      fprintf(stderr, "strctl: route: usage: route add MUX DST (via GW [dev IF] | dev IF | reject)"
                      " | route del MUX DST | route list MUX\n");
      return 2;
    }
  }
  req["cmd"] = cmd;

  strdp::control::Client client;
  std::string why;
  if (!client.connect(socket, &why)) {
    fprintf(stderr, "strctl: %s\n", why.c_str());
    return 1;
  }
  json reply;
  if (!client.call(req, &reply, &why)) {
    fprintf(stderr, "strctl: %s\n", why.c_str());
    return 1;
  }
  bool ok = reply.value("ok", false);
  if (as_json) {
    printf("%s\n", reply.dump(2, ' ', false, json::error_handler_t::replace).c_str());
    return ok ? 0 : 1;
  }
  if (!ok) {
    auto e = reply.find("error");
    fprintf(stderr, "strctl: %s: %s\n", cmd.c_str(),
            e != reply.end() && e->is_string() ? e->get<std::string>().c_str() : "failed");
    return 1;
  }
  if (cmd == "list")
    strctl::print_list(stdout, reply);
  else if (cmd == "stats")
    strctl::print_stats(stdout, reply);
  else if (cmd == "ports")
    strctl::print_ports(stdout, reply);
  else if (cmd == "route")
    strctl::print_routes(stdout, reply);
  else if (cmd == "ip")
    strctl::print_ip(stdout, reply);
  else
    strctl::print_done(stdout, cmd, reply);
  return 0;
}

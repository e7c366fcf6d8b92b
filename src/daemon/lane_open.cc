// Opening and closing a lane: driver, DLPI attach for pmd, configured
// modules with their arguments. Runs on the lane's own lcore.
#include <fcntl.h>
#include <strdp/pmd.h>

#include <cerrno>
#include <cstring>

#include "daemon/lane.h"

namespace strdp::daemon {

namespace {

// Module arguments go down as an I_STR the module ACKs or NAKs
// (STRDP_IOC_MODARGS, strdp.h). A module that takes no arguments NAKs
// as for any unknown ioctl, so a stray argument is an error.
constexpr int kModargsTimeoutS = 5;
// strdp_stream_set_name() takes 1..31 bytes.
constexpr size_t kMaxLaneName = 31;

int send_modargs(strdp_stream_t *sp, const std::string &module, const std::string &args,
                 std::string *why) {
  std::string text = args;  // the ioctl carries the NUL
  strioctl ic{};
  ic.ic_cmd = STRDP_IOC_MODARGS;
  ic.ic_timout = kModargsTimeoutS;
  ic.ic_len = static_cast<int>(text.size() + 1);
  ic.ic_dp = text.data();
  if (strdp_ioctl(sp, I_STR, reinterpret_cast<intptr_t>(&ic)) >= 0) return 0;
  int err = errno;
  *why = "module " + module + " refused its arguments \"" + args + "\": " + strerror(err);
  return err;
}

std::string stream_of(const LaneSetup &s) {
  return "stream " + s.spec->name + " lane " + std::to_string(s.index);
}

}  // namespace

int lane_push(strdp_stream_t *sp, const std::string &module, const std::string &args,
              std::string *why) {
  if (strdp_ioctl(sp, I_PUSH, reinterpret_cast<intptr_t>(module.c_str())) < 0) {
    int err = errno;
    if (err == EINVAL && !strdp_module_exists(module.c_str()))
      *why = "no module named " + module;
    else
      *why = "push " + module + ": " + strerror(err);
    return err;
  }
  if (args.empty()) return 0;
  int err = send_modargs(sp, module, args, why);
  if (err != 0) {
    // Leave the stream as it was. The module has seen nothing but its
    // open and a refused ioctl, so there is nothing queued to lose.
    strdp_ioctl(sp, I_POP, 0);
  }
  return err;
}

std::string lane_name(const std::string &stream, unsigned index) {
  return index == 0 ? stream : stream + "." + std::to_string(index);
}

strdp_stream_t *lane_open(const LaneSetup &setup, std::string *why) {
  const config::StreamSpec &spec = *setup.spec;
  // O_NONBLOCK: no control call may hold a poll-mode lcore for a stream
  // head's close time; the daemon drains queues itself before a pop or a
  // close (lane_pop, lane_drain).
  strdp_stream_t *sp = strdp_open(spec.driver.c_str(), O_RDWR | O_NONBLOCK, nullptr);
  if (sp == nullptr) {
    int err = errno;
    *why = stream_of(setup) + ": open " + spec.driver + ": " +
           (err == ENOENT || err == ENXIO ? std::string("no such driver") : strerror(err));
    errno = err;
    return nullptr;
  }
  int err = 0;
  std::string step;
  if (spec.driver == "pmd") {
    err = dlpi_attach(sp, STRDP_PMD_PPA(setup.port_id, setup.index), &step);
    if (err == 0)
      err = spec.mode == config::DlpiMode::kRaw ? dlpi_raw(sp, &step)
                                                : dlpi_bind(sp, spec.sap.value_or(0), &step);
  }
  // Named before the modules are pushed: a module's arguments may name
  // another lane opened earlier (sniffer to=NAME).
  if (std::string name = lane_name(spec.name, setup.index);
      err == 0 && name.size() <= kMaxLaneName && strdp_stream_set_name(sp, name.c_str()) < 0) {
    err = errno;
    step = "name " + name + ": " + (err == EEXIST ? "another stream has it" : strerror(err));
  }
  for (size_t i = 0; err == 0 && i < spec.modules.size(); ++i)
    err = lane_push(sp, spec.modules[i].name, spec.modules[i].args, &step);
  if (err != 0) {
    *why = stream_of(setup) + ": " + step;
    strdp_close(sp);
    errno = err;
    return nullptr;
  }
  return sp;
}

void lane_close(strdp_stream_t *sp) {
  if (sp != nullptr) strdp_close(sp);
}

}  // namespace strdp::daemon

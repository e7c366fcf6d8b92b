// The module path (module_path.h): folders only, no loading; the
// registry's autoload (stream/autoload.cc) walks it.
//
// Principles of operation
//  - $STRDP_MODULE_PATH is read at every search, not once: a test or an
//    application may set it after the library loaded, and searches are
//    slow path (a push or an open of a name not registered yet).
//  - The last folder is the one plugins are installed in, unless this
//    libstrdp is the one in its build tree (its file lies in the build
//    root that meson compiled in): then it is that tree's modules/, so
//    every program run from a build tree (streamsd, the tests, the demo,
//    the perf scripts) gets the plugins built with its library, and an
//    installed library never looks into a build tree.
#include "runtime/module_path.h"

#include <strdp/strdp.h>

#include <dlfcn.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstdlib>
#include <memory>
#include <mutex>

#include "runtime/module_dirs.h"  // generated (src/runtime/meson.build)

namespace strdp {
namespace {

struct Added {
  std::mutex mu;
  std::vector<std::string> dirs;
};

Added &added() {
  static auto *a = new Added;  // never destroyed: see registry.cc
  return *a;
}

std::string real(const char *path) {
  std::unique_ptr<char, decltype(&std::free)> r(realpath(path, nullptr),
                                                &std::free);
  return r ? r.get() : "";
}

bool runs_from_build_tree() {
  static const bool yes = [] {
    Dl_info info{};
    if (!dladdr(reinterpret_cast<void *>(&strdp_module_path_add), &info) ||
        !info.dli_fname)
      return false;
    std::string lib = real(info.dli_fname);
    std::string root = real(STRDP_BUILD_ROOT);
    size_t slash = lib.rfind('/');
    return !root.empty() && slash != std::string::npos &&
           lib.compare(0, slash, root) == 0 && slash == root.size();
  }();
  return yes;
}

void add_unique(std::vector<std::string> &v, std::string dir) {
  if (dir.empty()) return;
  for (const std::string &d : v)
    if (d == dir) return;
  v.push_back(std::move(dir));
}

bool is_file(const std::string &path) {
  struct stat sb;
  return stat(path.c_str(), &sb) == 0 && S_ISREG(sb.st_mode);
}

}  // namespace

std::vector<std::string> module_path() {
  std::vector<std::string> out;
  {
    Added &a = added();
    std::lock_guard lock(a.mu);
    out = a.dirs;
  }
  if (const char *env = std::getenv("STRDP_MODULE_PATH")) {
    std::string_view rest(env);
    while (!rest.empty()) {
      size_t colon = rest.find(':');
      add_unique(out, std::string(rest.substr(0, colon)));
      if (colon == rest.npos) break;
      rest.remove_prefix(colon + 1);
    }
  }
  add_unique(out, runs_from_build_tree() ? STRDP_BUILD_MODULE_DIR
                                         : STRDP_MODULE_INSTALL_DIR);
  return out;
}

bool module_file_name_ok(std::string_view n) noexcept {
  if (n.empty() || n.size() > MODMAXNAMELEN - 1) return false;
  for (char c : n) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
    if (!ok) return false;  // '/' among them: never a path
  }
  return true;
}

std::string module_find(std::string_view name,
                        const std::vector<std::string> &first) {
  if (!module_file_name_ok(name)) return "";
  std::string file = std::string(name) + ".so";
  auto in = [&](const std::vector<std::string> &dirs) -> std::string {
    for (const std::string &d : dirs) {
      if (d.empty()) continue;
      std::string p = d.back() == '/' ? d + file : d + "/" + file;
      if (is_file(p)) return p;
    }
    return "";
  };
  std::string p = in(first);
  return p.empty() ? in(module_path()) : p;
}

std::string module_path_text(const std::vector<std::string> &first) {
  std::vector<std::string> all = first;
  for (std::string &d : module_path()) add_unique(all, std::move(d));
  std::string out;
  for (const std::string &d : all) out += (out.empty() ? "" : ":") + d;
  return out;
}

}  // namespace strdp

extern "C" int strdp_module_path_add(const char *dir) {
  if (!dir || !*dir) {
    errno = EINVAL;
    return -1;
  }
  try {
    strdp::Added &a = strdp::added();
    std::lock_guard lock(a.mu);
    strdp::add_unique(a.dirs, dir);
    return 0;
  } catch (...) {
    errno = ENOMEM;
    return -1;
  }
}

// Autopush (autopush(1M), sad(7D)): modules pushed on a stream when its
// driver is opened with a minor number that a rule covers.
//
// Rules are process-wide and keyed by driver name (the registry's name:
// a minor-node alias has rules of its own, as it has its own minor). They
// are slow path: one mutex guards them; an open looks its rule up once,
// after the driver's open (so a clone open is matched with the minor the
// driver chose), copies the module list out and pushes without the mutex.
//
// Errors are sad(7D)'s SAD_SAP/SAP_CLEAR ones: EINVAL for a bad argument
// or an unknown module, ENOSTR for a name that is no driver, ERANGE for a
// range that ends before it starts (or a clear inside a range), EEXIST for
// a rule that overlaps one of the same driver, ENODEV for clearing what is
// not there.
#include <cerrno>
#include <climits>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "stream/mux.h"
#include "stream/stream_limits.h"

namespace strdp {
namespace {

constexpr long kMaxMinor = UINT_MAX;  // minor_t is 32 bits (ddi.cc)

struct Rule {
  std::string driver;
  long minor;  // -1: every minor
  long last;   // the last minor covered (== minor for one minor)
  std::vector<std::string> modules;
  bool anchor;

  bool covers(long m) const { return minor == -1 || (m >= minor && m <= last); }
  bool overlaps(const Rule &o) const {
    return minor == -1 || o.minor == -1 || (minor <= o.last && o.minor <= last);
  }
};

struct Rules {
  std::mutex mu;
  std::vector<Rule> v;
};

Rules &rules() {
  static Rules *r = new Rules;  // never destroyed: opens may come late
  return *r;
}

std::string_view driver_key(const char *name) {
  std::string_view n = name;
  if (n.substr(0, 5) == "/dev/") n.remove_prefix(5);
  return n;
}

int fail(int err) {
  errno = err;
  return -1;
}

}  // namespace

int autopush_apply(stdata *sp) {
  std::vector<std::string> mods;
  bool anchor = false;
  long minor = getminor(sp->dev);
  {
    Rules &r = rules();
    std::lock_guard lock(r.mu);
    for (const Rule &rule : r.v) {
      if (rule.driver != sp->drv->name || !rule.covers(minor)) continue;
      try {
        mods = rule.modules;
      } catch (...) {
        return ENOSR;
      }
      anchor = rule.anchor;
      break;
    }
  }
  for (const std::string &m : mods)
    if (int err = stream_push(sp, m.c_str()); err != 0) return err;
  if (anchor) sp->anchor = static_cast<unsigned>(sp->modules.size());
  return 0;
}

void autopush_fini() {
  Rules &r = rules();
  std::lock_guard lock(r.mu);
  r.v.clear();
}

}  // namespace strdp

using namespace strdp;

extern "C" int strdp_autopush_set(const char *driver, long minor, long lastminor,
                                  const char *const *modules, int nmods, int anchor) {
  if (driver == nullptr || modules == nullptr) return fail(EINVAL);
  if (!strdp_driver_exists(driver)) return fail(ENOSTR);
  if (nmods < 1 || nmods > MAXAPUSH || static_cast<unsigned>(nmods) > stream_limits().nstrpush)
    return fail(EINVAL);
  if (minor < -1 || minor > kMaxMinor || lastminor < -1 || lastminor > kMaxMinor)
    return fail(EINVAL);
  long last;
  if (minor == -1) {
    if (lastminor != -1) return fail(EINVAL);  // "every minor" has no range
    last = -1;
  } else if (lastminor == -1 || lastminor == minor) {
    last = minor;
  } else if (lastminor < minor) {
    return fail(ERANGE);
  } else {
    last = lastminor;
  }
  Rule rule{std::string(driver_key(driver)), minor, last, {}, anchor != 0};
  try {
    for (int i = 0; i < nmods; ++i) {
      // A rule naming a module that is not there would fail every open.
      if (modules[i] == nullptr || !strdp_module_exists(modules[i])) return fail(EINVAL);
      rule.modules.emplace_back(modules[i]);
    }
    Rules &r = rules();
    std::lock_guard lock(r.mu);
    for (const Rule &o : r.v)
      if (o.driver == rule.driver && o.overlaps(rule)) return fail(EEXIST);
    r.v.push_back(std::move(rule));
  } catch (...) {
    return fail(ENOSR);
  }
  return 0;
}

// minor: the first minor of the rule (-1 for an every-minor rule).
extern "C" int strdp_autopush_clear(const char *driver, long minor) {
  if (driver == nullptr || minor < -1 || minor > kMaxMinor) return fail(EINVAL);
  std::string_view key = driver_key(driver);
  Rules &r = rules();
  std::lock_guard lock(r.mu);
  for (auto it = r.v.begin(); it != r.v.end(); ++it) {
    if (it->driver != key) continue;
    if (it->minor == minor) {
      r.v.erase(it);
      return 0;
    }
    if (minor != -1 && it->minor != -1 && it->covers(minor)) return fail(ERANGE);
  }
  return fail(ENODEV);
}

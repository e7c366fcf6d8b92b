// Reader: values that name things on this machine — file modes, socket
// paths, users and groups (reader.h). Names are resolved when the file
// is loaded, so --check finds a user that does not exist, and the daemon
// and --check agree on what a name means.
#include <grp.h>
#include <pwd.h>
#include <sys/un.h>

#include <cerrno>
#include <optional>
#include <vector>

#include "config/reader.h"

namespace strdp::config::detail {

namespace {

// -1 is "no change" to chown(2): never an id.
constexpr int64_t kMaxId = 0xfffffffe;

// getpwnam_r or getgrnam_r, retried with a larger buffer when a large
// group's member list does not fit.
template <typename Entry, typename Lookup, typename Id>
std::optional<uint32_t> lookup(const std::string &name, Lookup fn, Id id) {
  std::vector<char> buf(16384);
  for (;;) {
    Entry e{}, *res = nullptr;
    int rc = fn(name.c_str(), &e, buf.data(), buf.size(), &res);
    if (rc == ERANGE && buf.size() < (size_t{1} << 24)) {
      buf.resize(buf.size() * 2);
      continue;
    }
    if (rc != 0 || !res) return std::nullopt;
    return static_cast<uint32_t>(id(*res));
  }
}

std::optional<uint32_t> user_named(const std::string &name) {
  return lookup<passwd>(name, getpwnam_r, [](const passwd &p) { return p.pw_uid; });
}

std::optional<uint32_t> group_named(const std::string &name) {
  return lookup<group>(name, getgrnam_r, [](const group &g) { return g.gr_gid; });
}

// A user or group key: `what` is "user" or "group".
bool read_id(Reader &r, std::string_view k, uint32_t &out, const char *what,
             std::optional<uint32_t> (*by_name)(const std::string &)) {
  const toml::node *n = r.find(k);
  if (!n) return false;
  int line = static_cast<int>(n->source().begin.line);
  std::string expected = std::string("a ") + what + " name or a numeric " +
                         (what[0] == 'u' ? "uid" : "gid") + " (0.." +
                         std::to_string(kMaxId) + ")";
  int64_t id = -1;
  if (const auto *i = n->as_integer()) {
    id = i->get();
  } else if (n->is_string()) {
    std::string text;
    if (!read_string(r.ctx(), r.key(k), *n, text, expected)) return false;
    if (!text.empty() && text.size() <= 10 &&
        text.find_first_not_of("0123456789") == std::string::npos) {
      id = std::stoll(text);
    } else if (!text.empty()) {
      std::optional<uint32_t> got = by_name(text);
      if (!got) {
        r.ctx().error(r.key(k), line,
                      std::string("no ") + what + " \"" + text +
                          "\" on this machine");
        return false;
      }
      id = *got;
    }
  }
  if (id < 0 || id > kMaxId) {
    r.ctx().error(r.key(k), line, "expected " + expected + ", got " +
                                      describe(*n));
    return false;
  }
  out = static_cast<uint32_t>(id);
  return true;
}

}  // namespace

// An integer is taken as it is: 0o660 in TOML; a decimal 660 would be a
// different mode, and is refused only when over 0777.
bool Reader::mode(std::string_view k, uint32_t &out) {
  const toml::node *n = find(k);
  if (!n) return false;
  const char *expected =
      "a file mode: a string of octal digits like \"0660\", or an integer "
      "like 0o660, at most 0o777";
  int64_t mode = -1;
  if (const auto *i = n->as_integer()) {
    mode = i->get();
  } else if (const auto *s = n->as_string()) {
    const std::string &text = s->get();
    if (!text.empty() && text.size() <= 4 &&
        text.find_first_not_of("01234567") == std::string::npos)
      mode = std::stol(text, nullptr, 8);
  }
  if (mode < 0 || mode > 0777) {
    ctx_.error(key(k), static_cast<int>(n->source().begin.line),
               std::string("expected ") + expected + ", got " + describe(*n));
    return false;
  }
  out = static_cast<uint32_t>(mode);
  return true;
}

bool Reader::socket_path(std::string_view k, std::string &out) {
  std::string sock;
  if (!string(k, sock, false, "an absolute path")) return false;
  int line = ctx_.line_of(key(k), line_);
  constexpr size_t kMaxPath = sizeof(sockaddr_un{}.sun_path) - 1;
  if (sock.empty() || sock[0] != '/' || sock.back() == '/') {
    ctx_.error(key(k), line,
               "expected an absolute path of a socket file, got \"" + sock +
                   "\"");
    return false;
  }
  if (sock.size() > kMaxPath) {
    ctx_.error(key(k), line,
               "expected a path of at most " + std::to_string(kMaxPath) +
                   " bytes (sun_path), got " + std::to_string(sock.size()));
    return false;
  }
  out = std::move(sock);
  return true;
}

bool Reader::group_name(std::string_view k, std::string &out) {
  std::string group;
  if (!string(k, group, false, "a group name")) return false;
  int line = ctx_.line_of(key(k), line_);
  if (group.empty()) {
    ctx_.error(key(k), line,
               "expected a group name, got \"\" (leave the key out to keep "
               "the daemon's group)");
    return false;
  }
  if (!group_named(group)) {
    ctx_.error(key(k), line, "no group \"" + group + "\" on this machine");
    return false;
  }
  out = std::move(group);
  return true;
}

bool Reader::user_id(std::string_view k, uint32_t &out) {
  return read_id(*this, k, out, "user", user_named);
}

bool Reader::group_id(std::string_view k, uint32_t &out) {
  return read_id(*this, k, out, "group", group_named);
}

}  // namespace strdp::config::detail

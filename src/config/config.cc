// load() and load_string(): read the file, parse it with toml++, decode
// every section (decode*.cc), check across keys (check*.cc), and return
// either a Config or every error found, in line order.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "config/config_impl.h"

namespace strdp::config {

namespace {

// A configuration is a page or two; anything this large is not one.
constexpr off_t kMaxFileBytes = 4 << 20;

// RAII for the file descriptor.
struct Fd {
  int fd;
  ~Fd() {
    if (fd >= 0) close(fd);
  }
};

LoadResult file_error(const std::string &path, std::string message) {
  LoadResult r;
  r.errors.push_back({{path, 0, ""}, std::move(message)});
  return r;
}

}  // namespace

std::string Error::to_string() const {
  std::string out = at.file;
  if (at.line > 0) out += ":" + std::to_string(at.line);
  out += ": ";
  if (!at.key.empty()) out += at.key + ": ";
  return out + message;
}

Where Config::where(const std::string &key, int fallback_line) const {
  auto it = key_lines.find(key);
  return {file, it == key_lines.end() ? fallback_line : it->second, key};
}

const PortSpec *Config::port(const std::string &name) const {
  for (const auto &p : ports)
    if (p.name == name) return &p;
  return nullptr;
}

const StreamSpec *Config::stream(const std::string &name) const {
  for (const auto &s : streams)
    if (s.name == name) return &s;
  return nullptr;
}

LoadResult load(const std::string &path) {
  Fd f{open(path.c_str(), O_RDONLY | O_CLOEXEC)};
  if (f.fd < 0) return file_error(path, std::string("cannot open: ") + strerror(errno));
  struct stat st {};
  if (fstat(f.fd, &st) != 0)
    return file_error(path, std::string("cannot stat: ") + strerror(errno));
  if (!S_ISREG(st.st_mode)) return file_error(path, "not a regular file");
  if (st.st_size > kMaxFileBytes) {
    return file_error(path, "too large for a configuration (" +
                                std::to_string(st.st_size) + " bytes, at most " +
                                std::to_string(kMaxFileBytes) + ")");
  }
  std::string text;
  char buf[8192];
  for (;;) {
    ssize_t n = read(f.fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return file_error(path, std::string("cannot read: ") + strerror(errno));
    if (n == 0) break;
    text.append(buf, static_cast<size_t>(n));
    if (text.size() > static_cast<size_t>(kMaxFileBytes))
      return file_error(path, "too large for a configuration");
  }
  return load_string(text, path);
}

LoadResult load_string(const std::string &text, const std::string &name) {
  LoadResult r;
  detail::Ctx ctx;
  ctx.file = name;
  toml::table root;
  try {
    root = toml::parse(text, std::string_view(name));
  } catch (const toml::parse_error &e) {
    // toml++ stops at the first syntax error: there is only one to give.
    r.errors.push_back({{name, static_cast<int>(e.source().begin.line), ""},
                        std::string(e.description())});
    return r;
  } catch (const std::exception &e) {
    r.errors.push_back({{name, 0, ""}, std::string("cannot parse: ") + e.what()});
    return r;
  }
  Config cfg;
  cfg.file = name;
  try {
    detail::decode(root, ctx, cfg);
    detail::check(ctx, cfg);
  } catch (const std::bad_alloc &) {
    ctx.error("", 0, "out of memory while checking the configuration");
  }
  std::stable_sort(ctx.errors.begin(), ctx.errors.end(),
                   [](const Error &a, const Error &b) {
                     return a.at.line < b.at.line;
                   });
  r.errors = std::move(ctx.errors);
  if (r.errors.empty()) {
    cfg.key_lines = std::move(ctx.lines);
    r.config = std::move(cfg);
  }
  return r;
}

}  // namespace strdp::config

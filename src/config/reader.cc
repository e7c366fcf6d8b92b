// Typed reading of TOML tables for the config decoder (reader.h).
#include "config/reader.h"

#include <algorithm>
#include <cstdio>

namespace strdp::config::detail {

namespace {

// Long strings are cut in messages: the point is to recognise the value.
constexpr size_t kShownChars = 40;

std::string quote(std::string_view s) {
  std::string out = "\"";
  size_t n = 0;
  for (unsigned char c : s) {
    if (++n > kShownChars) {
      out += "...";
      break;
    }
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20 || c == 0x7f) {
      char buf[8];
      snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

// Levenshtein distance, small strings only (keys).
size_t distance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t up = row[j];
      size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + cost});
      diag = up;
    }
  }
  return row[b.size()];
}

std::string join(std::initializer_list<std::string_view> names) {
  std::string out;
  for (auto n : names) {
    if (!out.empty()) out += ", ";
    out += n;
  }
  return out;
}

}  // namespace

std::string type_name(const toml::node &n) {
  switch (n.type()) {
    case toml::node_type::string: return "a string";
    case toml::node_type::integer: return "an integer";
    case toml::node_type::floating_point: return "a float";
    case toml::node_type::boolean: return "a boolean";
    case toml::node_type::array:
      return n.is_array_of_tables() ? "an array of tables" : "an array";
    case toml::node_type::table: return "a table";
    case toml::node_type::date: return "a date";
    case toml::node_type::time: return "a time";
    case toml::node_type::date_time: return "a date-time";
    default: return "nothing";
  }
}

std::string describe(const toml::node &n) {
  if (auto *s = n.as_string()) return quote(s->get());
  if (auto *i = n.as_integer()) return std::to_string(i->get());
  if (auto *b = n.as_boolean()) return b->get() ? "true" : "false";
  if (auto *f = n.as_floating_point()) {
    char buf[32];
    snprintf(buf, sizeof buf, "%g", f->get());
    return buf;
  }
  return type_name(n);
}

std::string_view suggest(std::string_view key,
                         std::initializer_list<std::string_view> allowed) {
  std::string_view best;
  size_t best_d = 3;  // a typo is at most two edits away
  for (auto a : allowed) {
    size_t d = distance(key, a);
    if (d < best_d && d < std::max(a.size(), key.size())) {
      best_d = d;
      best = a;
    }
  }
  return best;
}

bool read_string(Ctx &ctx, const std::string &key, const toml::node &n,
                 std::string &out, std::string_view expected) {
  const auto *s = n.as_string();
  if (!s) {
    ctx.error(key, n.source().begin.line,
              "expected " + std::string(expected) + ", got " + describe(n));
    return false;
  }
  if (s->get().find('\0') != std::string::npos) {
    ctx.error(key, n.source().begin.line,
              "expected " + std::string(expected) +
                  ", got a string with a NUL character");
    return false;
  }
  out = s->get();
  return true;
}

Reader::Reader(Ctx &ctx, const toml::table &t, std::string prefix,
               std::initializer_list<std::string_view> allowed)
    : ctx_(ctx), t_(t), prefix_(std::move(prefix)),
      line_(static_cast<int>(t.source().begin.line)) {
  for (auto &&[k, v] : t) {
    (void)v;
    if (std::find(allowed.begin(), allowed.end(), k.str()) != allowed.end())
      continue;
    std::string msg = "unknown key";
    std::string_view s = suggest(k.str(), allowed);
    if (!s.empty()) msg += " (did you mean \"" + std::string(s) + "\"?)";
    msg += "; expected one of: " + join(allowed);
    ctx_.error(key(k.str()), static_cast<int>(k.source().begin.line), msg);
  }
}

std::string Reader::key(std::string_view k) const {
  if (prefix_.empty()) return std::string(k);
  return prefix_ + "." + std::string(k);
}

const toml::node *Reader::find(std::string_view k) {
  const toml::node *n = t_.get(k);
  if (n) ctx_.lines[key(k)] = static_cast<int>(n->source().begin.line);
  return n;
}

void Reader::missing(std::string_view k, std::string_view expected) {
  ctx_.error(key(k), line_, "missing: expected " + std::string(expected));
}

bool Reader::string(std::string_view k, std::string &out, bool required,
                    std::string_view expected) {
  const toml::node *n = find(k);
  if (!n) {
    if (required) missing(k, expected);
    return false;
  }
  return read_string(ctx_, key(k), *n, out, expected);
}

bool Reader::integer(std::string_view k, int64_t lo, int64_t hi, int64_t &out,
                     bool required) {
  std::string expected = "an integer in " + std::to_string(lo) + ".." +
                         std::to_string(hi);
  const toml::node *n = find(k);
  if (!n) {
    if (required) missing(k, expected);
    return false;
  }
  const auto *i = n->as_integer();
  if (!i || i->get() < lo || i->get() > hi) {
    ctx_.error(key(k), static_cast<int>(n->source().begin.line),
               "expected " + expected + ", got " + describe(*n));
    return false;
  }
  out = i->get();
  return true;
}

bool Reader::boolean(std::string_view k, bool &out) {
  const toml::node *n = find(k);
  if (!n) return false;
  const auto *b = n->as_boolean();
  if (!b) {
    ctx_.error(key(k), static_cast<int>(n->source().begin.line),
               "expected true or false, got " + describe(*n));
    return false;
  }
  out = b->get();
  return true;
}

bool Reader::string_array(std::string_view k, std::vector<std::string> &out) {
  const toml::node *n = find(k);
  if (!n) return false;
  const auto *a = n->as_array();
  if (!a) {
    ctx_.error(key(k), static_cast<int>(n->source().begin.line),
               "expected an array of strings, got " + describe(*n));
    return false;
  }
  bool ok = true;
  std::vector<std::string> vals;
  for (size_t i = 0; i < a->size(); ++i) {
    std::string v;
    std::string ek = key(k) + "[" + std::to_string(i) + "]";
    ctx_.lines[ek] = static_cast<int>((*a)[i].source().begin.line);
    if (read_string(ctx_, ek, (*a)[i], v)) vals.push_back(std::move(v));
    else ok = false;
  }
  if (ok) out = std::move(vals);
  return ok;
}

}  // namespace strdp::config::detail

// SNIF_SETARGS text: "key=value key='quoted value' ...".
//
// Tokens are separated by blanks. A value is bare (no blanks, no quotes),
// or quoted with ' or " (anything but that quote inside; no escapes, as a
// shell's single quotes). Every error names the argument and says why; a
// key given twice is an error rather than "the last one wins", since one
// of the two was meant.
#include <cerrno>
#include <cstdlib>
#include <string>

#include "sniffer_impl.h"

namespace strdp::snif {
namespace {

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// A decimal number in [lo, hi]; false for anything else ("", "12x", "+1").
bool parse_num(const std::string &v, long lo, long hi, long *out) {
  if (v.empty() || !(v[0] == '-' || (v[0] >= '0' && v[0] <= '9'))) return false;
  errno = 0;
  char *end = nullptr;
  long n = strtol(v.c_str(), &end, 10);
  if (errno != 0 || *end != '\0' || n < lo || n > hi) return false;
  *out = n;
  return true;
}

bool fail(std::string *why, const std::string &key, const std::string &val,
          const char *reason) {
  *why = key + "=" + val + ": " + reason;
  return false;
}

bool set_key(Args *a, const std::string &key, const std::string &val, std::string *why) {
  auto once = [&](auto &field) {
    if (field.has_value()) return fail(why, key, val, "given twice");
    return true;
  };
  long n = 0;
  if (key == "file") {
    if (!once(a->file)) return false;
    a->file = val;
  } else if (key == "filter") {
    if (!once(a->filter)) return false;
    a->filter = val;
  } else if (key == "to") {
    if (!once(a->to)) return false;
    a->to = val;
  } else if (key == "snaplen") {
    if (!once(a->snaplen)) return false;
    if (!parse_num(val, 1, kMaxSnaplen, &n))
      return fail(why, key, val, "not a number in 1..65535");
    a->snaplen = static_cast<uint32_t>(n);
  } else if (key == "dir") {
    if (!once(a->dir)) return false;
    if (val == "rd") a->dir = kDirRd;
    else if (val == "wr") a->dir = kDirWr;
    else if (val == "both") a->dir = kDirRd | kDirWr;
    else return fail(why, key, val, "not rd, wr or both");
  } else if (key == "port") {
    if (!once(a->port)) return false;
    if (!parse_num(val, -1, UINT16_MAX, &n))
      return fail(why, key, val, "not a port number (or -1 for none)");
    a->port = static_cast<int>(n);
  } else if (key == "queue") {
    if (!once(a->queue)) return false;
    if (!parse_num(val, 0, UINT16_MAX, &n))
      return fail(why, key, val, "not a queue number in 0..65535");
    a->queue = static_cast<uint32_t>(n);
  } else {
    return fail(why, key, val,
                "unknown argument (file, to, filter, snaplen, dir, port, queue)");
  }
  return true;
}

}  // namespace

bool parse_args(std::string_view text, Args *out, std::string *why) {
  Args a;
  size_t i = 0;
  const size_t n = text.size();
  while (true) {
    while (i < n && is_blank(text[i])) ++i;
    if (i == n) break;
    size_t k = i;
    while (k < n && text[k] != '=' && !is_blank(text[k])) ++k;
    std::string key(text.substr(i, k - i));
    if (k == n || text[k] != '=') {
      *why = key + ": not key=value";
      return false;
    }
    if (key.empty()) {
      *why = "=...: an argument without a key";
      return false;
    }
    i = k + 1;
    std::string val;
    if (i < n && (text[i] == '\'' || text[i] == '"')) {
      char q = text[i];
      size_t end = text.find(q, i + 1);
      if (end == std::string_view::npos) {
        *why = key + "=" + std::string(text.substr(i)) + ": no closing quote";
        return false;
      }
      val.assign(text.substr(i + 1, end - i - 1));
      i = end + 1;
      if (i < n && !is_blank(text[i])) {
        *why = key + "=" + std::string(text.substr(k + 1)) + ": text right after the closing quote";
        return false;
      }
    } else {
      size_t e = i;
      while (e < n && !is_blank(text[e])) {
        if (text[e] == '\'' || text[e] == '"') {
          *why = key + "=" + std::string(text.substr(i)) + ": a quote inside an unquoted value";
          return false;
        }
        ++e;
      }
      val.assign(text.substr(i, e - i));
      i = e;
    }
    if (!set_key(&a, key, val, why)) return false;
  }
  *out = std::move(a);
  return true;
}

}  // namespace strdp::snif

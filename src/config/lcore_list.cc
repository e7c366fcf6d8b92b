// Lcore lists ("1-3,5") and the lcores an EAL argument list enables.
//
// The syntax is EAL's -l syntax, stricter where strictness catches
// mistakes: a range must go up, an lcore may appear once, nothing but
// digits, '-', ',' and blanks. Order is kept because a stream's lane i
// runs on entry i.
#include <rte_config.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <string_view>

#include "config/config_impl.h"

namespace strdp::config {

namespace {

void skip_blanks(std::string_view s, size_t &i) {
  while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
}

// One number at s[i]; digits only (no sign, no "0x"): a list is decimal.
bool read_number(std::string_view s, size_t &i, unsigned long &out,
                 std::string *why) {
  size_t start = i;
  unsigned long v = 0;
  bool big = false;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
    v = v * 10 + static_cast<unsigned long>(s[i] - '0');
    if (v >= RTE_MAX_LCORE) big = true, v = RTE_MAX_LCORE;  // no overflow
    ++i;
  }
  if (i == start) {
    if (why) {
      *why = i < s.size() ? "expected an lcore number at \"" +
                                std::string(s.substr(i)) + "\""
                          : "expected an lcore number at the end";
    }
    return false;
  }
  if (big) {
    if (why) {
      *why = "lcore " + std::string(s.substr(start, i - start)) +
             " is out of range 0.." + std::to_string(RTE_MAX_LCORE - 1);
    }
    return false;
  }
  out = v;
  return true;
}

void set_why(std::string *why, std::string text) {
  if (why) *why = std::move(text);
}

}  // namespace

std::optional<std::vector<unsigned>> parse_lcore_list(const std::string &text,
                                                      std::string *why) {
  std::string_view s = text;
  std::vector<unsigned> out;
  std::vector<bool> seen(RTE_MAX_LCORE, false);
  size_t i = 0;
  skip_blanks(s, i);
  if (i == s.size()) {
    set_why(why, "the list is empty");
    return std::nullopt;
  }
  for (;;) {
    unsigned long lo = 0, hi = 0;
    skip_blanks(s, i);
    if (!read_number(s, i, lo, why)) return std::nullopt;
    hi = lo;
    skip_blanks(s, i);
    if (i < s.size() && s[i] == '-') {
      ++i;
      skip_blanks(s, i);
      if (!read_number(s, i, hi, why)) return std::nullopt;
      if (hi < lo) {
        set_why(why, "range " + std::to_string(lo) + "-" + std::to_string(hi) +
                         " goes down (write " + std::to_string(hi) + "-" +
                         std::to_string(lo) + ")");
        return std::nullopt;
      }
      skip_blanks(s, i);
    }
    for (unsigned long c = lo; c <= hi; ++c) {
      if (seen[c]) {
        set_why(why, "lcore " + std::to_string(c) + " is listed twice");
        return std::nullopt;
      }
      seen[c] = true;
      out.push_back(static_cast<unsigned>(c));
    }
    if (i == s.size()) break;
    if (s[i] != ',') {
      set_why(why, "unexpected \"" + std::string(s.substr(i, 1)) +
                       "\" (expected a number, '-' or ',')");
      return std::nullopt;
    }
    ++i;
  }
  return out;
}

namespace {

// "-c 0x3" / "-c 3": a hex mask of up to RTE_MAX_LCORE bits.
std::optional<std::vector<unsigned>> parse_coremask(std::string_view m,
                                                    std::string *why) {
  if (m.size() > 2 && m[0] == '0' && (m[1] == 'x' || m[1] == 'X'))
    m.remove_prefix(2);
  if (m.empty()) {
    set_why(why, "-c: empty core mask");
    return std::nullopt;
  }
  std::vector<unsigned> out;
  for (size_t k = 0; k < m.size(); ++k) {
    char ch = m[m.size() - 1 - k];  // least significant digit last
    int v;
    if (ch >= '0' && ch <= '9') v = ch - '0';
    else if (ch >= 'a' && ch <= 'f') v = ch - 'a' + 10;
    else if (ch >= 'A' && ch <= 'F') v = ch - 'A' + 10;
    else {
      set_why(why, "-c: \"" + std::string(m) + "\" is not a hex core mask");
      return std::nullopt;
    }
    for (unsigned b = 0; b < 4; ++b) {
      if (!(v & (1 << b))) continue;
      unsigned lc = static_cast<unsigned>(k) * 4 + b;
      if (lc >= RTE_MAX_LCORE) {
        set_why(why, "-c: lcore " + std::to_string(lc) + " is out of range 0.." +
                         std::to_string(RTE_MAX_LCORE - 1));
        return std::nullopt;
      }
      out.push_back(lc);
    }
  }
  if (out.empty()) {
    set_why(why, "-c: the core mask enables no lcore");
    return std::nullopt;
  }
  return out;
}

// The value of option `opt` at args[i]: "-lX", "--opt=X" or the next
// argument. Advances i past what it used. nullopt: not this option.
std::optional<std::string> option_value(const std::vector<std::string> &args,
                                        size_t &i, std::string_view opt,
                                        bool *missing) {
  std::string_view a = args[i];
  *missing = false;
  if (a.substr(0, opt.size()) != opt) return std::nullopt;
  std::string_view rest = a.substr(opt.size());
  bool longopt = opt.size() > 2;
  if (rest.empty()) {
    if (i + 1 >= args.size()) {
      *missing = true;
      return std::string();
    }
    return args[++i];
  }
  if (longopt) {
    if (rest[0] != '=') return std::nullopt;  // "--lcoresX": another option
    return std::string(rest.substr(1));
  }
  return std::string(rest);  // "-l0-1"
}

}  // namespace

namespace detail {

EalRead read_eal_lcores(const std::vector<std::string> &args, EalLcores &out,
                        std::string *why) {
  std::optional<std::vector<unsigned>> list;
  std::optional<unsigned long> main_lcore;
  for (size_t i = 0; i < args.size(); ++i) {
    bool missing = false;
    std::optional<std::string> v;
    std::string_view opt;
    if ((v = option_value(args, i, "--lcores", &missing))) opt = "--lcores";
    else if ((v = option_value(args, i, "--main-lcore", &missing)))
      opt = "--main-lcore";
    else if ((v = option_value(args, i, "-l", &missing))) opt = "-l";
    else if ((v = option_value(args, i, "-c", &missing))) opt = "-c";
    else continue;
    if (missing) {
      set_why(why, std::string(opt) + " has no value");
      return EalRead::kMalformed;
    }
    if (opt == "--main-lcore") {
      size_t k = 0;
      unsigned long n = 0;
      std::string inner;
      if (!read_number(*v, k, n, &inner) || k != v->size()) {
        set_why(why, "--main-lcore \"" + *v + "\" is not an lcore number" +
                         (inner.empty() ? "" : ": " + inner));
        return EalRead::kMalformed;
      }
      main_lcore = n;
      continue;
    }
    if (opt == "-c") {
      list = parse_coremask(*v, why);
      if (!list) return EalRead::kMalformed;
      continue;
    }
    if (v->find_first_of("@()") != std::string::npos) {
      set_why(why, std::string(opt) + " " + *v +
                       ": lcore groups ('@', '(') are not read here");
      return EalRead::kUnread;
    }
    std::string inner;
    list = parse_lcore_list(*v, &inner);
    if (!list) {
      set_why(why, std::string(opt) + " \"" + *v + "\": " + inner);
      return EalRead::kMalformed;
    }
  }
  if (!list) {
    set_why(why, "no -l, --lcores or -c: EAL enables every core");
    return EalRead::kNone;
  }
  out.lcores = *list;
  std::sort(out.lcores.begin(), out.lcores.end());
  if (main_lcore) {
    if (!std::binary_search(out.lcores.begin(), out.lcores.end(), *main_lcore)) {
      set_why(why, "--main-lcore " + std::to_string(*main_lcore) +
                       " is not one of the enabled lcores " +
                       format_lcores(out.lcores));
      return EalRead::kMalformed;
    }
    out.main_lcore = static_cast<unsigned>(*main_lcore);
  } else {
    out.main_lcore = out.lcores.front();
  }
  return EalRead::kList;
}

std::string format_lcores(std::vector<unsigned> list) {
  std::sort(list.begin(), list.end());
  std::string out;
  for (size_t i = 0; i < list.size();) {
    size_t j = i;
    while (j + 1 < list.size() && list[j + 1] == list[j] + 1) ++j;
    if (!out.empty()) out += ",";
    out += std::to_string(list[i]);
    if (j > i) out += "-" + std::to_string(list[j]);
    i = j + 1;
  }
  return out;
}

}  // namespace detail

std::optional<EalLcores> eal_lcores(const std::vector<std::string> &args,
                                    std::string *why) {
  EalLcores out;
  if (detail::read_eal_lcores(args, out, why) != detail::EalRead::kList)
    return std::nullopt;
  return out;
}

}  // namespace strdp::config

// Typed reading of one TOML table for the config decoder: every key is
// checked against the keys the table may have (a typo is an error, with
// a suggestion), and every value against its type and range, each
// problem reported once at the line of the value. Not installed.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "config/config_impl.h"

namespace strdp::config::detail {

// A value as a message shows it: "\"two\"", "3", "true", "an array"...
std::string describe(const toml::node &n);
// "a string", "an integer", ...: what a node is.
std::string type_name(const toml::node &n);
// The closest of `allowed` to `key` when it looks like a typo of it;
// empty when none does.
std::string_view suggest(std::string_view key,
                         std::initializer_list<std::string_view> allowed);

// The text of a string node, refusing NUL (a C string would end there).
// Reports under `key` and returns false when n is not such a string.
bool read_string(Ctx &ctx, const std::string &key, const toml::node &n,
                 std::string &out, std::string_view expected = "a string");

class Reader {
 public:
  // Checks every key of t against `allowed` (unknown keys are errors).
  Reader(Ctx &ctx, const toml::table &t, std::string prefix,
         std::initializer_list<std::string_view> allowed);

  // The key's value (recording its line), or nullptr when absent.
  const toml::node *find(std::string_view k);
  std::string key(std::string_view k) const;
  int line() const { return line_; }
  Ctx &ctx() { return ctx_; }

  // Each returns true when the key is present and valid (out set); false
  // when absent (an error if `required`) or invalid (an error).
  bool string(std::string_view k, std::string &out, bool required = false,
              std::string_view expected = "a string");
  bool integer(std::string_view k, int64_t lo, int64_t hi, int64_t &out,
               bool required = false);
  bool boolean(std::string_view k, bool &out);
  bool string_array(std::string_view k, std::vector<std::string> &out);

  // Values that name things on this machine (reader_posix.cc); the same
  // contract as above.
  // A file mode: "0660" (octal digits, as chmod takes them) or 0o660.
  bool mode(std::string_view k, uint32_t &out);
  // The absolute path of a socket file that fits sun_path.
  bool socket_path(std::string_view k, std::string &out);
  // The name of a group that exists here (getgrnam_r).
  bool group_name(std::string_view k, std::string &out);
  // A user or a group: a name that exists here, resolved now, or a
  // number (an integer, or a string of digits) taken as it is.
  bool user_id(std::string_view k, uint32_t &out);
  bool group_id(std::string_view k, uint32_t &out);

  // "key: missing: expected ..." at the table's line.
  void missing(std::string_view k, std::string_view expected);

 private:
  Ctx &ctx_;
  const toml::table &t_;
  std::string prefix_;
  int line_;
};

}  // namespace strdp::config::detail

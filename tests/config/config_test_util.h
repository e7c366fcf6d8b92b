// Helpers for the config tests: load text, find an error by line and
// key, and print every error when an expectation fails.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "config/config.h"

namespace strdp::config::test {

constexpr const char *kFile = "t.toml";

inline std::string dump(const std::vector<Error> &errors) {
  std::string out;
  for (const auto &e : errors) out += "  " + e.to_string() + "\n";
  return out.empty() ? "  (no errors)\n" : out;
}

inline std::vector<Error> errors_of(const std::string &text) {
  return load_string(text, kFile).errors;
}

// The config, failing the test (with every error) when there is none.
inline Config ok(const std::string &text) {
  LoadResult r = load_string(text, kFile);
  EXPECT_TRUE(r.errors.empty()) << dump(r.errors);
  EXPECT_TRUE(r.config.has_value());
  return r.config.value_or(Config{});
}

// Asserts that exactly one error was reported, at `line` for `key`, with
// every one of `parts` in its message.
inline ::testing::AssertionResult one_error(const std::string &text, int line,
                                            const std::string &key,
                                            std::vector<std::string> parts) {
  LoadResult r = load_string(text, kFile);
  if (r.config)
    return ::testing::AssertionFailure() << "loaded, expected an error";
  if (r.errors.size() != 1)
    return ::testing::AssertionFailure()
           << r.errors.size() << " errors, expected 1:\n" << dump(r.errors);
  const Error &e = r.errors[0];
  if (e.at.file != kFile || e.at.line != line || e.at.key != key)
    return ::testing::AssertionFailure()
           << "expected " << kFile << ":" << line << ": " << key
           << ", got:\n" << dump(r.errors);
  for (const auto &p : parts) {
    if (e.message.find(p) == std::string::npos)
      return ::testing::AssertionFailure()
             << "message lacks \"" << p << "\":\n" << dump(r.errors);
  }
  return ::testing::AssertionSuccess();
}

// A valid base to put a mistake in: EAL lcores 0-2, workers 1-2, two
// one-queue ports. 8 lines; what a test appends starts at line 9.
constexpr const char *kBase =
    "[eal]\n"                                         // 1
    "args = [\"-l\", \"0-2\", \"--no-huge\"]\n"       // 2
    "[lcores]\n"                                      // 3
    "workers = \"1-2\"\n"                             // 4
    "[[port]]\n"                                      // 5
    "name = \"net0\"\ndevice = \"net_null0\"\n"       // 6, 7
    "queues = 2\n";                                   // 8

}  // namespace strdp::config::test

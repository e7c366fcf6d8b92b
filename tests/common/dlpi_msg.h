// One message read from a DLPI stream with getmsg: its control part (a
// primitive) and data part, for the pmd and vdev tests.
#pragma once

#include <gtest/gtest.h>
#include <strdp/dlpi.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace strdp::test {

struct DlpiMsg {
  bool hipri = false, has_ctl = false, has_data = false;
  std::vector<uint8_t> ctl, data;

  t_uscalar_t prim() const {
    t_uscalar_t p = 0xffffffffu;
    if (ctl.size() >= sizeof p) std::memcpy(&p, ctl.data(), sizeof p);
    return p;
  }
  // The control part as a primitive structure: a failure if it is too
  // short, and zero-filled past its end.
  template <typename T>
  T as() const {
    T t{};
    EXPECT_GE(ctl.size(), sizeof t) << "control part too short for its primitive";
    std::memcpy(&t, ctl.data(), std::min(sizeof t, ctl.size()));
    return t;
  }
  // len bytes of the control part at off (empty if outside it).
  std::vector<uint8_t> at(uint32_t off, uint32_t len) const {
    if (off > ctl.size() || len > ctl.size() - off) return {};
    return {ctl.begin() + off, ctl.begin() + off + len};
  }
  std::string text() const { return std::string(data.begin(), data.end()); }
};

}  // namespace strdp::test

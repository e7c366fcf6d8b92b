// strdp_runtime_fini() and the persistent links left in place: it tells
// each mux (I_PUNLINK through a stream of its own) and closes the lower
// streams, which nobody else can close after fini. A binary of its own:
// the test ends the runtime and starts it again.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <strdp/ref/loop.h>

#include <cstring>

#include "eal_env.h"
#include "gmux.h"

namespace strdp::test {
namespace {

int istr(strdp_stream_t *sp, int cmd, void *data, int len) {
  strioctl ic = {cmd, 0, len, static_cast<char *>(data)};
  return strdp_ioctl(sp, I_STR, reinterpret_cast<intptr_t>(&ic));
}

strdp_stream_t *open_loop() { return strdp_open("loop", O_RDWR | O_NONBLOCK, nullptr); }

int minor_of(strdp_stream_t *sp) {
  int m = -1;
  return istr(sp, LOOP_GETMINOR, &m, sizeof m) == 0 ? m : -1;
}

TEST(MuxFini, FiniUnlinksPersistentLinksAndClosesTheirLowerStreams) {
  gmux_reset();
  strdp_stream_t *x = strdp_open("xconn", O_RDWR | O_NONBLOCK, nullptr);
  strdp_stream_t *g = strdp_open("gmux", O_RDWR | O_NONBLOCK, nullptr);
  ASSERT_NE(x, nullptr);
  ASSERT_NE(g, nullptr);
  strdp_stream_t *lowers[3];
  for (strdp_stream_t *&l : lowers) {
    l = open_loop();
    ASSERT_NE(l, nullptr);
  }
  ASSERT_GT(strdp_ioctl(x, I_PLINK, reinterpret_cast<intptr_t>(lowers[0])), 0);
  ASSERT_GT(strdp_ioctl(x, I_PLINK, reinterpret_cast<intptr_t>(lowers[1])), 0);
  ASSERT_GT(strdp_ioctl(g, I_PLINK, reinterpret_cast<intptr_t>(lowers[2])), 0);
  // The muxes' own streams go; their persistent links stay.
  ASSERT_EQ(strdp_close(x), 0);
  ASSERT_EQ(strdp_close(g), 0);
  EXPECT_EQ(strdp_close(lowers[0]), -1) << "still linked";
  EXPECT_EQ(errno, EINVAL);

  strdp_runtime_fini();
  EXPECT_EQ(gmux_rec.punlinks, 1) << "gmux was told";

  // Back up: every loop minor is free again, so fini closed the lower
  // streams (loop gives the lowest free minor).
  ASSERT_EQ(strdp_runtime_init(nullptr), 0);
  strdp_stream_t *l = open_loop();
  ASSERT_NE(l, nullptr);
  EXPECT_EQ(minor_of(l), 0);
  EXPECT_EQ(strdp_close(l), 0);
}

}  // namespace
}  // namespace strdp::test

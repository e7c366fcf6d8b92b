// dev_info_t: one attached instance of a driver loaded by mod_install().
// Not installed; drivers only pass the pointer back to the DDI.
#pragma once

#include <strdp/ddi.h>

#include <string>
#include <vector>

struct strdp_dev_info {
  std::string name;         // the driver's registry name (its file name)
  struct dev_ops *ops = nullptr;
  struct streamtab *st = nullptr;
  int flags = 0;            // cb_flag
  int instance = 0;         // pseudo drivers have one instance
  std::vector<std::string> nodes;  // minor nodes made by this instance
};

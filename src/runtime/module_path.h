// The module path: the folders where the registry looks for NAME.so when
// a stream pushes or opens a name nobody registered (strdp.h). Not
// installed.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace strdp {

// The folders in search order: strdp_module_path_add()'s, then
// $STRDP_MODULE_PATH's, then the install folder or, for a libstrdp that
// runs from its build tree, that tree's modules/.
std::vector<std::string> module_path();

// True if name can be a module file's name: a registry name (letters,
// digits, '_', '.', '-'; hence never a path) of at most MODMAXNAMELEN-1.
bool module_file_name_ok(std::string_view name) noexcept;

// DIR/NAME.so for the first folder of `first`, then of module_path(),
// where that is a regular file; "" if none is (or name is not ok).
std::string module_find(std::string_view name,
                        const std::vector<std::string> &first = {});

// "a:b:c", for messages that say where a file was looked for.
std::string module_path_text(const std::vector<std::string> &first = {});

}  // namespace strdp

#pragma once

#include <string_view>
#include <utility>
#include <vector>

namespace gatehouse {

// The files under src/ui/ (templates/, catalog/, assets/) compiled into the binary, by their
// path relative to src/ui/ ("templates/sign_in.html"); empty for an unknown path.
std::string_view EmbeddedFile(std::string_view path);

// Every embedded file: (path, content).
const std::vector<std::pair<std::string_view, std::string_view>>& EmbeddedFiles();

}  // namespace gatehouse

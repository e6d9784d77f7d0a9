#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace gatehouse {

// `text` in Unicode Normalization Form C, so that the same characters typed on different
// keyboards (precomposed "é" or "e" + combining accent) are the same bytes. nullopt when
// `text` is not valid UTF-8.
std::optional<std::string> NormalizeNfc(std::string_view text);

// `text` case-folded in Normalization Form KC: what a search compares, so that "ÉLODIE",
// "élodie" and "ｅlodie" are found by the same prefix. Invalid UTF-8 gives "".
std::string SearchKey(std::string_view text);

}  // namespace gatehouse

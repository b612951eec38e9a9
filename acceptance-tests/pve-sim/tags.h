// Tag normalisation as PVE applies it when it stores `tags` (PVE::GuestHelpers::get_unique_tags
// with the default datacenter tag-style): split on ';', ',' and whitespace, drop duplicates
// case-insensitively keeping the first spelling, sort case-insensitively, join with ';'.
// Containers additionally store tags in lowercase.
#pragma once

#include <string>
#include <string_view>

namespace sarga::pvesim {

enum class GuestKind { qemu, lxc };

std::string normalize_tags(std::string_view tags, GuestKind kind);

}  // namespace sarga::pvesim

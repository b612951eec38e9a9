// The NoCloud seed, shared by the provider's `sarga_cloudinit_seed` and sarga-build's
// qemu-verify; independent of any framework: validation, rendering of user-data / meta-data / network-config / vendor-data, the derived
// instance id and the ISO image, and reading an existing seed ISO back (import).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "lib/cloudinit/problem.h"
#include "lib/cloudinit/user_data.h"

namespace sarga::cloudinit {

struct SeedInput {
  std::optional<std::string> hostname;
  std::optional<std::string> instance_id;  // derived from the content when unset
  std::optional<std::string> user_data;
  std::vector<Part> parts;
  std::map<std::string, std::string> meta_data;  // extra meta-data keys
  std::optional<std::string> network_config;
  std::optional<std::string> vendor_data;
  bool gzip = false;  // gzip the user-data file

  friend bool operator==(const SeedInput&, const SeedInput&) = default;
};

struct RenderedSeed {
  std::string instance_id;
  std::string user_data_file;      // bytes of the ISO's user-data (gzip when requested)
  std::string rendered_user_data;  // text form: the document, or base64 of the gzip bytes
  std::string meta_data_file;
  std::string iso;
  std::string sha256;  // of iso
};

// Every problem in the input, each naming its attribute (user_data, part[1].content, ...).
Problems validate_seed(const SeedInput& input);

// The checks of validate_seed() that do not involve `parts` (for configs whose part blocks
// are still unknown at plan time).
Problems validate_seed_fields(const SeedInput& input);

// Renders a valid input (call validate_seed first; throws std::invalid_argument otherwise).
RenderedSeed render_seed(const SeedInput& input);

// "iid-" and 16 hex digits of a SHA-256 over everything the guest sees except the id itself.
std::string derive_instance_id(const SeedInput& input);

// Reads a seed ISO (as render_seed writes it) back into an input; instance_id is always set.
// Throws std::runtime_error naming what is missing or unreadable.
SeedInput parse_seed_iso(const std::string& iso);

}  // namespace sarga::cloudinit

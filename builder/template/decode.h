// Decoding of provisioner and post-processor blocks (already checked against the schema)
// into the typed StepSpec / OutputSpec, with their semantic checks.
#pragma once

#include <memory>
#include <vector>

#include "builder/template/attrs.h"
#include "builder/template/spec.h"

namespace sarga::tmpl {

// Files read while decoding (rendered templates) live as long as the loader.
using SourceFiles = std::vector<std::unique_ptr<SourceFile>>;

StepSpec decode_step(const Block& block, AttrReader& reader, SourceFiles& files);
OutputSpec decode_output(const Block& block, AttrReader& reader);
// "disk-image", "qemu-verify", "proxmox-vm-template": fills kind and settings of `out`.
void decode_vm_output(const Block& block, AttrReader& reader, OutputSpec& out);

// Checks shared by the Proxmox post-processors; errors at the attribute (never echoing the token).
// Without `require_token` an empty token passes (the pipeline refuses it before building).
void check_pve_connection(const Body& body, const std::string& endpoint, const std::string& token,
                          const std::string& node, const std::string& storage, const std::string& fingerprint,
                          const std::string& ca_file, bool insecure, bool require_token);

// Build-level rules between post-processors (one disk-image; qemu-verify and
// proxmox-vm-template need it). `blocks[i]` is the block of `outputs[i]`.
void check_output_combination(const std::vector<OutputSpec>& outputs, const std::vector<const Block*>& blocks);

}  // namespace sarga::tmpl

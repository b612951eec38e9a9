// Build outputs: the LXC template archive named as Proxmox expects, manifest.json
// (packer-like) and an SPDX 2.3 SBOM from the rootfs' dpkg database.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "builder/template/spec.h"

namespace sarga::outputs {

struct OsRelease {
  std::string id;          // "debian"
  std::string version_id;  // "12"
  std::string codename;    // "bookworm"
  std::string pretty_name;
};
// Reads /etc/os-release (or /usr/lib/os-release) inside the rootfs; throws when
// absent or without ID, because Proxmox detects the OS type from it.
OsRelease read_os_release(const std::filesystem::path& rootfs);
// dpkg's architecture (/var/lib/dpkg/arch), "amd64" when unknown.
std::string rootfs_architecture(const std::filesystem::path& rootfs);

// "<id>-<version>-<name>_<template version>_<arch><ext>", e.g.
// debian-12-hardened_1.0_amd64.tar.zst; the "<id>-<version>-" prefix is not repeated
// when the build name already starts with it. `explicit_name` (if set) wins.
std::string lxc_template_filename(const OsRelease& os, const std::string& build_name, const std::string& version,
                                  const std::string& arch, tmpl::Compression format,
                                  const std::string& explicit_name = {});

struct ArchiveResult {
  std::filesystem::path path;
  std::string sha256;
  std::uint64_t size = 0;
  std::uint64_t entries = 0;
};
// Checks the rootfs is a usable PVE template (os-release ID, /sbin), then writes the
// archive reproducibly (temp name, renamed at the end).
ArchiveResult write_lxc_template(const std::filesystem::path& rootfs, const std::filesystem::path& output_dir,
                                 const tmpl::LxcTemplateSettings& settings, const std::string& build_name,
                                 std::int64_t source_date_epoch);

struct DpkgPackage {
  std::string name, version, architecture, source, source_version, maintainer;
  std::vector<std::vector<std::string>> depends;  // AND of OR-groups, names only
};
std::vector<DpkgPackage> read_dpkg_status(const std::filesystem::path& rootfs);  // installed only, sorted
std::string deb_purl(const DpkgPackage& p, const OsRelease& os);
// SPDX 2.3 JSON; reproducible (created = SOURCE_DATE_EPOCH, namespace from content).
nlohmann::json make_sbom(const std::filesystem::path& rootfs, const std::string& build_name,
                         std::int64_t source_date_epoch);

// Writes (or updates) manifest.json: builds[] keyed by name (a rebuild replaces its entry),
// last_run_uuid at top level. Temp + rename.
void write_manifest(const std::filesystem::path& manifest, const nlohmann::json& build_entry,
                    const std::string& run_uuid);

}  // namespace sarga::outputs

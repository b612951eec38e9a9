// How data source sarga_template chooses among candidates (pure, unit-tested): the newest
// match wins. Newest means the highest creation time (a volume's `ctime`; a VM template's
// `meta: ctime=` that PVE writes at create), then the highest VMID, then the greatest volume
// id, so the pick is deterministic when times are equal or missing.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sarga::resources::datasources {

struct TemplateCandidate {
  std::string name;       // file name of a volume ("debian-12-web_1.2_amd64.tar.zst") or VM name
  std::string node;
  std::string volume_id;  // lxc: "local:vztmpl/debian-12-web_1.2_amd64.tar.zst"
  int vmid = 0;           // vm
  std::int64_t created = 0;  // unix seconds, 0 when unknown
  std::vector<std::string> tags;
};

// Candidates whose name matches `name_regex` (ECMAScript, searched anywhere in the name:
// anchor with ^ and $) and that carry every tag in `tags` (case-insensitive). Throws
// std::regex_error for an invalid pattern.
std::vector<TemplateCandidate> filter_candidates(const std::vector<TemplateCandidate>& all,
                                                 const std::string& name_regex, const std::vector<std::string>& tags);

// The newest candidate, nullopt when there is none.
std::optional<TemplateCandidate> newest(const std::vector<TemplateCandidate>& candidates);

// "local:vztmpl/debian-12.tar.zst" -> "debian-12.tar.zst".
std::string volume_file_name(const std::string& volume_id);
// `meta` of a VM config ("creation-qemu=9.2.0,ctime=1700000000") -> 1700000000, or 0.
std::int64_t meta_ctime(const std::string& meta);
// Unix seconds -> "2026-11-22T02:30:00Z".
std::string rfc3339(std::int64_t unix_seconds);

}  // namespace sarga::resources::datasources

#include <algorithm>
#include <ctime>
#include <map>
#include <set>

#include "builder/outputs/outputs.h"
#include "builder/steps/rootfs.h"
#include "lib/artifact/hash.h"

namespace sarga::outputs {

namespace {

// Parses "a (>= 1), b | c:any, d" into [[a],[b,c],[d]].
std::vector<std::vector<std::string>> parse_depends(const std::string& field) {
  std::vector<std::vector<std::string>> out;
  size_t s = 0;
  while (s < field.size()) {
    size_t comma = field.find(',', s);
    if (comma == std::string::npos) comma = field.size();
    std::string group = field.substr(s, comma - s);
    std::vector<std::string> alts;
    size_t a = 0;
    while (a <= group.size()) {
      size_t bar = group.find('|', a);
      if (bar == std::string::npos) bar = group.size();
      std::string alt = steps::trim(group.substr(a, bar - a));
      alt = alt.substr(0, alt.find_first_of(" ([<"));
      alt = alt.substr(0, alt.find(':'));
      if (!alt.empty()) alts.push_back(alt);
      a = bar + 1;
    }
    if (!alts.empty()) out.push_back(alts);
    s = comma + 1;
  }
  return out;
}

std::string percent_encode(const std::string& s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '.' || c == '-' || c == '_' || c == '~' || c == ':') out.push_back(static_cast<char>(c));
    else {
      out.push_back('%');
      out.push_back(hex[c >> 4]);
      out.push_back(hex[c & 15]);
    }
  }
  return out;
}

std::string spdx_id(const std::string& s) {
  std::string out = "SPDXRef-Package-deb-";
  for (char c : s) out.push_back(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' ? c : '-');
  return out;
}

std::string iso8601(std::int64_t t) {
  std::time_t tt = static_cast<std::time_t>(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace

std::vector<DpkgPackage> read_dpkg_status(const std::filesystem::path& rootfs) {
  auto text = steps::Rootfs(rootfs).read("/var/lib/dpkg/status");
  std::vector<DpkgPackage> out;
  if (!text) return out;
  std::map<std::string, std::string> fields;
  std::string last;
  auto flush = [&] {
    if (fields.count("Package") && fields["Status"].find("install ok installed") != std::string::npos) {
      DpkgPackage p;
      p.name = fields["Package"];
      p.version = fields["Version"];
      p.architecture = fields["Architecture"];
      p.maintainer = fields["Maintainer"];
      std::string src = fields["Source"];
      p.source = steps::trim(src.substr(0, src.find('(')));
      if (auto lp = src.find('('); lp != std::string::npos)
        p.source_version = steps::trim(src.substr(lp + 1, src.find(')') - lp - 1));
      if (p.source.empty()) p.source = p.name;
      if (p.source_version.empty()) p.source_version = p.version;
      auto deps = parse_depends(fields["Depends"]);
      auto pre = parse_depends(fields["Pre-Depends"]);
      deps.insert(deps.end(), pre.begin(), pre.end());
      p.depends = deps;
      out.push_back(p);
    }
    fields.clear();
    last.clear();
  };
  for (const auto& line : steps::split_lines(*text)) {
    if (line.empty()) {
      flush();
      continue;
    }
    if (line[0] == ' ' || line[0] == '\t') {
      if (!last.empty() && (last == "Depends" || last == "Pre-Depends")) fields[last] += " " + steps::trim(line);
      continue;
    }
    auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    last = line.substr(0, colon);
    fields[last] = steps::trim(line.substr(colon + 1));
  }
  flush();
  std::sort(out.begin(), out.end(), [](const DpkgPackage& a, const DpkgPackage& b) {
    return std::tie(a.name, a.architecture) < std::tie(b.name, b.architecture);
  });
  return out;
}

std::string deb_purl(const DpkgPackage& p, const OsRelease& os) {
  std::string purl = "pkg:deb/" + (os.id.empty() ? std::string("debian") : os.id) + "/" + percent_encode(p.name) + "@" +
                     percent_encode(p.version) + "?arch=" + percent_encode(p.architecture);
  if (!os.version_id.empty()) purl += "&distro=" + percent_encode(os.id + "-" + os.version_id);
  return purl;
}

nlohmann::json make_sbom(const std::filesystem::path& rootfs, const std::string& build_name, std::int64_t sde) {
  OsRelease os = read_os_release(rootfs);
  auto packages = read_dpkg_status(rootfs);
  std::string status_hash = artifact::sha256_hex(steps::Rootfs(rootfs).read("/var/lib/dpkg/status").value_or(""));
  nlohmann::json doc = {
      {"spdxVersion", "SPDX-2.3"},
      {"dataLicense", "CC0-1.0"},
      {"SPDXID", "SPDXRef-DOCUMENT"},
      {"name", build_name},
      {"documentNamespace", "https://sarga.dev/spdx/" + build_name + "-" + status_hash},
      {"creationInfo", {{"created", iso8601(sde)}, {"creators", {"Tool: sarga-build"}}}},
  };
  nlohmann::json pkgs = nlohmann::json::array();
  nlohmann::json rels = nlohmann::json::array();
  pkgs.push_back({{"name", build_name},
                  {"SPDXID", "SPDXRef-Image"},
                  {"versionInfo", os.pretty_name.empty() ? os.id : os.pretty_name},
                  {"downloadLocation", "NOASSERTION"},
                  {"filesAnalyzed", false},
                  {"licenseConcluded", "NOASSERTION"},
                  {"licenseDeclared", "NOASSERTION"},
                  {"copyrightText", "NOASSERTION"},
                  {"primaryPackagePurpose", "OPERATING-SYSTEM"}});
  rels.push_back({{"spdxElementId", "SPDXRef-DOCUMENT"}, {"relationshipType", "DESCRIBES"},
                  {"relatedSpdxElement", "SPDXRef-Image"}});
  std::map<std::string, std::string> id_of;  // package name -> SPDXID
  std::set<std::string> used;
  for (const auto& p : packages) {
    std::string id = spdx_id(p.name + "-" + p.architecture);
    for (int n = 2; used.count(id); ++n) id = spdx_id(p.name + "-" + p.architecture + "-" + std::to_string(n));
    used.insert(id);
    id_of.emplace(p.name, id);
    nlohmann::json j = {{"name", p.name},
                        {"SPDXID", id},
                        {"versionInfo", p.version},
                        {"downloadLocation", "NOASSERTION"},
                        {"filesAnalyzed", false},
                        {"licenseConcluded", "NOASSERTION"},
                        {"licenseDeclared", "NOASSERTION"},
                        {"copyrightText", "NOASSERTION"},
                        {"sourceInfo", "built package from: " + p.source + " " + p.source_version},
                        {"externalRefs",
                         {{{"referenceCategory", "PACKAGE-MANAGER"}, {"referenceType", "purl"},
                           {"referenceLocator", deb_purl(p, os)}}}}};
    if (!p.maintainer.empty()) j["supplier"] = "Organization: " + p.maintainer;
    pkgs.push_back(j);
    rels.push_back({{"spdxElementId", "SPDXRef-Image"}, {"relationshipType", "CONTAINS"}, {"relatedSpdxElement", id}});
  }
  for (const auto& p : packages)
    for (const auto& group : p.depends)
      for (const auto& alt : group)
        if (auto it = id_of.find(alt); it != id_of.end()) {  // first installed alternative
          rels.push_back({{"spdxElementId", id_of[p.name]}, {"relationshipType", "DEPENDS_ON"},
                          {"relatedSpdxElement", it->second}});
          break;
        }
  doc["packages"] = pkgs;
  doc["relationships"] = rels;
  return doc;
}

}  // namespace sarga::outputs

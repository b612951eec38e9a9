#include <fstream>
#include <sstream>
#include <stdexcept>

#include "builder/outputs/outputs.h"

namespace fs = std::filesystem;

namespace sarga::outputs {

void write_manifest(const fs::path& manifest, const nlohmann::json& build_entry, const std::string& run_uuid) {
  nlohmann::json doc = {{"builds", nlohmann::json::array()}};
  if (std::ifstream in(manifest); in) {
    try {
      doc = nlohmann::json::parse(in);
      if (!doc.is_object() || !doc.contains("builds") || !doc["builds"].is_array())
        doc = {{"builds", nlohmann::json::array()}};
    } catch (const nlohmann::json::exception&) {
      throw std::runtime_error(manifest.string() + ": existing manifest is not valid JSON; use -force to replace it");
    }
  }
  nlohmann::json builds = nlohmann::json::array();
  for (const auto& b : doc["builds"])
    if (b.value("name", "") != build_entry.value("name", "")) builds.push_back(b);
  builds.push_back(build_entry);
  doc["builds"] = builds;
  doc["last_run_uuid"] = run_uuid;
  fs::create_directories(manifest.parent_path().empty() ? fs::path(".") : manifest.parent_path());
  fs::path tmp = manifest;
  tmp += ".partial";
  {
    std::ofstream out(tmp);
    out << doc.dump(2) << "\n";
    if (!out) throw std::runtime_error(tmp.string() + ": cannot write");
  }
  fs::rename(tmp, manifest);
}

}  // namespace sarga::outputs

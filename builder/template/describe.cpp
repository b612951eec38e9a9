#include "builder/template/describe.h"

#include "builder/template/units.h"

#include <cstdio>
#include <sstream>

namespace sarga::tmpl {

using json = nlohmann::json;

namespace {

constexpr const char* kMasked = "<sensitive>";

std::string octal(std::uint32_t mode) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04o", mode & 07777);
  return buf;
}

json source_json(const SourceSpec& s) {
  json j = {{"type", s.type}, {"name", s.name}, {"location", s.location.str()}};
  if (s.kind == SourceKind::mmdebstrap) {
    const auto& m = s.mmdebstrap;
    j["suite"] = m.suite;
    j["variant"] = m.variant;
    j["components"] = m.components;
    j["include"] = m.include;
    j["mirror"] = m.mirror;
    j["architecture"] = m.architecture;
    j["source_date_epoch"] = m.source_date_epoch ? json(*m.source_date_epoch) : json(nullptr);
  } else {
    j["path"] = s.rootfs.path;
    j["allow_devices"] = s.rootfs.allow_devices;
  }
  return j;
}

json step_json(const StepSpec& step) {
  json j = {{"type", step.type}, {"name", step.name}, {"location", step.location.str()}};
  std::visit(
      [&](const auto& s) {
        using S = std::decay_t<decltype(s)>;
        if constexpr (std::is_same_v<S, FilesSettings>) {
          json entries = json::array();
          for (const auto& f : s.entries) {
            json e = {{"destination", f.destination}, {"owner", f.owner}, {"group", f.group}, {"mode", octal(f.mode)}};
            if (f.content) e["content_bytes"] = f.content->size();
            else e["source"] = f.source;
            if (f.render) e["rendered"] = true;
            entries.push_back(e);
          }
          j["files"] = entries;
        } else if constexpr (std::is_same_v<S, ShellSettings>) {
          j["inline"] = s.inline_commands;
          j["scripts"] = s.scripts;
          j["environment"] = s.environment;
          j["interpreter"] = s.interpreter;
        } else if constexpr (std::is_same_v<S, PackagesSettings>) {
          j["install"] = s.install;
          j["remove"] = s.remove;
          j["update"] = s.update;
          j["upgrade"] = s.upgrade;
          j["install_recommends"] = s.install_recommends;
          j["purge"] = s.purge;
          j["autoremove"] = s.autoremove;
          j["clean"] = s.clean;
        } else if constexpr (std::is_same_v<S, HardeningSettings>) {
          j["profile"] = s.profile;
          j["skip"] = s.skip;
          j["verify"] = s.verify;
        } else if constexpr (std::is_same_v<S, CloudInitSettings>) {
          j["datasources"] = s.datasources;
          j["install"] = s.install;
          j["extra_config_bytes"] = s.extra_config.size();
        } else {
          j["machine_id"] = s.machine_id;
          j["ssh_host_keys"] = s.ssh_host_keys;
          j["logs"] = s.logs;
          j["apt_lists"] = s.apt_lists;
          j["tmp"] = s.tmp;
          j["history"] = s.history;
          j["remove"] = s.remove;
        }
      },
      step.settings);
  return j;
}

json output_json(const OutputSpec& out) {
  json j = {{"type", out.type}, {"location", out.location.str()}};
  std::visit(
      [&](const auto& s) {
        using S = std::decay_t<decltype(s)>;
        if constexpr (std::is_same_v<S, LxcTemplateSettings>) {
          j["format"] = to_string(s.format);
          j["name"] = s.name;
          j["version"] = s.version;
          j["level"] = s.level ? json(*s.level) : json(nullptr);
        } else if constexpr (std::is_same_v<S, ManifestSettings>) {
          j["output"] = s.output;
          j["strip_path"] = s.strip_path;
          j["custom_data"] = s.custom_data;
        } else if constexpr (std::is_same_v<S, SbomSettings>) {
          j["output"] = s.output;
        } else if constexpr (std::is_same_v<S, DiskImageSettings>) {
          j["format"] = to_string(s.format);
          j["name"] = s.name;
          j["size"] = format_size_mib(s.size_mib);
          j["esp_size"] = format_size_mib(s.esp_size_mib);
          j["serial_console"] = s.serial_console;
          j["kernel_options"] = s.kernel_options;
          json parts = json::array();
          for (const auto& p : s.partitions)
            parts.push_back({{"mountpoint", p.mountpoint},
                             {"size", format_size_mib(p.size_mib)},
                             {"options", p.options ? json(*p.options) : json(nullptr)}});
          j["partitions"] = parts;
        } else if constexpr (std::is_same_v<S, QemuVerifySettings>) {
          j["timeout"] = format_duration(s.timeout_seconds);
          j["memory"] = s.memory_mib;
          j["cpus"] = s.cpus;
          j["accelerator"] = to_string(s.accelerator);
          j["firmware"] = s.firmware;
          j["network"] = s.network;
          j["agent"] = s.agent;
          j["inline"] = s.inline_commands;
        } else if constexpr (std::is_same_v<S, ProxmoxVmTemplateSettings>) {
          j["endpoint"] = s.endpoint;
          j["token"] = kMasked;
          j["node"] = s.node;
          j["storage"] = s.storage;
          j["import_storage"] = s.import_storage;
          j["import_from"] = s.import_from;
          j["vmid"] = s.vmid ? json(*s.vmid) : json(nullptr);
          j["name"] = s.name;
          j["tags"] = s.tags;
          j["memory"] = s.memory_mib;
          j["cores"] = s.cores;
          j["bridge"] = s.bridge;
          j["keep"] = s.keep;
          j["fingerprint"] = s.fingerprint;
          j["ca_file"] = s.ca_file;
          j["insecure"] = s.insecure;
        } else {
          j["endpoint"] = s.endpoint;
          // The token is a secret whether or not its variable says so.
          j["token"] = kMasked;
          j["node"] = s.node;
          j["storage"] = s.storage;
          j["keep"] = s.keep;
          j["fingerprint"] = s.fingerprint;
          j["ca_file"] = s.ca_file;
          j["insecure"] = s.insecure;
        }
      },
      out.settings);
  return j;
}


void text_value(std::ostringstream& out, const std::string& indent, const std::string& key, const json& v) {
  if (v.is_null() || (v.is_string() && v.get<std::string>().empty()) || (v.is_array() && v.empty()) || (v.is_object() && v.empty()) || key == "location" ||
      key == "type")
    return;
  out << indent << key << ": " << (v.is_string() ? v.get<std::string>() : v.dump()) << "\n";
}

}  // namespace

void redact_json(const BuildSpec& spec, json& j) {
  if (j.is_string()) {
    j = redact(spec, j.get<std::string>());
  } else if (j.is_array() || j.is_object()) {
    for (auto& item : j) redact_json(spec, item);
  }
}

json describe_json(const BuildSpec& spec) {
  json j;
  j["build"] = spec.name;
  j["full_name"] = spec.full_name;
  j["template"] = spec.template_file;
  j["location"] = spec.location.str();
  j["source"] = source_json(spec.source);
  j["steps"] = json::array();
  for (const auto& s : spec.steps) j["steps"].push_back(step_json(s));
  j["outputs"] = json::array();
  for (const auto& o : spec.outputs) j["outputs"].push_back(output_json(o));
  json vars = json::object();
  for (const auto& [name, v] : spec.variables)
    vars[name] = {{"type", v.type}, {"value", v.sensitive ? json(kMasked) : v.value}, {"sensitive", v.sensitive}};
  j["variables"] = vars;
  redact_json(spec, j);
  return j;
}

std::string describe_text(const BuildSpec& spec) {
  json j = describe_json(spec);
  std::ostringstream out;
  out << "build " << j["build"].get<std::string>() << " (" << j["full_name"].get<std::string>() << ")\n";
  const json& src = j["source"];
  out << "  source " << src["type"].get<std::string>() << " \"" << src["name"].get<std::string>() << "\"\n";
  for (auto& [k, v] : src.items())
    if (k != "name") text_value(out, "    ", k, v);
  out << "  steps:\n";
  if (j["steps"].empty()) out << "    (none)\n";
  int n = 0;
  for (const auto& step : j["steps"]) {
    out << "    " << ++n << ". " << step["type"].get<std::string>();
    if (step["name"] != step["type"]) out << " \"" << step["name"].get<std::string>() << "\"";
    out << "  [" << step["location"].get<std::string>() << "]\n";
    for (auto& [k, v] : step.items())
      if (k != "name") text_value(out, "       ", k, v);
  }
  out << "  outputs:\n";
  if (j["outputs"].empty()) out << "    (none)\n";
  for (const auto& o : j["outputs"]) {
    out << "    - " << o["type"].get<std::string>() << "\n";
    for (auto& [k, v] : o.items()) text_value(out, "       ", k, v);
  }
  if (!j["variables"].empty()) {
    out << "  variables:\n";
    for (auto& [name, v] : j["variables"].items())
      out << "    " << name << " = " << (v["value"].is_string() ? v["value"].get<std::string>() : v["value"].dump())
          << "\n";
  }
  return out.str();
}

}  // namespace sarga::tmpl

// Schema: loading, request matching and request validation.
#include "acceptance-tests/pve-sim/schema/schema.h"

#include <algorithm>
#include <stdexcept>

#include "acceptance-tests/pve-sim/schema/model.h"

namespace sarga::pvesim::schema {

// builtin_data.cpp (generated at build time from data/pve-api-schema.json)
std::string_view embedded_schema_json();

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string percent_decode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      int h = hex_value(s[i + 1]), l = hex_value(s[i + 2]);
      if (h >= 0 && l >= 0) {
        out += static_cast<char>(h * 16 + l);
        i += 2;
        continue;
      }
    }
    out += s[i];
  }
  return out;
}

bool has_space(std::string_view s) {
  for (char c : s)
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') return true;
  return false;
}

const CompiledEndpoint& compiled(const Schema::Impl& impl, const Endpoint& e) {
  auto it = impl.by_info.find(&e);
  if (it == impl.by_info.end())
    throw std::invalid_argument("pve schema: endpoint " + e.method + " " + e.path +
                                " does not belong to this schema");
  return *it->second;
}

}  // namespace

Schema::Schema(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Schema::~Schema() = default;

const Schema& Schema::builtin() {
  static const std::unique_ptr<Schema> instance = load(embedded_schema_json());
  return *instance;
}

std::unique_ptr<Schema> Schema::load(std::string_view generated_json) {
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(generated_json);
  } catch (const nlohmann::json::exception& e) {
    throw std::runtime_error(std::string("pve schema: not JSON: ") + e.what());
  }
  try {
    return std::unique_ptr<Schema>(new Schema(compile_schema(doc)));
  } catch (const nlohmann::json::exception& e) {
    throw std::runtime_error(std::string("pve schema: unexpected shape: ") + e.what());
  }
}

size_t Schema::endpoint_count() const { return impl_->endpoints.size(); }

Match Schema::match(std::string_view method, std::string_view path) const {
  Match m;
  std::vector<std::string_view> raw;
  size_t start = 0;
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    auto seg = path.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
    if (!seg.empty()) raw.push_back(seg);
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  const PathNode* node = &impl_->root;
  for (size_t i = 0; i < raw.size(); ++i) {
    std::string seg = percent_decode(raw[i]);
    if (auto it = node->fixed.find(seg); it != node->fixed.end()) {
      node = it->second.get();
      continue;
    }
    if (!node->param || seg.empty() || has_space(seg)) return m;  // PVE: {param} is \S+
    if (node->param_takes_rest) {
      for (size_t j = i + 1; j < raw.size(); ++j) seg += "/" + percent_decode(raw[j]);
      i = raw.size();
    }
    m.path_params.emplace_back(node->param_name, std::move(seg));
    node = node->param.get();
  }
  if (node->methods.empty()) {
    m.path_params.clear();
    return m;
  }
  auto it = node->methods.find(method);
  if (it == node->methods.end()) {
    m.status = Match::Status::unknown_method;
    return m;
  }
  m.status = Match::Status::found;
  m.endpoint = &it->second->info;
  return m;
}

const Endpoint* Schema::find(std::string_view method, std::string_view path_template) const {
  std::string key(method);
  key += ' ';
  key += path_template;
  auto it = impl_->by_template.find(key);
  return it == impl_->by_template.end() ? nullptr : &it->second->info;
}

Validation Schema::validate(const Match& match, const Params& params) const {
  Validation res;
  if (!match.endpoint) {
    res.errors["_root"] = "no endpoint matched";
    return res;
  }
  const CompiledEndpoint& ep = compiled(*impl_, *match.endpoint);

  // Gather as pve-http-server does: repeated names are joined with NUL, except for array
  // parameters; a name without a value ("x=") counts as absent; path parameters win; the
  // GUI's cache buster "_dc" is dropped before validation.
  for (const auto& p : params) {
    if (p.name == "_dc") continue;
    auto prop = ep.by_name.find(p.name);
    if (prop != ep.by_name.end() && prop->second->type == Type::array) {
      res.arrays[p.name].push_back(p.value);
      continue;
    }
    if (p.value.empty()) continue;
    auto [it, inserted] = res.values.emplace(p.name, p.value);
    if (!inserted) {
      it->second += '\0';
      it->second += p.value;
    }
  }
  for (const auto& [name, value] : match.path_params) res.values[name] = value;

  for (const auto& name : ep.required) {
    if (!res.values.count(name) && !res.arrays.count(name))
      add_error(res.errors, name, "property is missing and it is not optional");
  }
  for (const auto& [name, value] : res.values) {
    auto it = ep.by_name.find(name);
    if (it == ep.by_name.end()) {
      if (ep.additional_properties_defined && !ep.additional_properties)
        add_error(res.errors, name,
                  "property is not defined in schema and the schema does not allow additional properties");
      continue;
    }
    const Prop& prop = *it->second;
    if (!prop.requires_key.empty() && !res.values.count(prop.requires_key) &&
        !res.arrays.count(prop.requires_key))
      add_error(res.errors, prop.requires_key, "missing property - '" + name + "' requires this property");
    if (prop.property_format) {
      PropertyMap parsed;
      size_t before = res.errors.size();
      check_prop(&value, prop, name, res.errors, &parsed);
      if (res.errors.size() == before && !parsed.empty()) res.property_strings[name] = std::move(parsed);
    } else {
      check_prop(&value, prop, name, res.errors, nullptr);
    }
  }
  for (const auto& [name, items] : res.arrays) {
    auto it = ep.by_name.find(name);
    const Prop& prop = *it->second;
    if (!prop.items) continue;
    for (size_t i = 0; i < items.size(); ++i)
      check_prop(&items[i], *prop.items, name + "[" + std::to_string(i) + "]", res.errors, nullptr);
    if (!items.empty()) res.values[name] = items.back();
  }
  return res;
}

std::vector<std::string> Schema::parameter_names(const Endpoint& endpoint) const {
  const CompiledEndpoint& ep = compiled(*impl_, endpoint);
  std::vector<std::string> names;
  names.reserve(ep.by_name.size());
  for (const auto& [name, prop] : ep.by_name) names.push_back(name);
  std::sort(names.begin(), names.end());
  return names;
}

std::optional<ParamInfo> Schema::parameter(const Endpoint& endpoint, std::string_view name) const {
  const CompiledEndpoint& ep = compiled(*impl_, endpoint);
  auto it = ep.by_name.find(std::string(name));
  if (it == ep.by_name.end()) return std::nullopt;
  ParamInfo info;
  info.type = it->second->type_name;
  info.optional = it->second->optional;
  info.default_value = it->second->default_value;
  info.property_string = it->second->property_format != nullptr;
  return info;
}

std::optional<PropertyMap> Schema::parse_property_string(const Endpoint& endpoint, std::string_view name,
                                                         std::string_view value, std::string* error) const {
  const CompiledEndpoint& ep = compiled(*impl_, endpoint);
  auto it = ep.by_name.find(std::string(name));
  if (it == ep.by_name.end() || !it->second->property_format) {
    if (error) *error = "parameter '" + std::string(name) + "' is not a property string of " +
                        endpoint.method + " " + endpoint.path;
    return std::nullopt;
  }
  PropertyMap out;
  std::string msg = parse_property_string_impl(*it->second->property_format, value, std::string(name), out);
  if (!msg.empty()) {
    if (error) *error = "invalid format - " + msg;
    return std::nullopt;
  }
  return out;
}

namespace {

// PVE::JSONSchema::format_size: bytes in the largest unit that divides them.
std::string format_size(std::string_view value) {
  char* end = nullptr;
  std::string s(value);
  unsigned long long size = std::strtoull(s.c_str(), &end, 10);
  if (end == s.c_str() || *end != '\0') return s;  // already "32G" or similar: keep
  const char* units[] = {"K", "M", "G", "T"};
  std::string suffix;
  for (const char* u : units) {
    if (size % 1024 != 0 || size == 0) break;
    size /= 1024;
    suffix = u;
  }
  return std::to_string(size) + suffix;
}

}  // namespace

std::optional<std::string> Schema::print_property_string(const Endpoint& endpoint, std::string_view name,
                                                         const PropertyMap& map) const {
  const CompiledEndpoint& ep = compiled(*impl_, endpoint);
  auto it = ep.by_name.find(std::string(name));
  if (it == ep.by_name.end() || !it->second->property_format) return std::nullopt;
  const PropertyFormat& fmt = *it->second->property_format;

  std::string out;
  std::map<std::string, bool> done;
  auto value_text = [&](const std::string& key, const std::string& value) -> std::optional<std::string> {
    auto k = fmt.keys.find(key);
    if (k != fmt.keys.end() && k->second.format_name == "disk-size") return format_size(value);
    if (value.find(',') != std::string::npos) return std::nullopt;  // "illegal value with commas"
    return value;
  };
  auto add = [&](const std::string& key, bool is_default) -> bool {
    if (done[key]) return true;
    done[key] = true;
    auto v = map.find(key);
    if (v == map.end()) return true;
    if (auto combine = fmt.key_alias_targets.find(key); combine != fmt.key_alias_targets.end()) {
      auto cv = map.find(combine->second);
      if (cv != map.end()) {
        auto a = value_text(key, v->second), b = value_text(combine->second, cv->second);
        if (!a || !b) return false;
        if (!out.empty()) out += ',';
        out += *a + "=" + *b;
        done[combine->second] = true;
        return true;
      }
    }
    auto k = fmt.keys.find(key);
    if (k == fmt.keys.end()) return false;
    auto text = value_text(key, v->second);
    if (!text) return false;
    if (!out.empty()) out += ',';
    out += is_default ? *text : key + "=" + *text;
    return true;
  };
  if (!fmt.default_key.empty() && !add(fmt.default_key, true)) return std::nullopt;
  for (const auto& [key, value] : map) {
    auto k = fmt.keys.find(key);
    if (k != fmt.keys.end() && !k->second.optional && !add(key, false)) return std::nullopt;
  }
  for (const auto& [key, value] : map)
    if (!add(key, false)) return std::nullopt;
  return out;
}

}  // namespace sarga::pvesim::schema

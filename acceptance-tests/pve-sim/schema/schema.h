// Request validation for pve-sim against the real Proxmox VE 9.1 API schema.
//
// The schema data is generated from ../shared/pve/apidata.json by generate.py, committed as
// data/pve-api-schema.json and embedded into this library at build time, so the simulator
// needs no file at run time. Checks and error texts follow PVE's JSONSchema.pm: the error
// map has one entry per parameter, exactly as PVE answers a 400 "Parameter verification
// failed." request.
//
// Thread-safety: a loaded Schema is immutable; every const method may be called from any
// number of threads at once.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace sarga::pvesim::schema {

// The message of PVE's 400 answer when `errors` is not empty.
inline constexpr std::string_view kParameterVerificationFailed = "Parameter verification failed.";

// One request parameter as received (query string, form body, or a JSON body whose scalars the
// server turned into text: numbers as written, true/false as "1"/"0"). Repeat a name for each
// element of an array parameter (agent/exec `command`). Path parameters are added by validate().
struct Param {
  std::string name;
  std::string value;
};
using Params = std::vector<Param>;

// Parameter name (or "net0.bridge"-style path) -> PVE's message for it.
using Errors = std::map<std::string, std::string>;

// A parsed property string: key -> value, after alias resolution ("volume" -> "file"),
// keyAlias expansion (net "virtio=BC:24:.." gives model=virtio and macaddr=BC:24:..),
// booleans normalised to "1"/"0" as PVE's parse_boolean does.
using PropertyMap = std::map<std::string, std::string>;

// One parameter's schema in short, for servers that need defaults or types.
struct ParamInfo {
  std::string type;          // "string", "integer", "number", "boolean", "array", ... ("" if absent)
  bool optional = false;
  nlohmann::json default_value;  // null when the schema gives none
  bool property_string = false;  // value is a comma-separated key=value property string
};

// One API method of one path.
struct Endpoint {
  std::string path;    // template as in the schema: "/nodes/{node}/qemu/{vmid}/config"
  std::string method;  // "GET", "POST", "PUT" or "DELETE"
  std::string name;    // PVE's handler name, e.g. "update_vm"
  bool protected_method = false;  // "protected": PVE runs it in pvedaemon (privileged)
  bool allow_token = true;        // "allowtoken": API tokens may call it
  std::string proxyto;            // parameter naming the node the call is proxied to, or ""
  nlohmann::json permissions;     // {"check": [...], "user": "all"|"world", "description": ...}
};

// Result of matching a request line.
struct Match {
  enum class Status {
    found,           // endpoint set
    unknown_path,    // no path template matches: PVE answers 501 "Method 'GET /x' not implemented"
    unknown_method,  // the path exists, not with this method: same 501 in PVE
  };
  Status status = Status::unknown_path;
  const Endpoint* endpoint = nullptr;
  std::vector<std::pair<std::string, std::string>> path_params;  // {"node","pve1"},{"vmid","100"}
};

struct Validation {
  Errors errors;  // empty when the request is valid
  // Every parameter after validation, path parameters included. Array parameters keep only
  // their last element here; see `arrays` for all of them.
  std::map<std::string, std::string> values;
  std::map<std::string, std::vector<std::string>> arrays;
  // Parameters whose schema is a property string (net0, scsi0, rootfs, agent, ...), parsed.
  std::map<std::string, PropertyMap> property_strings;
  bool ok() const { return errors.empty(); }
};

class Schema {
 public:
  // The embedded PVE 9.1 schema, parsed once on first use. Throws only if the embedded data
  // is broken (a build error, caught by the unit tests).
  static const Schema& builtin();
  // Parses generated schema JSON (the format generate.py writes). Throws std::runtime_error
  // naming the endpoint and parameter on bad input.
  static std::unique_ptr<Schema> load(std::string_view generated_json);

  ~Schema();
  Schema(const Schema&) = delete;
  Schema& operator=(const Schema&) = delete;

  // `path` is the part after /api2/json as received, e.g. "/nodes/pve1/qemu/100/config", without
  // the query string and still percent-encoded: match() splits on '/' first, then decodes each
  // segment (so an encoded volume ID "local%3Aiso%2Fx.iso" stays one segment). As in PVE, the
  // {volume} of .../content/{volume} takes the rest of the path, slashes included.
  Match match(std::string_view method, std::string_view path) const;

  // Checks path parameters of `match` plus `params` against the endpoint's schema.
  Validation validate(const Match& match, const Params& params) const;

  // The endpoint for an exact template, e.g. ("PUT", "/nodes/{node}/qemu/{vmid}/config").
  const Endpoint* find(std::string_view method, std::string_view path_template) const;

  // Parameter names accepted by an endpoint, with [n] families expanded (net0..net31).
  std::vector<std::string> parameter_names(const Endpoint& endpoint) const;
  std::optional<ParamInfo> parameter(const Endpoint& endpoint, std::string_view name) const;

  // Parses `value` as the property string of parameter `name` of `endpoint` (e.g. "net0" of
  // PUT qemu config), as the simulator needs when it reads stored config back. Returns
  // nullopt and sets *error (PVE's message, e.g. "invalid format - format error\n
  // net0.bridge: ...") when invalid or when the parameter is not a property string.
  std::optional<PropertyMap> parse_property_string(const Endpoint& endpoint, std::string_view name,
                                                   std::string_view value,
                                                   std::string* error = nullptr) const;

  // Writes `map` back in PVE's canonical order (default key first without its name, then
  // required keys, then the rest, sorted), as PVE stores configs.
  std::optional<std::string> print_property_string(const Endpoint& endpoint, std::string_view name,
                                                    const PropertyMap& map) const;

  size_t endpoint_count() const;

  struct Impl;

 private:
  explicit Schema(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// PVE's parse_boolean: 1/on/yes/true -> true, 0/off/no/false -> false (any case), else nullopt.
std::optional<bool> parse_boolean(std::string_view text);

}  // namespace sarga::pvesim::schema

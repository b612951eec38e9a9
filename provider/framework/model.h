// Model: a mutable, typed view over an object value (config, plan or state), so resource
// code reads and writes attributes by name or path and never handles msgpack or protobuf.
//
//   std::string host = req.config.get_string("hostname").value_or("");
//   resp.state.set_string("id", "seed-" + host);
//   resp.state.set("size", cty::Value::number_int(4096));
//   resp.state.set(cty::Path().attribute("part").index(0).attribute("filename"),
//                  cty::Value::string("a.cfg"));
//
// Getters return nullopt for null or unknown values (config may hold unknowns at plan
// time; use is_known()). Setters check the new value against the attribute's type and
// throw cty::ValueError naming the attribute when it does not fit.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "provider/cty/path.h"
#include "provider/cty/value.h"

namespace sarga::framework {

class Model {
 public:
  Model() = default;  // null
  explicit Model(cty::Value object) : value_(std::move(object)) {}

  const cty::Value& value() const { return value_; }
  bool is_null() const { return value_.is_null(); }

  // Raw values: an attribute (ValueError when the object has no such attribute) or a path
  // (a null value of dynamic type when the path does not lead anywhere).
  cty::Value get(std::string_view name) const;
  cty::Value get(const cty::Path& path) const;
  bool has(std::string_view name) const;
  bool is_null(std::string_view name) const;   // null attribute (unknown is not null)
  bool is_known(std::string_view name) const;  // wholly known

  std::optional<std::string> get_string(std::string_view name) const;
  std::optional<int64_t> get_int(std::string_view name) const;  // nullopt also when fractional
  std::optional<double> get_double(std::string_view name) const;
  std::optional<bool> get_bool(std::string_view name) const;
  // Lists/sets of strings; nullopt when null/unknown or any element is.
  std::optional<std::vector<std::string>> get_strings(std::string_view name) const;
  std::optional<std::map<std::string, std::string>> get_string_map(std::string_view name) const;
  // Elements of a list/set attribute or nested block (empty when null/unknown).
  std::vector<Model> get_list(std::string_view name) const;
  // Single nested block/attribute as a Model (null Model when null).
  Model get_object(std::string_view name) const;

  void set(std::string_view name, cty::Value value);
  void set(const cty::Path& path, cty::Value value);
  void set_string(std::string_view name, std::string value);
  void set_int(std::string_view name, int64_t value);
  void set_double(std::string_view name, double value);
  void set_bool(std::string_view name, bool value);
  void set_strings(std::string_view name, const std::vector<std::string>& values);  // list or set
  void set_string_map(std::string_view name, const std::map<std::string, std::string>& values);
  void set_null(std::string_view name);

 private:
  cty::Value value_;
};

// Returns `root` with the value at `path` replaced (objects, maps, lists and tuples are
// rebuilt along the way). ValueError when the path does not exist or the type does not fit.
cty::Value replace_at(const cty::Value& root, const cty::Path& path, const cty::Value& value);

// True when `value` may stand where `type` is expected (same type, dynamic, or a null /
// unknown of that type).
bool value_fits(const cty::Value& value, const cty::Type& type);

}  // namespace sarga::framework

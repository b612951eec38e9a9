#include "builder/template/attrs.h"

#include <algorithm>
#include <filesystem>

namespace sarga::tmpl {

using json = nlohmann::json;
namespace fs = std::filesystem;

std::string q(const std::string& s) { return "\"" + s + "\""; }

std::string join_names(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

json AttrReader::value_of(const Attribute& attr) const { return evaluate(*attr.expr, ctx_); }

[[noreturn]] void AttrReader::wrong_type(const Attribute& attr, const std::string& want, const json& got) {
  attr.expr->fail("wrong type for attribute " + q(attr.name) + ": expected " + want + ", got " +
                  value_type_name(got));
}

std::string AttrReader::get_string(const Attribute& attr) {
  json v = value_of(attr);
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number() || v.is_boolean()) return *to_template_string(v, nullptr);
  wrong_type(attr, "string", v);
}

bool AttrReader::get_bool(const Attribute& attr) {
  json v = value_of(attr);
  if (auto err = convert_value(v, VarType{VarType::Kind::boolean, nullptr}); err || v.is_null()) wrong_type(attr, "bool", v);
  return v.get<bool>();
}

std::int64_t AttrReader::get_int(const Attribute& attr, std::int64_t min, std::int64_t max) {
  json v = value_of(attr);
  json original = v;
  if (auto err = convert_value(v, VarType{VarType::Kind::number, nullptr}); err || v.is_null())
    wrong_type(attr, "number", original);
  double d = v.get<double>();
  if (!(d > -9.2e18 && d < 9.2e18))
    attr.expr->fail("attribute " + q(attr.name) + " is out of range, got " + v.dump());
  if (d != static_cast<double>(static_cast<std::int64_t>(d)))
    attr.expr->fail("attribute " + q(attr.name) + " must be a whole number, got " + v.dump());
  auto n = static_cast<std::int64_t>(d);
  if (n < min || n > max)
    attr.expr->fail("attribute " + q(attr.name) + " must be between " + std::to_string(min) + " and " +
                    std::to_string(max) + ", got " + std::to_string(n));
  return n;
}

std::vector<std::string> AttrReader::get_list(const Attribute& attr) {
  json v = value_of(attr);
  if (!v.is_array()) wrong_type(attr, "list of strings", v);
  std::vector<std::string> out;
  for (size_t i = 0; i < v.size(); ++i) {
    auto s = to_template_string(v[i], nullptr);
    if (!s) {
      const Expr* at = attr.expr->kind == Expr::Kind::list && i < attr.expr->items.size() ? attr.expr->items[i].get()
                                                                                           : attr.expr.get();
      at->fail("wrong type for attribute " + q(attr.name) + ": element " + std::to_string(i) +
               " must be a string, got " + value_type_name(v[i]));
    }
    out.push_back(*s);
  }
  return out;
}

std::map<std::string, std::string> AttrReader::get_map(const Attribute& attr) {
  json v = value_of(attr);
  if (!v.is_object()) wrong_type(attr, "map of strings", v);
  std::map<std::string, std::string> out;
  for (auto& [k, item] : v.items()) {
    auto s = to_template_string(item, nullptr);
    if (!s)
      attr.expr->fail("wrong type for attribute " + q(attr.name) + ": key " + q(k) +
                      " must be a string, got " + value_type_name(item));
    out[k] = *s;
  }
  return out;
}

std::string AttrReader::host_path(const std::string& p) const {
  if (p.empty()) return p;
  fs::path path(p);
  if (path.is_relative()) path = fs::path(base_dir_) / path;
  return path.lexically_normal().string();
}

std::string AttrReader::one_of(const Attribute& attr, const std::vector<std::string>& allowed) {
  std::string v = get_string(attr);
  if (std::find(allowed.begin(), allowed.end(), v) == allowed.end())
    attr.expr->fail("attribute " + q(attr.name) + " must be one of " + join_names(allowed) + ", got " +
                    q(v) + "." + did_you_mean(v, allowed));
  return v;
}

}  // namespace sarga::tmpl

#include "builder/template/eval.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <filesystem>

namespace sarga::tmpl {

using json = nlohmann::json;

std::string value_type_name(const json& v) {
  if (v.is_null()) return "null";
  if (v.is_string()) return "string";
  if (v.is_boolean()) return "bool";
  if (v.is_number()) return "number";
  if (v.is_array()) return "list";
  return "object";
}

namespace {

std::string number_text(const json& v) {
  if (v.is_number_integer() || v.is_number_unsigned()) return v.dump();
  double d = v.get<double>();
  if (std::floor(d) == d && std::fabs(d) < 1e15) return std::to_string(static_cast<long long>(d));
  std::string s = v.dump();
  return s;
}

}  // namespace

std::optional<std::string> to_template_string(const json& v, std::string* error) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number()) return number_text(v);
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
  if (error) *error = "cannot insert a " + value_type_name(v) + " value into a string";
  return std::nullopt;
}

namespace {

bool is_integral(const json& v) {
  if (v.is_number_integer() || v.is_number_unsigned()) return true;
  if (!v.is_number_float()) return false;
  double d = v.get<double>();
  return std::floor(d) == d;
}

double as_double(const json& v) { return v.get<double>(); }

json make_number(double d) {
  if (std::floor(d) == d && std::fabs(d) < 9e15) return static_cast<long long>(d);
  return d;
}

const std::vector<std::string>& function_names() {
  static const std::vector<std::string> names = {"env",   "file",  "join",       "format",   "length", "contains",
                                                 "lower", "upper", "startswith", "endswith", "trimspace"};
  return names;
}

std::string need_string(const Expr& call, size_t index, const json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number() || v.is_boolean()) return *to_template_string(v, nullptr);
  call.items[index]->fail("function " + call.name + "(): argument " + std::to_string(index + 1) +
                          " must be a string, got " + value_type_name(v));
}

void need_args(const Expr& call, size_t n, const std::string& signature) {
  if (call.items.size() != n)
    call.fail("function " + call.name + "() takes " + std::to_string(n) + " argument" + (n == 1 ? "" : "s") + " (" +
              signature + "), got " + std::to_string(call.items.size()));
}

std::string format_value(const Expr& call, size_t index, char verb, const json& v) {
  auto bad = [&](const std::string& want) -> std::string {
    call.items[index]->fail("function format(): %" + std::string(1, verb) + " needs " + want + ", argument " +
                            std::to_string(index + 1) + " is a " + value_type_name(v));
  };
  switch (verb) {
    case 's': {
      auto s = to_template_string(v, nullptr);
      if (!s) bad("a string");
      return *s;
    }
    case 'd':
      if (!v.is_number() || !is_integral(v)) bad("a whole number");
      return number_text(make_number(as_double(v)));
    case 'q':
      if (!v.is_string()) bad("a string");
      return v.dump();
    case 'v':
      if (v.is_string()) return v.get<std::string>();
      if (v.is_number()) return number_text(v);
      return v.dump();
  }
  return {};
}

json call_function(const Expr& call, const EvalContext& ctx) {
  const std::string& f = call.name;
  auto arg = [&](size_t i) { return evaluate(*call.items[i], ctx); };
  if (f == "env") {
    if (!ctx.allow_env) call.fail("function env() is only allowed in variable defaults");
    need_args(call, 1, "name");
    std::string name = need_string(call, 0, arg(0));
    const char* v = std::getenv(name.c_str());
    return v ? std::string(v) : std::string();
  }
  if (f == "file") {
    need_args(call, 1, "path");
    std::string path = need_string(call, 0, arg(0));
    std::filesystem::path p(path);
    if (p.is_relative() && !ctx.base_dir.empty()) p = std::filesystem::path(ctx.base_dir) / p;
    try {
      return read_text_file(p.string(), "file");
    } catch (const TemplateError& e) {
      call.fail("function file(): cannot read \"" + path + "\"" +
                (e.message().find(": ") != std::string::npos ? e.message().substr(e.message().find(": ")) : ""));
    }
  }
  if (f == "join") {
    need_args(call, 2, "separator, list");
    std::string sep = need_string(call, 0, arg(0));
    json list = arg(1);
    if (!list.is_array()) call.items[1]->fail("function join(): argument 2 must be a list, got " + value_type_name(list));
    std::string out;
    for (size_t i = 0; i < list.size(); ++i) {
      auto s = to_template_string(list[i], nullptr);
      if (!s) call.items[1]->fail("function join(): element " + std::to_string(i) + " is a " + value_type_name(list[i]) + ", not a string");
      if (i) out += sep;
      out += *s;
    }
    return out;
  }
  if (f == "format") {
    if (call.items.empty()) call.fail("function format() takes at least 1 argument (format, args...), got 0");
    std::string fmt = need_string(call, 0, arg(0));
    size_t verbs = 0;
    for (size_t i = 0; i + 1 < fmt.size(); ++i)
      if (fmt[i] == '%') verbs += fmt[++i] != '%';
    if (verbs != call.items.size() - 1)
      call.fail("function format(): the format has " + std::to_string(verbs) + " verb" + (verbs == 1 ? "" : "s") +
                " but " + std::to_string(call.items.size() - 1) + " argument" + (call.items.size() == 2 ? "" : "s") +
                " follow" + (call.items.size() == 2 ? "s" : ""));
    std::string out;
    size_t next = 1;
    for (size_t i = 0; i < fmt.size(); ++i) {
      if (fmt[i] != '%') {
        out += fmt[i];
        continue;
      }
      if (i + 1 >= fmt.size()) call.items[0]->fail("function format(): the format ends with a lone \"%\"");
      char verb = fmt[++i];
      if (verb == '%') {
        out += '%';
        continue;
      }
      if (verb != 's' && verb != 'd' && verb != 'q' && verb != 'v')
        call.items[0]->fail(std::string("function format(): unsupported verb \"%") + verb + "\" (use %s, %d, %q, %v or %%)");
      if (next >= call.items.size())
        call.fail("function format(): not enough arguments for the format (needs more than " +
                  std::to_string(call.items.size() - 1) + ")");
      out += format_value(call, next, verb, arg(next));
      ++next;
    }
    if (next != call.items.size())
      call.items[next]->fail("function format(): too many arguments for the format (" +
                             std::to_string(call.items.size() - 1) + " given, " + std::to_string(next - 1) + " used)");
    return out;
  }
  if (f == "length") {
    need_args(call, 1, "value");
    json v = arg(0);
    if (v.is_string()) return v.get<std::string>().size();
    if (v.is_array() || v.is_object()) return v.size();
    call.items[0]->fail("function length(): argument must be a string, list or map, got " + value_type_name(v));
  }
  if (f == "contains") {
    need_args(call, 2, "list, value");
    json list = arg(0);
    if (!list.is_array()) call.items[0]->fail("function contains(): argument 1 must be a list, got " + value_type_name(list));
    json v = arg(1);
    for (const auto& item : list)
      if (item == v) return true;
    return false;
  }
  if (f == "lower" || f == "upper" || f == "trimspace") {
    need_args(call, 1, "string");
    std::string s = need_string(call, 0, arg(0));
    if (f == "trimspace") {
      size_t a = s.find_first_not_of(" \t\r\n"), b = s.find_last_not_of(" \t\r\n");
      return a == std::string::npos ? std::string() : s.substr(a, b - a + 1);
    }
    for (char& c : s) c = static_cast<char>(f == "lower" ? std::tolower(static_cast<unsigned char>(c))
                                                         : std::toupper(static_cast<unsigned char>(c)));
    return s;
  }
  if (f == "startswith" || f == "endswith") {
    need_args(call, 2, "string, affix");
    std::string s = need_string(call, 0, arg(0)), a = need_string(call, 1, arg(1));
    if (a.size() > s.size()) return false;
    return f == "startswith" ? s.compare(0, a.size(), a) == 0 : s.compare(s.size() - a.size(), a.size(), a) == 0;
  }
  call.fail("unknown function \"" + f + "\"." + did_you_mean(f, function_names()) +
            " Available: env, file, join, format, length, contains, lower, upper, startswith, endswith, trimspace");
}

json traverse(const Expr& e, json value, const EvalContext& ctx, size_t first_step) {
  for (size_t i = first_step; i < e.steps.size(); ++i) {
    const auto& step = e.steps[i];
    if (!step.index) {
      if (!value.is_object()) fail_at(e.file, step.offset, "cannot read attribute \"" + step.attr + "\" of a " + value_type_name(value));
      if (!value.contains(step.attr)) {
        std::vector<std::string> keys;
        for (auto& [k, v] : value.items()) keys.push_back(k), (void)v;
        fail_at(e.file, step.offset, "no key \"" + step.attr + "\" in this object." + did_you_mean(step.attr, keys));
      }
      value = value[step.attr];
      continue;
    }
    json index = evaluate(*step.index, ctx);
    if (value.is_array()) {
      if (!index.is_number() || !is_integral(index)) step.index->fail("a list index must be a whole number, got " + value_type_name(index));
      double d = as_double(index);
      if (d < 0 || d >= static_cast<double>(value.size()))
        step.index->fail("index " + number_text(index) + " is out of range (the list has " + std::to_string(value.size()) + " elements)");
      value = value[static_cast<size_t>(d)];
    } else if (value.is_object()) {
      auto key = to_template_string(index, nullptr);
      if (!key) step.index->fail("a map key must be a string, got " + value_type_name(index));
      if (!value.contains(*key)) step.index->fail("no key \"" + *key + "\" in this map");
      value = value[*key];
    } else {
      fail_at(e.file, step.offset, "cannot index a " + value_type_name(value));
    }
  }
  return value;
}

json eval_traversal(const Expr& e, const EvalContext& ctx) {
  if (e.name == "var") {
    if (e.steps.empty() || e.steps[0].index) e.fail("expected var.<name>");
    const std::string& name = e.steps[0].attr;
    if (!ctx.variables) e.fail("variables cannot be used in " + (ctx.where.empty() ? "this place" : ctx.where));
    auto it = ctx.variables->find(name);
    if (it == ctx.variables->end()) {
      std::vector<std::string> names;
      for (const auto& [k, v] : *ctx.variables) names.push_back(k), (void)v;
      fail_at(e.file, e.steps[0].offset, "undefined variable \"" + name + "\": no variable block declares it." + did_you_mean(name, names));
    }
    return traverse(e, it->second, ctx, 1);
  }
  if (e.name == "local") {
    if (e.steps.empty() || e.steps[0].index) e.fail("expected local.<name>");
    const std::string& name = e.steps[0].attr;
    if (!ctx.local) e.fail("locals cannot be used in " + (ctx.where.empty() ? "this place" : ctx.where));
    return traverse(e, ctx.local(name, e), ctx, 1);
  }
  if (e.name == "path") {
    if (e.steps.empty() || e.steps[0].index || (e.steps[0].attr != "root" && e.steps[0].attr != "cwd"))
      e.fail("expected path.root or path.cwd");
    json v = e.steps[0].attr == "root" ? ctx.base_dir : std::filesystem::current_path().string();
    return traverse(e, v, ctx, 1);
  }
  if (e.name == "local" || e.name == "locals") e.fail("expected local.<name>");
  std::string hint = e.name == "vars" || e.name == "variable" ? " Did you mean \"var\"?" : "";
  e.fail("unknown name \"" + e.name + "\": references start with var., local. or path." + hint);
}

json eval_binary(const Expr& e, const EvalContext& ctx) {
  const std::string& op = e.name;
  json a = evaluate(*e.items[0], ctx);
  if (op == "&&" || op == "||") {
    if (!a.is_boolean()) e.items[0]->fail("operator " + op + " needs bool operands, got " + value_type_name(a));
    if (op == "&&" && !a.get<bool>()) return false;
    if (op == "||" && a.get<bool>()) return true;
    json b = evaluate(*e.items[1], ctx);
    if (!b.is_boolean()) e.items[1]->fail("operator " + op + " needs bool operands, got " + value_type_name(b));
    return b.get<bool>();
  }
  json b = evaluate(*e.items[1], ctx);
  if (op == "==") return a == b || (a.is_number() && b.is_number() && as_double(a) == as_double(b));
  if (op == "!=") return !(a == b || (a.is_number() && b.is_number() && as_double(a) == as_double(b)));
  if (!a.is_number()) e.items[0]->fail("operator " + op + " needs numbers, got " + value_type_name(a));
  if (!b.is_number()) e.items[1]->fail("operator " + op + " needs numbers, got " + value_type_name(b));
  double x = as_double(a), y = as_double(b);
  if (op == "<") return x < y;
  if (op == ">") return x > y;
  if (op == "<=") return x <= y;
  if (op == ">=") return x >= y;
  if (op == "+") return make_number(x + y);
  if (op == "-") return make_number(x - y);
  if (op == "*") return make_number(x * y);
  if ((op == "/" || op == "%") && y == 0) e.items[1]->fail("division by zero");
  if (op == "/") return make_number(x / y);
  if (op == "%") return make_number(std::fmod(x, y));
  e.fail("unknown operator " + op);
}

}  // namespace

json evaluate(const Expr& e, const EvalContext& ctx) {
  switch (e.kind) {
    case Expr::Kind::literal: return e.value;
    case Expr::Kind::templ: {
      // "${x}" alone keeps x's type, as in HCL.
      if (e.parts.size() == 1 && e.parts[0].expr) return evaluate(*e.parts[0].expr, ctx);
      std::string out;
      for (const auto& part : e.parts) {
        if (!part.expr) {
          out += part.text;
          continue;
        }
        json v = evaluate(*part.expr, ctx);
        std::string error;
        auto s = to_template_string(v, &error);
        if (!s) part.expr->fail(error);
        out += *s;
      }
      return out;
    }
    case Expr::Kind::list: {
      json out = json::array();
      for (const auto& item : e.items) out.push_back(evaluate(*item, ctx));
      return out;
    }
    case Expr::Kind::object: {
      json out = json::object();
      for (size_t i = 0; i < e.keys.size(); ++i) out[e.keys[i]] = evaluate(*e.items[i], ctx);
      return out;
    }
    case Expr::Kind::traversal: return eval_traversal(e, ctx);
    case Expr::Kind::call: return call_function(e, ctx);
    case Expr::Kind::unary: {
      json v = evaluate(*e.items[0], ctx);
      if (e.name == "!") {
        if (!v.is_boolean()) e.items[0]->fail("operator ! needs a bool, got " + value_type_name(v));
        return !v.get<bool>();
      }
      if (!v.is_number()) e.items[0]->fail("operator - needs a number, got " + value_type_name(v));
      return make_number(-as_double(v));
    }
    case Expr::Kind::binary: return eval_binary(e, ctx);
    case Expr::Kind::conditional: {
      json c = evaluate(*e.items[0], ctx);
      if (!c.is_boolean()) e.items[0]->fail("the condition must be a bool, got " + value_type_name(c));
      return evaluate(*e.items[c.get<bool>() ? 1 : 2], ctx);
    }
  }
  e.fail("unsupported expression");
}

// ------------------------------------------------------------------ types

std::string VarType::str() const {
  switch (kind) {
    case Kind::any: return "any";
    case Kind::string: return "string";
    case Kind::number: return "number";
    case Kind::boolean: return "bool";
    case Kind::list: return "list(" + element->str() + ")";
    case Kind::set: return "set(" + element->str() + ")";
    case Kind::map: return "map(" + element->str() + ")";
  }
  return "?";
}

VarType parse_type(const Expr& e) {
  static const std::vector<std::string> names = {"string", "number", "bool", "any", "list", "set", "map"};
  VarType t;
  if (e.kind == Expr::Kind::traversal && e.steps.empty()) {
    if (e.name == "string") t.kind = VarType::Kind::string;
    else if (e.name == "number") t.kind = VarType::Kind::number;
    else if (e.name == "bool") t.kind = VarType::Kind::boolean;
    else if (e.name == "any") t.kind = VarType::Kind::any;
    else if (e.name == "list" || e.name == "set" || e.name == "map")
      e.fail("type " + e.name + " needs an element type, e.g. " + e.name + "(string)");
    else
      e.fail("unknown type \"" + e.name + "\"." + did_you_mean(e.name, names) +
             " Types: string, number, bool, any, list(T), set(T), map(T)");
    return t;
  }
  if (e.kind == Expr::Kind::call && (e.name == "list" || e.name == "set" || e.name == "map")) {
    if (e.items.size() != 1) e.fail("type " + e.name + "() takes exactly one element type");
    t.kind = e.name == "list" ? VarType::Kind::list : e.name == "set" ? VarType::Kind::set : VarType::Kind::map;
    t.element = std::make_shared<VarType>(parse_type(*e.items[0]));
    return t;
  }
  if (e.kind == Expr::Kind::call)
    e.fail("unknown type \"" + e.name + "(...)\"." + did_you_mean(e.name, names) +
           " Types: string, number, bool, any, list(T), set(T), map(T)");
  if (e.kind == Expr::Kind::literal && e.value.is_string())
    e.fail("a type is written without quotes: type = " + e.value.get<std::string>());
  e.fail("expected a type: string, number, bool, any, list(T), set(T) or map(T)");
}

std::optional<std::string> convert_value(json& v, const VarType& t) {
  if (v.is_null()) return std::nullopt;
  auto mismatch = [&]() -> std::optional<std::string> { return "expected " + t.str() + ", got " + value_type_name(v); };
  switch (t.kind) {
    case VarType::Kind::any: return std::nullopt;
    case VarType::Kind::string: {
      if (v.is_string()) return std::nullopt;
      auto s = to_template_string(v, nullptr);
      if (!s) return mismatch();
      v = *s;
      return std::nullopt;
    }
    case VarType::Kind::number: {
      if (v.is_number()) return std::nullopt;
      if (!v.is_string()) return mismatch();
      std::string s = v.get<std::string>();
      if (s.empty()) return "expected number, got string \"\"";
      errno = 0;
      char* end = nullptr;
      double d = std::strtod(s.c_str(), &end);
      if (*end != '\0' || errno == ERANGE || !std::isfinite(d) || std::isspace(static_cast<unsigned char>(s[0])))
        return "expected number, got string \"" + s + "\"";
      v = make_number(d);
      return std::nullopt;
    }
    case VarType::Kind::boolean: {
      if (v.is_boolean()) return std::nullopt;
      if (v.is_string() && (v == "true" || v == "false")) {
        v = v == "true";
        return std::nullopt;
      }
      return v.is_string() ? std::optional<std::string>("expected bool, got string \"" + v.get<std::string>() + "\"")
                           : mismatch();
    }
    case VarType::Kind::list:
    case VarType::Kind::set: {
      if (!v.is_array()) return mismatch();
      json out = json::array();
      for (size_t i = 0; i < v.size(); ++i) {
        json item = v[i];
        if (auto err = convert_value(item, *t.element)) return "element " + std::to_string(i) + ": " + *err;
        if (t.kind == VarType::Kind::set && std::find(out.begin(), out.end(), item) != out.end()) continue;
        out.push_back(item);
      }
      v = out;
      return std::nullopt;
    }
    case VarType::Kind::map: {
      if (!v.is_object()) return mismatch();
      for (auto& [k, item] : v.items())
        if (auto err = convert_value(item, *t.element)) return "key \"" + k + "\": " + *err;
      return std::nullopt;
    }
  }
  return mismatch();
}

}  // namespace sarga::tmpl

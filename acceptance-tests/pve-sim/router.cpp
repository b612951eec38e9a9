#include "acceptance-tests/pve-sim/router.h"

#include "acceptance-tests/pve-sim/api_error.h"

namespace sarga::pvesim {

std::string Call::str(const std::string& key, const std::string& def) const {
  auto it = v.values.find(key);
  return it == v.values.end() ? def : it->second;
}

long long Call::integer(const std::string& key, long long def) const {
  auto it = v.values.find(key);
  if (it == v.values.end()) return def;
  try {
    return std::stoll(it->second);
  } catch (...) {
    return def;
  }
}

bool Call::flag(const std::string& key, bool def) const {
  auto it = v.values.find(key);
  if (it == v.values.end()) return def;
  auto b = schema::parse_boolean(it->second);
  return b ? *b : def;
}

const schema::PropertyMap* Call::prop(const std::string& key) const {
  auto it = v.property_strings.find(key);
  return it == v.property_strings.end() ? nullptr : &it->second;
}

Router::Router() : schema_(schema::Schema::builtin()) {}

void Router::add(const std::string& method, const std::string& path_template, Handler handler) {
  if (!schema_.find(method, path_template))
    throw std::logic_error("pve-sim: handler for unknown endpoint " + method + " " + path_template);
  handlers_[method + " " + path_template] = std::move(handler);
}

Reply Router::error_reply(int status, const std::string& message,
                          const std::map<std::string, std::string>& errors) {
  Reply r;
  r.status = status;
  r.message = message;
  r.body = {{"data", nullptr}, {"message", message + "\n"}};
  if (!errors.empty()) r.body["errors"] = errors;
  return r;
}

namespace {

// Replaces {name} in a permission path with the request's parameter values.
std::string expand_path(const std::string& tmpl, const Call& call) {
  std::string out;
  for (size_t i = 0; i < tmpl.size(); ++i) {
    if (tmpl[i] == '{') {
      size_t end = tmpl.find('}', i);
      if (end == std::string::npos) break;
      out += call.str(tmpl.substr(i + 1, end - i - 1));
      i = end;
    } else {
      out.push_back(tmpl[i]);
    }
  }
  return out;
}

struct PermEval {
  SimCore& core;
  const Call& call;
  std::string failure;

  bool eval(const nlohmann::json& check) {
    if (!check.is_array() || check.empty() || !check[0].is_string()) return true;
    std::string op = check[0];
    if (op == "and") {
      for (size_t i = 1; i < check.size(); ++i)
        if (!eval(check[i])) return false;
      return true;
    }
    if (op == "or") {
      for (size_t i = 1; i < check.size(); ++i)
        if (eval(check[i])) return true;
      if (failure.empty()) failure = "Permission check failed";
      return false;
    }
    if (op == "perm" && check.size() >= 3) {
      std::string path = expand_path(check[1].get<std::string>(), call);
      std::vector<std::string> privs;
      for (const auto& p : check[2]) privs.push_back(p);
      bool any = false;
      for (size_t i = 3; i + 1 < check.size(); i += 2) {
        std::string opt = check[i].is_string() ? check[i].get<std::string>() : "";
        if (opt == "any") any = true;
        if (opt == "require_param" && !call.has(check[i + 1].get<std::string>())) return false;
      }
      auto pool_of = [&](int vmid) { return core.pool_of(vmid); };
      std::shared_lock lk(core.mutex);
      if (core.auth.allowed(call.caller, path, privs, any, pool_of)) return true;
      std::string joined;
      for (const auto& p : privs) {
        if (!any && core.auth.allowed(call.caller, path, {p}, false, pool_of)) continue;
        joined += (joined.empty() ? "" : "|") + p;
        if (!any) break;
      }
      failure = "Permission check failed (" + path + ", " + joined + ")";
      return false;
    }
    if (op == "userid-param") {
      if (check.size() > 1 && check[1] == "self") return call.str("userid") == call.caller.userid;
      return eval(nlohmann::json::array({"perm", "/access", {"User.Modify"}}));
    }
    if (op == "userid-group")
      return eval(nlohmann::json::array({"perm", "/access/groups", {"User.Modify"}}));
    return true;
  }
};

}  // namespace

void Router::check_permissions(SimCore& core, const Call& call) const {
  const auto& perms = call.endpoint->permissions;
  if (!perms.is_object() || !perms.contains("check")) return;
  PermEval e{core, call, ""};
  if (!e.eval(perms["check"])) throw ApiError(403, e.failure.empty() ? "Permission check failed" : e.failure);
}

Reply Router::handle(SimCore& core, RawRequest req) const {
  try {
    schema::Match match = schema_.match(req.method, req.path);
    if (match.status != schema::Match::Status::found)
      return error_reply(501, "Method '" + req.method + " " + req.path + "' not implemented");
    Call call;
    call.method = req.method;
    call.path = req.path;
    call.endpoint = match.endpoint;
    call.upload = std::move(req.upload);
    const auto& perms = match.endpoint->permissions;
    bool world = perms.is_object() && perms.value("user", "") == "world";
    if (!world) {
      bool write = req.method != "GET";
      call.caller = core.auth.authenticate(req.authorization, req.cookie, req.csrf, write, core.wall());
      if (!call.caller.tokenid.empty() && !match.endpoint->allow_token)
        throw ApiError(401, "authentication failure");
    }
    call.v = schema_.validate(match, req.params);
    // Path segments that held an encoded '/' (volume IDs) come back whole.
    for (const auto& [name, value] : match.path_params) {
      auto it = call.v.values.find(name);
      if (it == call.v.values.end()) continue;
      for (size_t p = it->second.find("%2F"); p != std::string::npos; p = it->second.find("%2F", p + 1))
        it->second.replace(p, 3, "/");
    }
    // The simulator also fetches file:// URLs (download-url), which the real pattern rejects.
    if (call.v.errors.count("url") && req.path.find("/download-url") != std::string::npos) {
      for (const auto& p : req.params)
        if (p.name == "url" && p.value.rfind("file://", 0) == 0) {
          call.v.errors.erase("url");
          call.v.values["url"] = p.value;
        }
    }
    if (!call.v.ok()) return error_reply(400, std::string(schema::kParameterVerificationFailed), call.v.errors);
    if (!world) check_permissions(core, call);
    auto it = handlers_.find(match.endpoint->method + " " + match.endpoint->path);
    if (it == handlers_.end())
      return error_reply(501, "Method '" + req.method + " " + req.path + "' not implemented");
    Reply r;
    r.body = {{"data", it->second(core, call)}};
    return r;
  } catch (const ApiError& e) {
    return error_reply(e.status(), e.what(), e.errors());
  } catch (const std::exception& e) {
    return error_reply(500, e.what());
  }
}

}  // namespace sarga::pvesim

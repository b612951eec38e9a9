#include "acceptance-tests/pve-sim/http_server.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <httplib.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "acceptance-tests/pve-sim/api_error.h"
#include "acceptance-tests/pve-sim/guest_ops.h"
#include "acceptance-tests/pve-sim/reason_phrase.h"

namespace sarga::pvesim {

namespace {

std::string percent_decode(const std::string& s, bool plus_is_space) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out.push_back(static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16)));
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

void parse_form(const std::string& text, schema::Params& out) {
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t amp = text.find('&', pos);
    std::string pair = text.substr(pos, amp == std::string::npos ? std::string::npos : amp - pos);
    if (!pair.empty()) {
      size_t eq = pair.find('=');
      std::string k = percent_decode(pair.substr(0, eq), true);
      std::string v = eq == std::string::npos ? "" : percent_decode(pair.substr(eq + 1), true);
      if (k != "_dc") out.push_back({k, v});  // ExtJS cache buster, PVE drops it too
    }
    if (amp == std::string::npos) break;
    pos = amp + 1;
  }
}

void json_scalar(const std::string& key, const nlohmann::json& v, schema::Params& out) {
  if (v.is_string()) out.push_back({key, v.get<std::string>()});
  else if (v.is_boolean()) out.push_back({key, v.get<bool>() ? "1" : "0"});
  else if (v.is_null()) return;
  else out.push_back({key, v.dump()});
}

void parse_json_body(const std::string& body, schema::Params& out) {
  if (body.empty()) return;
  nlohmann::json j = nlohmann::json::parse(body, nullptr, false);
  if (!j.is_object()) throw ApiError(400, "Parameter verification failed.", {{"body", "invalid JSON object"}});
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (it->is_array())
      for (const auto& e : *it) json_scalar(it.key(), e, out);
    else
      json_scalar(it.key(), *it, out);
  }
}

// Splits the raw target into decoded path segments; a decoded '/' inside a segment, and
// the unencoded tail of .../content/<volume>, stay one segment (written as %2F for the
// schema matcher, turned back into '/' by the Router).
std::string api_path(const std::string& raw) {
  std::vector<std::string> segs;
  size_t pos = 0;
  while (pos < raw.size()) {
    size_t slash = raw.find('/', pos);
    std::string seg = raw.substr(pos, slash == std::string::npos ? std::string::npos : slash - pos);
    if (!seg.empty()) segs.push_back(percent_decode(seg, false));
    if (slash == std::string::npos) break;
    pos = slash + 1;
  }
  if (segs.size() > 6 && segs[0] == "nodes" && segs[2] == "storage" && segs[4] == "content") {
    std::string volume = segs[5];
    for (size_t i = 6; i < segs.size(); ++i) volume += "/" + segs[i];
    segs.resize(6);
    segs[5] = volume;
  }
  std::string out;
  for (auto seg : segs) {
    for (size_t p = seg.find('/'); p != std::string::npos; p = seg.find('/', p + 3)) seg.replace(p, 1, "%2F");
    out += "/" + seg;
  }
  return out.empty() ? "/" : out;
}

// Closes the client's TCP connection without an answer ("dropped connection" fault).
void drop_connection(const httplib::Request& req) {
  DIR* dir = opendir("/proc/self/fd");
  if (!dir) return;
  while (dirent* e = readdir(dir)) {
    int fd = std::atoi(e->d_name);
    if (fd <= 2) continue;
    sockaddr_storage peer{};
    socklen_t len = sizeof peer;
    if (getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &len) != 0) continue;
    char host[INET6_ADDRSTRLEN] = {0};
    int port = 0;
    if (peer.ss_family == AF_INET) {
      auto* a = reinterpret_cast<sockaddr_in*>(&peer);
      inet_ntop(AF_INET, &a->sin_addr, host, sizeof host);
      port = ntohs(a->sin_port);
    } else if (peer.ss_family == AF_INET6) {
      auto* a = reinterpret_cast<sockaddr_in6*>(&peer);
      inet_ntop(AF_INET6, &a->sin6_addr, host, sizeof host);
      port = ntohs(a->sin6_port);
    }
    if (port == req.remote_port && req.remote_addr == host) {
      ::shutdown(fd, SHUT_RDWR);
      break;
    }
  }
  closedir(dir);
}

void send_json(httplib::Response& res, int status, const nlohmann::json& body) {
  res.status = status;
  if (status >= 400 && body.is_object() && body.contains("message") && body["message"].is_string())
    set_reason_phrase(body["message"].get<std::string>());
  res.set_header("Server", "pve-api-daemon/3.0");
  res.set_header("Cache-Control", "max-age=0");
  res.set_header("Pragma", "no-cache");
  res.set_content(body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                  "application/json;charset=UTF-8");
}

}  // namespace

PveSimServer::PveSimServer(ClusterConfig config, ServerOptions options)
    : options_(std::move(options)), core_(std::make_unique<SimCore>(std::move(config))) {
  register_cluster_handlers(router_);
  register_access_handlers(router_);
  register_storage_handlers(router_);
  register_qemu_handlers(router_);
  register_lxc_handlers(router_);
  register_task_handlers(router_);
  register_pool_handlers(router_);
  identity_ = options_.cert_file.empty() ? TlsIdentity::generate()
                                         : TlsIdentity::load(options_.cert_file, options_.key_file);
  if (!options_.state_file.empty()) {
    std::ifstream in(options_.state_file);
    if (in) {
      nlohmann::json j = nlohmann::json::parse(in, nullptr, false);
      if (j.is_discarded()) throw std::runtime_error(options_.state_file + ": not valid JSON");
      std::unique_lock lk(core_->mutex);
      core_->restore(j);
    }
  }
  server_ = std::make_unique<httplib::SSLServer>(identity_.cert(), identity_.key());
  if (!server_->is_valid()) throw std::runtime_error("pve-sim: TLS server setup failed");
  int threads = options_.threads;
  server_->new_task_queue = [threads] { return new httplib::ThreadPool(static_cast<size_t>(threads)); };
  // httplib's default adds SO_REUSEPORT, which lets a second simulator share a busy port.
  server_->set_socket_options([](int sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });
  server_->set_tcp_nodelay(true);  // headers and body go out in separate writes
  server_->set_keep_alive_max_count(100000);
  server_->set_keep_alive_timeout(5);
  server_->set_payload_max_length(static_cast<size_t>(4) << 30);
  auto h = [this](const httplib::Request& req, httplib::Response& res) { handle(req, res); };
  server_->Get(".*", h);
  server_->Post(".*", h);
  server_->Put(".*", h);
  server_->Delete(".*", h);
}

PveSimServer::~PveSimServer() { stop(); }

int PveSimServer::bind() {
  if (options_.port == 0) {
    port_ = server_->bind_to_any_port(options_.host);
    if (port_ <= 0) throw std::runtime_error("pve-sim: cannot listen on " + options_.host);
  } else {
    if (!server_->bind_to_port(options_.host, options_.port))
      throw std::runtime_error("pve-sim: cannot listen on " + options_.host + ":" + std::to_string(options_.port));
    port_ = options_.port;
  }
  if (!background_.joinable()) background_ = std::thread([this] { background_loop(); });
  return port_;
}

void PveSimServer::run() { server_->listen_after_bind(); }

int PveSimServer::start_background() {
  int port = bind();
  serve_thread_ = std::thread([this] { run(); });
  for (int i = 0; i < 500 && !server_->is_running(); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  return port;
}

void PveSimServer::stop() {
  if (stopping_.exchange(true)) return;
  server_->stop();
  if (serve_thread_.joinable()) serve_thread_.join();
  if (background_.joinable()) background_.join();
  save_state();
}

void PveSimServer::persist() {
  core_->settle();
  core_->dirty = true;
  save_state();
}

std::string PveSimServer::url() const {
  std::string host = options_.host.find(':') != std::string::npos ? "[" + options_.host + "]" : options_.host;
  return "https://" + host + ":" + std::to_string(port_);
}

void PveSimServer::background_loop() {
  auto last_save = std::chrono::steady_clock::now();
  while (!stopping_) {
    core_->settle();
    if (std::chrono::steady_clock::now() - last_save > std::chrono::seconds(1)) {
      save_state();
      last_save = std::chrono::steady_clock::now();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

void PveSimServer::save_state() {
  if (options_.state_file.empty() || !core_->dirty.exchange(false)) return;
  nlohmann::json j;
  {
    std::shared_lock lk(core_->mutex);
    j = core_->snapshot();
  }
  std::string tmp = options_.state_file + ".tmp";
  {
    std::ofstream out(tmp);
    out << j.dump(1) << "\n";
    if (!out) {
      std::fprintf(stderr, "pve-sim: cannot write state file %s\n", tmp.c_str());
      core_->dirty = true;
      return;
    }
  }
  std::rename(tmp.c_str(), options_.state_file.c_str());
}

void PveSimServer::seed_guests(int count, int first_vmid) {
  std::unique_lock lk(core_->mutex);
  const auto& nodes = core_->config.nodes;
  const StorageDef* disk_store = nullptr;
  for (const auto& s : core_->config.storages)
    if (s.content.count("images") && !disk_store) disk_store = &s;
  for (int i = 0; i < count; ++i) {
    int vmid = first_vmid + i;
    if (core_->guests.count(vmid)) throw server_error("VM " + std::to_string(vmid) + " already exists");
    Guest g;
    g.vmid = vmid;
    g.node = nodes[static_cast<size_t>(i) % nodes.size()].name;
    g.ctime = core_->wall();
    auto& c = g.config.current;
    c["name"] = "seed-" + std::to_string(vmid);
    c["cores"] = "2";
    c["memory"] = "2048";
    c["scsihw"] = "virtio-scsi-single";
    c["net0"] = "virtio=" + make_mac(core_->config.seed, vmid, 0) + ",bridge=" + core_->config.bridges.front();
    c["ostype"] = "l26";
    c["tags"] = "seed";
    if (disk_store)
      c["scsi0"] = core_->allocate_disk(g.node, disk_store->id, vmid, 8ULL << 30, "") + ",iothread=1,size=8G";
    core_->guests[vmid] = std::move(g);
  }
  core_->dirty = true;
}

void PveSimServer::handle_control(const std::string& path, const httplib::Request& req, httplib::Response& res) {
  try {
    nlohmann::json body = nlohmann::json::object();
    if (!req.body.empty()) {
      body = nlohmann::json::parse(req.body, nullptr, false);
      if (body.is_discarded()) throw std::runtime_error("request body is not valid JSON");
    }
    if (path == "/_sim/health") return send_json(res, 200, {{"ok", true}});
    if (path == "/_sim/faults") {
      if (req.method == "POST") core_->faults.configure(body);
      else if (req.method == "DELETE") core_->faults.clear();
      return send_json(res, 200, core_->faults.to_json());
    }
    if (path == "/_sim/settings") {
      std::unique_lock lk(core_->mutex);
      if (req.method == "POST") {
        Timing t = core_->timing;
        t.merge(body);
        core_->timing = t;
        core_->auth.set_ticket_lifetime(t.ticket_lifetime);
      }
      return send_json(res, 200, core_->timing.to_json());
    }
    if (path == "/_sim/snapshot") {
      core_->settle();
      std::shared_lock lk(core_->mutex);
      return send_json(res, 200, core_->snapshot());
    }
    if (path == "/_sim/restore" && req.method == "POST") {
      std::unique_lock lk(core_->mutex);
      core_->restore(body);
      return send_json(res, 200, {{"ok", true}});
    }
    if (path == "/_sim/reset" && req.method == "POST") {
      std::unique_lock lk(core_->mutex);
      core_->reset();
      return send_json(res, 200, {{"ok", true}});
    }
    if (path == "/_sim/seed-guests" && req.method == "POST") {
      int count = body.value("count", 0), first = body.value("first_vmid", 1000);
      if (count <= 0 || count > 100000) throw std::runtime_error("count: must be 1..100000");
      seed_guests(count, first);
      return send_json(res, 200, {{"ok", true}, {"count", count}});
    }
    send_json(res, 404, {{"error", "unknown control endpoint " + req.method + " " + path}});
  } catch (const std::exception& e) {
    send_json(res, 400, {{"error", e.what()}});
  }
}

void PveSimServer::handle(const httplib::Request& req, httplib::Response& res) {
  std::string target = req.target.empty() ? req.path : req.target;
  size_t q = target.find('?');
  std::string raw_path = target.substr(0, q);
  if (raw_path.rfind("/_sim/", 0) == 0) {
    // Control endpoints have no auth: answer them on loopback connections only.
    bool loopback = req.remote_addr.rfind("127.", 0) == 0 || req.remote_addr == "::1" ||
                    req.remote_addr.rfind("::ffff:127.", 0) == 0;
    if (!loopback) return send_json(res, 403, {{"error", "control endpoints answer loopback clients only"}});
    return handle_control(raw_path, req, res);
  }
  const std::string prefix = "/api2/json";
  if (raw_path.compare(0, prefix.size(), prefix) != 0 ||
      (raw_path.size() > prefix.size() && raw_path[prefix.size()] != '/')) {
    send_json(res, 404, {{"data", nullptr}, {"message", "no such file '" + raw_path + "'\n"}});
    return;
  }
  RawRequest r;
  r.method = req.method;
  r.path = api_path(raw_path.substr(prefix.size()));
  std::string logical = r.path;
  for (size_t p = logical.find("%2F"); p != std::string::npos; p = logical.find("%2F", p + 1)) logical.replace(p, 3, "/");
  for (const auto& f : core_->faults.on_request(req.method, logical)) {
    if (f.kind == RequestFault::Kind::slow) {
      std::this_thread::sleep_for(std::chrono::milliseconds(f.delay_ms));
    } else if (f.kind == RequestFault::Kind::drop) {
      drop_connection(req);
      res.status = 500;
      return;
    } else if (f.kind == RequestFault::Kind::error) {
      Reply e = Router::error_reply(f.status, f.message);
      send_json(res, e.status, e.body);
      return;
    }
  }
  try {
    if (q != std::string::npos) parse_form(target.substr(q + 1), r.params);
    std::string ctype = req.get_header_value("Content-Type");
    if (req.is_multipart_form_data()) {
      for (const auto& [name, part] : req.files) {
        if (name == "filename" && !part.filename.empty()) {
          r.upload = Upload{part.filename, part.content};
          r.params.push_back({"filename", part.filename});
        } else {
          r.params.push_back({name, part.content});
        }
      }
    } else if (ctype.rfind("application/json", 0) == 0) {
      parse_json_body(req.body, r.params);
    } else if (!req.body.empty()) {
      parse_form(req.body, r.params);
    }
  } catch (const ApiError& e) {
    Reply reply = Router::error_reply(e.status(), e.what(), e.errors());
    send_json(res, reply.status, reply.body);
    return;
  }
  r.authorization = req.get_header_value("Authorization");
  r.cookie = req.get_header_value("Cookie");
  r.csrf = req.get_header_value("CSRFPreventionToken");
  core_->settle();
  auto started = std::chrono::steady_clock::now();
  std::string method = r.method;
  Reply reply = router_.handle(*core_, std::move(r));
  send_json(res, reply.status, reply.body);
  if (options_.access_log) {
    double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
    std::fprintf(stderr, "pve-sim: %s %s %d %.1fms%s%s\n", method.c_str(), logical.c_str(), reply.status, ms,
                 reply.status >= 400 ? " " : "", reply.status >= 400 ? reply.message.c_str() : "");
  }
}

}  // namespace sarga::pvesim

// Post-processor blocks -> OutputSpec (lxc-template, manifest, sbom, proxmox); the VM image
// ones are in decode_vm_outputs.cpp.
#include "builder/template/decode.h"

namespace sarga::tmpl {

void check_pve_connection(const Body& body, const std::string& endpoint, const std::string& token,
                          const std::string& node, const std::string& storage, const std::string& fingerprint,
                          const std::string& ca_file, bool insecure, bool require_token) {
  if (endpoint.rfind("https://", 0) != 0)
    body.find("endpoint")->expr->fail("attribute \"endpoint\" must be an https:// URL, got " + q(endpoint));
  // Never echo the token: it is a secret.
  size_t bang = token.find('!'), eq = token.find('=');
  bool malformed = bang == std::string::npos || eq == std::string::npos || bang > eq || eq + 1 == token.size();
  if ((require_token || !token.empty()) && malformed)
    body.find("token")->expr->fail("attribute \"token\" must look like user@realm!tokenid=secret");
  if (node.empty()) body.find("node")->expr->fail("attribute \"node\" must not be empty");
  if (storage.empty()) body.find("storage")->expr->fail("attribute \"storage\" must not be empty");
  if (!fingerprint.empty()) {
    std::string hex;
    for (char c : fingerprint)
      if (c != ':') hex += c;
    if (hex.size() != 64 || hex.find_first_not_of("0123456789abcdefABCDEF") != std::string::npos)
      body.find("fingerprint")->expr->fail("attribute \"fingerprint\" must be a SHA-256 digest (64 hex digits, colons allowed)");
  }
  if (insecure && (!fingerprint.empty() || !ca_file.empty()))
    body.find("insecure")->expr->fail("attribute \"insecure\" cannot be combined with fingerprint or ca_file");
}

OutputSpec decode_output(const Block& block, AttrReader& r) {
  OutputSpec out;
  out.type = block.labels[0];
  out.location = block.file->location(block.offset);
  const Body& body = block.body;
  if (const Attribute* a = body.find("only")) out.only = r.get_list(*a);
  if (const Attribute* a = body.find("except")) out.except = r.get_list(*a);
  const std::string& t = out.type;
  if (t == "lxc-template") {
    out.kind = OutputKind::lxc_template;
    LxcTemplateSettings s;
    each_attribute(body, [&](const std::string& n, const Attribute& a) {
      if (n == "format") {
        std::string f = r.one_of(a, {"zst", "xz", "gz"});
        s.format = f == "zst" ? Compression::zst : f == "xz" ? Compression::xz : Compression::gz;
      } else if (n == "name") {
        s.name = r.get_string(a);
        if (s.name.empty() || s.name.find('/') != std::string::npos || s.name[0] == '.')
          a.expr->fail("attribute \"name\" must be a plain file name, got " + q(s.name));
      } else if (n == "version") {
        s.version = r.get_string(a);
      } else if (n == "level") {
        s.level = static_cast<int>(r.get_int(a, 0, 22));
      }
    });
    out.settings = s;
  } else if (t == "manifest") {
    out.kind = OutputKind::manifest;
    ManifestSettings s;
    each_attribute(body, [&](const std::string& n, const Attribute& a) {
      if (n == "output") s.output = r.get_string(a);
      else if (n == "strip_path") s.strip_path = r.get_bool(a);
      else if (n == "custom_data") s.custom_data = r.get_map(a);
    });
    if (s.output.empty()) body.find("output")->expr->fail("attribute \"output\" must not be empty");
    out.settings = s;
  } else if (t == "sbom") {
    out.kind = OutputKind::sbom;
    SbomSettings s;
    if (const Attribute* a = body.find("output")) s.output = r.get_string(*a);
    if (s.output.empty()) body.find("output")->expr->fail("attribute \"output\" must not be empty");
    out.settings = s;
  } else if (t == "proxmox") {
    out.kind = OutputKind::proxmox;
    ProxmoxSettings s;
    each_attribute(body, [&](const std::string& n, const Attribute& a) {
      if (n == "endpoint") s.endpoint = r.get_string(a);
      else if (n == "token") s.token = r.get_string(a);
      else if (n == "node") s.node = r.get_string(a);
      else if (n == "storage") s.storage = r.get_string(a);
      else if (n == "keep") s.keep = static_cast<int>(r.get_int(a, 0, 100000));
      else if (n == "fingerprint") s.fingerprint = r.get_string(a);
      else if (n == "ca_file") s.ca_file = r.host_path(r.get_string(a));
      else if (n == "insecure") s.insecure = r.get_bool(a);
    });
    check_pve_connection(body, s.endpoint, s.token, s.node, s.storage, s.fingerprint, s.ca_file, s.insecure, true);
    out.settings = s;
  } else {
    decode_vm_output(block, r, out);
  }
  return out;
}

}  // namespace sarga::tmpl

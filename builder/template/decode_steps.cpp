// Provisioner blocks -> StepSpec (files, shell, packages, hardening, cloud_init, cleanup).
#include <filesystem>

#include "builder/template/decode.h"
#include "builder/template/hcl_parser.h"

namespace sarga::tmpl {

using json = nlohmann::json;
namespace fs = std::filesystem;

namespace {

std::uint32_t parse_mode(const Attribute& a, const std::string& text) {
  if (text.empty() || text.size() > 4 || text.find_first_not_of("01234567") != std::string::npos)
    a.expr->fail("attribute \"mode\" must be an octal string such as \"0644\", got " + q(text));
  return static_cast<std::uint32_t>(std::stoul(text, nullptr, 8));
}

// A source file with render = true: its ${...} are evaluated like a template's strings.
std::string render_text(const SourceFile& file, const EvalContext& ctx) {
  json v = evaluate(*parse_hcl_template_text(file), ctx);
  std::string error;
  auto s = to_template_string(v, &error);
  if (!s) file.fail(0, error);
  return *s;
}

FileEntry decode_file_entry(const Body& body, AttrReader& r, SourceFiles& files, size_t offset, const SourceFile* file) {
  FileEntry f;
  f.location = file->location(offset);
  const Attribute* source_attr = nullptr;
  each_attribute(body, [&](const std::string& n, const Attribute& a) {
    if (n == "source") source_attr = &a, f.source = r.host_path(r.get_string(a));
    else if (n == "content") f.content = r.get_string(a);
    else if (n == "destination") f.destination = r.get_string(a);
    else if (n == "owner") f.owner = r.get_string(a);
    else if (n == "group") f.group = r.get_string(a);
    else if (n == "mode") f.mode = parse_mode(a, r.get_string(a));
    else if (n == "render") f.render = r.get_bool(a);
  });
  if (f.source.empty() == !f.content.has_value())
    fail_at(file, offset, "a file entry needs exactly one of \"source\" or \"content\"");
  const Attribute* dest = body.find("destination");
  if (!dest) fail_at(file, offset, "a file entry needs \"destination\" (absolute path inside the rootfs)");
  if (f.destination.empty() || f.destination[0] != '/')
    dest->expr->fail("attribute \"destination\" must be an absolute path inside the rootfs, got " + q(f.destination));
  if (f.owner.empty()) body.find("owner")->expr->fail("attribute \"owner\" must not be empty");
  if (f.group.empty()) body.find("group")->expr->fail("attribute \"group\" must not be empty");
  if (f.render) {
    if (!source_attr) fail_at(file, offset, "\"render\" applies to \"source\" files; content is already a template");
    if (fs::is_directory(f.source)) source_attr->expr->fail("\"render\" needs a file, " + q(f.source) + " is a directory");
    std::string text;
    try {
      text = read_text_file(f.source, "file");
    } catch (const TemplateError&) {
      source_attr->expr->fail("cannot read " + q(f.source) + " to render it");
    }
    files.push_back(std::make_unique<SourceFile>(f.source, std::move(text)));
    f.content = render_text(*files.back(), r.context());
    f.source.clear();
  } else if (source_attr && !fs::exists(f.source)) {
    source_attr->expr->fail("file " + q(f.source) + " does not exist");
  }
  return f;
}

}  // namespace

StepSpec decode_step(const Block& block, AttrReader& r, SourceFiles& files) {
  StepSpec step;
  step.type = block.labels[0];
  step.name = step.type;
  step.location = block.file->location(block.offset);
  const Body& body = block.body;
  if (const Attribute* a = body.find("name")) step.name = r.get_string(*a);
  if (const Attribute* a = body.find("only")) step.only = r.get_list(*a);
  if (const Attribute* a = body.find("except")) step.except = r.get_list(*a);
  const std::string& t = step.type;
  if (t == "files") {
    step.kind = StepKind::files;
    FilesSettings s;
    bool has_top = body.find("source") || body.find("content") || body.find("destination");
    if (has_top) s.entries.push_back(decode_file_entry(body, r, files, block.offset, block.file));
    for (const auto& nested : body.blocks) s.entries.push_back(decode_file_entry(nested.body, r, files, nested.offset, nested.file));
    if (s.entries.empty()) block.fail("provisioner \"files\" needs source/content and destination, or file blocks");
    step.settings = s;
  } else if (t == "shell") {
    step.kind = StepKind::shell;
    ShellSettings s;
    each_attribute(body, [&](const std::string& n, const Attribute& a) {
      if (n == "inline") s.inline_commands = r.get_list(a);
      else if (n == "script") s.scripts.insert(s.scripts.begin(), r.host_path(r.get_string(a)));
      else if (n == "scripts")
        for (const auto& p : r.get_list(a)) s.scripts.push_back(r.host_path(p));
      else if (n == "env")
        for (const auto& [k, v] : r.get_map(a)) s.environment[k] = v;
      else if (n == "environment_vars")
        for (const auto& kv : r.get_list(a)) {
          size_t eq = kv.find('=');
          if (eq == std::string::npos || eq == 0)
            a.expr->fail("attribute \"environment_vars\": " + q(kv) + " is not KEY=VALUE");
          s.environment[kv.substr(0, eq)] = kv.substr(eq + 1);
        }
      else if (n == "interpreter") s.interpreter = r.get_string(a);
    });
    if (s.inline_commands.empty() && s.scripts.empty())
      block.fail("provisioner \"shell\" needs \"inline\", \"script\" or \"scripts\"");
    for (const auto& key : {"script", "scripts"})
      if (const Attribute* a = body.find(key))
        for (const auto& p : s.scripts)
          if (!fs::is_regular_file(p)) a->expr->fail("script " + q(p) + " does not exist");
    if (s.interpreter.empty()) body.find("interpreter")->expr->fail("attribute \"interpreter\" must not be empty");
    step.settings = s;
  } else if (t == "packages") {
    step.kind = StepKind::packages;
    PackagesSettings s;
    each_attribute(body, [&](const std::string& n, const Attribute& a) {
      if (n == "install") s.install = r.get_list(a);
      else if (n == "remove") s.remove = r.get_list(a);
      else if (n == "update") s.update = r.get_bool(a);
      else if (n == "upgrade") s.upgrade = r.get_bool(a);
      else if (n == "install_recommends") s.install_recommends = r.get_bool(a);
      else if (n == "purge") s.purge = r.get_bool(a);
      else if (n == "autoremove") s.autoremove = r.get_bool(a);
      else if (n == "clean") s.clean = r.get_bool(a);
    });
    for (const auto* list : {&s.install, &s.remove})
      for (const auto& p : *list)
        if (p.empty() || p[0] == '-')
          body.find(list == &s.install ? "install" : "remove")
              ->expr->fail("invalid package name " + q(p));
    step.settings = s;
  } else if (t == "hardening") {
    step.kind = StepKind::hardening;
    HardeningSettings s;
    each_attribute(body, [&](const std::string& n, const Attribute& a) {
      if (n == "profile") s.profile = r.one_of(a, {"lxc-baseline", "vm-baseline"});
      else if (n == "skip") s.skip = r.get_list(a);
      else if (n == "verify") s.verify = r.get_bool(a);
    });
    step.settings = s;
  } else if (t == "cloud_init") {
    step.kind = StepKind::cloud_init;
    CloudInitSettings s;
    each_attribute(body, [&](const std::string& n, const Attribute& a) {
      if (n == "datasources") s.datasources = r.get_list(a);
      else if (n == "install") s.install = r.get_bool(a);
      else if (n == "extra_config") s.extra_config = r.get_string(a);
    });
    step.settings = s;
  } else {
    step.kind = StepKind::cleanup;
    CleanupSettings s;
    each_attribute(body, [&](const std::string& n, const Attribute& a) {
      if (n == "machine_id") s.machine_id = r.get_bool(a);
      else if (n == "ssh_host_keys") s.ssh_host_keys = r.get_bool(a);
      else if (n == "logs") s.logs = r.get_bool(a);
      else if (n == "apt_lists") s.apt_lists = r.get_bool(a);
      else if (n == "tmp") s.tmp = r.get_bool(a);
      else if (n == "history") s.history = r.get_bool(a);
      else if (n == "remove") {
        s.remove = r.get_list(a);
        for (const auto& p : s.remove)
          if (p.empty() || p[0] != '/' || p == "/")
            a.expr->fail("attribute \"remove\": " + q(p) + " must be an absolute path below /");
      }
    });
    step.settings = s;
  }
  return step;
}

}  // namespace sarga::tmpl

// load_template: parse (HCL or JSON), check names against the schema, resolve variables
// (default < var-files < -var), evaluate locals, decode sources, steps and outputs into
// BuildSpecs.
#include <algorithm>
#include <filesystem>
#include <set>

#include "builder/template/attrs.h"
#include "builder/template/decode.h"
#include "builder/template/eval.h"
#include "builder/template/hcl_parser.h"
#include "builder/template/json_syntax.h"
#include "builder/template/schema.h"
#include "builder/template/spec.h"

namespace sarga::tmpl {
namespace {

using json = nlohmann::json;
namespace fs = std::filesystem;

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

bool is_json_path(const std::string& path) { return ends_with(path, ".json"); }

std::string describe_block(const Block& b) {
  std::string out = b.type;
  for (const auto& l : b.labels) out += " " + q(l);
  return out;
}

// ------------------------------------------------------------ name checks

// Checks every attribute and block name, label counts, variants and required attributes
// against the schema, before any evaluation, so typos are reported first.
void check_body(const Body& body, const BlockSchema& schema, const std::string& where,
                const std::set<const SourceFile*>& json_files) {
  for (const auto& attr : body.attributes) {
    if (schema.free_attributes || schema.attribute(attr.name)) continue;
    // In JSON, keys that are neither attributes nor blocks arrive here as attributes.
    if (json_files.count(attr.file))
      fail_at(attr.file, attr.offset,
              "unknown key " + q(attr.name) + " in " + where + "." + did_you_mean(attr.name, schema.names()));
    if (schema.block(attr.name))
      fail_at(attr.file, attr.offset,
              q(attr.name) + " is a block, not an attribute: write " + attr.name + " ... { ... }");
    fail_at(attr.file, attr.offset,
            "unknown attribute " + q(attr.name) + " in " + where + "." + did_you_mean(attr.name, schema.names()));
  }
  for (const auto& block : body.blocks) {
    const BlockSchema* nested = schema.block(block.type);
    if (!nested) {
      if (schema.attribute(block.type))
        block.fail(q(block.type) + " is an attribute, not a block: write " + block.type + " = ...");
      block.fail("unknown block type " + q(block.type) + " in " + where + "." +
                 did_you_mean(block.type, schema.names()));
    }
    if (block.labels.size() != nested->label_names.size()) {
      size_t at = block.labels.size() > nested->label_names.size() ? block.label_offsets[nested->label_names.size()]
                                                                    : block.offset;
      std::string want = std::to_string(nested->label_names.size()) + " label" +
                         (nested->label_names.size() == 1 ? "" : "s");
      if (!nested->label_names.empty()) want += " (" + join_names(nested->label_names) + ")";
      fail_at(block.file, at,
              "block " + q(block.type) + " takes " + want + ", found " + std::to_string(block.labels.size()));
    }
    const BlockSchema* body_schema = nested;
    if (!nested->variants.empty()) {
      body_schema = nested->variant(block.labels[0]);
      if (!body_schema)
        fail_at(block.file, block.label_offsets[0],
                "unknown " + block.type + " type " + q(block.labels[0]) + "." +
                    did_you_mean(block.labels[0], nested->variant_names()) +
                    " Known types: " + join_names(nested->variant_names()));
    }
    check_body(block.body, *body_schema, describe_block(block), json_files);
    for (const auto& a : body_schema->attributes)
      if (a.required && !block.body.find(a.name))
        block.fail(describe_block(block) + ": missing required attribute " + q(a.name) + " (" + a.description +
                   ")");
  }
}

// ------------------------------------------------------------- the loader

struct Variable {
  std::string name;
  const Block* block = nullptr;
  VarType type;
  bool has_default = false;
  bool set = false;
  json value;
  bool sensitive = false;
  std::string description;
};

class Loader {
 public:
  Loader(std::string path, std::string text, bool json_syntax) {
    fs::path p = fs::absolute(fs::path(path)).lexically_normal();
    main_path_ = p.string();
    dir_ = p.parent_path().string();
    display_path_ = path;
    main_ = add_file(path, std::move(text));
    if (json_syntax) json_files_.insert(main_);
    root_ = json_syntax ? parse_json_body(*main_, template_schema(), files_) : parse_hcl_body(*main_);
  }

  std::vector<BuildSpec> load(const std::vector<VarOverride>& overrides, const std::vector<std::string>& var_files) {
    check_body(root_, template_schema(), "the template", json_files_);
    declare_variables();
    for (const auto& f : var_files) apply_var_file(f);
    for (const auto& o : overrides) apply_override(o);
    finish_variables();
    collect_locals();
    for (const auto& [name, attr] : local_exprs_) local_value(name, *attr->expr), (void)attr;
    decode_sources();
    std::vector<BuildSpec> out;
    bool any_build = false;
    for (const auto& block : root_.blocks)
      if (block.type == "build") {
        any_build = true;
        decode_build(block, out);
      }
    if (!any_build) main_->fail(main_->text().size(), "the template has no build block");
    return out;
  }

 private:
  std::vector<std::unique_ptr<SourceFile>> files_;
  const SourceFile* main_ = nullptr;
  Body root_;
  std::string main_path_, dir_, display_path_;
  std::vector<Variable> variables_;           // declaration order
  std::map<std::string, json> var_values_;    // for var.*
  std::map<std::string, const Attribute*> local_exprs_;
  std::map<std::string, json> local_values_;
  std::vector<std::string> locals_in_progress_;
  std::map<std::string, SourceSpec> sources_;  // "type.name"
  std::vector<Body> extra_bodies_;             // var-file bodies kept alive
  std::set<const SourceFile*> json_files_;     // files in the JSON syntax

  const SourceFile* add_file(const std::string& path, std::string text) {
    files_.push_back(std::make_unique<SourceFile>(path, std::move(text)));
    return files_.back().get();
  }

  Variable* find_variable(const std::string& name) {
    for (auto& v : variables_)
      if (v.name == name) return &v;
    return nullptr;
  }

  std::vector<std::string> variable_names() const {
    std::vector<std::string> out;
    for (const auto& v : variables_) out.push_back(v.name);
    return out;
  }

  EvalContext context(const std::string& where) {
    EvalContext ctx;
    ctx.variables = &var_values_;
    ctx.local = [this](const std::string& name, const Expr& at) { return local_by_name(name, at); };
    for (const auto& [k, v] : local_exprs_) ctx.local_names.push_back(k), (void)v;
    ctx.base_dir = dir_;
    ctx.where = where;
    return ctx;
  }

  // A context without var.* and local.* (defaults and var-files).
  EvalContext literal_context(const std::string& where, bool allow_env) const {
    EvalContext ctx;
    ctx.allow_env = allow_env;
    ctx.base_dir = dir_;
    ctx.where = where;
    return ctx;
  }

  // ------------------------------------------------------------- variables

  void declare_variables() {
    for (const auto& block : root_.blocks) {
      if (block.type != "variable") continue;
      const std::string& name = block.labels[0];
      if (find_variable(name))
        fail_at(block.file, block.label_offsets[0], "variable " + q(name) + " is declared twice");
      if (name == "var" || name == "local" || name.find('-') != std::string::npos)
        fail_at(block.file, block.label_offsets[0],
                "invalid variable name " + q(name) + ": use letters, digits and underscores");
      Variable v;
      v.name = name;
      v.block = &block;
      if (const Attribute* t = block.body.find("type")) v.type = type_of(*t);
      if (const Attribute* d = block.body.find("default")) {
        v.has_default = true;
        v.value = evaluate(*d->expr, literal_context("a variable default", true));
        if (auto err = convert_value(v.value, v.type))
          d->expr->fail("default of variable " + q(name) + ": " + *err);
      }
      AttrReader plain(literal_context("a variable block", false), dir_);
      if (const Attribute* s = block.body.find("sensitive")) v.sensitive = plain.get_bool(*s);
      if (const Attribute* s = block.body.find("description"))
        v.description = plain.get_string(*s);
      variables_.push_back(std::move(v));
    }
  }

  // `type` is an expression in HCL and a string holding one in JSON.
  VarType type_of(const Attribute& attr) {
    if (attr.expr->kind == Expr::Kind::literal && attr.expr->value.is_string() && json_files_.count(attr.file)) {
      std::string text = attr.expr->value.get<std::string>();
      SourceFile inner(attr.file->path(), text);
      try {
        return parse_type(*parse_hcl_expression(inner));
      } catch (const TemplateError& e) {
        attr.expr->fail(e.message());
      }
    }
    return parse_type(*attr.expr);
  }

  void set_variable(Variable& v, json value, const Expr& at, const std::string& origin) {
    if (auto err = convert_value(value, v.type)) {
      if (v.sensitive) {
        // Neither the message nor an excerpt may show a sensitive value.
        SourceLocation loc = at.file ? at.file->location(at.offset) : SourceLocation{origin, 1, 1};
        throw TemplateError(loc.file, loc.line, loc.column,
                            "variable " + q(v.name) + " from " + origin + ": expected " + v.type.str() +
                                " (value not shown: the variable is sensitive)");
      }
      at.fail("variable " + q(v.name) + " from " + origin + ": " + *err);
    }
    v.value = std::move(value);
    v.set = true;
  }

  void apply_var_file(const std::string& path) {
    const SourceFile* file = add_file(path, read_text_file(path, "var-file"));
    if (is_json_path(path)) json_files_.insert(file);
    extra_bodies_.push_back(is_json_path(path) ? parse_json_body(*file, var_file_schema(), files_) : parse_hcl_body(*file));
    const Body& body = extra_bodies_.back();
    if (!body.blocks.empty())
      body.blocks[0].fail("a var-file holds only name = value lines, found block " + q(body.blocks[0].type));
    for (const auto& attr : body.attributes) {
      Variable* v = find_variable(attr.name);
      if (!v)
        fail_at(attr.file, attr.offset,
                "variable " + q(attr.name) + " is not declared in " + display_path_ + "." +
                    did_you_mean(attr.name, variable_names()));
      json value = evaluate(*attr.expr, literal_context("a var-file", false));
      set_variable(*v, std::move(value), *attr.expr, "var-file");
    }
  }

  void apply_override(const VarOverride& o) {
    const SourceFile* file = add_file("-var " + o.name, o.value);
    Variable* v = find_variable(o.name);
    if (!v) {
      throw TemplateError("-var", 1, 1,
                          "variable " + q(o.name) + " is not declared in " + display_path_ + "." +
                              did_you_mean(o.name, variable_names()));
    }
    json value;
    // Strings are taken as written; other types are read as HCL values ("3", "true", "[\"a\"]").
    if (v->type.kind == VarType::Kind::string || v->type.kind == VarType::Kind::any ||
        v->type.kind == VarType::Kind::number || v->type.kind == VarType::Kind::boolean) {
      value = o.value;  // converted (and checked) by the variable's type below
    } else {
      ExprPtr e = parse_hcl_expression(*file);
      value = evaluate(*e, literal_context("a -var value", false));
    }
    auto at = std::make_shared<Expr>();
    at->file = file;
    set_variable(*v, std::move(value), *at, "-var");
  }

  void finish_variables() {
    for (auto& v : variables_) {
      if (!v.set && !v.has_default)
        fail_at(v.block->file, v.block->label_offsets[0],
                "variable " + q(v.name) + " is required but not set: give it with -var " + v.name +
                    "=... or in a -var-file");
      var_values_[v.name] = v.value;
    }
    // Validation conditions see only their own variable.
    for (auto& v : variables_) {
      for (const auto& check : v.block->body.blocks) {
        std::map<std::string, json> only{{v.name, v.value}};
        EvalContext ctx = literal_context("a validation condition", false);
        ctx.variables = &only;
        const Attribute* cond = check.body.find("condition");
        json ok = evaluate(*cond->expr, ctx);
        if (!ok.is_boolean()) cond->expr->fail("a validation condition must be a bool, got " + value_type_name(ok));
        if (!ok.get<bool>()) {
          std::string message = AttrReader(ctx, dir_).get_string(*check.body.find("error_message"));
          fail_at(v.block->file, v.block->label_offsets[0],
                  "invalid value for variable " + q(v.name) + ": " + message);
        }
      }
    }
  }

  // ---------------------------------------------------------------- locals

  void collect_locals() {
    for (const auto& block : root_.blocks) {
      if (block.type != "locals") continue;
      for (const auto& attr : block.body.attributes) {
        if (local_exprs_.count(attr.name))
          fail_at(attr.file, attr.offset, "local " + q(attr.name) + " is defined twice");
        local_exprs_[attr.name] = &attr;
      }
    }
  }

  json local_by_name(const std::string& name, const Expr& at) {
    auto it = local_exprs_.find(name);
    if (it == local_exprs_.end()) {
      std::vector<std::string> names;
      for (const auto& [k, v] : local_exprs_) names.push_back(k), (void)v;
      at.fail("undefined local " + q(name) + ": no locals block defines it." + did_you_mean(name, names));
    }
    return local_value(name, *it->second->expr);
  }

  json local_value(const std::string& name, const Expr& expr) {
    if (auto it = local_values_.find(name); it != local_values_.end()) return it->second;
    if (std::find(locals_in_progress_.begin(), locals_in_progress_.end(), name) != locals_in_progress_.end()) {
      std::string cycle;
      for (const auto& n : locals_in_progress_) cycle += n + " -> ";
      expr.fail("local " + q(name) + " depends on itself: " + cycle + name);
    }
    locals_in_progress_.push_back(name);
    json v = evaluate(expr, context("a local"));
    locals_in_progress_.pop_back();
    local_values_[name] = v;
    return v;
  }

  // ------------------------------------------------------ attribute access

  // --------------------------------------------------------------- sources

  void decode_sources() {
    for (const auto& block : root_.blocks) {
      if (block.type != "source") continue;
      SourceSpec s;
      s.type = block.labels[0];
      s.name = block.labels[1];
      s.location = main_->location(block.offset);
      std::string key = s.type + "." + s.name;
      if (sources_.count(key)) fail_at(block.file, block.label_offsets[1], "source " + q(key) + " is defined twice");
      AttrReader r(context("a source"), dir_);
      if (s.type == "mmdebstrap") {
        s.kind = SourceKind::mmdebstrap;
        auto& m = s.mmdebstrap;
        each_attribute(block.body, [&](const std::string& n, const Attribute& a) {
          if (n == "suite") m.suite = r.get_string(a);
          else if (n == "variant")
            m.variant = r.one_of(a, {"extract", "custom", "essential", "apt", "required", "minbase", "buildd",
                                        "important", "debootstrap", "standard"});
          else if (n == "components") m.components = r.get_list(a);
          else if (n == "include") m.include = r.get_list(a);
          else if (n == "mirror") m.mirror = r.get_string(a);
          else if (n == "architecture") m.architecture = r.get_string(a);
          else if (n == "source_date_epoch") m.source_date_epoch = r.get_int(a, 0, INT64_MAX / 2);
        });
        if (m.suite.empty()) block.body.find("suite")->expr->fail("attribute \"suite\" must not be empty");
        if (m.components.empty()) block.body.find("components")->expr->fail("attribute \"components\" must not be empty");
      } else {
        s.kind = SourceKind::rootfs;
        each_attribute(block.body, [&](const std::string& n, const Attribute& a) {
          if (n == "path") s.rootfs.path = r.host_path(r.get_string(a));
          else if (n == "allow_devices") s.rootfs.allow_devices = r.get_bool(a);
        });
        if (s.rootfs.path.empty()) block.body.find("path")->expr->fail("attribute \"path\" must not be empty");
      }
      sources_[key] = s;
    }
  }

  // ----------------------------------------------------------------- steps

  // ----------------------------------------------------------------- build

  static bool selects(const std::vector<std::string>& names, const SourceSpec& s) {
    for (const auto& n : names)
      if (n == s.name || n == s.type + "." + s.name || n == "source." + s.type + "." + s.name) return true;
    return false;
  }

  void decode_build(const Block& block, std::vector<BuildSpec>& out) {
    AttrReader r(context("a build"), dir_);
    std::string build_name;
    if (const Attribute* a = block.body.find("name")) {
      build_name = r.get_string(*a);
      if (build_name.empty() || build_name.find('/') != std::string::npos)
        a->expr->fail("attribute \"name\" must be a non-empty name without \"/\"");
    }
    const Attribute* sources_attr = block.body.find("sources");
    std::vector<std::string> refs = r.get_list(*sources_attr);
    if (refs.empty()) sources_attr->expr->fail("attribute \"sources\" must name at least one source");

    std::vector<StepSpec> steps;
    std::vector<OutputSpec> outputs;
    std::vector<const Block*> output_blocks;
    for (const auto& nested : block.body.blocks) {
      AttrReader step_reader(context(nested.type == "provisioner" ? "a provisioner" : "a post-processor"), dir_);
      if (nested.type == "provisioner") {
        steps.push_back(decode_step(nested, step_reader, files_));
      } else {
        outputs.push_back(decode_output(nested, step_reader));
        output_blocks.push_back(&nested);
      }
    }

    std::vector<std::string> known;
    for (const auto& [k, v] : sources_) known.push_back("source." + k), (void)v;
    for (size_t i = 0; i < refs.size(); ++i) {
      const Expr* at = sources_attr->expr->kind == Expr::Kind::list && i < sources_attr->expr->items.size()
                           ? sources_attr->expr->items[i].get()
                           : sources_attr->expr.get();
      std::string key = refs[i].rfind("source.", 0) == 0 ? refs[i].substr(7) : refs[i];
      auto it = sources_.find(key);
      if (it == sources_.end())
        at->fail("unknown source " + q(refs[i]) + ": no source block with that type and name." +
                 did_you_mean("source." + key, known));
      const SourceSpec& src = it->second;
      BuildSpec spec;
      spec.name = build_name.empty() ? src.name : refs.size() == 1 ? build_name : build_name + "." + src.name;
      spec.full_name = (build_name.empty() ? "" : build_name + ".") + src.type + "." + src.name;
      for (const auto& existing : out)
        if (existing.name == spec.name) at->fail("build " + q(spec.name) + " is defined twice");
      spec.template_file = main_path_;
      spec.template_dir = dir_;
      spec.location = block.file->location(block.offset);
      spec.source = src;
      for (const auto& step : steps)
        if ((step.only.empty() || selects(step.only, src)) && !selects(step.except, src)) spec.steps.push_back(step);
      std::vector<const Block*> kept_blocks;
      for (size_t o = 0; o < outputs.size(); ++o)
        if ((outputs[o].only.empty() || selects(outputs[o].only, src)) && !selects(outputs[o].except, src)) {
          spec.outputs.push_back(outputs[o]);
          kept_blocks.push_back(output_blocks[o]);
        }
      check_output_combination(spec.outputs, kept_blocks);
      for (const auto& v : variables_) {
        spec.variables[v.name] = VariableValue{v.type.str(), v.value, v.sensitive, v.description};
        if (v.sensitive) collect_strings(v.value, spec.sensitive_values);
      }
      spec.locals = local_values_;
      out.push_back(std::move(spec));
    }
  }

  static void collect_strings(const json& v, std::vector<std::string>& out) {
    if (v.is_string()) {
      if (!v.get<std::string>().empty()) out.push_back(v.get<std::string>());
    } else if (v.is_number() || v.is_boolean()) {
      // Short numbers and bools would blank out unrelated text; they are not secrets.
    } else if (v.is_array() || v.is_object()) {
      for (const auto& item : v) collect_strings(item, out);
    }
  }
};

}  // namespace

std::vector<BuildSpec> load_template_text(const std::string& text, const std::string& path, bool json,
                                          const std::vector<VarOverride>& overrides,
                                          const std::vector<std::string>& var_files) {
  Loader loader(path, text, json);
  return loader.load(overrides, var_files);
}

std::vector<BuildSpec> load_template(const std::string& path, const std::vector<VarOverride>& overrides,
                                     const std::vector<std::string>& var_files) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) throw TemplateError(path, 0, 0, "is a directory; give a template file");
  return load_template_text(read_text_file(path, "template"), path, is_json_path(path), overrides, var_files);
}

}  // namespace sarga::tmpl

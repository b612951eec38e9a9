// A fake resource (and data source, ephemeral resource, function) for the framework tests.
// Its behaviour is switched by flags so each test can provoke one rule.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "provider/framework/provider.h"
#include "provider/framework/validators.h"

namespace sarga::framework::testing {

struct FakeBehaviour {
  std::atomic<bool> fail_after_create{false};   // create makes the object, then errors
  std::atomic<bool> fail_before_create{false};  // create errors before making anything
  std::atomic<bool> change_name_on_apply{false};  // returns a name other than planned
  std::atomic<bool> leave_serial_unknown{false};
  std::atomic<bool> gone{false};                  // read reports the object deleted
  std::atomic<bool> wait_for_cancel{false};       // create waits until StopProvider
  std::atomic<bool> bad_plan_hook{false};         // modify_plan changes a configured value
  std::atomic<bool> throw_in_read{false};         // read throws (a bug in resource code)
  std::atomic<bool> fail_update{false};
  std::atomic<int> creates{0};
  std::atomic<bool> cancelled_seen{false};
};

inline Schema fake_schema() {
  Schema s;
  s.version = 1;
  s.description = "A fake thing for tests.";
  s.block.attributes = {
      Attribute::string("id").computed().use_state_for_unknown().describe("Identifier."),
      Attribute::string("name").required().validate(validators::string_length(1, 10)).describe("Name."),
      Attribute::number("size").optional().default_value(cty::Value::number_int(10)),
      Attribute::string("serial").computed(),
      Attribute::string("password").optional().sensitive().write_only(),
      Attribute::string("token").optional().sensitive(),
      Attribute::string("zone").optional().requires_replace(),
      Attribute::map_of("tags", cty::Type::string()).optional(),
      Attribute::string("old").optional().deprecated("use name"),
  };
  Block disk;
  disk.attributes = {
      Attribute::string("slot").required().validate(validators::matches("(scsi|virtio)[0-9]+", "a disk slot like scsi0")),
      Attribute::string("uuid").computed(),
  };
  s.block.blocks = {NestedBlock("disk", Nesting::List, disk, 0, 3)};
  return s;
}

class FakeResource final : public Resource {
 public:
  explicit FakeResource(std::shared_ptr<FakeBehaviour> b) : b_(std::move(b)) {}

  std::string type_name() const override { return "sarga_fake"; }
  Schema schema() const override { return fake_schema(); }

  void validate(const ValidateRequest& req, Diagnostics& diags) const override {
    if (req.config.get_string("name") == "forbidden") {
      diags.error(cty::Path().attribute("name"), "Forbidden name", "name must not be \"forbidden\"");
    }
  }

  void modify_plan(const ModifyPlanRequest&, ModifyPlanResponse& resp) override {
    if (b_->bad_plan_hook) resp.plan.set_string("name", "changed-by-plan");
  }

  void create(const CreateRequest& req, CreateResponse& resp) override {
    ++b_->creates;
    if (b_->wait_for_cancel) {
      bool cancelled = req.context.cancel.wait_for(std::chrono::seconds(20));
      b_->cancelled_seen = cancelled;
      resp.diagnostics.error("Cancelled", "create was cancelled");
      return;
    }
    if (b_->fail_before_create) {
      resp.diagnostics.error("Cannot create", "the API said no");
      return;
    }
    resp.state.set_string("id", "fake-" + *req.plan.get_string("name"));
    resp.created = true;
    if (b_->fail_after_create) {
      resp.diagnostics.error("Create failed halfway", "the object exists but is not finished");
      return;
    }
    fill(resp.state);
    if (b_->change_name_on_apply) resp.state.set_string("name", "other");
  }

  void read(const ReadRequest& req, ReadResponse& resp) override {
    if (b_->throw_in_read) resp.state.set_int("name", 5);  // wrong type: throws
    if (b_->gone) {
      resp.mark_gone();
      return;
    }
    (void)req;
  }

  void update(const UpdateRequest&, UpdateResponse& resp) override {
    fill(resp.state);
    if (b_->fail_update) resp.diagnostics.error(cty::Path().attribute("tags"), "Update failed", "the API said no");
  }

  void destroy(const DeleteRequest& req, DeleteResponse& resp) override {
    std::lock_guard lock(mutex_);
    deleted_.push_back(*req.state.get_string("id"));
    (void)resp;
  }

  void import_state(const ImportRequest& req, ImportResponse& resp) override {
    resp.state.set_string("id", req.id);
    resp.state.set_string("name", req.id);
  }

  void upgrade_state(const UpgradeStateRequest& req, UpgradeStateResponse& resp) override {
    // Version 0 stored the name as "title".
    Model m(fake_schema().null_object());
    m.set_string("id", req.raw.at("id").get<std::string>());
    m.set_string("name", req.raw.at("title").get<std::string>());
    m.set_int("size", 10);
    resp.state = m;
  }

  std::vector<std::string> deleted() {
    std::lock_guard lock(mutex_);
    return deleted_;
  }

 private:
  void fill(Model& state) {
    if (!state.is_known("serial") && !b_->leave_serial_unknown) state.set_string("serial", "SN-1");
    // Disk uuids: computed per element.
    cty::Value disks = state.get("disk");
    for (size_t i = 0; i < disks.length(); ++i) {
      cty::Path p = cty::Path().attribute("disk").index(static_cast<int64_t>(i)).attribute("uuid");
      if (!state.get(p).is_known()) state.set(p, cty::Value::string("uuid-" + std::to_string(i)));
    }
  }

  std::shared_ptr<FakeBehaviour> b_;
  std::mutex mutex_;
  std::vector<std::string> deleted_;
};

class FakeDataSource final : public DataSource {
 public:
  std::string type_name() const override { return "sarga_fake_info"; }
  Schema schema() const override {
    Schema s;
    s.block.attributes = {Attribute::string("name").required(), Attribute::string("greeting").computed()};
    return s;
  }
  void read(const DataSourceReadRequest& req, DataSourceReadResponse& resp) override {
    resp.state.set_string("greeting", "hello " + *req.config.get_string("name"));
  }
};

class FakeEphemeral final : public EphemeralResource {
 public:
  std::string type_name() const override { return "sarga_fake_token"; }
  Schema schema() const override {
    Schema s;
    s.block.attributes = {Attribute::string("value").computed().sensitive()};
    return s;
  }
  void open(const OpenRequest&, OpenResponse& resp) override {
    resp.result.set_string("value", "secret-1");
    resp.private_data = "lease-1";
    resp.renew_at = std::chrono::system_clock::time_point(std::chrono::seconds(2000000000));
  }
  void close(const CloseRequest& req, CloseResponse& resp) override {
    if (req.private_data != "lease-1") resp.diagnostics.error("Unknown lease", req.private_data);
  }
};

class FakeFunction final : public Function {
 public:
  std::string name() const override { return "shout"; }
  FunctionSignature signature() const override {
    FunctionSignature sig;
    sig.summary = "Upper-cases a string.";
    sig.parameters = {{"text", cty::Type::string(), "Text to shout."}};
    sig.return_type = cty::Type::string();
    return sig;
  }
  cty::Value call(const std::vector<cty::Value>& args) const override {
    std::string s = args[0].as_string();
    if (s.empty()) throw FunctionError("text must not be empty", 0);
    for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return cty::Value::string(s);
  }
};

struct FakeProvider {
  std::shared_ptr<FakeBehaviour> behaviour = std::make_shared<FakeBehaviour>();
  std::map<std::string, std::string> env;
  Provider provider;
  FakeResource* resource = nullptr;

  FakeProvider()
      : provider("9.9.9", [this](const std::string& name) -> std::optional<std::string> {
          auto it = env.find(name);
          if (it == env.end()) return std::nullopt;
          return it->second;
        }) {
    auto r = std::make_unique<FakeResource>(behaviour);
    resource = r.get();
    provider.add_resource(std::move(r));
    provider.add_data_source(std::make_unique<FakeDataSource>());
    provider.add_ephemeral_resource(std::make_unique<FakeEphemeral>());
    provider.add_function(std::make_unique<FakeFunction>());
  }
};

// A full object of the fake schema's type: every attribute null except those given.
inline cty::Value fake_object(const std::map<std::string, cty::Value>& values) {
  static const Schema s = fake_schema();
  cty::Value v = s.null_object();
  for (const auto& [k, x] : values) v = replace_at(v, cty::Path().attribute(k), x);
  return v;
}

inline cty::Value str(const std::string& s) { return cty::Value::string(s); }

}  // namespace sarga::framework::testing

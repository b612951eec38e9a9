#include "provider/resources/functions/cloudinit_userdata.h"

#include "provider/resources/functions/cloud_config_yaml.h"

namespace sarga::resources::functions {
namespace {

class CloudinitUserdata final : public framework::Function {
 public:
  std::string name() const override { return "cloudinit_userdata"; }

  framework::FunctionSignature signature() const override {
    framework::FunctionSignature sig;
    sig.summary = "Renders cloud-config YAML (with the #cloud-config header) from an object.";
    sig.description =
        "Turns an object or map into a `#cloud-config` document for `user_data`. Keys are "
        "sorted, strings that YAML would read as booleans, numbers, dates or null are quoted, "
        "and multi-line strings become literal blocks, so the same value always gives the same "
        "text.\n\n```hcl\nuser_data = provider::sarga::cloudinit_userdata({\n  packages = "
        "[\"nginx\"]\n  runcmd   = [\"systemctl enable --now nginx\"]\n})\n```";
    sig.parameters = {{"config", cty::Type::dynamic(),
                       "The cloud-config as an object or map (`packages`, `users`, "
                       "`write_files`, ...).",
                       false, false}};
    sig.return_type = cty::Type::string();
    return sig;
  }

  cty::Value call(const std::vector<cty::Value>& arguments) const override {
    if (arguments.size() != 1) throw framework::FunctionError("expects exactly one argument");
    try {
      return cty::Value::string(render_cloud_config(arguments[0]));
    } catch (const CloudConfigError& e) {
      throw framework::FunctionError(e.what(), 0);
    }
  }
};

}  // namespace

std::unique_ptr<framework::Function> make_cloudinit_userdata() {
  return std::make_unique<CloudinitUserdata>();
}

}  // namespace sarga::resources::functions

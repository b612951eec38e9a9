// A provider function: `provider::sarga::<name>(args...)`.
//
//   class Userdata final : public framework::Function {
//    public:
//     std::string name() const override { return "cloudinit_userdata"; }
//     framework::FunctionSignature signature() const override {
//       framework::FunctionSignature sig;
//       sig.summary = "Renders cloud-config YAML from an object.";
//       sig.parameters = {{"config", cty::Type::dynamic(), "The cloud-config as an object."}};
//       sig.return_type = cty::Type::string();
//       return sig;
//     }
//     cty::Value call(const std::vector<cty::Value>& args) const override {
//       if (!args[0].type().is_object()) throw framework::FunctionError("must be an object", 0);
//       return cty::Value::string(render(args[0]));
//     }
//   };
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "provider/cty/type.h"
#include "provider/cty/value.h"

namespace sarga::framework {

struct FunctionParameter {
  std::string name;
  cty::Type type;
  std::string description;  // markdown
  bool allow_null = false;     // otherwise tofu rejects null before calling
  bool allow_unknown = false;  // otherwise tofu returns unknown without calling
};

struct FunctionSignature {
  std::vector<FunctionParameter> parameters;
  std::optional<FunctionParameter> variadic;
  cty::Type return_type;
  std::string summary;
  std::string description;  // markdown
  std::string deprecation;
};

// Thrown by Function::call; `argument` is the zero-based index of the argument at fault.
class FunctionError : public std::runtime_error {
 public:
  explicit FunctionError(const std::string& text, std::optional<int64_t> argument = std::nullopt)
      : std::runtime_error(text), argument(argument) {}
  std::optional<int64_t> argument;
};

class Function {
 public:
  virtual ~Function() = default;
  virtual std::string name() const = 0;
  virtual FunctionSignature signature() const = 0;
  // Arguments arrive decoded with the parameter types (variadic ones appended); must be
  // thread-safe and pure.
  virtual cty::Value call(const std::vector<cty::Value>& arguments) const = 0;
};

}  // namespace sarga::framework

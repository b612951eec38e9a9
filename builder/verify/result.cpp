#include "builder/verify/qemu_verify.h"

namespace sarga::verify {

nlohmann::json VerifyResult::to_json() const {
  return {{"boot_seconds", boot_seconds},
          {"accelerator", accelerator},
          {"agent_answered", agent_answered},
          {"commands", commands.is_null() ? nlohmann::json::array() : commands}};
}

}  // namespace sarga::verify

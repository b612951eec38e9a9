// The Proxmox calls one `sarga_vm` operation makes, bounded by the operation's deadline:
// config/status reads, one config change with the digest, disk growth, power actions, the
// bounded wait for an agent address, and turning what PVE shows into state.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "lib/pve/client.h"
#include "lib/pve/guests.h"
#include "provider/framework/diagnostics.h"
#include "provider/resources/vm/boot_mark.h"
#include "provider/resources/vm/pve_mapping.h"
#include "provider/resources/vm/vm_model.h"

namespace sarga::resources::vm {

class Deadline {
 public:
  explicit Deadline(std::chrono::milliseconds budget) : end_(std::chrono::steady_clock::now() + budget), budget_(budget) {}
  std::chrono::milliseconds left() const {
    auto d = std::chrono::duration_cast<std::chrono::milliseconds>(end_ - std::chrono::steady_clock::now());
    return d.count() > 0 ? d : std::chrono::milliseconds(1);
  }
  bool passed() const { return std::chrono::steady_clock::now() >= end_; }
  std::chrono::milliseconds budget() const { return budget_; }

 private:
  std::chrono::steady_clock::time_point end_;
  std::chrono::milliseconds budget_;
};

struct Addresses {
  std::vector<std::string> ipv4, ipv6;
};

// How read_state treats the guest agent. Create/Update always ask (reuse false); Read keeps
// the prior addresses while the VM runs the boot they were read in (boot_mark.h).
struct AgentRead {
  bool reuse = false;             // may keep prior addresses instead of asking
  std::optional<BootMark> prior;  // the boot the prior addresses were read in
  std::optional<BootMark> seen;   // out: the boot the state's addresses now belong to
  std::optional<BootMark> current;  // out: the boot status/current shows (nullopt: stopped)
  bool asked = false;             // out: whether the agent was asked
};

class VmApi {
 public:
  VmApi(std::shared_ptr<pve::Client> client, std::string node, int vmid, Deadline deadline)
      : client_(std::move(client)), guests_(*client_), node_(std::move(node)), vmid_(vmid), deadline_(deadline) {}

  const std::string& node() const { return node_; }
  void set_node(std::string node) { node_ = std::move(node); }
  int vmid() const { return vmid_; }
  void set_vmid(int vmid) { vmid_ = vmid; }
  pve::Client& client() const { return *client_; }
  const pve::Guests& guests() const { return guests_; }
  const Deadline& deadline() const { return deadline_; }

  pve::GuestConfig config(bool with_pending = false) const;
  pve::GuestStatus status() const;
  // Sets/deletes keys in one call guarded by `digest`, then grows disks.
  void apply(const ConfigChange& change, const std::string& digest, framework::Diagnostics& diags) const;
  void wait(const std::string& upid, const std::string& action, framework::Diagnostics& diags) const;
  void start(framework::Diagnostics& diags) const;
  void stop(framework::Diagnostics& diags) const;      // hard stop
  void shutdown(framework::Diagnostics& diags) const;  // graceful, then forced when the deadline nears
  void reboot(framework::Diagnostics& diags) const;
  void make_template(framework::Diagnostics& diags) const;
  void set_pool(const std::optional<std::string>& from, const std::optional<std::string>& to) const;

  // One bounded agent call; nullopt when the agent does not answer.
  std::optional<Addresses> addresses(std::chrono::milliseconds timeout) const;
  // Polls the agent until an address of `family` shows or `timeout` passes (a warning then).
  Addresses wait_for_ip(const std::string& family, std::chrono::milliseconds timeout, framework::Diagnostics& diags) const;

  // GET config (unless given) + status (+ the agent when running, see AgentRead) -> state,
  // relative to `prior`.
  Vm read_state(const Vm& prior, bool importing, std::optional<pve::GuestConfig> config = std::nullopt,
                AgentRead* agent = nullptr) const;

 private:
  pve::WaitOptions wait_options() const;
  std::shared_ptr<pve::Client> client_;
  pve::Guests guests_;
  std::string node_;
  int vmid_;
  Deadline deadline_;
};

// Addresses as the state lists them: the agent's, without loopback/link-local, no prefix.
Addresses addresses_from(const std::vector<pve::AgentInterface>& interfaces);

}  // namespace sarga::resources::vm

#include "provider/resources/vm/vm_api.h"

#include <algorithm>

#include "lib/pve/prop_string.h"
#include "provider/resources/proxmox/client.h"

namespace sarga::resources::vm {
namespace {

constexpr auto kQemu = pve::GuestKind::qemu;

std::string without_prefix(const std::string& cidr) { return cidr.substr(0, cidr.find('/')); }

}  // namespace

Addresses addresses_from(const std::vector<pve::AgentInterface>& interfaces) {
  Addresses out;
  for (const auto& i : interfaces) {
    for (const auto& a : i.ipv4) out.ipv4.push_back(without_prefix(a));
    for (const auto& a : i.ipv6) out.ipv6.push_back(without_prefix(a));
  }
  return out;
}

pve::WaitOptions VmApi::wait_options() const {
  pve::WaitOptions w;
  w.timeout = deadline_.left();
  return w;
}

pve::GuestConfig VmApi::config(bool with_pending) const { return guests_.config(node_, kQemu, vmid_, with_pending); }

pve::GuestStatus VmApi::status() const { return guests_.status(node_, kQemu, vmid_); }

void VmApi::wait(const std::string& upid, const std::string& action, framework::Diagnostics& diags) const {
  pve::TaskResult r = client_->wait_task(upid, wait_options());
  proxmox::add_task_warnings(diags, action, r);
}

void VmApi::apply(const ConfigChange& change, const std::string& digest, framework::Diagnostics& diags) const {
  if (!change.set.empty() || !change.del.empty()) {
    pve::Params p = change.set;
    if (!change.del.empty()) p.emplace_back("delete", change.delete_param());
    auto r = guests_.update_config(node_, kQemu, vmid_, p, digest, wait_options());
    if (r) proxmox::add_task_warnings(diags, "configuring VM " + std::to_string(vmid_), *r);
  }
  for (const Resize& r : change.resizes) {
    auto upid = guests_.resize(node_, kQemu, vmid_, r.slot, pve::format_size_bytes(r.bytes));
    if (upid) wait(*upid, "resizing " + r.slot + " of VM " + std::to_string(vmid_), diags);
  }
}

void VmApi::start(framework::Diagnostics& diags) const {
  wait(guests_.start(node_, kQemu, vmid_), "starting VM " + std::to_string(vmid_), diags);
}

void VmApi::stop(framework::Diagnostics& diags) const {
  wait(guests_.stop(node_, kQemu, vmid_), "stopping VM " + std::to_string(vmid_), diags);
}

void VmApi::shutdown(framework::Diagnostics& diags) const {
  // An agent-less guest ignores ACPI; PVE force-stops it when the timeout passes.
  auto budget = std::chrono::duration_cast<std::chrono::seconds>(deadline_.left() / 2);
  auto timeout = std::clamp(budget, std::chrono::seconds(1), std::chrono::seconds(120));
  wait(guests_.shutdown(node_, kQemu, vmid_, timeout, true), "shutting down VM " + std::to_string(vmid_), diags);
}

void VmApi::reboot(framework::Diagnostics& diags) const {
  wait(guests_.reboot(node_, kQemu, vmid_), "rebooting VM " + std::to_string(vmid_), diags);
}

void VmApi::make_template(framework::Diagnostics& diags) const {
  auto path = pve::guest_path(node_, kQemu, vmid_) + "/template";
  auto data = client_->with_retry([&] { return client_->post(path); });
  if (data.is_string() && !data.get<std::string>().empty())
    wait(data.get<std::string>(), "converting VM " + std::to_string(vmid_) + " to a template", diags);
}

void VmApi::set_pool(const std::optional<std::string>& from, const std::optional<std::string>& to) const {
  std::string id = std::to_string(vmid_);
  if (from && !from->empty() && from != to)
    client_->with_retry([&] { return client_->put("/pools/" + *from, {{"vms", id}, {"delete", "1"}}); });
  if (to && !to->empty() && from != to)
    client_->with_retry([&] { return client_->put("/pools/" + *to, {{"vms", id}, {"allow-move", "1"}}); });
}

std::optional<Addresses> VmApi::addresses(std::chrono::milliseconds timeout) const {
  try {
    return addresses_from(guests_.agent_interfaces(node_, vmid_, timeout));
  } catch (const pve::Error& e) {
    if (e.kind() == pve::ErrorKind::cancelled) throw;
    return std::nullopt;  // agent not (yet) running: no addresses, never a failure
  }
}

Addresses VmApi::wait_for_ip(const std::string& family, std::chrono::milliseconds timeout,
                             framework::Diagnostics& diags) const {
  auto end = std::chrono::steady_clock::now() + std::min(timeout, deadline_.left());
  auto delay = std::chrono::milliseconds(200);
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(end - std::chrono::steady_clock::now());
    if (auto a = addresses(std::clamp(left, std::chrono::milliseconds(500), std::chrono::milliseconds(10'000)))) {
      bool v4 = !a->ipv4.empty(), v6 = !a->ipv6.empty();
      if ((family == "ipv4" && v4) || (family == "ipv6" && v6) || (family == "any" && (v4 || v6))) return *a;
    }
    if (std::chrono::steady_clock::now() + delay >= end) break;
    if (client_->sleep_for(delay))
      throw pve::Error(pve::ErrorKind::cancelled, 0, "waiting for an address of VM " + std::to_string(vmid_) + ": cancelled");
    delay = std::min(delay * 2, std::chrono::milliseconds(2'000));
  }
  diags.warning(cty::Path().attribute("agent").attribute("wait_for_ip"), "No IP address from the guest agent",
                "VM " + std::to_string(vmid_) + " reported no " + (family == "any" ? std::string("IP") : family) +
                    " address within agent.wait_for_ip.timeout; ipv4_addresses/ipv6_addresses stay empty until "
                    "a refresh finds the agent running.");
  return addresses(std::chrono::milliseconds(1'000)).value_or(Addresses{});
}

Vm VmApi::read_state(const Vm& prior, bool importing, std::optional<pve::GuestConfig> given, AgentRead* agent) const {
  pve::GuestConfig cfg = given ? std::move(*given) : config();
  pve::GuestStatus st = status();
  bool running = st.status == "running";
  auto now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch());
  std::optional<BootMark> boot = boot_mark(node_, st, now.count());
  AgentRead always;
  AgentRead& ar = agent ? *agent : always;
  ar.seen.reset();
  ar.current = boot;
  ar.asked = false;
  std::string ci_slot = importing ? std::string() : (prior.cloud_init ? prior.cloud_init->interface.value_or("ide2") : "ide2");
  Vm state = state_from_read(prior, observe(cfg, running, ci_slot), importing);
  state.node = node_;
  state.vmid = vmid_;
  state.id = proxmox::guest_id(node_, vmid_);
  if (!running) {
    state.ipv4_addresses = std::vector<std::string>{};
    state.ipv6_addresses = std::vector<std::string>{};
  } else if (st.agent && boot) {
    if (ar.reuse && !agent_read_needed(prior, ar.prior, *boot)) {
      ar.seen = ar.prior;  // same boot: the prior addresses (state_from_read kept them) stand
    } else if (auto a = addresses(std::chrono::milliseconds(3'000))) {
      // One bounded call, only when the status says an agent is configured; never a wait.
      ar.asked = true;
      state.ipv4_addresses = a->ipv4;
      state.ipv6_addresses = a->ipv6;
      ar.seen = boot;
    } else {
      ar.asked = true;  // no answer: seen stays empty, so the next refresh asks again
    }
  }
  if (!state.ipv4_addresses) state.ipv4_addresses = std::vector<std::string>{};
  if (!state.ipv6_addresses) state.ipv6_addresses = std::vector<std::string>{};
  return state;
}

}  // namespace sarga::resources::vm

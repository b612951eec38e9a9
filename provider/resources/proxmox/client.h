// What every Proxmox resource shares: the client factory, duration parsing for
// `timeouts`, tag normalisation, and turning pve::Error into diagnostics users can act on.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "lib/pve/client.h"
#include "lib/pve/guests.h"
#include "provider/cty/path.h"
#include "provider/framework/context.h"
#include "provider/framework/diagnostics.h"

namespace sarga::resources::proxmox {

// One pve::Client per provider process and settings (shared ticket, shared concurrency
// limit, shared guest index). The returned handle is cancelled with ctx.cancel (and so by
// StopProvider). nullptr + error diagnostic (naming `who`) when unconfigured or invalid.
std::shared_ptr<pve::Client> client(const framework::Context& ctx, framework::Diagnostics& diags, const std::string& who);

// "10m", "90s", "1h30m", "500ms", "2h" -> duration. nullopt when malformed or negative.
std::optional<std::chrono::milliseconds> parse_duration(const std::string& text);
// Reads `timeouts.<which>` style text, falling back to `fallback` when empty; adds an
// error at `path` and returns nullopt when malformed.
std::optional<std::chrono::milliseconds> duration_or(const std::string& text, std::chrono::milliseconds fallback,
                                                     const cty::Path& path, framework::Diagnostics& diags);

// Lower-case, de-duplicated, sorted: what PVE stores, so plans stay empty.
std::vector<std::string> normalise_tags(const std::vector<std::string>& tags);
// A tag PVE accepts ([a-z0-9_][a-z0-9_+.-]* after lower-casing); empty when fine, else why.
std::string tag_problem(const std::string& tag);

// Adds an error diagnostic for a failed PVE call. `action` says what was being done
// ("creating VM 104 on pve1"); the detail carries PVE's message, the parameter errors
// and a hint for the error class (permissions, lock timeouts, auth). A parameter error for
// a key listed in `param_paths` is attached to that attribute path.
void add_error(framework::Diagnostics& diags, const std::string& action, const pve::Error& error,
               const std::vector<std::pair<std::string, cty::Path>>& param_paths = {});
// Warnings of a task that ended with "WARNINGS: n".
void add_task_warnings(framework::Diagnostics& diags, const std::string& action, const pve::TaskResult& result);

// "node/vmid" <-> parts; nullopt when malformed.
std::string guest_id(const std::string& node, int vmid);
std::optional<std::pair<std::string, int>> parse_guest_id(const std::string& id);

}  // namespace sarga::resources::proxmox

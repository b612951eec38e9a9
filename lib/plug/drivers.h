// Driver constructors and the helpers they share (internal to lib/plug).
#pragma once

#include <functional>
#include <memory>

#include "lib/plug/plug.h"

namespace sarga::plug {

std::unique_ptr<Plug> make_home_assistant(const Settings& settings);
std::unique_ptr<Plug> make_shelly_gen2(const Settings& settings);
std::unique_ptr<Plug> make_shelly_gen1(const Settings& settings);
std::unique_ptr<Plug> make_tasmota(const Settings& settings);

// Re-reads until the relay reports `want` (devices and Home Assistant may lag a moment
// behind the call), for at most settings.settle. Error::not_ready while the device is
// unavailable is retried too; the last error or a mismatch is thrown at the end.
State settle(const Settings& settings, bool want, const std::function<State()>& read);

// Sleeps in small steps; throws Error::cancelled when settings.cancel trips.
void pause(const Settings& settings, std::chrono::milliseconds delay);

}  // namespace sarga::plug

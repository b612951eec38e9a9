// Tasmota facts worth testing on their own.
#pragma once

#include <chrono>
#include <optional>

namespace sarga::plug {

// The PulseTime value for an auto-off delay: 1..111 count 0.1 s, 112..64900 count
// (value - 100) s. nullopt when the delay is not representable (0 or above 64800 s).
std::optional<int> tasmota_pulse_time(std::chrono::seconds delay);
// Seconds a PulseTime value (or its "Remaining" count) stands for.
double tasmota_pulse_seconds(int value);

}  // namespace sarga::plug

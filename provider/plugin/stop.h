// One process-wide "stop now" channel fed by signals and by GRPCController.Shutdown.
#pragma once

namespace sarga::plugin {

// Installs handlers: SIGTERM always requests a stop; SIGINT requests a stop only when
// `stop_on_sigint` (debug mode) and is otherwise swallowed, as go-plugin servers do (the
// terminal's Ctrl-C reaches the whole process group; the host uses StopProvider instead).
// A handler, not SIG_IGN, so programs the provider starts still get default SIGINT.
void install_stop_signals(bool stop_on_sigint);

// Async-signal-safe and thread-safe; repeated calls are harmless.
void request_stop();

// Blocks until request_stop() was called (before or during the wait).
void wait_for_stop();

}  // namespace sarga::plugin

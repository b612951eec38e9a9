"""The /_sim control API on the Home Assistant port: no auth, loopback clients only.
Devices are named by kind (home_assistant, shelly_gen2, shelly_gen1, tasmota); "all"
addresses every device where that makes sense."""
import ipaddress


class ControlApi:
    def __init__(self, sim):
        self.sim = sim

    def handle(self, handler, method, path):
        client = handler.client_address[0]
        if not ipaddress.ip_address(client).is_loopback:
            return handler.send_json(403, {"error": "the control API answers loopback clients only"})
        routes = {
            ("GET", "/_sim/health"): lambda body: {"ok": True},
            ("GET", "/_sim/state"): lambda body: self.sim.state(),
            ("GET", "/_sim/devices"): lambda body: self.sim.description(),
            ("GET", "/_sim/requests"): self._requests,
            ("POST", "/_sim/faults"): self._faults,
            ("POST", "/_sim/reset"): self._reset,
            ("POST", "/_sim/power"): self._power,
            ("POST", "/_sim/settings"): self._settings,
        }
        route = routes.get((method, path.rstrip("/") or path))
        if route is None:
            known = sorted({p for _, p in routes})
            return handler.send_json(404, {"error": f"{method} {path}: unknown control endpoint; "
                                                    f"known: {', '.join(known)}"})
        try:
            body = handler.json_body() if method == "POST" else None
        except ValueError as exc:
            return handler.send_json(400, {"error": f"request body is not JSON: {exc}"})
        if method == "POST" and body is None:
            body = {}
        if method == "POST" and not isinstance(body, dict):
            return handler.send_json(400, {"error": "request body must be a JSON object"})
        try:
            return handler.send_json(200, route(body))
        except ValueError as exc:
            return handler.send_json(400, {"error": str(exc)})

    def _devices(self, body, allow_all=True):
        kind = body.get("device")
        if kind is None:
            raise ValueError('"device" is required (one of '
                             f'{", ".join(self.sim.devices)}{", all" if allow_all else ""})')
        if allow_all and kind == "all":
            return list(self.sim.devices.values())
        if kind not in self.sim.devices:
            raise ValueError(f'"device": unknown device {kind!r} (one of '
                             f'{", ".join(self.sim.devices)}{", all" if allow_all else ""})')
        return [self.sim.devices[kind]]

    def _faults(self, body):
        fault = body.get("fault")
        if not isinstance(fault, str):
            raise ValueError('"fault" is required: unavailable, slow, bad_auth or none')
        for device in self._devices(body):
            device.set_fault(fault, body.get("delay_ms", 0))
        return self.sim.state()

    def _reset(self, body):
        self.sim.reset()
        return self.sim.state()

    def _power(self, body):
        on = body.get("on")
        if not isinstance(on, bool):
            raise ValueError('"on" must be true or false')
        for device in self._devices(body, allow_all=True):
            # an out-of-band switch (the button on the plug): no timer armed
            device.set_power(on, "button", timer=0)
        return self.sim.state()

    def _settings(self, body):
        delay = body.get("boot_delay")
        if delay is None:
            raise ValueError('"boot_delay" (seconds) is required')
        if not isinstance(delay, (int, float)) or isinstance(delay, bool) or delay < 0:
            raise ValueError(f'"boot_delay" must be a number of seconds >= 0 (got {delay!r})')
        devices = self._devices(body) if "device" in body else list(self.sim.devices.values())
        for device in devices:
            with device.lock:
                device.boot_delay = float(delay)
        return self.sim.state()

    def _requests(self, body):
        return {kind: list(device.log) for kind, device in self.sim.devices.items()}

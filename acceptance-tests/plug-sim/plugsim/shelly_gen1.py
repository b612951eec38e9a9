"""Shelly Gen1 (Plug S, SHPLG-S) HTTP API: /shelly (open), /relay/0 with turn and a
flip-back timer, /status with meters, /settings and /settings/relay/0 (auto_off, auto_on);
HTTP Basic auth once a login is set."""
import base64
import hmac
import time

from .httpbase import DeviceHandler

TYPE = "SHPLG-S"
FW = "20230913-113421/v1.14.0-gcb84623"


class ShellyGen1Handler(DeviceHandler):
    keep_alive = False

    def route(self, method, path, query):
        if method != "GET" and method != "POST":
            return self.send_text(405, "Method Not Allowed")
        server = self.server
        if path == "/shelly":
            return self.send_json(200, {"type": TYPE, "mac": server.mac, "auth": bool(server.password),
                                        "fw": FW, "discoverable": False, "longid": 1,
                                        "num_outputs": 1, "num_meters": 1})
        if not self._authorized():
            return self.send_text(401, "401 Unauthorized",
                                  headers=[("WWW-Authenticate", f'Basic realm="{server.hostname}"')])
        if path == "/relay/0":
            return self._relay(query)
        if path.startswith("/relay/"):
            return self.send_text(404, "Not Found")
        if path == "/status":
            return self.send_json(200, self._status())
        if path == "/settings":
            return self.send_json(200, self._settings())
        if path == "/settings/relay/0":
            return self._relay_settings(query)
        self.send_text(404, "Not Found")

    def _authorized(self):
        server = self.server
        if not server.password:
            return True
        if self.device.fault == "bad_auth":
            return False
        scheme, _, encoded = self.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "basic":
            return False
        try:
            user, _, password = base64.b64decode(encoded.strip()).decode("utf-8").partition(":")
        except (ValueError, UnicodeDecodeError):
            return False
        return (hmac.compare_digest(user.encode(), server.username.encode())
                and hmac.compare_digest(password.encode(), server.password.encode()))

    def _relay(self, query):
        d = self.device
        turn = query.get("turn")
        timer = None
        if "timer" in query:
            try:
                timer = float(query["timer"])
            except ValueError:
                return self.send_text(400, "Bad timer!")
            if timer < 0:
                return self.send_text(400, "Bad timer!")
        if turn is not None:
            if turn not in ("on", "off", "toggle"):
                return self.send_text(400, "Bad turn!")
            with d.lock:
                on = (not d.on) if turn == "toggle" else turn == "on"
                d.set_power(on, "http", timer=timer if timer else None)
        self.send_json(200, self._relay_status())

    def _relay_status(self):
        d = self.device
        with d.lock:
            remaining = d.timer_remaining()
            return {"ison": d.on, "has_timer": remaining is not None,
                    "timer_started": int(d.timer_started) if remaining is not None else 0,
                    "timer_duration": int(round(d.timer_duration)) if remaining is not None else 0,
                    "timer_remaining": int(round(remaining)) if remaining is not None else 0,
                    "overpower": False, "source": d.source}

    def _status(self):
        d = self.device
        now = time.time()
        with d.lock:
            power = round(d.power_w(), 2)
            return {"wifi_sta": {"connected": True, "ssid": "lab", "ip": "127.0.0.1", "rssi": -52},
                    "cloud": {"enabled": False, "connected": False}, "mqtt": {"connected": False},
                    "time": time.strftime("%H:%M"), "unixtime": int(now), "serial": d.switch_count,
                    "has_update": False, "mac": self.server.mac,
                    "relays": [self._relay_status()],
                    "meters": [{"power": power, "overpower": 0.0, "is_valid": True,
                                "timestamp": int(now), "counters": [power, 0.0, 0.0],
                                "total": int(d.energy() * 60)}],  # watt-minutes
                    "temperature": 29.5, "overtemperature": False, "uptime": int(time.monotonic())}

    def _settings(self):
        server = self.server
        return {"device": {"type": TYPE, "mac": server.mac, "hostname": server.hostname,
                           "num_outputs": 1, "num_meters": 1},
                "login": {"enabled": bool(server.password), "unprotected": False,
                          "username": server.username},
                "fw": FW, "relays": [self._relay_config()]}

    def _relay_config(self):
        d = self.device
        return {"name": None, "ison": d.on, "has_timer": d.timer_started is not None,
                "default_state": "off", "auto_on": d.auto_on, "auto_off": d.auto_off,
                "schedule": False, "max_power": 2500}

    def _relay_settings(self, query):
        d = self.device
        updates = {}
        for key in ("auto_off", "auto_on"):
            if key in query:
                try:
                    value = float(query[key])
                except ValueError:
                    return self.send_text(400, f"Bad {key}!")
                if value < 0:
                    return self.send_text(400, f"Bad {key}!")
                updates[key] = value
        with d.lock:
            for key, value in updates.items():
                setattr(d, key, value)
            return self.send_json(200, self._relay_config())

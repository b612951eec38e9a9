"""Tasmota web commands: GET or POST /cm?user=admin&password=...&cmnd=<command>. Wrong or
missing credentials answer 200 with a WARNING body (Tasmota sends no 401). Commands:
Power[1] [on|off|toggle|1|0|2], PulseTime[1-8] [value], Status [0|1|2|5|8|10|11],
Backlog (executed in order, replies merged)."""
import hmac
import math
import time
import urllib.parse

from .httpbase import DeviceHandler

VERSION = "14.3.0(release-tasmota)"
NEED_CREDENTIALS = {"WARNING": "Need user=<username>&password=<password>"}
PULSE_MAX = 64900


def pulse_seconds(value):
    """PulseTime value -> seconds: 1..111 are tenths of a second, 112..64900 are value-100 s."""
    if value <= 0:
        return 0.0
    if value <= 111:
        return value / 10.0
    return float(min(value, PULSE_MAX) - 100)


def pulse_value(seconds):
    """Remaining seconds back in PulseTime units, as Tasmota reports 'Remaining'."""
    tenths = int(math.ceil(seconds * 10))
    if tenths <= 111:
        return tenths
    return int(math.ceil(seconds)) + 100


class Tasmota:
    def __init__(self, device, mac):
        self.device = device
        self.mac = mac
        self.pulse = [0] * 8
        self.started = time.time()

    def reset(self):
        self.pulse = [0] * 8

    def execute(self, command_line):
        command, _, arg = command_line.strip().partition(" ")
        arg = arg.strip()
        name = command.rstrip("0123456789").lower()
        index = command[len(name):] or "1"
        if name == "backlog":
            result = {}
            for part in arg.split(";"):
                if part.strip():
                    result.update(self.execute(part))
            return result
        if name == "power":
            return self._power(index, arg)
        if name == "pulsetime":
            return self._pulsetime(index, arg)
        if name == "status" and index == "1" and command.lower() == "status":
            return self._status(arg)
        return {"Command": "Unknown"}

    def _power(self, index, arg):
        if index != "1":
            return {"Command": "Unknown"}  # a single-relay plug has Power / Power1 only
        d = self.device
        value = arg.lower()
        with d.lock:
            if value in ("on", "1", "true"):
                d.set_power(True, "web", timer=self._pulse_timer())
            elif value in ("off", "0", "false"):
                d.set_power(False, "web", timer=0)
            elif value in ("toggle", "2"):
                on = not d.on
                d.set_power(on, "web", timer=self._pulse_timer() if on else 0)
            elif value:
                return {"Command": "Error"}
            return {"POWER": "ON" if d.on else "OFF"}

    def _pulse_timer(self):
        # PulseTime1 arms on every Power ON; 0 keeps the relay on with no timer
        return pulse_seconds(self.pulse[0])

    def _pulsetime(self, index, arg):
        i = int(index)
        if not 1 <= i <= 8:
            return {"Command": "Error"}
        if arg:
            if arg.lower() == "off":
                value = 0
            else:
                try:
                    value = int(arg)
                except ValueError:
                    return {"Command": "Error"}
            self.pulse[i - 1] = max(0, min(value, PULSE_MAX))
        remaining = 0
        if i == 1:
            left = self.device.timer_remaining()
            if left is not None and self.device.on:
                remaining = pulse_value(left)
        return {f"PulseTime{i}": {"Set": self.pulse[i - 1], "Remaining": remaining}}

    def _status(self, arg):
        parts = {
            "": lambda: {"Status": self._status_main()},
            "1": lambda: {"StatusPRM": {"Baudrate": 115200, "GroupTopic": "tasmotas",
                                        "OtaUrl": "", "RestartReason": "Power On",
                                        "Uptime": self._uptime(), "BootCount": 3, "SaveCount": 12}},
            "2": lambda: {"StatusFWR": {"Version": VERSION, "BuildDateTime": "2024-10-08T09:44:44",
                                        "Core": "2_7_7", "SDK": "2.2.2-dev(38a443e)",
                                        "CpuFrequency": 80, "Hardware": "ESP8266EX"}},
            "5": lambda: {"StatusNET": {"Hostname": f"tasmota-{self.mac[-6:]}-bastion",
                                        "IPAddress": "127.0.0.1", "Mac": _colon(self.mac)}},
            "8": lambda: {"StatusSNS": self._sensors()},
            "10": lambda: {"StatusSNS": self._sensors()},
            "11": lambda: {"StatusSTS": self._state()},
        }
        if arg == "0":
            result = {"Status": self._status_main()}
            for key in ("1", "2", "5", "10", "11"):
                result.update(parts[key]())
            return result
        if arg not in parts:
            return {"Command": "Error"}
        return parts[arg]()

    def _status_main(self):
        return {"Module": 0, "DeviceName": "Bastion", "FriendlyName": ["Bastion"],
                "Topic": f"tasmota_{self.mac[-6:]}", "ButtonTopic": "0",
                "Power": "1" if self.device.on else "0", "PowerLock": "0", "PowerOnState": 3,
                "LedState": 1, "SaveData": 1, "SaveState": 1}

    def _sensors(self):
        d = self.device
        power = d.power_w()
        voltage = 231
        total_kwh = d.energy() / 1000.0
        return {"Time": _local_time(), "ENERGY": {
            "TotalStartTime": time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime(self.started)),
            "Total": round(total_kwh, 3), "Yesterday": 0.0, "Today": round(total_kwh, 3),
            "Power": int(round(power)), "ApparentPower": int(round(power * 1.1)),
            "ReactivePower": int(round(power * 0.45)), "Factor": 0.91 if power else 0.0,
            "Voltage": voltage, "Current": round(power * 1.1 / voltage, 3)}}

    def _state(self):
        return {"Time": _local_time(), "Uptime": self._uptime(),
                "UptimeSec": int(time.time() - self.started),
                "POWER": "ON" if self.device.on else "OFF",
                "Wifi": {"AP": 1, "SSId": "lab", "RSSI": 90, "Signal": -55}}

    def _uptime(self):
        secs = int(time.time() - self.started)
        return f"{secs // 86400}T{secs % 86400 // 3600:02d}:{secs % 3600 // 60:02d}:{secs % 60:02d}"


def _local_time():
    return time.strftime("%Y-%m-%dT%H:%M:%S")


def _colon(mac):
    return ":".join(mac[i:i + 2] for i in range(0, 12, 2))


class TasmotaHandler(DeviceHandler):
    keep_alive = False

    def route(self, method, path, query):
        if path != "/cm":
            return self.send_text(404, "Not Found", content_type="text/html")
        if method not in ("GET", "POST"):
            return self.send_text(405, "Method Not Allowed")
        server = self.server
        if method == "POST" and self.body:
            # Tasmota's web server reads arguments from the query and from a form body alike
            form = urllib.parse.parse_qs(self.body.decode("utf-8", "replace"), keep_blank_values=True)
            query = dict(query, **{k: v[-1] for k, v in form.items()})
        if server.password and not self._authorized(query):
            return self.send_json(200, NEED_CREDENTIALS)
        command = query.get("cmnd", "")
        if not command.strip():
            return self.send_json(200, {"Command": "Unknown"})
        self.send_json(200, server.tasmota.execute(command))

    def _authorized(self, query):
        if self.device.fault == "bad_auth":
            return False
        server = self.server
        user, password = query.get("user", ""), query.get("password", "")
        return (hmac.compare_digest(user.encode(), server.username.encode())
                and hmac.compare_digest(password.encode(), server.password.encode()))

"""Shelly Gen2 (Plus Plug S) JSON-RPC over HTTP: POST /rpc with a full frame, GET or POST
/rpc/<Method> with bare params, GET /shelly; SHA-256 digest auth on everything except
Shelly.GetDeviceInfo and /shelly."""
import json
import time

from .digest import DigestAuth
from .httpbase import DeviceHandler

MODEL = "SNPL-00112EU"
FW_ID = "20241011-114455/1.4.4-g6d2a586"
VERSION = "1.4.4"
VOLTAGE = 230.4
UNAUTHENTICATED = {"Shelly.GetDeviceInfo"}


class RpcError(Exception):
    def __init__(self, code, message):
        super().__init__(message)
        self.code = code
        self.message = message


class ShellyGen2:
    """The device side: methods and their results, independent of the HTTP channel."""

    def __init__(self, device, mac, password):
        self.device = device
        self.mac = mac
        self.id = f"shellyplusplugs-{mac.lower()}"
        self.auth = DigestAuth(self.id, password) if password else None
        self.config = {"id": 0, "name": None, "initial_state": "off", "auto_on": False,
                       "auto_on_delay": 60.0, "auto_off": False, "auto_off_delay": 60.0,
                       "power_limit": 2800, "voltage_limit": 280, "current_limit": 12.0}
        self.methods = {
            "Shelly.GetDeviceInfo": self.get_device_info,
            "Shelly.GetStatus": self.get_status,
            "Shelly.ListMethods": self.list_methods,
            "Switch.Set": self.switch_set,
            "Switch.Toggle": self.switch_toggle,
            "Switch.GetStatus": self.switch_status,
            "Switch.GetConfig": self.switch_get_config,
            "Switch.SetConfig": self.switch_set_config,
        }

    def reset(self):
        self.config.update(auto_on=False, auto_on_delay=60.0, auto_off=False, auto_off_delay=60.0)

    def call(self, method, params):
        handler = self.methods.get(method)
        if handler is None:
            raise RpcError(404, f"No handler for {method}")
        if params is None:
            params = {}
        if not isinstance(params, dict):
            raise RpcError(-103, "Invalid argument 'params': object expected")
        return handler(params)

    def get_device_info(self, params):
        return {"name": self.config["name"], "id": self.id, "mac": self.mac, "slot": 0,
                "model": MODEL, "gen": 2, "fw_id": FW_ID, "ver": VERSION, "app": "PlugS",
                "auth_en": self.auth is not None,
                "auth_domain": self.id if self.auth is not None else None}

    def get_status(self, params):
        return {"switch:0": self.switch_status({"id": 0}),
                "sys": {"mac": self.mac, "restart_required": False, "time": time.strftime("%H:%M"),
                        "unixtime": int(time.time()), "uptime": int(time.monotonic()),
                        "available_updates": {}}}

    def list_methods(self, params):
        return {"methods": sorted(self.methods)}

    def _switch_id(self, params):
        if "id" not in params:
            raise RpcError(-103, "Missing required 'id'")
        sid = params["id"]
        if not isinstance(sid, int) or isinstance(sid, bool):
            raise RpcError(-103, "Invalid argument 'id': number expected")
        if sid != 0:
            raise RpcError(-105, f"Bad id={sid}")
        return sid

    def switch_set(self, params):
        self._switch_id(params)
        if "on" not in params:
            raise RpcError(-103, "Missing required 'on'")
        on = params["on"]
        if not isinstance(on, bool):
            raise RpcError(-103, "Invalid argument 'on': boolean expected")
        timer = None
        if params.get("toggle_after") is not None:
            timer = params["toggle_after"]
            if not isinstance(timer, (int, float)) or isinstance(timer, bool) or timer <= 0:
                raise RpcError(-103, "Invalid argument 'toggle_after': positive number expected")
        return {"was_on": self.device.set_power(on, "http", timer=timer)}

    def switch_toggle(self, params):
        self._switch_id(params)
        return {"was_on": self.device.toggle("http")}

    def switch_status(self, params):
        self._switch_id(params)
        d = self.device
        with d.lock:
            apower = round(d.power_w(), 1)
            status = {"id": 0, "source": d.source, "output": d.on, "apower": apower,
                      "voltage": VOLTAGE, "current": round(apower / VOLTAGE, 3),
                      "aenergy": {"total": round(d.energy(), 3), "by_minute": [0.0, 0.0, 0.0],
                                  "minute_ts": int(time.time()) // 60 * 60},
                      "temperature": {"tC": 31.2, "tF": 88.2}}
            if d.timer_started is not None:
                status["timer_started_at"] = round(d.timer_started, 2)
                status["timer_duration"] = d.timer_duration
        return status

    def switch_get_config(self, params):
        self._switch_id(params)
        return dict(self.config)

    def switch_set_config(self, params):
        self._switch_id(params)
        config = params.get("config")
        if not isinstance(config, dict):
            raise RpcError(-103, "Missing required 'config'")
        for key, value in config.items():
            if key not in self.config or key == "id":
                raise RpcError(-103, f"Invalid argument 'config.{key}'")
            if key in ("auto_on", "auto_off") and not isinstance(value, bool):
                raise RpcError(-103, f"Invalid argument 'config.{key}': boolean expected")
            if key.endswith("_delay") and (not isinstance(value, (int, float))
                                           or isinstance(value, bool) or value <= 0):
                raise RpcError(-103, f"Invalid argument 'config.{key}': positive number expected")
        self.config.update(config)
        with self.device.lock:
            self.device.auto_off = float(self.config["auto_off_delay"]) if self.config["auto_off"] else 0.0
            self.device.auto_on = float(self.config["auto_on_delay"]) if self.config["auto_on"] else 0.0
        return {"restart_required": False}


def _query_params(query):
    """GET /rpc/<Method>?id=0&on=true: numbers and booleans bare, strings bare or quoted."""
    params = {}
    for key, raw in query.items():
        try:
            params[key] = json.loads(raw)
        except ValueError:
            params[key] = raw
    return params


class ShellyGen2Handler(DeviceHandler):
    keep_alive = False  # Gen2 HTTP is one request per connection

    def route(self, method, path, query):
        rpc = self.server.rpc
        if path == "/shelly" and method == "GET":
            return self.send_json(200, rpc.get_device_info({}))
        if path == "/rpc" and method == "POST":
            return self._frame(rpc)
        if path.startswith("/rpc/") and method in ("GET", "POST"):
            name = path[len("/rpc/"):]
            if method == "GET":
                params = _query_params(query)
            else:
                try:
                    params = self.json_body()
                except ValueError:
                    return self.send_json(400, {"code": -103, "message": "Invalid JSON body"})
            if not self._authorized(name):
                return self._unauthorized(None)
            return self._call(rpc, name, params, None)
        self.send_text(404, "Not Found")

    def _frame(self, rpc):
        if not self.body and not self._authorized(""):
            # libcurl's digest sends a POST without its body first, expecting the challenge
            return self._unauthorized({})
        try:
            frame = self.json_body()
        except ValueError:
            return self.send_json(400, {"code": -103, "message": "Invalid JSON body"})
        if not isinstance(frame, dict) or not isinstance(frame.get("method"), str):
            return self.send_json(200, {"id": None, "src": rpc.id,
                                        "error": {"code": -103, "message": "Missing required 'method'"}})
        name = frame["method"]
        if not self._authorized(name, frame.get("auth")):
            return self._unauthorized(frame)
        return self._call(rpc, name, frame.get("params"), frame)

    def _authorized(self, name, frame_auth=None):
        rpc = self.server.rpc
        if rpc.auth is None or name in UNAUTHENTICATED:
            return True
        if self.device.fault == "bad_auth":
            return False
        header = self.headers.get("Authorization")
        if header and rpc.auth.check_header(header, self.command, self.path):
            return True
        return frame_auth is not None and rpc.auth.check_frame(frame_auth)

    def _unauthorized(self, frame):
        """frame: the request's JSON-RPC frame (POST /rpc), None for /rpc/<Method>."""
        rpc = self.server.rpc
        nonce, header = rpc.auth.challenge()
        detail = json.dumps({"auth_type": "digest", "nonce": nonce, "realm": rpc.id,
                             "algorithm": "SHA-256"})
        error = {"code": 401, "message": detail}
        body = _frame_reply(frame, rpc.id, error=error) if frame is not None else error
        self.send_json(401, body, headers=[("WWW-Authenticate", header)])

    def _call(self, rpc, name, params, frame):
        try:
            result = rpc.call(name, params)
        except RpcError as err:
            error = {"code": err.code, "message": err.message}
            if frame is not None:
                return self.send_json(200, _frame_reply(frame, rpc.id, error=error))
            return self.send_json(404 if err.code == 404 else 500, error)
        if frame is not None:
            return self.send_json(200, _frame_reply(frame, rpc.id, result=result))
        self.send_json(200, result)


def _frame_reply(frame, src, result=None, error=None):
    reply = {"id": frame.get("id"), "src": src}
    if frame.get("src"):
        reply["dst"] = frame["src"]
    if error is not None:
        reply["error"] = error
    else:
        reply["result"] = result
    return reply


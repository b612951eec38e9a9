"""Home Assistant REST API (/api/...) for one plug, as a template switch over an
input_boolean would show it: switch.bastion and input_boolean.bastion both drive the plug,
sensor.bastion_power reports its draw. Home Assistant has no device-side auto-off timer: the
state object carries no timer attribute and the sim never arms one for this device."""
import datetime
import hmac
import secrets
import threading
import time

from .httpbase import DeviceHandler

SWITCH = "switch.bastion"
INPUT_BOOLEAN = "input_boolean.bastion"
POWER_SENSOR = "sensor.bastion_power"
VERSION = "2026.11.0"

_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_SERVICES = {
    "switch": ("turn_on", "turn_off", "toggle"),
    "input_boolean": ("turn_on", "turn_off", "toggle", "reload"),
    "homeassistant": ("turn_on", "turn_off", "toggle", "update_entity"),
}


def _context_id():
    return "".join(secrets.choice(_CROCKFORD) for _ in range(26))


def _iso(ts):
    return datetime.datetime.fromtimestamp(ts, datetime.timezone.utc).isoformat()


class EntityStore:
    """HA's view of the plug: state strings with their own last_changed/last_updated, kept
    current through the device's change notifications (so timer or button changes show)."""

    def __init__(self, device):
        self.device = device
        self.lock = threading.Lock()
        self.records = {}
        device.subscribe(self._refresh)
        self._refresh(device)

    def _current(self, device):
        unavailable = device.fault == "unavailable"
        onoff = "on" if device.on else "off"
        power = f"{device.power_w():.1f}"
        return {
            SWITCH: ("unavailable" if unavailable else onoff,
                     {"friendly_name": "Bastion"} if unavailable else
                     {"device_class": "outlet", "friendly_name": "Bastion"}),
            INPUT_BOOLEAN: ("unavailable" if unavailable else onoff,
                            {"friendly_name": "Bastion"} if unavailable else
                            {"editable": True, "icon": "mdi:server-network", "friendly_name": "Bastion"}),
            POWER_SENSOR: ("unavailable" if unavailable else power,
                           {"state_class": "measurement", "unit_of_measurement": "W",
                            "device_class": "power", "friendly_name": "Bastion power"}),
        }

    def _refresh(self, device):
        # lock order everywhere: device, then store (device notifications arrive that way)
        with device.lock:
            current = self._current(device)
            with self.lock:
                stamp = _iso(time.time())
                for entity_id, (state, attributes) in current.items():
                    old = self.records.get(entity_id)
                    if old and old["state"] == state and old["attributes"] == attributes:
                        continue
                    last_changed = stamp if old is None or old["state"] != state else old["last_changed"]
                    self.records[entity_id] = {
                        "entity_id": entity_id, "state": state, "attributes": attributes,
                        "last_changed": last_changed, "last_reported": stamp, "last_updated": stamp,
                        "context": {"id": _context_id(), "parent_id": None, "user_id": None},
                    }

    def get(self, entity_id):
        # cheap, and a read never shows a record older than the device
        self._refresh(self.device)
        with self.lock:
            record = self.records.get(entity_id)
            return dict(record) if record else None

    def all(self):
        self._refresh(self.device)
        with self.lock:
            return [dict(r) for r in self.records.values()]

    def call(self, domain, service, entity_ids, user_id):
        """Run an entity service; returns the states this call changed (HA's reply body)."""
        device = self.device
        context = {"id": _context_id(), "parent_id": None, "user_id": user_id}
        targets = [e for e in entity_ids if e in (SWITCH, INPUT_BOOLEAN)
                   and (domain == "homeassistant" or e.split(".", 1)[0] == domain)]
        if not targets or service in ("reload", "update_entity"):
            return []
        if device.fault == "unavailable":
            # HA skips unavailable entities in entity services; the call still succeeds
            return []
        with device.lock:
            if service == "toggle":
                want = not device.on
            else:
                want = service == "turn_on"
            if want == device.on:
                return []
            device.set_power(want, "home_assistant", timer=0)
            with self.lock:
                for e in targets:
                    if e in self.records:
                        self.records[e]["context"] = context
        return [self.get(e) for e in targets]


class HomeAssistantHandler(DeviceHandler):
    unavailable_answers = True
    control_paths = True

    def _authorized(self):
        if self.device.fault == "bad_auth":
            return False
        header = self.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token:
            return False
        return hmac.compare_digest(token.strip().encode(), self.server.token.encode())

    def route(self, method, path, query):
        if not path.startswith("/api/"):
            self.send_text(404, "404: Not Found")
            return
        if not self._authorized():
            self.send_text(401, "401: Unauthorized")
            return
        store = self.server.store
        parts = path.split("/")[2:]  # after "/api/"
        if parts == [""]:
            return self._only(method, "GET") or self.send_json(200, {"message": "API running."})
        if parts == ["config"]:
            return self._only(method, "GET") or self.send_json(200, {
                "version": VERSION, "location_name": "plug-sim", "time_zone": "UTC",
                "unit_system": {"power": "W", "temperature": "°C"}, "state": "RUNNING",
                "components": ["api", "input_boolean", "sensor", "switch", "template"]})
        if parts == ["states"]:
            return self._only(method, "GET") or self.send_json(200, store.all())
        if len(parts) == 2 and parts[0] == "states":
            if method != "GET":
                # POST /api/states/<id> only rewrites HA's record, never the device: not simulated
                return self.send_text(405, "405: Method Not Allowed")
            record = store.get(parts[1])
            if record is None:
                return self.send_json(404, {"message": "Entity not found."})
            return self.send_json(200, record)
        if parts == ["services"]:
            return self._only(method, "GET") or self.send_json(200, [
                {"domain": d, "services": {s: {"fields": {}} for s in ss}}
                for d, ss in _SERVICES.items()])
        if len(parts) == 3 and parts[0] == "services":
            if self._only(method, "POST"):
                return
            return self._service(parts[1], parts[2], query)
        self.send_text(404, "404: Not Found")

    def _only(self, method, allowed):
        if method != allowed:
            self.send_text(405, "405: Method Not Allowed")
            return True
        return False

    def _service(self, domain, service, query):
        try:
            data = self.json_body() or {}
        except ValueError:
            return self.send_json(400, {"message": "Data should be valid JSON."})
        if service not in _SERVICES.get(domain, ()):
            return self.send_text(400, "400: Bad Request")  # ServiceNotFound
        if not isinstance(data, dict):
            return self.send_text(400, "400: Bad Request")
        if "return_response" in query:
            return self.send_json(400, {"message": "Service does not support responses. "
                                                   "Remove return_response from request."})
        raw = data.get("entity_id", [])
        if isinstance(raw, str):
            raw = [e.strip() for e in raw.split(",")] if raw != "all" else [SWITCH, INPUT_BOOLEAN]
        if not isinstance(raw, list) or not all(isinstance(e, str) and _valid_entity_id(e)
                                                for e in raw):
            return self.send_text(400, "400: Bad Request")  # voluptuous rejects it
        changed = self.server.store.call(domain, service, raw, "sim-user")
        self.send_json(200, changed)


def _valid_entity_id(entity_id):
    domain, dot, obj = entity_id.partition(".")
    return bool(dot and domain and obj) and entity_id == entity_id.lower() and " " not in entity_id

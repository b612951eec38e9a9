"""The whole simulator: four plugs (one per API), their HTTP servers and bastions."""
import secrets
import threading

from . import home_assistant, shelly_gen1, shelly_gen2, tasmota
from .control import ControlApi
from .device import Device
from .httpbase import Server

KINDS = ("home_assistant", "shelly_gen2", "shelly_gen1", "tasmota")
MACS = {"shelly_gen2": "B0B21C1A2B3C", "shelly_gen1": "C45BBE6A7F01", "tasmota": "8CAAB5D2E4F6"}


class Sim:
    def __init__(self, host="127.0.0.1", port=8123, boot_delay=2.0, token=None, password=None,
                 auth=True):
        self.host = host
        self.control = ControlApi(self)
        self.devices = {kind: Device(kind, boot_delay, has_timer=kind != "home_assistant")
                        for kind in KINDS}
        self.token = token or secrets.token_urlsafe(32)
        # auth=False: plugs as shipped, without a password (Home Assistant always wants its token)
        self.passwords = {kind: (password or secrets.token_urlsafe(12)) if auth else ""
                          for kind in KINDS[1:]}
        self.servers = {}
        self._serving = []
        try:
            self._start_servers(port)
        except Exception:
            self.stop()
            raise

    def _start_servers(self, port):
        d = self.devices
        ha = Server((self.host, port), home_assistant.HomeAssistantHandler, d["home_assistant"], self)
        ha.token = self.token
        ha.store = home_assistant.EntityStore(d["home_assistant"])
        self.servers["home_assistant"] = ha

        gen2 = Server((self.host, 0), shelly_gen2.ShellyGen2Handler, d["shelly_gen2"], self)
        gen2.rpc = shelly_gen2.ShellyGen2(d["shelly_gen2"], MACS["shelly_gen2"],
                                          self.passwords["shelly_gen2"])
        self.servers["shelly_gen2"] = gen2

        gen1 = Server((self.host, 0), shelly_gen1.ShellyGen1Handler, d["shelly_gen1"], self)
        gen1.mac = MACS["shelly_gen1"]
        gen1.hostname = f"shellyplug-s-{gen1.mac[-6:]}"
        gen1.username, gen1.password = "admin", self.passwords["shelly_gen1"]
        self.servers["shelly_gen1"] = gen1

        tas = Server((self.host, 0), tasmota.TasmotaHandler, d["tasmota"], self)
        tas.tasmota = tasmota.Tasmota(d["tasmota"], MACS["tasmota"])
        tas.username, tas.password = "admin", self.passwords["tasmota"]
        self.servers["tasmota"] = tas

        for kind, server in self.servers.items():
            t = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1},
                                 daemon=True, name=f"http-{kind}")
            t.start()
            self._serving.append(server)

    def url(self, kind):
        host, port = self.servers[kind].server_address[:2]
        return f"http://{host}:{port}"

    @property
    def control_url(self):
        return self.url("home_assistant") + "/_sim"

    def description(self):
        """What the ready file and the start-up lines tell clients."""
        d = self.devices
        entries = [
            {"kind": "home_assistant", "url": self.url("home_assistant"), "token": self.token,
             "entity_id": home_assistant.SWITCH,
             "entity_ids": [home_assistant.SWITCH, home_assistant.INPUT_BOOLEAN],
             "power_entity_id": home_assistant.POWER_SENSOR},
            {"kind": "shelly_gen2", "url": self.url("shelly_gen2"), "username": "admin",
             "password": self.passwords["shelly_gen2"],
             "device_id": self.servers["shelly_gen2"].rpc.id},
            {"kind": "shelly_gen1", "url": self.url("shelly_gen1"),
             "username": self.servers["shelly_gen1"].username,
             "password": self.passwords["shelly_gen1"]},
            {"kind": "tasmota", "url": self.url("tasmota"),
             "username": self.servers["tasmota"].username, "password": self.passwords["tasmota"]},
        ]
        for entry in entries:
            device = d[entry["kind"]]
            entry["auth"] = entry["kind"] == "home_assistant" or bool(self.passwords[entry["kind"]])
            entry["bastion"] = device.bastion.address
            entry["device_timer"] = device.has_timer
        return {"control": self.control_url, "devices": entries}

    def state(self):
        return {kind: device.snapshot() for kind, device in self.devices.items()}

    def reset(self):
        for device in self.devices.values():
            device.reset()
        self.servers["shelly_gen2"].rpc.reset()
        self.servers["tasmota"].tasmota.reset()

    def stop(self):
        for server in self._serving:  # shutdown() waits for serve_forever: only started ones
            server.shutdown()
        self._serving = []
        for server in self.servers.values():
            server.server_close()
        for device in self.devices.values():
            device.shutdown()

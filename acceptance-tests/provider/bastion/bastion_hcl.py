"""HCL for sarga_bastion_power / sarga_bastion_session pointed at a plug-sim device."""

KINDS = ("home_assistant", "shelly_gen2", "shelly_gen1", "tasmota")
TIMER_KINDS = ("shelly_gen2", "shelly_gen1", "tasmota")


def hcl_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("${", "$${") + '"'


def connection_hcl(device: dict, **overrides) -> str:
    """The connection attributes of sarga_bastion_power / _session for a plug-sim device."""
    kind = device["kind"]
    attrs = {"driver": kind, "address": device["url"]}
    if kind == "home_assistant":
        attrs.update(token=device["token"], entity_id=device["entity_id"])
    else:
        attrs.update(password=device["password"])
        if kind != "shelly_gen2":
            attrs["username"] = device["username"]
    attrs.update(overrides)
    return "\n".join(f"  {k} = {hcl_string(str(v))}" for k, v in attrs.items())


def wait_for_hcl(device: dict, timeout: str = "60s") -> str:
    return f'  wait_for = {{ address = "{device["bastion"]}", timeout = "{timeout}" }}'

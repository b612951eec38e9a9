"""Many clients at once (bounded): answers stay consistent, nothing deadlocks, and a stop
during slow requests still ends cleanly."""
import concurrent.futures
import threading
import time

import requests
from requests.auth import HTTPDigestAuth

from plugsim_fixture import PlugSim


def test_parallel_switching_on_every_device(plug_sim):
    ha, gen2, gen1, tas = (plug_sim.devices[k] for k in ("home_assistant", "shelly_gen2", "shelly_gen1", "tasmota"))
    bearer = {"Authorization": f"Bearer {ha['token']}"}

    def work(i):
        on = i % 2 == 0
        service = "turn_on" if on else "turn_off"
        r1 = requests.post(f"{ha['url']}/api/services/switch/{service}", headers=bearer,
                           json={"entity_id": "switch.bastion"}, timeout=10)
        r2 = requests.get(f"{gen2['url']}/rpc/Switch.Set?id=0&on={str(on).lower()}", timeout=10,
                          auth=HTTPDigestAuth("admin", gen2["password"]))
        r3 = requests.get(f"{gen1['url']}/relay/0?turn={'on' if on else 'off'}", timeout=10,
                          auth=(gen1["username"], gen1["password"]))
        r4 = requests.get(f"{tas['url']}/cm", timeout=10,
                          params={"user": "admin", "password": tas["password"], "cmnd": f"Power {int(on)}"})
        r5 = requests.get(f"{ha['url']}/api/states/sensor.bastion_power", headers=bearer, timeout=10)
        return [r.status_code for r in (r1, r2, r3, r4, r5)]

    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(work, range(40)))
    assert all(codes == [200] * 5 for codes in results), results
    # after the storm, one last command per device decides; the reads agree with the sim
    work(0)
    state = plug_sim.state()
    assert all(s["on"] for s in state.values())
    assert requests.get(f"{ha['url']}/api/states/switch.bastion", headers=bearer, timeout=5).json()["state"] == "on"
    log_sizes = {k: len(v) for k, v in plug_sim.requests().items()}
    assert log_sizes["tasmota"] == 41 and log_sizes["shelly_gen1"] == 41


def test_sigterm_during_slow_requests_stops_cleanly():
    sim = PlugSim(boot_delay=0).start()
    started = time.monotonic()
    try:
        sim.fault("all", "slow", delay_ms=5000)
        tas = sim.devices["tasmota"]
        errors = []

        def slow_call():
            try:
                requests.get(f"{tas['url']}/cm?cmnd=Power", timeout=10)
            except requests.RequestException as exc:
                errors.append(exc)

        threads = [threading.Thread(target=slow_call) for _ in range(3)]
        for t in threads:
            t.start()
        time.sleep(0.3)
        started = time.monotonic()
    finally:
        rc = sim.stop()
    assert rc == 0
    assert time.monotonic() - started < 3, "a stop does not wait for slow answers"
    for t in threads:
        t.join(timeout=10)
    assert len(errors) == 3, "the clients saw the connection go"

#!/usr/bin/env python3
"""Prints plug-sim figures: request latency per device (sequential, with auth) and how late
device timers and bastion boots are against their nominal times. Not a test: no asserts.

    acceptance-tests/plug-sim/bench/plugsim_bench.py [--requests N]
"""
import argparse
import base64
import hashlib
import os
import statistics
import sys
import time
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from plugsim_fixture import PlugSim  # noqa: E402
from plugsim.digest import parse_header  # noqa: E402


def timed(fn, n):
    samples = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1]


def get(url, headers=None):
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}), timeout=10) as r:
        return r.read()


def gen2_call(d):
    """One digest-authenticated call the way libcurl does it: challenge, then the request."""
    path = "/rpc/Switch.GetStatus?id=0"
    try:
        get(d["url"] + path)
    except urllib.error.HTTPError as err:
        p = parse_header(err.headers["WWW-Authenticate"])
    sha = lambda s: hashlib.sha256(s.encode()).hexdigest()
    ha1 = sha(f"admin:{p['realm']}:{d['password']}")
    resp = sha(f"{ha1}:{p['nonce']}:00000001:c0ffee:auth:{sha('GET:' + path)}")
    auth = (f'Digest username="admin", realm="{p["realm"]}", nonce="{p["nonce"]}", uri="{path}", '
            f'algorithm=SHA-256, response="{resp}", qop=auth, nc=00000001, cnonce="c0ffee"')
    return get(d["url"] + path, {"Authorization": auth})


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--requests", type=int, default=200)
    n = ap.parse_args().requests
    with PlugSim(boot_delay=0.5) as sim:
        ha, gen2, gen1, tas = (sim.devices[k] for k in ("home_assistant", "shelly_gen2", "shelly_gen1", "tasmota"))
        basic = "Basic " + base64.b64encode(f"admin:{gen1['password']}".encode()).decode()
        calls = {
            "home_assistant GET /api/states/switch.bastion": lambda: get(
                ha["url"] + "/api/states/switch.bastion", {"Authorization": f"Bearer {ha['token']}"}),
            "shelly_gen2 Switch.GetStatus (401 + digest, 2 requests)": lambda: gen2_call(gen2),
            "shelly_gen1 GET /relay/0 (basic)": lambda: get(gen1["url"] + "/relay/0", {"Authorization": basic}),
            "tasmota cmnd=Power": lambda: get(tas["url"] + f"/cm?user=admin&password={tas['password']}&cmnd=Power"),
            "control GET /_sim/state": lambda: sim.state(),
        }
        print(f"request latency over {n} sequential requests (ms):")
        for name, fn in calls.items():
            median, p95 = timed(fn, n)
            print(f"  {name:58s} median {median:6.2f}  p95 {p95:6.2f}")

        late_timer, late_boot = [], []
        for _ in range(5):
            sim.reset()
            start = time.time()
            get(tas["url"] + f"/cm?user=admin&password={tas['password']}&cmnd=Backlog%20PulseTime%2010%3B%20Power%20On")
            while sim.state("tasmota")["bastion_open"] is False:
                time.sleep(0.005)
            late_boot.append((time.time() - start - 0.5) * 1000)
            while sim.state("tasmota")["on"]:
                time.sleep(0.005)
            late_timer.append((time.time() - start - 1.0) * 1000)
        print(f"bastion open after the 0.5 s boot delay, late by (ms): median {statistics.median(late_boot):.1f} "
              f"max {max(late_boot):.1f}")
        print(f"PulseTime 10 (1.0 s) power-off, late by (ms):          median {statistics.median(late_timer):.1f} "
              f"max {max(late_timer):.1f}")


if __name__ == "__main__":
    main()

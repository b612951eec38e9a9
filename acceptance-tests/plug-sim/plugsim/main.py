"""Command line: start the four plugs, print what clients need, serve until SIGTERM/SIGINT."""
import argparse
import json
import os
import signal
import sys
import tempfile
import threading

from .sim import Sim


def parse_listen(value):
    host, sep, port = value.rpartition(":")
    if not sep or not host:
        raise argparse.ArgumentTypeError(f"--listen wants host:port (got {value!r})")
    try:
        port_number = int(port)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--listen: port {port!r} is not a number") from None
    if not 0 <= port_number <= 65535:
        raise argparse.ArgumentTypeError(f"--listen: port {port_number} is out of range")
    return host, port_number


def non_negative(value):
    try:
        number = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number of seconds") from None
    if number < 0:
        raise argparse.ArgumentTypeError(f"{value!r}: must be >= 0")
    return number


def parser():
    p = argparse.ArgumentParser(
        prog="plug-sim",
        description="Smart plugs (Home Assistant, Shelly Gen2, Shelly Gen1, Tasmota), each "
                    "powering a simulated bastion (a TCP port that opens after boot).")
    p.add_argument("--listen", type=parse_listen, default=("127.0.0.1", 8123),
                   help="Home Assistant API and /_sim control address (default 127.0.0.1:8123; "
                        "port 0 picks a free one); the other plugs get free ports on the same host")
    p.add_argument("--ready-file", help="write the devices as JSON here once every port accepts")
    p.add_argument("--boot-delay", type=non_negative, default=2.0,
                   help="seconds from power-on until the bastion port accepts (default 2)")
    p.add_argument("--token", help="Home Assistant long-lived token (default: random)")
    p.add_argument("--password", help="password of the Shelly and Tasmota plugs (default: random each)")
    p.add_argument("--no-auth", action="store_true",
                   help="Shelly and Tasmota plugs without a password (Home Assistant keeps its token)")
    return p


def human_lines(description):
    lines = []
    for d in description["devices"]:
        creds = (f"token={d['token']} entity_id={d['entity_id']}" if d["kind"] == "home_assistant"
                 else f"username={d['username']} password={d['password']}" if d["auth"]
                 else "auth=off")
        lines.append(f"{d['kind']}: url={d['url']} {creds} bastion={d['bastion']}")
    lines.append(f"control: {description['control']}")
    return lines


def write_ready_file(path, description):
    # write then rename, so a reader polling for the file never sees half of it
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".plug-sim-ready-")
    with os.fdopen(fd, "w") as f:
        json.dump(description, f, indent=2)
    os.replace(tmp, path)


def main(argv=None):
    args = parser().parse_args(argv)
    if args.no_auth and args.password:
        parser().error("--no-auth and --password exclude each other")
    host, port = args.listen
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    try:
        sim = Sim(host, port, boot_delay=args.boot_delay, token=args.token, password=args.password,
                  auth=not args.no_auth)
    except OSError as exc:
        print(f"plug-sim: cannot listen on {host}:{port}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    try:
        description = sim.description()
        for line in human_lines(description):
            print(line)
        if args.ready_file:
            write_ready_file(args.ready_file, description)
        print("ready", flush=True)
        while not stop.wait(0.5):
            pass
    finally:
        sim.stop()
    return 0

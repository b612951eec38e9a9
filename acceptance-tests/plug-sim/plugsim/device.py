"""One smart plug: relay state, the device-side timer, the bastion it powers, faults and a
request log. The HTTP front ends (one module per API) only translate to and from this."""
import collections
import threading
import time

from .bastion import Bastion

FAULTS = ("none", "unavailable", "slow", "bad_auth")
BOOTING_W = 31.4   # what the bastion draws while it boots
RUNNING_W = 17.8   # and once its port is open


class Device:
    def __init__(self, kind, boot_delay, has_timer=True):
        self.kind = kind
        self.has_timer = has_timer          # Home Assistant has no device-side auto-off
        self.default_boot_delay = boot_delay
        self.boot_delay = boot_delay
        self.bastion = Bastion()
        self.lock = threading.RLock()
        self.log = collections.deque(maxlen=200)
        self._listeners = []
        self._timer_thread = None
        self._power_epoch = 0               # bumps at every on/off transition
        self._timer_epoch = 0               # bumps at every timer (re)arm or cancel
        self._reset_fields()

    def _reset_fields(self):
        self.on = False
        self.source = "init"
        self.last_changed = time.time()
        self.timer_started = None           # wall clock, seconds
        self.timer_duration = None          # seconds
        self.auto_off = 0.0                 # device setting: off this long after any power-on
        self.auto_on = 0.0                  # and on this long after any power-off
        self.fault = "none"
        self.delay_ms = 0
        self.fault_changed = time.time()
        self.switch_count = 0
        self.energy_wh = 0.0
        self._energy_at = time.monotonic()

    # ---- observers (the HA front end keeps its entity timestamps with this)
    def subscribe(self, callback):
        self._listeners.append(callback)

    def _notify(self):
        for callback in self._listeners:
            callback(self)

    # ---- power
    def set_power(self, on, source, timer=None):
        """Switch the relay. timer: None = the device's auto_off (auto_on) setting applies to
        a power-on (off), 0 = no timer, N > 0 = flip back to the opposite state after N seconds.
        Every command replaces a running timer, as the devices do. Returns was_on."""
        with self.lock:
            was_on = self.on
            self._account_energy()
            if on != was_on:
                self.on = on
                self.last_changed = time.time()
                self.switch_count += 1
                self._power_epoch += 1
                if on:
                    self._schedule_boot(self._power_epoch)
                else:
                    self.bastion.close()
            self.source = source
            if timer is None:
                timer = self.auto_off if on else self.auto_on
            self._arm_timer(timer)
            self._notify()
            return was_on

    def toggle(self, source, timer=None):
        with self.lock:
            return self.set_power(not self.on, source, timer)

    def _schedule_boot(self, epoch):
        def boot():
            with self.lock:
                if self.on and self._power_epoch == epoch:
                    self._account_energy()
                    self.bastion.open()
                    self._notify()  # the power reading changes with the boot
        if self.boot_delay <= 0:
            boot()
            return
        t = threading.Timer(self.boot_delay, boot)
        t.daemon = True
        t.start()

    def _arm_timer(self, seconds):
        self._timer_epoch += 1
        if self._timer_thread is not None:
            self._timer_thread.cancel()
            self._timer_thread = None
        if not seconds or seconds <= 0:
            self.timer_started = self.timer_duration = None
            return
        epoch = self._timer_epoch
        self.timer_started = time.time()
        self.timer_duration = float(seconds)
        t = threading.Timer(seconds, self._timer_fired, args=(epoch,))
        t.daemon = True
        self._timer_thread = t
        t.start()

    def _timer_fired(self, epoch):
        """The device's own timer: it runs whether or not any client is connected."""
        with self.lock:
            if epoch != self._timer_epoch:
                return
            self._timer_thread = None
            self.set_power(not self.on, "timer", timer=0)

    def timer_remaining(self):
        with self.lock:
            if self.timer_started is None:
                return None
            return max(0.0, self.timer_started + self.timer_duration - time.time())

    def timer_deadline(self):
        with self.lock:
            if self.timer_started is None:
                return None
            return self.timer_started + self.timer_duration

    # ---- readings
    def power_w(self):
        with self.lock:
            if not self.on:
                return 0.0
            return RUNNING_W if self.bastion.is_open() else BOOTING_W

    def _account_energy(self):
        now = time.monotonic()
        self.energy_wh += self.power_w() * (now - self._energy_at) / 3600.0
        self._energy_at = now

    def energy(self):
        with self.lock:
            self._account_energy()
            return self.energy_wh

    # ---- faults and control
    def set_fault(self, fault, delay_ms=0):
        if fault not in FAULTS:
            raise ValueError(f"fault must be one of {', '.join(FAULTS)} (got {fault!r})")
        if delay_ms is None:
            delay_ms = 0
        if not isinstance(delay_ms, (int, float)) or isinstance(delay_ms, bool) or delay_ms < 0:
            raise ValueError(f"delay_ms must be a number >= 0 (got {delay_ms!r})")
        with self.lock:
            if fault == "slow" and delay_ms == 0:
                delay_ms = 3000
            self.fault = fault
            self.delay_ms = int(delay_ms) if fault == "slow" else 0
            self.fault_changed = time.time()
            self._notify()

    def reset(self):
        with self.lock:
            self._arm_timer(0)
            self._power_epoch += 1
            self.bastion.close()
            self.bastion.accepted = 0
            self.boot_delay = self.default_boot_delay
            self._reset_fields()
            self.log.clear()
            self._notify()

    def record(self, method, path, status):
        self.log.append({"time": time.time(), "method": method, "path": path, "status": status})

    def snapshot(self):
        with self.lock:
            return {
                "on": self.on,
                "source": self.source,
                "last_changed": self.last_changed,
                "timer_deadline": self.timer_deadline(),
                "timer_remaining": self.timer_remaining(),
                "auto_off": self.auto_off,
                "auto_on": self.auto_on,
                "device_timer": self.has_timer,
                "power_w": self.power_w(),
                "bastion": self.bastion.address,
                "bastion_open": self.bastion.is_open(),
                "bastion_connections": self.bastion.accepted,
                "boot_delay": self.boot_delay,
                "fault": self.fault,
                "delay_ms": self.delay_ms,
                "switch_count": self.switch_count,
            }

    def shutdown(self):
        with self.lock:
            self._arm_timer(0)
            self._power_epoch += 1
        self.bastion.shutdown()

"""plug-sim: smart plugs (Home Assistant, Shelly Gen2, Shelly Gen1, Tasmota) with a simulated
bastion host behind each, for sarga's bastion power tests. Standard library only."""

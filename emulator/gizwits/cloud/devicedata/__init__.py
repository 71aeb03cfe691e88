"""What the cloud knows of devices: the registry, communication logs, aggregated data, the device side."""

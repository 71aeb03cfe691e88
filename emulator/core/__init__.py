"""What no cloud owns: the clock, the event queue, the change feed and history, ids, the request
journal, fault rules, persistence and the device-simulation engine. The core imports no cloud."""

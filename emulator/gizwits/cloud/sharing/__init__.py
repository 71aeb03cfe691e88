"""Who sees which device: bindings and their roles, sharing records and flow, the message center."""

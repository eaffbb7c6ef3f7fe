"""Cases: a partner's support or service request to a vendor, with its notes."""

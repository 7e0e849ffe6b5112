"""Writes of the volunteer network, split by concept. Each runs in one transaction and writes
its own audit row; a refused attempt is audited as `denied` and changes nothing."""

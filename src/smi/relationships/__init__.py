"""Relationships: who talks with the organisation's accounts and its staff, and who holds each."""

from smi.relationships.network import Edge, Network, Node, build_network, full_id

__all__ = ["Edge", "Network", "Node", "build_network", "full_id"]

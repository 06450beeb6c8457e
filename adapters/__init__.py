"""Adapters: the rim of the hexagon. Each kind imports inward, never another kind."""

"""Metrics and log formats: how operators see the service."""

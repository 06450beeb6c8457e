"""Crypto adapters: password hashing, access tokens, refresh tokens."""

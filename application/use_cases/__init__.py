"""One module per use case (users.py holds the four user-resource ones)."""

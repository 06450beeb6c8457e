"""The Flask JSON API: an app factory, one blueprint per area, problem details."""
